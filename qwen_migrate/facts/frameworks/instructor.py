"""instructor (instructor 1.17.0): `from_openai(client)` and `patch(client)` patch an OpenAI SDK
client's `chat.completions.create`, so the requests go where the client sends them; the `mode`
chooses how the response model is asked for; `from_provider("openai/<model>", base_url=...,
api_key=...)` builds the SDK client itself.

Sources, in the installed package (instructor==1.17.0; it pins `jiter<0.15`, which no openai 3.57
accepts, so it is not in the test extras): `instructor/v2/providers/openai/client.py:119`
(`from_openai(client, mode=Mode.TOOLS, model=None, **kwargs)`, `model` injected into requests
that give none), `instructor/v2/core/patch.py:150-184` (`patch(client, create, mode, provider)`
returns the client itself; `apatch(client, mode, provider)`), `:199-207` (the patched create's own
keywords), `instructor/v2/auto_client.py:60,150-161,202-262` (`from_provider(model, async_client,
cache, mode, **kwargs)`: "openai/<model>" builds `openai.OpenAI(base_url=..., api_key=...)` from
its keywords, OPENAI_BASE_URL and OPENAI_API_KEY otherwise; "dashscope/..." raises
ConfigurationError "Unsupported provider"), `instructor/v2/core/mode.py:15-40` (Mode),
`instructor/v2/providers/openai/handlers.py` (JSON_SCHEMA sends a json_schema response format,
:799-805; PARALLEL_TOOLS sends tools with no parallel_tool_calls, :1062; RESPONSES_TOOLS posts to
`/responses`).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import CHAT, OPENAI_PROVIDER, REJECTED, Entry, ModelStrings

FROM_OPENAI = Entry(
    framework="instructor",
    name="from_openai",
    kind=CHAT,
    imports=("instructor.from_openai", "instructor.core.from_openai", "instructor.v2.providers.openai.client.from_openai"),
    source="instructor 1.17.0 instructor/v2/providers/openai/client.py from_openai",
    model=("model",),
    positional=("client", "mode", "model"),
    extra_body=None,
    wraps="client",
)
PATCH = Entry(
    framework="instructor",
    name="patch",
    kind=CHAT,
    imports=("instructor.patch", "instructor.core.patch.patch", "instructor.v2.core.patch.patch"),
    source="instructor 1.17.0 instructor/v2/core/patch.py patch",
    positional=("client", "create", "mode"),
    extra_body=None,
    wraps="client",
)
APATCH = Entry(
    framework="instructor",
    name="apatch",
    kind=CHAT,
    imports=("instructor.apatch", "instructor.core.patch.apatch", "instructor.v2.core.patch.apatch"),
    source="instructor 1.17.0 instructor/v2/core/patch.py apatch",
    positional=("client", "mode"),
    extra_body=None,
    wraps="client",
)
FROM_PROVIDER = Entry(
    framework="instructor",
    name="from_provider",
    kind=CHAT,
    imports=("instructor.from_provider", "instructor.auto_client.from_provider", "instructor.v2.auto_client.from_provider"),
    source="instructor 1.17.0 instructor/v2/auto_client.py from_provider",
    model=("model",),
    base_url=("base_url",),
    api_key=("api_key",),
    positional=("model", "async_client", "cache", "mode"),
    # "openai/<model>" is the SDK's client; DashScope is reached through it (the prefix stays), as
    # instructor has no provider of that name
    model_strings=ModelStrings("/", {"openai": OPENAI_PROVIDER, "dashscope": REJECTED}),
    extra_body=None,
    base_url_variable="OPENAI_BASE_URL",  # auto_client.py:203-247: openai.OpenAI(base_url=None)
)
ENTRIES = (FROM_OPENAI, PATCH, APATCH, FROM_PROVIDER)

# How a mode is given: `mode=Mode.JSON_SCHEMA`, `Mode` imported by one of these names (or
# `instructor.Mode.JSON_SCHEMA`).
MODE = "mode"
MODE_CLASS = ("instructor.Mode", "instructor.mode.Mode", "instructor.v2.core.mode.Mode")
INSTRUCTOR_MODULE = "instructor"
# Modes: JSON_SCHEMA sends a json_schema response format; TOOLS a forced named function (DashScope
# takes one); the RESPONSES ones post to /responses, which compatible-mode does not serve;
# PARALLEL_TOOLS sends tools with no parallel_tool_calls, which DashScope defaults to false.
MODE_JSON_SCHEMA = "JSON_SCHEMA"
MODE_TOOLS = "TOOLS"
MODE_RESPONSES_TOOLS = "RESPONSES_TOOLS"
MODE_RESPONSES_WITH_INBUILT_TOOLS = "RESPONSES_TOOLS_WITH_INBUILT_TOOLS"
MODE_PARALLEL_TOOLS = "PARALLEL_TOOLS"
# The keywords the patched `create` keeps for itself (v2/core/patch.py:199-220): no SDK rule judges them.
PATCHED_CREATE_OWN = ("response_model", "context", "max_retries", "strict", "hooks", "token_budget", "validation_context", "cache", "cache_namespace", "cache_ttl", "autodetect_images")

"""openai-agents (openai-agents 0.24.0, the `agents` package): an `Agent` takes a model name,
which its default provider sends to the Responses API unless the project switches the default to
Chat Completions; a Model object says which API itself.

Sources, in the installed package (openai-agents==0.24.0):
`agents/models/_openai_shared.py:11` (`_use_responses_by_default = True`), `agents/__init__.py:280-308`
(`set_default_openai_key`, `set_default_openai_client(client, use_for_tracing=True)`,
`set_default_openai_api`), `agents/models/multi_provider.py:63-67` (a bare name or "openai/" goes to
OpenAIProvider, "litellm/" and "any-llm/" to other providers), `agents/models/openai_provider.py:108-111`
(`use_responses`), `agents/models/openai_chatcompletions.py:60` (OpenAIChatCompletionsModel(model,
openai_client)), `agents/models/openai_responses.py` (OpenAIResponsesModel(model, openai_client, *,
model_is_explicit)), `agents/model_settings.py:111,114,175,183` (tool_choice, parallel_tool_calls,
extra_body, extra_args), `agents/models/openai_chatcompletions.py:713,740` (extra_body sent as
extra_body; extra_args as keywords of `create()`), `agents/models/chatcmpl_converter.py:90-120`
("required" sent as it is; `output_type` as a strict json_schema), `agents/tracing/__init__.py:108`
(`set_tracing_disabled`), `agents/tracing/processors.py:46,66,108-115` (traces POSTed to
api.openai.com with the tracing key, else OPENAI_API_KEY), `agents/tracing/provider.py:347-351`
(OPENAI_AGENTS_DISABLE_TRACING).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import AGENT, CHAT, OPTIONS, OTHER, OPENAI_PROVIDER, SETTING, Entry, ModelStrings

FRAMEWORK = "openai_agents"
_SOURCE = "openai-agents 0.24.0"

AGENT_ENTRY = Entry(
    framework=FRAMEWORK,
    name="Agent",
    kind=AGENT,
    imports=("agents.Agent", "agents.agent.Agent"),
    source=f"{_SOURCE} agents/agent.py Agent (a dataclass: model: str | Model | None = None)",
    model=("model",),
    # agents/models/multi_provider.py: a name without a prefix, or "openai/", is OpenAIProvider's;
    # "litellm/" and "any-llm/" are other frameworks'
    model_strings=ModelStrings("/", {"openai": OPENAI_PROVIDER, "litellm": OTHER, "any-llm": OTHER}, bare_is_openai=True),
    extra_body=None,
    # agents/models/openai_provider.py:140-175: OpenAIProvider's requests go through the default client
    default_client=f"{FRAMEWORK}.set_default_openai_client",
)
MODEL_SETTINGS = Entry(
    framework=FRAMEWORK,
    name="ModelSettings",
    kind=OPTIONS,
    imports=("agents.ModelSettings", "agents.model_settings.ModelSettings"),
    source=f"{_SOURCE} agents/model_settings.py ModelSettings",
)
CHAT_COMPLETIONS_MODEL = Entry(
    framework=FRAMEWORK,
    name="OpenAIChatCompletionsModel",
    kind=CHAT,
    imports=("agents.OpenAIChatCompletionsModel", "agents.models.openai_chatcompletions.OpenAIChatCompletionsModel"),
    source=f"{_SOURCE} agents/models/openai_chatcompletions.py:60",
    model=("model",),
    positional=("model", "openai_client"),
    client=("openai_client",),
    extra_body=None,
)
RESPONSES_MODEL = Entry(
    framework=FRAMEWORK,
    name="OpenAIResponsesModel",
    kind=CHAT,
    imports=("agents.OpenAIResponsesModel", "agents.models.openai_responses.OpenAIResponsesModel"),
    source=f"{_SOURCE} agents/models/openai_responses.py OpenAIResponsesModel",
    model=("model",),
    positional=("model", "openai_client"),
    client=("openai_client",),
    extra_body=None,
)
PROVIDER = Entry(
    framework=FRAMEWORK,
    name="OpenAIProvider",
    kind=CHAT,
    imports=("agents.OpenAIProvider", "agents.models.openai_provider.OpenAIProvider"),
    source=f"{_SOURCE} agents/models/openai_provider.py:140-175 (keyword-only; base_url, else OPENAI_BASE_URL)",
    base_url=("base_url",),
    api_key=("api_key",),
    client=("openai_client",),
    extra_body=None,
    base_url_variable="OPENAI_BASE_URL",  # openai_provider.py:165
)
SET_DEFAULT_API = Entry(
    framework=FRAMEWORK,
    name="set_default_openai_api",
    kind=SETTING,
    imports=("agents.set_default_openai_api",),
    source=f"{_SOURCE} agents/__init__.py:308",
    positional=("api",),
)
SET_TRACING_DISABLED = Entry(
    framework=FRAMEWORK,
    name="set_tracing_disabled",
    kind=SETTING,
    imports=("agents.set_tracing_disabled", "agents.tracing.set_tracing_disabled"),
    source=f"{_SOURCE} agents/tracing/__init__.py:108",
    positional=("disabled",),
)
SET_DEFAULT_CLIENT = Entry(
    framework=FRAMEWORK,
    name="set_default_openai_client",
    kind=SETTING,
    imports=("agents.set_default_openai_client",),
    source=f"{_SOURCE} agents/__init__.py:295",
    positional=("client",),
)
ENTRIES = (AGENT_ENTRY, MODEL_SETTINGS, CHAT_COMPLETIONS_MODEL, RESPONSES_MODEL, PROVIDER, SET_DEFAULT_API, SET_TRACING_DISABLED, SET_DEFAULT_CLIENT)

# set_default_openai_api's value that keeps string models on Chat Completions (its default is "responses")
CHAT_COMPLETIONS_API = "chat_completions"
# OpenAIProvider(use_responses=...): True sends its models' requests to the Responses API
USE_RESPONSES = "use_responses"
# OpenAIResponsesModel's keywords that OpenAIChatCompletionsModel does not take
RESPONSES_MODEL_ONLY = ("model_is_explicit",)

# Agent fields the rules read
OUTPUT_TYPE = "output_type"  # any type but str is sent as a strict json_schema response format
TOOLS = "tools"
AGENT_MODEL_SETTINGS = "model_settings"
# ModelSettings fields the rules read
TOOL_CHOICE = "tool_choice"
PARALLEL_TOOL_CALLS = "parallel_tool_calls"
EXTRA_ARGS = "extra_args"  # passed to chat.completions.create() as keywords: a Qwen-only one raises TypeError

# The environment variable that turns tracing off ("1" or "true"), beside set_tracing_disabled(True)
DISABLE_TRACING_VARIABLE = "OPENAI_AGENTS_DISABLE_TRACING"

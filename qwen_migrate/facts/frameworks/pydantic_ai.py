"""pydantic-ai (pydantic-ai-slim 2.68.0 with its OpenAI extra): an `Agent` takes a model string
whose prefix names the provider and the API ("openai:" builds a Responses model, "openai-chat:" a
Chat Completions one, "alibaba:" a Chat Completions one on DashScope's own provider), or a model
object.

Sources, in the installed package (pydantic-ai-slim==2.68.0): `pydantic_ai/models/__init__.py:3701`
(`openai`, `openai-responses` build OpenAIResponsesModel), `:3705` and `:282-307` (`openai-chat`
and the chat-compatible providers, `alibaba` among them, build OpenAIChatModel),
`pydantic_ai/providers/alibaba.py:62-96` (AlibabaProvider: keyword-only; ALIBABA_API_KEY, then
DASHSCOPE_API_KEY; the Singapore URL, no variable moves it), `pydantic_ai/providers/openai.py:178-225`
(OpenAIProvider(base_url, api_key, openai_client, http_client); OPENAI_BASE_URL, OPENAI_API_KEY),
`pydantic_ai/models/openai/` (OpenAIChatModel(model_name, *, provider, profile, settings),
OpenAIResponsesModel(model_name, *, provider, profile, settings, history_digest_key,
websocket_connection_options)), `pydantic_ai/models/_tool_choice.py:106` and
`models/openai/_chat_model.py:824-832` (tool output without text output sends "required" when the
profile allows forcing), `pydantic_ai/profiles/qwen.py:13` (which only `qwen-3-coder*` disallows:
no DashScope name), `pydantic_ai/output.py` (NativeOutput, PromptedOutput, ToolOutput, TextOutput).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import AGENT, CHAT, DASHSCOPE_PROVIDER, OPENAI_PROVIDER, Entry, ModelStrings

FRAMEWORK = "pydantic_ai"
_SOURCE = "pydantic-ai-slim 2.68.0"
SINGAPORE_URL = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"

# Model-string prefixes that build a Responses model, and the DashScope provider's
MODEL_STRINGS = ModelStrings(
    ":",
    {"openai": OPENAI_PROVIDER, "openai-responses": OPENAI_PROVIDER, "openai-chat": OPENAI_PROVIDER, "alibaba": DASHSCOPE_PROVIDER},
    dashscope_form="alibaba:{}",
)
RESPONSES_PREFIXES = ("openai", "openai-responses")

AGENT_ENTRY = Entry(
    framework=FRAMEWORK,
    name="Agent",
    kind=AGENT,
    imports=("pydantic_ai.Agent", "pydantic_ai.agent.Agent"),
    source=f"{_SOURCE} pydantic_ai/agent/__init__.py Agent(model=None, *, output_type=str, ...)",
    model=("model",),
    positional=("model",),
    model_strings=MODEL_STRINGS,
    # AlibabaProvider has no variable for its URL: an OpenAIChatModel with AlibabaProvider(base_url=...) moves it
    dashscope_defaults={"alibaba": (SINGAPORE_URL, "OpenAIChatModel(provider=AlibabaProvider(base_url=...))")},
    extra_body=None,
)
CHAT_MODEL = Entry(
    framework=FRAMEWORK,
    name="OpenAIChatModel",
    kind=CHAT,
    imports=("pydantic_ai.models.openai.OpenAIChatModel",),
    source=f"{_SOURCE} pydantic_ai/models/openai/_chat_model.py OpenAIChatModel",
    model=("model_name",),
    positional=("model_name",),
    # a provider object (OpenAIProvider, AlibabaProvider) is judged where it is built
    provider_parameter=("provider", "openai"),
    extra_body=None,
)
RESPONSES_MODEL = Entry(
    framework=FRAMEWORK,
    name="OpenAIResponsesModel",
    kind=CHAT,
    imports=("pydantic_ai.models.openai.OpenAIResponsesModel",),
    source=f"{_SOURCE} pydantic_ai/models/openai/_responses_model.py OpenAIResponsesModel",
    model=("model_name",),
    positional=("model_name",),
    extra_body=None,
)
PROVIDER = Entry(
    framework=FRAMEWORK,
    name="OpenAIProvider",
    kind=CHAT,
    imports=("pydantic_ai.providers.openai.OpenAIProvider",),
    source=f"{_SOURCE} pydantic_ai/providers/openai.py:178-225",
    base_url=("base_url",),
    api_key=("api_key",),
    positional=("base_url", "api_key", "openai_client"),
    client=("openai_client",),
    extra_body=None,
    base_url_variable="OPENAI_BASE_URL",  # providers/openai.py:206
)
ENTRIES = (AGENT_ENTRY, CHAT_MODEL, RESPONSES_MODEL, PROVIDER)

# What a fix writes for a Chat Completions model (and imports it from)
CHAT_MODEL_IMPORT = ("pydantic_ai.models.openai", "OpenAIChatModel")
# OpenAIResponsesModel's keywords that OpenAIChatModel does not take
RESPONSES_MODEL_ONLY = ("history_digest_key", "websocket_connection_options")

# Agent(output_type=...): the output markers. NativeOutput sends a json_schema response format (or,
# on AlibabaProvider's profile, raises UserError); PromptedOutput asks for the schema in the prompt;
# a type, or ToolOutput, is an output tool, forced with tool_choice="required".
OUTPUT_TYPE = "output_type"
NATIVE_OUTPUT = ("pydantic_ai.NativeOutput", "pydantic_ai.output.NativeOutput")
NATIVE_OUTPUT_ONLY = ("strict",)  # NativeOutput's keywords that PromptedOutput does not take
PROMPTED_OUTPUT = ("pydantic_ai", "PromptedOutput")
TOOL_OUTPUT = ("pydantic_ai.ToolOutput", "pydantic_ai.output.ToolOutput")
# markers and types that let the model answer in text, so the output tool is not forced
TEXT_OUTPUTS = ("str", "pydantic_ai.TextOutput", "pydantic_ai.output.TextOutput", "pydantic_ai.PromptedOutput", "pydantic_ai.output.PromptedOutput")

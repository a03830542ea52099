"""LangChain's OpenAI integration (langchain-openai 1.7.4) and `init_chat_model` (langchain 1.x).

Sources, in the installed packages: `langchain_openai/chat_models/base.py` (ChatOpenAI's fields and
aliases: `model_name`/`model`, `openai_api_key`/`api_key`, `openai_api_base`/`base_url`, the env
variable OPENAI_API_BASE read beside the SDK's; `_use_responses_api` and
`_model_prefers_responses_api` for when it sends Responses requests; `with_structured_output`'s
default `method="json_schema"`; `bind_tools` turning "any" and True into "required"),
`langchain_openai/embeddings/base.py` (OpenAIEmbeddings: `chunk_size=1000`,
`check_embedding_ctx_length=True` sending token ids, no `encoding_format` field) and
`langchain/chat_models/base.py` (`init_chat_model("openai:<model>")` builds ChatOpenAI(model=...)).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import AZURE_CHAT, CHAT, EMBEDDINGS, OPENAI_PROVIDER, Entry, ModelStrings

_SOURCE = "langchain-openai 1.7.4 langchain_openai/chat_models/base.py"

CHAT_OPENAI = Entry(
    framework="langchain",
    name="ChatOpenAI",
    kind=CHAT,
    imports=("langchain_openai.ChatOpenAI", "langchain_openai.chat_models.ChatOpenAI", "langchain_openai.chat_models.base.ChatOpenAI"),
    source=_SOURCE,
    model=("model", "model_name"),
    base_url=("base_url", "openai_api_base"),
    api_key=("api_key", "openai_api_key"),
    default_model="gpt-3.5-turbo",
    methods=frozenset({"with_structured_output", "bind_tools"}),
)
OPENAI_EMBEDDINGS = Entry(
    framework="langchain",
    name="OpenAIEmbeddings",
    kind=EMBEDDINGS,
    imports=("langchain_openai.OpenAIEmbeddings", "langchain_openai.embeddings.OpenAIEmbeddings", "langchain_openai.embeddings.base.OpenAIEmbeddings"),
    source="langchain-openai 1.7.4 langchain_openai/embeddings/base.py",
    model=("model",),
    base_url=("base_url", "openai_api_base"),
    api_key=("api_key", "openai_api_key"),
    default_model="text-embedding-ada-002",
    extra_body=None,
)
AZURE_CHAT_OPENAI = Entry(
    framework="langchain",
    name="AzureChatOpenAI",
    kind=AZURE_CHAT,
    imports=("langchain_openai.AzureChatOpenAI", "langchain_openai.chat_models.AzureChatOpenAI", "langchain_openai.chat_models.azure.AzureChatOpenAI"),
    source="langchain-openai 1.7.4 langchain_openai/chat_models/azure.py",
)
INIT_CHAT_MODEL = Entry(
    framework="langchain",
    name="init_chat_model",
    kind=CHAT,
    imports=("langchain.chat_models.init_chat_model", "langchain.chat_models.base.init_chat_model"),
    source="langchain 1.x langchain/chat_models/base.py",
    model=("model",),
    base_url=("base_url", "openai_api_base"),
    api_key=("api_key", "openai_api_key"),
    positional=("model",),
    # "openai:<model>" or model_provider="openai"; a bare "gpt-..." name is inferred as OpenAI's,
    # a bare Qwen name raises "Unable to infer model provider": a fix keeps the prefix
    model_strings=ModelStrings(":", {"openai": OPENAI_PROVIDER}, bare_prefix="openai"),
    provider_parameter=("model_provider", "openai"),
    methods=CHAT_OPENAI.methods,
    behaves_as="ChatOpenAI",
)
ENTRIES = (CHAT_OPENAI, OPENAI_EMBEDDINGS, AZURE_CHAT_OPENAI, INIT_CHAT_MODEL)

# ChatOpenAI settings that make it send Responses API requests (`_use_responses_api`): any value
# but None, True for use_previous_response_id, "responses/v1" for output_version; and model names.
RESPONSES_TRIGGERS = ("reasoning", "include", "truncation", "context_management")
RESPONSES_FLAG = "use_responses_api"
RESPONSES_OUTPUT_VERSION = ("output_version", "responses/v1")
RESPONSES_PREVIOUS_ID = "use_previous_response_id"
RESPONSES_MODEL_PREFIXES = ("gpt-5-pro", "gpt-5.2-pro", "gpt-5.4-pro", "gpt-5.5-pro", "gpt-5.6-sol")
RESPONSES_MODEL_WORD = "codex"
# Request keys that switch it too when they reach the payload (`model_kwargs`): module-level `_use_responses_api`.
RESPONSES_PAYLOAD_KEYS = ("context_management", "include", "previous_response_id", "reasoning", "text", "truncation")

# with_structured_output(schema, method=...): the default sends a strict json_schema; these work on DashScope.
STRUCTURED_OUTPUT_DEFAULT = "json_schema"
STRUCTURED_OUTPUT_WORKING = ("function_calling", "json_mode")
# bind_tools(tool_choice=...): the values it sends as "required".
TOOL_CHOICE_REQUIRED = ("any", "required", True)

# Where ChatOpenAI sends what it does not know as a field: model_kwargs, then create(**...), which
# raises TypeError for a Qwen-only parameter.
MODEL_KWARGS = "model_kwargs"

# OpenAIEmbeddings: what DashScope needs (its docstring: check_embedding_ctx_length=False for
# non-OpenAI providers; DashScope takes float only, at most 10 inputs per request).
EMBEDDINGS_TOKEN_IDS = ("check_embedding_ctx_length", True)
EMBEDDINGS_CHUNK_SIZE = ("chunk_size", 1000)

"""What DashScope's OpenAI-compatible mode accepts: the one place that holds these facts.

Every entry names its source. "Spec" is the compatibility page kept at
shared/reference/dashscope-openai-compatibility.txt; other Model Studio pages are cited by name.
When DashScope changes, only this module changes.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit

from qwen_migrate.facts.openai_sdk import OPENAI_HOST

# Spec, "Supported APIs"; Model Studio docs, "Regions and endpoints".
REGION_HOSTS = {
    "intl": "https://dashscope-intl.aliyuncs.com",  # Singapore, the spec's default
    "cn": "https://dashscope.aliyuncs.com",  # Beijing
    "us": "https://dashscope-us.aliyuncs.com",  # Virginia
    "hk": "https://cn-hongkong.dashscope.aliyuncs.com",
}
DEFAULT_REGION = "intl"
COMPATIBLE_PATH = "/compatible-mode/v1"
RESPONSES_PATH = "/api/v2/apps/protocols/compatible-mode/v1"

# Spec, "Supported APIs": which base URL each API needs. The client attribute names are the SDK's.
COMPATIBLE_APIS = frozenset({"chat", "embeddings", "files", "batches"})
RESPONSES_APIS = frozenset({"responses", "conversations"})
SUPPORTED_APIS = COMPATIBLE_APIS | RESPONSES_APIS
# The APIs each of the spec's paths serves, on any DashScope host.
PATH_APIS = {COMPATIBLE_PATH.lower(): COMPATIBLE_APIS, RESPONSES_PATH.lower(): RESPONSES_APIS}

# Model Studio docs, "OpenAI-compatible - Chat" (BASE_URL,
# https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope): besides
# the regional hosts above, workspace-dedicated domains `{WorkspaceId}.{region}.maas.aliyuncs.com`
# (ap-southeast-1, us-east-1, cn-beijing, cn-hongkong, Tokyo's ap-northeast-1, ...) and Token Plan
# hosts (`token-plan.{region}.maas.aliyuncs.com`) serve the same paths. Those hosts are DashScope's,
# and so is any other Alibaba Cloud host whose path is one of the spec's; other Alibaba Cloud hosts
# run other services (a vLLM server on PAI-EAS, a Function Compute app): another provider's.
DASHSCOPE_HOST = re.compile(r"^(?:[\w-]+\.)*(?:dashscope[\w-]*|maas)\.aliyuncs\.com$")
ALIBABA_CLOUD_DOMAIN = "aliyuncs.com"
# Who a base URL belongs to. A client addressed on purpose to another provider (a proxy, a local
# vLLM or Ollama server, OpenRouter, ...) is no part of the migration.
DASHSCOPE, OPENAI, OTHER_PROVIDER = "dashscope", "openai", "other"

# Where the spec and a newer Model Studio page disagree, the spec is the default and a setting
# follows the newer page (see config.Settings).
# The Responses API: the spec's path, or, per the newer "OpenAI-compatible - Responses" page
# (https://www.alibabacloud.com/help/en/model-studio/compatibility-with-openai-responses-api: "the
# legacy path /api/v2/apps/protocols/compatible-mode/v1/responses ... migrate to the new path
# /compatible-mode/v1/responses"), the compatible-mode base URL, which then serves every API.
RESPONSES_ENDPOINTS = {"protocols": RESPONSES_PATH, "compatible-mode": COMPATIBLE_PATH}
# max_completion_tokens: silently ignored (spec, "Unsupported parameters"), or the preferred
# output-token parameter (Model Studio notice 724, 2026-04-20,
# https://www.alibabacloud.com/en/notice/model_studio_notice_of_changes_to_certain_model_fields_724).
MAX_COMPLETION_TOKENS_SETTINGS = ("ignored", "supported")
# Responses `instructions`: served (the spec documents no exception for it), or ignored per the
# newer "OpenAI-compatible Responses" reference
# (https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses: "Some OpenAI
# Responses API parameters are not supported, such as instructions and background").
RESPONSES_INSTRUCTIONS_SETTINGS = ("supported", "ignored")

# Spec, "Chat Completions" › "Qwen-specific parameters": the SDK raises TypeError on them as keywords.
QWEN_ONLY_CHAT_PARAMS = (
    "enable_thinking",
    "thinking_budget",
    "enable_search",
    "search_options",
    "top_k",
    "vl_high_resolution_images",
    "enable_code_interpreter",
)
# Model Studio docs, "OpenAI-compatible Responses"
# (https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses): "This API also
# supports extra parameters, such as enable_thinking"; its parameter list names no other Qwen-only
# one, and it processes only what it lists. The other Qwen-only chat parameters are no Responses
# parameters: as keywords the SDK raises TypeError, and in a request body they are ignored.
RESPONSES_QWEN_PARAMS = ("enable_thinking",)
# Spec, "Qwen-specific parameters": top_k is an Integer in the range (0, 100].
TOP_K_RANGE = (0, 100)
# Spec, "Unsupported parameters" lists reasoning_effort as ignored; Model Studio docs, "Deep thinking"
# (https://www.alibabacloud.com/help/en/model-studio/deep-thinking): thinking is turned on and bounded
# by these Qwen-only parameters instead.
THINKING_PARAMS = ("enable_thinking", "thinking_budget")
# The ignored OpenAI parameters that ask for reasoning, and the Qwen-only parameters (extra_body)
# that control thinking in their place: Chat Completions' reasoning_effort, and the Responses
# `reasoning`, where the Responses page adds enable_thinking only (RESPONSES_QWEN_PARAMS).
THINKING_INSTEAD_OF = {
    "reasoning_effort": THINKING_PARAMS,
    "reasoning": tuple(name for name in THINKING_PARAMS if name in RESPONSES_QWEN_PARAMS),
}

# How DashScope treats every parameter of the SDK methods qwen-migrate knows. A test reads the
# installed SDK's signatures and fails on a parameter missing here, so a new SDK release is a
# decision to make, not a silent gap. Kinds:
#   supported    sent and honoured (values may be limited: see the rules)
#   ignored      accepted and silently ignored (spec, "Unsupported parameters"; for Responses, the
#                Model Studio page cited there)
#   renamed      not accepted; DashScope has another parameter for it (the value names it)
#   unsupported  not documented by DashScope: rejected, or unknown to the endpoint
# The SDK's own request options (openai_sdk.SDK_REQUEST_OPTIONS) apply everywhere.
SUPPORTED, IGNORED, RENAMED, UNSUPPORTED = "supported", "ignored", "renamed", "unsupported"

_CHAT_PARAMETERS = {
    **dict.fromkeys(
        """messages model audio modalities logprobs top_logprobs max_tokens n parallel_tool_calls
        presence_penalty response_format seed stop stream stream_options temperature tool_choice
        tools top_p user""".split(),
        SUPPORTED,
    ),
    # Spec, "Chat Completions" › "Unsupported parameters".
    **dict.fromkeys(
        """frequency_penalty logit_bias max_completion_tokens metadata prediction prompt_cache_key
        reasoning_effort service_tier store verbosity""".split(),
        IGNORED,
    ),
    # Spec, "Behavioral differences": use extra_body.enable_search and search_options instead.
    "web_search_options": RENAMED,
    # Deprecated function calling, and OpenAI features the spec does not document.
    **dict.fromkeys(
        """function_call functions moderation prompt_cache_options prompt_cache_retention
        safety_identifier""".split(),
        UNSUPPORTED,
    ),
}
# What replaces the deprecated function-calling parameters: the spec's "Behavioral differences"
# documents `tools` (function type) and `tool_choice`; OpenAI's API reference marks `functions` and
# `function_call` deprecated in their favour.
CHAT_PARAMETER_SUCCESSORS = {"functions": "tools", "function_call": "tool_choice"}
_RESPONSES_PARAMETERS = {
    # Spec, "Responses API": input, tools, multi-turn with previous_response_id, conversations; and
    # the parameters the Responses page below lists.
    **dict.fromkeys(
        """model input instructions previous_response_id conversation tools tool_choice
        parallel_tool_calls text stream temperature top_p max_output_tokens response_id
        starting_after""".split(),
        SUPPORTED,
    ),
    # Never sent: the SDK parses the reply with it locally ("Only `text_format` sets the request
    # schema", openai/resources/responses/responses.py).
    "parse_as": SUPPORTED,
    # Model Studio docs, "OpenAI-compatible Responses"
    # (https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses): "Requests
    # process only the parameters explicitly listed in this document. Any OpenAI parameters that are
    # not mentioned are ignored". Its "Unsupported parameters" names `background` ("only synchronous
    # calls are supported") under that principle, not as a refusal: background=True is ignored and
    # the call answers synchronously. `instructions` is named too: see RESPONSES_INSTRUCTIONS_SETTINGS.
    # `metadata`, `include` and `stream_options` are not listed: ignored as well.
    **dict.fromkeys(
        """access_programs background background_options context_management image include
        max_tool_calls metadata moderation prompt prompt_cache_key prompt_cache_options
        prompt_cache_retention reasoning safety_identifier service_tier store stream_options
        top_logprobs truncation user verbosity""".split(),
        IGNORED,
    ),
    # The SDK turns it into a json_schema text format, which DashScope does not document.
    "text_format": UNSUPPORTED,
}
PARAMETERS = {
    "chat.completions.create": _CHAT_PARAMETERS,
    "chat.completions.parse": _CHAT_PARAMETERS,
    "chat.completions.stream": _CHAT_PARAMETERS,
    "responses.create": _RESPONSES_PARAMETERS,
    "responses.parse": _RESPONSES_PARAMETERS,
    "responses.stream": _RESPONSES_PARAMETERS,
    "responses.retrieve": {
        **dict.fromkeys(("response_id", "include", "starting_after", "stream"), SUPPORTED),
        "include_obfuscation": IGNORED,  # not listed by the Responses page above: ignored
    },
    # Spec, "Embedding".
    "embeddings.create": {**dict.fromkeys(("input", "model", "dimensions", "encoding_format"), SUPPORTED), "user": UNSUPPORTED},
    # Spec, "File API": files never expire (an expiry has no effect); list filtering by purpose and
    # order is not supported.
    "files.create": {"file": SUPPORTED, "purpose": SUPPORTED, "expires_after": IGNORED},
    "files.list": {"after": SUPPORTED, "limit": SUPPORTED, "order": UNSUPPORTED, "purpose": UNSUPPORTED},
    "files.retrieve": {"file_id": SUPPORTED},
    "files.delete": {"file_id": SUPPORTED},
    # Spec, "Batch API": metadata carries ds_name and ds_description; extra list filters go in extra_query.
    "batches.create": {
        **dict.fromkeys(("completion_window", "endpoint", "input_file_id", "metadata"), SUPPORTED),
        "output_expires_after": IGNORED,  # files never expire, the output file too
    },
    "batches.list": {"after": SUPPORTED, "limit": SUPPORTED},
    "batches.retrieve": {"batch_id": SUPPORTED},
    "batches.cancel": {"batch_id": SUPPORTED},
    # Spec, "Conversations API".
    "conversations.create": {"items": SUPPORTED, "metadata": SUPPORTED},
    "conversations.retrieve": {"conversation_id": SUPPORTED},
    "conversations.update": {"conversation_id": SUPPORTED, "metadata": SUPPORTED},
    "conversations.delete": {"conversation_id": SUPPORTED},
    "conversations.items.create": dict.fromkeys(("conversation_id", "items", "include"), SUPPORTED),
    "conversations.items.list": dict.fromkeys(("conversation_id", "after", "include", "limit", "order"), SUPPORTED),
    "conversations.items.retrieve": dict.fromkeys(("item_id", "conversation_id", "include"), SUPPORTED),
    "conversations.items.delete": dict.fromkeys(("item_id", "conversation_id"), SUPPORTED),
}
# Spec, "File API": GET /v1/files/{file_id}/content is not served.
UNSUPPORTED_METHODS = ("files.content", "files.retrieve_content")


def parameters(method: str, kind: str) -> tuple[str, ...]:
    return tuple(name for name, found in PARAMETERS[method].items() if found == kind)


IGNORED_CHAT_PARAMS = parameters("chat.completions.create", IGNORED)

# Spec, "Chat Completions" › "Behavioral differences".
SUPPORTED_TOOL_TYPES = ("function",)
N_RANGE = (1, 4)
N_ABOVE_ONE_MODELS = ("qwen-plus", "qwen-plus-character")

# Model Studio docs, "Deep thinking" and "Error codes": the open-source Qwen3 and QwQ models reject
# enable_thinking=true unless the call streams.
STREAM_ONLY_THINKING_MODELS = re.compile(r"^(qwen3-\d+(\.\d+)?b|qwq-)")

# Spec, "Responses API": the built-in tools, besides function tools.
RESPONSES_TOOL_TYPES = ("function", "web_search", "code_interpreter", "web_extractor", "image_search")
# Spec, "Responses API" › "Session cache": the header that turns it on.
SESSION_CACHE_HEADER = ("x-dashscope-session-cache", "enable")

# Model Studio docs, "OpenAI compatible - Embedding"
# (https://www.alibabacloud.com/help/en/model-studio/embedding-interfaces-compatible-with-openai):
# text-embedding-v4 and v3 take at most 10 rows (inputs) per request.
EMBEDDING_MAX_INPUTS = 10
# Spec, "Embedding": float is the only encoding_format.
EMBEDDING_ENCODING_FORMAT = "float"
# Spec, "Embedding" (text-embedding-v4); Model Studio docs, "Embedding" (text-embedding-v3).
EMBEDDING_DIMENSIONS = {
    "text-embedding-v4": (2048, 1536, 1024, 768, 512, 256, 128, 64),
    "text-embedding-v3": (1024, 768, 512),
}

# Spec, "File API".
FILE_PURPOSES = ("file-extract", "batch")
UNSUPPORTED_FILE_LIST_FILTERS = parameters("files.list", UNSUPPORTED)
# Spec, "File API" › "Storage limits": files never expire, so an expiry asked for has no effect.
IGNORED_FILE_CREATE_PARAMS = parameters("files.create", IGNORED)
# Why DashScope ignores a parameter, where a page says why.
IGNORED_BECAUSE = {
    "expires_after": "files never expire",  # spec, "File API" › "Storage limits"
    "output_expires_after": "files never expire",  # the same: a batch's output file is a file
}

# Spec, "Batch API": completion_window between 24h and 336h, integer hours ("h") or days ("d").
BATCH_COMPLETION_WINDOW_HOURS = (24, 336)
BATCH_COMPLETION_WINDOW = re.compile(r"^(\d+)([hd])$")
BATCH_MAX_REQUESTS = 50_000
BATCH_MAX_FILE_BYTES = 500 * 1024 * 1024
BATCH_MAX_LINE_BYTES = 6 * 1024 * 1024
# The batch request URLs and the SDK method each one stands for: the endpoints the Batch API runs
# (Model Studio docs, "OpenAI compatible - Batch",
# https://www.alibabacloud.com/help/doc-detail/2842025.html: text generation and text embedding models),
# and the test URL of the same page's "Get started" (batch-test-model answers chat requests sent to
# /v1/chat/ds-test without inference, to try the whole flow).
BATCH_URLS = {
    "/v1/chat/completions": "chat.completions.create",
    "/v1/embeddings": "embeddings.create",
    "/v1/chat/ds-test": "chat.completions.create",
}
# Spec, "Storage limits" (files never expire): an expiry of the batch's output file has no effect.
IGNORED_BATCH_CREATE_PARAMS = parameters("batches.create", IGNORED)
# The same Batch page: the Singapore (international) region runs qwen-max, qwen-plus and qwen-turbo
# only, and no embedding model; qwen-turbo is retired (notice 731, RETIRED_QWEN_MODELS), so it is
# left out. Regions not listed here run the broad line-up the page gives for Beijing.
BATCH_MODELS = {"intl": {"chat.completions.create": ("qwen-max", "qwen-plus"), "embeddings.create": ()}}

# Model Studio notice 731: retired on 2026-10-10, successors in the Qwen3.6/3.7 series.
RETIRED_QWEN_MODELS = ("qwen-turbo", "qwq-plus", "qvq-max", "qwen-vl-max", "qwen-vl-plus")

# RULES.md "Default model map"; Model Studio notice 731 for the retired Qwen models. It stays here,
# not beside OpenAI's model names: which Qwen model replaces each is a fact of DashScope's line-up,
# and changes with it.
DEFAULT_MODEL_MAP = {
    **dict.fromkeys(
        ("gpt-5", "gpt-4.1", "gpt-4o", "gpt-4-turbo", "gpt-4", "o1", "o3"), "qwen3.6-plus"
    ),
    **dict.fromkeys(
        (
            "gpt-5-mini",
            "gpt-5-nano",
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "gpt-4o-mini",
            "o1-mini",
            "o3-mini",
            "o4-mini",
            "gpt-3.5-turbo",
        ),
        "qwen3.6-flash",
    ),
    **dict.fromkeys(
        ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"),
        "text-embedding-v4",
    ),
    "qwen-turbo": "qwen3.6-flash",
    "qwen-vl-plus": "qwen3.6-flash",
    "qwq-plus": "qwen3.6-plus",
    "qvq-max": "qwen3.6-plus",
    "qwen-vl-max": "qwen3.6-plus",
}

# Model Studio docs, "Models" (https://www.alibabacloud.com/help/en/model-studio/models): the Qwen
# family's names, text, reasoning, vision and embedding models alike. A `model` on an Azure client's
# call is a deployment name (the SDK puts it in the URL, openai/lib/azure.py `_build_request`); one
# of these is already the DashScope model it must become.
QWEN_MODEL_PREFIXES = ("qwen", "qwq", "qvq", "text-embedding-v")


def is_qwen_model(name: str) -> bool:
    return name.lower().startswith(QWEN_MODEL_PREFIXES)


# Dated snapshots: gpt-4o-2024-08-06, gpt-4-0613, gpt-3.5-turbo-0125, qwen-turbo-2025-04-28;
# and the moving aliases -latest / -preview.
_SNAPSHOT_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4}|latest|preview)$")


def model_family(name: str) -> str:
    """The model a dated snapshot or alias belongs to: gpt-4o-2024-08-06 -> gpt-4o."""
    return _SNAPSHOT_SUFFIX.sub("", name)


def is_retired_qwen_model(name: str) -> bool:
    return model_family(name) in RETIRED_QWEN_MODELS


def map_model(name: str, overrides: dict[str, str]) -> Optional[str]:
    """The Qwen model that replaces `name`: configured entries first, then the defaults."""
    for candidate in (name, model_family(name)):
        for table in (overrides, DEFAULT_MODEL_MAP):
            if candidate in table:
                return table[candidate]
    return None


def batch_models(region: str, method: str) -> Optional[tuple[str, ...]]:
    """The models the Batch API of `region` runs for `method`'s requests; None where the Batch page
    gives no short list for the region."""
    return BATCH_MODELS.get(region, {}).get(method)


def endpoints(region: str) -> tuple[str, str]:
    """(compatible-mode URL, Responses URL) of a region, as the spec gives them."""
    host = REGION_HOSTS[region]
    return host + COMPATIBLE_PATH, host + RESPONSES_PATH


def provider(url: str) -> str:
    """Who serves a base URL: DASHSCOPE, OPENAI or OTHER_PROVIDER (anything else, a local server too)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:  # not a URL at all: nothing says it is OpenAI's
        return OTHER_PROVIDER
    on_alibaba_cloud = host == ALIBABA_CLOUD_DOMAIN or host.endswith("." + ALIBABA_CLOUD_DOMAIN)
    if DASHSCOPE_HOST.match(host) or (on_alibaba_cloud and path_apis(url)):
        return DASHSCOPE
    if OPENAI_HOST.match(host):
        return OPENAI
    return OTHER_PROVIDER


def path_apis(url: str) -> frozenset[str]:
    """The APIs that the spec's path of `url` serves on a DashScope host (none for another path)."""
    try:
        path = urlsplit(url.strip()).path.rstrip("/").lower()
    except ValueError:
        return frozenset()
    return PATH_APIS.get(path, frozenset())


def with_path(url: str, path: str) -> str:
    """`url`'s scheme and host with another path: a DashScope host keeps its region and workspace."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}{path}"


def completion_window_hours(window: str) -> Optional[int]:
    """Hours of a batch completion_window such as "24h" or "7d"; None when it is not in that form."""
    match = BATCH_COMPLETION_WINDOW.match(window)
    if match is None:
        return None
    number, unit = int(match.group(1)), match.group(2)
    return number * 24 if unit == "d" else number

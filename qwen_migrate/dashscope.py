"""What DashScope's OpenAI-compatible mode accepts: the one place that holds these facts.

Every entry names its source. "Spec" is the compatibility page kept at
shared/reference/dashscope-openai-compatibility.txt; other Model Studio pages are cited by name.
When DashScope changes, only this module changes.
"""
from __future__ import annotations

import re
from typing import Optional

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

# Spec, "Chat Completions" › "Unsupported parameters": accepted, silently ignored.
IGNORED_CHAT_PARAMS = (
    "frequency_penalty",
    "logit_bias",
    "max_completion_tokens",
    "metadata",
    "prediction",
    "prompt_cache_key",
    "reasoning_effort",
    "service_tier",
    "store",
    "verbosity",
)

# Spec, "Chat Completions" › "Behavioral differences".
SUPPORTED_TOOL_TYPES = ("function",)
N_RANGE = (1, 4)
N_ABOVE_ONE_MODELS = ("qwen-plus", "qwen-plus-character")

# Model Studio docs, "Deep thinking" and "Error codes": the open-source Qwen3 and QwQ models reject
# enable_thinking=true unless the call streams.
STREAM_ONLY_THINKING_MODELS = re.compile(r"^(qwen3-\d+(\.\d+)?b|qwq-)")

# OpenAI client options that have no meaning on DashScope (the SDK's OpenAI.__init__).
OPENAI_ONLY_CLIENT_OPTIONS = ("organization", "project", "webhook_secret", "websocket_base_url")
# Options that route requests to OpenAI's own regional or provider hosts, overriding base_url.
CONFLICTING_CLIENT_OPTIONS = ("data_residency", "provider")
# AzureOpenAI-only constructor options, dropped when the client becomes a plain OpenAI client.
AZURE_CLIENT_OPTIONS = (
    "azure_endpoint",
    "azure_deployment",
    "api_version",
    "azure_ad_token",
    "azure_ad_token_provider",
)

# Model Studio notice 731: retired on 2026-10-10, successors in the Qwen3.6/3.7 series.
RETIRED_QWEN_MODELS = ("qwen-turbo", "qwq-plus", "qvq-max", "qwen-vl-max", "qwen-vl-plus")

# RULES.md "Default model map"; Model Studio notice 731 for the retired Qwen models.
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

# Names OpenAI gives its models; an OpenAI name the map lacks is still reported, without a fix.
OPENAI_MODEL_NAME = re.compile(
    r"^(ft:)?(gpt-|chatgpt-|o\d(-|$)|text-embedding-|text-davinci-|davinci|babbage|codex-)"
)
# Dated snapshots: gpt-4o-2024-08-06, gpt-4-0613, gpt-3.5-turbo-0125, qwen-turbo-2025-04-28;
# and the moving aliases -latest / -preview.
_SNAPSHOT_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4}|latest|preview)$")


def model_family(name: str) -> str:
    """The model a dated snapshot or alias belongs to: gpt-4o-2024-08-06 -> gpt-4o."""
    return _SNAPSHOT_SUFFIX.sub("", name)


def is_openai_model(name: str) -> bool:
    return bool(OPENAI_MODEL_NAME.match(name))


def is_retired_qwen_model(name: str) -> bool:
    return model_family(name) in RETIRED_QWEN_MODELS


def map_model(name: str, overrides: dict[str, str]) -> Optional[str]:
    """The Qwen model that replaces `name`: configured entries first, then the defaults."""
    for candidate in (name, model_family(name)):
        for table in (overrides, DEFAULT_MODEL_MAP):
            if candidate in table:
                return table[candidate]
    return None


def endpoints(region: str) -> tuple[str, str]:
    """(compatible-mode URL, Responses URL) of a region."""
    host = REGION_HOSTS[region]
    return host + COMPATIBLE_PATH, host + RESPONSES_PATH


def _normalise(url: str) -> str:
    return url.strip().rstrip("/").lower()


_KNOWN_ENDPOINTS = {
    _normalise(url): kind
    for region in REGION_HOSTS
    for kind, url in zip(("compatible", "responses"), endpoints(region))
}


def endpoint_kind(url: str, custom: dict[str, str]) -> Optional[str]:
    """"compatible", "responses", or None when `url` is no DashScope endpoint we know.

    `custom` maps "compatible"/"responses" to configured URLs (a workspace domain, a stand-in).
    """
    url = _normalise(url)
    for kind, custom_url in custom.items():
        if url == _normalise(custom_url):
            return kind
    return _KNOWN_ENDPOINTS.get(url)

"""LiteLLM (litellm 1.110): `completion`/`acompletion` send one Chat Completions request and
`embedding`/`aembedding` one Embeddings request, to the provider the model string names.

Sources, in the installed package: `litellm/main.py` (the signatures: `completion(model, messages,
..., base_url, api_version, api_key, **kwargs)` with `api_base`, `drop_params` and the others in
kwargs; `embedding(model, input, ..., api_base, api_key, ...)`), `litellm/types/utils.py` (the
provider prefixes `dashscope/`, `qwencloud/`, `qwen_ai_platform/`), `litellm/llms/dashscope/`
(`api_base`, then DASHSCOPE_API_BASE, then the Beijing URL, but QWENCLOUD_API_BASE and
Singapore for `qwencloud/`; the key from DASHSCOPE_API_KEY) and
`litellm/utils.py` (keywords the provider does not know travel in `extra_body`, so Qwen-only
parameters need no `extra_body` of their own).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import (
    CHAT_REQUEST,
    DASHSCOPE_PROVIDER,
    EMBEDDING_REQUEST,
    OPENAI_PROVIDER,
    Entry,
    ModelStrings,
)

BEIJING_URL = "https://dashscope.aliyuncs.com/compatible-mode/v1"
SINGAPORE_URL = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
# Each DashScope provider's URL when given no api_base, and the variable read before it
# (`llms/dashscope/common_utils.py`, `qwencloud.py`, `qwen_ai_platform.py`).
DASHSCOPE_DEFAULTS = {
    "dashscope": (BEIJING_URL, "DASHSCOPE_API_BASE"),
    "qwencloud": (SINGAPORE_URL, "QWENCLOUD_API_BASE"),
    "qwen_ai_platform": (BEIJING_URL, "QWEN_AI_PLATFORM_API_BASE"),
}
MODEL_STRINGS = ModelStrings(
    "/",
    {"openai": OPENAI_PROVIDER, "dashscope": DASHSCOPE_PROVIDER, "qwencloud": DASHSCOPE_PROVIDER, "qwen_ai_platform": DASHSCOPE_PROVIDER},
    dashscope_form="dashscope/{}",
)
# The keywords LiteLLM keeps for itself (the model string, which names the provider and is judged
# by QW903; credentials, routing, retries, logging): not request parameters.
OWN = frozenset(
    """model api_base base_url api_key api_version api_type timeout drop_params custom_llm_provider num_retries
    max_retries metadata mock_response caching fallbacks model_list logger_fn deployment_id headers
    extra_headers organization litellm_logging_obj""".split()
)
_COMMON = dict(
    framework="litellm",
    model=("model",),
    base_url=("api_base", "base_url"),
    api_key=("api_key",),
    model_strings=MODEL_STRINGS,
    own=OWN,
    dashscope_defaults=DASHSCOPE_DEFAULTS,
)
COMPLETION = Entry(
    name="completion",
    kind=CHAT_REQUEST,
    imports=("litellm.completion", "litellm.acompletion", "litellm.main.completion", "litellm.main.acompletion"),
    source="litellm 1.110 litellm/main.py completion",
    positional=("model", "messages"),
    request="chat.completions.create",
    parses_classes=True,  # litellm/llms/base_llm/base_utils.py type_to_response_format_param: a pydantic class becomes a strict json_schema
    **_COMMON,
)
EMBEDDING = Entry(
    name="embedding",
    kind=EMBEDDING_REQUEST,
    imports=("litellm.embedding", "litellm.aembedding", "litellm.main.embedding", "litellm.main.aembedding"),
    source="litellm 1.110 litellm/main.py embedding",
    positional=("model", "input"),
    request="embeddings.create",
    **_COMMON,
)
ENTRIES = (COMPLETION, EMBEDDING)

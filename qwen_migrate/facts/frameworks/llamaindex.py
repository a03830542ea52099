"""LlamaIndex's OpenAI integrations (llama-index-llms-openai 0.8.3, llama-index-llms-openai-like
0.8.1, llama-index-embeddings-openai 0.6.0, llama-index-embeddings-openai-like 0.4.0, with
llama-index-core 0.14.25 and openai 2.54.0; llama-index-llms-openai pins `openai<3`, so none of
them can be a test extra beside the project's openai pin: no drift test covers them).

Sources, in the installed packages:
- `llama_index/llms/openai/base.py`: `OpenAI.__init__` (:261; `model="gpt-3.5-turbo"` :99,
  `api_base`, `api_key`, `additional_kwargs`), its `metadata` (:384) calling
  `openai_modelname_to_contextsize` (`utils.py:365`), which raises "Unknown model" for a name
  that is not OpenAI's (`utils.py:394-398`); `structured_predict`, `astructured_predict` and the
  stream variants forcing `tool_choice="required"` unless `llm_kwargs` names one
  (:1149-1152, :1175-1177, :1204-1207, :1244-1247); tool calls always sending
  `parallel_tool_calls` (False unless `allow_parallel_tool_calls=True`, :1015-1016).
- `llama_index/llms/openai/utils.py:1034-1059` `resolve_openai_credentials`: `api_key`, else
  OPENAI_API_KEY; `api_base`, else OPENAI_API_BASE, else `openai.base_url` or api.openai.com,
  always passed to the SDK, so OPENAI_BASE_URL is never read.
- `llama_index/llms/openai_like/base.py:96-159` `OpenAILike(OpenAI)`: `context_window=3900`,
  `is_chat_model=False` (then it POSTs to /completions), `is_function_calling_model=False`,
  `should_use_structured_outputs=False`, taken as its metadata instead of the model table.
- `llama_index/embeddings/openai/base.py:281-312` `OpenAIEmbedding.__init__`: `model` must be
  an `OpenAIEmbeddingModelType` (:208, ValueError for any other name) even when `model_name=`
  (taken from `**kwargs`, :310) names the model sent; `embed_batch_size=100`; no
  `encoding_format`, so the SDK asks for base64 (openai 2.54.0 `resources/embeddings.py:111-112`)
  unless `additional_kwargs` sets it.
- `llama_index/embeddings/openai_like/base.py:56-99` `OpenAILikeEmbedding(model_name,
  embed_batch_size=10, ..., api_key="fake", api_base=None)`.
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import CHAT, EMBEDDINGS, Entry

_LLM_SOURCE = "llama-index-llms-openai 0.8.3 llama_index/llms/openai/base.py"
_EMBEDDING_SOURCE = "llama-index-embeddings-openai 0.6.0 llama_index/embeddings/openai/base.py"

# the methods that send a structured-output request (tool_choice="required" unless llm_kwargs names one)
STRUCTURED_PREDICT = frozenset({"structured_predict", "astructured_predict", "stream_structured_predict", "astream_structured_predict"})
LLM_KWARGS = "llm_kwargs"
LLM_KWARGS_POSITION = 2  # structured_predict(output_cls, prompt, llm_kwargs=None, **prompt_args)
# OpenAILike(should_use_structured_outputs=True) sends a json_schema response format instead (base.py:1142-1146)
STRUCTURED_OUTPUTS_FLAG = ("should_use_structured_outputs", True)

OPENAI = Entry(
    framework="llamaindex",
    name="OpenAI",
    kind=CHAT,
    imports=("llama_index.llms.openai.OpenAI", "llama_index.llms.openai.base.OpenAI"),
    source=_LLM_SOURCE,
    model=("model",),
    base_url=("api_base",),
    api_key=("api_key",),
    positional=("model", "temperature", "max_tokens", "additional_kwargs"),
    default_model="gpt-3.5-turbo",
    methods=STRUCTURED_PREDICT,
    # Qwen-only parameters go in `additional_kwargs={"extra_body": {...}}`: not judged here
    extra_body=None,
)
OPENAI_LIKE = Entry(
    framework="llamaindex",
    name="OpenAILike",
    kind=CHAT,
    imports=("llama_index.llms.openai_like.OpenAILike", "llama_index.llms.openai_like.base.OpenAILike"),
    source="llama-index-llms-openai-like 0.8.1 llama_index/llms/openai_like/base.py",
    model=OPENAI.model,
    base_url=OPENAI.base_url,
    api_key=OPENAI.api_key,
    positional=OPENAI.positional,
    default_model=OPENAI.default_model,
    methods=STRUCTURED_PREDICT,
    extra_body=None,
)
OPENAI_EMBEDDING = Entry(
    framework="llamaindex",
    name="OpenAIEmbedding",
    kind=EMBEDDINGS,
    imports=("llama_index.embeddings.openai.OpenAIEmbedding", "llama_index.embeddings.openai.base.OpenAIEmbedding"),
    source=_EMBEDDING_SOURCE,
    # a fix writes model_name: `model` takes OpenAI's names only
    model=("model_name", "model"),
    base_url=("api_base",),
    api_key=("api_key",),
    default_model="text-embedding-ada-002",
    extra_body=None,
)
OPENAI_LIKE_EMBEDDING = Entry(
    framework="llamaindex",
    name="OpenAILikeEmbedding",
    kind=EMBEDDINGS,
    imports=("llama_index.embeddings.openai_like.OpenAILikeEmbedding", "llama_index.embeddings.openai_like.base.OpenAILikeEmbedding"),
    source="llama-index-embeddings-openai-like 0.4.0 llama_index/embeddings/openai_like/base.py",
    model=("model_name",),
    base_url=("api_base",),
    api_key=("api_key",),
    positional=("model_name", "embed_batch_size"),
    default_api_key="fake",
    extra_body=None,
)
ENTRIES = (OPENAI, OPENAI_LIKE, OPENAI_EMBEDDING, OPENAI_LIKE_EMBEDDING)

# OpenAI(model=<not OpenAI's>) raises "Unknown model" at `.metadata`; OpenAILike takes its metadata
# from these fields instead (is_chat_model=False would send /completions requests).
OPENAI_LIKE_IMPORT = ("llama_index.llms.openai_like", "OpenAILike")
CHAT_MODEL_FLAG = "is_chat_model"
# what OpenAI's model table says of its chat models, which OpenAILike must be told (utils.py:402,406)
OPENAI_LIKE_FLAGS = (CHAT_MODEL_FLAG, "is_function_calling_model")
DEFAULT_CONTEXT_WINDOW = ("context_window", 3900)

# the embedding model's name where `model` takes OpenAI's names only
EMBEDDING_MODEL_NAME = "model_name"
EMBEDDING_MODEL = "model"
# OpenAIEmbeddingModelType (embeddings/openai/base.py:27-36): what OpenAIEmbedding's `model` takes
OPENAI_EMBEDDING_MODELS = ("davinci", "curie", "babbage", "ada", "text-embedding-ada-002", "text-embedding-3-large", "text-embedding-3-small")
EMBEDDING_BATCH_SIZE = ("embed_batch_size", {OPENAI_EMBEDDING.name: 100, OPENAI_LIKE_EMBEDDING.name: 10})
# where the request's encoding_format goes
ADDITIONAL_KWARGS = "additional_kwargs"

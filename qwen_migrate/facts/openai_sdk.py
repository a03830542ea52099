"""How the OpenAI Python SDK shows up in code and configuration: client classes, resources, method
sets, pre-1.0 names and the environment variables it reads.

Entries cite the SDK's source (`openai/__init__.py`, `openai/_client.py`, `openai/lib/_old_api.py`);
tests/test_sdk_drift.py checks the method sets against the installed package.
"""
from __future__ import annotations

# The SDK's client classes (openai/__init__.py); Client and AsyncClient are aliases.
CLIENT_CLASSES = {
    "OpenAI": "OpenAI",
    "Client": "OpenAI",
    "AsyncOpenAI": "AsyncOpenAI",
    "AsyncClient": "AsyncOpenAI",
    "AzureOpenAI": "AzureOpenAI",
    "AsyncAzureOpenAI": "AsyncAzureOpenAI",
}
AZURE_CLASSES = frozenset({"AzureOpenAI", "AsyncAzureOpenAI"})
# The resources of a client (attributes of OpenAI() that hold API methods): on the module-level
# client, only these names make `openai.<name>.<method>(...)` an API call.
CLIENT_RESOURCES = frozenset(
    """admin audio batches beta chat completions containers content_provenance_checks conversations
    decisions embeddings evals files fine_tuning images live models moderations realtime responses
    safety skills uploads vector_stores videos webhooks""".split()
)
# Views of a resource that return the same methods with another return type.
RESPONSE_VIEWS = frozenset({"with_raw_response", "with_streaming_response"})
# APIs that `client.beta` offers another view of, on the same endpoints.
BETA_VIEWS = frozenset({"chat", "responses"})
# Client methods that return another client with the same endpoint unless told otherwise.
CLIENT_COPIES = frozenset({"with_options", "copy"})
# Pre-1.0 API objects (openai/lib/_old_api.py) and module settings only the v0 SDK reads.
LEGACY_V0_SYMBOLS = frozenset(
    """Edit File Audio Image Model Engine Customer FineTune Embedding Completion Deployment
    Moderation ErrorObject FineTuningJob ChatCompletion""".split()
)
LEGACY_V0_SETTINGS = frozenset({"api_base", "api_key_path"})
# What v0 code called on those objects; pydantic methods of the v1 types of the same names are not.
LEGACY_V0_METHODS = frozenset({"create", "acreate", "list", "alist", "retrieve", "aretrieve", "delete", "adelete", "cancel", "download"})
# Settings of the module-level client (`openai.base_url = ...`).
MODULE_CLIENT_SETTINGS = frozenset({"base_url", "api_key"})

# The methods that send a Chat Completions request, and a Responses one.
CHAT_METHODS = frozenset(
    {
        "chat.completions.create",
        "chat.completions.parse",
        "chat.completions.stream",
        "beta.chat.completions.parse",
        "beta.chat.completions.stream",
    }
)
RESPONSES_METHODS = frozenset({"responses.create", "responses.parse", "responses.stream"})

# The variables the SDK (and the v0 SDK) read OpenAI's base URL from.
OPENAI_BASE_URL_VARIABLES = ("OPENAI_BASE_URL", "OPENAI_API_BASE")
# The variable the SDK reads its key from when the client is given none.
OPENAI_KEY_VARIABLE = "OPENAI_API_KEY"
# Where OpenAI's and Azure OpenAI's keys are kept: never a DashScope key.
OPENAI_KEY_VARIABLES = (OPENAI_KEY_VARIABLE, "AZURE_OPENAI_API_KEY")

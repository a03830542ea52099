"""How the OpenAI Python SDK shows up in code and configuration: client classes, resources, method
sets, pre-1.0 names, the environment variables and client options it reads, OpenAI's hosts and
model names.

Entries cite the SDK's source (`openai/__init__.py`, `openai/_client.py`, `openai/lib/_old_api.py`);
tests/test_sdk_drift.py checks the method sets against the installed package.
"""
from __future__ import annotations

import re

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

# OpenAI's API host (the SDK's default base URL is https://api.openai.com/v1), its data-residency
# hosts (us.api.openai.com, eu.api.openai.com), and Azure OpenAI's resource hosts, whose v1 API the
# plain client is pointed at (`https://{resource}.openai.azure.com/openai/v1/`).
OPENAI_HOST = re.compile(r"^(?:(?:[\w-]+\.)?api\.openai\.com|[\w-]+\.openai\.azure\.com|[\w-]+\.cognitiveservices\.azure\.com)$")

# The path below which OpenAI's hosts serve the API: `/v1` (the SDK's default base URL), and Azure
# OpenAI's v1 API or a deployment's path (`/openai/deployments/{name}/chat/completions`).
OPENAI_BASE_PATH = re.compile(r"^(?:/openai/deployments/[^/]+|/openai/v1|/openai|/v1)(?=/|$)")

# The SDK's own request options, accepted by every method besides its API parameters.
SDK_REQUEST_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")

# OpenAI client options that have no meaning on DashScope (the SDK's OpenAI.__init__).
OPENAI_ONLY_CLIENT_OPTIONS = ("organization", "project", "webhook_secret", "websocket_base_url")
# Options that send requests, or the credentials, somewhere other than base_url and a DashScope key.
CONFLICTING_CLIENT_OPTIONS = {
    "data_residency": "routes requests to OpenAI's regional hosts, overriding base_url",
    "provider": "routes requests to another provider's hosts (Bedrock, ...), overriding base_url and api_key",
    "workload_identity": "authenticates with OpenAI's workload identity exchange instead of an API key",
}
# Credentials the SDK takes instead of api_key (it then does not read OPENAI_API_KEY).
NON_KEY_CREDENTIALS = ("provider", "workload_identity")
# AzureOpenAI-only constructor options, dropped when the client becomes a plain OpenAI client.
AZURE_CLIENT_OPTIONS = (
    "azure_endpoint",
    "azure_deployment",
    "api_version",
    "azure_ad_token",
    "azure_ad_token_provider",
)

# OpenAI's model families; a name of these the model map (dashscope.DEFAULT_MODEL_MAP) lacks is
# still reported, without a fix. Kept to the families OpenAI has released, so that `gpt-test` or
# `o1-like` are not taken for its models.
OPENAI_MODEL_NAME = re.compile(
    r"""^(ft:)?(
        gpt-(3\.5|4|4o|4\.1|4\.5|5|5\.\d|oss|audio|realtime|image)(-.*)?
      | chatgpt-4o(-.*)?
      | o[1-9](-(mini|pro|preview|deep-research|\d{4}-\d{2}-\d{2}))*
      | text-embedding-(3-small|3-large|ada-002)
      | (text-)?(davinci|babbage|curie|ada)(-\d+)?
      | codex-mini(-.*)?
    )(:.*)?$""",
    re.VERBOSE,
)


def is_openai_model(name: str) -> bool:
    return bool(OPENAI_MODEL_NAME.match(name))

# The HTTP routes the SDK sends requests to (below the base URL, as openai/resources/*.py build them),
# and the method of each: the runtime guard (qwen_migrate.guard) names a request it sees by the method
# that sends it, so that the rules of that method judge it. Every method the rules judge is here, and
# the SDK's other APIs by their most used methods; a request on a path not listed is named by the
# resource that owns its first segment (ROUTE_RESOURCES, else the segment). tests/test_guard_routes.py
# sends each listed method with the installed SDK and checks the route it takes.
ROUTES = (
    ("POST", "chat/completions", "chat.completions.create"),
    ("GET", "chat/completions", "chat.completions.list"),
    ("GET", "chat/completions/{id}", "chat.completions.retrieve"),
    ("POST", "embeddings", "embeddings.create"),
    ("POST", "responses", "responses.create"),
    ("GET", "responses/{id}", "responses.retrieve"),
    ("DELETE", "responses/{id}", "responses.delete"),
    ("POST", "responses/{id}/cancel", "responses.cancel"),
    ("GET", "responses/{id}/input_items", "responses.input_items.list"),
    ("POST", "files", "files.create"),
    ("GET", "files", "files.list"),
    ("GET", "files/{id}", "files.retrieve"),
    ("DELETE", "files/{id}", "files.delete"),
    ("GET", "files/{id}/content", "files.content"),
    ("POST", "batches", "batches.create"),
    ("GET", "batches", "batches.list"),
    ("GET", "batches/{id}", "batches.retrieve"),
    ("POST", "batches/{id}/cancel", "batches.cancel"),
    ("POST", "conversations", "conversations.create"),
    ("GET", "conversations/{id}", "conversations.retrieve"),
    ("POST", "conversations/{id}", "conversations.update"),
    ("DELETE", "conversations/{id}", "conversations.delete"),
    ("POST", "conversations/{id}/items", "conversations.items.create"),
    ("GET", "conversations/{id}/items", "conversations.items.list"),
    ("GET", "conversations/{id}/items/{id}", "conversations.items.retrieve"),
    ("DELETE", "conversations/{id}/items/{id}", "conversations.items.delete"),
    ("POST", "fine_tuning/jobs", "fine_tuning.jobs.create"),
    ("GET", "fine_tuning/jobs", "fine_tuning.jobs.list"),
    ("GET", "fine_tuning/jobs/{id}", "fine_tuning.jobs.retrieve"),
    ("POST", "completions", "completions.create"),
    ("POST", "images/generations", "images.generate"),
    ("POST", "images/edits", "images.edit"),
    ("POST", "audio/speech", "audio.speech.create"),
    ("POST", "audio/transcriptions", "audio.transcriptions.create"),
    ("POST", "audio/translations", "audio.translations.create"),
    ("POST", "moderations", "moderations.create"),
    ("GET", "models", "models.list"),
    ("GET", "models/{id}", "models.retrieve"),
    ("POST", "assistants", "beta.assistants.create"),
    ("POST", "threads", "beta.threads.create"),
    ("POST", "vector_stores", "vector_stores.create"),
    ("POST", "uploads", "uploads.create"),
)
# First path segments whose resource is not named after them: the Assistants API lives under `beta`.
ROUTE_RESOURCES = {"assistants": "beta.assistants", "threads": "beta.threads", "chatkit": "beta.chatkit"}

"""The route table the runtime guard names requests by (qwen_migrate.facts.openai_sdk.ROUTES), against
the installed SDK: each listed method, called for real, sends a request that the guard names after it,
below DashScope's and OpenAI's base URLs. A new SDK release that moves a route fails here."""
import httpx2
import openai
import pytest

from qwen_migrate.facts.openai_sdk import ROUTES
from qwen_migrate.guard.requests import RequestReader
from qwen_migrate.settings import Settings

# The Assistants API is deprecated in favour of Responses; its routes are still sent.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FILE = ("data.jsonl", b'{"custom_id": "1"}\n', "application/jsonl")
# The arguments each method needs to send its request (the handler stops it there).
ARGUMENTS = {
    "chat.completions.create": dict(model="qwen3.6-plus", messages=[{"role": "user", "content": "Hi"}]),
    "chat.completions.retrieve": ("chatcmpl-1",),
    "embeddings.create": dict(model="text-embedding-v4", input="Hi"),
    "responses.create": dict(model="qwen3.6-plus", input="Hi"),
    "responses.retrieve": ("resp_1",),
    "responses.delete": ("resp_1",),
    "responses.cancel": ("resp_1",),
    "responses.input_items.list": ("resp_1",),
    "files.create": dict(file=FILE, purpose="batch"),
    "files.retrieve": ("file-1",),
    "files.delete": ("file-1",),
    "files.content": ("file-1",),
    "batches.create": dict(completion_window="24h", endpoint="/v1/chat/completions", input_file_id="file-1"),
    "batches.retrieve": ("batch_1",),
    "batches.cancel": ("batch_1",),
    "conversations.retrieve": ("conv_1",),
    "conversations.update": (("conv_1",), dict(metadata={"topic": "trip"})),
    "conversations.delete": ("conv_1",),
    "conversations.items.create": (("conv_1",), dict(items=[])),
    "conversations.items.list": ("conv_1",),
    "conversations.items.retrieve": (("msg_1",), dict(conversation_id="conv_1")),
    "conversations.items.delete": (("msg_1",), dict(conversation_id="conv_1")),
    "fine_tuning.jobs.create": dict(model="gpt-4o-mini", training_file="file-1"),
    "fine_tuning.jobs.retrieve": ("ftjob-1",),
    "completions.create": dict(model="gpt-3.5-turbo-instruct", prompt="Hi"),
    "images.generate": dict(prompt="a lighthouse"),
    "images.edit": dict(image=("a.png", b"png", "image/png"), prompt="a lighthouse"),
    "audio.speech.create": dict(input="Hi", model="tts-1", voice="alloy"),
    "audio.transcriptions.create": dict(file=("a.mp3", b"mp3", "audio/mpeg"), model="whisper-1"),
    "audio.translations.create": dict(file=("a.mp3", b"mp3", "audio/mpeg"), model="whisper-1"),
    "moderations.create": dict(input="Hi"),
    "models.retrieve": ("qwen3.6-plus",),
    "beta.assistants.create": dict(model="gpt-4o"),
    "uploads.create": dict(bytes=10, filename="a.jsonl", mime_type="text/jsonl", purpose="batch"),
}
BASE_URLS = [
    "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    "https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1",
    "https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1",
    "https://api.openai.com/v1",
    "https://acme.openai.azure.com/openai/v1",
]


class Sent(Exception):
    def __init__(self, request) -> None:
        self.request = request


def _stop(request):
    raise Sent(request)  # not an httpx error: the SDK neither retries nor wraps it


def request_of(method: str, base_url: str):
    client = openai.OpenAI(api_key="sk-test", base_url=base_url, http_client=httpx2.Client(transport=httpx2.MockTransport(_stop)))
    function = client
    for name in method.split("."):
        function = getattr(function, name)
    given = ARGUMENTS.get(method, {})
    args, kwargs = ((), given) if isinstance(given, dict) else given if isinstance(given[-1], dict) else (given, {})
    with pytest.raises(Sent) as sent:
        function(*args, **kwargs)
    return sent.value.request


@pytest.mark.parametrize("base_url", BASE_URLS)
@pytest.mark.parametrize("verb, path, method", ROUTES, ids=[method for _, _, method in ROUTES])
def test_each_listed_method_is_named_by_the_route_it_sends(verb, path, method, base_url):
    request = request_of(method, base_url)
    assert request.method == verb
    assert RequestReader(Settings()).read(request).method == method


@pytest.mark.parametrize(
    "method, arguments, named",
    [("containers.create", dict(name="sandbox"), "containers"), ("beta.threads.runs.list", ("thread_1",), "beta.threads")],
)
def test_a_route_not_listed_is_named_by_its_resource(method, arguments, named):
    ARGUMENTS[method] = arguments
    try:
        assert RequestReader(Settings()).read(request_of(method, BASE_URLS[0])).method == named
    finally:
        del ARGUMENTS[method]


@pytest.mark.parametrize(
    "base_url",
    ["http://localhost:8000/v1", "https://api.groq.com/openai/v1", "https://dashscope-intl.aliyuncs.com/api/v1/services"],
)
def test_requests_to_other_endpoints_are_not_read(base_url):
    assert RequestReader(Settings()).read(request_of("chat.completions.create", base_url)) is None

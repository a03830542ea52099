"""A stand-in for DashScope's OpenAI-compatible mode, on loopback, for end-to-end tests.

It is written from the compatibility page (shared/reference/dashscope-openai-compatibility.txt),
on its own, not from qwen-migrate's facts or rules, so that it checks them rather than repeats
them: a request the page (or a Model Studio page cited beside the rule) says DashScope refuses is
refused with a DashScope-style error body, and a parameter the page says is ignored is recorded.
It serves what DashScope serves, in the shapes the real `openai` package parses: tool calls,
server-sent events, embeddings, and the files, batches, responses and conversations it keeps by id,
so that every branch of a program runs.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qs, urlsplit

COMPATIBLE = "/compatible-mode/v1"
RESPONSES = "/api/v2/apps/protocols/compatible-mode/v1"
API_KEY = "sk-dashscope-standin"

# Model names served today: the spec's examples and Model Studio's model list and Responses page
# (https://www.alibabacloud.com/help/en/model-studio/compatibility-with-openai-responses-api,
# https://docs.qwencloud.com/api-reference/chat/openai-responses). qwen-turbo and the other models
# retired on 2026-10-10 are absent on purpose.
RESPONSES_MODELS = {
    "qwen3-max", "qwen3-max-2026-01-23", "qwen3.7-max", "qwen3.7-plus", "qwen3.6-plus", "qwen3.6-plus-2026-04-02",
    "qwen3.6-flash", "qwen3.6-flash-2026-04-16", "qwen3.5-plus", "qwen3.5-plus-2026-02-15", "qwen3.5-flash",
    "qwen3.5-flash-2026-02-23", "qwen3.5-397b-a17b", "qwen3.5-122b-a10b", "qwen3.5-27b", "qwen3.5-35b-a3b",
    "qwen-plus", "qwen-flash", "qwen3-coder-plus", "qwen3-coder-flash",
}
CHAT_MODELS = RESPONSES_MODELS | {"qwen-max", "qwen-plus-character", "qwen-flash-character", "qwen-long", "qwen3-32b", "qwen3-235b-a22b"}
# Spec "Behavioral differences": n is limited to these models.
N_MODELS = {"qwen-plus", "qwen-plus-character"}
EMBEDDING_DIMENSIONS = {"text-embedding-v4": {2048, 1536, 1024, 768, 512, 256, 128, 64}, "text-embedding-v3": {1024, 768, 512}}
# Model Studio, text embedding synchronous API (https://www.alibabacloud.com/help/en/model-studio/text-embedding-synchronous-api):
# "Batch size: 10" for text-embedding-v4 and v3.
EMBEDDING_BATCH_SIZE = 10
QWEN_ONLY = {"enable_thinking", "thinking_budget", "enable_search", "search_options", "top_k", "vl_high_resolution_images", "enable_code_interpreter"}
IGNORED = {"frequency_penalty", "logit_bias", "max_completion_tokens", "metadata", "prediction", "prompt_cache_key", "reasoning_effort", "service_tier", "store", "verbosity"}
CHAT_PARAMETERS = {
    "messages", "model", "stream", "stream_options", "temperature", "top_p", "presence_penalty", "max_tokens", "n", "seed",
    "stop", "tools", "tool_choice", "parallel_tool_calls", "response_format", "logprobs", "top_logprobs", "modalities", "audio", "user",
} | QWEN_ONLY | IGNORED
# The Responses reference (https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses)
# lists the parameters it processes; "any OpenAI parameters that are not mentioned are ignored". It names
# instructions and background among those it does not support ("only synchronous calls are supported"):
# background=true is ignored like the rest, and the call answers synchronously.
RESPONSES_PARAMETERS = {
    "model", "input", "instructions", "previous_response_id", "conversation", "stream", "tools", "tool_choice",
    "parallel_tool_calls", "temperature", "top_p", "max_output_tokens", "text", "enable_thinking",
}
RESPONSES_TOOLS = {"function", "web_search", "code_interpreter", "web_extractor", "image_search"}
# Model Studio, OpenAI-compatible Batch (https://www.alibabacloud.com/help/en/model-studio/batch-interfaces-compatible-with-openai):
# the Singapore region runs the text generation models qwen-max, qwen-plus and qwen-turbo (retired since)
# and no embedding model, plus batch-test-model on its test URL.
BATCH_MODELS = {"/v1/chat/completions": {"qwen-max", "qwen-plus"}, "/v1/embeddings": set()}
BATCH_ENDPOINTS = {"/v1/chat/completions", "/v1/embeddings", "/v1/chat/ds-test"}


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, param: Optional[str] = None) -> None:
        super().__init__(message)
        self.status, self.code, self.param = status, code, param


@dataclass
class Exchange:
    method: str
    path: str
    body: object
    status: int
    refusal: Optional[str] = None  # the error code of a refused request


@dataclass
class StandIn:
    host: str
    port: int
    exchanges: list[Exchange] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # parameters accepted and ignored, as "path:name"
    # What the service keeps between requests, by id: uploaded files (with their bytes), batches,
    # responses and conversations.
    files: dict[str, dict] = field(default_factory=dict)
    batches: dict[str, dict] = field(default_factory=dict)
    responses: dict[str, dict] = field(default_factory=dict)
    conversations: dict[str, dict] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=itertools.count)

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def compatible_url(self) -> str:
        return self.root + COMPATIBLE

    @property
    def responses_url(self) -> str:
        return self.root + RESPONSES

    @property
    def refusals(self) -> list[str]:
        return [exchange.refusal for exchange in self.exchanges if exchange.refusal]

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def clear(self) -> None:
        self.exchanges.clear()
        self.ignored.clear()


def start() -> tuple[StandIn, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    state = StandIn("127.0.0.1", server.server_address[1])
    server.state = state
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        state: StandIn = self.server.state
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body: object = raw
        try:
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                raise Refusal(401, "invalid_api_key", "Incorrect API key provided.")
            if "json" in (self.headers.get("Content-Type") or ""):
                body = _present(json.loads(raw or b"{}"))
            status, answer = _route(state, method, url.path, parse_qs(url.query), body, self.headers)
            state.exchanges.append(Exchange(method, url.path, body, status))
        except Refusal as refusal:
            state.exchanges.append(Exchange(method, url.path, body, refusal.status, refusal.code))
            error = {"message": str(refusal), "type": "invalid_request_error", "param": refusal.param, "code": refusal.code}
            return self._send(refusal.status, {"error": error, "request_id": "standin-request"})
        if isinstance(answer, list):  # server-sent events
            return self._send_events(answer)
        return self._send(status, answer)

    def _send(self, status: int, document: dict) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_events(self, events: list) -> None:
        # Chat chunks end with the [DONE] sentinel; Responses events name their type in an event line
        # and end with response.completed, as OpenAI's do.
        lines = []
        for event in events:
            if "type" in event:
                lines.append(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n")
            else:
                lines.append(f"data: {json.dumps(event)}\n\n")
        if "type" not in events[-1]:
            lines.append("data: [DONE]\n\n")
        data = "".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _present(body):
    """A JSON body without its null parameters: DashScope takes a null for a parameter left out."""
    return {name: value for name, value in body.items() if value is not None} if isinstance(body, dict) else body


def _route(state: StandIn, method: str, path: str, query: dict, body, headers):
    if path.startswith(RESPONSES + "/"):
        return _route_responses(state, method, path[len(RESPONSES) :], body)
    if not path.startswith(COMPATIBLE + "/"):
        raise Refusal(404, "not_found", f"{path} is not an endpoint of this service")
    api = path[len(COMPATIBLE) :]
    if api == "/chat/completions" and method == "POST":
        return 200, _chat(state, body)
    if api == "/embeddings" and method == "POST":
        return 200, _embeddings(state, body)
    if api == "/files" and method == "POST":
        return 200, _upload(state, body, headers)
    if api == "/files" and method == "GET":
        for name in ("purpose", "order"):
            if name in query:
                state.ignored.append(f"files.list:{name}")
        return 200, {"object": "list", "data": [_public(file) for file in state.files.values()], "has_more": False}
    if re.fullmatch(r"/files/[^/]+/content", api):
        raise Refusal(400, "unsupported_operation", "File content retrieval is not supported.")
    if match := re.fullmatch(r"/files/([^/]+)", api):
        file = _known(state.files, match.group(1), "file")
        if method == "DELETE":
            del state.files[file["id"]]
            return 200, {"id": file["id"], "object": "file", "deleted": True}
        if method == "GET":
            return 200, _public(file)
    if api == "/batches" and method == "POST":
        return 200, _batch(state, body)
    if api == "/batches" and method == "GET":
        return 200, {"object": "list", "data": list(state.batches.values()), "has_more": False}
    if match := re.fullmatch(r"/batches/([^/]+)(/cancel)?", api):
        batch = _known(state.batches, match.group(1), "batch")
        if match.group(2) and method == "POST":
            batch["status"] = "cancelled"
            return 200, batch
        if not match.group(2) and method == "GET":
            return 200, _progress(state, batch)
    raise Refusal(404, "not_found", f"{method} {api} is not an endpoint of the compatible mode")


def _route_responses(state: StandIn, method: str, api: str, body):
    if api == "/responses" and method == "POST":
        return 200, _responses(state, body)
    if (match := re.fullmatch(r"/responses/([^/]+)", api)) and method == "GET":
        return 200, _known(state.responses, match.group(1), "response")
    if api == "/conversations" and method == "POST":
        conversation = {"id": state.new_id("conv_"), "object": "conversation", "created_at": int(time.time()), "metadata": body.get("metadata") or {}}
        state.conversations[conversation["id"]] = conversation
        return 200, conversation
    if match := re.fullmatch(r"/conversations/([^/]+)(/items)?", api):
        conversation = _known(state.conversations, match.group(1), "conversation")
        if match.group(2) and method == "GET":
            return 200, {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
        if not match.group(2) and method == "GET":
            return 200, conversation
        if not match.group(2) and method == "DELETE":
            del state.conversations[conversation["id"]]
            return 200, {"id": conversation["id"], "object": "conversation.deleted", "deleted": True}
    raise Refusal(404, "not_found", f"{method} {api} is not served on the Responses path")


def _known(objects: dict, object_id: str, kind: str) -> dict:
    if object_id not in objects:
        raise Refusal(404, "not_found", f"No {kind} with id {object_id!r}.")
    return objects[object_id]


def _chat(state: StandIn, body: dict):
    model = body.get("model")
    _check_chat(body)
    state.ignored += [f"chat:{name}" for name in sorted(set(body) & IGNORED)]
    tools = body.get("tools") or []
    if tools and "parallel_tool_calls" not in body:
        state.ignored.append("chat:parallel_tool_calls defaulted to false")
    calls = _tool_calls(body) if tools else []
    content = None if calls else '{"answer": "ok"}' if (body.get("response_format") or {}).get("type") == "json_object" else "ok"
    choices = range(body.get("n", 1))
    finish = "tool_calls" if calls else "stop"
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    created = int(time.time())
    if body.get("stream"):
        chunk = {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": created, "model": model}
        delta = {"role": "assistant", "content": content}
        if calls:
            delta["tool_calls"] = [{"index": i, **call} for i, call in enumerate(calls)]
        chunks = [{**chunk, "choices": [{"index": i, "delta": delta, "finish_reason": None} for i in choices]}]
        chunks.append({**chunk, "choices": [{"index": i, "delta": {}, "finish_reason": finish} for i in choices]})
        if (body.get("stream_options") or {}).get("include_usage"):
            # Like OpenAI's: one last chunk with no choices and the usage of the whole request.
            chunks.append({**chunk, "choices": [], "usage": usage})
        return chunks
    message = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": i, "message": message, "finish_reason": finish, "logprobs": None} for i in choices],
        "usage": usage,
    }


def _check_chat(body: dict) -> None:
    """Refuse, as the spec's "Chat Completions" section says DashScope does, a request it would not serve."""
    unknown = sorted(set(body) - CHAT_PARAMETERS)
    if unknown:
        raise Refusal(400, "invalid_parameter", f"Unknown parameter: {unknown[0]}", unknown[0])
    model = body.get("model")
    if model not in CHAT_MODELS:
        raise Refusal(404, "model_not_found", f"The model `{model}` does not exist or you do not have access to it.", "model")
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        raise Refusal(400, "invalid_parameter", "response_format json_schema is not supported", "response_format")
    if response_format.get("type") == "json_object" and "json" not in json.dumps(body.get("messages", [])).lower():
        raise Refusal(400, "invalid_parameter", "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.")
    tools = body.get("tools") or []
    if any(tool.get("type") != "function" for tool in tools):
        raise Refusal(400, "invalid_parameter", "tools supports the function type only", "tools")
    tool_choice = body.get("tool_choice", "auto")
    if isinstance(tool_choice, dict):
        named = (tool_choice.get("function") or {}).get("name")
        if tool_choice.get("type") != "function" or named not in {(tool.get("function") or {}).get("name") for tool in tools}:
            raise Refusal(400, "invalid_parameter", f"tool_choice names no function among the tools: {named!r}", "tool_choice")
    elif tool_choice not in ("auto", "none"):
        raise Refusal(400, "invalid_parameter", f"tool_choice {tool_choice!r} is not supported: use auto, none or a function object", "tool_choice")
    n = body.get("n", 1)
    if not 1 <= n <= 4:
        raise Refusal(400, "invalid_parameter", "n must be between 1 and 4", "n")
    if n > 1 and model not in N_MODELS:
        raise Refusal(400, "invalid_parameter", f"n greater than 1 is not supported by {model}", "n")
    top_k = body.get("top_k")
    if top_k is not None and not (isinstance(top_k, int) and not isinstance(top_k, bool) and 0 < top_k <= 100):
        raise Refusal(400, "invalid_parameter", f"top_k must be an integer in (0, 100], got {top_k!r}", "top_k")
    if body.get("enable_thinking") and not body.get("stream") and re.match(r"qwen3-\d|qwq-", model):
        raise Refusal(400, "invalid_parameter", "parameter.enable_thinking must be set to false for non-streaming calls")


def _tool_calls(body: dict) -> list[dict]:
    """The model's tool calls: while the last message is the user's (no tool has answered yet) and
    tool_choice allows one, it calls the named function, or else the first tool."""
    messages = body.get("messages") or [{}]
    tool_choice = body.get("tool_choice", "auto")
    if messages[-1].get("role") != "user" or tool_choice == "none":
        return []
    functions = [tool.get("function") or {} for tool in body["tools"]]
    if isinstance(tool_choice, dict):
        functions = [function for function in functions if function.get("name") == tool_choice["function"]["name"]]
    function = functions[0]
    arguments = _arguments(function.get("parameters") or {})
    return [{"id": "call_standin0", "type": "function", "function": {"name": function.get("name"), "arguments": json.dumps(arguments)}}]


def _arguments(schema: dict) -> dict:
    """Arguments that satisfy a function's JSON schema: a value of the right type for each required property."""
    samples = {"string": "Lisbon", "integer": 1, "number": 1.0, "boolean": True, "array": [], "object": {}}
    properties = schema.get("properties") or {}
    return {
        name: (properties.get(name) or {}).get("enum", [samples.get((properties.get(name) or {}).get("type"), "")])[0]
        for name in schema.get("required") or []
    }


def _embeddings(state: StandIn, body: dict) -> dict:
    texts = _embedding_inputs(body)
    dimensions = body.get("dimensions", 1024)
    if "user" in body:
        state.ignored.append("embeddings:user")
    data = [{"object": "embedding", "index": i, "embedding": _vector(text, dimensions)} for i, text in enumerate(texts)]
    return {"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": 1, "total_tokens": 1}}


def _embedding_inputs(body: dict) -> list:
    """The texts of an embeddings request, refused as the spec's "Embedding" section and Model Studio's
    embedding page say DashScope refuses it."""
    model = body.get("model")
    if model not in EMBEDDING_DIMENSIONS:
        raise Refusal(404, "model_not_found", f"The model `{model}` does not exist.", "model")
    if body.get("encoding_format", "float") != "float":
        raise Refusal(400, "invalid_parameter", "encoding_format only supports float", "encoding_format")
    dimensions = body.get("dimensions", 1024)
    if dimensions not in EMBEDDING_DIMENSIONS[model]:
        raise Refusal(400, "invalid_parameter", f"dimensions {dimensions} is not supported by {model}", "dimensions")
    texts = body.get("input")
    texts = texts if isinstance(texts, list) else [texts]
    if not all(isinstance(text, str) and text for text in texts):
        raise Refusal(400, "invalid_parameter", "input must be a non-empty string or a list of non-empty strings", "input")
    if len(texts) > EMBEDDING_BATCH_SIZE:
        raise Refusal(400, "invalid_parameter", f"batch size is invalid, it should not be larger than {EMBEDDING_BATCH_SIZE}.", "input")
    return texts


def _vector(text: str, dimensions: int) -> list[float]:
    """A unit vector drawn from the text's hash: the same text always gets the same vector, and
    different texts different ones, so similarity search in a program means something."""
    seed = hashlib.sha256(text.encode()).digest()
    values = [seed[i % len(seed)] + i % 7 - 130.5 for i in range(dimensions)]
    norm = math.sqrt(sum(value * value for value in values))
    return [value / norm for value in values]


def _upload(state: StandIn, raw: bytes, headers) -> dict:
    form = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + headers.get("Content-Type", "").encode() + b"\r\n\r\n" + raw)
    fields = {part.get_param("name", header="content-disposition"): part for part in form.iter_parts()} if form.is_multipart() else {}
    purpose = fields["purpose"].get_content().strip() if "purpose" in fields else None
    if purpose not in ("file-extract", "batch"):
        raise Refusal(400, "invalid_parameter", f"purpose {purpose!r} is not supported: use file-extract or batch", "purpose")
    if "file" not in fields:
        raise Refusal(400, "invalid_parameter", "file is required", "file")
    for name in sorted(set(fields) - {"file", "purpose"}):
        state.ignored.append(f"files.create:{name}")
    content = fields["file"].get_payload(decode=True) or b""
    file_id = state.new_id("file-standin")
    state.files[file_id] = {
        "id": file_id,
        "object": "file",
        "bytes": len(content),
        "created_at": int(time.time()),
        "filename": fields["file"].get_filename() or "upload",
        "purpose": purpose,
        "status": "processed",
        "content": content,
    }
    return _public(state.files[file_id])


def _public(file: dict) -> dict:
    return {name: value for name, value in file.items() if name != "content"}


def _batch(state: StandIn, body: dict) -> dict:
    window = str(body.get("completion_window"))
    match = re.fullmatch(r"(\d+)([hd])", window)
    hours = int(match.group(1)) * (24 if match.group(2) == "d" else 1) if match else 0
    if not 24 <= hours <= 336:
        raise Refusal(400, "invalid_parameter", f"completion_window {window} is not supported", "completion_window")
    endpoint = body.get("endpoint")
    if endpoint not in BATCH_ENDPOINTS:
        raise Refusal(400, "invalid_parameter", f"endpoint {endpoint!r} is not supported by the Batch API", "endpoint")
    if "output_expires_after" in body:
        state.ignored.append("batches.create:output_expires_after")
    file = state.files.get(body.get("input_file_id"))
    if file is None or file["purpose"] != "batch":
        raise Refusal(400, "invalid_parameter", f"input_file_id {body.get('input_file_id')!r} is no file uploaded with purpose batch", "input_file_id")
    # DashScope validates the file after it accepts the batch and then fails it; the stand-in
    # refuses at once, so that no program reads a failed batch as a running one.
    _check_batch_input(file["content"], endpoint)
    batch_id = state.new_id("batch_standin")
    state.batches[batch_id] = {
        "id": batch_id,
        "object": "batch",
        "endpoint": endpoint,
        "input_file_id": file["id"],
        "completion_window": window,
        "status": "validating",
        "created_at": int(time.time()),
        "metadata": body.get("metadata"),
    }
    return state.batches[batch_id]


def _check_batch_input(content: bytes, endpoint: str) -> None:
    """The spec's "Input file limits" and Model Studio's batch page: JSONL of POST requests to the
    batch's endpoint, each with a custom_id, one model for the whole file, a model the Batch API runs,
    and a body its endpoint accepts."""
    lines = content.splitlines()
    if not lines or len(lines) > 50_000 or len(content) > 500 * 2**20:
        raise Refusal(400, "invalid_file", "The input file must hold 1 to 50,000 requests and at most 500 MB.", "input_file_id")
    models = set()
    for number, line in enumerate(lines, 1):
        try:
            request = json.loads(line)
            body = _present(request["body"])
            models.add(body["model"])
        except (ValueError, KeyError, TypeError):
            raise Refusal(400, "invalid_file", f"Line {number} of the input file is not a batch request.", "input_file_id") from None
        if len(line) > 6 * 2**20 or not request.get("custom_id") or request.get("method") != "POST" or request.get("url") != endpoint:
            raise Refusal(400, "invalid_file", f"Line {number} of the input file is not a POST to {endpoint} with a custom_id.", "input_file_id")
        check = {"/v1/chat/completions": _check_chat, "/v1/embeddings": _embedding_inputs}.get(endpoint)
        if check is not None:
            try:
                check(body)
            except Refusal as refusal:
                raise Refusal(400, "invalid_file", f"Line {number}: {refusal}", "input_file_id") from None
            if body["model"] not in BATCH_MODELS[endpoint]:
                raise Refusal(400, "invalid_file", f"Line {number}: the Batch API does not run {body['model']}.", "input_file_id")
    if len(models) > 1:
        raise Refusal(400, "invalid_file", "All requests in the input file must use the same model.", "input_file_id")


def _progress(state: StandIn, batch: dict) -> dict:
    """Each look at a running batch moves it one step on, so that a poller sees it through to the end."""
    steps = {"validating": "in_progress", "in_progress": "finalizing", "finalizing": "completed"}
    if batch["status"] in steps:
        batch["status"] = steps[batch["status"]]
    if batch["status"] == "completed":
        total = len(state.files[batch["input_file_id"]]["content"].splitlines()) if batch["input_file_id"] in state.files else 0
        batch["request_counts"] = {"total": total, "completed": total, "failed": 0}
        batch.setdefault("output_file_id", state.new_id("file-output"))
    return batch


def _responses(state: StandIn, body: dict):
    _check_responses(state, body)
    model = body["model"]
    for name in sorted(set(body) - RESPONSES_PARAMETERS):
        state.ignored.append(f"responses:{name}")
    response_id = state.new_id("resp_standin")
    output = _function_call(body) or [
        {
            "type": "message",
            "id": f"msg_{response_id}",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "ok", "annotations": []}],
        }
    ]
    response = {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()),
        "model": model,
        "status": "completed",
        "output": output,
        "parallel_tool_calls": bool(body.get("parallel_tool_calls")),
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [],
        "previous_response_id": body.get("previous_response_id"),
        "usage": {"input_tokens": 1, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 1, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 2},
    }
    state.responses[response_id] = response
    return _response_events(response) if body.get("stream") else response


def _check_responses(state: StandIn, body: dict) -> None:
    """Refuse what the Responses page says DashScope does not serve."""
    model = body.get("model")
    if model not in RESPONSES_MODELS:
        raise Refusal(404, "model_not_found", f"The model `{model}` does not exist or is not served by the Responses API.", "model")
    if not body.get("input"):
        raise Refusal(400, "invalid_parameter", "input is required", "input")
    for tool in body.get("tools") or []:
        if tool.get("type") not in RESPONSES_TOOLS:
            raise Refusal(400, "invalid_parameter", f"tool type {tool.get('type')} is not supported", "tools")
    if ((body.get("text") or {}).get("format") or {}).get("type") == "json_schema":
        raise Refusal(400, "invalid_parameter", "text.format json_schema is not supported", "text")
    if body.get("previous_response_id") is not None:
        _known(state.responses, body["previous_response_id"], "response")
    conversation = body.get("conversation")
    if conversation is not None:
        if body.get("previous_response_id") is not None:
            raise Refusal(400, "invalid_parameter", "conversation and previous_response_id cannot be used together", "conversation")
        _known(state.conversations, conversation if isinstance(conversation, str) else conversation.get("id"), "conversation")


def _function_call(body: dict) -> list[dict]:
    """A function_call item while function tools are given and the input does not answer one yet."""
    functions = [tool for tool in body.get("tools") or [] if tool.get("type") == "function"]
    items = body["input"] if isinstance(body["input"], list) else []
    if not functions or body.get("tool_choice") == "none" or any(item.get("type") == "function_call_output" for item in items):
        return []
    arguments = json.dumps(_arguments(functions[0].get("parameters") or {}))
    return [{"type": "function_call", "id": "fc_standin", "call_id": "call_standin0", "name": functions[0]["name"], "arguments": arguments, "status": "completed"}]


def _response_events(response: dict) -> list[dict]:
    """The Responses stream of one finished response: created, each output item with its text, completed."""
    in_progress = {**response, "status": "in_progress", "output": []}
    events = [{"type": "response.created", "response": in_progress}, {"type": "response.in_progress", "response": in_progress}]
    for index, item in enumerate(response["output"]):
        events.append({"type": "response.output_item.added", "output_index": index, "item": {**item, "status": "in_progress"}})
        for part_index, part in enumerate(item.get("content") or []):
            where = {"item_id": item["id"], "output_index": index, "content_index": part_index}
            events.append({"type": "response.content_part.added", **where, "part": {**part, "text": ""}})
            events.append({"type": "response.output_text.delta", **where, "delta": part["text"], "logprobs": []})
            events.append({"type": "response.output_text.done", **where, "text": part["text"], "logprobs": []})
            events.append({"type": "response.content_part.done", **where, "part": part})
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    events.append({"type": "response.completed", "response": response})
    return [{**event, "sequence_number": number} for number, event in enumerate(events)]

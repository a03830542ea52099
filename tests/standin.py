"""A stand-in for DashScope's OpenAI-compatible mode, on loopback, for end-to-end tests.

It is written from the compatibility page (shared/reference/dashscope-openai-compatibility.txt),
on its own, not from qwen-migrate's facts or rules, so that it checks them rather than repeats
them: a request the page says DashScope refuses is refused with a DashScope-style error body, and
a parameter the page says is ignored is recorded. It answers just enough for the real `openai`
package to parse.
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qs, urlsplit

COMPATIBLE = "/compatible-mode/v1"
RESPONSES = "/api/v2/apps/protocols/compatible-mode/v1"
API_KEY = "sk-dashscope-standin"

CHAT_MODELS = {"qwen3.6-plus", "qwen3.6-flash", "qwen-plus", "qwen-plus-character", "qwen3-32b", "qwen3-235b-a22b"}
EMBEDDING_DIMENSIONS = {"text-embedding-v4": {2048, 1536, 1024, 768, 512, 256, 128, 64}, "text-embedding-v3": {1024, 768, 512}}
QWEN_ONLY = {"enable_thinking", "thinking_budget", "enable_search", "search_options", "top_k", "vl_high_resolution_images", "enable_code_interpreter"}
IGNORED = {"frequency_penalty", "logit_bias", "max_completion_tokens", "metadata", "prediction", "prompt_cache_key", "reasoning_effort", "service_tier", "store", "verbosity"}
CHAT_PARAMETERS = {
    "messages", "model", "stream", "stream_options", "temperature", "top_p", "presence_penalty", "max_tokens", "n", "seed",
    "stop", "tools", "tool_choice", "parallel_tool_calls", "response_format", "logprobs", "top_logprobs", "modalities", "audio", "user",
} | QWEN_ONLY | IGNORED
RESPONSES_TOOLS = {"function", "web_search", "code_interpreter", "web_extractor", "image_search"}


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
                body = json.loads(raw or b"{}")
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

    def _send_events(self, chunks: list) -> None:
        data = b"".join(f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks) + b"data: [DONE]\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _route(state: StandIn, method: str, path: str, query: dict, body, headers):
    if path.startswith(RESPONSES + "/"):
        api = path[len(RESPONSES) :]
        if api == "/responses" and method == "POST":
            return 200, _responses(state, body)
        if api.startswith("/responses/") and method == "GET":
            return 200, _response_object(api.split("/")[2], "qwen3.6-plus")
        if api == "/conversations" and method == "POST":
            return 200, {"id": "conv_standin", "object": "conversation", "created_at": int(time.time()), "metadata": {}}
        if re.fullmatch(r"/conversations/[^/]+/items", api):
            return 200, {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
        raise Refusal(404, "not_found", f"{method} {api} is not served on the Responses path")
    if not path.startswith(COMPATIBLE + "/"):
        raise Refusal(404, "not_found", f"{path} is not an endpoint of this service")
    api = path[len(COMPATIBLE) :]
    if api == "/chat/completions" and method == "POST":
        return _chat(state, body)
    if api == "/embeddings" and method == "POST":
        return 200, _embeddings(state, body)
    if api == "/files" and method == "POST":
        return 200, _upload(body, headers)
    if api == "/files" and method == "GET":
        for name in ("purpose", "order"):
            if name in query:
                state.ignored.append(f"files.list:{name}")
        return 200, {"object": "list", "data": [_file("batch")], "has_more": False}
    if re.fullmatch(r"/files/[^/]+/content", api):
        raise Refusal(400, "unsupported_operation", "File content retrieval is not supported.")
    if re.fullmatch(r"/files/[^/]+", api) and method == "GET":
        return 200, _file("batch")
    if api == "/batches" and method == "POST":
        return 200, _batch(body)
    if api == "/batches" and method == "GET":
        return 200, {"object": "list", "data": [], "has_more": False}
    raise Refusal(404, "not_found", f"{method} {api} is not an endpoint of the compatible mode")


def _chat(state: StandIn, body: dict):
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
    if body.get("tool_choice") == "required":
        raise Refusal(400, "invalid_parameter", "tool_choice 'required' is not supported", "tool_choice")
    if any(tool.get("type") != "function" for tool in body.get("tools") or []):
        raise Refusal(400, "invalid_parameter", "tools supports the function type only", "tools")
    if not 1 <= body.get("n", 1) <= 4:
        raise Refusal(400, "invalid_parameter", "n must be between 1 and 4", "n")
    if body.get("enable_thinking") and not body.get("stream") and re.match(r"qwen3-\d|qwq-", model):
        raise Refusal(400, "invalid_parameter", "parameter.enable_thinking must be set to false for non-streaming calls")
    state.ignored += [f"chat:{name}" for name in sorted(set(body) & IGNORED)]
    if body.get("tools") and "parallel_tool_calls" not in body:
        state.ignored.append("chat:parallel_tool_calls defaulted to false")
    content = '{"answer": "ok"}' if response_format.get("type") == "json_object" else "ok"
    created = int(time.time())
    if body.get("stream"):
        chunk = {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": created, "model": model}
        return 200, [
            {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": content}, "finish_reason": None}]},
            {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        ]
    choice = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop", "logprobs": None}
    return 200, {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [choice],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _embeddings(state: StandIn, body: dict) -> dict:
    model = body.get("model")
    if model not in EMBEDDING_DIMENSIONS:
        raise Refusal(404, "model_not_found", f"The model `{model}` does not exist.", "model")
    if body.get("encoding_format", "float") != "float":
        raise Refusal(400, "invalid_parameter", "encoding_format only supports float", "encoding_format")
    dimensions = body.get("dimensions", 1024)
    if dimensions not in EMBEDDING_DIMENSIONS[model]:
        raise Refusal(400, "invalid_parameter", f"dimensions {dimensions} is not supported by {model}", "dimensions")
    if "user" in body:
        state.ignored.append("embeddings:user")
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = [{"object": "embedding", "index": i, "embedding": [0.0] * dimensions} for i in range(len(texts))]
    return {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": 1, "total_tokens": 1}}


def _upload(raw: bytes, headers) -> dict:
    match = re.search(rb'name="purpose"\r\n\r\n([^\r]*)\r\n', raw)
    purpose = match.group(1).decode() if match else None
    if purpose not in ("file-extract", "batch"):
        raise Refusal(400, "invalid_parameter", f"purpose {purpose!r} is not supported: use file-extract or batch", "purpose")
    return _file(purpose)


def _file(purpose: str) -> dict:
    return {"id": "file-standin", "object": "file", "bytes": 10, "created_at": int(time.time()), "filename": "input.jsonl", "purpose": purpose, "status": "processed"}


def _batch(body: dict) -> dict:
    window = str(body.get("completion_window"))
    match = re.fullmatch(r"(\d+)([hd])", window)
    hours = int(match.group(1)) * (24 if match.group(2) == "d" else 1) if match else 0
    if not 24 <= hours <= 336:
        raise Refusal(400, "invalid_parameter", f"completion_window {window} is not supported", "completion_window")
    return {
        "id": "batch_standin",
        "object": "batch",
        "endpoint": body.get("endpoint"),
        "input_file_id": body.get("input_file_id"),
        "completion_window": window,
        "status": "validating",
        "created_at": int(time.time()),
    }


def _responses(state: StandIn, body: dict) -> dict:
    model = body.get("model")
    if model not in CHAT_MODELS:
        raise Refusal(404, "model_not_found", f"The model `{model}` does not exist.", "model")
    for tool in body.get("tools") or []:
        if tool.get("type") not in RESPONSES_TOOLS:
            raise Refusal(400, "invalid_parameter", f"tool type {tool.get('type')} is not supported", "tools")
    if ((body.get("text") or {}).get("format") or {}).get("type") == "json_schema":
        raise Refusal(400, "invalid_parameter", "text.format json_schema is not supported", "text")
    return _response_object("resp_standin", model)


def _response_object(response_id: str, model: str) -> dict:
    message = {
        "type": "message",
        "id": "msg_standin",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "ok", "annotations": []}],
    }
    return {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()),
        "model": model,
        "status": "completed",
        "output": [message],
        "parallel_tool_calls": False,
        "tool_choice": "auto",
        "tools": [],
    }

"""What the runtime guard (qwen_migrate.guard, issue 19) costs per request, as the difference and ratio
to the same requests sent without it, measured in the same run.

Run: python benchmarks/guard_overhead.py [--runs 5] [--requests 2000]

Without the network: real OpenAI SDK clients (`openai`, over its HTTP library `httpx2`) send requests
to DashScope's compatible-mode base URL through an in-process `httpx2.MockTransport` that answers each
with a minimal valid response (a chat completion, an embeddings list, a stream of server-sent events).
For each case, --requests requests go through a client built with the SDK's default HTTP client (the
baseline) and as many through the same client with a guard attached (`guard.Client(Guard(...))`),
the two interleaved (their order swapped every run), and the medians of --runs runs are reported:

- a clean chat completion (the guard finds nothing);
- a chat completion that breaks rules (`tool_choice="required"` with tools, an OpenAI model), in mode
  "record": every request is a finding at the same call site, so this is the cost of a finding,
  finding its call site on the stack included;
- an embeddings request (`encoding_format="float"`);
- a streaming chat completion, its chunks read;
- the clean chat completion on the async client.

Beside each, `Guard.judge` alone on the request that case sends (reading it and the rules: the part
of the overhead that is not the hook, the call site and the findings). The guard is given
`Settings()`, so no pyproject.toml changes what is measured. Prints a markdown table with the machine.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Callable

import httpx2
import openai

from qwen_migrate import guard
from qwen_migrate.guard import Guard
from qwen_migrate.settings import Settings

BASE_URL = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
TOOLS = [{"type": "function", "function": {"name": "capital", "parameters": {"type": "object", "properties": {"country": {"type": "string"}}}}}]

CHAT_COMPLETION = json.dumps({
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "qwen3.6-plus",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14},
}).encode()
EMBEDDINGS = json.dumps({
    "object": "list", "model": "text-embedding-v4",
    "data": [{"object": "embedding", "index": 0, "embedding": [0.1, -0.2, 0.3, 0.4]}],
    "usage": {"prompt_tokens": 3, "total_tokens": 3},
}).encode()
STREAM = b"".join(
    b"data: " + json.dumps({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "qwen3.6-plus",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }).encode() + b"\n\n"
    for delta, finish in (({"role": "assistant", "content": ""}, None), ({"content": "Paris"}, None), ({"content": "."}, None), ({}, "stop"))
) + b"data: [DONE]\n\n"


class StandIn:
    """The transport's handler: answers every request with one fixed response, and keeps the last
    request (for `Guard.judge` alone)."""

    def __init__(self, content: bytes, content_type: str) -> None:
        self.content, self.headers = content, {"content-type": content_type}
        self.last: Any = None

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.last = request
        return httpx2.Response(200, headers=self.headers, content=self.content)


@dataclass
class Case:
    name: str
    stand_in: StandIn
    send: Callable[[Any], Any]  # one request through an SDK client
    finds: bool  # whether the guard must find something in it (checked before timing)
    is_async: bool = False


def chat(client: openai.OpenAI) -> None:
    client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES)


def chat_breaking_rules(client: openai.OpenAI) -> None:
    client.chat.completions.create(model="gpt-4o", messages=MESSAGES, tools=TOOLS, tool_choice="required")


def embeddings(client: openai.OpenAI) -> None:
    # "float": left out, the SDK asks for "base64", which DashScope does not serve (QW401)
    client.embeddings.create(model="text-embedding-v4", input="What is the capital of France?", encoding_format="float")


def streaming_chat(client: openai.OpenAI) -> None:
    for _ in client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES, stream=True):
        pass


async def async_chat(client: openai.AsyncOpenAI) -> None:
    await client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES)


def cases() -> list[Case]:
    return [
        Case("chat, clean", StandIn(CHAT_COMPLETION, "application/json"), chat, finds=False),
        Case('chat breaking rules (3 findings), mode "record"', StandIn(CHAT_COMPLETION, "application/json"), chat_breaking_rules, finds=True),
        Case("embeddings, clean", StandIn(EMBEDDINGS, "application/json"), embeddings, finds=False),
        Case("streaming chat, clean (4 chunks read)", StandIn(STREAM, "text/event-stream"), streaming_chat, finds=False),
        Case("async chat, clean", StandIn(CHAT_COMPLETION, "application/json"), async_chat, finds=False, is_async=True),
    ]


def client(case: Case, with_guard: Guard | None) -> Any:
    """An SDK client on the SDK's default HTTP client over the case's stand-in; with the guard attached
    when given, the one difference between the two clients."""
    transport = httpx2.MockTransport(case.stand_in)
    if case.is_async:
        http_client = openai.DefaultAsyncHttpxClient(transport=transport)
        sdk = openai.AsyncOpenAI
    else:
        http_client = openai.DefaultHttpxClient(transport=transport)
        sdk = openai.OpenAI
    if with_guard is not None:
        guard.attach(http_client, with_guard)
    return sdk(api_key="sk-benchmark", base_url=BASE_URL, http_client=http_client, max_retries=0)


def seconds(case: Case, sdk_client: Any, requests: int, loop: asyncio.AbstractEventLoop) -> float:
    """Wall time of `requests` requests sent one after the other."""
    if case.is_async:
        async def send_all() -> float:
            started = time.perf_counter()
            for _ in range(requests):
                await case.send(sdk_client)
            return time.perf_counter() - started

        return loop.run_until_complete(send_all())
    started = time.perf_counter()
    for _ in range(requests):
        case.send(sdk_client)
    return time.perf_counter() - started


def judge_seconds(judging: Guard, request: Any, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        judging.judge(request)
    return time.perf_counter() - started


@dataclass
class Row:
    case: str
    without: float  # µs per request, medians
    with_guard: float
    judge: float

    def cells(self) -> str:
        overhead = self.with_guard - self.without
        return f"| {self.case} | {self.without:.0f} | {self.with_guard:.0f} | {overhead:+.0f} | {self.with_guard / self.without:.2f}× | {self.judge:.0f} |"


def measure(case: Case, runs: int, requests: int, loop: asyncio.AbstractEventLoop) -> Row:
    judging = Guard("record", Settings())
    plain, guarded = client(case, None), client(case, judging)
    for sdk_client in (plain, guarded):  # the first request of a client does work once (imports, caches)
        seconds(case, sdk_client, 1, loop)
    found = judging.findings
    if bool(found) != case.finds:  # a clean case that finds something, or the reverse, measures the wrong path
        raise SystemExit(f"{case.name}: expected {'findings' if case.finds else 'none'}, the guard found {[f.code for f in found]}")
    request = case.stand_in.last
    without, with_guard, judge = [], [], []
    for run in range(runs):
        order = [(plain, without), (guarded, with_guard)]
        for sdk_client, times in order if run % 2 == 0 else reversed(order):
            times.append(seconds(case, sdk_client, requests, loop) / requests * 1e6)
        judge.append(judge_seconds(judging, request, requests) / requests * 1e6)
    return Row(case.name, statistics.median(without), statistics.median(with_guard), statistics.median(judge))


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"openai {metadata.version('openai')}, httpx2 {metadata.version('httpx2')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each case; medians are reported (default 5)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per client in each run (default 2000)")
    args = parser.parse_args()
    if args.runs < 1 or args.requests < 1:
        parser.error("--runs and --requests must be at least 1")

    print(f"machine: {machine()}; load average (1, 5, 15 min): {', '.join(f'{load:.1f}' for load in os.getloadavg())}", flush=True)
    loop = asyncio.new_event_loop()
    try:
        rows = []
        for case in cases():
            rows.append(measure(case, args.runs, args.requests, loop))
            print(f"measured: {case.name}", flush=True)
    finally:
        loop.close()
    print()
    print(f"Medians of {args.runs} run(s) of {args.requests} requests per client; µs per request.")
    print()
    print("| case | without the guard | with the guard | overhead | ratio | `Guard.judge` alone |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row.cells())


if __name__ == "__main__":
    main()

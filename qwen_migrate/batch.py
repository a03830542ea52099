"""`check-batch`: a batch input JSONL file checked before upload, line by line, in bounded memory.

Each request body is judged by the same Chat Completions and Embeddings rules that `check` runs on
code: a body is the other view of a request (qwen_migrate.request.BodyArguments).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Optional

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.engine import Checker, FileResult
from qwen_migrate.facts import dashscope
from qwen_migrate.finding import Finding, Severity
from qwen_migrate.request import BodyArguments
from qwen_migrate.rules import CallRule
from qwen_migrate.rules.qw602_batch_input_file import BatchInputFile

FRAME_WIDTH = 160  # how much of a long line the text report shows
REQUIRED_FIELDS = ("custom_id", "method", "url", "body")


@dataclass(frozen=True)
class BatchLine:
    """Where a finding about a whole batch line points."""

    number: int


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """(number, text, too long) for each line; a line over the size limit is skipped, not held."""
    number = 0
    while True:
        chunk = stream.readline(dashscope.BATCH_MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > dashscope.BATCH_MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # the rest of the long line
                chunk = stream.readline(dashscope.BATCH_MAX_LINE_BYTES)
            yield number, b"", True
        else:
            yield number, chunk, False


class _BatchChecker:
    def __init__(self, checker: Checker, path: str) -> None:
        self.path = path
        self.body_rules = [rule for rule in checker.rules if isinstance(rule, CallRule)]
        self.settings = checker.settings
        self.findings: list[Finding] = []
        self.frames: dict[tuple, str] = {}
        self.model: Optional[tuple[str, int]] = None  # the first model and its line
        self.custom_ids: dict[str, int] = {}  # kept up to the request limit only: memory stays bounded

    def report(self, number: int, message: str, text: bytes = b"", severity: Severity = BatchInputFile.severity) -> None:
        line = text.decode("utf-8", errors="replace").rstrip("\r\n")
        self.findings.append(BatchInputFile.line_finding(self.path, number, len(line), message, severity))
        self.frames.setdefault((None, number), line[:FRAME_WIDTH])

    def check(self, stream: BinaryIO, size: int) -> None:
        if size > dashscope.BATCH_MAX_FILE_BYTES:
            self.report(1, f"File is {size / 1024 / 1024:,.0f} MB, over the {_megabytes(dashscope.BATCH_MAX_FILE_BYTES)} MB limit")
        requests = 0
        for number, text, too_long in _lines(stream):
            if too_long:
                self.report(number, f"Line is over {_megabytes(dashscope.BATCH_MAX_LINE_BYTES)} MB, the limit per request")
                continue
            if not text.strip():
                continue
            requests += 1
            if requests == dashscope.BATCH_MAX_REQUESTS + 1:
                self.report(number, f"More than {dashscope.BATCH_MAX_REQUESTS:,} requests, the limit per file", text)
            self.check_line(number, text, track_ids=requests <= dashscope.BATCH_MAX_REQUESTS)
        if requests == 0:
            self.report(1, "File holds no requests")

    def check_line(self, number: int, text: bytes, track_ids: bool) -> None:
        try:
            request = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self.report(number, f"Not valid JSON: {error}", text)
            return
        except RecursionError:
            self.report(number, "JSON nested too deeply to read", text)
            return
        except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
            self.report(number, "A number has too many digits to read", text)
            return
        if not isinstance(request, dict):
            self.report(number, "A request must be a JSON object", text)
            return
        missing = [name for name in REQUIRED_FIELDS if name not in request]
        if missing:
            self.report(number, f"Request lacks {', '.join(missing)}", text)
            return
        custom_id, method, url, body = (request[name] for name in REQUIRED_FIELDS)
        if method != "POST":
            self.report(number, f'method must be "POST", not {method!r}', text)
        if url not in dashscope.BATCH_URLS:
            self.report(number, f"url {url!r} is not a batch endpoint ({', '.join(dashscope.BATCH_URLS)})", text)
        if track_ids:
            if custom_id in self.custom_ids:
                self.report(number, f"custom_id {custom_id!r} repeats line {self.custom_ids[custom_id]}", text)
            elif isinstance(custom_id, str):
                self.custom_ids[custom_id] = number
        if not isinstance(body, dict):
            self.report(number, "body must be a JSON object", text)
            return
        self.check_model(number, body.get("model"), text)
        if url in dashscope.BATCH_URLS:
            self.check_body(number, dashscope.BATCH_URLS[url], body, text)

    def check_model(self, number: int, model: object, text: bytes) -> None:
        if not isinstance(model, str):
            self.report(number, "body.model must be a string", text)
        elif self.model is None:
            self.model = (model, number)
        elif model != self.model[0]:
            first, first_line = self.model
            self.report(number, f"Model {model!r} differs from {first!r} (line {first_line}): one file, one model", text)

    def check_body(self, number: int, method: str, body: dict, text: bytes) -> None:
        call = CallSite(BatchLine(number), method, (), BodyArguments(body))
        for rule in self.body_rules:
            if rule.applies_to(call):
                for violation in rule.check_call(call, self.settings):
                    self.report(number, f"{rule.code} {violation.message}", text, violation.severity or rule.severity)


def _megabytes(size: int) -> int:
    return size // 1024 // 1024


def check_batch_file(checker: Checker, path: Path, display: str) -> FileResult:
    if BatchInputFile.code not in {rule.code for rule in checker.rules}:
        return FileResult(display)
    batch = _BatchChecker(checker, display)
    try:
        with path.open("rb") as stream:
            batch.check(stream, path.stat().st_size)
    except OSError as error:
        return FileResult(display, error=f"cannot read: {error.strerror}")
    batch.findings.sort(key=lambda f: f.sort_key)
    return FileResult(display, batch.findings, batch.frames)

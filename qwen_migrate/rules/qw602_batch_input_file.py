import json
from dataclasses import dataclass
from textwrap import dedent
from typing import Iterable, Iterator, NamedTuple, Optional

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts import dashscope
from qwen_migrate.finding import Finding, FixSafety, Severity
from qwen_migrate.fingerprint import fingerprint
from qwen_migrate.request import BodyArguments
from qwen_migrate.rules import CallRule, FileRule, Invalid, request_violations

REQUIRED_FIELDS = ("custom_id", "method", "url", "body")


class BatchInputFile(FileRule):
    """
    ## What it does
    Checks a batch input JSONL file before upload (`qwen-migrate check-batch FILE`): at most 50,000
    requests, 500 MB and 6 MB per line; valid JSON with `custom_id`, `method`, `url` and `body` on
    every line; no repeated `custom_id`; one model across the file; and each `body` against the
    same Chat Completions and Embeddings rules that `check` runs on code (the inner rule's code
    starts the message, and its severity is kept).

    ## Why is this bad?
    DashScope validates the whole file when the batch starts: one bad line fails the batch, after
    the upload and the wait.

    ## Fix safety
    There is no fix: correct the lines named by the findings.
    """

    code = "QW602"
    name = "batch-input-file"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = "Batch API (input file limits; all requests in a file must use the same model)"
    example_language = "jsonl"
    VALID = [
        dedent("""\
            {"custom_id": "req-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-plus", "messages": [{"role": "user", "content": "Hi"}]}}
            {"custom_id": "req-2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-plus", "messages": [{"role": "user", "content": "Hi"}]}}
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                {"custom_id": "req-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-plus", "messages": [{"role": "user", "content": "Hi"}]}}
                {"custom_id": "req-2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-flash", "messages": [{"role": "user", "content": "Hi"}]}}
                """),
            at='{"custom_id": "req-2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-flash", "messages": [{"role": "user", "content": "Hi"}]}}',
            message="Model 'qwen3.6-flash' differs from 'qwen3.6-plus' (line 1): one file, one model",
        ),
        Invalid(
            dedent("""\
                {"custom_id": "req-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-plus", "messages": [{"role": "user", "content": "Hi"}], "tool_choice": "required"}}
                """),
            at='{"custom_id": "req-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-plus", "messages": [{"role": "user", "content": "Hi"}], "tool_choice": "required"}}',
            message='QW203 tool_choice="required" is not supported by DashScope (use "auto", "none" or a function object)',
        ),
    ]

    @classmethod
    def line_finding(cls, path: str, line: int, width: int, shown: str, message: str, severity: Severity) -> Finding:
        """The finding about line `line`, `width` characters long, of which the report shows `shown`
        (its start, which names its custom_id): known across line moves by that text, as a code
        finding is by its call (GitLab and baselines need it). Not by its message, which may name
        another line ("repeats line 3"); two findings on one line share it, and are counted."""
        return Finding(path, line, 1, line, width + 1, cls.code, cls.name, severity, message, None, fingerprint(cls.code, path, shown))


@dataclass(frozen=True)
class BatchLine:
    """Where a finding about a whole batch line points."""

    number: int


class LineProblem(NamedTuple):
    number: int
    message: str
    text: bytes  # the line, for the report to show
    severity: Severity


class BatchFile:
    """One batch input file as QW602 judges it, line by line; what it keeps between lines (the
    first model, the custom_ids up to the request limit) stays bounded."""

    def __init__(self, body_rules: list[CallRule], settings: Settings) -> None:
        self.body_rules = body_rules
        self.settings = settings
        self.model: Optional[tuple[str, int]] = None  # the first model and its line
        self.custom_ids: dict[str, int] = {}  # kept up to the request limit only: memory stays bounded

    @staticmethod
    def problem(number: int, message: str, text: bytes = b"", severity: Severity = BatchInputFile.severity) -> LineProblem:
        return LineProblem(number, message, text, severity)

    def check(self, lines: Iterable[tuple[int, bytes, bool]], size: int) -> Iterator[LineProblem]:
        """The problems of a file of `size` bytes, given its lines as (number, text, too long)."""
        if size > dashscope.BATCH_MAX_FILE_BYTES:
            yield self.problem(1, f"File is {size / 1024 / 1024:,.0f} MB, over the {_megabytes(dashscope.BATCH_MAX_FILE_BYTES)} MB limit")
        requests = 0
        for number, text, too_long in lines:
            if too_long:
                yield self.problem(number, f"Line is over {_megabytes(dashscope.BATCH_MAX_LINE_BYTES)} MB, the limit per request")
                continue
            if not text.strip():
                continue
            requests += 1
            if requests == dashscope.BATCH_MAX_REQUESTS + 1:
                yield self.problem(number, f"More than {dashscope.BATCH_MAX_REQUESTS:,} requests, the limit per file", text)
            yield from self.check_line(number, text, track_ids=requests <= dashscope.BATCH_MAX_REQUESTS)
        if requests == 0:
            yield self.problem(1, "File holds no requests")

    def check_line(self, number: int, text: bytes, track_ids: bool) -> Iterator[LineProblem]:
        try:
            request = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield self.problem(number, f"Not valid JSON: {error}", text)
            return
        except RecursionError:
            yield self.problem(number, "JSON nested too deeply to read", text)
            return
        except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
            yield self.problem(number, "A number has too many digits to read", text)
            return
        if not isinstance(request, dict):
            yield self.problem(number, "A request must be a JSON object", text)
            return
        missing = [name for name in REQUIRED_FIELDS if name not in request]
        if missing:
            yield self.problem(number, f"Request lacks {', '.join(missing)}", text)
            return
        custom_id, method, url, body = (request[name] for name in REQUIRED_FIELDS)
        if method != "POST":
            yield self.problem(number, f'method must be "POST", not {method!r}', text)
        if url not in dashscope.BATCH_URLS:
            yield self.problem(number, f"url {url!r} is not a batch endpoint ({', '.join(dashscope.BATCH_URLS)})", text)
        if track_ids:
            if custom_id in self.custom_ids:
                yield self.problem(number, f"custom_id {custom_id!r} repeats line {self.custom_ids[custom_id]}", text)
            elif isinstance(custom_id, str):
                self.custom_ids[custom_id] = number
        if not isinstance(body, dict):
            yield self.problem(number, "body must be a JSON object", text)
            return
        yield from self.check_model(number, body.get("model"), text)
        if url in dashscope.BATCH_URLS:
            yield from self.check_body(number, dashscope.BATCH_URLS[url], body, text)

    def check_model(self, number: int, model: object, text: bytes) -> Iterator[LineProblem]:
        if not isinstance(model, str):
            yield self.problem(number, "body.model must be a string", text)
        elif self.model is None:
            self.model = (model, number)
        elif model != self.model[0]:
            first, first_line = self.model
            yield self.problem(number, f"Model {model!r} differs from {first!r} (line {first_line}): one file, one model", text)

    def check_body(self, number: int, method: str, body: dict, text: bytes) -> Iterator[LineProblem]:
        call = CallSite(BatchLine(number), method, (), BodyArguments(body), in_batch=True)
        for rule, violation in request_violations(self.body_rules, call, self.settings):
            yield self.problem(number, f"{rule.code} {violation.message}", text, violation.severity or rule.severity)


def _megabytes(size: int) -> int:
    return size // 1024 // 1024

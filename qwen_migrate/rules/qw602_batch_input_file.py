from qwen_migrate.finding import Finding, FixSafety, Severity
from qwen_migrate.rules import FileRule, Invalid

_GOOD = '{"custom_id": "req-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-plus", "messages": [{"role": "user", "content": "Hi"}]}}'


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
    VALID = [_GOOD + "\n" + _GOOD.replace("req-1", "req-2") + "\n"]
    INVALID = [
        Invalid(
            _GOOD + "\n" + _GOOD.replace("req-1", "req-2").replace("qwen3.6-plus", "qwen3.6-flash") + "\n",
            at=_GOOD.replace("req-1", "req-2").replace("qwen3.6-plus", "qwen3.6-flash"),
        ),
        Invalid(
            _GOOD.replace('"Hi"}]', '"Hi"}], "tool_choice": "required"') + "\n",
            at=_GOOD.replace('"Hi"}]', '"Hi"}], "tool_choice": "required"'),
        ),
    ]

    @classmethod
    def line_finding(cls, path: str, line: int, width: int, message: str, severity: Severity) -> Finding:
        return Finding(path, line, 1, line, width + 1, cls.code, cls.name, severity, message)

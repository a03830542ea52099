from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import BATCH_COMPLETION_WINDOW_HOURS, completion_window_hours
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING, DYNAMIC
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class BatchCompletionWindow(CallRule):
    """
    ## What it does
    Reports a `batches.create(completion_window=...)` that is not a whole number of hours (`"h"`) or
    days (`"d"`) between 24 hours and 336 hours (14 days): `"12h"`, `"30d"`, `"1w"`.

    ## Why is this bad?
    DashScope accepts completion windows from 24h to 336h, written with the `h` or `d` unit; other
    values are rejected. (OpenAI accepts `"24h"` only, so values written for OpenAI pass.)

    ## Fix safety
    There is no fix: choose a window in the range.
    """

    code = "QW601"
    name = "batch-completion-window"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = "Batch API (completion_window: 24h to 336h, h or d units)"
    methods = frozenset({"batches.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.batches.create(input_file_id=file.id, endpoint="/v1/chat/completions", completion_window="7d")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.batches.create(input_file_id=file.id, endpoint="/v1/chat/completions", completion_window="1w")
                """),
            at='completion_window="1w"',
            message="completion_window '1w' is not supported by DashScope: use 24h to 336h, in whole hours (h) or days (d)",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        window = call.arguments.value("completion_window")
        if window is MISSING or window is DYNAMIC:
            return
        hours = completion_window_hours(window) if isinstance(window, str) else None
        low, high = BATCH_COMPLETION_WINDOW_HOURS
        if hours is None or not low <= hours <= high:
            yield Violation(
                call.arguments.where("completion_window"),
                f"completion_window {window!r} is not supported by DashScope: use {low}h to {high}h, in whole hours (h) or days (d)",
            )

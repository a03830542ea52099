from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import FILE_PURPOSES
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class FilePurpose(CallRule):
    """
    ## What it does
    Reports `files.create(purpose=...)` with a purpose other than `"file-extract"` or `"batch"`
    (`fine-tune`, `assistants`, `vision`, `user_data`, `evals`).

    ## Why is this bad?
    DashScope's File API accepts documents for Qwen-Long/Qwen-Doc (`file-extract`) and batch input
    (`batch`) only: an upload with another purpose is rejected.

    ## Fix safety
    There is no fix: the feature the purpose served (fine-tuning, assistants, vision) is not part of
    the compatible mode.
    """

    code = "QW501"
    name = "file-purpose"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = "File API (purpose must be file-extract or batch)"
    methods = frozenset({"files.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.files.create(file=open("report.pdf", "rb"), purpose="file-extract")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.files.create(file=open("train.jsonl", "rb"), purpose="fine-tune")
                """),
            at='purpose="fine-tune"',
            message='File purpose "fine-tune" is not supported by DashScope: use "file-extract" or "batch"',
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        purpose = call.arguments.value("purpose")
        if isinstance(purpose, str) and purpose not in FILE_PURPOSES:
            yield Violation(
                call.arguments.where("purpose"),
                f'File purpose "{purpose}" is not supported by DashScope: use "file-extract" or "batch"',
            )

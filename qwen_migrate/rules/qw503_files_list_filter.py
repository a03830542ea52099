from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import UNSUPPORTED_FILE_LIST_FILTERS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class FilesListFilter(CallRule):
    """
    ## What it does
    Reports `purpose=` and `order=` in `files.list(...)`.

    ## Why is this bad?
    DashScope's file listing does not support these filters: the listing is not filtered or ordered
    as the code expects.

    ## Fix safety
    Unsafe: the fix removes the filter, so the code receives every file; filter the result in code
    if it relies on the purpose.
    """

    code = "QW503"
    name = "files-list-filter"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    spec = "File API (list filtering: purpose and order are not supported)"
    methods = frozenset({"files.list"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.files.list(limit=20)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.files.list(purpose="batch", order="desc")
                """),
            at=('purpose="batch"', 'order="desc"'),
            message=("files.list(purpose=...) is not supported by DashScope", "files.list(order=...) is not supported by DashScope"),
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.files.list()
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        for name in UNSUPPORTED_FILE_LIST_FILTERS:
            if name in call.arguments:
                yield Violation(call.arguments.where(name), f"files.list({name}=...) is not supported by DashScope", self.fix(f"Remove {name}", call.arguments.remove(name)))

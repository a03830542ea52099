from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import UNSUPPORTED_METHODS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class FileContentRetrieval(CallRule):
    """
    ## What it does
    Reports `files.content(...)` and `files.retrieve_content(...)`, also through
    `with_raw_response` and `with_streaming_response`.

    ## Why is this bad?
    DashScope does not serve `GET /v1/files/{file_id}/content`: the call fails.

    ## Fix safety
    There is no fix: keep a copy of what you upload; batch results are read through the batch's
    output file as DashScope documents it.
    """

    code = "QW502"
    name = "file-content-retrieval"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = "File API (file content retrieval is not supported)"
    methods = frozenset(UNSUPPORTED_METHODS)
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.files.retrieve(file_id)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.files.with_raw_response.content(file_id)
                """),
            at="client.files.with_raw_response.content(file_id)",
            message="files.content() reads file content, which DashScope does not serve",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        yield Violation(call.node, f"{call.method}() reads file content, which DashScope does not serve")

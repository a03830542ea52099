from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import IGNORED_BECAUSE, IGNORED_FILE_CREATE_PARAMS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class FileExpiry(CallRule):
    """
    ## What it does
    Reports `expires_after=` in `files.create(...)`.

    ## Why is this bad?
    DashScope's files never expire (spec, "File API" › "Storage limits"): the expiry the code asks
    for does not happen, and the files count against the 10,000-file, 100 GB quota until deleted.

    ## Fix safety
    Unsafe: the fix removes the parameter, which had no effect on DashScope; delete files the code no
    longer needs with `files.delete` if it relied on the expiry.
    """

    code = "QW504"
    name = "file-expiry"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    spec = 'File API › "Storage limits" (files never expire)'
    methods = frozenset({"files.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.files.create(file=open("requests.jsonl", "rb"), purpose="batch")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.files.create(file=open("requests.jsonl", "rb"), purpose="batch", expires_after={"anchor": "created_at", "seconds": 3600})
                """),
            at='expires_after={"anchor": "created_at", "seconds": 3600}',
            message="files.create(expires_after=...) has no effect on DashScope: files never expire",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.files.create(file=open("requests.jsonl", "rb"), purpose="batch")
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        for name in IGNORED_FILE_CREATE_PARAMS:
            if name in call.arguments:
                yield Violation(
                    call.arguments.where(name),
                    f"files.create({name}=...) has no effect on DashScope: {IGNORED_BECAUSE[name]}",
                    self.fix(f"Remove {name}", call.arguments.remove(name)),
                )

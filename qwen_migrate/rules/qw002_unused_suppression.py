from textwrap import dedent
from typing import Iterator

import libcst as cst
from libcst.metadata import CodeRange

from qwen_migrate.edits import EditComment
from qwen_migrate.finding import Finding, Fix, FixSafety, Severity
from qwen_migrate.rules import DASHSCOPE_CLIENT, FileRule, Invalid, all_rules
from qwen_migrate.suppressions import without_codes


class UnusedSuppression(FileRule):
    """
    ## What it does
    Reports a `# noqa: QW…` or `# qwen-migrate: ignore[QW…]` comment naming a code that no finding on
    that line needed. Codes of other tools in the same comment are left alone, and so are codes of
    rules that are not enabled for the file.

    ## Why is this bad?
    A suppression that no longer suppresses anything hides the next real finding on that line, and
    tells readers about an incompatibility that is gone.

    ## Fix safety
    Safe: the fix removes the unused code from the comment, or the whole comment when nothing is left.
    """

    code = "QW002"
    name = "unused-suppression"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    spec = "the tool itself"
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=[], store=True)  # noqa: QW208
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=[])  # noqa: QW208
                """),
            at="# noqa: QW208",
            message="Unused suppression of QW208",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=[])
                """),
        ),
    ]

    @classmethod
    def check_comments(
        cls, path: str, comments: list[tuple[cst.Comment, list[str]]], positions, used: set[tuple[int, str]], enabled: set[str]
    ) -> Iterator[Finding]:
        """A finding for each comment naming codes that suppressed nothing; `used` holds the
        (line, code) pairs that suppressed a finding, `enabled` the codes of the rules that ran."""
        known = {rule.code for rule in all_rules()}
        for comment, codes in comments:
            where = positions[comment]
            # A code whose rule is disabled here cannot be judged; an unknown QW code never suppresses.
            unused = [c for c in codes if (c in enabled or c not in known) and (where.start.line, c) not in used]
            if unused:
                yield cls.for_codes(path, comment, where, unused)

    @classmethod
    def for_codes(cls, path: str, comment: cst.Comment, where: CodeRange, codes: list[str]) -> Finding:
        names = ", ".join(codes)
        edit = EditComment(comment, without_codes(comment.value, codes))
        fix = Fix(cls.fix_safety, f"Remove {names} from the suppression comment", (edit,))
        message = f"Unused suppression of {names}"
        return cls.finding(path, where.start.line, where.start.column + 1, where.end.column + 1, message, fix, comment.value)

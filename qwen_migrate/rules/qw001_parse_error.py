from textwrap import dedent

from qwen_migrate.finding import FixSafety, Severity
from qwen_migrate.rules import Invalid, RefusedFileRule


class ParseError(RefusedFileRule):
    """
    ## What it does
    Reports a file that is not valid Python (or whose bytes do not decode), at the place the parser
    stopped. Nothing else is reported for such a file, and `fix` never writes it.

    ## Why is this bad?
    A file that does not parse cannot be analysed: any OpenAI SDK call in it goes unchecked, and a
    codemod that rewrote it could lose code.

    ## Fix safety
    There is no fix: correct the syntax error, then run the check again.
    """

    code = "QW001"
    name = "parse-error"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = "the tool itself"
    VALID = [
        dedent("""\
            import openai

            client = openai.OpenAI()
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                import openai

                client = openai.OpenAI(
                """),
            at="",
            message="SyntaxError: '(' was never closed",
        ),
    ]

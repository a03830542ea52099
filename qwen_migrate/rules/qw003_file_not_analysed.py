from qwen_migrate.finding import FixSafety, Severity
from qwen_migrate.parsing import MAX_DEPTH
from qwen_migrate.rules import Invalid, RefusedFileRule


class FileNotAnalysed(RefusedFileRule):
    """
    ## What it does
    Reports a file the parser cannot safely take: larger than the size limit (`max-file-size`,
    1,000,000 bytes by default), or nested deeper than the parser survives. The file is judged by
    Python's own parser first; such a file is never parsed for analysis, nothing else is reported
    for it, and `fix` never writes it.

    ## Why is this bad?
    The parser behind the analysis crashes the whole process on some very deep expressions that
    Python compiles (thousands of chained operators, as generated code has), and takes minutes and
    gigabytes for files of many megabytes. Any OpenAI SDK call in such a file goes unchecked.

    ## Fix safety
    There is no fix: raise `max-file-size` for a large file you want analysed, or exclude
    generated files (`exclude`).
    """

    code = "QW003"
    name = "file-not-analysed"
    severity = Severity.WARNING
    fix_safety = FixSafety.NONE
    spec = "the tool itself"
    VALID = [
        "import openai\n\ntotal = " + " + ".join(["1"] * 100) + "\n",
    ]
    # Generated code: one expression of more operands than the parser can safely nest.
    INVALID = [
        Invalid(
            "import openai\n\ntotal = " + "+".join(["1"] * (MAX_DEPTH + 1)) + "\n",
            at="",
            message="Not analysed: nested 1,003 levels deep, more than the parser safely takes (1,000)",
        ),
    ]

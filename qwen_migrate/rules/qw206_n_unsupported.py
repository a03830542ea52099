from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import N_ABOVE_ONE_MODELS, N_RANGE
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class NUnsupported(CallRule):
    """
    ## What it does
    Reports `n` outside 1–4 (error), and `n` above 1 with a literal model other than `qwen-plus` or
    `qwen-plus-character` (warning).

    ## Why is this bad?
    DashScope's `n` supports 1 to 4, and only on some models; other models return one choice, so
    code that reads `choices[1]` fails.

    ## Fix safety
    There is no fix: lower `n`, use a model that supports it, or make several calls.
    """

    code = "QW206"
    name = "n-unsupported"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Chat Completions › "Behavioral differences" (n supports 1-4, on qwen-plus and qwen-plus-character)'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen-plus", messages=messages, n=3)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen-plus", messages=messages, n=8)
                """),
            at="n=8",
            message="n=8 is outside DashScope's range 1-4",
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, n=2)
                """),
            at="n=2",
            message="n=2 with model 'qwen3.6-plus': DashScope supports n > 1 only on qwen-plus, qwen-plus-character",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        n = call.arguments.value("n")
        if not isinstance(n, int) or isinstance(n, bool):
            return
        low, high = N_RANGE
        model = call.arguments.value("model")
        if not low <= n <= high:
            yield Violation(call.arguments.where("n"), f"n={n} is outside DashScope's range {low}-{high}")
        elif n > 1 and isinstance(model, str) and model not in N_ABOVE_ONE_MODELS:
            yield Violation(
                call.arguments.where("n"),
                f"n={n} with model {model!r}: DashScope supports n > 1 only on {', '.join(N_ABOVE_ONE_MODELS)}",
                severity=Severity.WARNING,
            )

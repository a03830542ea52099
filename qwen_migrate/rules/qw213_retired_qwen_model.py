from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.edits import ReplaceNode, Text
from qwen_migrate.facts.dashscope import is_retired_qwen_model, map_model
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid, models_the_batch_runs_instead


class RetiredQwenModel(CallRule):
    """
    ## What it does
    Reports a Qwen model that Model Studio has retired: `qwen-turbo`, `qwq-plus`, `qvq-max`,
    `qwen-vl-max` and `qwen-vl-plus`, with their dated snapshots and `-latest` aliases.

    ## Why is this bad?
    Model Studio retired these models on 2026-10-10 (notice 731): requests for them fail. In a batch
    request body, a successor the region's Batch API does not run is not suggested (see QW210).

    ## Fix safety
    Unsafe: the fix replaces the name with its successor from the model map (Qwen3.6 series), whose
    answers, prices and limits differ.
    """

    code = "QW213"
    name = "retired-qwen-model"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = "Model Studio notice 731 (model retirement, 2026-10-10)"
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-flash", messages=messages)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen-turbo-latest", messages=messages)
                """),
            at='model="qwen-turbo-latest"',
            message="'qwen-turbo-latest' was retired by Model Studio on 2026-10-10 (successor: 'qwen3.6-flash')",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-flash", messages=messages)
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        model = call.arguments.value("model")
        if isinstance(model, str) and is_retired_qwen_model(model):
            successor = map_model(model, settings.models)
            batch_runs = models_the_batch_runs_instead(call, settings, successor)
            if batch_runs:
                yield Violation(call.arguments.where("model"), f"{model!r} was retired by Model Studio on 2026-10-10 ({batch_runs})")
                return
            yield Violation(
                call.arguments.where("model"),
                f"{model!r} was retired by Model Studio on 2026-10-10" + (f" (successor: {successor!r})" if successor else ""),
                self.fix(f"Replace with {successor!r}", ReplaceNode(call.arguments.expression("model"), Text(successor))) if successor else None,
            )

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class FineTuningApi(CallRule):
    """
    ## What it does
    Reports calls of the fine-tuning API: `client.fine_tuning.jobs.create(...)` and the rest of
    `client.fine_tuning.*`.

    ## Why is this bad?
    DashScope's OpenAI-compatible mode offers Chat Completions, Responses, Embeddings, Files,
    Batches and Conversations only; fine-tuning is not among them.

    ## Fix safety
    There is no fix: Model Studio's own fine-tuning service has a different API.
    """

    code = "QW701"
    name = "fine-tuning-api"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = '"Supported APIs"'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id)
                """),
            at='client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id)',
            message="fine_tuning.jobs.create(): the fine-tuning API is not offered by DashScope's compatible mode",
        ),
    ]

    def applies_to(self, call: CallSite) -> bool:
        return call.api == "fine_tuning"

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        yield Violation(call.node, f"{call.method}(): the fine-tuning API is not offered by DashScope's compatible mode")

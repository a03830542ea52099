from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import QWEN_ONLY_CHAT_PARAMS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid, keyword_into_extra_body


class QwenParamOutsideExtraBody(CallRule):
    """
    ## What it does
    Reports Qwen-only parameters (`enable_thinking`, `thinking_budget`, `enable_search`,
    `search_options`, `top_k`, `vl_high_resolution_images`, `enable_code_interpreter`) passed as
    keyword arguments.

    ## Why is this bad?
    They are not part of the OpenAI API, so the SDK's methods do not accept them: the call raises
    `TypeError` before any request is sent. The SDK forwards them only inside `extra_body`.

    ## Fix safety
    Safe: the fix moves them into `extra_body`, merging with an existing one.
    """

    code = "QW209"
    name = "qwen-param-outside-extra-body"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Chat Completions › "Qwen-specific parameters" (pass them via extra_body)'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(
                model="qwen3.6-plus",
                messages=messages,
                extra_body={"enable_thinking": False, "top_k": 20},
            )
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=messages,
                    enable_thinking=False,
                    top_k=20,
                )
                """),
            at=("enable_thinking=False", "top_k=20"),
            message=("enable_thinking is a Qwen-only parameter: as a keyword argument the SDK raises TypeError; pass it in extra_body", "top_k is a Qwen-only parameter: as a keyword argument the SDK raises TypeError; pass it in extra_body"),
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=messages,
                    extra_body={"enable_thinking": False, "top_k": 20},
                )
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        if not call.arguments.through_sdk:  # in a request body they belong at the top level
            return
        for name in call.arguments.names():
            if name in QWEN_ONLY_CHAT_PARAMS:
                yield keyword_into_extra_body(call, name)

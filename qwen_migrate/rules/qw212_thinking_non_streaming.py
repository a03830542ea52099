from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import STREAM_ONLY_THINKING_MODELS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class ThinkingNonStreaming(CallRule):
    """
    ## What it does
    Reports `enable_thinking` set to true (in `extra_body` or as a keyword) in a call that does not
    stream, with a literal model of the open-source Qwen3 family (`qwen3-32b`, `qwen3-235b-a22b`, ...)
    or the QwQ family.

    ## Why is this bad?
    These models think only while streaming: Model Studio rejects the request with "parameter.
    enable_thinking must be set to false for non-streaming calls".

    ## Fix safety
    There is no fix: stream the call (`stream=True`), or set `enable_thinking` to false.
    """

    code = "QW212"
    name = "thinking-non-streaming"
    severity = Severity.WARNING
    fix_safety = FixSafety.NONE
    spec = 'Model Studio docs, "Deep thinking" and "Error codes"'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3-32b", messages=messages, stream=True, extra_body={"enable_thinking": True})
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3-32b", messages=messages, extra_body={"enable_thinking": True})
                """),
            at='extra_body={"enable_thinking": True}',
            message="enable_thinking on 'qwen3-32b' needs a streaming call: DashScope rejects it otherwise",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        model = call.arguments.value("model")
        if not (isinstance(model, str) and STREAM_ONLY_THINKING_MODELS.match(model)):
            return
        if call.method.endswith(".stream") or call.arguments.value("stream") not in (MISSING, False, None):
            return  # it streams, or may: a value we cannot see is not guessed
        extra_body = call.arguments.value("extra_body")
        if call.arguments.value("enable_thinking") is True:
            where = call.arguments.where("enable_thinking")
        elif isinstance(extra_body, dict) and extra_body.get("enable_thinking") is True:
            where = call.arguments.where("extra_body")
        else:
            return
        yield Violation(where, f"enable_thinking on {model!r} needs a streaming call: DashScope rejects it otherwise")

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import IGNORED, PARAMETERS, QWEN_ONLY_CHAT_PARAMS
from qwen_migrate.facts.openai_sdk import RESPONSES_METHODS
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.rules import RESPONSES_CLIENT, CallRule, Invalid

RESPONSES_PAGE = "https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses"


class ResponsesUnsupportedParameter(CallRule):
    """
    ## What it does
    Reports Responses parameters that DashScope ignores (warning): `background`, `reasoning`,
    `store`, `truncation`, `max_tool_calls`, `prompt`, `service_tier`, `user` and the other OpenAI
    parameters the Model Studio Responses page does not list; and Qwen-only parameters such as
    `enable_thinking` passed as keyword arguments to `responses.create` (error).

    ## Why is this bad?
    Model Studio's "OpenAI-compatible Responses" page (https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses)
    says that a request processes only the parameters it lists and that any other OpenAI parameter
    is ignored; `background` is named (only synchronous calls are served). The call runs, but not as
    the code says. Qwen-only parameters are no keywords of the SDK's `responses.create`: the call
    raises `TypeError` before any request is sent; the SDK forwards them only inside `extra_body`.

    The same page names `instructions` as unsupported while the spec documents no such exception.
    The spec is the default; with `responses-instructions = "ignored"` this rule reports
    `instructions` too (no fix: put the text in `input` as a system message).

    ## Fix safety
    Safe for Qwen-only keywords: the fix moves them into `extra_body`, merging with an existing one.
    Unsafe for the ignored parameters: the fix removes them, which changes nothing on DashScope but
    drops intent a reader may rely on (a background job that code then polls, say).
    """

    code = "QW305"
    name = "responses-unsupported-parameter"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = f'Responses API; Model Studio docs, "OpenAI-compatible Responses" ({RESPONSES_PAGE})'
    methods = RESPONSES_METHODS | {"responses.retrieve"}
    VALID = [
        RESPONSES_CLIENT + dedent("""\
            client.responses.create(model="qwen3.6-plus", input="Plan the trip", extra_body={"enable_thinking": True})
            """),
    ]
    INVALID = [
        Invalid(
            RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Plan the trip", enable_thinking=True)
                """),
            at="enable_thinking=True",
            message="enable_thinking is a Qwen-only parameter: as a keyword argument the SDK raises TypeError; pass it in extra_body",
            fixed=RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Plan the trip", extra_body={"enable_thinking": True})
                """),
        ),
        Invalid(
            RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Plan the trip", background=True, reasoning={"effort": "high"})
                """),
            at=("background=True", 'reasoning={"effort": "high"}'),
            message=("background is ignored by DashScope's Responses API", "reasoning is ignored by DashScope's Responses API"),
            fixed=RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Plan the trip")
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        ignored = {name for name, kind in PARAMETERS.get(call.method, {}).items() if kind == IGNORED}
        for name in call.arguments.names():
            if name in QWEN_ONLY_CHAT_PARAMS and call.arguments.through_sdk:  # a request body holds them at the top
                move = call.arguments.move_to_extra_body(name, ((name, call.arguments.expression(name)),))
                yield Violation(
                    call.arguments.where(name),
                    f"{name} is a Qwen-only parameter: as a keyword argument the SDK raises TypeError; pass it in extra_body",
                    Fix(FixSafety.SAFE, f"Move {name} into extra_body", (move,)) if move else None,
                )
            elif name in ignored:
                yield Violation(
                    call.arguments.where(name),
                    f"{name} is ignored by DashScope's Responses API",
                    self.fix(f"Remove {name}", call.arguments.remove(name)),
                    severity=Severity.WARNING,
                )
            elif name == "instructions" and not settings.serves_responses_instructions:
                yield Violation(
                    call.arguments.where(name),
                    "instructions is ignored by DashScope's Responses API (the newer Responses page): put it in input as a system message",
                    severity=Severity.WARNING,
                )

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import IGNORED, PARAMETERS, QWEN_ONLY_CHAT_PARAMS, RESPONSES_QWEN_PARAMS
from qwen_migrate.facts.openai_sdk import RESPONSES_METHODS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import RESPONSES_CLIENT, CallRule, Invalid, empty, instead_of_ignored, keyword_into_extra_body

RESPONSES_PAGE = "https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses"
# The Qwen-only parameters of Chat Completions that the Responses API does not take.
CHAT_ONLY_QWEN_PARAMS = frozenset(QWEN_ONLY_CHAT_PARAMS) - frozenset(RESPONSES_QWEN_PARAMS)


class ResponsesUnsupportedParameter(CallRule):
    """
    ## What it does
    Reports Responses parameters that DashScope ignores (warning): `background`, `reasoning`,
    `store`, `truncation`, `max_tool_calls`, `prompt`, `service_tier`, `user` and the other OpenAI
    parameters the Model Studio Responses page does not list; `enable_thinking`, the Qwen-only
    parameter the page adds, passed as a keyword argument to `responses.create` (error); and the
    Qwen-only Chat Completions parameters (`top_k`, `enable_search`, `thinking_budget`, ...) passed
    as keyword arguments there (error): they are no Responses parameters. An ignored parameter set
    to an empty list or mapping (`include=[]`, which openai-agents sends with every request) loses
    nothing, and is not reported.

    ## Why is this bad?
    Model Studio's "OpenAI-compatible Responses" page (https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-openai-responses)
    says that a request processes only the parameters it lists and that any other OpenAI parameter
    is ignored; `background` is named (only synchronous calls are served). The call runs, but not as
    the code says. Qwen-only parameters are no keywords of the SDK's `responses.create`: the call
    raises `TypeError` before any request is sent; the SDK forwards them only inside `extra_body`.
    The page names only `enable_thinking` among them: DashScope's Responses API ignores the others,
    so moving them into `extra_body` would only turn the error into a silent no-op. In place of the
    ignored `reasoning`, the message names `enable_thinking` (in `extra_body`), as QW208 does for
    Chat Completions' `reasoning_effort`.

    The same page names `instructions` as unsupported while the spec documents no such exception.
    The spec is the default; with `responses-instructions = "ignored"` this rule reports
    `instructions` too (no fix: put the text in `input` as a system message).

    ## Fix safety
    Safe for `enable_thinking` as a keyword: the fix moves it into `extra_body`, merging with an
    existing one. Unsafe for the ignored parameters and the other Qwen-only ones: the fix removes
    them, which changes nothing on DashScope (or ends the `TypeError`) but drops intent a reader may
    rely on (a background job that code then polls, a `top_k` meant to narrow sampling).
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
        RESPONSES_CLIENT + dedent("""\
            client.responses.create(model="qwen3.6-plus", input="Plan the trip", include=[])
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
            message=(
                "background is ignored by DashScope's Responses API",
                "reasoning is ignored by DashScope's Responses API; to control thinking, pass enable_thinking in extra_body",
            ),
            fixed=RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Plan the trip")
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        ignored = {name for name, kind in PARAMETERS.get(call.method, {}).items() if kind == IGNORED}
        for name in call.arguments.names():
            if name in RESPONSES_QWEN_PARAMS and call.arguments.through_sdk:  # a request body holds them at the top
                yield keyword_into_extra_body(call, name)
            elif name in CHAT_ONLY_QWEN_PARAMS and call.arguments.through_sdk:
                yield Violation(
                    call.arguments.where(name),
                    f"{name} is no parameter of DashScope's Responses API (only of Chat Completions): as a keyword argument the SDK raises TypeError",
                    self.fix(f"Remove {name}", call.arguments.remove(name)),
                )
            elif name in ignored and not empty(call, name):
                yield Violation(
                    call.arguments.where(name),
                    f"{name} is ignored by DashScope's Responses API{instead_of_ignored(name)}",
                    self.fix(f"Remove {name}", call.arguments.remove(name)),
                    severity=Severity.WARNING,
                )
            elif name == "instructions" and not settings.serves_responses_instructions:
                yield Violation(
                    call.arguments.where(name),
                    "instructions is ignored by DashScope's Responses API (the newer Responses page): put it in input as a system message",
                    severity=Severity.WARNING,
                )

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite, ClientBinding
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import SESSION_CACHE_HEADER
from qwen_migrate.facts.openai_sdk import RESPONSES_METHODS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import DASHSCOPE_CLIENT, RESPONSES_CLIENT, CallRule, Invalid

_RESPONSES_WITHOUT_CACHE = DASHSCOPE_CLIENT.replace("compatible-mode/v1", "api/v2/apps/protocols/compatible-mode/v1")


def _sends_header(headers) -> bool:
    name, value = SESSION_CACHE_HEADER
    return isinstance(headers, dict) and any(
        isinstance(k, str) and k.lower() == name and v == value for k, v in headers.items()
    )


class ResponsesSessionCache(CallRule):
    """
    ## What it does
    Reports a multi-turn Responses call (`previous_response_id=...`) whose request carries no
    `x-dashscope-session-cache: enable` header, neither in the call's `extra_headers` nor in the
    client's `default_headers`.

    ## Why is this bad?
    DashScope can cache the context of a conversation across turns, which cuts latency and cost,
    but only when the session cache header is sent.

    ## Fix safety
    There is no automatic fix: add `default_headers={"x-dashscope-session-cache": "enable"}` to the
    client (or `extra_headers` to the call) if the cache suits the application.
    """

    code = "QW304"
    name = "responses-session-cache"
    severity = Severity.INFO
    fix_safety = FixSafety.NONE
    spec = 'Responses API › "Session cache"'
    methods = RESPONSES_METHODS
    VALID = [
        RESPONSES_CLIENT + dedent("""\
            client.responses.create(model="qwen3.6-plus", input="And then?", previous_response_id=first.id)
            """),
    ]
    INVALID = [
        Invalid(
            _RESPONSES_WITHOUT_CACHE + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="And then?", previous_response_id=first.id)
                """),
            at="previous_response_id=first.id",
            message="Multi-turn Responses call without the x-dashscope-session-cache: enable header: the session cache is off",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        if call.arguments.value("previous_response_id") in (MISSING, None):
            return
        extra_headers = call.arguments.value("extra_headers")
        if extra_headers is not MISSING and not isinstance(extra_headers, dict):
            return  # headers built at run time: not guessed
        if _sends_header(extra_headers):
            return
        for client in call.clients:
            if not isinstance(client, ClientBinding) or not client.constructed_here:
                return  # a client configured elsewhere may send the header
            default_headers = client.arguments.value("default_headers")
            if default_headers is not MISSING and not isinstance(default_headers, dict) or _sends_header(default_headers):
                return
        yield Violation(
            call.arguments.where("previous_response_id"),
            "Multi-turn Responses call without the x-dashscope-session-cache: enable header: the session cache is off",
        )

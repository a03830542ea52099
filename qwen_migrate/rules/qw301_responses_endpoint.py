from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite, ClientBinding
from qwen_migrate.settings import Settings
from qwen_migrate.edits import SetKeyword, Text
from qwen_migrate.facts.dashscope import RESPONSES_APIS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, RESPONSES_CLIENT, CallRule, Invalid


class ResponsesEndpoint(CallRule):
    """
    ## What it does
    Reports a Responses (`responses.*`) or Conversations (`conversations.*`) call on a client whose
    base URL is DashScope's compatible-mode endpoint. (A client with no DashScope base URL at all is
    reported by QW101, whose fix picks the Responses endpoint for a client that only uses these
    APIs; a client that also calls the compatible-mode APIs is reported by QW103; the module-level
    client's `openai.base_url` is QW105's.) With `responses-endpoint = "compatible-mode"` the
    compatible-mode URL serves Responses too, and this rule has nothing to report.

    ## Why is this bad?
    DashScope serves Responses and Conversations under `/api/v2/apps/protocols/compatible-mode/v1`,
    not under `/compatible-mode/v1`: the call fails with "not found".

    ## Fix safety
    Safe: the fix sets the client's `base_url` to the Responses path on the same DashScope host (a
    workspace domain or region stays as it is), or to the configured `responses-base-url` for a
    configured custom URL; the finding is at the call, the fix at the client.
    """

    code = "QW301"
    name = "responses-endpoint"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = '"Supported APIs"; "Responses API"; "Conversations API" (the different base_url)'
    VALID = [
        RESPONSES_CLIENT + dedent("""\
            client.responses.create(model="qwen3.6-plus", input="Hello")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Hello")
                """),
            at='client.responses.create(model="qwen3.6-plus", input="Hello")',
            message="responses.create() needs DashScope's Responses endpoint, but the client's base_url is the compatible-mode one",
            fixed=DASHSCOPE_CLIENT.replace("compatible-mode/v1", "api/v2/apps/protocols/compatible-mode/v1") + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Hello")
                """),
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.conversations.items.list("conv_123")
                """),
            at='client.conversations.items.list("conv_123")',
            message="conversations.items.list() needs DashScope's Responses endpoint, but the client's base_url is the compatible-mode one",
        ),
    ]

    def applies_to(self, call: CallSite) -> bool:
        return call.api in RESPONSES_APIS

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        for client in call.clients:
            if not isinstance(client, ClientBinding) or not client.constructed_here:
                continue  # the module-level client's base URL is QW105's; an imported client is fixed where it is built
            base_url = client.base_url
            if not isinstance(base_url, str) or not settings.apis_served(base_url):
                continue  # no DashScope endpoint yet: QW101's
            if settings.unserved_apis(base_url, client.apis) & RESPONSES_APIS:
                wanted = settings.base_url_for(client.apis, base_url)
                yield Violation(
                    call.node,
                    f"{call.method}() needs DashScope's Responses endpoint, but the client's base_url is the compatible-mode one",
                    self.fix(f"Set the client's base_url to {wanted}", SetKeyword(client.node, "base_url", Text(wanted))),
                )
                return

from typing import Iterator

from qwen_migrate.config import Settings
from qwen_migrate.dashscope import COMPATIBLE_APIS, RESPONSES_APIS
from qwen_migrate.edits import ReplaceNode, SetKeyword, Text
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.resolver import CallSite, ClientBinding
from qwen_migrate.rules import DASHSCOPE_CLIENT, RESPONSES_CLIENT, CallRule, Invalid


class ResponsesEndpoint(CallRule):
    """
    ## What it does
    Reports a Responses (`responses.*`) or Conversations (`conversations.*`) call on a client whose
    base URL is DashScope's compatible-mode endpoint. (A client with no DashScope base URL at all is
    reported by QW101, whose fix picks the Responses endpoint for a client that only uses these
    APIs; a client that also calls the compatible-mode APIs is reported by QW103.)

    ## Why is this bad?
    DashScope serves Responses and Conversations under `/api/v2/apps/protocols/compatible-mode/v1`,
    not under `/compatible-mode/v1`: the call fails with "not found".

    ## Fix safety
    Safe: the fix sets the client's `base_url` to the Responses endpoint of the configured region
    (or the configured `responses-base-url`); the finding is at the call, the fix at the client.
    """

    code = "QW301"
    name = "responses-endpoint"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = '"Supported APIs"; "Responses API"; "Conversations API" (the different base_url)'
    VALID = [RESPONSES_CLIENT + 'client.responses.create(model="qwen3.6-plus", input="Hello")\n']
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + 'client.responses.create(model="qwen3.6-plus", input="Hello")\n',
            at='client.responses.create(model="qwen3.6-plus", input="Hello")',
            fixed=DASHSCOPE_CLIENT.replace("compatible-mode/v1", "api/v2/apps/protocols/compatible-mode/v1")
            + 'client.responses.create(model="qwen3.6-plus", input="Hello")\n',
        ),
        Invalid(
            DASHSCOPE_CLIENT + 'client.conversations.items.list("conv_123")\n',
            at='client.conversations.items.list("conv_123")',
        ),
    ]

    def applies_to(self, call: CallSite) -> bool:
        return call.api in RESPONSES_APIS

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        for client in call.clients:
            if self._on_compatible_endpoint(client, settings):
                url = Text(settings.responses_url)
                if isinstance(client, ClientBinding):
                    edit = SetKeyword(client.node, "base_url", url)
                else:
                    edit = ReplaceNode(client.setting("base_url").value, url)
                yield Violation(
                    call.node,
                    f"{call.method}() needs DashScope's Responses endpoint, but the client's base_url is the compatible-mode one",
                    self.fix(f"Set the client's base_url to {settings.responses_url}", edit),
                )
                return

    @staticmethod
    def _on_compatible_endpoint(client, settings: Settings) -> bool:
        if isinstance(client, ClientBinding):
            if not client.constructed_here or client.apis & COMPATIBLE_APIS:  # QW103 covers mixed clients
                return False
            base_url = client.arguments.value("base_url")
        else:
            base_url = client.value("base_url")
        return isinstance(base_url, str) and settings.endpoint_kind(base_url) == "compatible"

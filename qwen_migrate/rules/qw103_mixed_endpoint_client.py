from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import ClientBinding, ResolvedModule
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import COMPATIBLE_APIS, RESPONSES_APIS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import Invalid, Rule, addressed_elsewhere


class MixedEndpointClient(Rule):
    """
    ## What it does
    Reports a client used both for Responses or Conversations and for the compatible-mode APIs
    (Chat Completions, Embeddings, Files, Batches); the module-level client (`openai.chat...` and
    `openai.responses...` in one module) at its first call. With `responses-endpoint =
    "compatible-mode"` (the newer Model Studio Responses page) the compatible-mode URL serves both
    groups, and this rule has nothing to report.

    ## Why is this bad?
    On DashScope (as the spec documents it) the two groups live under different base URLs, and a
    client has one: whichever URL it gets, one group of its calls fails.

    ## Fix safety
    There is no fix: build two clients, one per base URL, and use each for its own APIs.
    """

    code = "QW103"
    name = "mixed-endpoint-client"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = '"Supported APIs" (the Responses and Conversations APIs use a different base_url)'
    VALID = [
        dedent("""\
            from openai import OpenAI

            chat = OpenAI()
            agents = OpenAI()
            chat.chat.completions.create(model="qwen3.6-plus", messages=[])
            agents.responses.create(model="qwen3.6-plus", input="hi")
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from openai import OpenAI

                client = OpenAI()
                client.chat.completions.create(model="qwen3.6-plus", messages=[])
                client.responses.create(model="qwen3.6-plus", input="hi")
                """),
            at="OpenAI()",
            message="One client serves chat and responses, which need different DashScope base URLs: use two clients",
        ),
    ]

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        clients = [client for client in module.clients if client.origin is None]  # reported where defined, with every use
        if module.module_client is not None:
            clients.append(module.module_client)
        for client in clients:
            apis = client.apis
            compatible, responses = apis & COMPATIBLE_APIS, apis & RESPONSES_APIS
            if not (compatible and responses) or addressed_elsewhere(client, settings):
                continue
            base_url = client.base_url
            if settings.one_url_serves(apis, base_url if isinstance(base_url, str) else None):
                continue  # responses-endpoint = "compatible-mode"
            node = client.node if isinstance(client, ClientBinding) else client.calls[0].node
            yield Violation(
                node,
                f"One client serves {', '.join(sorted(compatible))} and {', '.join(sorted(responses))}, "
                "which need different DashScope base URLs: use two clients",
            )

from typing import Iterator

from qwen_migrate.config import Settings
from qwen_migrate.dashscope import COMPATIBLE_APIS, RESPONSES_APIS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.resolver import ResolvedModule
from qwen_migrate.rules import Invalid, Rule


class MixedEndpointClient(Rule):
    """
    ## What it does
    Reports a client used both for Responses or Conversations and for the compatible-mode APIs
    (Chat Completions, Embeddings, Files, Batches).

    ## Why is this bad?
    On DashScope the two groups live under different base URLs, and a client has one: whichever URL
    it gets, one group of its calls fails.

    ## Fix safety
    There is no fix: build two clients, one per base URL, and use each for its own APIs.
    """

    code = "QW103"
    name = "mixed-endpoint-client"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = '"Supported APIs" (the Responses and Conversations APIs use a different base_url)'
    VALID = [
        "from openai import OpenAI\n\nchat = OpenAI()\nagents = OpenAI()\n"
        'chat.chat.completions.create(model="qwen3.6-plus", messages=[])\n'
        'agents.responses.create(model="qwen3.6-plus", input="hi")\n'
    ]
    INVALID = [
        Invalid(
            "from openai import OpenAI\n\nclient = OpenAI()\n"
            'client.chat.completions.create(model="qwen3.6-plus", messages=[])\n'
            'client.responses.create(model="qwen3.6-plus", input="hi")\n',
            at="OpenAI()",
        )
    ]

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for client in module.clients:
            if client.origin is not None:  # reported in the module that defines it, with every use
                continue
            compatible, responses = client.apis & COMPATIBLE_APIS, client.apis & RESPONSES_APIS
            if compatible and responses:
                yield Violation(
                    client.node,
                    f"One client serves {', '.join(sorted(compatible))} and {', '.join(sorted(responses))}, "
                    "which need different DashScope base URLs: use two clients",
                )

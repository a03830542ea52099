from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import ResolvedModule
from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import Invalid, Rule, addressed_elsewhere


class OtherProviderEndpoint(Rule):
    """
    ## What it does
    Lists each client whose literal `base_url` belongs neither to OpenAI nor to DashScope: another
    provider (OpenRouter, Together, Perplexity, ...), a proxy, or a local server such as vLLM or
    Ollama; for the module-level client, an `openai.base_url` set that way. No other rule reports
    such a client or its calls.

    ## Why is this bad?
    It is not: the code talks to that provider on purpose, so moving it to DashScope would send its
    requests, and its key, to another service. The finding is there for the inventory of a migration:
    each client the migration leaves where it is.

    ## Fix safety
    There is no fix: nothing rewrites a client that talks to another provider. Configure its URL as
    `base-url` (or `responses-base-url`) when it is a proxy or stand-in for DashScope.
    """

    code = "QW108"
    name = "other-provider-endpoint"
    severity = Severity.INFO
    fix_safety = FixSafety.NONE
    spec = 'Quick migration (base_url names the service the client talks to)'
    VALID = [
        dedent("""\
            import os
            from openai import OpenAI

            client = OpenAI(
                api_key=os.getenv("DASHSCOPE_API_KEY"),
                base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            )
            """),
        dedent("""\
            from openai import OpenAI

            client = OpenAI()
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from openai import OpenAI

                client = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")
                client.chat.completions.create(model="llama3.2", messages=[], tool_choice="required")
                """),
            at='OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")',
            message="OpenAI() talks to http://localhost:11434/v1, not to OpenAI or DashScope: left as it is",
        ),
        Invalid(
            dedent("""\
                import openai

                openai.base_url = "https://openrouter.ai/api/v1/"
                openai.chat.completions.create(model="openai/gpt-4o", messages=[])
                """),
            at='openai.base_url = "https://openrouter.ai/api/v1/"',
            message="openai.base_url is https://openrouter.ai/api/v1/, not OpenAI or DashScope: the module-level client is left as it is",
        ),
    ]

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for client in module.clients:
            if client.constructed_here and addressed_elsewhere(client, settings):
                url = client.base_url
                yield Violation(client.node, f"{client.class_name}() talks to {url}, not to OpenAI or DashScope: left as it is")
        client = module.module_client
        if client is not None and addressed_elsewhere(client, settings):
            url = client.base_url
            yield Violation(client.setting("base_url"), f"openai.base_url is {url}, not OpenAI or DashScope: the module-level client is left as it is")

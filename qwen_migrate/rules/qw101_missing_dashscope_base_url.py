from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import ClientBinding
from qwen_migrate.settings import Settings
from qwen_migrate.edits import SetKeyword, Text
from qwen_migrate.facts.dashscope import COMPATIBLE_APIS, OPENAI
from qwen_migrate.facts.openai_sdk import OPENAI_BASE_URL_VARIABLES
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import ClientRule, Invalid


class MissingDashScopeBaseUrl(ClientRule):
    """
    ## What it does
    Reports an `OpenAI`/`AsyncOpenAI` client that talks to OpenAI: built without `base_url` (or with
    `None`), with OpenAI's URL, or with one read from `OPENAI_BASE_URL`. Also reports a client on a
    DashScope host whose path is not an OpenAI-compatible one, or that is the Responses path while
    the client calls the compatible-mode APIs. A client addressed on purpose to another provider or a
    local server is QW108's, not this rule's.

    ## Why is this bad?
    Without `base_url` the SDK sends every request to `OPENAI_BASE_URL` or `https://api.openai.com/v1`,
    so the migrated code still talks to OpenAI. DashScope serves Chat Completions, Embeddings, Files
    and Batches under `/compatible-mode/v1`, and Responses and Conversations under
    `/api/v2/apps/protocols/compatible-mode/v1` (or, with `responses-endpoint = "compatible-mode"`,
    under `/compatible-mode/v1` too, as the newer Model Studio Responses page documents).

    ## Fix safety
    Safe: a client that talked to OpenAI gets the endpoint of the configured region (or the
    configured custom URL) that matches the APIs it is used for. A client already on a DashScope host
    (a regional host, a workspace-dedicated `{WorkspaceId}.{region}.maas.aliyuncs.com` domain, a
    Token Plan host; Model Studio's "OpenAI-compatible - Chat" page lists them) keeps its host: the fix
    only chooses the path, so no request moves to another region. A `base_url` that is not a literal
    is never reported or changed.
    """

    code = "QW101"
    name = "missing-dashscope-base-url"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Quick migration; "Supported APIs"'
    VALID = [
        dedent("""\
            import os
            from openai import OpenAI

            client = OpenAI(
                api_key=os.getenv("DASHSCOPE_API_KEY"),
                base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            )
            client.chat.completions.create(model="qwen3.6-plus", messages=[])
            """),
        dedent("""\
            import os
            from openai import OpenAI

            client = OpenAI(base_url=os.environ['LLM_BASE_URL'])
            """),
        dedent("""\
            import os
            from openai import OpenAI

            client = OpenAI(
                api_key=os.getenv("DASHSCOPE_API_KEY"),
                base_url="https://ws-1a2b.ap-northeast-1.maas.aliyuncs.com/compatible-mode/v1",
            )
            """),
        dedent("""\
            from openai import OpenAI

            client = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                import os
                from openai import OpenAI

                client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))
                client.chat.completions.create(model="qwen3.6-plus", messages=[])
                """),
            at='OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))',
            message="OpenAI() has no base_url: requests go to OPENAI_BASE_URL or api.openai.com, not DashScope",
            fixed=dedent("""\
                import os
                from openai import OpenAI

                client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
                client.chat.completions.create(model="qwen3.6-plus", messages=[])
                """),
        ),
        Invalid(
            dedent("""\
                from openai import AsyncOpenAI

                client = AsyncOpenAI(base_url="https://api.openai.com/v1")
                """),
            at='AsyncOpenAI(base_url="https://api.openai.com/v1")',
            message="base_url 'https://api.openai.com/v1' is not a DashScope endpoint",
        ),
        Invalid(
            dedent("""\
                import os
                from openai import OpenAI

                client = OpenAI(base_url=os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1"))
                """),
            at='OpenAI(base_url=os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1"))',
            message="base_url is read from OPENAI_BASE_URL, OpenAI's variable: set DashScope's endpoint",
        ),
        Invalid(
            dedent("""\
                import openai

                client = openai.OpenAI(
                    base_url="https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1"
                )
                client.embeddings.create(model="text-embedding-v4", input="hi", encoding_format="float")
                """),
            at=dedent("""\
                openai.OpenAI(
                    base_url="https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1"
                )"""),
            message="base_url is DashScope's Responses endpoint, but this client calls the compatible-mode APIs",
        ),
        Invalid(
            dedent("""\
                import os
                from openai import OpenAI

                client = OpenAI(
                    api_key=os.getenv("DASHSCOPE_API_KEY"),
                    base_url="https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com/api/v1",
                )
                """),
            at=dedent("""\
                OpenAI(
                    api_key=os.getenv("DASHSCOPE_API_KEY"),
                    base_url="https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com/api/v1",
                )"""),
            message="base_url 'https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com/api/v1' is on DashScope's host but not at an OpenAI-compatible path",
            fixed=dedent("""\
                import os
                from openai import OpenAI

                client = OpenAI(
                    api_key=os.getenv("DASHSCOPE_API_KEY"),
                    base_url="https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1",
                )
                """),
        ),
    ]

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        if client.is_azure:  # QW104 turns it into an OpenAI client first
            return
        base_url = client.base_url
        variable = client.arguments.environment_variable("base_url")
        current = base_url if isinstance(base_url, str) else None
        wanted = settings.base_url_for(client.apis, current)
        fix = self.fix(f"Set base_url to {wanted}", SetKeyword(client.node, "base_url", Text(wanted)))
        if base_url is MISSING or base_url is None:
            yield Violation(
                client.node,
                f"{client.class_name}() has no base_url: requests go to OPENAI_BASE_URL or api.openai.com, not DashScope",
                fix,
            )
        elif variable in OPENAI_BASE_URL_VARIABLES:
            yield Violation(client.node, f"base_url is read from {variable}, OpenAI's variable: set DashScope's endpoint", fix)
        elif current is None:  # built at run time: not ours to judge
            return
        elif settings.provider(current) == OPENAI:
            yield Violation(client.node, f"base_url {current!r} is not a DashScope endpoint", fix)
        elif not settings.apis_served(current):
            yield Violation(client.node, f"base_url {current!r} is on DashScope's host but not at an OpenAI-compatible path", fix)
        # A client that also calls Responses keeps its URL where one URL cannot serve both (QW103).
        elif settings.unserved_apis(current, client.apis) & COMPATIBLE_APIS and settings.one_url_serves(client.apis, current):
            yield Violation(
                client.node,
                "base_url is DashScope's Responses endpoint, but this client calls the compatible-mode APIs",
                fix,
            )

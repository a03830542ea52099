from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import ResolvedModule
from qwen_migrate.settings import Settings
from qwen_migrate.edits import InsertAfter, ReplaceNode, Text
from qwen_migrate.facts.dashscope import RESPONSES_APIS
from qwen_migrate.facts.openai_sdk import OPENAI_KEY_VARIABLE
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid, Rule, addressed_elsewhere, read_environment


class ModuleLevelClient(Rule):
    """
    ## What it does
    Reports use of the SDK's module-level client (`openai.chat.completions.create(...)`) while
    `openai.base_url` or `openai.api_key` is not set (or the key is read from `OPENAI_API_KEY`), an
    `openai.base_url` assignment to a URL that is not the DashScope endpoint the module's calls
    need, and one without the final slash that the module-level client needs.

    ## Why is this bad?
    The module-level client is configured from `OPENAI_BASE_URL` and `OPENAI_API_KEY` unless the
    module sets `openai.base_url` and `openai.api_key`: left alone, its requests go to OpenAI.
    Unlike `OpenAI(base_url=...)`, it joins paths to `openai.base_url` as written, so the URL must
    end with a slash.

    This rule alone judges the module-level client's `openai.base_url`: the endpoint it needs is the
    one for the APIs the module calls through it (compatible-mode, or Responses when it only calls
    Responses and Conversations; QW103 reports a module that calls both).

    ## Fix safety
    Safe: the fix sets `openai.base_url` to the configured endpoint for those APIs (keeping the host
    when it is already a DashScope host) and `openai.api_key` from `DASHSCOPE_API_KEY` (or the
    configured variable) once, after the import. A module-level client configured for another
    provider is QW108's and left alone.
    """

    code = "QW105"
    name = "module-level-client"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = "Quick migration (base_url and api_key)"
    VALID = [
        dedent("""\
            import os
            import openai

            openai.base_url = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/"
            openai.api_key = os.getenv("DASHSCOPE_API_KEY")
            openai.chat.completions.create(model="qwen3.6-plus", messages=[])
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                import openai

                openai.chat.completions.create(model="qwen3.6-plus", messages=[])
                """),
            at='openai.chat.completions.create(model="qwen3.6-plus", messages=[])',
            message="The module-level client is used without openai.base_url and openai.api_key set for DashScope: it calls OpenAI",
            fixed=dedent("""\
                import openai
                import os

                openai.base_url = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/"
                openai.api_key = os.getenv("DASHSCOPE_API_KEY")

                openai.chat.completions.create(model="qwen3.6-plus", messages=[])
                """),
        ),
        Invalid(
            dedent("""\
                import os
                import openai

                openai.base_url = "https://api.openai.com/v1/"
                openai.api_key = os.environ["OPENAI_API_KEY"]
                """),
            at=('openai.base_url = "https://api.openai.com/v1/"', 'openai.api_key = os.environ["OPENAI_API_KEY"]'),
            message=("openai.base_url 'https://api.openai.com/v1/' is not DashScope's compatible-mode endpoint", "openai.api_key is read from OPENAI_API_KEY; DashScope keys live in DASHSCOPE_API_KEY"),
            fixed=dedent("""\
                import os
                import openai

                openai.base_url = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/"
                openai.api_key = os.environ["DASHSCOPE_API_KEY"]
                """),
        ),
        Invalid(
            dedent("""\
                import os
                import openai

                openai.base_url = "https://dashscope.aliyuncs.com/compatible-mode/v1"
                openai.api_key = os.getenv("DASHSCOPE_API_KEY")
                """),
            at='openai.base_url = "https://dashscope.aliyuncs.com/compatible-mode/v1"',
            message="openai.base_url lacks its final slash: the module-level client would call .../v1chat/completions",
            fixed=dedent("""\
                import os
                import openai

                openai.base_url = "https://dashscope.aliyuncs.com/compatible-mode/v1/"
                openai.api_key = os.getenv("DASHSCOPE_API_KEY")
                """),
        ),
    ]

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        client = module.module_client
        if client is None or addressed_elsewhere(client, settings):
            return
        first_call = client.calls[0].node if client.calls else None
        unset, inserted, imports = [], [], []  # settings to add after the import, and the imports they need
        base_url = client.base_url
        current = base_url if isinstance(base_url, str) else None
        # The module-level client joins paths to openai.base_url as it is: without a final slash,
        # requests go to ".../v1chat/completions". (OpenAI(base_url=...) adds the slash itself.)
        url = settings.base_url_for(client.apis, current).rstrip("/") + "/"
        if current is not None and (not settings.apis_served(current) or settings.unserved_apis(current, client.apis)):
            assignment = client.setting("base_url")
            endpoint = "Responses" if client.apis and client.apis <= RESPONSES_APIS else "compatible-mode"
            yield Violation(
                assignment,
                f"openai.base_url {current!r} is not DashScope's {endpoint} endpoint",
                self.fix(f"Set openai.base_url to {url}", ReplaceNode(assignment.value, Text(url))),
            )
        elif current is not None and not current.endswith("/"):
            assignment = client.setting("base_url")
            yield Violation(
                assignment,
                "openai.base_url lacks its final slash: the module-level client would call .../v1chat/completions",
                self.fix("Add the final slash", ReplaceNode(assignment.value, Text(current + "/"))),
            )
        elif base_url is MISSING:
            unset.append("openai.base_url")
            inserted.append(f'{client.name}.base_url = "{url}"')
        if client.environment_variable("api_key") == OPENAI_KEY_VARIABLE:
            yield Violation(
                client.setting("api_key"),
                f"openai.api_key is read from {OPENAI_KEY_VARIABLE}; DashScope keys live in {settings.api_key_env}",
                self.fix(
                    f"Read openai.api_key from {settings.api_key_env}",
                    ReplaceNode(client.environment_literal("api_key"), Text(settings.api_key_env)),
                ),
            )
        elif client.value("api_key") is MISSING:
            unset.append("openai.api_key")
            read = read_environment(settings.api_key_env, client)
            if read is not None:
                inserted.append(f"{client.name}.api_key = {read.code}")
            imports.append(read.needs if read else None)  # None: no name reaches os, so no fix
        if unset and first_call is not None:
            edits = [InsertAfter(client.import_node, tuple(inserted)), *imports] if client.import_node else []
            yield Violation(
                first_call,
                f"The module-level client is used without {' and '.join(unset)} set for DashScope: it calls OpenAI",
                self.fix(f"Set {' and '.join(unset)} for DashScope after the import", *edits),
            )

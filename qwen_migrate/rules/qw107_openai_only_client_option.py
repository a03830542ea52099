from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import ClientBinding
from qwen_migrate.settings import Settings
from qwen_migrate.edits import RemoveKeyword
from qwen_migrate.facts.openai_sdk import CONFLICTING_CLIENT_OPTIONS, NON_KEY_CREDENTIALS, OPENAI_ONLY_CLIENT_OPTIONS
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.rules import ClientRule, Invalid


class OpenAIOnlyClientOption(ClientRule):
    """
    ## What it does
    Reports client options that only mean something to OpenAI: `organization`, `project`,
    `webhook_secret` and `websocket_base_url` (warning); and, as errors, `data_residency` and
    `provider`, which send requests to OpenAI's regional hosts or another provider instead of
    `base_url`, and `workload_identity`, which exchanges an identity token with OpenAI instead of
    sending an API key.

    ## Why is this bad?
    DashScope has no organizations, projects, OpenAI webhooks or realtime websockets: the first four
    options do nothing but mislead. The others conflict with a DashScope `base_url` and key.

    ## Fix safety
    Unsafe for the first four (removing them may break code that reads them back from the client).
    Safe for `data_residency` when the client's `base_url` is not DashScope's yet, as the base-URL
    fix replaces what it chose; unsafe otherwise, and always for `provider` and `workload_identity`,
    whose removal changes how the client authenticates.
    """

    code = "QW107"
    name = "openai-only-client-option"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    spec = "Quick migration (only base_url, api_key and model carry over)"
    VALID = [
        dedent("""\
            import os
            from openai import OpenAI

            client = OpenAI(
                api_key=os.getenv("DASHSCOPE_API_KEY"),
                base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                max_retries=5,
            )
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from openai import OpenAI

                client = OpenAI(organization="org-123", data_residency="eu")
                """),
            at=('organization="org-123"', 'data_residency="eu"'),
            message=("organization has no meaning on DashScope", "data_residency routes requests to OpenAI's regional hosts, overriding base_url"),
            fixed=dedent("""\
                from openai import OpenAI

                client = OpenAI()
                """),
        ),
    ]

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        base_url = client.base_url
        base_url_is_dashscope = isinstance(base_url, str) and bool(settings.apis_served(base_url))
        for name in client.arguments.names():
            if client.arguments.value(name) is None:  # an explicit None is the default
                continue
            arg = client.arguments.where(name)
            if name in OPENAI_ONLY_CLIENT_OPTIONS:
                yield Violation(arg, f"{name} has no meaning on DashScope", self.fix(f"Remove {name}", RemoveKeyword(client.node, name)))
            elif name in CONFLICTING_CLIENT_OPTIONS:
                safe = name not in NON_KEY_CREDENTIALS and not base_url_is_dashscope
                yield Violation(
                    arg,
                    f"{name} {CONFLICTING_CLIENT_OPTIONS[name]}",
                    Fix(FixSafety.SAFE if safe else FixSafety.UNSAFE, f"Remove {name}", (RemoveKeyword(client.node, name),)),
                    Severity.ERROR,
                )

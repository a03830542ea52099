from typing import Iterator

from qwen_migrate.config import Settings
from qwen_migrate.dashscope import CONFLICTING_CLIENT_OPTIONS, OPENAI_ONLY_CLIENT_OPTIONS
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.resolver import ClientBinding
from qwen_migrate.rules import ClientRule, Invalid


class OpenAIOnlyClientOption(ClientRule):
    """
    ## What it does
    Reports client options that only mean something to OpenAI: `organization`, `project`,
    `webhook_secret` and `websocket_base_url` (warning), and `data_residency` and `provider`, which
    send requests to OpenAI's own regional or provider hosts instead of `base_url` (error).

    ## Why is this bad?
    DashScope has no organizations, projects, OpenAI webhooks or realtime websockets: the first four
    options do nothing but mislead. The last two conflict with a DashScope `base_url`.

    ## Fix safety
    Unsafe for the first four (removing them may break code that reads them back from the client).
    Safe for `data_residency` and `provider` when the client's `base_url` is not DashScope's yet, as
    the base-URL fix replaces what they chose; unsafe otherwise.
    """

    code = "QW107"
    name = "openai-only-client-option"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    spec = "Quick migration (only base_url, api_key and model carry over)"
    VALID = [
        'import os\nfrom openai import OpenAI\n\nclient = OpenAI(\n    api_key=os.getenv("DASHSCOPE_API_KEY"),\n'
        '    base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",\n    max_retries=5,\n)\n'
    ]
    INVALID = [
        Invalid(
            'from openai import OpenAI\n\nclient = OpenAI(organization="org-123", data_residency="eu")\n',
            at=('organization="org-123"', 'data_residency="eu"'),
        )
    ]

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        base_url = client.arguments.value("base_url")
        base_url_is_dashscope = isinstance(base_url, str) and settings.endpoint_kind(base_url) is not None
        for name in client.arguments.names():
            arg = client.arguments.where(name)
            if name in OPENAI_ONLY_CLIENT_OPTIONS:
                yield Violation(arg, f"{name} has no meaning on DashScope", self.fix(f"Remove {name}"))
            elif name in CONFLICTING_CLIENT_OPTIONS:
                safety = FixSafety.UNSAFE if base_url_is_dashscope else FixSafety.SAFE
                yield Violation(
                    arg,
                    f"{name} routes requests to OpenAI's own hosts, overriding a DashScope base_url",
                    Fix(safety, f"Remove {name}"),
                    Severity.ERROR,
                )

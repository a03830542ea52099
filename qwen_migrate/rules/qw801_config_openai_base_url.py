import re
from textwrap import dedent
from typing import Optional

from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity
from qwen_migrate.rules import ConfigRule, Invalid

BASE_URL_KEYS = re.compile(r"^(openai_base_url|openai_api_base|base_url|api_base|endpoint|api_endpoint|openai_endpoint)$", re.IGNORECASE)


class ConfigOpenAIBaseUrl(ConfigRule):
    """
    ## What it does
    Reports `OPENAI_BASE_URL`, `OPENAI_API_BASE` or a `base_url`-like key (`base_url`, `api_base`,
    `endpoint`) set to a URL that is not a DashScope endpoint, in `.env*` files and YAML, TOML or
    JSON configuration.

    ## Why is this bad?
    The SDK reads `OPENAI_BASE_URL` when code gives no `base_url`, and applications pass configured
    endpoints on to the client: a migrated code base that still reads this setting calls OpenAI.

    ## Fix safety
    There is no fix: a configuration value belongs to its owner (and to each environment); set the
    DashScope endpoint of your region there.
    """

    code = "QW801"
    name = "config-openai-base-url"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = '"Supported APIs" (the base URLs)'
    example_language = "dotenv"
    VALID = [
        dedent("""\
            DASHSCOPE_API_KEY=sk-xxx
            OPENAI_BASE_URL=https://dashscope-intl.aliyuncs.com/compatible-mode/v1
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                DASHSCOPE_API_KEY=sk-xxx
                OPENAI_BASE_URL=https://api.openai.com/v1
                """),
            at="OPENAI_BASE_URL=https://api.openai.com/v1",
            message="OPENAI_BASE_URL points at https://api.openai.com/v1, not at DashScope",
        ),
    ]

    @classmethod
    def check_pair(cls, pair, keys: set[str], settings: Settings) -> Optional[str]:
        if BASE_URL_KEYS.match(pair.key) and pair.value.startswith(("http://", "https://")) and not settings.apis_served(pair.value):
            return f"{pair.key} points at {pair.value}, not at DashScope"
        return None

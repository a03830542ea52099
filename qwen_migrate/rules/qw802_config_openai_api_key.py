from textwrap import dedent
from typing import Optional

from qwen_migrate.settings import Settings
from qwen_migrate.facts.openai_sdk import OPENAI_KEY_VARIABLE
from qwen_migrate.finding import FixSafety, Severity
from qwen_migrate.rules import ConfigRule, Invalid


class ConfigOpenAIApiKey(ConfigRule):
    """
    ## What it does
    Reports `OPENAI_API_KEY` defined in a configuration file where `DASHSCOPE_API_KEY` (or the
    configured `api-key-env`) is not. The value is never printed.

    ## Why is this bad?
    Migrated code reads the DashScope key from `DASHSCOPE_API_KEY`; an environment that still only
    defines OpenAI's key leaves the client without a valid key.

    ## Fix safety
    There is no fix: add `DASHSCOPE_API_KEY` with a DashScope key, and remove the OpenAI key when
    nothing needs it any more.
    """

    code = "QW802"
    name = "config-openai-api-key"
    severity = Severity.WARNING
    fix_safety = FixSafety.NONE
    spec = "Quick migration (api_key from DASHSCOPE_API_KEY)"
    example_language = "dotenv"
    VALID = [
        dedent("""\
            DASHSCOPE_API_KEY=sk-xxx
            OPENAI_API_KEY=sk-yyy
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                OPENAI_API_KEY=sk-yyy
                """),
            at="OPENAI_API_KEY=sk-yyy",
            message="OPENAI_API_KEY is defined here (value not shown) but DASHSCOPE_API_KEY is not",
        ),
    ]

    @classmethod
    def check_pair(cls, pair, keys: set[str], settings: Settings) -> Optional[str]:
        if pair.key == OPENAI_KEY_VARIABLE and settings.api_key_env not in keys:
            return f"{OPENAI_KEY_VARIABLE} is defined here (value not shown) but {settings.api_key_env} is not"
        return None

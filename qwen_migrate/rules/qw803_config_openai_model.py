import re
from textwrap import dedent
from typing import Optional

from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import map_model
from qwen_migrate.facts.openai_sdk import is_openai_model
from qwen_migrate.finding import FixSafety, Severity
from qwen_migrate.rules import ConfigRule, Invalid

MODEL_KEYS = re.compile(r"(^|[_.-])model(_name)?$", re.IGNORECASE)


class ConfigOpenAIModel(ConfigRule):
    """
    ## What it does
    Reports a `model`-like key (`model`, `chat_model`, `OPENAI_MODEL`, `embedding.model`) holding an
    OpenAI model name that the model map knows, in `.env*` files and YAML, TOML or JSON
    configuration.

    ## Why is this bad?
    Model names kept in configuration reach `model=` at run time, where no static check of the code
    sees them: DashScope answers "model not found".

    ## Fix safety
    There is no fix: set the Qwen model the message names (the model map's choice) in the
    configuration.
    """

    code = "QW803"
    name = "config-openai-model"
    severity = Severity.WARNING
    fix_safety = FixSafety.NONE
    spec = 'Quick migration (change model); Model Studio docs, "Models"'
    example_language = "dotenv"
    VALID = [
        dedent("""\
            CHAT_MODEL=qwen3.6-plus
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                CHAT_MODEL=gpt-4o
                """),
            at="CHAT_MODEL=gpt-4o",
            message="CHAT_MODEL is the OpenAI model 'gpt-4o' (use 'qwen3.6-plus')",
        ),
    ]

    @classmethod
    def check_pair(cls, pair, keys: set[str], settings: Settings) -> Optional[str]:
        if MODEL_KEYS.search(pair.key) and is_openai_model(pair.value):
            replacement = map_model(pair.value, settings.models)
            if replacement is not None:
                return f"{pair.key} is the OpenAI model {pair.value!r} (use {replacement!r})"
        return None

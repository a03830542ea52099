from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import ResolvedModule
from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import Invalid, Rule


class LegacyV0Api(Rule):
    """
    ## What it does
    Reports calls and settings of the pre-1.0 OpenAI SDK: `openai.ChatCompletion.create(...)`,
    `openai.Completion`, `openai.Embedding`, `openai.api_base = ...` and the like.

    ## Why is this bad?
    The 1.x SDK raises `APIRemovedInV1` on these objects, and DashScope's compatible mode is
    documented for the v1 client (`OpenAI(base_url=..., api_key=...)`). There is nothing to point at
    DashScope until the code is on v1.

    ## Fix safety
    There is no fix here: migrate to the v1 SDK first (`openai migrate` does it), then run
    `qwen-migrate` again.
    """

    code = "QW106"
    name = "legacy-v0-api"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = "Quick migration (the v1 `OpenAI` client)"
    VALID = [
        dedent("""\
            from openai import OpenAI

            client = OpenAI()
            client.chat.completions.create(model="qwen3.6-plus", messages=[])
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                import openai

                openai.api_base = "https://api.openai.com/v1"
                openai.ChatCompletion.create(model="gpt-4", messages=[])
                """),
            at=('openai.api_base = "https://api.openai.com/v1"', 'openai.ChatCompletion.create(model="gpt-4", messages=[])'),
            message=("openai.api_base is the pre-1.0 SDK API: migrate to the v1 client first", "openai.ChatCompletion.create is the pre-1.0 SDK API: migrate to the v1 client first"),
        ),
    ]

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for use in module.legacy:
            yield Violation(use.node, f"openai.{use.symbol} is the pre-1.0 SDK API: migrate to the v1 client first")

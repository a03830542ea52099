from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import SUPPORTED_APIS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class UnsupportedApi(CallRule):
    """
    ## What it does
    Reports calls of client APIs outside the six that DashScope's compatible mode offers (Chat
    Completions, Responses, Embeddings, Files, Batches, Conversations): images, audio, moderations,
    models, the legacy completions endpoint, assistants and threads, vector stores, realtime, evals,
    uploads, containers, videos and others. Fine-tuning has its own code, QW701.

    ## Why is this bad?
    These endpoints do not exist on DashScope's compatible mode: the calls fail.

    ## Fix safety
    There is no fix: use Model Studio's own APIs for these features, or keep them on another
    provider.
    """

    code = "QW702"
    name = "unsupported-api"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = '"Supported APIs"'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.batches.list(limit=10)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.images.generate(model="dall-e-3", prompt="a lighthouse")
                """),
            at='client.images.generate(model="dall-e-3", prompt="a lighthouse")',
            message="images.generate(): the images API is not offered by DashScope's compatible mode",
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.beta.assistants.create(model="gpt-4o")
                """),
            at='client.beta.assistants.create(model="gpt-4o")',
            message="beta.assistants.create(): the beta.assistants API is not offered by DashScope's compatible mode",
        ),
    ]

    def applies_to(self, call: CallSite) -> bool:
        return call.api not in SUPPORTED_APIS and call.api != "fine_tuning"

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        yield Violation(call.node, f"{call.method}(): the {call.api} API is not offered by DashScope's compatible mode")

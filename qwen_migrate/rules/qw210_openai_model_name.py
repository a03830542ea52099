from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite, ClientBinding
from qwen_migrate.settings import Settings
from qwen_migrate.edits import ReplaceNode, Text
from qwen_migrate.facts.dashscope import is_qwen_model, map_model
from qwen_migrate.facts.openai_sdk import CHAT_METHODS, RESPONSES_METHODS, is_openai_model
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, RESPONSES_CLIENT, CallRule, Invalid, models_the_batch_runs_instead


class OpenAIModelName(CallRule):
    """
    ## What it does
    Reports a literal OpenAI model name (`gpt-4o`, `o3-mini`, `text-embedding-3-small`, dated
    snapshots included) passed as `model` to a chat, embedding or Responses call, or in a batch
    request body, and an Azure client's deployment name used as `model`.

    ## Why is this bad?
    DashScope serves Qwen models: a request for an OpenAI model fails with "model not found". On an
    Azure client, `model` names a deployment (the SDK puts it in the URL, `openai/lib/azure.py`), so
    any name but a Qwen model's (Model Studio "Models": `qwen*`, `qwq*`, `qvq*`, `text-embedding-v*`)
    means nothing to DashScope once QW104 has made the client an `OpenAI` one.

    In a batch request body, the suggestion is a model the Batch API runs: in the Singapore region
    (`intl`) that is `qwen-max` or `qwen-plus`, and no embedding model (Model Studio docs, "OpenAI
    compatible - Batch", https://www.alibabacloud.com/help/doc-detail/2842025.html), so a mapped
    model outside that list is not suggested; the message names the models the Batch API runs.

    ## Fix safety
    Safe when the model map knows the name: the fix replaces it with the mapped Qwen model (the
    defaults, plus the `models` table of the configuration). Names the map lacks are reported without
    a fix; add them to `models` to have them fixed (deployment names too: `"feedback-summarizer" =
    "qwen3.6-flash"`).
    """

    code = "QW210"
    name = "openai-model-name"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Quick migration (change model); Model Studio docs, "Models"'
    methods = CHAT_METHODS | {"embeddings.create"} | RESPONSES_METHODS
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages)
            """),
        DASHSCOPE_CLIENT + dedent("""\
            client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="gpt-4o-2024-08-06", messages=messages)
                """),
            at='model="gpt-4o-2024-08-06"',
            message="'gpt-4o-2024-08-06' is an OpenAI model, not served by DashScope (use 'qwen3.6-plus')",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages)
                """),
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(model="text-embedding-3-small", input=texts, encoding_format="float")
                """),
            at='model="text-embedding-3-small"',
            message="'text-embedding-3-small' is an OpenAI model, not served by DashScope (use 'text-embedding-v4')",
        ),
        Invalid(
            RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="gpt-4.1", input="Plan the trip")
                """),
            at='model="gpt-4.1"',
            message="'gpt-4.1' is an OpenAI model, not served by DashScope (use 'qwen3.6-plus')",
            fixed=RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input="Plan the trip")
                """),
        ),
        Invalid(
            dedent("""\
                from openai import AzureOpenAI

                client = AzureOpenAI(azure_endpoint="https://acme.openai.azure.com", api_version="2024-06-01")
                client.chat.completions.create(model="support-bot-prod", messages=messages)
                """),
            at='model="support-bot-prod"',
            message="'support-bot-prod' is an Azure deployment name, not served by DashScope; add it to the models map to have it replaced",
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                MODEL = "gpt-4o"
                client.chat.completions.create(model=MODEL, messages=messages)
                """),
            at='"gpt-4o"',
            message="'gpt-4o' is an OpenAI model, not served by DashScope (use 'qwen3.6-plus')",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                MODEL = "qwen3.6-plus"
                client.chat.completions.create(model=MODEL, messages=messages)
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        if call.framework is not None:  # a framework's model string: QW903 writes it in the framework's form
            return
        model = call.arguments.value("model")
        if not isinstance(model, str):
            return
        if is_openai_model(model):
            what = "an OpenAI model"
        elif _on_azure(call) and not is_qwen_model(model):
            what = "an Azure deployment name"
        else:
            return
        replacement = map_model(model, settings.models)
        batch_runs = models_the_batch_runs_instead(call, settings, replacement)
        if batch_runs:
            yield Violation(call.arguments.where("model"), f"{model!r} is {what}, not served by DashScope ({batch_runs})")
            return
        fix = self.fix(f"Replace with {replacement!r}", ReplaceNode(call.arguments.expression("model"), Text(replacement))) if replacement else None
        hint = f" (use {replacement!r})" if replacement else "; add it to the models map to have it replaced"
        yield Violation(call.arguments.where("model"), f"{model!r} is {what}, not served by DashScope{hint}", fix)


def _on_azure(call: CallSite) -> bool:
    """Made on Azure clients only: its `model` names a deployment, whatever it looks like."""
    return bool(call.clients) and all(isinstance(client, ClientBinding) and client.is_azure for client in call.clients)

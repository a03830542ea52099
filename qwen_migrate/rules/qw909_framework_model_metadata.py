from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import SetKeyword
from qwen_migrate.facts.dashscope import is_qwen_model, map_model
from qwen_migrate.facts.frameworks import CHAT, autogen
from qwen_migrate.facts.openai_sdk import is_openai_model
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import FrameworkRule
from qwen_migrate.settings import Settings

_AUTOGEN_DASHSCOPE = """\
import os
from autogen_ext.models.openai import OpenAIChatCompletionClient

client = OpenAIChatCompletionClient(
    model="qwen3.6-plus",
    base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    api_key=os.getenv("DASHSCOPE_API_KEY"),{}
)
"""


class FrameworkModelMetadata(FrameworkRule):
    """
    ## What it does
    Reports a framework object that needs metadata about its model which only OpenAI's models
    come with: AutoGen `OpenAIChatCompletionClient` with a Qwen model (or an OpenAI model that
    QW903 replaces with one) and no `model_info`.

    ## Why is this bad?
    AutoGen looks the model up in its table of OpenAI models when it is given no `model_info`,
    and raises `ValueError: model_info is required when model name is not a valid OpenAI model`
    for any other (autogen-ext==0.7.5 `autogen_ext/models/openai/_openai_client.py:446-450`,
    `_model_info.py:520-521`): the client cannot be built.

    ## Fix safety
    Unsafe: AutoGen gets `model_info={"vision": False, "function_calling": True, "json_output":
    True, "structured_output": False, "family": "unknown"}`, a guess at what the model can do
    (set `vision` for a Qwen-VL model). `structured_output` is always written: without it
    `create(json_output=<class>)` raises `KeyError: 'structured_output'` (`_openai_client.py:549`),
    and False because DashScope refuses the json_schema it would send.
    """

    code = "QW909"
    name = "framework-model-metadata"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = "frameworks.md"
    kinds = frozenset({CHAT})
    VALID = [_AUTOGEN_DASHSCOPE.format("\n    model_info=" + autogen.QWEN_MODEL_INFO + ",")]
    INVALID = [
        Invalid(
            _AUTOGEN_DASHSCOPE.format(""),
            at=_AUTOGEN_DASHSCOPE.format("").partition("client = ")[2].rstrip("\n"),
            message="OpenAIChatCompletionClient knows no model 'qwen3.6-plus': without model_info it raises ValueError",
            fixed=_AUTOGEN_DASHSCOPE.format("\n    model_info=" + autogen.QWEN_MODEL_INFO + ","),
        ),
        Invalid(
            dedent("""\
                from autogen_ext.models.openai import OpenAIChatCompletionClient

                client = OpenAIChatCompletionClient(model="gpt-4o", model_info=None)
                """),
            at='OpenAIChatCompletionClient(model="gpt-4o", model_info=None)',
            message="OpenAIChatCompletionClient knows no model 'qwen3.6-plus' (QW903 replaces 'gpt-4o' with it): without model_info it raises ValueError",
            fixed=dedent("""\
                from autogen_ext.models.openai import OpenAIChatCompletionClient

                client = OpenAIChatCompletionClient(model="gpt-4o", model_info=%s)
                """) % autogen.QWEN_MODEL_INFO,
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry.framework == "autogen":
            yield from self._autogen(framework, settings)

    def _autogen(self, framework: FrameworkObject, settings: Settings) -> Iterator[Violation]:
        model = framework.model
        if not isinstance(model, str):
            return
        _, info = framework.parameter(autogen.MODEL_INFO)
        if info is not MISSING and info is not None:
            return
        replacement = map_model(model, settings.models) if is_openai_model(model) else None
        if replacement is not None:
            shown = f"{replacement!r} (QW903 replaces {model!r} with it)"
        elif is_qwen_model(model):
            shown = repr(model)
        else:
            return
        name = autogen.MODEL_INFO[0]
        yield Violation(
            framework.node,
            f"{framework.entry.name} knows no model {shown}: without {name} it raises ValueError",
            self.fix(f"Add {name} for a Qwen model", SetKeyword(framework.node, name, autogen.QWEN_MODEL_INFO)),
        )

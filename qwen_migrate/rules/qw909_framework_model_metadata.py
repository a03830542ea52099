from textwrap import dedent
from typing import Iterator

import libcst as cst

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import AddImport, RemoveUnusedImport, ReplaceNode, SetKeyword
from qwen_migrate.facts.dashscope import is_qwen_model, map_model
from qwen_migrate.facts.frameworks import CHAT, autogen, llamaindex
from qwen_migrate.facts.openai_sdk import is_openai_model
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LLAMAINDEX_DASHSCOPE, FrameworkRule
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
    Reports a framework object that takes its model's metadata from OpenAI's model table, which
    knows no Qwen model: LlamaIndex `OpenAI(...)` (`llama_index.llms.openai`), whatever its model,
    and LlamaIndex `OpenAILike(...)` without `is_chat_model=True`; AutoGen
    `OpenAIChatCompletionClient` with a Qwen model (or an OpenAI model that QW903 replaces with
    one) and no `model_info`.

    ## Why is this bad?
    LlamaIndex's `OpenAI` builds, but its `metadata` (which the query engines, chat engines and
    agents read) raises `ValueError: Unknown model 'qwen3.6-plus'` for any model not in OpenAI's
    table (llama-index-llms-openai==0.8.3 `llama_index/llms/openai/base.py:384-386`,
    `llama_index/llms/openai/utils.py:365,394-398`). An OpenAI model name is no way out: QW903
    maps it to a Qwen one, as DashScope serves no other. `OpenAILike` takes the metadata from its
    own fields instead, and with `is_chat_model` left at False it sends every request to
    `/completions` rather than `/chat/completions` (llama-index-llms-openai-like==0.8.1
    `llama_index/llms/openai_like/base.py:100-107,137-144,181-232`). LlamaIndex pins `openai<3`,
    so the project's tests cannot install it: these facts are checked against the sources, not by
    the drift test or a program run.

    AutoGen looks the model up in its table of OpenAI models when it is given no `model_info`,
    and raises `ValueError: model_info is required when model name is not a valid OpenAI model`
    for any other (autogen-ext==0.7.5 `autogen_ext/models/openai/_openai_client.py:446-450`,
    `_model_info.py:520-521`): the client cannot be built.

    ## Fix safety
    Unsafe: `OpenAI(...)` becomes `OpenAILike(..., is_chat_model=True,
    is_function_calling_model=True)` (as OpenAI's table says of its chat models), imported from
    `llama_index.llms.openai_like`: the package `llama-index-llms-openai-like` must be installed.
    OpenAILike's `context_window` defaults to 3900 tokens, which LlamaIndex uses to cut the
    context it sends: set the model's real window. A model without tool calling needs
    `is_function_calling_model=False`. An `OpenAILike` without `is_chat_model=True` gets it.

    An AutoGen client gets `model_info={"vision": False, "function_calling": True, "json_output":
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
    VALID = [
        LLAMAINDEX_DASHSCOPE,
        _AUTOGEN_DASHSCOPE.format("\n    model_info=" + autogen.QWEN_MODEL_INFO + ","),
        dedent("""\
            from llama_index.llms.dashscope import DashScope

            llm = DashScope(model_name="qwen-max")
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                import os
                from llama_index.llms.openai import OpenAI

                llm = OpenAI(
                    model="qwen3.6-plus",
                    api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                    api_key=os.getenv("DASHSCOPE_API_KEY"),
                )
                """),
            at='OpenAI(\n    model="qwen3.6-plus",\n    api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",\n    api_key=os.getenv("DASHSCOPE_API_KEY"),\n)',
            message="LlamaIndex's OpenAI takes its metadata from OpenAI's model table: a Qwen model raises \"Unknown model\" (use OpenAILike)",
            fixed=LLAMAINDEX_DASHSCOPE,
        ),
        Invalid(
            dedent("""\
                import os
                from llama_index.llms.openai_like import OpenAILike

                llm = OpenAILike(model="qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.getenv("DASHSCOPE_API_KEY"))
                """),
            at='OpenAILike(model="qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.getenv("DASHSCOPE_API_KEY"))',
            message="OpenAILike without is_chat_model=True sends /completions requests, not Chat Completions",
            fixed=dedent("""\
                import os
                from llama_index.llms.openai_like import OpenAILike

                llm = OpenAILike(model="qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.getenv("DASHSCOPE_API_KEY"), is_chat_model=True)
                """),
        ),
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
        if framework.entry.framework == "llamaindex":
            yield from self._llamaindex(framework)
        elif framework.entry.framework == "autogen":
            yield from self._autogen(framework, settings)

    def _llamaindex(self, framework: FrameworkObject) -> Iterator[Violation]:
        arguments = framework.arguments
        if framework.entry is llamaindex.OPENAI_LIKE:
            name = llamaindex.CHAT_MODEL_FLAG
            if arguments.value(name) is not True:
                yield Violation(
                    framework.node,
                    f"OpenAILike without {name}=True sends /completions requests, not Chat Completions",
                    self.fix(f"Set {name}=True", SetKeyword(framework.node, name, "True")),
                )
            return
        if framework.entry is not llamaindex.OPENAI:
            return
        module_name, class_name = llamaindex.OPENAI_LIKE_IMPORT
        fix = None
        # the new name must mean OpenAILike where the object is built, not something else's
        if framework.means(class_name, f"{module_name}.{class_name}"):
            callee = framework.node.func
            edits = [ReplaceNode(callee, class_name), AddImport(module_name, class_name)]
            edits += [SetKeyword(framework.node, name, "True") for name in llamaindex.OPENAI_LIKE_FLAGS if arguments.value(name) is not True]
            if isinstance(callee, cst.Name):  # the import of OpenAI goes when nothing else uses it
                for imported in framework.entry.imports:
                    module, _, name = imported.rpartition(".")
                    edits.append(RemoveUnusedImport(module, name, None if callee.value == name else callee.value))
            fix = self.fix(f"Use {class_name}", *edits)
        yield Violation(
            framework.node,
            f"LlamaIndex's OpenAI takes its metadata from OpenAI's model table: a Qwen model raises \"Unknown model\" (use {class_name})",
            fix,
        )

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

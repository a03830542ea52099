"""What the QW9 rules share: which framework objects they judge, and an example client."""
from __future__ import annotations

from typing import ClassVar, Iterator, Optional

import libcst as cst

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import AddImport, Edit, InsertAfter
from qwen_migrate.facts.frameworks import OPTIONS, Entry, instructor
from qwen_migrate.finding import Violation
from qwen_migrate.rules import Rule, addressed_elsewhere
from qwen_migrate.settings import Settings

# A DashScope client for the examples of every framework: a LangChain chat model already migrated.
LANGCHAIN_DASHSCOPE = """\
import os
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(
    model="qwen3.6-plus",
    base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    api_key=os.getenv("DASHSCOPE_API_KEY"),
)
"""
# A LlamaIndex LLM on DashScope, for the LlamaIndex examples.
LLAMAINDEX_DASHSCOPE = """\
import os
from llama_index.llms.openai_like import OpenAILike

llm = OpenAILike(
    model="qwen3.6-plus",
    api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    api_key=os.getenv("DASHSCOPE_API_KEY"),
    is_chat_model=True,
    is_function_calling_model=True,
)
"""


class FrameworkRule(Rule):
    """A rule about framework objects (QW9): those that may talk to OpenAI or DashScope."""

    kinds: ClassVar[frozenset[str]]  # the entry kinds it judges
    # it judges the calls of the objects' methods, which may be built in another module of the
    # project; else what an object is built with, which only the module that builds it sees
    of_methods: ClassVar[bool] = False

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for framework in module.frameworks:
            if (
                framework.entry.kind in self.kinds
                and (framework.built_here or self.of_methods)
                and not addressed_elsewhere(framework, settings)
                and not _given_only_elsewhere(framework, module, settings)
            ):
                yield from self.check_framework(framework, module, settings)

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        raise NotImplementedError


def _given_only_elsewhere(framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> bool:
    """Whether the object is options (a ModelSettings) given only to objects that talk to another
    provider: they are sent there alone. A chat model sends requests of its own, wherever it is given."""
    if framework.entry.kind != OPTIONS:
        return False
    users = [user for user in module.frameworks if framework in user.given]
    return bool(users) and all(addressed_elsewhere(user, settings) for user in users)


def setting_edits(framework: FrameworkObject, module: ResolvedModule, setting: Entry, argument: str) -> Optional[tuple[Edit, ...]]:
    """The edits that make a framework setting for the whole process (openai-agents'
    `set_default_openai_api("chat_completions")`, `argument` its code) right after the imports that open the module,
    before anything the module builds reads it; None when the module opens with no import, or
    the setting's name means something else in it."""
    package, name = setting.origin
    if module.last_import is None or not framework.means(name, f"{package}.{name}"):
        return None
    return InsertAfter(module.last_import, (f"{name}({argument})",)), AddImport(package, name)


def is_imported(framework: FrameworkObject, expression: Optional[cst.BaseExpression], qualified: tuple[str, ...]) -> bool:
    """Whether an expression where the object is built is a plain name that an import binds to one
    of `qualified` ("pydantic_ai.NativeOutput"), or the builtin `str` for "str"."""
    if not isinstance(expression, cst.Name):
        return False
    name = expression.value
    if framework.scope is None or framework.scope.binding(name) is None:
        return name in qualified  # a builtin: `str`
    return any(_imports(framework, name, imported) for imported in qualified)


def instructor_mode(framework: FrameworkObject) -> tuple[Optional[str], Optional[cst.Name]]:
    """The member of instructor's `Mode` an instructor call is given (`mode=Mode.JSON_SCHEMA`,
    `instructor.Mode.TOOLS`), with the node that names it; (None, None) for anything else, such as
    a `Mode` that is not instructor's where the object is built."""
    if framework.scope is None or instructor.MODE not in framework.arguments:
        return None, None
    expression = framework.arguments.expression(instructor.MODE)
    if not isinstance(expression, cst.Attribute):
        return None, None
    base = expression.value
    if isinstance(base, cst.Name):
        is_mode = any(_imports(framework, base.value, name) for name in instructor.MODE_CLASS)
    else:
        is_mode = (
            isinstance(base, cst.Attribute)
            and base.attr.value == "Mode"
            and isinstance(base.value, cst.Name)
            and _imports(framework, base.value.value, instructor.INSTRUCTOR_MODULE)
        )
    return (expression.attr.value, expression.attr) if is_mode else (None, None)


def _imports(framework: FrameworkObject, name: str, imported: str) -> bool:
    """Whether `name`, where the object is built, is bound, and only to the import of `imported`."""
    return framework.scope.binding(name) is not None and framework.scope.means(name, imported)

"""What the QW9 rules share: which framework objects they judge, who each one talks to, and the
parameters they read under the framework's own names (facts/frameworks gives the names)."""
from __future__ import annotations

from typing import Any, ClassVar, Iterator, Optional

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.facts.dashscope import OTHER_PROVIDER
from qwen_migrate.facts.frameworks import OPENAI_PROVIDER, OTHER
from qwen_migrate.finding import Violation
from qwen_migrate.request import DYNAMIC, MISSING
from qwen_migrate.rules import Rule
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


class FrameworkRule(Rule):
    """A rule about framework objects (QW9): those that may talk to OpenAI or DashScope."""

    kinds: ClassVar[frozenset[str]]  # the entry kinds it judges

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for framework in module.frameworks:
            if framework.entry.kind in self.kinds and not addressed_elsewhere(framework, settings):
                yield from self.check_framework(framework, module, settings)

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        raise NotImplementedError


def parameter(framework: FrameworkObject, names: tuple[str, ...]) -> tuple[Optional[str], Any]:
    """(the spelling the call uses, its static value) of a parameter the framework accepts under
    several names; (None, MISSING) when none is given (DYNAMIC when `**kwargs` may hold it)."""
    for name in names:
        if name in framework.arguments:
            return name, framework.arguments.value(name)
    return None, DYNAMIC if framework.arguments.has_splat else MISSING


def model(framework: FrameworkObject) -> Any:
    """The model string the object uses: given, or the framework's default."""
    _, value = parameter(framework, framework.entry.model)
    return framework.entry.default_model if value is MISSING and framework.entry.default_model else value


def provider(framework: FrameworkObject) -> Optional[str]:
    """Who the framework sends the object's requests to by its model string (OPENAI_PROVIDER,
    DASHSCOPE_PROVIDER or OTHER), before any base URL; None when not known."""
    entry = framework.entry
    if entry.provider_parameter is not None:  # init_chat_model(model, model_provider="openai")
        name, wanted = entry.provider_parameter
        given = framework.arguments.value(name)
        if given is not MISSING:
            return OPENAI_PROVIDER if given == wanted else None if given is DYNAMIC else OTHER
    if entry.model_strings is None:  # an OpenAI class: whatever the model
        return OPENAI_PROVIDER
    value = model(framework)
    return entry.model_strings.provider(value) if isinstance(value, str) else None


def base_url(framework: FrameworkObject) -> tuple[Optional[str], Any]:
    return parameter(framework, framework.entry.base_url)


def addressed_elsewhere(framework: FrameworkObject, settings: Settings) -> bool:
    """An object of another provider (by its model string) or addressed to another provider's or a
    local server's URL: the code talks to it on purpose, so no rule is about it."""
    _, url = base_url(framework)
    return provider(framework) == OTHER or (isinstance(url, str) and settings.provider(url) == OTHER_PROVIDER)

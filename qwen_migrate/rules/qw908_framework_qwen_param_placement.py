from typing import Iterator

import libcst as cst

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import MoveToExtraBody, RemoveDictElement
from qwen_migrate.facts.dashscope import QWEN_ONLY_CHAT_PARAMS
from qwen_migrate.facts.frameworks import CHAT, OPTIONS, agents
from qwen_migrate.facts.frameworks.langchain import MODEL_KWARGS
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.request import static_value
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule
from qwen_migrate.settings import Settings

_BASE = LANGCHAIN_DASHSCOPE.replace("\n)\n", "\n    {}\n)\n")
# What becomes of a Qwen-only parameter given as a keyword of the object: by framework, where it is
# not passed to the SDK's create().
_PASSED_TO_CREATE = "is passed to the SDK's create() as a keyword, which raises TypeError"
_KEYWORD_FATE = {"autogen": "is not a parameter of OpenAIChatCompletionClient, which drops it without a word, so it never reaches DashScope"}


class FrameworkQwenParamPlacement(FrameworkRule):
    """
    ## What it does
    Reports Qwen-only parameters (`enable_thinking`, `thinking_budget`, `enable_search`,
    `search_options`, `top_k`, `vl_high_resolution_images`, `enable_code_interpreter`) given to
    LangChain `ChatOpenAI` (or `init_chat_model`) in `model_kwargs` or as keywords of their own,
    and to CrewAI `LLM` and AutoGen `OpenAIChatCompletionClient` as keywords; and given to openai-agents
    `ModelSettings` in `extra_args`.

    ## Why is this bad?
    ChatOpenAI moves the keywords it does not know into `model_kwargs` and passes those to the
    SDK's `create()` as keyword arguments, and CrewAI passes unknown keywords the same way: the SDK
    raises `TypeError: Completions.create() got an unexpected keyword argument 'enable_thinking'`.
    Both send `extra_body` as it is (langchain-openai 1.7.4 `chat_models/base.py`, `extra_body`;
    crewai 1.x `llm.py`). openai-agents passes `extra_args` to `create()` as keywords too, and
    `extra_body` as it is (openai-agents==0.24.0 `agents/models/openai_chatcompletions.py:713,740`).
    LiteLLM and DSPy put unknown keywords into `extra_body` themselves and are not reported.
    AutoGen keeps only the constructor keywords it knows (the SDK client's, the create arguments'
    and `extra_body`) and drops the others without a word: the parameter never reaches DashScope
    (autogen-ext==0.7.5 `autogen_ext/models/openai/_openai_client.py:93-97,131-143`).

    ## Fix safety
    Safe: the parameter moves into the object's `extra_body` (merged with one given as a dict
    literal); the request DashScope receives is the one the code meant.
    """

    code = "QW908"
    name = "framework-qwen-param-placement"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Chat Completions, "extra_body"; frameworks.md'
    kinds = frozenset({CHAT, OPTIONS})
    VALID = [_BASE.format('extra_body={"enable_thinking": False},')]
    INVALID = [
        Invalid(
            _BASE.format('model_kwargs={"enable_thinking": False},'),
            at='"enable_thinking": False',
            message="enable_thinking in model_kwargs is passed to the SDK's create() as a keyword, which raises TypeError: pass it in extra_body",
            fixed=_BASE.format('model_kwargs={},\n    extra_body={"enable_thinking": False},'),
        ),
        Invalid(
            _BASE.format("top_k=20,"),
            at="top_k=20",
            message="top_k is passed to the SDK's create() as a keyword, which raises TypeError: pass it in extra_body",
            fixed=_BASE.format('extra_body={"top_k": 20},'),
        ),
        Invalid(
            'from agents import ModelSettings\n\nsettings = ModelSettings(extra_args={"enable_thinking": False})\n',
            at='"enable_thinking": False',
            message="enable_thinking in extra_args is passed to the SDK's create() as a keyword, which raises TypeError: pass it in extra_body",
            fixed='from agents import ModelSettings\n\nsettings = ModelSettings(extra_args={}, extra_body={"enable_thinking": False})\n',
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        entry = framework.entry
        if entry.request is not None or entry.extra_body is None:  # a framework that forwards them itself
            return
        arguments = framework.arguments
        if entry is agents.MODEL_SETTINGS:  # a dataclass: a keyword of its own raises TypeError at once
            yield from self._in_options(framework, agents.EXTRA_ARGS)
            return
        for name in QWEN_ONLY_CHAT_PARAMS:
            if arguments.is_keyword(name):
                move = arguments.move_to_extra_body(name, ((name, arguments.expression(name)),))
                yield Violation(
                    arguments.where(name),
                    f"{name} {_KEYWORD_FATE.get(entry.framework, _PASSED_TO_CREATE)}: pass it in {entry.extra_body}",
                    Fix(FixSafety.SAFE, f"Move {name} into {entry.extra_body}", (move,)) if move else None,
                )
        yield from self._in_options(framework, MODEL_KWARGS)

    def _in_options(self, framework: FrameworkObject, options_name: str) -> Iterator[Violation]:
        """Qwen-only parameters in the dict literal of options the framework passes to `create()` as keywords."""
        entry, arguments = framework.entry, framework.arguments
        options = arguments.expression(options_name) if arguments.is_keyword(options_name) else None
        if not isinstance(options, cst.Dict):
            return
        for element in options.elements:
            key = static_value(element.key) if isinstance(element, cst.DictElement) else None
            if key in QWEN_ONLY_CHAT_PARAMS:
                extra_body = arguments.value(entry.extra_body)
                movable = arguments.is_keyword(entry.extra_body) or entry.extra_body not in arguments
                fix = (
                    Fix(FixSafety.SAFE, f"Move {key} into {entry.extra_body}", (RemoveDictElement(options, element), MoveToExtraBody(framework.node, ((key, element.value),))))
                    if movable and (extra_body is None or isinstance(extra_body, dict) or entry.extra_body not in arguments)
                    else None
                )
                yield Violation(
                    element,
                    f"{key} in {options_name} is passed to the SDK's create() as a keyword, which raises TypeError: pass it in {entry.extra_body}",
                    fix,
                )

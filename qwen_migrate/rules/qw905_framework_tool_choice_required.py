from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import ReplaceNode, Text
from qwen_migrate.facts.frameworks import CHAT, autogen
from qwen_migrate.facts.frameworks.langchain import TOOL_CHOICE_REQUIRED
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule
from qwen_migrate.settings import Settings


class FrameworkToolChoiceRequired(FrameworkRule):
    """
    ## What it does
    Reports a framework setting that sends `tool_choice="required"`: LangChain
    `bind_tools(tools, tool_choice="any")`, `"required"` or `True`; AutoGen
    `create(messages, tools=..., tool_choice="required")` (and `create_stream`).

    ## Why is this bad?
    DashScope supports `tool_choice` "auto", "none" or a named function only (spec, "Chat
    Completions"): "required" is refused. LangChain turns "any" and True into "required"
    (langchain-openai 1.7.4 `chat_models/base.py`, `bind_tools`); AutoGen sends it as it is
    (autogen-ext==0.7.5 `autogen_ext/models/openai/_openai_client.py:274-296`).

    ## Fix safety
    Unsafe: `tool_choice="auto"` lets the model answer without calling a tool, where "required"
    forced a call; code that expects a tool call on every turn must handle a plain answer.
    """

    code = "QW905"
    name = "framework-tool-choice-required"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Chat Completions, "tool_choice"; frameworks.md'
    of_methods = True
    kinds = frozenset({CHAT})
    VALID = [
        LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="auto", parallel_tool_calls=True)\n',
        LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="get_weather", parallel_tool_calls=True)\n',
    ]
    INVALID = [
        Invalid(
            LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="any", parallel_tool_calls=True)\n',
            at='tool_choice="any"',
            message='tool_choice="any" is sent as "required", which DashScope does not support',
            fixed=LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="auto", parallel_tool_calls=True)\n',
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry.framework == "autogen":
            yield from self._autogen(framework)
            return
        for call in framework.calls:
            if call.method != "bind_tools":
                continue
            choice = call.arguments.value("tool_choice")
            if any(choice is value or (isinstance(choice, str) and choice == value) for value in TOOL_CHOICE_REQUIRED):
                shown = f'"{choice}"' if isinstance(choice, str) else repr(choice)
                yield Violation(
                    call.arguments.where("tool_choice"),
                    f'tool_choice={shown} is sent as "required", which DashScope does not support',
                    self.fix('Use tool_choice="auto"', ReplaceNode(call.arguments.expression("tool_choice"), Text("auto"))),
                )

    def _autogen(self, framework: FrameworkObject) -> Iterator[Violation]:
        """create(..., tool_choice="required") is sent as it is."""
        for call in framework.calls:
            if call.arguments.value(autogen.TOOL_CHOICE) == autogen.TOOL_CHOICE_REQUIRED:
                yield Violation(
                    call.arguments.where(autogen.TOOL_CHOICE),
                    'tool_choice="required" is sent as it is, and DashScope does not support it',
                    self.fix('Use tool_choice="auto"', ReplaceNode(call.arguments.expression(autogen.TOOL_CHOICE), Text("auto"))),
                )

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.edits import ReplaceNode, Text
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class ToolChoiceRequired(CallRule):
    """
    ## What it does
    Reports `tool_choice="required"`.

    ## Why is this bad?
    DashScope's `tool_choice` accepts `"auto"`, `"none"` and a specific function object; `"required"`
    is not supported.

    ## Fix safety
    Unsafe: the fix changes it to `"auto"`, which lets the model answer without calling a tool. To
    force one tool, pass `{"type": "function", "function": {"name": "..."}}` instead.
    """

    code = "QW203"
    name = "tool-choice-required"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Chat Completions › "Behavioral differences" (tool_choice)'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(
                model="qwen3.6-plus",
                messages=messages,
                tools=tools,
                tool_choice={"type": "function", "function": {"name": "get_weather"}},
                parallel_tool_calls=True,
            )
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=messages,
                    tools=tools,
                    tool_choice="required",
                    parallel_tool_calls=True,
                )
                """),
            at='tool_choice="required"',
            message='tool_choice="required" is not supported by DashScope (use "auto", "none" or a function object)',
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=messages,
                    tools=tools,
                    tool_choice="auto",
                    parallel_tool_calls=True,
                )
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        if call.arguments.value("tool_choice") == "required":
            yield Violation(
                call.arguments.where("tool_choice"),
                'tool_choice="required" is not supported by DashScope (use "auto", "none" or a function object)',
                self.fix('Change tool_choice to "auto"', ReplaceNode(call.arguments.expression("tool_choice"), Text("auto"))),
            )

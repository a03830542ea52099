from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.edits import SetKeyword
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class ParallelToolCallsDefault(CallRule):
    """
    ## What it does
    Reports a call that passes `tools` without `parallel_tool_calls`.

    ## Why is this bad?
    `parallel_tool_calls` defaults to false on DashScope and to true on OpenAI: code written for
    OpenAI that handles several tool calls in one turn silently gets one at a time.

    ## Fix safety
    Safe: the fix adds `parallel_tool_calls=True`, which keeps OpenAI's behaviour.
    """

    code = "QW205"
    name = "parallel-tool-calls-default"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    spec = 'Chat Completions › "Behavioral differences" (parallel_tool_calls defaults to false)'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages, tools=tools, parallel_tool_calls=True)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, tools=tools)
                """),
            at="tools=tools",
            message="tools without parallel_tool_calls: DashScope defaults it to false, OpenAI to true",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, tools=tools, parallel_tool_calls=True)
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        tools = call.arguments.value("tools")
        if "tools" in call.arguments and tools not in ([], None) and call.arguments.missing("parallel_tool_calls"):
            yield Violation(
                call.arguments.where("tools"),
                "tools without parallel_tool_calls: DashScope defaults it to false, OpenAI to true",
                self.fix("Add parallel_tool_calls=True", SetKeyword(call.node, "parallel_tool_calls", "True")),
            )

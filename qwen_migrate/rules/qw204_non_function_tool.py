from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import SUPPORTED_TOOL_TYPES
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid, tool_types_outside


class NonFunctionTool(CallRule):
    """
    ## What it does
    Reports a `tools` entry whose `type` is not `"function"` (such as `"custom"` or a built-in tool
    type) in a Chat Completions call.

    ## Why is this bad?
    DashScope's Chat Completions `tools` supports the function type only; for web search use
    `extra_body={"enable_search": True}`, or the Responses API's built-in tools.

    ## Fix safety
    There is no fix: the tool must be rewritten as a function tool or replaced by a DashScope feature.
    """

    code = "QW204"
    name = "non-function-tool"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Chat Completions › "Behavioral differences" (tools supports function type only)'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(
                model="qwen3.6-plus",
                messages=messages,
                tools=[{"type": "function", "function": weather_tool}],
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
                    tools=[{"type": "function", "function": weather_tool}, {"type": "custom", "name": "grep"}],
                    parallel_tool_calls=True,
                )
                """),
            at='tools=[{"type": "function", "function": weather_tool}, {"type": "custom", "name": "grep"}]',
            message="tools of type 'custom' are not supported by DashScope: only function tools are",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        types = tool_types_outside(call, SUPPORTED_TOOL_TYPES)
        if types:
            yield Violation(
                call.arguments.where("tools"),
                f"tools of type {', '.join(repr(t) for t in types)} are not supported by DashScope: only function tools are",
            )

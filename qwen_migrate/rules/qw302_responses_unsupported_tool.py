from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import RESPONSES_TOOL_TYPES
from qwen_migrate.facts.openai_sdk import RESPONSES_METHODS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import RESPONSES_CLIENT, CallRule, Invalid, tool_types_outside


class ResponsesUnsupportedTool(CallRule):
    """
    ## What it does
    Reports a Responses `tools` entry whose `type` is not `function`, `web_search`,
    `code_interpreter`, `web_extractor` or `image_search` (OpenAI's `file_search`,
    `computer_use_preview`, `mcp`, `image_generation`, `web_search_preview`, ...).

    ## Why is this bad?
    DashScope's Responses API offers only function tools and its own built-in tools: a request with
    another tool type is rejected.

    ## Fix safety
    There is no fix: replace the tool by a DashScope built-in tool or a function tool.
    """

    code = "QW302"
    name = "responses-unsupported-tool"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Responses API (built-in tools: web_search, code_interpreter, web_extractor, image_search)'
    methods = RESPONSES_METHODS
    VALID = [
        RESPONSES_CLIENT + dedent("""\
            client.responses.create(model="qwen3.6-plus", input=question, tools=[{"type": "web_search"}, {"type": "code_interpreter"}])
            """),
    ]
    INVALID = [
        Invalid(
            RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input=question, tools=[{"type": "file_search", "vector_store_ids": ids}])
                """),
            at='tools=[{"type": "file_search", "vector_store_ids": ids}]',
            message="Responses tools of type 'file_search' are not offered by DashScope",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        types = tool_types_outside(call, RESPONSES_TOOL_TYPES)
        if types:
            yield Violation(
                call.arguments.where("tools"),
                f"Responses tools of type {', '.join(repr(t) for t in types)} are not offered by DashScope",
            )

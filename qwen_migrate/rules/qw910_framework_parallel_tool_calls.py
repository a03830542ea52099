from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import SetKeyword
from qwen_migrate.facts.frameworks import CHAT
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule
from qwen_migrate.settings import Settings


class FrameworkParallelToolCalls(FrameworkRule):
    """
    ## What it does
    Reports LangChain `bind_tools(...)` without `parallel_tool_calls`.

    ## Why is this bad?
    LangChain sends `parallel_tool_calls` only when it is given (langchain-openai 1.7.4
    `chat_models/base.py`, `bind_tools`), and DashScope defaults it to false where OpenAI defaults
    it to true (spec, "Chat Completions"): the model makes one tool call per turn, so an agent
    loop takes more turns than it did on OpenAI. LlamaIndex is not reported: its OpenAI classes
    send `parallel_tool_calls` with every request that has tools (False unless
    `allow_parallel_tool_calls=True`, also in `structured_predict`; llama-index-llms-openai==0.8.3
    `llama_index/llms/openai/base.py:1015-1016`), so DashScope behaves as OpenAI did.

    ## Fix safety
    Safe: `parallel_tool_calls=True` keeps OpenAI's behaviour.
    """

    code = "QW910"
    name = "framework-parallel-tool-calls"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    spec = 'Chat Completions, "parallel_tool_calls"; frameworks.md'
    of_methods = True
    kinds = frozenset({CHAT})
    VALID = [LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="auto", parallel_tool_calls=False)\n']
    INVALID = [
        Invalid(
            LANGCHAIN_DASHSCOPE + "agent = llm.bind_tools(tools)\n",
            at="llm.bind_tools(tools)",
            message="bind_tools sends no parallel_tool_calls: DashScope defaults to one tool call per turn, OpenAI to parallel calls",
            fixed=LANGCHAIN_DASHSCOPE + "agent = llm.bind_tools(tools, parallel_tool_calls=True)\n",
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for call in framework.calls:
            if call.method == "bind_tools" and call.arguments.value("parallel_tool_calls") is MISSING:
                yield Violation(
                    call.node,
                    "bind_tools sends no parallel_tool_calls: DashScope defaults to one tool call per turn, OpenAI to parallel calls",
                    self.fix("Add parallel_tool_calls=True", SetKeyword(call.node, "parallel_tool_calls", "True")),
                )

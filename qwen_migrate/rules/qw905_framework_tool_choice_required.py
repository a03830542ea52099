from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.frameworks import CHAT, llamaindex
from qwen_migrate.facts.frameworks.langchain import TOOL_CHOICE_REQUIRED
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, LLAMAINDEX_DASHSCOPE, FrameworkRule
from qwen_migrate.settings import Settings


class FrameworkToolChoiceRequired(FrameworkRule):
    """
    ## What it does
    Reports a framework setting that sends `tool_choice="required"`: LangChain
    `bind_tools(tools, tool_choice="any")`, `"required"` or `True`; LlamaIndex
    `structured_predict(...)` (and `astructured_predict`, `stream_structured_predict`,
    `astream_structured_predict`) of `OpenAI`/`OpenAILike` without a `tool_choice` in `llm_kwargs`.

    ## Why is this bad?
    DashScope supports `tool_choice` "auto", "none" or a named function only (spec, "Chat
    Completions"): "required" is refused. LangChain turns "any" and True into "required"
    (langchain-openai 1.7.4 `chat_models/base.py`, `bind_tools`). LlamaIndex's structured_predict
    sets `tool_choice="required"` unless `llm_kwargs` names one
    (llama-index-llms-openai==0.8.3 `llama_index/llms/openai/base.py:1149-1152`, likewise
    :1175-1177, :1204-1207, :1244-1247); an `OpenAILike(should_use_structured_outputs=True)` sends
    a json_schema response format instead (:1142-1146) and is not reported here.

    ## Fix safety
    Unsafe: `tool_choice="auto"` lets the model answer without calling a tool, where "required"
    forced a call; code that expects a tool call on every turn must handle a plain answer
    (LlamaIndex's structured_predict then fails to parse it). An `llm_kwargs` dict the code
    already passes is not rewritten: add `"tool_choice": "auto"` there by hand.
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
        LLAMAINDEX_DASHSCOPE + 'ticket = llm.structured_predict(Ticket, prompt, llm_kwargs={"tool_choice": "auto"}, text=text)\n',
    ]
    INVALID = [
        Invalid(
            LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="any", parallel_tool_calls=True)\n',
            at='tool_choice="any"',
            message='tool_choice="any" is sent as "required", which DashScope does not support',
            fixed=LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="auto", parallel_tool_calls=True)\n',
        ),
        Invalid(
            LLAMAINDEX_DASHSCOPE + "ticket = llm.structured_predict(Ticket, prompt, text=text)\n",
            at="llm.structured_predict(Ticket, prompt, text=text)",
            message='structured_predict sends tool_choice="required" (no tool_choice in llm_kwargs), which DashScope does not support',
            fixed=LLAMAINDEX_DASHSCOPE + 'ticket = llm.structured_predict(Ticket, prompt, text=text, llm_kwargs={"tool_choice": "auto"})\n',
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry.framework == "llamaindex":
            yield from self._llamaindex(framework)
        else:
            yield from self._langchain(framework)

    def _llamaindex(self, framework: FrameworkObject) -> Iterator[Violation]:
        name, structured_outputs = llamaindex.STRUCTURED_OUTPUTS_FLAG
        if framework.arguments.value(name) is structured_outputs:  # a json_schema response format instead
            return
        for call in framework.calls:
            if call.method not in llamaindex.STRUCTURED_PREDICT:
                continue
            positional = [arg for arg in call.node.args if arg.keyword is None]
            if len(positional) > llamaindex.LLM_KWARGS_POSITION or any(arg.star for arg in positional):
                continue  # llm_kwargs given by position, or perhaps
            options = call.arguments.value(llamaindex.LLM_KWARGS)
            if options is MISSING:
                yield Violation(
                    call.node,
                    f'{call.method} sends tool_choice="required" (no tool_choice in {llamaindex.LLM_KWARGS}), which DashScope does not support',
                    self.fix('Pass tool_choice="auto" in llm_kwargs', SetKeyword(call.node, llamaindex.LLM_KWARGS, '{"tool_choice": "auto"}')),
                )
            elif isinstance(options, dict) and options.get("tool_choice", "required") == "required":
                yield Violation(
                    call.arguments.where(llamaindex.LLM_KWARGS),
                    f'{call.method} sends tool_choice="required", which DashScope does not support: put tool_choice="auto" in {llamaindex.LLM_KWARGS}',
                )

    def _langchain(self, framework: FrameworkObject) -> Iterator[Violation]:
        for call in framework.calls:
            if call.method != "bind_tools":
                continue
            choice = call.arguments.value("tool_choice")
            if any(choice is value or (isinstance(choice, str) and choice == value) for value in TOOL_CHOICE_REQUIRED):
                shown = f'"{choice}"' if isinstance(choice, str) else repr(choice)
                sent = "is not supported by DashScope" if choice == "required" else 'is sent as "required", which DashScope does not support'
                yield Violation(
                    call.arguments.where("tool_choice"),
                    f"tool_choice={shown} {sent}",
                    self.fix('Use tool_choice="auto"', ReplaceNode(call.arguments.expression("tool_choice"), Text("auto"))),
                )

from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
import libcst as cst

from qwen_migrate.edits import AddImport, ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.dashscope import is_qwen_model
from qwen_migrate.facts.openai_sdk import is_openai_model
from qwen_migrate.facts.frameworks import AGENT, CHAT, OPTIONS
from qwen_migrate.facts.frameworks import agents, autogen, llamaindex, pydantic_ai
from qwen_migrate.facts.frameworks.langchain import TOOL_CHOICE_REQUIRED
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, LLAMAINDEX_DASHSCOPE, FrameworkRule, is_imported
from qwen_migrate.settings import Settings


class FrameworkToolChoiceRequired(FrameworkRule):
    """
    ## What it does
    Reports a framework setting that sends `tool_choice="required"`: LangChain
    `bind_tools(tools, tool_choice="any")`, `"required"` or `True`; LlamaIndex
    `structured_predict(...)` (and `astructured_predict`, `stream_structured_predict`,
    `astream_structured_predict`) of `OpenAI`/`OpenAILike` without a `tool_choice` in `llm_kwargs`;
    openai-agents `ModelSettings(tool_choice="required")`; a pydantic-ai `Agent` on a Qwen model whose
    `output_type` is a type or a `ToolOutput` (its default tool output); AutoGen
    `create(messages, tools=..., tool_choice="required")` (and `create_stream`).

    ## Why is this bad?
    DashScope supports `tool_choice` "auto", "none" or a named function only (spec, "Chat
    Completions"): "required" is refused. LangChain turns "any" and True into "required"
    (langchain-openai 1.7.4 `chat_models/base.py`, `bind_tools`). LlamaIndex's structured_predict
    sets `tool_choice="required"` unless `llm_kwargs` names one
    (llama-index-llms-openai==0.8.3 `llama_index/llms/openai/base.py:1149-1152`, likewise
    :1175-1177, :1204-1207, :1244-1247); an `OpenAILike(should_use_structured_outputs=True)` sends
    a json_schema response format instead (:1142-1146) and is not reported here. openai-agents and
    AutoGen send the value as they are given it (openai-agents==0.24.0
    `agents/models/chatcmpl_converter.py:90-91`; autogen-ext==0.7.5
    `autogen_ext/models/openai/_openai_client.py:274-296`). pydantic-ai forces its output tool
    with "required" when the output allows no text answer and the model's profile allows forcing
    (pydantic-ai-slim==2.68.0 `models/_tool_choice.py:106`, `models/openai/_chat_model.py:824-832`);
    the Qwen profile disallows it only for names starting "qwen-3-coder" (`profiles/qwen.py:13`),
    which no DashScope model has.

    ## Fix safety
    Unsafe: `tool_choice="auto"` lets the model answer without calling a tool, where "required"
    forced a call; code that expects a tool call on every turn must handle a plain answer
    (LlamaIndex's structured_predict then fails to parse it). An `llm_kwargs` dict the code
    already passes is not rewritten: add `"tool_choice": "auto"` there by hand. pydantic-ai's
    output type is wrapped in `PromptedOutput(...)`, which asks for the schema in the instructions
    and validates the text answer (or give the model a profile with
    `supports_forced_tool_choice=False`, which keeps the output tool on "auto").
    """

    code = "QW905"
    name = "framework-tool-choice-required"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Chat Completions, "tool_choice"; frameworks.md'
    of_methods = True
    kinds = frozenset({CHAT, OPTIONS, AGENT})
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
        Invalid(
            'from agents import ModelSettings\n\nsettings = ModelSettings(tool_choice="required", parallel_tool_calls=True)\n',
            at='tool_choice="required"',
            message='tool_choice="required" is not supported by DashScope',
            fixed='from agents import ModelSettings\n\nsettings = ModelSettings(tool_choice="auto", parallel_tool_calls=True)\n',
        ),
        Invalid(
            'from pydantic_ai import Agent\n\nagent = Agent("alibaba:qwen3.6-plus", output_type=Invoice)\n',
            at="output_type=Invoice",
            message='output_type=Invoice is an output tool, which pydantic-ai forces with tool_choice="required" on Qwen models: DashScope does not support it',
            fixed='from pydantic_ai import PromptedOutput, Agent\n\nagent = Agent("alibaba:qwen3.6-plus", output_type=PromptedOutput(Invoice))\n',
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry is agents.MODEL_SETTINGS:
            yield from self._openai_agents(framework)
        elif framework.entry is pydantic_ai.AGENT_ENTRY and framework.built_here:
            yield from self._pydantic_ai(framework)
        elif framework.entry.framework == "llamaindex":
            yield from self._llamaindex(framework)
        elif framework.entry.framework == "autogen":
            yield from self._autogen(framework)
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

    def _openai_agents(self, framework: FrameworkObject) -> Iterator[Violation]:
        arguments = framework.arguments
        if arguments.value(agents.TOOL_CHOICE) == "required":
            yield Violation(
                arguments.where(agents.TOOL_CHOICE),
                'tool_choice="required" is not supported by DashScope',
                self.fix('Use tool_choice="auto"', ReplaceNode(arguments.expression(agents.TOOL_CHOICE), Text("auto"))),
            )

    def _pydantic_ai(self, framework: FrameworkObject) -> Iterator[Violation]:
        model = framework.model
        name = framework.entry.model_strings.split(model)[1] if isinstance(model, str) else None
        if name is None or not (is_qwen_model(name) or is_openai_model(name)):  # an OpenAI model: QW903 maps it to a Qwen one
            return
        arguments = framework.arguments
        output = arguments.expression(pydantic_ai.OUTPUT_TYPE) if arguments.is_keyword(pydantic_ai.OUTPUT_TYPE) else None
        tool_output = isinstance(output, cst.Call) and is_imported(framework, output.func, pydantic_ai.TOOL_OUTPUT)
        a_type = isinstance(output, (cst.Name, cst.Attribute)) and not is_imported(framework, output, pydantic_ai.TEXT_OUTPUTS)
        if not (tool_output or a_type):
            return
        module, prompted = pydantic_ai.PROMPTED_OUTPUT
        wrap = a_type and framework.means(prompted, f"{module}.{prompted}")
        shown = cst.Module([]).code_for_node(output)
        yield Violation(
            arguments.where(pydantic_ai.OUTPUT_TYPE),
            f'{pydantic_ai.OUTPUT_TYPE}={shown} is an output tool, which pydantic-ai forces with tool_choice="required" on Qwen models: DashScope does not support it',
            self.fix(f"Use {prompted}({shown})", ReplaceNode(output, f"{prompted}({shown})"), AddImport(module, prompted)) if wrap else None,
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

    def _autogen(self, framework: FrameworkObject) -> Iterator[Violation]:
        """create(..., tool_choice="required") is sent as it is."""
        for call in framework.calls:
            if call.arguments.value(autogen.TOOL_CHOICE) == autogen.TOOL_CHOICE_REQUIRED:
                yield Violation(
                    call.arguments.where(autogen.TOOL_CHOICE),
                    'tool_choice="required" is not supported by DashScope',
                    self.fix('Use tool_choice="auto"', ReplaceNode(call.arguments.expression(autogen.TOOL_CHOICE), Text("auto"))),
                )

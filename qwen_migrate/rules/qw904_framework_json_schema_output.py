from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
import libcst as cst

from qwen_migrate.edits import AddImport, RemoveKeyword, RemoveUnusedImport, ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.frameworks import AGENT, CHAT, TASK
from qwen_migrate.facts.frameworks import agents, autogen, instructor, pydantic_ai
from qwen_migrate.facts.frameworks.crewai import STRUCTURED_OUTPUTS
from qwen_migrate.facts.frameworks.langchain import STRUCTURED_OUTPUT_DEFAULT
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid, addressed_elsewhere
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule, instructor_mode, is_imported
from qwen_migrate.settings import Settings

_WORKING_METHOD = "function_calling"


class FrameworkJsonSchemaOutput(FrameworkRule):
    """
    ## What it does
    Reports structured output that a framework sends as a `json_schema` response format:
    LangChain `with_structured_output(...)` with the default method or `method="json_schema"`,
    CrewAI `Task(output_pydantic=...)`, `output_json=` or `response_model=`, an openai-agents
    `Agent(output_type=...)` of any type but `str`, a pydantic-ai `Agent(output_type=NativeOutput(...))`,
    AutoGen `create(messages, json_output=<model class>)` (and `create_stream`), and instructor's
    `Mode.JSON_SCHEMA`.

    ## Why is this bad?
    DashScope's Chat Completions accept `response_format` `json_object` only (spec, "Chat
    Completions"): the request is refused. LangChain's `ChatOpenAI.with_structured_output`
    defaults to `method="json_schema"` (langchain-openai 1.7.4 `chat_models/base.py`); its
    `"function_calling"` and `"json_mode"` methods work on DashScope. CrewAI parses a task's
    structured output with the SDK's `beta.chat.completions.parse`, which sends a strict json_schema.
    openai-agents sends an `output_type` as a strict json_schema named "final_output"
    (openai-agents==0.24.0 `agents/models/chatcmpl_converter.py:107-120`, `agents/agent_output.py:85`);
    pydantic-ai's `NativeOutput` sends a json_schema through OpenAIProvider, and raises UserError on
    AlibabaProvider, whose profile has no json_schema output (pydantic-ai-slim==2.68.0
    `providers/alibaba.py:42-60`). AutoGen parses a model class given as `json_output` with a strict
    json_schema (autogen-ext==0.7.5 `autogen_ext/models/openai/_openai_client.py:548-556`).
    instructor's `Mode.JSON_SCHEMA` sends a json_schema response format (instructor 1.17.0
    `v2/providers/openai/handlers.py:799-805`); its default `Mode.TOOLS` works on DashScope.

    ## Fix safety
    Unsafe: LangChain gets `method="function_calling"`, which asks the model for the schema
    through a forced tool call: the output is validated the same way, but the request differs
    (the model may phrase the answer differently). CrewAI has no such option: reported only (ask
    for JSON in the task's prompt, and parse it yourself, or leave the task without a schema).
    openai-agents has none either (an `AgentOutputSchema(..., strict_json_schema=False)` is still a
    json_schema): reported only; give the agent a tool that takes the schema, or parse its text.
    pydantic-ai's `NativeOutput(...)` becomes `PromptedOutput(...)` (its `strict` dropped), which
    puts the schema in the instructions and validates the text answer: the model may need a retry
    more often. AutoGen has no such option either (`json_output=True` asks for a JSON object:
    validate it with the model class yourself). instructor gets `Mode.TOOLS`, a forced call of one
    named tool with the schema.
    """

    code = "QW904"
    name = "framework-json-schema-output"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Chat Completions, "response_format"; frameworks.md'
    of_methods = True
    kinds = frozenset({CHAT, TASK, AGENT})
    VALID = [
        LANGCHAIN_DASHSCOPE + 'structured = llm.with_structured_output(Answer, method="function_calling")\n',
        LANGCHAIN_DASHSCOPE + 'structured = llm.with_structured_output(Answer, method="json_mode")\n',
        'from pydantic_ai import Agent, PromptedOutput\n\nagent = Agent("alibaba:qwen3.6-plus", output_type=PromptedOutput(Invoice))\n',
    ]
    INVALID = [
        Invalid(
            LANGCHAIN_DASHSCOPE + "structured = llm.with_structured_output(Answer)\n",
            at="llm.with_structured_output(Answer)",
            message="with_structured_output sends a json_schema response format by default, which DashScope does not support",
            fixed=LANGCHAIN_DASHSCOPE + 'structured = llm.with_structured_output(Answer, method="function_calling")\n',
        ),
        Invalid(
            dedent("""\
                from crewai import Task

                report = Task(description="Summarise the ticket", expected_output="A summary", output_pydantic=Summary)
                """),
            at="output_pydantic=Summary",
            message="output_pydantic makes CrewAI send a json_schema response format, which DashScope does not support",
        ),
        Invalid(
            dedent("""\
                from agents import Agent

                extractor = Agent(name="extractor", model=chat_model, output_type=Invoice)
                """),
            at="output_type=Invoice",
            message="output_type makes openai-agents send a strict json_schema response format, which DashScope does not support",
        ),
        Invalid(
            dedent("""\
                from pydantic_ai import Agent, NativeOutput

                agent = Agent("alibaba:qwen3.6-plus", output_type=NativeOutput(Invoice, strict=True))
                """),
            at="NativeOutput(Invoice, strict=True)",
            message="NativeOutput sends a json_schema response format, which DashScope does not support (on AlibabaProvider's profile pydantic-ai raises UserError)",
            fixed=dedent("""\
                from pydantic_ai import PromptedOutput, Agent

                agent = Agent("alibaba:qwen3.6-plus", output_type=PromptedOutput(Invoice))
                """),
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry is agents.AGENT_ENTRY and framework.built_here:
            yield from _openai_agents(framework)
            return
        if framework.entry is pydantic_ai.AGENT_ENTRY and framework.built_here:
            yield from self._pydantic_ai(framework)
            return
        if framework.entry.kind == TASK:
            if _all_crewai_models_elsewhere(module, settings):
                return
            for name in STRUCTURED_OUTPUTS:
                if name in framework.arguments:
                    yield Violation(
                        framework.arguments.written_at(name),
                        f"{name} makes CrewAI send a json_schema response format, which DashScope does not support",
                    )
            return
        if framework.entry.framework == "autogen":
            yield from _autogen(framework)
            return
        if framework.entry.framework == "instructor":
            yield from self._instructor(framework)
            return
        for call in framework.calls:
            if call.method != "with_structured_output":
                continue
            method = call.arguments.value("method")
            if method is MISSING:
                edit = SetKeyword(call.node, "method", Text(_WORKING_METHOD))
                yield Violation(
                    call.node,
                    "with_structured_output sends a json_schema response format by default, which DashScope does not support",
                    self.fix('Use method="function_calling"', edit),
                )
            elif method == STRUCTURED_OUTPUT_DEFAULT:
                edit = ReplaceNode(call.arguments.expression("method"), Text(_WORKING_METHOD))
                yield Violation(
                    call.arguments.where("method"),
                    'method="json_schema" sends a json_schema response format, which DashScope does not support',
                    self.fix('Use method="function_calling"', edit),
                )

    def _instructor(self, framework: FrameworkObject) -> Iterator[Violation]:
        member, node = instructor_mode(framework)
        if member == instructor.MODE_JSON_SCHEMA:
            yield Violation(
                framework.arguments.where(instructor.MODE),
                f"Mode.{member} makes instructor send a json_schema response format, which DashScope does not support",
                self.fix(f"Use Mode.{instructor.MODE_TOOLS}", ReplaceNode(node, instructor.MODE_TOOLS)),
            )

    def _pydantic_ai(self, framework: FrameworkObject) -> Iterator[Violation]:
        output = framework.arguments.expression(pydantic_ai.OUTPUT_TYPE) if framework.arguments.is_keyword(pydantic_ai.OUTPUT_TYPE) else None
        if not isinstance(output, cst.Call) or not is_imported(framework, output.func, pydantic_ai.NATIVE_OUTPUT):
            return
        module, prompted = pydantic_ai.PROMPTED_OUTPUT
        edits = [ReplaceNode(output.func, prompted), AddImport(module, prompted), RemoveUnusedImport(module, output.func.value)]
        edits += [RemoveKeyword(output, name) for name in pydantic_ai.NATIVE_OUTPUT_ONLY if any(arg.keyword and arg.keyword.value == name for arg in output.args)]
        yield Violation(
            output,
            "NativeOutput sends a json_schema response format, which DashScope does not support (on AlibabaProvider's profile pydantic-ai raises UserError)",
            self.fix(f"Use {prompted}", *edits) if framework.means(prompted, f"{module}.{prompted}") else None,
        )


def _openai_agents(framework: FrameworkObject) -> Iterator[Violation]:
    arguments = framework.arguments
    if agents.OUTPUT_TYPE not in arguments or arguments.value(agents.OUTPUT_TYPE) is None:
        return
    if is_imported(framework, arguments.expression(agents.OUTPUT_TYPE), ("str",)):
        return
    yield Violation(
        arguments.where(agents.OUTPUT_TYPE),
        "output_type makes openai-agents send a strict json_schema response format, which DashScope does not support",
    )


def _autogen(framework: FrameworkObject) -> Iterator[Violation]:
    """create(..., json_output=<model class>): parsed with a json_schema response format; a bool
    asks for json_object or nothing."""
    for call in framework.calls:
        if autogen.JSON_OUTPUT in call.arguments and call.arguments.value(autogen.JSON_OUTPUT) not in (True, False, None, MISSING):
            yield Violation(
                call.arguments.where(autogen.JSON_OUTPUT),
                f"{autogen.JSON_OUTPUT}=<model class> makes AutoGen send a json_schema response format, which DashScope does not support"
                f" ({autogen.JSON_OUTPUT}=True asks for a JSON object)",
            )


def _all_crewai_models_elsewhere(module: ResolvedModule, settings: Settings) -> bool:
    """Every CrewAI model the module names (an LLM's, an agent's model string) is another provider's:
    its tasks' structured output is that provider's business."""
    models = [f for f in module.frameworks if f.entry.framework == "crewai" and f.entry.kind != TASK and f.provider is not None]
    return bool(models) and all(addressed_elsewhere(f, settings) for f in models)

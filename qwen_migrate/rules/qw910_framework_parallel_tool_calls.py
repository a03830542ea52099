from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
import libcst as cst

from qwen_migrate.edits import AddImport, SetKeyword
from qwen_migrate.facts.frameworks import AGENT, CHAT, agents, autogen, instructor
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule, instructor_mode
from qwen_migrate.settings import Settings


class FrameworkParallelToolCalls(FrameworkRule):
    """
    ## What it does
    Reports LangChain `bind_tools(...)` without `parallel_tool_calls`, an openai-agents
    `Agent(tools=[...])` whose `model_settings` leave it unset (or that has none), an AutoGen
    `OpenAIChatCompletionClient` without it whose `create(..., tools=...)` calls the module
    makes, and instructor's `Mode.PARALLEL_TOOLS`.

    ## Why is this bad?
    DashScope defaults `parallel_tool_calls` to false where OpenAI defaults it to true (spec,
    "Chat Completions"): a request that does not send it gets one tool call per turn, so an agent
    loop takes more turns than it did on OpenAI. LangChain sends it only when it is given
    (langchain-openai 1.7.4 `chat_models/base.py`, `bind_tools`); openai-agents only when its
    `ModelSettings` set it (openai-agents==0.24.0 `agents/models/openai_chatcompletions.py:652-656`);
    AutoGen sends the constructor's `parallel_tool_calls` with every request, and nothing when it
    is not given (autogen-ext==0.7.5 `autogen_ext/models/openai/_openai_client.py:131-143`).
    instructor's `Mode.PARALLEL_TOOLS` never sends it (instructor==1.17.0
    `instructor/v2/providers/openai/handlers.py:1062`): an `Iterable[Model]` response gets one item
    per request where OpenAI gave several. LlamaIndex is not reported: its OpenAI classes send
    `parallel_tool_calls` with every request that has tools (False unless
    `allow_parallel_tool_calls=True`, also in `structured_predict`; llama-index-llms-openai==0.8.3
    `llama_index/llms/openai/base.py:1015-1016`), so DashScope behaves as OpenAI did.

    ## Fix safety
    Safe: `parallel_tool_calls=True` keeps OpenAI's behaviour (for an Agent without
    `model_settings`, `model_settings=ModelSettings(parallel_tool_calls=True)`; one given by a name
    is reported only; AutoGen: in the constructor). instructor: reported only (its mode has no
    place for the parameter; pass `parallel_tool_calls=True` to each `create` call).
    """

    code = "QW910"
    name = "framework-parallel-tool-calls"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    spec = 'Chat Completions, "parallel_tool_calls"; frameworks.md'
    of_methods = True
    kinds = frozenset({CHAT, AGENT})
    VALID = [LANGCHAIN_DASHSCOPE + 'agent = llm.bind_tools(tools, tool_choice="auto", parallel_tool_calls=False)\n']
    INVALID = [
        Invalid(
            LANGCHAIN_DASHSCOPE + "agent = llm.bind_tools(tools)\n",
            at="llm.bind_tools(tools)",
            message="bind_tools sends no parallel_tool_calls: DashScope defaults to one tool call per turn, OpenAI to parallel calls",
            fixed=LANGCHAIN_DASHSCOPE + "agent = llm.bind_tools(tools, parallel_tool_calls=True)\n",
        ),
        Invalid(
            'from agents import Agent, ModelSettings\n\nagent = Agent(name="ops", tools=[lookup], model_settings=ModelSettings(temperature=0))\n',
            at="ModelSettings(temperature=0)",
            message="ModelSettings sends no parallel_tool_calls: DashScope defaults to one tool call per turn, OpenAI to parallel calls",
            fixed='from agents import Agent, ModelSettings\n\nagent = Agent(name="ops", tools=[lookup], model_settings=ModelSettings(temperature=0, parallel_tool_calls=True))\n',
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry is agents.AGENT_ENTRY:
            if framework.built_here:
                yield from self._openai_agents(framework, module)
            return
        if framework.entry.framework == "instructor":
            yield from _instructor(framework)
            return
        if framework.entry.framework == "autogen":
            yield from self._autogen(framework)
            return
        for call in framework.calls:
            if call.method == "bind_tools" and call.arguments.value("parallel_tool_calls") is MISSING:
                yield Violation(
                    call.node,
                    "bind_tools sends no parallel_tool_calls: DashScope defaults to one tool call per turn, OpenAI to parallel calls",
                    self.fix("Add parallel_tool_calls=True", SetKeyword(call.node, "parallel_tool_calls", "True")),
                )

    def _openai_agents(self, framework: FrameworkObject, module: ResolvedModule) -> Iterator[Violation]:
        arguments = framework.arguments
        tools = arguments.expression(agents.TOOLS) if arguments.is_keyword(agents.TOOLS) else None
        if not isinstance(tools, (cst.List, cst.Tuple)) or not tools.elements:
            return
        message = "ModelSettings sends no parallel_tool_calls: DashScope defaults to one tool call per turn, OpenAI to parallel calls"
        if agents.AGENT_MODEL_SETTINGS not in arguments:
            name = agents.MODEL_SETTINGS.name
            fix = (
                self.fix(f"Add {agents.AGENT_MODEL_SETTINGS}={name}(parallel_tool_calls=True)", SetKeyword(framework.node, agents.AGENT_MODEL_SETTINGS, f"{name}(parallel_tool_calls=True)"), AddImport("agents", name))
                if framework.means(name, f"agents.{name}")
                else None
            )
            yield Violation(framework.node, f"Agent has tools and no {agents.AGENT_MODEL_SETTINGS}: {message}", fix)
            return
        given = arguments.expression(agents.AGENT_MODEL_SETTINGS)
        options = next((f for f in module.frameworks if f.node is given and f.entry is agents.MODEL_SETTINGS), None)
        if options is not None and options.arguments.value(agents.PARALLEL_TOOL_CALLS) is MISSING:
            yield Violation(options.node, message, self.fix("Add parallel_tool_calls=True", SetKeyword(options.node, agents.PARALLEL_TOOL_CALLS, "True")))

    def _autogen(self, framework: FrameworkObject) -> Iterator[Violation]:
        """The client's constructor, when some create call of this module sends tools."""
        if not framework.built_here or framework.arguments.value(autogen.PARALLEL_TOOL_CALLS) is not MISSING:
            return
        if any(autogen.TOOLS in call.arguments for call in framework.calls):
            yield Violation(
                framework.node,
                f"{framework.entry.name} sends no parallel_tool_calls with its tools: DashScope defaults to one tool call per turn, OpenAI to parallel calls",
                self.fix("Add parallel_tool_calls=True", SetKeyword(framework.node, autogen.PARALLEL_TOOL_CALLS, "True")),
            )


def _instructor(framework: FrameworkObject) -> Iterator[Violation]:
    member, _ = instructor_mode(framework)
    if member == instructor.MODE_PARALLEL_TOOLS:
        yield Violation(
            framework.arguments.where(instructor.MODE),
            f"Mode.{member} sends no parallel_tool_calls: DashScope defaults to one tool call per turn, OpenAI to parallel calls"
            " (pass parallel_tool_calls=True to create)",
        )

from typing import Iterator, Optional

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
import libcst as cst

from qwen_migrate.edits import AddImport, Edit, RemoveUnusedImport, ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.dashscope import is_qwen_model
from qwen_migrate.facts.frameworks import AGENT, CHAT, OPENAI_PROVIDER
from qwen_migrate.facts.frameworks import agents, dspy, instructor, langchain, pydantic_ai
from qwen_migrate.facts.openai_sdk import is_openai_model
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.request import DYNAMIC, MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule, instructor_mode, setting_edits
from qwen_migrate.settings import Settings

_CLIENT = LANGCHAIN_DASHSCOPE.replace("    api_key=", '    reasoning={"effort": "low"},\n    api_key=')


class FrameworkResponsesApi(FrameworkRule):
    """
    ## What it does
    Reports a DSPy `LM(..., model_type="responses")`, and a LangChain `ChatOpenAI` (or
    `init_chat_model("openai:...")`) that sends Responses API
    requests: `use_responses_api=True`, or, with `use_responses_api` left unset, any of the
    settings that switch it on (`reasoning`, `include`, `truncation`, `context_management`,
    `use_previous_response_id=True`, `output_version="responses/v1"`, or `text`/`previous_response_id`
    and the others in `model_kwargs`) or a model name that does (`gpt-5-pro`, `gpt-5.2-pro` and the
    other names the package lists, any name with "codex"). With `use_responses_api=False`, a
    Responses-only setting given all the same is reported too. openai-agents: an `Agent` whose
    model is a name (or none) when no module of the project calls
    `set_default_openai_api("chat_completions")`, an `OpenAIResponsesModel`, and
    `OpenAIProvider(use_responses=True)`. pydantic-ai: an `OpenAIResponsesModel`, and an `Agent`
    whose model string is `"openai:<Qwen model>"` or `"openai-responses:<Qwen model>"` (an OpenAI
    model's string is QW903's, whose fix writes the same DashScope form). instructor:
    `Mode.RESPONSES_TOOLS` and `Mode.RESPONSES_TOOLS_WITH_INBUILT_TOOLS` (`from_openai`, `patch`,
    `from_provider`).

    ## Why is this bad?
    ChatOpenAI then POSTs to `{base_url}/responses`; on the compatible-mode base URL that path
    does not exist (404), and DashScope serves Responses under another base URL (spec, "Responses
    API"), which the same object cannot use for its chat requests. Source: langchain-openai 1.7.4
    `chat_models/base.py`, `_use_responses_api` and `_model_prefers_responses_api`. On Chat
    Completions, ChatOpenAI passes the Responses-only settings to `create()`, which raises
    TypeError. dspy 3.4.1
    `clients/lm.py` (`model_type="responses"` sends through LiteLLM's `responses()`).
    openai-agents sends a model name's requests to the Responses API unless the default is switched
    (openai-agents==0.24.0 `agents/models/_openai_shared.py:11`, `agents/models/openai_provider.py:108-111`);
    pydantic-ai builds an OpenAIResponsesModel for "openai:" and "openai-responses:"
    (pydantic-ai-slim==2.68.0 `models/__init__.py:3701`). instructor 1.17.0 sends its Responses
    modes through the client's `responses.create` (`v2/providers/openai/handlers.py`).

    ## Fix safety
    Unsafe: `use_responses_api=False` keeps the object on Chat Completions, and the Responses-only
    settings (`reasoning`, `include`, `truncation`, `context_management`) go: ChatOpenAI would pass
    them to the SDK's `chat.completions.create()`, which raises TypeError for each. What they asked
    for is lost: review it (DashScope's thinking switches travel in `extra_body`). DSPy's LM gets
    `model_type="chat"`, which reads replies in the Chat Completions form: code that reads Responses
    output items from the LM's history must change. openai-agents: `set_default_openai_api("chat_completions")`
    is called after the imports of the module with the Agent (it must run before any `RunConfig`
    or `OpenAIProvider` is built, since a provider reads it when built); the Responses model classes
    become the frameworks' Chat Completions ones (`OpenAIChatCompletionsModel`, `OpenAIChatModel`)
    with the same arguments, `use_responses=True` becomes False; a pydantic-ai string becomes
    `"alibaba:<model>"`, DashScope's own provider, which reads `DASHSCOPE_API_KEY` and defaults to
    Singapore. Responses output items, hosted tools and `previous_response_id` chaining are not
    there on Chat Completions: review code that relies on them. instructor's `Mode.RESPONSES_TOOLS`
    becomes `Mode.TOOLS`, the same tool call on Chat Completions; `RESPONSES_TOOLS_WITH_INBUILT_TOOLS`
    (OpenAI's built-in tools, such as web search) is reported only.
    """

    code = "QW906"
    name = "framework-responses-api"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Responses API, "base_url"; frameworks.md'
    kinds = frozenset({CHAT, AGENT})
    VALID = [
        LANGCHAIN_DASHSCOPE,
        LANGCHAIN_DASHSCOPE.replace("    api_key=", "    use_responses_api=False,\n    api_key="),
        'from agents import Agent, set_default_openai_api\n\nset_default_openai_api("chat_completions")\nagent = Agent(name="support", model="qwen3.6-plus")\n',
        'from pydantic_ai import Agent\n\nagent = Agent("alibaba:qwen3.6-plus")\n',
    ]
    INVALID = [
        Invalid(
            _CLIENT,
            at=_CLIENT[_CLIENT.index("ChatOpenAI(") : _CLIENT.rindex(")") + 1],
            message="reasoning makes ChatOpenAI send Responses API requests, which the compatible-mode base URL does not serve",
            fixed=_CLIENT.replace('    reasoning={"effort": "low"},\n', "").replace(
                'api_key=os.getenv("DASHSCOPE_API_KEY"),', 'api_key=os.getenv("DASHSCOPE_API_KEY"),\n    use_responses_api=False,'
            ),
        ),
        Invalid(
            'import dspy\n\nlm = dspy.LM("openai/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key="k", model_type="responses")\n',
            at='model_type="responses"',
            message='model_type="responses" sends Responses API requests, which the compatible-mode base URL does not serve',
            fixed='import dspy\n\nlm = dspy.LM("openai/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key="k", model_type="chat")\n',
        ),
        Invalid(
            'from agents import Agent\n\nagent = Agent(name="support", model="qwen3.6-plus")\n',
            at='Agent(name="support", model="qwen3.6-plus")',
            message='Agent sends its model\'s requests to the Responses API (openai-agents\' default; no set_default_openai_api("chat_completions") in the project), which the compatible-mode base URL does not serve',
            fixed='from agents import set_default_openai_api, Agent\nset_default_openai_api("chat_completions")\n\nagent = Agent(name="support", model="qwen3.6-plus")\n',
        ),
        Invalid(
            'from pydantic_ai import Agent\n\nagent = Agent("openai:qwen3.6-plus")\n',
            at='"openai:qwen3.6-plus"',
            message='"openai:" builds a Responses API model, which the compatible-mode base URL does not serve (use \'alibaba:qwen3.6-plus\', DashScope\'s own provider)',
            fixed='from pydantic_ai import Agent\n\nagent = Agent("alibaba:qwen3.6-plus")\n',
        ),
        Invalid(
            _CLIENT.replace("    reasoning=", "    use_responses_api=False,\n    reasoning="),
            at='reasoning={"effort": "low"}',
            message="reasoning is a Responses API setting: with use_responses_api=False ChatOpenAI passes it to chat.completions.create(), which raises TypeError",
            fixed=LANGCHAIN_DASHSCOPE.replace("    api_key=", "    use_responses_api=False,\n    api_key="),
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry.framework == "dspy":
            yield from self._dspy(framework)
        elif framework.entry.framework == agents.FRAMEWORK:
            yield from self._openai_agents(framework, module)
        elif framework.entry.framework == pydantic_ai.FRAMEWORK:
            yield from self._pydantic_ai(framework)
        elif "ChatOpenAI" in (framework.entry.name, framework.entry.behaves_as):
            yield from self._langchain(framework)
        elif framework.entry.framework == "instructor":
            yield from self._instructor(framework)

    def _instructor(self, framework: FrameworkObject) -> Iterator[Violation]:
        member, node = instructor_mode(framework)
        if member in (instructor.MODE_RESPONSES_TOOLS, instructor.MODE_RESPONSES_WITH_INBUILT_TOOLS):
            fix = instructor.MODE_TOOLS if member == instructor.MODE_RESPONSES_TOOLS else None
            yield Violation(
                framework.arguments.where(instructor.MODE),
                f"Mode.{member} makes instructor send Responses API requests, which the compatible-mode base URL does not serve",
                self.fix(f"Use Mode.{fix}", ReplaceNode(node, fix)) if fix else None,
            )

    def _openai_agents(self, framework: FrameworkObject, module: ResolvedModule) -> Iterator[Violation]:
        entry, arguments = framework.entry, framework.arguments
        if entry is agents.AGENT_ENTRY:
            _, model = framework.parameter(entry.model)
            on_default_provider = model is MISSING or (isinstance(model, str) and framework.provider == OPENAI_PROVIDER)
            if on_default_provider and not module.setting_made(agents.SET_DEFAULT_API, agents.CHAT_COMPLETIONS_API):
                edits = setting_edits(framework, module, agents.SET_DEFAULT_API, f'"{agents.CHAT_COMPLETIONS_API}"')
                yield Violation(
                    framework.node,
                    f'Agent sends its model\'s requests to the Responses API (openai-agents\' default; no set_default_openai_api("{agents.CHAT_COMPLETIONS_API}") in the project), which the compatible-mode base URL does not serve',
                    self.fix(f'Call set_default_openai_api("{agents.CHAT_COMPLETIONS_API}") after the imports', *edits) if edits else None,
                )
        elif entry is agents.RESPONSES_MODEL:
            yield Violation(
                framework.node,
                "OpenAIResponsesModel sends Responses API requests, which the compatible-mode base URL does not serve",
                _renamed(self, framework, agents.RESPONSES_MODEL_ONLY, ("agents", agents.CHAT_COMPLETIONS_MODEL.name)),
            )
        elif entry is agents.PROVIDER and arguments.value(agents.USE_RESPONSES) is True:
            yield Violation(
                arguments.where(agents.USE_RESPONSES),
                f"{agents.USE_RESPONSES}=True sends Responses API requests, which the compatible-mode base URL does not serve",
                self.fix(f"Set {agents.USE_RESPONSES}=False", ReplaceNode(arguments.expression(agents.USE_RESPONSES), "False")),
            )

    def _pydantic_ai(self, framework: FrameworkObject) -> Iterator[Violation]:
        entry = framework.entry
        if entry is pydantic_ai.RESPONSES_MODEL:
            yield Violation(
                framework.node,
                "OpenAIResponsesModel sends Responses API requests, which the compatible-mode base URL does not serve",
                _renamed(self, framework, pydantic_ai.RESPONSES_MODEL_ONLY, pydantic_ai.CHAT_MODEL_IMPORT),
            )
        elif entry is pydantic_ai.AGENT_ENTRY and isinstance(framework.model, str):
            prefix, name = entry.model_strings.split(framework.model)
            # an OpenAI model's string is QW903's, whose fix writes the same DashScope form
            if prefix in pydantic_ai.RESPONSES_PREFIXES and is_qwen_model(name) and not is_openai_model(name):
                written = entry.model_strings.written(framework.model, name)
                parameter, _ = framework.parameter(entry.model)
                yield Violation(
                    framework.arguments.where(parameter),
                    f'"{prefix}:" builds a Responses API model, which the compatible-mode base URL does not serve (use {written!r}, DashScope\'s own provider)',
                    self.fix(f"Use {written!r}", ReplaceNode(framework.arguments.expression(parameter), Text(written))),
                )

    def _dspy(self, framework: FrameworkObject) -> Iterator[Violation]:
        name, responses = dspy.MODEL_TYPE_RESPONSES
        if framework.arguments.value(name) == responses:
            yield Violation(
                framework.arguments.where(name),
                f'{name}="{responses}" sends Responses API requests, which the compatible-mode base URL does not serve',
                self.fix(f'Set {name}="{dspy.MODEL_TYPE_CHAT}"', ReplaceNode(framework.arguments.expression(name), Text(dspy.MODEL_TYPE_CHAT))),
            )

    def _langchain(self, framework: FrameworkObject) -> Iterator[Violation]:
        arguments = framework.arguments
        flag = arguments.value(langchain.RESPONSES_FLAG)
        if flag is True:
            yield Violation(
                arguments.where(langchain.RESPONSES_FLAG),
                "use_responses_api=True sends Responses API requests, which the compatible-mode base URL does not serve",
                _off(self, framework, ReplaceNode(arguments.expression(langchain.RESPONSES_FLAG), "False")),
            )
        elif flag is False:  # on Chat Completions, where ChatOpenAI passes these to create()
            for name in _responses_settings(framework):
                yield Violation(
                    arguments.where(name),
                    f"{name} is a Responses API setting: with use_responses_api=False ChatOpenAI passes it to chat.completions.create(), which raises TypeError",
                    self.fix(f"Remove {name}", arguments.remove(name)),
                )
        elif flag is MISSING:
            trigger = _trigger(framework)
            if trigger is not None:
                yield Violation(
                    framework.node,
                    f"{trigger} makes ChatOpenAI send Responses API requests, which the compatible-mode base URL does not serve",
                    _off(self, framework, SetKeyword(framework.node, langchain.RESPONSES_FLAG, "False")),
                )


def _renamed(rule: FrameworkRule, framework: FrameworkObject, only: tuple[str, ...], chat_model: tuple[str, str]) -> Optional[Fix]:
    """The fix of a Responses model class: the framework's Chat Completions model, built with the
    same arguments; none when the call names the class other than by a plain name, or passes what
    the chat model does not take."""
    module, name = chat_model
    func = framework.node.func
    if not isinstance(func, cst.Name) or any(keyword in framework.arguments for keyword in only) or not framework.means(name, f"{module}.{name}"):
        return None
    imported = framework.entry.imports[0].rpartition(".")[0]
    return rule.fix(
        f"Use {name}",
        ReplaceNode(func, name),
        AddImport(module, name),
        RemoveUnusedImport(imported, func.value),
    )


def _off(rule: FrameworkRule, framework: FrameworkObject, flag: Edit) -> Optional[Fix]:
    """The fix: the flag set to False, and the Responses-only settings removed, since on Chat
    Completions ChatOpenAI passes them to `create()`, which takes none of them."""
    arguments = framework.arguments
    settings = _responses_settings(framework)
    description = "Set use_responses_api=False" + "".join(f", remove {name}" for name in settings)
    return rule.fix(description, flag, *(arguments.remove(name) for name in settings))


def _responses_settings(framework: FrameworkObject) -> list[str]:
    """The Responses-only settings the object is given a value for."""
    arguments = framework.arguments
    return [name for name in langchain.RESPONSES_TRIGGERS if name in arguments and arguments.value(name) is not None]


def _trigger(framework: FrameworkObject) -> Optional[str]:
    """What switches the object to the Responses API, with use_responses_api unset."""
    arguments = framework.arguments
    for name in langchain.RESPONSES_TRIGGERS:
        if arguments.value(name) not in (MISSING, None, DYNAMIC):
            return name
    if arguments.value(langchain.RESPONSES_PREVIOUS_ID) is True:
        return langchain.RESPONSES_PREVIOUS_ID
    name, value = langchain.RESPONSES_OUTPUT_VERSION
    if arguments.value(name) == value:
        return f'{name}="{value}"'
    options = arguments.value(langchain.MODEL_KWARGS)
    for key in langchain.RESPONSES_PAYLOAD_KEYS if isinstance(options, dict) else ():
        if options.get(key) not in (None, DYNAMIC):
            return f"{key} in {langchain.MODEL_KWARGS}"
    chosen = framework.model
    if isinstance(chosen, str):
        bare = chosen.partition(":")[2] or chosen
        if bare.startswith(langchain.RESPONSES_MODEL_PREFIXES) or langchain.RESPONSES_MODEL_WORD in bare:
            return f"the model {bare!r}"
    return None

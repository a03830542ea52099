from typing import Iterator, Optional

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import Edit, ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.frameworks import CHAT
from qwen_migrate.facts.frameworks import dspy, instructor, langchain
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.request import DYNAMIC, MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule, instructor_mode
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
    Responses-only setting given all the same is reported too. And instructor's
    `Mode.RESPONSES_TOOLS` and `Mode.RESPONSES_TOOLS_WITH_INBUILT_TOOLS` (`from_openai`, `patch`,
    `from_provider`).

    ## Why is this bad?
    ChatOpenAI then POSTs to `{base_url}/responses`; on the compatible-mode base URL that path
    does not exist (404), and DashScope serves Responses under another base URL (spec, "Responses
    API"), which the same object cannot use for its chat requests. Source: langchain-openai 1.7.4
    `chat_models/base.py`, `_use_responses_api` and `_model_prefers_responses_api`. On Chat
    Completions, ChatOpenAI passes the Responses-only settings to `create()`, which raises
    TypeError. dspy 3.4.1
    `clients/lm.py` (`model_type="responses"` sends through LiteLLM's `responses()`). instructor
    1.17.0 sends its Responses modes through the client's `responses.create`
    (`v2/providers/openai/handlers.py`).

    ## Fix safety
    Unsafe: `use_responses_api=False` keeps the object on Chat Completions, and the Responses-only
    settings (`reasoning`, `include`, `truncation`, `context_management`) go: ChatOpenAI would pass
    them to the SDK's `chat.completions.create()`, which raises TypeError for each. What they asked
    for is lost: review it (DashScope's thinking switches travel in `extra_body`). DSPy's LM gets
    `model_type="chat"`, which reads replies in the Chat Completions form: code that reads Responses
    output items from the LM's history must change. instructor's `Mode.RESPONSES_TOOLS` becomes
    `Mode.TOOLS`, the same tool call on Chat Completions; `RESPONSES_TOOLS_WITH_INBUILT_TOOLS`
    (OpenAI's built-in tools, such as web search) is reported only.
    """

    code = "QW906"
    name = "framework-responses-api"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Responses API, "base_url"; frameworks.md'
    kinds = frozenset({CHAT})
    VALID = [
        LANGCHAIN_DASHSCOPE,
        LANGCHAIN_DASHSCOPE.replace("    api_key=", "    use_responses_api=False,\n    api_key="),
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
            _CLIENT.replace("    reasoning=", "    use_responses_api=False,\n    reasoning="),
            at='reasoning={"effort": "low"}',
            message="reasoning is a Responses API setting: with use_responses_api=False ChatOpenAI passes it to chat.completions.create(), which raises TypeError",
            fixed=LANGCHAIN_DASHSCOPE.replace("    api_key=", "    use_responses_api=False,\n    api_key="),
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry.framework == "dspy":
            yield from self._dspy(framework)
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

from typing import Iterator, Optional

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import Edit, ReplaceNode, SetKeyword
from qwen_migrate.facts.frameworks import CHAT
from qwen_migrate.facts.frameworks import langchain
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.request import DYNAMIC, MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import LANGCHAIN_DASHSCOPE, FrameworkRule, model
from qwen_migrate.settings import Settings

_CLIENT = LANGCHAIN_DASHSCOPE.replace("    api_key=", '    reasoning={"effort": "low"},\n    api_key=')


class FrameworkResponsesApi(FrameworkRule):
    """
    ## What it does
    Reports a LangChain `ChatOpenAI` (or `init_chat_model("openai:...")`) that sends Responses API
    requests: `use_responses_api=True`, or, with `use_responses_api` left unset, any of the
    settings that switch it on (`reasoning`, `include`, `truncation`, `context_management`,
    `use_previous_response_id=True`, `output_version="responses/v1"`) or a model name that does
    (`gpt-5-pro` and the other `-pro` names, any name with "codex").

    ## Why is this bad?
    ChatOpenAI then POSTs to `{base_url}/responses`; on the compatible-mode base URL that path
    does not exist (404), and DashScope serves Responses under another base URL (spec, "Responses
    API"), which the same object cannot use for its chat requests. Source: langchain-openai 1.7.4
    `chat_models/base.py`, `_use_responses_api` and `_model_prefers_responses_api`.

    ## Fix safety
    Unsafe: `use_responses_api=False` keeps the object on Chat Completions, and the Responses-only
    settings (`reasoning`, `include`, `truncation`, `context_management`) go: ChatOpenAI would pass
    them to the SDK's `chat.completions.create()`, which raises TypeError for each. What they asked
    for is lost: review it (DashScope's thinking switches travel in `extra_body`).
    """

    code = "QW906"
    name = "framework-responses-api"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Responses API, "base_url"; frameworks.md'
    kinds = frozenset({CHAT})
    VALID = [
        LANGCHAIN_DASHSCOPE,
        _CLIENT.replace("    reasoning=", "    use_responses_api=False,\n    reasoning="),
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
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if "ChatOpenAI" not in (framework.entry.name, framework.entry.behaves_as):
            return
        arguments = framework.arguments
        flag = arguments.value(langchain.RESPONSES_FLAG)
        if flag is True:
            yield Violation(
                arguments.where(langchain.RESPONSES_FLAG),
                "use_responses_api=True sends Responses API requests, which the compatible-mode base URL does not serve",
                _off(self, framework, ReplaceNode(arguments.expression(langchain.RESPONSES_FLAG), "False")),
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
    settings = [name for name in langchain.RESPONSES_TRIGGERS if name in arguments and arguments.value(name) is not None]
    description = "Set use_responses_api=False" + "".join(f", remove {name}" for name in settings)
    return rule.fix(description, flag, *(arguments.remove(name) for name in settings))


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
    chosen = model(framework)
    if isinstance(chosen, str):
        bare = chosen.partition(":")[2] or chosen
        if bare.startswith(langchain.RESPONSES_MODEL_PREFIXES) or langchain.RESPONSES_MODEL_WORD in bare:
            return f"the model {bare!r}"
    return None

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.dashscope import map_model
from qwen_migrate.facts.frameworks import AGENT, CHAT, CHAT_REQUEST, EMBEDDING_REQUEST, EMBEDDINGS, OPENAI_PROVIDER, REJECTED
from qwen_migrate.facts.openai_sdk import is_openai_model
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import FrameworkRule
from qwen_migrate.settings import Settings


class FrameworkModelName(FrameworkRule):
    """
    ## What it does
    Reports an OpenAI model name in a framework's model parameter or model string: LangChain
    `ChatOpenAI(model=...)` / `model_name=`, `OpenAIEmbeddings(model=...)` and their defaults
    (`gpt-3.5-turbo`, `text-embedding-ada-002`) when none is given, `init_chat_model("openai:gpt-4o")`,
    LiteLLM `completion(model="gpt-4o")` / `"openai/gpt-4o"`, DSPy `LM("openai/gpt-4o")`, CrewAI
    `LLM(model="gpt-4o")` and `Agent(llm="gpt-4o")`, LlamaIndex `OpenAI(model=...)` (default
    `gpt-3.5-turbo`) and `OpenAIEmbedding(model=...)` (default `text-embedding-ada-002`),
    openai-agents `Agent(model="gpt-4o")` and its model classes, pydantic-ai `Agent("openai:gpt-4o")`
    and `OpenAIChatModel("gpt-4o")`, AutoGen `OpenAIChatCompletionClient(model=...)`, instructor
    `from_openai(client, model=...)` and `from_provider("openai/gpt-4o")`. Also a DashScope prefix
    the framework rejects: instructor's `from_provider("dashscope/qwen-plus")`.

    ## Why is this bad?
    DashScope serves Qwen models only: a request for `gpt-4o` fails. SDK calls' model names are
    QW210's; this rule reads the framework's own spelling of the parameter and its model strings.
    instructor has no "dashscope" provider: `from_provider("dashscope/...")` raises
    `ConfigurationError: Unsupported provider: dashscope` (instructor 1.17.0
    `v2/auto_client.py:150-161`); DashScope is reached as `openai/<model>` with its `base_url`.

    ## Fix safety
    Safe: the name is mapped through the model map (configurable) and written in the framework's
    DashScope form: LiteLLM and CrewAI `dashscope/<model>` (their DashScope providers), pydantic-ai
    `alibaba:<model>` (its DashScope provider, on Chat Completions), the other
    prefixes kept as written (`openai/` beside DSPy's `api_base`, `openai:` for `init_chat_model`,
    which infers no provider from a Qwen name), LangChain's and LlamaIndex's classes the bare name
    (LlamaIndex's OpenAIEmbedding under `model_name`, see QW907; its OpenAI, see QW909). No fix for a
    name the map lacks, nor for a rejected prefix (its base URL and key must be given too).
    """

    code = "QW903"
    name = "framework-model-name"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = "Quick migration; frameworks.md"
    kinds = frozenset({CHAT, EMBEDDINGS, CHAT_REQUEST, EMBEDDING_REQUEST, AGENT})
    VALID = [
        dedent("""\
            from crewai import LLM

            llm = LLM(model="dashscope/qwen3.6-plus")
            """),
        dedent("""\
            from langchain.chat_models import init_chat_model

            llm = init_chat_model("anthropic:claude-sonnet-4-5")
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                import litellm

                response = litellm.completion(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])
                """),
            at='model="gpt-4o"',
            message="'gpt-4o' is an OpenAI model, not served by DashScope (use 'dashscope/qwen3.6-plus')",
            fixed=dedent("""\
                import litellm

                response = litellm.completion(model="dashscope/qwen3.6-plus", messages=[{"role": "user", "content": "Hi"}])
                """),
        ),
        Invalid(
            dedent("""\
                from langchain.chat_models import init_chat_model

                llm = init_chat_model("gpt-4o-mini", temperature=0)
                """),
            at='"gpt-4o-mini"',
            message="'gpt-4o-mini' is an OpenAI model, not served by DashScope (use 'openai:qwen3.6-flash')",
            fixed=dedent("""\
                from langchain.chat_models import init_chat_model

                llm = init_chat_model("openai:qwen3.6-flash", temperature=0)
                """),
        ),
        Invalid(
            dedent("""\
                from langchain_openai import OpenAIEmbeddings

                embeddings = OpenAIEmbeddings(check_embedding_ctx_length=False, chunk_size=10, model_kwargs={"encoding_format": "float"})
                """),
            at='OpenAIEmbeddings(check_embedding_ctx_length=False, chunk_size=10, model_kwargs={"encoding_format": "float"})',
            message="OpenAIEmbeddings has no model: it asks for 'text-embedding-ada-002', not served by DashScope (use 'text-embedding-v4')",
            fixed=dedent("""\
                from langchain_openai import OpenAIEmbeddings

                embeddings = OpenAIEmbeddings(check_embedding_ctx_length=False, chunk_size=10, model_kwargs={"encoding_format": "float"}, model="text-embedding-v4")
                """),
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        entry = framework.entry
        if framework.provider == REJECTED:
            yield _rejected(framework)
            return
        name, model = framework.parameter(entry.model)
        if model is MISSING and entry.default_model is not None:
            replacement = map_model(entry.default_model, settings.models)
            hint = f" (use {replacement!r})" if replacement else ""
            fix = self.fix(f"Set {entry.model[0]} to {replacement!r}", SetKeyword(framework.node, entry.model[0], Text(replacement))) if replacement else None
            yield Violation(framework.node, f"{entry.name} has no {entry.model[0]}: it asks for {entry.default_model!r}, not served by DashScope{hint}", fix)
            return
        if not isinstance(model, str):
            return
        strings = entry.model_strings
        bare = strings.split(model)[1] if strings else model
        if not is_openai_model(bare):
            return
        replacement = map_model(bare, settings.models)
        if replacement is not None and strings is not None:
            provider_given = entry.provider_parameter is not None and entry.provider_parameter[0] in framework.arguments
            replacement = strings.written(model, replacement, provider_given)
        hint = f" (use {replacement!r})" if replacement else "; add it to the models map to have it replaced"
        fix = self.fix(f"Replace with {replacement!r}", ReplaceNode(framework.arguments.expression(name), Text(replacement))) if replacement else None
        yield Violation(framework.arguments.where(name), f"{bare!r} is an OpenAI model, not served by DashScope{hint}", fix)


def _rejected(framework: FrameworkObject) -> Violation:
    """A model string whose DashScope prefix the framework has no provider for: it raises."""
    name, model = framework.parameter(framework.entry.model)
    strings = framework.entry.model_strings
    prefix, bare = strings.split(model)
    openai = next(given for given, provider in strings.providers.items() if provider == OPENAI_PROVIDER)
    return Violation(
        framework.arguments.where(name),
        f"{framework.entry.name} has no {prefix!r} provider and raises: write '{openai}{strings.separator}{bare}' with DashScope's base_url",
    )

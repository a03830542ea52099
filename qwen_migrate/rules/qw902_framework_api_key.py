from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.frameworks import CHAT, CHAT_REQUEST, EMBEDDING_REQUEST, EMBEDDINGS, OPENAI_PROVIDER
from qwen_migrate.facts.openai_sdk import OPENAI_KEY_VARIABLE, OPENAI_KEY_VARIABLES
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid, read_environment
from qwen_migrate.rules.frameworks import FrameworkRule
from qwen_migrate.settings import Settings


class FrameworkApiKey(FrameworkRule):
    """
    ## What it does
    Reports a framework object on OpenAI's provider (LangChain `ChatOpenAI`, `OpenAIEmbeddings`,
    `init_chat_model("openai:...")`, LiteLLM and DSPy `openai/` models, CrewAI `LLM` with an OpenAI
    model, LlamaIndex `OpenAI`, `OpenAILike`, `OpenAIEmbedding`, `OpenAILikeEmbedding`, the
    `OpenAIProvider` of openai-agents and pydantic-ai without an `openai_client`) given no API key,
    or one read from `OPENAI_API_KEY`.

    ## Why is this bad?
    Given no key, each framework's OpenAI client reads `OPENAI_API_KEY`, an OpenAI key that
    DashScope refuses. The DashScope providers (`dashscope/` models) read `DASHSCOPE_API_KEY`
    themselves and are not reported. LlamaIndex's `OpenAILikeEmbedding` sends the key "fake"
    instead (llama-index-embeddings-openai-like==0.4.0 `llama_index/embeddings/openai_like/base.py:62`). Sources: langchain-openai 1.7.4 `chat_models/base.py`
    (`openai_api_key`, alias `api_key`, from `OPENAI_API_KEY`); litellm 1.110 `main.py`.

    ## Fix safety
    Safe: the key is read from `DASHSCOPE_API_KEY` (or the configured variable), under the
    parameter spelling the call uses; a key is never written into the code. A key read into a
    variable is reported only: other code may use it.
    """

    code = "QW902"
    name = "framework-api-key"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = "Quick migration; frameworks.md"
    kinds = frozenset({CHAT, EMBEDDINGS, CHAT_REQUEST, EMBEDDING_REQUEST})
    VALID = [
        dedent("""\
            import os
            import litellm

            litellm.completion(
                model="openai/qwen3.6-plus",
                api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                api_key=os.getenv("DASHSCOPE_API_KEY"),
                messages=[],
            )
            """),
        dedent("""\
            import litellm

            litellm.completion(model="dashscope/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", messages=[])
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from langchain_openai import ChatOpenAI

                llm = ChatOpenAI(model="qwen3.6-plus", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
                """),
            at='ChatOpenAI(model="qwen3.6-plus", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")',
            message="ChatOpenAI has no api_key: it reads OPENAI_API_KEY",
            fixed=dedent("""\
                from langchain_openai import ChatOpenAI
                import os

                llm = ChatOpenAI(model="qwen3.6-plus", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.getenv("DASHSCOPE_API_KEY"))
                """),
        ),
        Invalid(
            dedent("""\
                import os
                import dspy

                lm = dspy.LM("openai/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.environ["OPENAI_API_KEY"])
                """),
            at='dspy.LM("openai/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.environ["OPENAI_API_KEY"])',
            message="api_key is read from OPENAI_API_KEY; DashScope keys live in DASHSCOPE_API_KEY",
            fixed=dedent("""\
                import os
                import dspy

                lm = dspy.LM("openai/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.environ["DASHSCOPE_API_KEY"])
                """),
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        entry = framework.entry
        if framework.provider != OPENAI_PROVIDER or not entry.api_key:
            return
        name, key = framework.parameter(entry.api_key)
        description = f"Read the key from {settings.api_key_env}"
        if key is MISSING or key is None:
            read = read_environment(settings.api_key_env, framework)
            written = name or entry.api_key[0]
            yield Violation(
                framework.node,
                f"{entry.name} has no {written}: "
                + (f"it sends {entry.default_api_key!r}" if entry.default_api_key else f"it reads {OPENAI_KEY_VARIABLE}"),
                self.fix(description, SetKeyword(framework.node, written, read.code), read.needs) if read else None,
            )
        elif framework.arguments.environment_variable(name) in OPENAI_KEY_VARIABLES:
            through_name = framework.arguments.through_name(name)
            yield Violation(
                framework.node,
                f"{name} is read from {framework.arguments.environment_variable(name)}; DashScope keys live in {settings.api_key_env}"
                + (" (change it where the variable is read)" if through_name else ""),
                None if through_name else self.fix(description, ReplaceNode(framework.arguments.environment_literal(name), Text(settings.api_key_env))),
            )

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import SetKeyword, Text
from qwen_migrate.facts.dashscope import COMPATIBLE_APIS, DASHSCOPE, OPENAI
from qwen_migrate.facts.frameworks import AGENT, AZURE_CHAT, CHAT, CHAT_REQUEST, DASHSCOPE_PROVIDER, EMBEDDING_REQUEST, EMBEDDINGS, OPENAI_PROVIDER
from qwen_migrate.facts.openai_sdk import OPENAI_BASE_URL_VARIABLES
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.rules.frameworks import FrameworkRule
from qwen_migrate.settings import Settings


class FrameworkBaseUrl(FrameworkRule):
    """
    ## What it does
    Reports a framework object that sends its requests to OpenAI: LangChain `ChatOpenAI`,
    `OpenAIEmbeddings` and `init_chat_model("openai:...")` without a DashScope `base_url` (or its
    alias `openai_api_base`), or with one read from `OPENAI_API_BASE`/`OPENAI_BASE_URL`; LiteLLM
    `completion`/`embedding` and DSPy `LM` with an `openai/` (or bare OpenAI) model and no DashScope
    `api_base`; CrewAI `LLM` with an OpenAI model; LlamaIndex `OpenAI`, `OpenAILike`,
    `OpenAIEmbedding` and `OpenAILikeEmbedding` without a DashScope `api_base`; LangChain
    `AzureChatOpenAI`. Also reports the
    DashScope providers of LiteLLM and DSPy (`dashscope/` models), which default to the Beijing
    URL, and CrewAI's, which defaults to Singapore, where the configured region is another; an
    `OpenAIProvider` of openai-agents or pydantic-ai given neither a `base_url` nor an
    `openai_client` (whose own URL the QW1 rules judge), and pydantic-ai's `"alibaba:"` models,
    which default to Singapore, in another region.

    ## Why is this bad?
    Without a base URL each framework builds an OpenAI SDK client for `api.openai.com` (LangChain
    reads `OPENAI_API_BASE` first; LlamaIndex reads `OPENAI_API_BASE` and never `OPENAI_BASE_URL`,
    llama-index-llms-openai==0.8.3 `llama_index/llms/openai/utils.py:1034-1059`; the `OpenAIProvider`s
    of openai-agents and pydantic-ai, AutoGen's client and instructor's `from_provider` leave it to
    the SDK, which reads `OPENAI_BASE_URL`, openai-agents==0.24.0
    `agents/models/openai_provider.py:165`); a Singapore key is refused in Beijing and the other way round.
    Sources: langchain-openai 1.7.4 `chat_models/base.py` (`openai_api_base`, alias `base_url`),
    litellm 1.110 `llms/dashscope/` (the Beijing default, `DASHSCOPE_API_BASE`), crewai 1.x
    `llms/providers/openai_compatible/completion.py` (the Singapore default, `DASHSCOPE_BASE_URL`).

    ## Fix safety
    Safe: the object gets the compatible-mode URL of the configured region under the
    framework's own parameter name (the spelling the call already uses, else `base_url` or
    `api_base`). An object addressed to another provider, or whose URL is not a literal, is left
    alone. `AzureChatOpenAI`, and a CrewAI `Agent(llm="dashscope/...")` in a region other than
    Singapore, have no such parameter: reported only (a model string of an Agent is QW903's).
    """

    code = "QW901"
    name = "framework-base-url"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = "Quick migration; frameworks.md"
    kinds = frozenset({CHAT, EMBEDDINGS, AZURE_CHAT, CHAT_REQUEST, EMBEDDING_REQUEST, AGENT})
    VALID = [
        dedent("""\
            import os
            from langchain_openai import ChatOpenAI

            llm = ChatOpenAI(
                model="qwen3.6-plus",
                base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                api_key=os.getenv("DASHSCOPE_API_KEY"),
            )
            """),
        dedent("""\
            import litellm

            litellm.completion(model="ollama/llama3", messages=[])
            """),
        dedent("""\
            from langchain_openai import ChatOpenAI

            llm = ChatOpenAI(model="llama3", base_url="http://localhost:11434/v1", api_key="ollama")
            """),
        dedent("""\
            from crewai import LLM

            llm = LLM(model="dashscope/qwen3.6-plus")
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from langchain_openai import ChatOpenAI

                llm = ChatOpenAI(model="qwen3.6-plus")
                """),
            at='ChatOpenAI(model="qwen3.6-plus")',
            message="ChatOpenAI has no base_url: requests go to OPENAI_API_BASE or api.openai.com, not DashScope",
            fixed=dedent("""\
                from langchain_openai import ChatOpenAI

                llm = ChatOpenAI(model="qwen3.6-plus", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
                """),
        ),
        Invalid(
            dedent("""\
                import dspy

                lm = dspy.LM("dashscope/qwen3.6-plus")
                """),
            at='dspy.LM("dashscope/qwen3.6-plus")',
            message="LM's DashScope provider defaults to https://dashscope.aliyuncs.com/compatible-mode/v1 (set DASHSCOPE_API_BASE or api_base), not the configured https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            fixed=dedent("""\
                import dspy

                lm = dspy.LM("dashscope/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
                """),
        ),
        Invalid(
            dedent("""\
                import os
                from langchain_openai import OpenAIEmbeddings

                embeddings = OpenAIEmbeddings(openai_api_base=os.environ["OPENAI_API_BASE"])
                """),
            at='OpenAIEmbeddings(openai_api_base=os.environ["OPENAI_API_BASE"])',
            message="openai_api_base is read from OPENAI_API_BASE, OpenAI's variable: set DashScope's endpoint",
        ),
        Invalid(
            dedent("""\
                from langchain_openai import AzureChatOpenAI

                llm = AzureChatOpenAI(azure_deployment="gpt-4o", api_version="2024-06-01")
                """),
            at='AzureChatOpenAI(azure_deployment="gpt-4o", api_version="2024-06-01")',
            message="AzureChatOpenAI talks to Azure OpenAI: use ChatOpenAI with DashScope's base_url",
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        entry = framework.entry
        if entry.kind == AZURE_CHAT:
            yield Violation(framework.node, f"{entry.name} talks to Azure OpenAI: use ChatOpenAI with DashScope's base_url")
            return
        name, url = framework.base_url
        written = name or (entry.base_url[0] if entry.base_url else None)
        wanted = settings.base_url_for(COMPATIBLE_APIS, url if isinstance(url, str) else None)
        fix = self.fix(f"Set {written} to {wanted}", SetKeyword(framework.node, written, Text(wanted))) if written else None
        talks_to = framework.provider
        if talks_to == DASHSCOPE_PROVIDER:
            prefix, _ = entry.model_strings.split(framework.model)
            default_url, variable = entry.dashscope_defaults[prefix]
            if url is MISSING and default_url != wanted:
                where = f"set {variable}" + (f" or {written}" if written else "")
                yield Violation(
                    framework.node,
                    f"{entry.name}'s DashScope provider defaults to {default_url} ({where}), not the configured {wanted}",
                    fix,
                )
            return
        if talks_to != OPENAI_PROVIDER or not entry.base_url:
            return
        variable = framework.arguments.environment_variable(name) if name else None
        if url is MISSING or url is None:
            yield Violation(framework.node, f"{entry.name} has no {written}: requests go to {entry.base_url_variable} or api.openai.com, not DashScope", fix)
        elif variable in OPENAI_BASE_URL_VARIABLES:
            yield Violation(framework.node, f"{name} is read from {variable}, OpenAI's variable: set DashScope's endpoint", fix)
        elif isinstance(url, str) and settings.provider(url) == OPENAI:
            yield Violation(framework.node, f"{name} {url!r} is not a DashScope endpoint", fix)
        elif isinstance(url, str) and settings.provider(url) == DASHSCOPE and not settings.apis_served(url):
            yield Violation(framework.node, f"{name} {url!r} is on DashScope's host but not at the compatible-mode path", fix)

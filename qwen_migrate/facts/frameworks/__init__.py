"""Frameworks that wrap the OpenAI SDK, as data: how each object that reaches OpenAI is imported,
what its parameters are called, how its model strings name a provider, and which request its
calls send. One module per framework; `reference/frameworks.md` gives the facts, each entry here
cites the installed package's source, and tests/test_framework_drift.py checks the parameter names
against the packages the test extras install.

The analysis (analysis/flow.py) finds an entry's calls by the qualified name they are imported by,
never by a bare name, and the QW9 rules read the entry to judge them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from qwen_migrate.facts.openai_sdk import is_openai_model

# What an entry builds or sends.
CHAT = "chat"  # a chat model object (LangChain ChatOpenAI, CrewAI LLM, DSPy LM)
EMBEDDINGS = "embeddings"  # an embeddings object (LangChain OpenAIEmbeddings)
AZURE_CHAT = "azure-chat"  # a chat model on Azure OpenAI (LangChain AzureChatOpenAI)
CHAT_REQUEST = "chat-request"  # a function that sends one Chat Completions request (LiteLLM completion)
EMBEDDING_REQUEST = "embedding-request"  # a function that sends one Embeddings request (LiteLLM embedding)
AGENT = "agent"  # an object that takes a model string or a chat model object (CrewAI Agent)
TASK = "task"  # a unit of work whose options choose the request's output format (CrewAI Task)
OPTIONS = "options"  # request options an agent sends with each of its requests (openai-agents ModelSettings)
# a call that configures the framework for the whole process, by its first argument
# (openai-agents `set_default_openai_api("chat_completions")`): made anywhere in the project, it
# counts for every module (see ProjectIndex.settings)
SETTING = "setting"

# Who a framework object talks to, from its model string and base URL.
OPENAI_PROVIDER = "openai"  # OpenAI's API through the SDK, unless a base URL says otherwise
DASHSCOPE_PROVIDER = "dashscope"  # the framework's own DashScope provider, with its default base URL
OTHER = "other"  # another provider: nothing of ours
# a prefix naming DashScope that the framework rejects (instructor's `from_provider("dashscope/...")`
# raises ConfigurationError): the code cannot run as written
REJECTED = "rejected"


@dataclass(frozen=True)
class ModelStrings:
    """How a framework's model string names the provider: `openai/gpt-4o`, `openai:gpt-4o`.

    `providers` maps a prefix to OPENAI_PROVIDER or DASHSCOPE_PROVIDER (any other prefix is another
    provider's); a name without a prefix is an OpenAI model's when the SDK's model names know it,
    or, with `bare_is_openai`, whatever it is (CrewAI infers "openai" for any unknown name).
    `dashscope_form` is how a Qwen model is written for DashScope in this framework (LiteLLM's
    "dashscope/{}"); without one a fix keeps the string's prefix, and gives a bare name
    `bare_prefix` (init_chat_model infers OpenAI from "gpt-..." but from no Qwen name).
    """

    separator: str
    providers: dict[str, str]
    dashscope_form: Optional[str] = None
    bare_is_openai: bool = False
    bare_prefix: Optional[str] = None

    def split(self, model: str) -> tuple[Optional[str], str]:
        """(prefix, name) of a model string; no prefix: None."""
        prefix, separator, name = model.partition(self.separator)
        return (prefix, name) if separator else (None, model)

    def provider(self, model: str) -> str:
        prefix, name = self.split(model)
        if prefix is None:
            return OPENAI_PROVIDER if self.bare_is_openai or is_openai_model(name) else OTHER
        return self.providers.get(prefix, OTHER)

    def written(self, model: str, qwen_model: str, provider_given: bool = False) -> str:
        """The model string for `qwen_model` in place of `model` (`provider_given`: the provider is
        named by a parameter of its own, so the name stays bare)."""
        if self.dashscope_form is not None:
            return self.dashscope_form.format(qwen_model)
        prefix, _ = self.split(model)
        if prefix is None:
            prefix = None if provider_given else self.bare_prefix
        return qwen_model if prefix is None else f"{prefix}{self.separator}{qwen_model}"


@dataclass(frozen=True)
class Entry:
    """A constructor or function of a framework that reaches OpenAI (or DashScope) through the SDK.

    Parameter names are tuples of the spellings the framework accepts (aliases), the first being
    the one a fix writes. `positional` names the parameters a call may pass by position. A model
    given by neither spelling is `default_model`. `request` names the SDK method whose request the
    call's own keywords are (a LiteLLM call's), with `own` the keywords the framework keeps for
    itself rather than sending; `methods` the methods of the object the QW9 rules judge.
    `dashscope_defaults` gives, by the model-string prefix of each of the framework's DashScope
    providers, where it sends requests when given no base URL and the environment variable that
    moves it.
    """

    framework: str
    name: str
    kind: str
    imports: tuple[str, ...]
    source: str
    model: tuple[str, ...] = ()
    base_url: tuple[str, ...] = ()
    api_key: tuple[str, ...] = ()
    positional: tuple[str, ...] = ()
    default_model: Optional[str] = None
    model_strings: Optional[ModelStrings] = None
    request: Optional[str] = None
    own: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    extra_body: Optional[str] = "extra_body"
    dashscope_defaults: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the objects of this entry behave as those of another (`init_chat_model("openai:...")` builds a ChatOpenAI)
    behaves_as: Optional[str] = None
    # a parameter naming the provider, and its value for OpenAI (`model_provider="openai"`)
    provider_parameter: Optional[tuple[str, str]] = None
    # a class given as `response_format` is sent as its json_schema, as the SDK's `parse` sends it
    parses_classes: bool = False
    # the base URL spellings the framework's DashScope provider reads, where fewer than `base_url`
    dashscope_base_url: Optional[tuple[str, ...]] = None
    # the environment variable the framework's OpenAI client reads for its base URL when given none
    # (LangChain and LlamaIndex read OPENAI_API_BASE; a framework that builds the SDK's client with
    # no base URL leaves it to the SDK, which reads OPENAI_BASE_URL)
    base_url_variable: str = "OPENAI_API_BASE"
    # the key the framework sends when given none, where it does not read OPENAI_API_KEY
    # (LlamaIndex's OpenAILikeEmbedding sends "fake")
    default_api_key: Optional[str] = None
    # parameters that take an SDK client, whose own base URL and key (judged where it is built) then count
    client: tuple[str, ...] = ()
    # the parameter whose OpenAI SDK client the call returns, patched (instructor's `from_openai(client)`):
    # the calls through its result are that client's SDK calls
    wraps: Optional[str] = None
    # the SETTING entry (its key) whose client an object of this entry given a model name talks
    # through, wherever in the project it is made (openai-agents' Agent: set_default_openai_client)
    default_client: Optional[str] = None


    @property
    def origin(self) -> tuple[str, str]:
        """(module, name) of its first import: what the project index names a setting by."""
        module, _, name = self.imports[0].rpartition(".")
        return module, name

    @property
    def key(self) -> str:
        """What names the entry in the project index: "langchain.ChatOpenAI"."""
        return f"{self.framework}.{self.name}"


def entries() -> tuple[Entry, ...]:
    from qwen_migrate.facts.frameworks import agents, autogen, crewai, dspy, instructor, langchain, litellm, llamaindex, pydantic_ai

    return (
        *langchain.ENTRIES,
        *litellm.ENTRIES,
        *dspy.ENTRIES,
        *crewai.ENTRIES,
        *llamaindex.ENTRIES,
        *agents.ENTRIES,
        *pydantic_ai.ENTRIES,
        *autogen.ENTRIES,
        *instructor.ENTRIES,
    )


def _by_import() -> dict[str, Entry]:
    return {name: entry for entry in entries() for name in entry.imports}


BY_IMPORT = _by_import()
BY_KEY = {entry.key: entry for entry in entries()}
# by framework: its SETTING entries
SETTINGS = {
    framework: tuple(entry for entry in entries() if entry.kind == SETTING and entry.framework == framework)
    for framework in {entry.framework for entry in entries() if entry.kind == SETTING}
}
# A file that builds an entry's object says one of these (the package it imports from, or for
# langchain, whose other modules are not ours, the function's name; for instructor, a common word,
# its import statements): the prefilter parses only
# files that say "openai" or one of them. A test checks that every entry's imports contain one.
WORDS = (
    "litellm",
    "dspy",
    "crewai",
    "init_chat_model",
    "llama_index",
    "from agents",
    "import agents",
    "pydantic_ai",
    "autogen_ext",
    "import instructor",
    "from instructor",
)

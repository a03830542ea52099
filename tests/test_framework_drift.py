"""The installed frameworks against qwen_migrate/facts/frameworks: every import name, parameter name,
alias, default and switch an entry (or a QW9 rule through the module's constants) relies on.

A release that renames or removes one fails here, so that someone updates the facts before the rules
judge code by names the framework no longer reads. langchain-openai is in the test extras (the bound
in pyproject.toml); langchain (init_chat_model), LiteLLM, DSPy and CrewAI are not, and their tests run
where they are installed.
"""
import importlib
import inspect
import re

import pytest
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI, OpenAIEmbeddings
from langchain_openai.chat_models import base as chat_models_base

from qwen_migrate.facts.frameworks import Entry, crewai, dspy, langchain, litellm


def resolved(qualified: str):
    module, _, name = qualified.rpartition(".")
    return getattr(importlib.import_module(module), name)


def check_imports(entry: Entry, same=lambda target: id(target)) -> None:
    """Each qualified name imports, and the names of one function or class (the package's, its
    subpackage's and its module's) are the same object (or, with `same`, alike in what it gives)."""
    by_name = {}
    for qualified in entry.imports:
        by_name.setdefault(qualified.rpartition(".")[2], set()).add(same(resolved(qualified)))
    assert all(len(objects) == 1 for objects in by_name.values()), (entry.name, by_name)


def fields(model_class) -> dict:
    """A pydantic model's fields by every name a caller may give them: the field's and its alias."""
    named = {}
    for name, info in model_class.model_fields.items():
        named[name] = info
        if info.alias:
            named[info.alias] = info
    return named


def entry_parameters(entry: Entry) -> list:
    return [*entry.model, *entry.base_url, *entry.api_key, *entry.positional]


# -- LangChain: langchain-openai (the test extras' version) ------------------------------------------

LANGCHAIN_CLASSES = [langchain.CHAT_OPENAI, langchain.OPENAI_EMBEDDINGS, langchain.AZURE_CHAT_OPENAI]


@pytest.mark.parametrize("entry", LANGCHAIN_CLASSES, ids=lambda entry: entry.name)
def test_langchain_imports_name_one_class(entry):
    check_imports(entry)
    assert resolved(entry.imports[0]).__name__ == entry.name


@pytest.mark.parametrize("entry", LANGCHAIN_CLASSES, ids=lambda entry: entry.name)
def test_langchain_parameters_are_fields_or_aliases(entry):
    known = fields(resolved(entry.imports[0]))
    relied_on = entry_parameters(entry) + ([entry.extra_body] if entry.extra_body else [])
    assert [name for name in relied_on if name not in known] == []
    if entry.model:  # the model a call that names none asks for
        assert known[entry.model[0]].default == entry.default_model


def test_chat_openai_responses_switches():
    known = fields(ChatOpenAI)
    flag = langchain.RESPONSES_FLAG
    switches = [*langchain.RESPONSES_TRIGGERS, flag, langchain.RESPONSES_OUTPUT_VERSION[0], langchain.RESPONSES_PREVIOUS_ID, langchain.MODEL_KWARGS]
    assert [name for name in switches if name not in known] == []

    # Each switch turns the Responses API on while use_responses_api is unset, and not once it is False.
    def uses_responses(**settings) -> bool:
        return ChatOpenAI.model_construct(model_name="gpt-4o", **settings)._use_responses_api({})

    assert not uses_responses()
    for name in langchain.RESPONSES_TRIGGERS:
        assert uses_responses(**{name: {"set": True}}), name
        assert not uses_responses(**{name: {"set": True}, flag: False}), name
    assert uses_responses(**{langchain.RESPONSES_PREVIOUS_ID: True})
    assert uses_responses(**dict([langchain.RESPONSES_OUTPUT_VERSION]))
    assert uses_responses(**{flag: True})


def test_chat_openai_responses_switches_are_all_known():
    # A new setting that switches ChatOpenAI to the Responses API appears as one more self.<field>
    # read in _use_responses_api.
    source = inspect.getsource(ChatOpenAI._use_responses_api)
    read = set(re.findall(r"self\.(\w+)", source))
    known = {*langchain.RESPONSES_TRIGGERS, langchain.RESPONSES_FLAG, langchain.RESPONSES_OUTPUT_VERSION[0], langchain.RESPONSES_PREVIOUS_ID}
    assert read == known | {"model_name"}


def test_chat_openai_models_that_prefer_responses():
    assert chat_models_base._RESPONSES_API_ONLY_PREFIXES == langchain.RESPONSES_MODEL_PREFIXES
    assert chat_models_base._model_prefers_responses_api(f"gpt-5.1-{langchain.RESPONSES_MODEL_WORD}")
    assert not chat_models_base._model_prefers_responses_api("gpt-4o")


def test_chat_openai_responses_settings_are_sent_to_create_on_chat_completions():
    # Why QW906's fix removes them: with use_responses_api=False they stay in the request payload,
    # which ChatOpenAI passes to chat.completions.create() as keywords.
    settings = {name: {"set": True} for name in langchain.RESPONSES_TRIGGERS}
    chat = ChatOpenAI.model_construct(model_name="gpt-4o", **settings, **{langchain.RESPONSES_FLAG: False})
    assert set(settings) <= set(chat._get_request_payload("hello"))


def test_with_structured_output_default_and_methods():
    method = inspect.signature(ChatOpenAI.with_structured_output).parameters["method"]
    assert method.default == langchain.STRUCTURED_OUTPUT_DEFAULT
    assert all(repr(name) in str(method.annotation) for name in (*langchain.STRUCTURED_OUTPUT_WORKING, method.default))


@tool
def lookup_order(order_id: str) -> str:
    """Look up an order by its id."""
    return order_id


def test_bind_tools_parameters_and_required_choices():
    parameters = inspect.signature(ChatOpenAI.bind_tools).parameters
    assert "tool_choice" in parameters and "parallel_tool_calls" in parameters
    chat = ChatOpenAI(model="gpt-4o", api_key="test")
    for choice in langchain.TOOL_CHOICE_REQUIRED:
        assert chat.bind_tools([lookup_order], tool_choice=choice).kwargs["tool_choice"] == "required", choice
    assert "parallel_tool_calls" not in chat.bind_tools([lookup_order]).kwargs  # left unset: QW910


def test_openai_embeddings_settings_and_defaults():
    known = fields(OpenAIEmbeddings)
    for name, default in (langchain.EMBEDDINGS_TOKEN_IDS, langchain.EMBEDDINGS_CHUNK_SIZE):
        assert known[name].default == default, name
    assert langchain.MODEL_KWARGS in known
    # No field of its own for the encoding: QW907 passes it in model_kwargs.
    assert "encoding_format" not in known


def test_init_chat_model_builds_chat_openai():
    pytest.importorskip("langchain")
    entry = langchain.INIT_CHAT_MODEL
    check_imports(entry)
    init_chat_model = resolved(entry.imports[0])
    parameters = inspect.signature(init_chat_model).parameters
    assert list(parameters)[: len(entry.positional)] == list(entry.positional)
    assert entry.provider_parameter[0] in parameters
    # base_url and api_key travel in **kwargs to the ChatOpenAI it builds, which knows them.
    assert any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values())
    chat = init_chat_model("openai:gpt-4o-mini", base_url="http://127.0.0.1:9/v1", api_key="test")
    assert type(chat).__name__ == entry.behaves_as
    assert (chat.model_name, chat.openai_api_base) == ("gpt-4o-mini", "http://127.0.0.1:9/v1")


# -- LiteLLM, DSPy, CrewAI: where installed -----------------------------------------------------------

# Parameters an entry relies on that are no named parameter of the installed callable: they travel in
# its **kwargs (reference/frameworks.md sections 2-3), and can only be documented here, not asserted.
# LiteLLM's completion reads api_base from kwargs (litellm/main.py completion), its embedding takes
# base_url there; DSPy's LM keeps api_key, api_base and base_url in kwargs (dspy/clients/lm.py LM.__init__).
IN_KWARGS = {
    ("litellm", "completion"): {"api_base"},
    ("litellm", "embedding"): {"base_url"},
    ("dspy", "LM"): {"api_key", "api_base", "base_url"},
}
# Functions that take (*args, **kwargs) and hand them all to another, whose parameters count:
# LiteLLM's aembedding calls embedding(*args, **kwargs) (litellm/main.py aembedding).
FORWARDS_TO = {"aembedding": "embedding"}
OTHER_FRAMEWORKS = [*litellm.ENTRIES, *dspy.ENTRIES, *crewai.ENTRIES]


def installed(framework: str, monkeypatch):
    """The framework's package, or a skip where it is not installed. DSPy and CrewAI import LiteLLM,
    which fetches its model prices from GitHub on import unless told to read its own copy."""
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    return pytest.importorskip(framework)


def parameters_of(target) -> tuple:
    """The names a call of `target` may give, in order, and whether it takes **kwargs (for a
    pydantic model, the signature pydantic makes, and the fields' aliases)."""
    parameters = inspect.signature(target).parameters.values()
    names = [parameter.name for parameter in parameters if parameter.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
    if hasattr(target, "model_fields"):
        names += [name for name in fields(target) if name not in names]
    return names, any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters)


@pytest.mark.parametrize("entry", OTHER_FRAMEWORKS, ids=lambda entry: f"{entry.framework}.{entry.name}")
def test_other_framework_entries(entry, monkeypatch):
    installed(entry.framework, monkeypatch)
    # LiteLLM's top-level completion and embedding are dispatchers (litellm/chat_completions/dispatch.py)
    # that fall back to litellm.main's functions and take their signature: alike, not the same object.
    check_imports(entry, same=lambda target: str(inspect.signature(target)))
    for qualified in entry.imports:
        module, _, name = qualified.rpartition(".")
        names, takes_kwargs = parameters_of(resolved(f"{module}.{FORWARDS_TO.get(name, name)}"))
        in_kwargs = IN_KWARGS.get((entry.framework, entry.name), set())
        missing = [name for name in entry_parameters(entry) if name not in names and not (takes_kwargs and name in in_kwargs)]
        assert missing == [], qualified
        if entry.positional:
            assert names[: len(entry.positional)] == list(entry.positional), qualified


def test_crewai_task_structured_outputs(monkeypatch):
    installed("crewai", monkeypatch)
    task = resolved(crewai.TASK_ENTRY.imports[0])
    assert [name for name in crewai.STRUCTURED_OUTPUTS if name not in fields(task)] == []

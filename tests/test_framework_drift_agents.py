"""openai-agents and pydantic-ai (both in the test extras) against qwen_migrate/facts/frameworks/agents.py
and pydantic_ai.py: every import name, parameter name, default and switch an entry (or a QW9 rule
through the modules' constants) relies on. A release that renames or removes one fails here."""
import importlib
import inspect
from pathlib import Path

import pytest

from qwen_migrate.facts.frameworks import SETTING, Entry, agents, pydantic_ai


def resolved(qualified: str):
    module, _, name = qualified.rpartition(".")
    return getattr(importlib.import_module(module), name)


def parameters(target) -> set:
    """The names a call of a class or function takes (a dataclass's too, from the __init__ it has)."""
    return set(inspect.signature(target).parameters)


@pytest.mark.parametrize("entry", [*agents.ENTRIES, *pydantic_ai.ENTRIES], ids=lambda entry: f"{entry.framework}.{entry.name}")
def test_imports_name_one_object_with_the_parameters_relied_on(entry: Entry):
    objects = {id(resolved(qualified)) for qualified in entry.imports}
    assert len(objects) == 1, entry.imports
    target = resolved(entry.imports[0])
    assert target.__name__ == entry.name
    relied_on = [*entry.model, *entry.base_url, *entry.api_key, *entry.positional, *entry.client]
    assert [name for name in relied_on if name not in parameters(target)] == []
    if entry.kind != SETTING and entry.positional:  # the positional names, in order, lead the signature
        leading = [name for name in inspect.signature(target).parameters][: len(entry.positional)]
        assert leading == list(entry.positional)
    if entry.provider_parameter is not None:
        assert entry.provider_parameter[0] in parameters(target)


# -- openai-agents ---------------------------------------------------------------------------------


def test_agents_default_api_is_responses_and_the_setting_switches_it():
    from agents.models import _openai_shared

    import agents as package

    assert _openai_shared.get_use_responses_by_default() is True
    try:
        package.set_default_openai_api(agents.CHAT_COMPLETIONS_API)
        assert _openai_shared.get_use_responses_by_default() is False
    finally:
        package.set_default_openai_api("responses")


def test_agents_parameters_the_rules_read():
    from agents import Agent, ModelSettings, OpenAIChatCompletionsModel, OpenAIProvider, OpenAIResponsesModel, set_default_openai_client

    assert {agents.OUTPUT_TYPE, agents.TOOLS, agents.AGENT_MODEL_SETTINGS} <= parameters(Agent)
    assert {agents.TOOL_CHOICE, agents.PARALLEL_TOOL_CALLS, agents.EXTRA_ARGS, "extra_body"} <= parameters(ModelSettings)
    assert ModelSettings().parallel_tool_calls is None  # left unset: QW910
    assert agents.USE_RESPONSES in parameters(OpenAIProvider)
    # the fix of OpenAIResponsesModel keeps every argument but these
    assert set(agents.RESPONSES_MODEL_ONLY) <= parameters(OpenAIResponsesModel)
    assert parameters(OpenAIResponsesModel) - set(agents.RESPONSES_MODEL_ONLY) <= parameters(OpenAIChatCompletionsModel)
    # QW911: the client's key goes to the trace exporter unless told otherwise
    assert inspect.signature(set_default_openai_client).parameters["use_for_tracing"].default is True


def test_agents_tracing_variable_and_exporter():
    import agents.tracing.processors as processors
    import agents.tracing.provider as provider

    assert agents.DISABLE_TRACING_VARIABLE in Path(provider.__file__).read_text()
    assert "https://api.openai.com/v1/traces/ingest" in Path(processors.__file__).read_text()


def test_agents_model_prefixes():
    from agents.models.multi_provider import MultiProvider

    source = inspect.getsource(MultiProvider)
    for prefix, provider in agents.AGENT_ENTRY.model_strings.providers.items():
        assert f'"{prefix}"' in source, prefix


# -- pydantic-ai -----------------------------------------------------------------------------------


@pytest.fixture
def keys(monkeypatch):
    for name in ("OPENAI_BASE_URL", "ALIBABA_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-dashscope")


@pytest.mark.parametrize("prefix", ["openai", "openai-responses", "openai-chat", "alibaba"])
def test_pydantic_ai_model_strings(keys, prefix):
    from pydantic_ai.models import infer_model
    from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel

    model = infer_model(f"{prefix}:qwen-plus")
    assert isinstance(model, OpenAIResponsesModel if prefix in pydantic_ai.RESPONSES_PREFIXES else OpenAIChatModel)
    assert prefix in pydantic_ai.MODEL_STRINGS.providers
    if prefix == "alibaba":  # DashScope's own provider, at its default URL
        assert str(model.client.base_url).rstrip("/") == pydantic_ai.SINGAPORE_URL
        assert pydantic_ai.AGENT_ENTRY.dashscope_defaults[prefix][0] == pydantic_ai.SINGAPORE_URL


def test_pydantic_ai_qwen_models_allow_forced_tool_choice(keys):
    """QW905: the Qwen profile keeps "required" for every DashScope model name."""
    from pydantic_ai.models import infer_model

    for name in ("qwen-plus", "qwen3-coder-plus", "qwen3.6-plus"):
        assert infer_model(f"alibaba:{name}").profile.get("supports_forced_tool_choice", True) is True


def test_pydantic_ai_output_markers_and_classes():
    from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel

    native, prompted = resolved(pydantic_ai.NATIVE_OUTPUT[0]), resolved(".".join(pydantic_ai.PROMPTED_OUTPUT))
    assert all(resolved(name) is native for name in pydantic_ai.NATIVE_OUTPUT)
    assert all(resolved(name) is resolved(pydantic_ai.TOOL_OUTPUT[0]) for name in pydantic_ai.TOOL_OUTPUT)
    assert [name for name in pydantic_ai.TEXT_OUTPUTS if name != "str" and not callable(resolved(name))] == []
    # the fix of NativeOutput keeps every argument but these
    assert set(pydantic_ai.NATIVE_OUTPUT_ONLY) <= parameters(native)
    assert parameters(native) - set(pydantic_ai.NATIVE_OUTPUT_ONLY) - {"self"} <= parameters(prompted)
    assert resolved(".".join(pydantic_ai.CHAT_MODEL_IMPORT)) is OpenAIChatModel
    assert set(pydantic_ai.RESPONSES_MODEL_ONLY) <= parameters(OpenAIResponsesModel)
    assert parameters(OpenAIResponsesModel) - set(pydantic_ai.RESPONSES_MODEL_ONLY) <= parameters(OpenAIChatModel)
    assert pydantic_ai.OUTPUT_TYPE in parameters(resolved(pydantic_ai.AGENT_ENTRY.imports[0]))

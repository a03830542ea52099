"""AutoGen's OpenAI model client (autogen-ext and autogen-core, in the test extras) against
qwen_migrate/facts/frameworks/autogen.py: the import names, the constructor's keys, and the
behaviours QW904, QW905, QW908, QW909 and QW910 rely on. A release that changes one fails here.
Nothing here talks to a server: the client is only built, and its create arguments read."""
import ast
import inspect
import warnings

import pytest
from autogen_core.models import ModelInfo
from autogen_ext.models.openai import OpenAIChatCompletionClient, _openai_client
from autogen_ext.models.openai.config import OpenAIClientConfiguration

from qwen_migrate.facts.dashscope import QWEN_ONLY_CHAT_PARAMS
from qwen_migrate.facts.frameworks import autogen

from test_framework_drift import check_imports, entry_parameters

ENTRY = autogen.OPENAI_CHAT_COMPLETION_CLIENT
KEYS = OpenAIClientConfiguration.__required_keys__ | OpenAIClientConfiguration.__optional_keys__
QWEN_MODEL_INFO = ast.literal_eval(autogen.QWEN_MODEL_INFO)


def build(**given) -> OpenAIChatCompletionClient:
    return OpenAIChatCompletionClient(api_key="sk-test", **given)


def test_imports_name_one_class():
    check_imports(ENTRY)
    assert OpenAIChatCompletionClient.__name__ == ENTRY.name


def test_parameters_are_configuration_keys():
    relied_on = [*entry_parameters(ENTRY), *autogen.MODEL_INFO, autogen.PARALLEL_TOOL_CALLS]
    assert [name for name in relied_on if name not in KEYS] == []
    # extra_body is no typed key, but the client passes it to create()
    assert ENTRY.extra_body not in KEYS and ENTRY.extra_body in _openai_client.create_kwargs


def test_methods_take_the_judged_keywords():
    for method in ENTRY.methods:
        parameters = inspect.signature(getattr(OpenAIChatCompletionClient, method)).parameters
        assert {autogen.JSON_OUTPUT, autogen.TOOL_CHOICE, autogen.TOOLS} <= set(parameters)


def test_a_qwen_model_needs_model_info():
    with pytest.raises(ValueError, match="model_info is required"):
        build(model="qwen3.6-plus")
    with pytest.raises(ValueError, match="model_info is required"):
        build(model="qwen3.6-plus", model_info=None)
    build(model="gpt-4o")  # in its table


def test_the_fix_model_info_is_complete():
    assert set(QWEN_MODEL_INFO) >= {"vision", "function_calling", "json_output", "family", "structured_output"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing structured_output only warns
        client = build(model="qwen3.6-plus", model_info=QWEN_MODEL_INFO)
    assert client.model_info["structured_output"] is False
    assert set(QWEN_MODEL_INFO) <= set(ModelInfo.__optional_keys__ | ModelInfo.__required_keys__)


def test_unknown_keywords_are_dropped_and_extra_body_is_sent():
    client = build(model="qwen3.6-plus", model_info=QWEN_MODEL_INFO, enable_thinking=False, extra_body={"top_k": 20})
    assert "enable_thinking" not in client._create_args
    assert client._create_args["extra_body"] == {"top_k": 20}
    # so every Qwen-only parameter given as a keyword is dropped
    known = _openai_client.create_kwargs | _openai_client.openai_init_kwargs
    assert [name for name in QWEN_ONLY_CHAT_PARAMS if name in known] == []


def test_parallel_tool_calls_is_sent_only_when_given():
    assert autogen.PARALLEL_TOOL_CALLS not in build(model="gpt-4o")._create_args
    assert build(model="gpt-4o", parallel_tool_calls=True)._create_args[autogen.PARALLEL_TOOL_CALLS] is True

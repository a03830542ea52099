"""The installed openai SDK against the DashScope facts: every parameter of every method we know is classified.

A new SDK release that adds a parameter fails here, so that someone decides how DashScope treats it.
"""
import inspect

import pytest
from openai import AsyncOpenAI, OpenAI

from qwen_migrate.facts import dashscope
from qwen_migrate.facts.openai_sdk import CHAT_METHODS, SDK_REQUEST_OPTIONS

CLIENTS = [OpenAI(api_key="test", base_url="http://127.0.0.1:9/v1"), AsyncOpenAI(api_key="test", base_url="http://127.0.0.1:9/v1")]


def sdk_method(client, path):
    target = client
    for name in path.split("."):
        target = getattr(target, name)
    return target


@pytest.mark.parametrize("client", CLIENTS, ids=["sync", "async"])
@pytest.mark.parametrize("method", sorted(dashscope.PARAMETERS))
def test_every_parameter_is_classified(client, method):
    signature = inspect.signature(sdk_method(client, method))
    known = dashscope.PARAMETERS[method]
    unclassified = [name for name in signature.parameters if name not in known and name not in SDK_REQUEST_OPTIONS]
    assert unclassified == [], f"{method}: classify {unclassified} in qwen_migrate/facts/dashscope.py PARAMETERS"


@pytest.mark.parametrize("method", sorted(dashscope.PARAMETERS))
def test_classified_parameters_still_exist(method):
    # create, parse and stream share one table: a name must exist in at least one of them.
    sharing = [m for m, table in dashscope.PARAMETERS.items() if table is dashscope.PARAMETERS[method]]
    present = {name for m in sharing for name in inspect.signature(sdk_method(CLIENTS[0], m)).parameters}
    assert [name for name in dashscope.PARAMETERS[method] if name not in present] == []


def test_methods_the_rules_name_exist_in_the_sdk():
    for method in sorted(CHAT_METHODS | set(dashscope.UNSUPPORTED_METHODS) | set(dashscope.BATCH_URLS.values())):
        assert callable(sdk_method(CLIENTS[0], method)), method


def test_qwen_only_parameters_are_not_sdk_keywords():
    # If the SDK ever accepts one of them as a keyword, QW209's "raises TypeError" is no longer true.
    parameters = inspect.signature(CLIENTS[0].chat.completions.create).parameters
    assert [name for name in dashscope.QWEN_ONLY_CHAT_PARAMS if name in parameters] == []


def test_embeddings_default_to_base64_in_the_sdk():
    # QW401 reports a call without encoding_format because the SDK then asks for base64.
    from openai.lib._parsing._embeddings import prepare_embedding_request
    from openai import omit

    context = prepare_embedding_request(None, {"model": "m", "input": "x"}, encoding_format=omit)
    assert context.body["encoding_format"] == "base64"


CLASSIFIED = [
    pytest.param(method, name, id=f"{method}-{name}")
    for method, table in sorted(dashscope.PARAMETERS.items())
    for name, kind in table.items()
    if kind != dashscope.SUPPORTED
]


@pytest.mark.parametrize("method, name", CLASSIFIED)
def test_every_parameter_the_facts_classify_is_read_by_a_rule(method, name):
    # A parameter classified as ignored, renamed or unsupported that no rule reports is a fact no
    # user hears about: some finding must point at it, whatever its value.
    from helpers import check, covered_text
    from qwen_migrate.rules import DASHSCOPE_CLIENT, RESPONSES_CLIENT

    client = RESPONSES_CLIENT if method.startswith(("responses.", "conversations.")) else DASHSCOPE_CLIENT
    source = client + f"client.{method}({name}=value)\n"
    assert [f.code for f in check(source) if covered_text(source, f) == f"{name}=value"] != [], f"no rule reports {method}({name}=...)"

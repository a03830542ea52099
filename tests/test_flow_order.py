"""Flow-sensitive bindings (issue 15): a use of a name in the scope that binds it sees only the
bindings that may reach it there; a look-alike SDK's call on a rebound name is no OpenAI call."""
from textwrap import dedent
from typing import Union

import libcst as cst
import pytest

from qwen_migrate.analysis.flow import resolve
from qwen_migrate.analysis.model import ModuleContext, Origin
from qwen_migrate.request import static_value

from helpers import check

HEAD = "from openai import OpenAI\nfrom groq import Groq\nfrom anthropic import Anthropic\n"


def reached(body: str) -> dict[str, Union[list[str], str]]:
    """Each SDK call, by its `model`, with the clients it is made on, by their `base_url`: a call
    made only on a look-alike's client is no SDK call and is absent; one that may be made on
    either is "listed" (by --explain-unresolved)."""
    module = resolve(cst.parse_module(HEAD + dedent(body)))
    found: dict[str, Union[list[str], str]] = {
        static_value(call.arguments.keywords["model"].value): sorted(
            static_value(client.arguments.keywords["base_url"].value) for client in call.clients
        )
        for call in module.calls
    }
    for node, _, _ in module.unfollowed:
        found[next(static_value(arg.value) for arg in node.args if arg.keyword.value == "model")] = "listed"
    return found


def test_a_name_rebound_means_its_last_binding():
    assert reached(
        """
        client = Anthropic()
        client.chat.completions.create(model="1")
        client = OpenAI(base_url="B")
        client.chat.completions.create(model="2")
        client = Groq()
        client.chat.completions.create(model="3")
        """
    ) == {"2": ["B"]}


def test_in_a_function_too():
    assert reached(
        """
        def ask(provider):
            client = OpenAI(base_url="A")
            client.chat.completions.create(model="1")
            client = Groq()
            return client.chat.completions.create(model="2")
        """
    ) == {"1": ["A"]}


def test_each_branch_sees_its_own_binding_and_after_the_if_both_may_reach():
    assert reached(
        """
        def ask(provider):
            if provider == "groq":
                client = Groq()
                client.chat.completions.create(model="1")
            elif provider == "anthropic":
                client = Anthropic()
                client.chat.completions.create(model="2")
            else:
                client = OpenAI(base_url="B")
                client.chat.completions.create(model="3")
            client.chat.completions.create(model="4")
        """
    ) == {"3": ["B"], "4": "listed"}


@pytest.mark.parametrize(
    "body",
    [
        'if flag:\n    client = OpenAI(base_url="A")\nelse:\n    client.chat.completions.create(model="1")',
        'if flag:\n    client = OpenAI(base_url="A")\nelif other:\n    client.chat.completions.create(model="1")',
        'try:\n    pass\nexcept KeyError:\n    client = OpenAI(base_url="A")\nexcept ValueError:\n    client.chat.completions.create(model="1")',
        'try:\n    pass\nexcept KeyError:\n    client = OpenAI(base_url="A")\nelse:\n    client.chat.completions.create(model="1")',
        'match flag:\n    case 1:\n        client = OpenAI(base_url="A")\n    case _:\n        client.chat.completions.create(model="1")',
    ],
)
def test_what_a_branch_binds_does_not_reach_the_other_branches(body):
    assert reached("client = Groq()\n" + body) == {}


def test_what_a_try_binds_may_reach_its_handlers():
    assert reached(
        """
        client = Groq()
        try:
            client = OpenAI(base_url="A")
        except ValueError:
            client.chat.completions.create(model="1")
        """
    ) == {"1": "listed"}


def test_a_binding_on_some_paths_adds_to_the_one_before():
    assert reached(
        """
        client = OpenAI(base_url="A")
        if flag:
            client = Groq()
        client.chat.completions.create(model="1")
        client = Groq()
        try:
            client = OpenAI(base_url="B")
        finally:
            client.chat.completions.create(model="2")
        """
    ) == {"1": "listed", "2": "listed"}


def test_in_a_loop_a_later_binding_reaches_the_next_iteration():
    assert reached(
        """
        client = Groq()
        for provider in providers:
            client.chat.completions.create(model="1")
            client = OpenAI(base_url="A")
        while flag:
            client = Groq()
            client.chat.completions.create(model="2")  # every iteration binds Groq first
            client = OpenAI(base_url="B")
        for client in clients:
            client.chat.completions.create(model="3")
        """
    ) == {"1": "listed"}


def test_a_function_sees_every_binding_of_a_name_of_an_enclosing_scope():
    assert reached(
        """
        client = Groq()

        def ask():
            client.chat.completions.create(model="1")

            def inner():
                local.chat.completions.create(model="2")

            local = Groq()
            local = OpenAI(base_url="B")

        client = OpenAI(base_url="A")
        """
    ) == {"1": "listed", "2": "listed"}


def test_a_lambda_is_called_later():
    assert reached(
        """
        client = Groq()
        ask = lambda text: client.chat.completions.create(model="1", messages=[text])
        client = OpenAI(base_url="A")
        """
    ) == {"1": "listed"}


def test_with_and_walrus_bind_in_order():
    assert reached(
        """
        with Groq() as client:
            client.chat.completions.create(model="1")
        with OpenAI(base_url="A") as client:
            client.chat.completions.create(model="2")
        if (client := Anthropic()) is not None:
            client.chat.completions.create(model="3")
        if (client := OpenAI(base_url="B")) is not None:
            client.chat.completions.create(model="4")
        """
    ) == {"2": ["A"], "4": ["B"]}


def test_a_value_is_read_where_it_is_bound():
    assert reached(
        """
        client = Groq()
        alias = client
        completions = client.chat.completions

        class Bot:
            def __init__(self):
                client = Groq()
                self.client = client
                client = OpenAI(base_url="B")

            def ask(self):
                return self.client.chat.completions.create(model="3")

        client = OpenAI(base_url="A")
        alias.chat.completions.create(model="1")
        completions.create(model="2")
        again = client
        again.chat.completions.create(model="4")
        """
    ) == {"4": ["A"]}


def test_a_function_returns_what_its_name_holds_at_the_return():
    assert reached(
        """
        def make():
            client = OpenAI(base_url="A")
            client = Groq()
            return client

        def build():
            client = Groq()
            client = client or OpenAI(base_url="B")
            return client

        make().chat.completions.create(model="1")
        build().chat.completions.create(model="2")
        """
    ) == {"2": ["B"]}


def test_a_parameter_rebound_on_some_paths_may_be_either():
    assert reached(
        """
        def ask(flag, client=OpenAI(base_url="P")):
            if flag:
                client = Groq()
            client.chat.completions.create(model="1")

        ask(True)
        """
    ) == {"1": "listed"}


def test_each_client_is_judged_by_the_calls_made_on_it():
    """QW103 (one client for Responses and Chat Completions) and the base URL QW101 chooses follow the
    binding each call is made on."""
    source = HEAD + dedent(
        """
        import os
        client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"])
        client.chat.completions.create(model="qwen3.6-plus", messages=[])
        client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"])
        client.responses.create(model="qwen3.6-plus", input="hi")
        """
    )
    findings = check(source)
    assert [f.code for f in findings] == ["QW101", "QW101"]
    first, second = (f.fix.edits[0].value.value for f in findings)
    assert first.endswith(".aliyuncs.com/compatible-mode/v1") and second.endswith("/apps/protocols/compatible-mode/v1")


def test_what_a_caller_passes_and_a_container_holds_is_read_where_it_stands():
    """Bindings by position meet the other ways a client travels: an argument is the binding that
    reaches the call that passes it, a container's item the binding that reaches the display."""
    assert reached(
        """
        def ask(llm):
            return llm.chat.completions.create(model="1")

        client = Groq()
        client = OpenAI(base_url="B")
        ask(client)
        backends = {"main": client}
        backends["main"].chat.completions.create(model="2")
        """
    ) == {"1": ["B"], "2": ["B"]}


def test_an_accessor_is_what_its_return_reads_where_it_returns():
    """A function other modules may call returns another module's client only when the name it
    returns holds that client at the return."""
    source = "from app.llm import client\nfrom groq import Groq\n\ndef get_llm():\n    llm = client\n    llm = Groq()\n    return llm\n\ndef get_client():\n    llm = Groq()\n    llm = client\n    return llm\n"
    exports = resolve(cst.parse_module(source), ModuleContext("app.factory")).exports
    assert exports.accessors == {Origin("app.factory", "get_client"): Origin("app.llm", "client")}


def test_where_an_openai_client_and_anything_else_may_reach_a_call_it_is_listed_not_reported():
    """One rule wherever alternatives meet (bindings, `a if c else b`, items): a look-alike on one
    path makes the call an OpenAI call on some paths only."""
    assert reached(
        """
        if provider == "groq":
            client = Groq()
        else:
            client = OpenAI(base_url="A")
        client.chat.completions.create(model="1")
        other = Groq() if provider else OpenAI(base_url="B")
        other.chat.completions.create(model="2")
        (Groq() if provider else OpenAI(base_url="B")).chat.completions.create(model="3")
        """
    ) == {"1": "listed", "2": "listed", "3": "listed"}


def test_a_literal_on_the_other_path_stands_for_no_other_request():
    """None (or any literal) makes no request, so it leaves the call to the client; `or` gives a
    default for what is not given, and is read as either."""
    assert reached(
        """
        client = None
        if key:
            client = OpenAI(base_url="A")
        client.chat.completions.create(model="1")
        other = OpenAI(base_url="B") if key else None
        other.chat.completions.create(model="2")
        [None, OpenAI(base_url="C")][index].chat.completions.create(model="3")
        given = Groq()
        chosen = given or OpenAI(base_url="D")
        chosen.chat.completions.create(model="4")
        """
    ) == {"1": ["A"], "2": ["B"], "3": ["C"], "4": ["D"]}

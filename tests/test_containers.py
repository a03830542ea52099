"""Clients kept in containers: dicts, lists and tuples of clients, accessors, loops and `.get`."""
from textwrap import dedent

import pytest

from qwen_migrate.engine import Checker
from qwen_migrate.settings import Settings

from helpers import check, covered_text

CLIENTS = """\
import os
from openai import OpenAI
from mistralai import Mistral
from groq import Groq

URL = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
primary = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=URL)
backup = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=URL)
"""


def source(body: str) -> str:
    return CLIENTS + dedent(body)


def reported(code: str) -> list[str]:
    """The `model=` keywords QW210 reports: one per call taken for an OpenAI call."""
    return [covered_text(code, f) for f in check(code) if f.code == "QW210"]


def unresolved(code: str) -> list[str]:
    result = Checker(Settings()).check_source(code.encode(), "example.py")
    return [method for _, _, method in result.unresolved]


@pytest.mark.parametrize(
    "read, expected",
    [
        ('registry["primary"]', ['model="gpt-4o"']),
        ('registry["fallback"]', []),
        ('registry.get("primary")', ['model="gpt-4o"']),
        ('registry.get("fallback")', []),
        ('registry.get("absent", primary)', ['model="gpt-4o"']),
        ('registry["absent"]', []),
        ("clients[0]", ['model="gpt-4o"']),
        ("clients[1]", []),
        ("clients[-1]", []),
        ("clients[7]", []),
        ("pair[1]", ['model="gpt-4o"']),
        ('nested["openai"][0]', ['model="gpt-4o"']),
    ],
)
def test_an_item_read_by_a_known_key_is_the_client_stored_there(read, expected):
    code = source(
        f"""
        registry = {{"primary": primary, "fallback": Mistral()}}
        clients = [OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=URL), Groq()]
        pair = (primary, backup)
        nested = {{"openai": [primary], "groq": [Groq()]}}
        {read}.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert reported(code) == expected
    assert unresolved(code) == []


def test_an_item_by_an_unknown_key_of_a_container_of_openai_clients_is_any_of_them():
    code = source(
        """
        registry = {"primary": primary, "backup": backup}

        def get(name):
            return registry[name]

        def run(name, question):
            get(name).chat.completions.create(model="gpt-4o", messages=[question])
            for client in (primary, backup):
                client.chat.completions.create(model="gpt-4.1", messages=[question])
        """
    )
    assert reported(code) == ['model="gpt-4o"', 'model="gpt-4.1"']


def test_an_item_by_an_unknown_key_of_a_container_holding_another_sdks_client_is_listed_not_reported():
    code = source(
        """
        registry = {"primary": primary, "fallback": Mistral()}

        def get(name):
            return registry[name]

        def run(name, question):
            get(name).chat.completions.create(model="gpt-4o", messages=[question])
            registry.get(name, primary).chat.completions.create(model="gpt-4o", messages=[question])
            for client in [primary, Groq()]:
                client.embeddings.create(model="text-embedding-3-small", input=question)
        """
    )
    assert reported(code) == []
    assert unresolved(code) == ["chat.completions.create", "chat.completions.create", "embeddings.create"]


def test_look_alikes_alone_are_neither_reported_nor_listed():
    code = source(
        """
        registry = {"mistral": Mistral(), "groq": Groq()}
        registry[os.environ["LLM"]].chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert (reported(code), unresolved(code)) == ([], [])


@pytest.mark.parametrize(
    "change",
    ['registry["fallback"] = Mistral()', 'registry.update(fallback=Mistral())', "registry |= {'fallback': Mistral()}"],
)
def test_a_container_written_elsewhere_is_not_guessed(change):
    code = source(
        f"""
        registry = {{"primary": primary}}
        {change}
        registry["primary"].chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert (reported(code), unresolved(code)) == ([], ["chat.completions.create"])


def test_a_container_kept_in_an_attribute():
    code = source(
        """
        class Router:
            def __init__(self):
                self.backends = {"qwen": primary, "mistral": Mistral()}

            def ask(self, question):
                return self.backends["qwen"].chat.completions.create(model="gpt-4o", messages=[question])
        """
    )
    assert reported(code) == ['model="gpt-4o"']


@pytest.mark.parametrize(
    "read",
    ["registry[1:2]", "registry[a, b]", "{**other}['x']", "[*more][0]", "registry.get()", "registry.get(*keys)", "(1, 2)[0]"],
)
def test_odd_reads_are_no_trouble(read):
    code = source(f"registry = {{'primary': primary}}\n{read}.chat.completions.create(model='gpt-4o', messages=[])\n")
    assert reported(code) == []


def test_an_item_is_the_binding_that_reaches_the_display_not_a_later_one():
    """The name in the display is read where the display stands: a client bound after it is not its item."""
    code = source(
        """
        client = Groq()
        registry = {"p": client}
        clients = [client]
        client = primary
        registry["p"].chat.completions.create(model="gpt-4o", messages=[])
        registry.get("p").chat.completions.create(model="gpt-4o", messages=[])
        for c in clients:
            c.chat.completions.create(model="gpt-4o", messages=[])
        again = {"p": client}
        again.get("p").chat.completions.create(model="gpt-4.1", messages=[])
        """
    )
    assert (reported(code), unresolved(code)) == (['model="gpt-4.1"'], [])

"""SDK methods bound with `functools.partial`: the partial's keywords are part of every call made through it."""
import json
from textwrap import dedent

import libcst as cst
import pytest
from click.testing import CliRunner

from qwen_migrate.analysis.flow import resolve
from qwen_migrate.analysis.model import ModuleContext, Origin
from qwen_migrate.cli import main

from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer
from qwen_migrate.settings import Settings

from helpers import check, covered_text

CLIENT = """\
import functools
import os
from functools import partial
from openai import OpenAI
from groq import Groq

client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
"""


def source(body: str) -> str:
    return CLIENT + dedent(body)


def found(code: str) -> list[tuple[str, str, str]]:
    return [(f.code, covered_text(code, f), f.message) for f in check(code)]


def fixed(code: str, unsafe: bool = True) -> str:
    return Fixer(Checker(Settings()), unsafe=unsafe).fix_source(code.encode(), "example.py").fixed.decode()


def test_the_partials_keywords_are_reported_at_the_partial_once_for_all_its_calls():
    code = source(
        """
        ask = functools.partial(client.chat.completions.create, model="gpt-4o", tool_choice="required", top_k=5)

        def one(question):
            return ask(messages=[{"role": "user", "content": question}])

        def two(question):
            return ask(messages=[question], temperature=0.2)
        """
    )
    findings = check(code)
    assert [(f.code, covered_text(code, f)) for f in findings] == [
        ("QW210", 'model="gpt-4o"'),
        ("QW203", 'tool_choice="required"'),
        ("QW209", "top_k=5"),
    ]
    assert all(f.related is not None for f in findings)  # the call that sends it


def test_the_partials_keywords_are_fixed_in_the_partial():
    code = source(
        """
        ask = functools.partial(client.chat.completions.create, model="gpt-4o", tool_choice="required", top_k=5)
        ask(messages=[])
        ask(messages=[], temperature=0.2)
        """
    )
    assert fixed(code) == source(
        """
        ask = functools.partial(client.chat.completions.create, model="qwen3.6-plus", tool_choice="auto", extra_body={"top_k": 5})
        ask(messages=[])
        ask(messages=[], temperature=0.2)
        """
    )


@pytest.mark.parametrize(
    "body",
    [
        'ask = partial(client.chat.completions.create, model="gpt-4o")\nask(messages=[])',
        'partial(client.chat.completions.create, model="gpt-4o")(messages=[])',
        'class Bot:\n    def __init__(self):\n        self.ask = partial(client.chat.completions.create, model="gpt-4o")\n\n    def run(self):\n        return self.ask(messages=[])',
        'import functools as ft\nask = ft.partial(client.chat.completions.create, model="gpt-4o")\nask(messages=[])',
        'from functools import partial as bind\nask = bind(client.chat.completions.create, model="gpt-4o")\nask(messages=[])',
    ],
    ids=["from-import", "inline", "attribute", "module-alias", "name-alias"],
)
def test_forms_of_partial(body):
    code = source(body)
    assert [(f.code, covered_text(code, f)) for f in check(code)] == [("QW210", 'model="gpt-4o"')]


def test_missing_parameters_are_judged_on_the_partial_and_the_call_together():
    code = source(
        """
        with_format = partial(client.embeddings.create, model="text-embedding-v4", encoding_format="float")
        with_format(input="a")
        without = partial(client.embeddings.create, model="text-embedding-v4")
        without(input="b")
        without(input="c", encoding_format="float")
        """
    )
    assert [(f.code, covered_text(code, f)) for f in check(code)] == [("QW401", 'without(input="b")')]


def test_a_partial_without_calls_we_can_see_is_a_call_site_with_any_other_parameter_possible():
    code = source(
        """
        HANDLERS = {"chat": partial(client.chat.completions.create, model="gpt-4o", store=True)}
        embed = partial(client.embeddings.create, model="text-embedding-v4")
        """
    )
    assert [(f.code, covered_text(code, f)) for f in check(code)] == [
        ("QW210", 'model="gpt-4o"'),
        ("QW208", "store=True"),
    ]  # no QW401: encoding_format may come with the call
    [result] = [Checker(Settings()).check_source(code.encode(), "example.py")]
    assert [method for _, _, method in result.unresolved] == ["chat.completions.create", "embeddings.create"]


def test_the_calls_own_keyword_replaces_the_partials():
    code = source(
        """
        ask = partial(client.chat.completions.create, model="qwen3.6-plus", tool_choice="required")
        ask(messages=[], tool_choice="auto")
        """
    )
    # the one call we see replaces the partial's tool_choice
    assert [(f.code, covered_text(code, f)) for f in check(code)] == []


@pytest.mark.parametrize(
    "body",
    [
        'llm = Groq()\nask = partial(llm.chat.completions.create, model="gpt-4o", top_k=5)\nask(messages=[])',
        'def create(**kwargs): ...\nask = partial(create, model="gpt-4o")\nask(messages=[])',
        'def partial(f, **kw): ...\nask = partial(client.chat.completions.create, model="gpt-4o")\nask(messages=[])',
    ],
    ids=["groq-client", "our-function", "not-functools"],
)
def test_partials_of_other_things_are_not_sdk_calls(body):
    assert check(source(body)) == []


@pytest.mark.parametrize(
    "body",
    ["functools.partial()", "partial()()", "ask = partial(*methods)\nask(model='gpt-4o')", "partial(client.chat.completions.create, 1, model='x')()"],
)
def test_odd_partials_are_no_trouble(body):
    check(source(body))


def test_a_partial_of_a_client_imported_from_the_project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "llm.py").write_text('import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))\n')
    (tmp_path / "app" / "agent.py").write_text(
        'from functools import partial\n\nfrom app.llm import client\n\nrespond = partial(client.responses.create, model="gpt-4.1")\nrespond(input="hi")\n'
    )
    monkeypatch.chdir(tmp_path)
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "."]).output)
    found = {(f["path"], f["code"]): f for f in document["findings"]}
    assert ("app/agent.py", "QW210") in found
    # the client serves the Responses API, through the partial in another module
    assert found[("app/llm.py", "QW101")]["fix"]["description"].endswith("/api/v2/apps/protocols/compatible-mode/v1")


def test_a_partial_is_not_edited_when_a_call_through_it_passes_its_own_extra_body():
    code = source(
        """
        ask = partial(client.chat.completions.create, model="qwen3.6-plus", top_k=5)
        ask(messages=[])
        ask(messages=[], extra_body={"enable_thinking": False})
        """
    )
    findings = check(code)
    assert [(f.code, covered_text(code, f), f.fix) for f in findings] == [("QW209", "top_k=5", None)]  # once, without a fix
    assert fixed(code) == code


def test_the_method_of_a_partial_is_the_binding_that_reaches_the_partial():
    code = source(
        """
        llm = Groq()
        ask = partial(llm.chat.completions.create, model="llama-3.1-8b", tool_choice="required")
        ask(messages=[])
        llm = client
        """
    )
    assert found(code) == []


def test_a_partial_of_an_imported_client_notes_its_use_once():
    """The partial's value is read once, however many times it is used (the binding, the call)."""
    module = resolve(
        cst.parse_module('from functools import partial\nfrom app.llm import client\n\nrespond = partial(client.responses.create, model="m")\nrespond(input="hi")\n'),
        ModuleContext("app.agent"),
    )
    assert module.imported_uses == [(Origin("app.llm", "client"), ("responses", "create"))]

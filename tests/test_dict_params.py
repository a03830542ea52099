"""Parameters that reach the SDK through dicts (`create(**params)`) and constants (`model=MODEL`)."""
import json
from textwrap import dedent

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main

from helpers import check, codes

CLIENT = """\
import os
from openai import OpenAI
client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
"""


def in_function(body: str) -> str:
    return CLIENT + "\n\ndef ask(text, flag=False, **kwargs):\n" + "".join(f"    {line}\n" for line in dedent(body).splitlines())


@pytest.mark.parametrize(
    "body",
    [
        'params = {"model": "qwen3.6-plus", "messages": [], "store": True}\nclient.chat.completions.create(**params)',
        'params = dict(model="qwen3.6-plus", messages=[], store=True)\nclient.chat.completions.create(**params)',
        'params = {"model": "qwen3.6-plus", "messages": []}\nparams["store"] = True\nclient.chat.completions.create(**params)',
        'params = {"model": "qwen3.6-plus"}\nparams.update({"messages": [], "store": True})\nclient.chat.completions.create(**params)',
        'params = {"model": "qwen3.6-plus"}\nparams.update(messages=[], store=True)\nclient.chat.completions.create(**params)',
        'params = {"model": "qwen3.6-plus"}\nparams |= {"store": True}\nclient.chat.completions.create(**params)',
        'client.chat.completions.create(**{"model": "qwen3.6-plus", "store": True})',
    ],
)
def test_binding_forms(body):
    assert codes(in_function(body)) == ["QW208"]


def test_dict_returned_by_a_function_of_the_module():
    source = CLIENT + dedent(
        """
        def build(text):
            return {"model": "qwen3.6-plus", "messages": [text], "store": True}

        class Bot:
            def _params(self):
                params = {"model": "qwen3.6-plus", "messages": []}
                params["store"] = True
                return params

            def run(self, text):
                client.chat.completions.create(**build(text))
                client.chat.completions.create(**self._params())
        """
    )
    assert codes(source) == ["QW208", "QW208"]


def test_conditional_additions_may_be_set():
    [finding] = check(in_function('params = {"model": "qwen3.6-plus", "messages": []}\nif flag:\n    params["store"] = True\nclient.chat.completions.create(**params)'))
    assert finding.message == "store is silently ignored by DashScope (set on some paths only)"


@pytest.mark.parametrize(
    "body",
    [
        'params = {"store": True}\nparams = build()\nclient.chat.completions.create(**params)',  # reassigned before
        'params = {"model": "qwen3.6-plus", "messages": []}\nclient.chat.completions.create(**params)\nparams["store"] = True',  # mutated after
        "client.chat.completions.create(**kwargs)",  # the caller's kwargs
        'if flag:\n    kwargs = {"store": True}\nclient.chat.completions.create(**kwargs)',  # the caller's, unless flag
        'if flag:\n    params = {"store": True}\nelse:\n    params = {"store": False}\nclient.chat.completions.create(**params)',  # which literal a fix edits: unknown
    ],
)
def test_what_is_not_followed_is_not_guessed(body):
    assert codes(in_function(body)) == []


@pytest.mark.parametrize(
    "body",
    [
        'if flag:\n    params = {"store": True}\nelse:\n    params = {}\nclient.chat.completions.create(model="qwen3.6-plus", messages=[], **params)',
        'params = {}\nif flag:\n    params = {"store": True}\nclient.chat.completions.create(model="qwen3.6-plus", messages=[], **params)',
    ],
)
def test_a_dict_chosen_on_branches_sets_its_keys_on_some_paths(body):
    [finding] = check(in_function(body))
    assert finding.message == "store is silently ignored by DashScope (set on some paths only)"


@pytest.mark.parametrize(
    "branch",
    [
        'params = {"model": "qwen3.6-plus", "messages": [], "store": True}',
        'params["store"] = True',
    ],
)
def test_what_a_branch_does_to_a_dict_does_not_reach_the_other_branch(branch):
    body = f'params = {{"model": "qwen3.6-plus", "messages": []}}\nif flag:\n    {branch}\nelse:\n    client.chat.completions.create(**params)'
    assert codes(in_function(body)) == []


def test_a_dict_chosen_on_branches_does_not_hide_a_missing_parameter():
    body = 'if n:\n    extra = {"dimensions": n}\nelse:\n    extra = {}\nclient.embeddings.create(model="text-embedding-v4", input=texts, **extra)'
    assert codes(in_function(body)) == ["QW401"]


def test_look_alike_sdks_taking_kwargs_are_not_reported():
    source = "from groq import Groq\ng = Groq()\nparams = {'model': 'llama3-70b', 'store': True, 'tool_choice': 'required'}\ng.chat.completions.create(**params)\n"
    assert codes(source) == []


def test_a_compatible_value_in_the_dict_silences_the_rule():
    body = 'opts = {"model": "text-embedding-v4", "input": text, "encoding_format": "float"}\nclient.embeddings.create(**opts)'
    assert codes(in_function(body)) == []
    assert codes(in_function(body.replace('"float"', '"base64"'))) == ["QW401"]
    # a dict not followed may hold encoding_format: no report that it is missing
    assert codes(in_function('client.embeddings.create(model="text-embedding-v4", input=text, **kwargs)')) == []


def test_finding_points_at_the_dict_key_with_the_call_as_related_location(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = in_function('params = {"model": "qwen3.6-plus", "messages": []}\nparams["store"] = True\nclient.chat.completions.create(**params)')
    (tmp_path / "app.py").write_text(source)
    [finding] = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "app.py"]).output)["findings"]
    lines = source.splitlines()
    assert lines[finding["line"] - 1].strip() == 'params["store"] = True'
    assert lines[finding["related"]["line"] - 1].strip() == "client.chat.completions.create(**params)"


@pytest.mark.parametrize("where", ["key", "call"])
def test_suppression_works_on_either_line(where):
    key = 'params["store"] = True' + ("  # noqa: QW208" if where == "key" else "")
    call = "client.chat.completions.create(**params)" + ("  # noqa: QW208" if where == "call" else "")
    assert codes(in_function(f'params = {{"model": "qwen3.6-plus", "messages": []}}\n{key}\n{call}')) == []


@pytest.mark.parametrize(
    "body, fixed",
    [
        (
            'params = {"model": "qwen3.6-plus", "messages": [], "top_k": 5}\nclient.chat.completions.create(**params)',
            'params = {"model": "qwen3.6-plus", "messages": [], "extra_body": {"top_k": 5}}\nclient.chat.completions.create(**params)',
        ),
        (
            'params = {\n    "model": "qwen3.6-plus",\n    "messages": [],\n    "max_completion_tokens": 64,\n}\nclient.chat.completions.create(**params)',
            'params = {\n    "model": "qwen3.6-plus",\n    "messages": [],\n    "max_tokens": 64,\n}\nclient.chat.completions.create(**params)',
        ),
        (
            'params = {"model": "qwen3.6-plus", "web_search_options": {}, "extra_body": {"top_k": 5}}\nclient.chat.completions.create(messages=[], **params)',
            'params = {"model": "qwen3.6-plus", "extra_body": {"top_k": 5, "enable_search": True}}\nclient.chat.completions.create(messages=[], **params)',
        ),
        (
            'params = {"model": "qwen3.6-plus", "messages": [], "extra_body": None, "top_k": 5}\nclient.chat.completions.create(**params)',
            'params = {"model": "qwen3.6-plus", "messages": [], "extra_body": {"top_k": 5}}\nclient.chat.completions.create(**params)',
        ),
        (
            'params = {"model": "qwen3.6-plus", "messages": [], "extra_body": kwargs.get("extra"), "top_k": 5}\nclient.chat.completions.create(**params)',
            'params = {"model": "qwen3.6-plus", "messages": [], "extra_body": {**(kwargs.get("extra") or {}), "top_k": 5}}\nclient.chat.completions.create(**params)',
        ),
        (
            'opts = {"model": "text-embedding-v4", "input": text, "encoding_format": "base64", "user": "u"}\nclient.embeddings.create(**opts)',
            'opts = {"model": "text-embedding-v4", "input": text, "encoding_format": "float"}\nclient.embeddings.create(**opts)',
        ),
        (
            'params = {"model": "qwen3.6-plus", "messages": [], "tools": TOOLS}\nclient.chat.completions.create(**params)',
            'params = {"model": "qwen3.6-plus", "messages": [], "tools": TOOLS}\nclient.chat.completions.create(**params, parallel_tool_calls=True)',
        ),
    ],
)
def test_fix_edits_dict_literals_like_keywords(body, fixed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(in_function(body))
    CliRunner().invoke(main, ["fix", "app.py"])
    assert (tmp_path / "app.py").read_text() == in_function(fixed)


@pytest.mark.parametrize(
    "body",
    [
        # one dict, two calls: editing it would change both
        'params = {"model": "qwen3.6-plus", "messages": [], "top_k": 5}\nclient.chat.completions.create(**params)\nclient.chat.completions.create(**params)',
        # set by a statement, not in the literal
        'params = {"model": "qwen3.6-plus", "messages": []}\nparams["top_k"] = 5\nclient.chat.completions.create(**params)',
        # set on some paths only
        'params = {"model": "qwen3.6-plus", "messages": []}\nif flag:\n    params.update({"top_k": 5})\nclient.chat.completions.create(**params)',
        # the call has its own extra_body: a second one in the dict would collide
        'params = {"model": "qwen3.6-plus", "messages": [], "top_k": 5}\nclient.chat.completions.create(extra_body={}, **params)',
        # the dict has the extra_body: a keyword one beside it would be passed twice
        'params = {"model": "qwen3.6-plus", "messages": [], "extra_body": {"top_k": 5}}\nclient.chat.completions.create(**params, enable_thinking=False)',
        # another dict has it: adding one to the first would pass it twice
        'first = {"model": "qwen3.6-plus", "top_k": 5}\nsecond = {"messages": [], "extra_body": {}}\nclient.chat.completions.create(**first, **second)',
    ],
)
def test_dicts_not_seen_whole_are_reported_without_a_fix(body):
    findings = [f for f in check(in_function(body)) if f.code == "QW209"]
    assert findings and all(f.fix is None for f in findings)


@pytest.mark.parametrize(
    "source",
    [
        CLIENT + 'MODEL = "gpt-4o"\nclient.chat.completions.create(model=MODEL, messages=[])\nclient.chat.completions.create(model=MODEL, messages=[])\n',
        CLIENT + 'class Bot:\n    MODEL = "gpt-4o"\n    def run(self):\n        client.chat.completions.create(model=self.MODEL, messages=[])\n',
        CLIENT + 'def run(model="gpt-4o"):\n    client.chat.completions.create(model=model, messages=[])\n',
        CLIENT
        + 'from dataclasses import dataclass\n@dataclass\nclass Config:\n    model: str = "gpt-4o"\n'
        + 'def run(config: Config):\n    client.chat.completions.create(model=config.model, messages=[])\n',
    ],
)
def test_model_constants_are_reported_and_fixed_at_the_literal(source, tmp_path, monkeypatch):
    [finding] = check(source)
    assert finding.code == "QW210"
    assert source.splitlines()[finding.line - 1][finding.column - 1 :].startswith('"gpt-4o"')
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(source)
    CliRunner().invoke(main, ["fix", "app.py"])
    assert (tmp_path / "app.py").read_text() == source.replace('"gpt-4o"', '"qwen3.6-plus"')


def test_a_constant_reassigned_is_not_guessed():
    assert codes(CLIENT + 'MODEL = "gpt-4o"\nMODEL = pick()\nclient.chat.completions.create(model=MODEL, messages=[])\n') == []


def test_unresolved_calls_are_listed_and_counted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(in_function("client.chat.completions.create(**kwargs)"))
    listed = CliRunner().invoke(main, ["check", "--explain-unresolved", "app.py"]).output
    assert "app.py:7:5: chat.completions.create() is a call the analysis cannot follow whole" in listed
    statistics = CliRunner().invoke(main, ["check", "--statistics", "app.py"]).output
    assert "1 SDK calls the analysis cannot follow whole" in statistics
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "app.py"]).output)
    assert document["unresolved"] == [{"path": "app.py", "line": 7, "column": 5, "method": "chat.completions.create"}]


def test_a_none_default_is_not_taken_for_the_value():
    source = CLIENT + "def files(purpose=None):\n    return client.files.list(purpose=purpose)\n"
    [finding] = check(source)
    assert finding.code == "QW503"
    assert source.splitlines()[finding.line - 1].strip().startswith("return client.files.list(")

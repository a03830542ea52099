"""Clients passed as unannotated parameters (and to lambdas), inferred from every caller: in one
module, and across the modules of a project through the index."""
import json
from textwrap import dedent

import libcst as cst
import pytest
from click.testing import CliRunner

from qwen_migrate.analysis.flow import resolve
from qwen_migrate.analysis.model import ModuleContext, Origin
from qwen_migrate.cli import main

HEADER = "from openai import OpenAI\nfrom groq import Groq\n\nclient = OpenAI()\n"


def resolved(source):
    return resolve(cst.parse_module(HEADER + dedent(source)))


def sdk_calls(source):
    """The SDK calls found, each with the classes of the clients it goes through."""
    return [(call.method, [client.class_name for client in call.clients]) for call in resolved(source).calls]


@pytest.mark.parametrize(
    "source",
    [
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query(client, 'hi')\n",
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query(prompt='hi', model_client=client)\n",
        "def run_query(prompt, model_client=client):\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query('hi')\n",
        "def run_query(prompt, *, model_client):\n    return model_client.chat.completions.create(model='m', messages=[])\n\ndef main():\n    run_query('a', model_client=client)\n",
        # a method, called through self: `self` is not among what the call passes by position
        "class Bot:\n    def go(self):\n        return self.send(client, 'q')\n\n    def send(self, c, q):\n        return c.chat.completions.create(model='m', messages=[])\n",
        # through a function that takes it too
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\ndef outer(c):\n    return run_query(c, 'q')\n\nouter(client)\n",
        # a resource of the client
        "def run_query(completions):\n    return completions.create(model='m', messages=[])\n\nrun_query(client.chat.completions)\n",
        "ask = lambda cli, q: cli.chat.completions.create(model='m', messages=[q])\nask(client, 'hi')\n",
        "class Bot:\n    def __init__(self):\n        self.ask = lambda cli: cli.chat.completions.create(model='m', messages=[])\n\n    def go(self):\n        return self.ask(client)\n",
    ],
)
def test_a_parameter_is_the_client_every_caller_passes(source):
    assert sdk_calls(source) == [("chat.completions.create", ["OpenAI"])]


@pytest.mark.parametrize(
    "source",
    [
        # another SDK's client: never an OpenAI call
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query(Groq(), 'hi')\n",
        "ask = lambda cli, q: cli.chat.completions.create(model='m', messages=[q])\nask(Groq(), 'hi')\n",
        # an OpenAI client on some calls, another SDK's on others
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query(client, 'a')\nrun_query(Groq(), 'b')\n",
        # no caller, or none that passes a client (the default is None), or what may be anything
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n",
        "def run_query(prompt, model_client=None):\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query('a')\n",
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\ndef main(args):\n    run_query(*args)\n",
        "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\ndef main(c):\n    run_query(c, 'a')\n",
        # a function that calls itself: not followed
        "def run_query(model_client, n):\n    if n:\n        return run_query(model_client, n - 1)\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query(client, 3)\n",
        # another function of the same name elsewhere is not this one
        "class Other:\n    def run_query(self, model_client):\n        return model_client.chat.completions.create(model='m', messages=[])\n\ndef run_query(model_client):\n    pass\n\nrun_query(client)\n",
    ],
)
def test_a_parameter_that_may_be_anything_else_is_not_followed(source):
    assert sdk_calls(source) == []


def test_a_parameter_called_or_used_otherwise_is_no_sdk_call():
    source = "def apply(callback, rows):\n    return callback(rows)\n\ndef frame(df):\n    return df.groupby('a').agg()\n\napply(print, [])\n"
    module = resolve(cst.parse_module(source), ModuleContext("desk.helpers"))
    assert module.calls == [] and module.imported_uses == [] and module.exports.parameters == {}


def test_a_parameter_some_callers_pass_an_openai_client_is_on_some_paths_only():
    mixed = resolved("def run_query(model_client, prompt):\n    return model_client.chat.completions.with_raw_response.create(model='m', messages=[])\n\nrun_query(client, 'a')\nrun_query(Groq(), 'b')\n")
    assert [(method, parameter) for _, method, parameter in mixed.unfollowed] == [("chat.completions.create", "model_client")]
    assert mixed.calls == []
    # passed on: outer's callers disagree, so run_query's one caller passes a client on some paths
    chained = resolved("def run_query(c):\n    return c.embeddings.create(model='m', input='x')\n\ndef outer(d):\n    return run_query(d)\n\nouter(client)\nouter(Groq())\n")
    assert [(method, parameter) for _, method, parameter in chained.unfollowed] == [("embeddings.create", "c")]
    # no caller passes an OpenAI client: nothing to review
    assert resolved("def run_query(model_client):\n    return model_client.chat.completions.create(model='m')\n\nrun_query(Groq())\n").unfollowed == []


@pytest.mark.parametrize(
    "unseen",
    [
        "import concurrent.futures\n\nwith concurrent.futures.ThreadPoolExecutor() as pool:\n    pool.submit(run_query, Groq(), 'b')\n",
        "query = run_query\nquery(Groq(), 'b')\n",
        "handlers = {'ask': run_query}\n",
    ],
)
def test_a_function_read_other_than_by_its_calls_has_callers_we_cannot_see(unseen):
    helper = "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m', messages=[])\n\nrun_query(client, 'a')\n"
    module = resolved(helper + unseen)
    assert module.calls == []
    assert [(method, parameter) for _, method, parameter in module.unfollowed] == [("chat.completions.create", "model_client")]


def test_a_method_called_on_what_cannot_be_followed_has_callers_we_cannot_see():
    bot = "class Bot:\n    def ask(self, c, q):\n        return c.chat.completions.create(model='m', messages=[])\n\n    def warmup(self):\n        self.ask(client, 'hi')\n"
    assert sdk_calls(bot) == [("chat.completions.create", ["OpenAI"])]
    assert sdk_calls(bot + "\n\nbot = Bot()\nbot.ask(Groq(), 'q')\n") == []


def test_the_calls_through_a_parameter_count_for_the_client_passed():
    module = resolved("def draft(c, ticket):\n    return c.responses.create(model='m', input=ticket)\n\ndraft(client, 't')\n")
    [built] = [c for c in module.clients if c.constructed_here]
    assert built.apis == {"responses"}


def test_a_parameter_default_is_still_read_as_a_constant():
    module = resolved("def ask(c, model='gpt-4o'):\n    return c.chat.completions.create(model=model, messages=[])\n\nask(client)\n")
    [call] = module.calls
    assert [cst.Module([]).code_for_node(v) for v in call.arguments.constants.values()] == ["'gpt-4o'"]


def test_only_functions_whose_parameters_sdk_calls_go_through_are_exported():
    source = "def run_query(model_client, prompt):\n    return model_client.chat.completions.create(model='m')\n\ndef process(df, key):\n    return df.groupby(key).agg.apply()\n"
    exports = resolve(cst.parse_module(source), ModuleContext("desk.helpers")).exports
    assert exports.parameters == {Origin("desk.helpers", "run_query"): ("model_client", "prompt")}


HELPERS = """\
import openai


def run_query(model_client, prompt):
    return model_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])


def draft(model_client, ticket):
    return model_client.responses.create(model="qwen-plus", input=ticket)
"""


def write(root, files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(dedent(text))


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
    write(tmp_path, {"desk/__init__.py": "", "desk/helpers.py": HELPERS})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args):
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--format", "json", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)["findings"]


def codes(findings, path):
    return sorted((f["line"], f["code"]) for f in findings if f["path"] == path)


def test_callers_in_other_modules_bind_the_parameter(project):
    write(project, {
        "desk/triage.py": "from openai import OpenAI\nfrom desk.helpers import run_query\n\nclient = OpenAI()\nrun_query(client, 'q')\n",
        "desk/replies.py": "from openai import OpenAI\nfrom desk.helpers import draft\n\ndrafter = OpenAI()\ndraft(model_client=drafter, ticket='t')\n",
    })
    whole = check(".")
    assert codes(whole, "desk/helpers.py") == [(5, "QW210")]  # run_query's gpt-4o; draft's qwen-plus is fine
    fixes = {f["path"]: f["fix"]["description"] for f in whole if f["code"] == "QW101"}
    assert fixes["desk/triage.py"].endswith("dashscope-intl.aliyuncs.com/compatible-mode/v1")
    assert fixes["desk/replies.py"].endswith("/api/v2/apps/protocols/compatible-mode/v1")  # draft calls Responses
    # the same whichever file a run is given
    assert codes(check("desk/helpers.py"), "desk/helpers.py") == [(5, "QW210")]
    assert [f for f in check("desk/replies.py") if f["code"] == "QW101"] == [f for f in whole if f["path"] == "desk/replies.py" and f["code"] == "QW101"]


def test_a_caller_elsewhere_through_a_function_of_the_helpers_module(project):
    # outer's only caller is in another module; run_query's only caller is outer
    write(project, {
        "desk/helpers.py": HELPERS + "\n\ndef outer(c, q):\n    return run_query(c, q)\n",
        "desk/main.py": "from openai import OpenAI\nfrom desk.helpers import outer\n\nclient = OpenAI()\nouter(client, 'q')\n",
    })
    assert codes(check("."), "desk/helpers.py") == [(5, "QW210")]
    write(project, {"desk/other.py": "from desk.helpers import outer\n\nouter(None, 'q')\n"})
    assert codes(check("."), "desk/helpers.py") == []


def test_a_lookalike_caller_in_a_module_that_never_mentions_the_sdk_unbinds_the_parameter(project):
    write(project, {
        "desk/triage.py": "from openai import OpenAI\nfrom desk.helpers import run_query\n\nclient = OpenAI()\nrun_query(client, 'q')\n",
    })
    assert codes(check("."), "desk/helpers.py") == [(5, "QW210")]  # with the cache
    write(project, {"desk/digest.py": "from groq import Groq\nfrom desk.helpers import run_query\n\nrun_query(Groq(), 'q')\n"})
    assert codes(check("."), "desk/helpers.py") == []  # the index changed: the cached result is not reused


def test_calls_on_some_paths_are_listed_for_review(project):
    write(project, {
        "desk/triage.py": "from openai import OpenAI\nfrom desk.helpers import run_query\n\nclient = OpenAI()\nrun_query(client, 'q')\n",
        "desk/digest.py": "from groq import Groq\nfrom desk.helpers import run_query\n\nrun_query(Groq(), 'q')\n",
    })
    listed = CliRunner().invoke(main, ["check", "--explain-unresolved", "desk/helpers.py"]).output
    assert "desk/helpers.py:5:12: chat.completions.create() through 'model_client' is an OpenAI call on some paths only" in listed
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "."]).output)
    assert document["unresolved"] == [{"path": "desk/helpers.py", "line": 5, "column": 12, "method": "chat.completions.create", "parameter": "model_client"}]
    statistics = CliRunner().invoke(main, ["check", "--statistics", "."]).output
    assert "1 calls through a parameter are OpenAI calls on some paths only (see --explain-unresolved)." in statistics


def test_a_client_imported_from_the_project_and_passed_on(project):
    # neither caller mentions the SDK: they import the clients, and the helpers
    write(project, {
        "desk/llm.py": "from openai import OpenAI\n\nclient = OpenAI()\ndrafter = OpenAI()\n",
        "desk/triage.py": "from desk.llm import client\nfrom desk.helpers import run_query\n\nrun_query(client, 'q')\n",
        "desk/replies.py": "from desk.llm import drafter\nfrom desk.helpers import draft\n\ndraft(drafter, 't')\n",
    })
    whole = check(".")
    assert codes(whole, "desk/helpers.py") == [(5, "QW210")]
    fixes = {f["line"]: f["fix"]["description"] for f in whole if f["path"] == "desk/llm.py" and f["code"] == "QW101"}
    assert fixes[3].endswith("dashscope-intl.aliyuncs.com/compatible-mode/v1")  # client: chat, through run_query
    assert fixes[4].endswith("/api/v2/apps/protocols/compatible-mode/v1")  # drafter: Responses, through draft


def test_what_a_caller_elsewhere_passes_is_read_where_the_call_stands(project):
    # the name is rebound after the call: run_query receives Groq's client, draft the first OpenAI one
    write(project, {
        "desk/triage.py": (
            "from groq import Groq\nfrom openai import OpenAI\nfrom desk.helpers import draft, run_query\n\n\n"
            "def make_groq():\n    return Groq()\n\n\n"
            "client = make_groq()\nrun_query(client, 'q')\nclient = OpenAI()\ndraft(client, 't')\n"
            "client = OpenAI()\nclient.chat.completions.create(model='qwen-plus', messages=[])\n"
        ),
    })
    whole = check(".")
    assert codes(whole, "desk/helpers.py") == []  # run_query's gpt-4o goes to Groq
    fixes = {f["line"]: f["fix"]["description"] for f in whole if f["path"] == "desk/triage.py" and f["code"] == "QW101"}
    assert fixes[12].endswith("/api/v2/apps/protocols/compatible-mode/v1")  # draft calls Responses through it
    assert fixes[14].endswith("dashscope-intl.aliyuncs.com/compatible-mode/v1")  # chat only


@pytest.mark.parametrize(
    "source",
    [
        # every caller passes Groq: the default is never used
        "def run(q, c=client):\n    return c.chat.completions.create(model='m', messages=[])\n\nrun('a', Groq())\n",
        # the default is the binding that reaches the def, not a later one
        "llm = Groq()\n\ndef run(q, c=llm):\n    return c.chat.completions.create(model='m', messages=[])\n\nrun('a')\nllm = OpenAI()\n",
    ],
)
def test_a_parameters_default_is_what_a_call_passing_nothing_gets_where_the_def_stands(source):
    assert sdk_calls(source) == []


def test_an_annotated_parameters_default_is_read_where_the_def_stands():
    """The annotation names no OpenAI client: the default reaching the def decides whether the
    call may be an OpenAI call (on the paths where the default is used)."""
    openai_default = resolved("llm = OpenAI()\n\ndef run(q, c: 'Groq' = llm):\n    return c.chat.completions.create(model='m')\n\nllm = Groq()\n")
    assert [method for _, method, _ in openai_default.unfollowed] == ["chat.completions.create"]
    groq_default = resolved("llm = Groq()\n\ndef run(q, c: 'Groq' = llm):\n    return c.chat.completions.create(model='m')\n\nllm = OpenAI()\n")
    assert (groq_default.calls, groq_default.unfollowed) == ([], [])


def test_a_parameter_given_what_may_be_a_client_or_not_is_listed_not_dropped():
    """One marker for "an OpenAI client on some paths": an item of a mixed container passed on is one too."""
    module = resolved("registry = {'o': client, 'g': Groq()}\n\ndef run_query(c):\n    return c.chat.completions.create(model='m')\n\nrun_query(registry[key])\n")
    assert (module.calls, [(method, parameter) for _, method, parameter in module.unfollowed]) == ([], [("chat.completions.create", "c")])

"""Constants and dicts of parameters imported from other modules of the project (issue 15): judged
and fixed at their literal, in the module that defines them, once; the importing call knows the
parameters they hold."""
import json

import libcst as cst
import pytest
from click.testing import CliRunner

import qwen_migrate
from qwen_migrate.analysis.flow import resolve
from qwen_migrate.analysis.model import ModuleContext, Origin
from qwen_migrate.cli import main

DASHSCOPE = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
CLIENT = f"import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.getenv('DASHSCOPE_API_KEY'), base_url='{DASHSCOPE}')\n"
SETTINGS = (
    'DEFAULT_MODEL = "gpt-4o"\n'
    'GEN_KWARGS = {"temperature": 0.2, "tool_choice": "required", "top_k": 5}\n'
    'EMBED_KWARGS = {"dimensions": 512}\n'
)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def findings(*args):
    result = run("check", "--format", "json", "--jobs", "1", *args)
    assert result.exit_code in (0, 1), result.output
    return sorted((f["path"], f["line"], f["column"], f["code"], f["message"]) for f in json.loads(result.output)["findings"])


def codes(*args):
    return [(path, line, code) for path, line, _, code, _ in findings(*args)]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with a package `config` (settings.py never mentions the SDK) and a package `app`."""
    (tmp_path / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
    for package in ("config", "app"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "config" / "settings.py").write_text(SETTINGS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_imported_constants_and_dicts_are_reported_at_their_literals_once(project):
    (project / "app" / "chat.py").write_text(
        CLIENT + "from config.settings import DEFAULT_MODEL, GEN_KWARGS\n\n\n"
        "def ask(messages):\n    return client.chat.completions.create(model=DEFAULT_MODEL, messages=messages, **GEN_KWARGS)\n"
    )
    (project / "app" / "other.py").write_text(
        CLIENT + "import config.settings as cfg\n\n\n"
        "def ask(messages):\n    return client.chat.completions.create(model=cfg.DEFAULT_MODEL, messages=messages)\n"
    )
    assert findings(".") == [
        ("config/settings.py", 1, 17, "QW210", "'gpt-4o' is an OpenAI model, not served by DashScope (use 'qwen3.6-plus')"),
        ("config/settings.py", 2, 35, "QW203", 'tool_choice="required" is not supported by DashScope (use "auto", "none" or a function object)'),
        ("config/settings.py", 2, 62, "QW209", "top_k is a Qwen-only parameter: as a keyword argument the SDK raises TypeError; pass it in extra_body"),
    ]
    # the same, checking one file of the project or another
    assert findings("app/chat.py") == [] and len(findings("config/settings.py")) == 3


def test_the_keys_of_an_imported_dict_are_the_calls_parameters(project):
    """`**EMBED_KWARGS` whose keys are all known no longer hides a missing encoding_format."""
    (project / "app" / "search.py").write_text(
        CLIENT + "from config import settings\n\n\n"
        "def embed(texts):\n    return client.embeddings.create(model='text-embedding-v4', input=texts, **settings.EMBED_KWARGS)\n"
    )
    assert codes(".") == [("app/search.py", 9, "QW401")]
    assert "cannot follow" not in run("check", "--explain-unresolved", ".").output


def test_calls_through_an_imported_client_in_a_module_that_never_mentions_the_sdk(project):
    (project / "app" / "llm.py").write_text(CLIENT)
    (project / "app" / "chat.py").write_text(
        "from app.llm import client\nfrom config.settings import DEFAULT_MODEL\n\n"
        "client.chat.completions.create(model=DEFAULT_MODEL, messages=[])\n"
    )
    assert codes(".") == [("config/settings.py", 1, "QW210")]


def test_fix_edits_the_defining_module_in_one_run(project):
    chat = CLIENT + "from config.settings import DEFAULT_MODEL, GEN_KWARGS\n\nclient.chat.completions.create(model=DEFAULT_MODEL, messages=[], **GEN_KWARGS)\n"
    (project / "app" / "chat.py").write_text(chat)
    result = run("fix", "--unsafe-fixes", ".")
    assert result.exit_code == 0, result.output
    assert (project / "config" / "settings.py").read_text() == (
        'DEFAULT_MODEL = "qwen3.6-plus"\n'
        'GEN_KWARGS = {"temperature": 0.2, "tool_choice": "auto", "extra_body": {"top_k": 5}}\n'
        'EMBED_KWARGS = {"dimensions": 512}\n'
    )
    assert (project / "app" / "chat.py").read_text() == chat
    assert findings(".") == []


def test_a_key_of_a_dict_several_calls_unpack_is_not_moved(project):
    """As for a dict of the same module: a value is replaced, but no key is moved or renamed."""
    (project / "app" / "chat.py").write_text(
        CLIENT + "from config.settings import GEN_KWARGS\n\n"
        "client.chat.completions.create(model='qwen3.6-plus', messages=[], **GEN_KWARGS)\n"
        "client.chat.completions.create(model='qwen3.6-plus', messages=[1], **GEN_KWARGS)\n"
    )
    document = json.loads(run("check", "--format", "json", ".").output)
    assert {(f["code"], f["fix"] is None) for f in document["findings"]} == {("QW203", False), ("QW209", True)}


@pytest.mark.parametrize(
    "settings, user",
    [
        # rebound on a branch where it is used: which value the call sends is unknown
        ('MODEL = "gpt-4o"\n', "import os\nfrom config.settings import MODEL\n\nif os.getenv('FAST'):\n    MODEL = 'qwen-flash'\n"),
        # bound on several paths where it is defined
        ('import os\nif os.getenv("BIG"):\n    MODEL = "gpt-4o"\nelse:\n    MODEL = "gpt-4o-mini"\n', "from config.settings import MODEL\n"),
        # a module of another package, outside the project, of the same name
        ('MODEL = "gpt-4o"\n', "from vendor.settings import MODEL\n"),
    ],
    ids=["rebound-by-the-user", "bound-on-two-paths", "outside-the-project"],
)
def test_values_that_cannot_be_followed_are_not_guessed(project, settings, user):
    (project / "config" / "settings.py").write_text(settings)
    (project / "app" / "chat.py").write_text(CLIENT + user + "\nclient.chat.completions.create(model=MODEL, messages=[])\n")
    assert findings(".") == []


def test_calls_of_other_sdks_and_other_providers_leave_the_values_alone(project):
    (project / "app" / "fast.py").write_text(
        "from groq import Groq\nfrom openai import OpenAI\nfrom config.settings import DEFAULT_MODEL, GEN_KWARGS\n\n"
        "Groq().chat.completions.create(model=DEFAULT_MODEL, messages=[], **GEN_KWARGS)\n"
        "local = OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n"
        "local.chat.completions.create(model=DEFAULT_MODEL, messages=[], **GEN_KWARGS)\n"
    )
    assert codes(".") == [("app/fast.py", 6, "QW108")]


def test_a_module_that_is_never_imported_for_a_value_is_only_read(project, monkeypatch):
    (project / "app" / "chat.py").write_text(CLIENT + "client.chat.completions.create(model='qwen3.6-plus', messages=[])\n")
    parsed = []
    parse = qwen_migrate.parsing.cst.parse_module
    monkeypatch.setattr(qwen_migrate.parsing.cst, "parse_module", lambda data, *a, **k: parsed.append(data) or parse(data, *a, **k))
    assert findings(".") == []
    assert parsed == [(project / "app" / "chat.py").read_bytes()]


def test_a_changed_settings_module_rechecks_the_modules_that_use_it(project, monkeypatch):
    monkeypatch.delenv("QWEN_MIGRATE_NO_CACHE")
    (project / "app" / "search.py").write_text(
        CLIENT + "from config.settings import EMBED_KWARGS\n\n"
        "client.embeddings.create(model='text-embedding-v4', input=['a'], **EMBED_KWARGS)\n"
    )
    assert codes(".") == [("app/search.py", 7, "QW401")]
    parsed = []
    parse = qwen_migrate.parsing.cst.parse_module
    monkeypatch.setattr(qwen_migrate.parsing.cst, "parse_module", lambda data, *a, **k: parsed.append(data) or parse(data, *a, **k))
    assert codes(".") == [("app/search.py", 7, "QW401")] and parsed == []  # from the cache
    settings = project / "config" / "settings.py"
    settings.write_text(SETTINGS.replace('{"dimensions": 512}', '{"dimensions": 512, "encoding_format": "float"}'))
    assert codes(".") == []
    settings.write_text(SETTINGS.replace('{"dimensions": 512}', '{"dimensions": 512, "encoding_format": "base64"}'))
    assert codes(".") == [("config/settings.py", 3, "QW401")]


def test_module_level_values_of_any_shape_are_read_without_error(project):
    """The first pass looks at every module-level name for a constant or dict others may import: a
    dict keyed by tuples (langchain_core's load/mapping.py) once stopped the run with an internal error."""
    (project / "app" / "tables.py").write_text(
        CLIENT + 'MAPPING = {("langchain", "schema"): ("langchain_core", "messages")}\n'
        'NESTED = {"k": {("a", 1): 2}}\n'
        'client.chat.completions.create(model="qwen3.6-plus", messages=[], extra_body=NESTED)\n'
    )
    result = run("check", "--jobs", "1", "app/tables.py")
    assert result.exit_code == 0, result.output


def test_imported_constants_and_dicts_given_to_a_partial(project):
    partial = CLIENT + "from functools import partial\n\nfrom config.settings import DEFAULT_MODEL, GEN_KWARGS\n\n"
    (project / "app" / "chat.py").write_text(partial + "ask = partial(client.chat.completions.create, model=DEFAULT_MODEL)\nask(messages=[])\n")
    assert codes(".") == [("config/settings.py", 1, "QW210")]  # the partial's own keywords are the call's
    (project / "app" / "other.py").write_text(
        partial + "ask = partial(client.chat.completions.create, model=DEFAULT_MODEL, **GEN_KWARGS)\nask(messages=[])\n"
        "client.chat.completions.create(model=DEFAULT_MODEL, messages=[])\n"
    )
    assert codes(".") == [("config/settings.py", 1, "QW210"), ("config/settings.py", 2, "QW203"), ("config/settings.py", 2, "QW209")]


def test_an_imported_constant_used_through_a_helpers_parameter(project):
    (project / "app" / "helpers.py").write_text(
        "import openai  # for its errors\n\nfrom config.settings import DEFAULT_MODEL\n\n\n"
        "def run(c, q):\n    return c.chat.completions.create(model=DEFAULT_MODEL, messages=[{'role': 'user', 'content': q}])\n"
    )
    (project / "app" / "main.py").write_text("from groq import Groq\n\nfrom app.helpers import run\n\nrun(Groq(), 'hi')\n")
    assert codes(".") == []  # every caller passes Groq's client
    (project / "app" / "main.py").write_text(CLIENT + "from app.helpers import run\n\nrun(client, 'hi')\n")
    assert codes(".") == [("config/settings.py", 1, "QW210")]


def test_only_dicts_that_may_be_parameters_go_into_a_modules_exports():
    source = 'import openai\n\nGEN_KWARGS = {"temperature": 0.2}\nLABELS = {"en-US": "English", "de-DE": "German"}\nMODEL = "gpt-4o"\n'
    exports = resolve(cst.parse_module(source), ModuleContext("config.settings")).exports
    assert list(exports.dicts) == [Origin("config.settings", "GEN_KWARGS")]  # no keyword argument is called en-US
    assert list(exports.constants) == [Origin("config.settings", "MODEL")]


def fixes(*args):
    result = run("check", "--format", "json", "--jobs", "1", *args)
    assert result.exit_code in (0, 1), result.output
    return sorted((f["path"], f["line"], f["code"], f["message"].endswith("(change it where the variable is read)"), f["fix"] is not None) for f in json.loads(result.output)["findings"])


def test_a_value_other_code_reads_too_is_reported_without_a_fix(project):
    (project / "app" / "chat.py").write_text(
        CLIENT + "from config.settings import DEFAULT_MODEL, GEN_KWARGS\n\n"
        "client.chat.completions.create(model=DEFAULT_MODEL, messages=[], **GEN_KWARGS)\n"
    )
    fixed = [("config/settings.py", 1, "QW210", False, True), ("config/settings.py", 2, "QW203", False, True), ("config/settings.py", 2, "QW209", False, True)]
    assert fixes(".") == fixed
    # neither reader mentions the SDK: a look-alike's call, and another library
    (project / "app" / "fallback.py").write_text("from groq import Groq\n\nfrom config.settings import DEFAULT_MODEL\n\nGroq().chat.completions.create(model=DEFAULT_MODEL, messages=[])\n")
    (project / "app" / "tokens.py").write_text("import requests\n\nimport config.settings as cfg\n\nrequests.post('https://example.com', json=cfg.GEN_KWARGS)\n")
    assert fixes(".") == [("config/settings.py", 1, "QW210", True, False), ("config/settings.py", 2, "QW203", True, False), ("config/settings.py", 2, "QW209", True, False)]
    assert run("fix", ".").exit_code in (0, 1)
    assert (project / "config" / "settings.py").read_text() == SETTINGS
    (project / "app" / "fallback.py").unlink()
    (project / "app" / "tokens.py").unlink()
    assert fixes(".") == fixed


@pytest.mark.parametrize(
    "reader",
    [
        "client.chat.completions.create(model=DEFAULT_MODEL, messages=[])\nprint(DEFAULT_MODEL)\n",  # the calling module, besides its call
        "from groq import Groq\n\nclient.chat.completions.create(model=DEFAULT_MODEL, messages=[])\nGroq().chat.completions.create(model=DEFAULT_MODEL, messages=[])\n",
    ],
)
def test_a_constant_the_calling_module_reads_otherwise_is_not_fixed(project, reader):
    (project / "app" / "chat.py").write_text(CLIENT + "from config.settings import DEFAULT_MODEL\n\n" + reader)
    assert fixes(".") == [("config/settings.py", 1, "QW210", True, False)]


def test_a_constant_the_defining_module_reads_itself_is_not_fixed(project):
    (project / "config" / "settings.py").write_text(SETTINGS + "LABEL = DEFAULT_MODEL.upper()\n")
    (project / "app" / "chat.py").write_text(CLIENT + "from config.settings import DEFAULT_MODEL\n\nclient.chat.completions.create(model=DEFAULT_MODEL, messages=[])\n")
    assert fixes(".") == [("config/settings.py", 1, "QW210", True, False)]

"""A repository as a whole: clients shared across modules, and results that do not depend on how the run is cut."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qwen_migrate.analysis.model import ModuleContext, Origin, ProjectIndex
from qwen_migrate.analysis.project import ImportTest, module_name
from qwen_migrate.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def findings(*args):
    result = run("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return sorted((f["path"], f["line"], f["column"], f["code"], f["message"]) for f in json.loads(result.output)["findings"])


@pytest.fixture
def shop(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "cross_module", tmp_path / "cross_module")
    (tmp_path / "cross_module" / "pyproject.toml").write_text("[tool.qwen-migrate]\n")  # marks the project
    monkeypatch.chdir(tmp_path / "cross_module")
    return tmp_path / "cross_module"


def test_imported_clients_are_followed(shop):
    found = {(path, code) for path, _, _, code, _ in findings(".")}
    assert ("shop/chat.py", "QW210") in found  # from shop.llm import client
    assert ("shop/search.py", "QW401") in found  # from .llm import make_embedder; make_embedder().embeddings
    assert ("shop/service.py", "QW208") in found  # deps.client, typed in a dataclass of another module


def test_base_url_is_chosen_from_every_module_that_uses_the_client(shop):
    document = json.loads(run("check", "--format", "json", "shop/llm.py").output)
    fixes = {(f["line"], f["code"]): f["fix"]["description"] for f in document["findings"]}
    assert fixes[(4, "QW101")].endswith("/compatible-mode/v1")  # client: chat, in shop/chat.py
    assert fixes[(5, "QW101")].endswith("/api/v2/apps/protocols/compatible-mode/v1")  # agents: responses, in shop/agent.py


def test_results_do_not_depend_on_how_the_files_are_given(shop):
    whole = findings(".")
    files = sorted(str(p.relative_to(shop)) for p in shop.rglob("*.py"))
    assert findings(*files) == whole
    assert findings(*reversed(files)) == whole
    assert sorted(f for path in files for f in findings(path)) == whole
    assert findings("--jobs", "1", ".") == whole


def test_results_do_not_depend_on_the_number_of_jobs(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert findings("--jobs", "2", ".") == findings("--jobs", "1", ".")


def test_one_fix_run_migrates_the_whole_project(shop):
    result = run("fix", "--unsafe-fixes", ".")
    assert result.exit_code == 0, result.output
    assert findings(".") == []
    llm = (shop / "shop" / "llm.py").read_text()
    assert llm.count('api_key=os.getenv("DASHSCOPE_API_KEY")') == 3
    assert 'agents = OpenAI(base_url="https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1"' in llm


def test_without_a_project_only_the_given_files_are_read(shop):
    (shop / "pyproject.toml").unlink()
    document = json.loads(run("check", "--format", "json", "shop/llm.py").output)
    # no project, so no uses from other modules: the compatible-mode endpoint, the default
    assert {f["fix"]["description"] for f in document["findings"] if f["code"] == "QW101"} == {
        "Set base_url to https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    }


def test_no_progress_bar_in_output_that_is_not_a_terminal(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    output = run("check", "--jobs", "2", ".").output
    assert "Checking" not in output and "━" not in output


@pytest.mark.parametrize(
    "path, name, package",
    [("pkg/sub/mod.py", "pkg.sub.mod", False), ("pkg/sub/__init__.py", "pkg.sub", True), ("scripts/tool.py", "tool", False)],
)
def test_module_names(tmp_path, path, name, package):
    for folder in ("pkg", "pkg/sub"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "__init__.py").write_text("")
    file = tmp_path / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.touch()
    assert module_name(file) == (name, package)


@pytest.mark.parametrize(
    "module, level, context, absolute",
    [
        ("llm", 1, ModuleContext("shop.chat"), "shop.llm"),
        (None, 1, ModuleContext("shop.chat"), "shop"),
        ("llm", 1, ModuleContext("shop", is_package=True), "shop.llm"),
        ("core.llm", 2, ModuleContext("shop.api.views"), "shop.core.llm"),
        ("x", 3, ModuleContext("shop.chat"), None),
    ],
)
def test_relative_imports(module, level, context, absolute):
    assert context.absolute(module, level) == absolute


def app_package(root: Path) -> None:
    """A project (its configuration marks it) holding the package `app`."""
    (root / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")


def test_a_client_of_another_provider_imported_from_another_module_is_left_alone(tmp_path, monkeypatch):
    app_package(tmp_path)
    (tmp_path / "app" / "llm.py").write_text(
        "from openai import OpenAI\n\nlocal = OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n\n\n"
        "def make_local():\n    return OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n"
    )
    (tmp_path / "app" / "use.py").write_text(
        "from app.llm import local, make_local\n\n"
        "local.chat.completions.create(model='gpt-4o', messages=[], tool_choice='required')\n"
        "make_local().chat.completions.create(model='gpt-4o', messages=[], top_k=5)\n"
    )
    monkeypatch.chdir(tmp_path)
    assert [(path, code) for path, _, _, code, _ in findings(".")] == [("app/llm.py", "QW108"), ("app/llm.py", "QW108")]


def test_an_imported_client_is_judged_and_fixed_where_it_is_built(tmp_path, monkeypatch):
    app_package(tmp_path)
    (tmp_path / "app" / "llm.py").write_text(
        "import os\nfrom openai import OpenAI\n\n"
        "client = OpenAI(api_key=os.getenv('DASHSCOPE_API_KEY'), base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1')\n\n\n"
        "def make(local):\n"
        "    if local:\n        return OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n"
        "    return OpenAI(api_key=os.getenv('DASHSCOPE_API_KEY'), base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1')\n"
    )
    (tmp_path / "app" / "use.py").write_text(
        "from app.llm import client, make\n\n"
        "client.responses.create(model='qwen3.6-plus', input='hi')\n"
        "make(False).chat.completions.create(model='qwen3.6-plus', messages=[], tool_choice='required')\n"
    )
    monkeypatch.chdir(tmp_path)
    found = [(path, code) for path, _, _, code, _ in findings(".")]
    # a factory with another provider on one path only: its calls are still judged
    assert ("app/use.py", "QW203") in found
    # no fix can reach a client from the module that imports it: no QW301 with an empty fix there
    assert ("app/use.py", "QW301") not in found


def test_a_file_the_index_cannot_change_keeps_its_first_findings(monkeypatch):
    """A file is analysed again with the finished index only when the index could change what it
    finds; checking every file again must change nothing."""
    monkeypatch.chdir(FIXTURES)
    first = run("check", "--format", "json", "--jobs", "1", ".").output
    monkeypatch.setattr("qwen_migrate.analysis.project.FileIndex.depends_on", lambda self, index: True)
    assert run("check", "--format", "json", "--jobs", "1", ".").output == first
    fixed_first = run("fix", "--diff", "--unsafe-fixes", "--jobs", "1", ".").output
    monkeypatch.undo()
    monkeypatch.chdir(FIXTURES)
    assert run("fix", "--diff", "--unsafe-fixes", "--jobs", "1", ".").output == fixed_first


def test_only_files_that_need_the_index_are_parsed_again(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "llm.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    (tmp_path / "chat.py").write_text("from llm import client\n\nclient.chat.completions.create(model='gpt-4o', messages=[])\n")
    (tmp_path / "alone.py").write_text("import openai\nfrom llm import helper\nfrom cfg import settings\n\nopenai.OpenAI().embeddings.create(model='m', input=settings.TEXT)\n")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "__init__.py").write_text("")
    # a module of the index that holds no client (nor a constant: TEXT is read at run time)
    (tmp_path / "cfg" / "settings.py").write_text("# openai settings\nTEXT = open('prompt.txt').read()\n")
    monkeypatch.chdir(tmp_path)
    parsed = []
    parse = runner_parse = __import__("libcst").parse_module
    monkeypatch.setattr("qwen_migrate.parsing.cst.parse_module", lambda data: parsed.append(data.split(b"\n")[0]) or runner_parse(data))
    assert run("check", "--jobs", "1", ".").exit_code == 1
    # llm.py exports a client that chat.py uses: llm.py is analysed again, with what chat.py uses it
    # for. chat.py, which imports it, is analysed once the exports are known; alone.py imports
    # no way to a client (cfg.settings is a module of the index, but holds none).
    assert sorted(parsed) == sorted([b"from openai import OpenAI"] * 2 + [b"from llm import client", b"import openai", b"# openai settings"])
    assert parse is runner_parse


@pytest.mark.parametrize(
    "where, source, imports",
    [
        ("main.py", "from app.server import client\n", True),
        ("main.py", "from app.server import (\n    helper,\n    client as llm,\n)\n", True),
        ("main.py", "from app.server \\\n    import client\n", True),
        ("main.py", "from app import server\nserver.client\n", True),
        ("main.py", "import app.server\napp.server.client\n", True),
        ("main.py", "import os; import app.server as s\ns.client\n", True),
        ("app/views.py", "from .server import client\n", True),
        ("app/views.py", "from . import server\nserver.client\n", True),
        ("app/views.py", "from .server import helper\nclient = 1\n", False),  # not an exported name
        ("main.py", "from test import server\nserver.client\n", False),  # another module called server
        ("main.py", "from app.server import helper\nclient = None\n", False),
        ("main.py", "import server\nserver.client\n", False),
        ("main.py", "# from app.server import nothing\n", False),
        ("other/views.py", "from .server import client\n", False),  # other.server
        ("app/views.py", "import app\n\nclient = app.connect()\n", False),  # names neither app.server nor server
    ],
)
def test_a_file_takes_part_when_it_names_an_exporting_module_and_one_of_its_exports(tmp_path, where, source, imports):
    for package in ("app", "other"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    index = ProjectIndex(modules={"app.server"}, clients={Origin("app.server", "client"): "OpenAI"})
    path = tmp_path / where
    path.write_text(source)
    assert ImportTest(index)(path, path.read_bytes()) is imports

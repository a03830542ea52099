"""The cache of `check`: a warm run parses nothing and reports the same; anything a result depends on
invalidates it; a damaged cache is no cache."""
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import qwen_migrate
from qwen_migrate import runner
from qwen_migrate.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LLM = "from openai import OpenAI\n\nclient = OpenAI()\n"
CHAT = "from app.llm import client\n\n\ndef ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=[q], store=True)\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("QWEN_MIGRATE_NO_CACHE")
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "llm.py").write_text(LLM)
    (tmp_path / "app" / "chat.py").write_text(CHAT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def parses(monkeypatch):
    """The files LibCST parses, by name."""
    parsed = []
    parse = qwen_migrate.parsing.cst.parse_module

    def counting(data, *args, **kwargs):
        parsed.append(data)
        return parse(data, *args, **kwargs)

    monkeypatch.setattr(qwen_migrate.parsing.cst, "parse_module", counting)
    return parsed


def check(*args):
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--format", "json", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)["findings"]


def test_a_warm_run_parses_nothing_and_reports_the_same(project, parses):
    cold = check(".")
    assert parses and (project / ".qwen-migrate-cache" / ".gitignore").read_text().endswith("*\n")
    parses.clear()
    assert check(".") == cold
    assert parses == []


def test_the_whole_fixture_tree_reports_the_same_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("QWEN_MIGRATE_NO_CACHE")
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path / "fixtures")
    uncached = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", "."]).output
    assert not (tmp_path / "fixtures" / ".qwen-migrate-cache").exists()
    for _ in range(2):  # cold, then warm
        assert CliRunner().invoke(main, ["check", "--format", "json", "."]).output == uncached


def test_a_changed_file_is_analysed_again(project, parses):
    check(".")
    (project / "app" / "chat.py").write_text(CHAT.replace("store=True", "store=False"))
    parses.clear()
    check(".")
    assert [data.decode() for data in parses] == [CHAT.replace("store=True", "store=False")]


def test_a_changed_import_target_invalidates_the_files_that_import_it(project, parses):
    before = {f["code"] for f in check(".") if f["path"] == "app/chat.py"}
    assert "QW210" in before  # the model name, on a call through the imported OpenAI client
    (project / "app" / "llm.py").write_text("from openai import OpenAI\n\nclient = None\n")  # no longer a client
    assert [f for f in check(".") if f["path"] == "app/chat.py"] == []


def test_changed_settings_and_a_new_version_start_afresh(project, parses, monkeypatch):
    check(".")
    parses.clear()
    assert {f["code"] for f in check("--ignore", "QW210", ".")} and parses  # other settings: parsed again
    parses.clear()
    monkeypatch.setattr(qwen_migrate, "__version__", "99.0")
    check(".")
    assert parses


@pytest.mark.parametrize("damage", ["{not json", '{"key": 1, "files": []}', "", '{"files": {"x": {"part": {"record": "os"}}}}', "views", "record"])
def test_a_damaged_cache_is_no_cache(project, parses, damage):
    cold = check(".")
    for cache_file in (project / ".qwen-migrate-cache").glob("*.cache"):
        document = json.loads(cache_file.read_text())
        for entry in document["files"].values():
            if damage == "views":  # an entry of the wrong shape
                entry["views"] = {"": "nothing"}
            elif damage == "record":  # a record this package does not have
                entry["views"] = {key: {"part": {"record": "Popen", "fields": {}}, "result": None} for key in entry["views"]}
        cache_file.write_text(json.dumps(document) if damage in ("views", "record") else damage)
    parses.clear()
    assert check(".") == cold
    assert parses  # nothing was taken from it


def test_the_cache_can_be_moved_or_turned_off(project, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    check("--cache-dir", elsewhere, ".")
    assert list(elsewhere.glob("*.cache")) and not (project / ".qwen-migrate-cache").exists()
    monkeypatch.setenv("QWEN_MIGRATE_CACHE_DIR", str(elsewhere / "by-env"))
    check(".")
    assert list((elsewhere / "by-env").glob("*.cache"))
    check("--no-cache", "--cache-dir", elsewhere / "unused", ".")
    assert not (elsewhere / "unused").exists()


def _age(project, seconds=60):
    """Every file of the project last changed `seconds` ago: old enough for the cache to trust its size and time."""
    then = time.time() - seconds
    for path in project.rglob("*.py"):
        os.utime(path, (then, then))


def test_a_warm_run_reads_only_the_files_that_changed(project, monkeypatch):
    (project / "notes.py").write_text("import os\n")  # no SDK: read to know that, once
    _age(project)
    check(".")
    read = []
    real_read = runner._read
    monkeypatch.setattr(runner, "_read", lambda path: read.append(path.name) or real_read(path))
    check(".")
    assert read == []
    (project / "notes.py").write_text("import os, sys\n")
    check(".")
    assert set(read) == {"notes.py"}  # read to sort it, and for the import test


def test_a_new_package_above_a_file_invalidates_its_entry(project, parses):
    (project / "app" / "__init__.py").unlink()  # app/ is a folder of scripts: chat.py imports no app.llm
    before = check(".")
    (project / "app" / "__init__.py").write_text("")  # now it is the package app: chat.py's import is followed
    after = check(".")
    assert {f["code"] for f in after if f["path"] == "app/chat.py"} - {f["code"] for f in before if f["path"] == "app/chat.py"}

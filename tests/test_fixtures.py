"""`check` over the fixture projects, pinned in text and JSON (refresh: pytest --snapshot-update)."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("."))  # not a cache left by a run
CLEAN_PROJECTS = {"migrated", "lookalikes"}
NOTHING_TO_FIX = CLEAN_PROJECTS | {"config_files"}  # configuration is reported, never fixed
# Projects whose only fixes are unsafe: `fix` without --unsafe-fixes changes nothing. guarded_app's
# requests are built from settings read at run time: the runtime guard's fixture (tests/test_guard_plugin.py).
UNSAFE_FIXES_ONLY = {"guarded_app"}


@pytest.fixture
def in_fixtures(monkeypatch, snapshot):
    monkeypatch.chdir(FIXTURES)
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots"
    return snapshot


@pytest.mark.parametrize("project", PROJECTS)
def test_check_text(in_fixtures, project):
    result = CliRunner().invoke(main, ["check", project])
    assert result.exit_code == (0 if project in CLEAN_PROJECTS else 1), result.output
    in_fixtures.assert_match(result.output, f"{project}.txt")


@pytest.mark.parametrize("project", PROJECTS)
def test_check_json(in_fixtures, project):
    result = CliRunner().invoke(main, ["check", "--format", "json", project])
    document = json.loads(result.output)
    assert (document["summary"]["findings"] == 0) == (project in CLEAN_PROJECTS)
    in_fixtures.assert_match(json.dumps(document, indent=2) + "\n", f"{project}.json")


BATCH_FILES = sorted(path.relative_to(FIXTURES).as_posix() for path in FIXTURES.rglob("*.jsonl"))


@pytest.mark.parametrize("batch_file", BATCH_FILES)
def test_check_batch(in_fixtures, batch_file):
    result = CliRunner().invoke(main, ["check-batch", batch_file])
    in_fixtures.assert_match(result.output, batch_file.replace("/", "__") + ".txt")


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("project", PROJECTS)
def test_fix_diff(in_fixtures, project, unsafe):
    """What `fix` would change in each project, as a reviewed before/after diff."""
    result = CliRunner().invoke(main, ["fix", "--diff", *(["--unsafe-fixes"] if unsafe else []), project])
    changes_nothing = project in NOTHING_TO_FIX or (project in UNSAFE_FIXES_ONLY and not unsafe)
    assert result.exit_code == (0 if changes_nothing else 1), result.output
    in_fixtures.assert_match(result.output, f"{project}.fix-{'unsafe' if unsafe else 'safe'}.diff")


@pytest.mark.parametrize("project", sorted(set(PROJECTS) - NOTHING_TO_FIX))
def test_fix_is_complete_in_one_run(tmp_path, monkeypatch, project):
    """After one `fix --unsafe-fixes`, a check finds nothing a fix could still change, and a second
    fix changes no byte."""
    shutil.copytree(FIXTURES / project, tmp_path / project)
    shutil.copy(FIXTURES / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["fix", "--unsafe-fixes", project])
    after_first = {path: path.read_bytes() for path in sorted((tmp_path / project).rglob("*")) if path.is_file()}
    checked = json.loads(CliRunner().invoke(main, ["check", "--format", "json", project]).output)
    assert [f for f in checked["findings"] if f["fix"] is not None] == []
    CliRunner().invoke(main, ["fix", "--unsafe-fixes", project])
    assert {path: path.read_bytes() for path in after_first} == after_first

"""File kinds: decided once, in discovery, and read by the runner, the notebook reader and the
configuration-file reader; notebooks are checked and fixed by notebooks.py."""
import shutil
from pathlib import Path

import pytest

from qwen_migrate import notebooks, runner
from qwen_migrate.settings import Settings
from qwen_migrate.discovery import FileKind, discover, file_kind, kind_by_name
from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer

from test_layout import PACKAGE, imports

NOTEBOOK = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks" / "triage.ipynb"


@pytest.mark.parametrize(
    "name, by_name",
    [
        ("app.py", FileKind.PYTHON),
        ("stubs.pyi", FileKind.PYTHON),
        ("triage.ipynb", FileKind.NOTEBOOK),
        (".env", FileKind.DOTENV),
        (".env.py", FileKind.DOTENV),  # a `.env.*` file is configuration, whatever follows
        ("ci.yml", FileKind.YAML),
        ("config.yaml", FileKind.YAML),
        ("pyproject.toml", FileKind.TOML),
        ("settings.json", FileKind.JSON),
        ("package.json", None),
        ("package-lock.json", None),
        ("poetry.lock", None),
        ("notes.txt", None),
    ],
)
def test_discovery_decides_what_each_file_is(name, by_name):
    assert kind_by_name(Path(name)) is by_name
    # a file named on the command line is read whatever its name: as Python unless it says otherwise
    assert file_kind(Path(name)) is (by_name or FileKind.PYTHON)


def test_a_walk_takes_the_files_whose_name_gives_a_kind(tmp_path):
    names = ["app.py", "triage.ipynb", ".env.local", "settings.toml", "poetry.lock", "package.json", "notes.txt"]
    for name in names:
        (tmp_path / name).write_text("x = 1\n")
    found = [path.name for path in discover([tmp_path], Settings(root=tmp_path))]
    assert found == [".env.local", "app.py", "settings.toml", "triage.ipynb"]


@pytest.mark.parametrize("module", ["runner.py", "configfiles.py", "notebooks.py", "add_noqa.py"])
def test_file_kinds_are_read_from_discovery_not_decided_again(module):
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert '".ipynb"' not in source and '".env"' not in source and '".yaml"' not in source


def test_the_runner_leaves_notebooks_to_their_module():
    assert not hasattr(runner, "is_python") and not hasattr(runner, "check_notebook")
    assert not {name for name in imports(PACKAGE / "runner.py") if name.startswith("qwen_migrate.fixer.write_file")}
    assert "qwen_migrate.notebooks.notebook_result" in imports(PACKAGE / "runner.py")


def test_a_notebook_is_checked_and_fixed_by_its_module(tmp_path):
    path = tmp_path / "triage.ipynb"
    shutil.copy(NOTEBOOK, path)
    checker = Checker(Settings(root=tmp_path))
    checked = notebooks.notebook_result(path, "triage.ipynb", checker, None, False)
    assert [(f.cell, f.line, f.code) for f in checked.findings][:2] == [(2, 5, "QW101"), (2, 5, "QW102")]
    outcome = notebooks.notebook_result(path, "triage.ipynb", checker, Fixer(checker), False)
    assert outcome.changed and path.read_bytes() == NOTEBOOK.read_bytes()  # not written without `write`


def test_a_notebook_that_cannot_be_read_is_an_error_of_its_own(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{ not json")
    result = notebooks.notebook_result(path, "broken.ipynb", Checker(Settings(root=tmp_path)), None, False)
    assert result.findings == [] and result.error.startswith("not valid JSON")

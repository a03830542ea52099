"""`--add-noqa`: the comments written by the one suppression grammar, and the files written by
add_noqa.py, not by the command line."""
import re

from qwen_migrate.add_noqa import add_noqa_to_files
from qwen_migrate.settings import Settings
from qwen_migrate.engine import Checker
from qwen_migrate.finding import Finding
from qwen_migrate.suppressions import add_noqa, codes_in, without_codes

from test_layout import PACKAGE, imports

SOURCE = 'import openai\nclient = openai.OpenAI()\nx = f(store=True)  # NOQA:E501 why\n'


def finding(line: int, code: str) -> Finding:
    return Finding(path="app.py", line=line, column=1, end_line=line, end_column=2, code=code, name="n", severity=None, message="m")


def test_what_add_noqa_writes_the_suppressions_read_and_take_out():
    text, changed, unplaced = add_noqa(SOURCE, [finding(2, "QW101"), finding(2, "QW102"), finding(3, "QW208")])
    lines = text.splitlines()
    assert (changed, unplaced) == (2, [])
    assert lines[1] == "client = openai.OpenAI()  # noqa: QW101, QW102"
    assert lines[2] == "x = f(store=True)  # NOQA:E501, QW208 why"  # merged into the directive there
    assert codes_in(lines[1][lines[1].index("#"):]) == ["QW101", "QW102"]
    assert codes_in(lines[2][lines[2].index("#"):]) == ["QW208"]
    assert without_codes(lines[2][lines[2].index("#"):], ["QW208"]) == "# NOQA:E501 why"


def test_one_module_spells_the_noqa_directive():
    spelled = [path.name for path in PACKAGE.rglob("*.py") if re.search(r"noqa\\s", path.read_text(encoding="utf-8"))]
    assert spelled == ["suppressions.py"]
    assert not (PACKAGE / "noqa.py").exists()


def test_the_command_line_neither_parses_nor_writes_files_for_add_noqa():
    cli = imports(PACKAGE / "cli.py")
    assert "qwen_migrate.add_noqa.add_noqa_to_files" in cli
    assert not {"qwen_migrate.fixer.write_file", "qwen_migrate.fixer.parses"} & cli
    assert "import libcst" not in (PACKAGE / "cli.py").read_text(encoding="utf-8")


def test_add_noqa_to_files_writes_python_files_and_counts(tmp_path):
    app, settings_file = tmp_path / "app.py", tmp_path / ".env"
    app.write_text(SOURCE)
    settings_file.write_text("OPENAI_BASE_URL=https://api.openai.com/v1\n")
    checker = Checker(Settings(root=tmp_path))
    results = [checker.check_file(app, "app.py"), checker.check_source(b"", ".env")]
    results[1].findings = [finding(1, "QW801")]
    assert [f.code for f in results[0].findings] == ["QW101", "QW102"]
    assert add_noqa_to_files([app, settings_file], results) == (1, 0)  # configuration is left alone, uncounted
    assert app.read_text().splitlines()[1] == "client = openai.OpenAI()  # noqa: QW101, QW102"
    assert results[0].findings == [] and settings_file.read_text() == "OPENAI_BASE_URL=https://api.openai.com/v1\n"

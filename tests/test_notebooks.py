"""Jupyter notebooks: code cells checked as one module, fixed in place with every other byte kept."""
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES, tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path / "notebooks")
    return tmp_path / "notebooks"


def test_findings_are_placed_by_cell_and_line(notebooks):
    document = json.loads(run("check", "--format", "json", "triage.ipynb").output)
    placed = [(f["cell"], f["line"], f["code"]) for f in document["findings"]]
    # the client of cell 2 is known in cells 3 and 6; magics and shell escapes are not parse errors
    assert placed == [(2, 5, "QW101"), (2, 5, "QW102"), (3, 2, "QW210"), (3, 4, "QW208"), (6, 1, "QW201")]
    text = run("check", "triage.ipynb").output
    assert "triage.ipynb:cell 3:line 2:5: QW210" in text


def test_annotations_on_the_notebook_file_point_at_its_lines_holding_the_source(notebooks):
    """GitHub and SARIF place a finding on the .ipynb file itself: on the line of its JSON text that
    holds the cell's source line (a cell written as one string stands on one line)."""
    lines = (notebooks / "triage.ipynb").read_text().split("\n")
    expected = {"QW101": "client = OpenAI()", "QW210": 'model=\\"gpt-4o\\"', "QW208": "max_completion_tokens=50", "QW201": "json_schema"}
    github = run("check", "--format", "github", "triage.ipynb").output.splitlines()
    sarif = json.loads(run("check", "--format", "sarif", "triage.ipynb").output)["runs"][0]["results"]
    for code, source in expected.items():
        annotation = next(line for line in github if f"title={code} " in line)
        line = int(annotation.split(",line=")[1].split(",")[0])
        assert source in lines[line - 1], (code, lines[line - 1])
        assert ",col=" not in annotation  # a column of the cell is not one of the JSON text
        region = next(r for r in sarif if r["ruleId"] == code)["locations"][0]["physicalLocation"]["region"]
        assert source in lines[region["startLine"] - 1] and "startColumn" not in region


def test_a_notebook_without_edits_stays_byte_identical(notebooks):
    before = (notebooks / "clean.ipynb").read_bytes()
    assert run("fix", ".").exit_code == 1  # triage.ipynb keeps its QW201
    assert (notebooks / "clean.ipynb").read_bytes() == before


def test_fix_rewrites_only_the_changed_cells(notebooks):
    before = json.loads((notebooks / "triage.ipynb").read_text())
    run("fix", "triage.ipynb")
    text = (notebooks / "triage.ipynb").read_text()
    after = json.loads(text)
    nbformat.validate(nbformat.reads(text, as_version=4))
    assert text.endswith("}\n")
    assert after["metadata"] == before["metadata"] and list(after) == list(before)
    for old, new in zip(before["cells"], after["cells"]):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
    changed = [i for i, (old, new) in enumerate(zip(before["cells"], after["cells"]), 1) if old["source"] != new["source"]]
    assert changed == [2, 3]
    assert after["cells"][1]["source"][0] == "%pip install openai --quiet\n"  # the magic is back, as it was
    assert "model=\"qwen3.6-plus\",\n" in "".join(after["cells"][2]["source"])
    # only the edited lines differ in the file's text: indentation and key order are kept
    changed_lines = [(a, b) for a, b in zip(FIXTURES.joinpath("triage.ipynb").read_text().splitlines(), text.splitlines()) if a != b]
    assert len(changed_lines) == 3


def test_fix_twice_changes_nothing(notebooks):
    run("fix", "triage.ipynb")
    once = (notebooks / "triage.ipynb").read_bytes()
    run("fix", "triage.ipynb")
    assert (notebooks / "triage.ipynb").read_bytes() == once


def test_todo_lines_go_into_their_cell(notebooks):
    run("fix", "--add-todo", "triage.ipynb")
    cells = json.loads((notebooks / "triage.ipynb").read_text())["cells"]
    assert cells[5]["source"].startswith("# TODO(qwen-migrate): QW201 ")
    nbformat.validate(nbformat.reads((notebooks / "triage.ipynb").read_text(), as_version=4))


def test_a_broken_notebook_is_a_clear_error(notebooks):
    (notebooks / "broken.ipynb").write_text("{ not json")
    result = run("check", "broken.ipynb")
    assert result.exit_code == 2
    assert "broken.ipynb: not valid JSON" in result.output


def test_a_notebook_that_is_not_utf8_is_a_clear_error(notebooks):
    (notebooks / "latin.ipynb").write_bytes(b'{"cells": [], "x": "\xe9"}')
    result = run("check", "latin.ipynb")
    assert result.exit_code == 2 and "latin.ipynb: not UTF-8" in result.output


def test_a_cell_that_does_not_parse_is_a_finding_in_that_cell(notebooks):
    document = json.loads((notebooks / "clean.ipynb").read_text())
    document["cells"].append({"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [], "source": ["client.chat.completions.create(\n"]})
    (notebooks / "clean.ipynb").write_text(json.dumps(document, indent=1))
    [finding] = json.loads(run("check", "--format", "json", "clean.ipynb").output)["findings"]
    assert (finding["code"], finding["cell"]) == ("QW001", 2)


def _notebook(path: Path, *sources) -> Path:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": s} for i, s in enumerate(sources)]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    return path


@pytest.mark.parametrize("source", ["import openai\nclient = openai.OpenAI()\n", ["import openai\n", "client = openai.OpenAI()\n"]])
def test_fix_keeps_the_final_newline_of_the_last_cell(tmp_path, source):
    path = _notebook(tmp_path / "n.ipynb", "x = 1\n", source)
    assert run("fix", path).exit_code == 0
    fixed = json.loads(path.read_text())["cells"][1]["source"]
    text = fixed if isinstance(source, str) else "".join(fixed)
    assert text.endswith('client = openai.OpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.getenv("DASHSCOPE_API_KEY"))\n')
    assert type(fixed) is type(source)


def test_fix_of_crlf_cells_inserts_crlf_lines(tmp_path):
    path = _notebook(tmp_path / "n.ipynb", "import openai\r\nclient = openai.OpenAI()\r\n")
    assert run("fix", path).exit_code == 0
    fixed = json.loads(path.read_text())["cells"][0]["source"]
    assert fixed.startswith("import openai\r\nimport os\r\n")
    assert "\n" not in fixed.replace("\r\n", "")


@pytest.mark.parametrize("source, kind", [(5, "a number"), (None, "null"), (["import openai\n", 7], "a list holding a number")])
def test_a_cell_source_that_is_not_text_is_a_clear_error(tmp_path, source, kind):
    path = _notebook(tmp_path / "n.ipynb", "import openai\n", source)
    before = path.read_bytes()
    for command in ("check", "fix"):
        result = run(command, path)
        assert result.exit_code == 2, kind
        assert result.output.strip().splitlines()[-1].endswith("n.ipynb: cell 2: source is not text"), result.output
    assert path.read_bytes() == before

"""The CI gate: SARIF with fixes, GitHub annotations, statistics, baselines, and --add-noqa."""
import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main
from qwen_migrate.finding import Finding, Severity
from qwen_migrate.suppressions import add_noqa

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SERVICE = '''\
import os
from openai import OpenAI

client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")


def answer(question):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}], store=True)


def label(text):
    return client.chat.completions.create(model="qwen3.6-plus", messages=[{"role": "user", "content": text}], tool_choice="required", tools=TOOLS, parallel_tool_calls=True)
'''


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "service.py").write_text(SERVICE)
    return tmp_path


def test_sarif_validates_and_carries_rules_fingerprints_and_fixes(project):
    result = run("check", "--format", "sarif", "service.py")
    assert result.exit_code == 1
    document = json.loads(result.output)
    jsonschema.validate(document, SARIF_SCHEMA)
    driver = document["runs"][0]["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]][:4] == ["QW001", "QW002", "QW003", "QW101"]
    assert "## Why is this bad?" in driver["rules"][2]["help"]["markdown"]
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert set(results) == {"QW210", "QW208", "QW203"}
    assert all(len(r["partialFingerprints"]["qwenMigrate/v1"]) == 20 for r in results.values())
    [change] = results["QW210"]["fixes"][0]["artifactChanges"]
    [replacement] = change["replacements"]
    start = SERVICE.index("gpt-4o")  # the characters that change, not the whole line
    assert replacement["deletedRegion"] == {"charOffset": start, "charLength": len("gpt-4o")}
    assert replacement["insertedContent"]["text"] == "qwen3.6-plus"
    assert results["QW203"]["fixes"][0]["description"]["text"] == 'Change tool_choice to "auto" (unsafe fix)'


def test_sarif_of_every_fixture_project_validates(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    document = json.loads(run("check", "--format", "sarif", ".").output)
    jsonschema.validate(document, SARIF_SCHEMA)
    assert len(document["runs"][0]["results"]) > 50


def test_github_annotations(project):
    lines = run("check", "--format", "github", "service.py").output.splitlines()
    assert lines[0] == "::error file=service.py,line=8,col=43,endLine=8,endColumn=57,title=QW210 openai-model-name::'gpt-4o' is an OpenAI model, not served by DashScope (use 'qwen3.6-plus')"
    assert lines[1].startswith("::warning file=service.py,line=8,")
    assert lines[2].startswith("::error file=service.py,line=12,")


def test_statistics_and_migration_progress(project):
    output = run("check", "--statistics", "service.py").output
    assert output.splitlines() == [
        "    1  QW203       tool-choice-required",
        "    1  QW208       ignored-parameter",
        "    1  QW210  [*]  openai-model-name",
        "Migration progress: 0 of 2 SDK call sites have no findings (0%).",
    ]
    (project / "clean.py").write_text(SERVICE.replace('"gpt-4o"', '"qwen3.6-plus"').replace(", store=True", ""))
    assert "Migration progress: 1 of 2" in run("check", "--statistics", "clean.py").output


def test_baseline_survives_moves_and_reformatting_and_catches_a_new_call(project):
    assert run("check", "--write-baseline", "baseline.json", "service.py").exit_code == 1
    baseline = json.loads((project / "baseline.json").read_text())
    assert [entry["code"] for entry in baseline["findings"]] == sorted(entry["code"] for entry in baseline["findings"])
    assert run("check", "--baseline", "baseline.json", "service.py").exit_code == 0

    moved = "# a new header\n\n\n" + SERVICE.replace(
        'model="gpt-4o", messages=[{"role": "user", "content": question}], store=True)',
        'model="gpt-4o",\n        messages=[{"role": "user", "content": question}],  # the question\n        store=True,\n    )',
    )
    (project / "service.py").write_text(moved)
    result = run("check", "--baseline", "baseline.json", "service.py")
    assert result.exit_code == 0, result.output
    assert "Baseline: 3 known findings not shown; 0 baseline entries fixed since." in result.output

    added = moved + '\n\ndef again(q):\n    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}], store=True)\n'
    (project / "service.py").write_text(added)
    result = run("check", "--format", "json", "--baseline", "baseline.json", "service.py")
    assert result.exit_code == 1
    new_line = added.splitlines().index("def again(q):") + 2
    assert [(f["code"], f["line"]) for f in json.loads(result.output)["findings"]] == [("QW210", new_line), ("QW208", new_line)]


def test_baseline_reports_and_prunes_fixed_entries(project):
    run("check", "--write-baseline", "baseline.json", "service.py")
    (project / "service.py").write_text(SERVICE.replace(", store=True", ""))
    result = run("check", "--baseline", "baseline.json", "service.py")
    assert result.exit_code == 0
    assert "1 baseline entries fixed since." in result.output
    assert "fixed: service.py QW208 store is silently ignored by DashScope" in result.output
    run("check", "--write-baseline", "baseline.json", "service.py")
    assert [e["code"] for e in json.loads((project / "baseline.json").read_text())["findings"]] == ["QW203", "QW210"]


def test_baseline_file_is_stable(project):
    run("check", "--write-baseline", "one.json", "service.py")
    run("check", "--write-baseline", "two.json", "service.py")
    assert (project / "one.json").read_bytes() == (project / "two.json").read_bytes()


def test_bad_baseline_is_a_usage_error(project):
    (project / "baseline.json").write_text("[]")
    result = run("check", "--baseline", "baseline.json", "service.py")
    assert result.exit_code == 2
    assert "not a version 1 baseline file" in result.output


def test_baseline_written_into_a_missing_folder_is_a_usage_error(project):
    result = run("check", "--write-baseline", "missing/baseline.json", "service.py")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: missing/baseline.json: No such file or directory"
    assert not (project / "missing").exists()


def test_add_noqa_merges_and_is_idempotent(project):
    source = SERVICE.replace("store=True)", "store=True)  # noqa: E501")
    (project / "service.py").write_text(source)
    run("check", "--add-noqa", "service.py")
    text = (project / "service.py").read_text()
    assert 'store=True)  # noqa: E501, QW210, QW208\n' in text
    assert "parallel_tool_calls=True)  # noqa: QW203\n" in text
    assert run("check", "service.py").exit_code == 0
    run("check", "--add-noqa", "service.py")
    assert (project / "service.py").read_text() == text
    # once the calls are fixed, QW002 reports the suppressions that are left
    (project / "service.py").write_text(text.replace('"gpt-4o"', '"qwen3.6-plus"'))
    assert "Unused suppression of QW210" in run("check", "service.py").output


def test_add_noqa_comments_where_a_continued_line_ends_its_statement(project):
    # lines that end inside a multi-line string, or with a backslash; a form feed is no line break
    source = (
        'import openai\n\x0c\nclient = openai.OpenAI(base_url="""\nhttps://api.openai.com/v1""")\n'
        "reply = \\\n    client.chat.completions.create(model='gpt-4o', messages=[]) if client else \\\n    None\n"
    )
    (project / "odd.py").write_text(source)
    result = run("check", "--add-noqa", "odd.py")
    assert result.exit_code == 0, result.output
    assert (project / "odd.py").read_text() == source.replace('v1""")', 'v1""")  # noqa: QW101, QW102').replace(
        "    None\n", "    None  # noqa: QW210\n"
    )
    assert run("check", "odd.py").exit_code == 0


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 compiles PEP 701 f-strings")
def test_add_noqa_fails_like_check_on_a_file_this_python_cannot_read(project):
    # LibCST parses this f-string of Python 3.12; Python 3.11 neither compiles nor tokenizes it, so
    # the file is QW001, as for `check`, and no comment is placed in it
    source = SERVICE + 'LABEL = f"{"""\n"""}"\n'
    (project / "service.py").write_text(source)
    result = run("check", "--add-noqa", "service.py")
    assert result.exit_code == 1
    assert "QW001" in result.output
    assert (project / "service.py").read_text() == source


def test_add_noqa_places_nothing_in_text_it_cannot_tokenize():
    finding = Finding("x.py", 1, 1, 1, 2, "QW208", "ignored-parameter", Severity.WARNING, "store is silently ignored")
    assert add_noqa('x = f(store=True, doc="""\n', [finding]) == ('x = f(store=True, doc="""\n', 0, [finding])


def test_baseline_on_a_fixture_project(tmp_path, monkeypatch):
    project = tmp_path / "fastapi_service"
    shutil.copytree(FIXTURES / "fastapi_service", project)
    monkeypatch.chdir(tmp_path)
    run("check", "--write-baseline", "baseline.json", "fastapi_service")
    llm = project / "app" / "llm.py"
    source = llm.read_text()
    # lines inserted above every finding, and the file reformatted: calls joined onto one line
    reformatted = '"""LLM helpers."""\n\n\n' + source.replace("(\n        model=", "(model=").replace(",\n        ", ", ")
    assert reformatted != source
    llm.write_text(reformatted)
    assert run("check", "--baseline", "baseline.json", "fastapi_service").exit_code == 0
    llm.write_text(reformatted + '\n\ndef audit(text):\n    return client.chat.completions.create(model="qwen3.6-plus", messages=[], store=True)\n')
    document = json.loads(run("check", "--format", "json", "--baseline", "baseline.json", "fastapi_service").output)
    assert [(f["code"], f["message"]) for f in document["findings"]] == [("QW208", "store is silently ignored by DashScope")]


def test_baseline_written_at_the_root_is_read_from_a_subdirectory_and_elsewhere(tmp_path, monkeypatch):
    repository = tmp_path / "repository"
    shutil.copytree(FIXTURES / "fastapi_service", repository)
    (repository / ".git").mkdir()
    monkeypatch.chdir(repository)
    assert run("check", "--write-baseline", "baseline.json", ".").exit_code == 1
    monkeypatch.chdir(repository / "app")
    result = run("check", "--baseline", "../baseline.json", ".")
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)  # a CI job that runs outside the checkout and names it
    result = run("check", "--baseline", "repository/baseline.json", "repository")
    assert result.exit_code == 0, result.output
    assert "0 baseline entries fixed since" in result.output


def test_add_noqa_leaves_notebooks_and_configuration_alone(project):
    (project / ".env").write_text("CHAT_MODEL=gpt-4o\n")
    notebook = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks" / "triage.ipynb"
    shutil.copy(notebook, project / "triage.ipynb")
    result = run("check", "--add-noqa", ".")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (project / ".env").read_text() == "CHAT_MODEL=gpt-4o\n"
    assert (project / "triage.ipynb").read_bytes() == notebook.read_bytes()
    assert "# noqa: QW210, QW208" in (project / "service.py").read_text()

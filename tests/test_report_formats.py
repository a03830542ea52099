"""The CI formats (GitLab Code Quality, JUnit XML), the JSON report's files, and the one-shot
migration report (HTML and Markdown)."""
import json
import re
import shutil
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import jsonschema
import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main
from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding, Fix, FixSafety, Severity
from qwen_migrate.report import RunResult
from qwen_migrate.report.html import render_html
from qwen_migrate.report.junit import render_junit
from qwen_migrate.report.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT_SCHEMA = json.loads(resources.files("qwen_migrate").joinpath("report-schema.json").read_text())

CLIENT = 'from openai import OpenAI\nclient = OpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key="x")\n'
# two identical calls (one fingerprint for both), a warning, and a finding without a fix
APP = CLIENT + (
    'client.chat.completions.create(model="gpt-4o", messages=[])\n'
    'client.chat.completions.create(model="gpt-4o", messages=[])\n'
    'client.chat.completions.create(model="qwen3.6-plus", messages=[], store=True)\n'
    'client.chat.completions.create(model="qwen3.6-plus", messages=[], response_format={"type": "json_schema", "json_schema": {}})\n'
)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "broken.ipynb").write_text("not json")
    return tmp_path


def test_gitlab_code_quality_has_the_documented_fields_and_one_issue_per_fingerprint(project):
    result = run("check", "-j1", "--format", "gitlab", ".")
    assert result.exit_code == 2  # the notebook that is no JSON
    issues = json.loads(result.stdout)  # the error is on standard error too
    assert all(set(issue) == {"description", "check_name", "fingerprint", "severity", "location"} for issue in issues)
    by_name = {}
    for issue in issues:
        by_name.setdefault(issue["check_name"], []).append(issue)
    first, second = by_name["QW210"]
    assert first["location"] == {"path": "app.py", "lines": {"begin": 3}} and second["location"]["lines"] == {"begin": 4}
    assert first["description"].startswith("QW210 'gpt-4o' is an OpenAI model")
    assert second["fingerprint"] == first["fingerprint"] + "-2"  # GitLab shows one issue per fingerprint
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert [(name, found[0]["severity"]) for name, found in sorted(by_name.items())] == [
        ("QW201", "critical"),
        ("QW208", "major"),
        ("QW210", "critical"),
        ("file-not-checked", "blocker"),
    ]
    assert by_name["file-not-checked"][0]["location"] == {"path": "broken.ipynb", "lines": {"begin": 1}}


def test_gitlab_names_a_notebook_finding_by_its_line_in_the_file(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    issues = json.loads(run("check", "--format", "gitlab", "notebooks").output)
    sarif = json.loads(run("check", "--format", "sarif", "notebooks").output)["runs"][0]["results"]
    assert [issue["location"]["lines"]["begin"] for issue in issues] == [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif]


def test_an_empty_gitlab_report_is_an_empty_array(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("print('no SDK here')\n")
    assert run("check", "--format", "gitlab", ".").output == "[]\n"


def test_junit_has_a_suite_per_file_and_a_failing_case_per_finding_as_ruff(project):
    result = run("check", "-j1", "--format", "junit", ".")
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ElementTree.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites" and root.attrib == {"name": "qwen-migrate", "tests": "5", "failures": "4", "errors": "1"}
    app, notebook = root.findall("testsuite")
    assert app.attrib == {"name": "app.py", "tests": "4", "failures": "4", "errors": "0", "package": "qwen-migrate"}
    case = app.find("testcase")
    assert case.attrib == {"name": "qwen-migrate.QW210", "classname": "app", "file": "app.py", "line": "3", "column": "32"}
    failure = case.find("failure")
    assert failure.get("type") == "QW210" and failure.get("message").startswith("'gpt-4o' is an OpenAI model")
    assert failure.text == f"line 3, col 32, {failure.get('message')}"
    assert notebook.attrib["errors"] == "1" and notebook.find("testcase/error").get("message")


def test_junit_of_a_clean_run_is_one_passing_case(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("print('no SDK here')\n")
    root = ElementTree.fromstring(run("check", "--format", "junit", ".").output)
    assert root.attrib["tests"] == "1" and root.attrib["failures"] == "0"
    assert [case.get("name") for case in root.iter("testcase")] == ["No findings"]
    assert root.find(".//failure") is None


def _finding(message: str, fix=None, path="a|b`c.py", severity=Severity.ERROR) -> Finding:
    return Finding(path, 2, 1, 2, 5, "QW201", "json-schema-response-format", severity, message, fix, "f" * 20)


HOSTILE = 'tools <script>alert("x")</script> & `ticks` | pipe **bold** [link](http://x) \x1b[31m\x00 sk-9b42b4ea410fb9102f29a422eb14ab2f'


def test_junit_and_html_stay_well_formed_whatever_a_message_quotes():
    run_result = RunResult([FileResult("a|b`c.py", [_finding(HOSTILE)], call_sites=1)])
    failure = ElementTree.fromstring(render_junit(run_result)).find(".//failure")
    assert "\\x1b[31m\\x00" in failure.get("message") and "sk-9b42b4ea410fb9102f29a422eb14ab2f" not in failure.get("message")
    document = render_html(run_result)
    assert "<script" not in document and "sk-9b42b4ea410fb9102f29a422eb14ab2f" not in document
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(document)
    [todo] = [code.text for code in tree.iter("code") if code.text.startswith("# TODO")]
    assert todo == '# TODO(qwen-migrate): QW201 tools <script>alert("x")</script> & `ticks` | pipe **bold** [link](http://x) \\x1b[31m\\x00 sk-****'


def test_markdown_escapes_what_a_message_quotes():
    unsafe = _finding(HOSTILE, Fix(FixSafety.UNSAFE, "Change <b>it</b> to *this*"), severity=Severity.WARNING)
    document = render_markdown(RunResult([FileResult("a|b`c.py", [_finding(HOSTILE), unsafe], call_sites=1)]))
    assert "| ``a\\|b`c.py`` | 1 | 0 |" in document  # a pipe in a table cell does not split it
    assert "- ``a|b`c.py:2:1`` (error): ``# TODO(qwen-migrate): QW201 tools <script>alert(\"x\")</script> & `ticks` | pipe **bold** [link](http://x) \\x1b[31m\\x00 sk-****``" in document
    assert "QW201: Change \\<b\\>it\\</b\\> to \\*this\\*" in document
    assert "9b42b4ea" not in document


def test_json_report_lists_every_file_with_its_call_sites(project):
    document = json.loads(run("check", "-j1", "--format", "json", ".").stdout)
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["version"] == 1
    assert document["files"] == [
        {"path": "app.py", "call_sites": {"total": 4, "without_findings": 0, "unresolved": 0}, "findings": 4},
        {"path": "broken.ipynb", "call_sites": {"total": 0, "without_findings": 0, "unresolved": 0}, "findings": 0},
    ]


def _text_content(document: str) -> str:
    """What a reader sees, after strict HTML parsing: a line per heading, paragraph, list item and
    table row (its cells between bars)."""
    body = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(document).find("body")
    lines = []
    for element in body.iter():
        if element.tag == "tr":
            lines.append(" | ".join("".join(cell.itertext()) for cell in element).rstrip())
        elif element.tag in ("h1", "h2", "h3", "p", "li"):
            lines.append("".join(element.itertext()))
    return "\n".join(lines) + "\n"


@pytest.fixture
def snapshots(snapshot):
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots"
    return snapshot


def test_html_migration_report_of_a_check_is_self_contained_valid_html(monkeypatch, snapshots):
    monkeypatch.chdir(FIXTURES)
    result = run("check", "--format", "html", "fastapi_service")
    assert result.exit_code == 1
    assert result.output.startswith("<!DOCTYPE html>\n")
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(result.output)
    assert tree.find("head/meta").get("charset") == "utf-8"
    assert tree.find("head/style") is not None  # inline styles, nothing to fetch or run
    assert not [e for e in tree.iter() if e.tag in ("script", "link", "img", "iframe")]
    snapshots.assert_match(_text_content(result.output), "fastapi_service.migration.html.txt")


def test_markdown_migration_report_of_a_check(monkeypatch, snapshots):
    monkeypatch.chdir(FIXTURES)
    result = run("check", "--format", "markdown", "fastapi_service")
    snapshots.assert_match(result.output, "fastapi_service.migration.md")


def test_migration_report_of_a_fix_run(tmp_path, monkeypatch, snapshots):
    shutil.copytree(FIXTURES / "fastapi_service", tmp_path / "fastapi_service")
    monkeypatch.chdir(tmp_path)
    markdown = run("fix", "--add-todo", "--format", "markdown", "fastapi_service").output
    snapshots.assert_match(markdown, "fastapi_service.migration-fix.md")
    # the TODO texts it lists are the lines --add-todo wrote
    written = (tmp_path / "fastapi_service" / "app" / "llm.py").read_text()
    todos = re.findall(r"`(# TODO\(qwen-migrate\): [^`]*)`", markdown)
    assert todos and all(todo in written for todo in todos)
    # and it lists every TODO it counts: those of the findings without a fix and of the unsafe fixes left
    assert f"| TODO comments written | {len(todos)} |" in markdown
    html = run("fix", "--format", "html", "fastapi_service").output
    assert "Findings fixed" in _text_content(html)


def test_per_file_progress_is_what_the_json_report_carries(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    files = json.loads(run("check", "--format", "json", "fastapi_service", "responses_agent").output)["files"]
    markdown = run("check", "--format", "markdown", "fastapi_service", "responses_agent").output
    rows = {line.split(" | ")[0][3:-1]: line.split(" | ")[1:3] for line in markdown.splitlines() if line.startswith("| `")}
    assert rows and rows == {
        f["path"]: [str(f["call_sites"]["total"]), str(f["call_sites"]["without_findings"])] for f in files if f["call_sites"]["total"] or f["findings"]
    }


def test_the_estimate_reads_as_a_person_writes_it():
    from qwen_migrate.report.migration import duration

    assert [duration(minutes) for minutes in (45, 60, 120, 125)] == ["45 min", "1 h", "2 h", "2 h 5 min"]

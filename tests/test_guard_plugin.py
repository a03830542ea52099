"""The pytest plugin (qwen_migrate.pytest_plugin) on a small app's own test suite, fixtures/guarded_app:
its settings, read at run time, make requests that no reading of the code can judge, and a LangChain
model builds its own SDK client. Run as a user runs it, in a process of its own (refresh the summary:
pytest --snapshot-update)."""
import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

APP = Path(__file__).resolve().parents[1] / "fixtures" / "guarded_app"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
# The tests whose requests break a rule, one rule each.
SENDERS = {
    "tests/test_routing.py::test_a_ticket_is_routed_to_a_team": "QW203",
    "tests/test_search.py::test_every_article_gets_a_vector": "QW404",
    "tests/test_exports.py::test_solved_tickets_are_uploaded": "QW501",
    "tests/test_triage.py::test_an_angry_ticket_is_urgent": "QW201",
}


def run_app_tests(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *options],
        cwd=APP, capture_output=True, text=True, timeout=120,
    )


def guard_section(output: str) -> str:
    """The plugin's summary: from its heading to pytest's closing line ("7 passed in 0.65s")."""
    lines = output.splitlines()
    start = next(n for n, line in enumerate(lines) if "qwen-migrate guard" in line and line.startswith("="))
    return "\n".join(lines[start:-1]) + "\n"


def test_the_summary_lists_each_code_with_its_call_sites_and_tests(snapshot):
    result = run_app_tests("--qwen-migrate-guard")
    assert result.returncode == 0, result.stdout + result.stderr  # recording fails no test
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots"
    snapshot.assert_match(guard_section(result.stdout), "guarded_app_summary.txt")


def test_without_the_option_the_plugin_does_nothing():
    result = run_app_tests()
    assert result.returncode == 0 and "qwen-migrate guard" not in result.stdout


def test_raise_fails_exactly_the_tests_that_send_them():
    result = run_app_tests("-p", "qwen_migrate.pytest_plugin", "--qwen-migrate-guard=raise")
    assert result.returncode == 1
    failed = set(re.findall(r"^FAILED (\S+)", result.stdout, re.MULTILINE))
    assert failed == set(SENDERS)
    assert "GuardError: QW203 tool_choice=\"required\" is not supported" in result.stdout


def test_warn_shows_each_at_its_call_site():
    result = run_app_tests("--qwen-migrate-guard=warn", "-W", "error::qwen_migrate.guard.GuardWarning")
    assert set(re.findall(r"^FAILED (\S+)", result.stdout, re.MULTILINE)) == set(SENDERS)  # a warning made an error fails its test
    result = run_app_tests("--qwen-migrate-guard=warn")
    assert result.returncode == 0
    assert "helpdesk/routing.py:13: GuardWarning: QW203" in result.stdout


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_findings_are_written_in_the_check_s_formats(tmp_path, output_format):
    report = tmp_path / f"guard.{output_format}"
    result = run_app_tests("--qwen-migrate-guard", f"--qwen-migrate-guard-report={report}", f"--qwen-migrate-guard-format={output_format}")
    assert result.returncode == 0 and f"Findings written to {report}." in result.stdout
    document = json.loads(report.read_text())
    if output_format == "json":
        jsonschema.validate(document, json.loads(resources.files("qwen_migrate").joinpath("report-schema.json").read_text()))
        found = [(f["path"], f["code"]) for f in document["findings"]]
    else:
        jsonschema.validate(document, SARIF_SCHEMA)
        found = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]) for r in document["runs"][0]["results"]]
    assert sorted(found) == [
        ("helpdesk/exports.py", "QW501"), ("helpdesk/routing.py", "QW203"), ("helpdesk/search.py", "QW404"), ("helpdesk/triage.py", "QW201"),
    ]


def test_a_baseline_leaves_out_what_it_records(tmp_path):
    known = tmp_path / "guard-baseline.json"
    assert run_app_tests("--qwen-migrate-guard", f"--qwen-migrate-guard-write-baseline={known}").returncode == 0
    assert len(json.loads(known.read_text())["findings"]) == 4
    result = run_app_tests("--qwen-migrate-guard=raise", f"--qwen-migrate-guard-baseline={known}", "-k", "not routing")
    assert result.returncode == 0  # what the baseline records fails no test
    assert "No request broke a rule. 3 findings the baseline records left out." in result.stdout


@pytest.mark.parametrize(
    "option, message",
    [
        ("--qwen-migrate-guard=strict", "--qwen-migrate-guard: expected one of record, warn, raise, got 'strict'"),
        ("--qwen-migrate-guard-format=xml", "--qwen-migrate-guard-format: expected one of text, json, sarif, github, gitlab, junit"),
        ("--qwen-migrate-guard-format=html", "--qwen-migrate-guard-format: expected one of text, json, sarif, github, gitlab, junit"),
    ],
)
def test_a_bad_option_is_a_usage_error_without_a_traceback(option, message):
    result = run_app_tests("--qwen-migrate-guard", option)
    assert result.returncode == 4
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_report_option_without_the_guard_is_a_usage_error(tmp_path):
    result = run_app_tests(f"--qwen-migrate-guard-report={tmp_path / 'guard.json'}")
    assert result.returncode == 4 and "--qwen-migrate-guard-report needs --qwen-migrate-guard" in result.stderr


def test_a_path_taken_for_the_mode_gets_a_hint():
    result = run_app_tests("--qwen-migrate-guard", "tests/test_routing.py")
    assert result.returncode == 4
    assert "got 'tests/test_routing.py' (give the mode as --qwen-migrate-guard=MODE, or the option after the paths)" in result.stderr


def test_a_run_spread_over_xdist_workers_is_refused(tmp_path):
    """Each worker would keep its findings and the summary would say none: refused, not misreported.
    (A stand-in for pytest-xdist's options, which the test extra does not install.)"""
    (tmp_path / "fake_xdist.py").write_text(
        "def pytest_addoption(parser):\n"
        "    parser.addoption('--numprocesses', dest='numprocesses')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "fake_xdist", "--numprocesses", "2", "--qwen-migrate-guard"],
        cwd=APP, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 4 and "--qwen-migrate-guard does not run under pytest-xdist" in result.stderr


def test_an_unreadable_baseline_is_a_usage_error(tmp_path):
    result = run_app_tests("--qwen-migrate-guard", f"--qwen-migrate-guard-baseline={tmp_path / 'missing.json'}")
    assert result.returncode == 4 and "No such file or directory" in result.stderr and "Traceback" not in result.stderr

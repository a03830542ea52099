"""The reporters: one registry of output formats, and reports shaped from findings after the check."""
import io
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from rich.console import Console

from qwen_migrate import __version__, runner
from qwen_migrate import rules as rules_module
from qwen_migrate.cli import main
from qwen_migrate.settings import Settings
from qwen_migrate.report import REPORTERS, Reporter, RunResult, write_report
from qwen_migrate.rules import DEFAULT_REPOSITORY, all_rules, rule_by_code

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())

APP = 'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'


@pytest.mark.parametrize("command", ["check", "fix", "check-batch"])
def test_the_format_choices_are_the_registry(command):
    [option] = [param for param in main.commands[command].params if param.name == "output_format"]
    assert list(option.type.choices) == list(REPORTERS) == ["text", "json", "sarif", "github", "gitlab", "junit", "html", "markdown"]


def test_the_command_line_writes_what_the_registry_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP + "def send(**kwargs):\n    client.chat.completions.create(**kwargs)\n")
    counted = Reporter(
        lambda run, console: console.file.write(f"{len(run.findings)} findings\n"),
        statistics=lambda run, console: console.file.write("statistics\n"),
        unresolved=lambda run, console: console.file.write(f"{sum(len(r.unresolved) for r in run.files)} unresolved\n"),
    )
    monkeypatch.setitem(REPORTERS, "github", counted)
    assert CliRunner().invoke(main, ["check", "--format", "github", "--explain-unresolved", "app.py"]).output == "1 unresolved\n3 findings\n"
    assert CliRunner().invoke(main, ["check", "--format", "github", "--statistics", "app.py"]).output == "statistics\n"


def test_sarif_takes_its_fix_replacements_from_the_files_after_a_run_in_worker_processes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = [f"app{i}.py" for i in range(runner.PARALLEL_FROM)]
    for name in names:
        (tmp_path / name).write_text(APP)
    files = sorted(tmp_path / name for name in names)
    settings = Settings(root=tmp_path)
    checking = runner.Run(files, settings, 2, Console(file=io.StringIO()))
    results = checking.check()
    assert all(f.fix is None or f.fix.edits == () for r in results for f in r.findings)  # the trees stayed in the workers
    output = io.StringIO()
    write_report(RunResult(results, reanalyse=checking.reanalysis()), "sarif", False, Console(file=output))
    fixed = [r for r in json.loads(output.getvalue())["runs"][0]["results"] if r["ruleId"] == "QW210"]
    replacements = [r["fixes"][0]["artifactChanges"][0]["replacements"] for r in fixed]
    start = APP.index("gpt-4o")
    assert len(replacements) == len(names)
    assert all(r == [{"deletedRegion": {"charOffset": start, "charLength": 6}, "insertedContent": {"text": "qwen3.6-plus"}}] for r in replacements)


def test_a_file_that_cannot_be_analysed_again_is_reported_without_fixes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP)
    files = [tmp_path / "app.py"]
    settings = Settings(root=tmp_path)
    checking = runner.Run(files, settings, 1, Console(file=io.StringIO()))
    results = checking.check()
    (tmp_path / "app.py").unlink()
    output = io.StringIO()
    write_report(RunResult(results, reanalyse=checking.reanalysis()), "sarif", False, Console(file=output))
    sarif_results = json.loads(output.getvalue())["runs"][0]["results"]
    assert "QW210" in {r["ruleId"] for r in sarif_results}
    assert all("fixes" not in r for r in sarif_results)


def test_sarif_rules_carry_help_text_markdown_uri_and_tags(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP)
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "sarif", "app.py"]).output)
    jsonschema.validate(document, SARIF_SCHEMA)
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    qw203 = rules["QW203"]
    assert qw203["help"]["markdown"] == rule_by_code("QW203").documentation()
    text = qw203["help"]["text"]
    assert "```" not in text and "## " not in text and "`" not in text
    assert text.startswith("QW203 tool-choice-required\n\nSeverity: error.")
    assert "\nWhat it does\n\nReports tool_choice=\"required\".\n" in text
    assert '\n    client.chat.completions.create(\n        model="qwen3.6-plus",' in text  # the examples, indented
    assert qw203["helpUri"] == f"{DEFAULT_REPOSITORY}/blob/v{__version__}/README.md#qw203"
    assert qw203["properties"]["tags"] == ["chat-completions", "error", "fixable"]
    assert rules["QW201"]["properties"]["tags"] == ["chat-completions", "error"]
    assert rules["QW911"]["properties"]["tags"] == ["frameworks", "warning", "fixable"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f'<a id="{rule.code.lower()}"></a>{rule.code} |' in readme for rule in all_rules())  # each link has its anchor


def test_the_help_uri_names_the_repository_the_package_metadata_gives(monkeypatch):
    class Metadata:
        @staticmethod
        def get_all(name):
            return ["Homepage, https://example.org", "Repository, https://git.example/qwen/qwen-migrate/"] if name == "Project-URL" else None

    monkeypatch.setattr("importlib.metadata.metadata", lambda name: Metadata)
    rules_module._repository.cache_clear()
    try:
        assert rule_by_code("QW208").help_uri() == f"https://git.example/qwen/qwen-migrate/blob/v{__version__}/README.md#qw208"
    finally:
        rules_module._repository.cache_clear()

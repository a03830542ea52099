"""The reporters: one registry of output formats, and reports shaped from findings after the check."""
import io
import json

import pytest
from click.testing import CliRunner
from rich.console import Console

from qwen_migrate import runner
from qwen_migrate.cli import main
from qwen_migrate.settings import Settings
from qwen_migrate.report import REPORTERS, Reporter, RunResult, write_report

APP = 'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'


@pytest.mark.parametrize("command", ["check", "fix", "check-batch"])
def test_the_format_choices_are_the_registry(command):
    [option] = [param for param in main.commands[command].params if param.name == "output_format"]
    assert list(option.type.choices) == list(REPORTERS) == ["text", "json", "sarif", "github"]


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

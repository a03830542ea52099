"""The command line as a user meets it: exit codes, formats, configuration, discovery."""
import dataclasses
import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from qwen_migrate.cli import check, check_batch, fix, main
from qwen_migrate.options import CodeOptions, FixOptions, RunOptions

CLEAN = """\
import os
from openai import OpenAI

client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
client.chat.completions.create(model="qwen3.6-plus", messages=[])
"""
WARNING_ONLY = CLEAN.replace("messages=[])", "messages=[], store=True)")
ERROR = CLEAN.replace('"qwen3.6-plus"', '"gpt-4o"')


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_zero(project):
    write(project / "app.py", CLEAN)
    result = run("check", "app.py")
    assert result.exit_code == 0, result.output
    assert "All checks passed (1 file checked)." in result.output


def test_findings_exit_one_with_location_frame_and_summary(project):
    write(project / "app.py", ERROR)
    result = run("check", ".")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "app.py:5:32: QW210 [*] 'gpt-4o' is an OpenAI model, not served by DashScope (use 'qwen3.6-plus')"
    assert lines[2].startswith("5 | client.chat.completions.create(")
    assert lines[3] == "  | " + " " * 31 + "^" * len('model="gpt-4o"')
    assert "Found 1 finding in 1 of 1 file checked (1 error)." in result.output


@pytest.mark.parametrize(
    "fail_on, source, code",
    [("warning", WARNING_ONLY, 1), ("error", WARNING_ONLY, 0), ("error", ERROR, 1), ("info", CLEAN, 0)],
)
def test_fail_on_threshold(project, fail_on, source, code):
    write(project / "app.py", source)
    assert run("check", "app.py", "--fail-on", fail_on).exit_code == code


def test_fail_on_from_configuration(project):
    write(project / "pyproject.toml", '[tool.qwen-migrate]\nfail-on = "error"\n')
    write(project / "app.py", WARNING_ONLY)
    assert run("check", "app.py").exit_code == 0


def test_json_report_follows_its_schema(project):
    write(project / "app.py", ERROR + "client.chat.completions.create(model='qwen3.6-plus', messages=[], tool_choice='required')\n")
    result = run("check", "--format", "json", ".")
    assert result.exit_code == 1
    document = json.loads(result.output)
    schema = json.loads(resources.files("qwen_migrate").joinpath("report-schema.json").read_text())
    jsonschema.validate(document, schema)
    assert [(f["code"], f["line"], f["fix"]["safety"]) for f in document["findings"]] == [("QW210", 5, "safe"), ("QW203", 6, "unsafe")]
    assert document["summary"]["by_severity"] == {"error": 2, "warning": 0, "info": 0}


def test_output_file(project):
    write(project / "app.py", ERROR)
    result = run("check", "app.py", "--format", "json", "--output-file", "report.json")
    assert result.exit_code == 1 and result.output == ""
    assert json.loads((project / "report.json").read_text())["summary"]["findings"] == 1


def test_output_file_in_a_missing_folder_is_a_usage_error(project):
    write(project / "app.py", ERROR)
    result = run("check", "app.py", "--output-file", "missing/report.txt")
    assert result.exit_code == 2
    assert "missing/report.txt: No such file or directory" in result.output


def test_select_and_ignore(project):
    write(project / "app.py", ERROR.replace("OpenAI(api_key", "OpenAI(organization='o', api_key"))
    assert json.loads(run("check", "--format", "json", "--select", "QW1", ".").output)["summary"]["by_code"] == {"QW107": 1}
    assert json.loads(run("check", "--format", "json", "--ignore", "QW107,QW210", ".").output)["summary"]["findings"] == 0


def test_per_file_ignores_and_exclude(project):
    write(project / "pyproject.toml", '[tool.qwen-migrate]\nexclude = ["generated/"]\n[tool.qwen-migrate.per-file-ignores]\n"legacy/*.py" = ["QW210"]\n')
    write(project / "generated" / "client.py", ERROR)
    write(project / "legacy" / "old.py", ERROR)
    write(project / "src" / "new.py", ERROR)
    document = json.loads(run("check", "--format", "json", ".").output)
    assert [f["path"] for f in document["findings"]] == ["src/new.py"]
    assert document["summary"]["files_checked"] == 3  # src/new.py, legacy/old.py, and pyproject.toml as configuration


def test_discovery_skips_gitignored_virtualenv_and_build_directories(project):
    (project / ".git").mkdir()
    write(project / ".gitignore", "ignored_*.py\n!ignored_but_kept.py\n")
    write(project / "sub" / ".gitignore", "local.py\n")
    for name in ["ignored_one.py", "ignored_but_kept.py", "sub/local.py", "sub/kept.py", "node_modules/x.py", "build/x.py", "env/lib/x.py", "pkg/a.py"]:
        write(project / name, ERROR)
    write(project / "env" / "pyvenv.cfg", "home = /usr\n")
    document = json.loads(run("check", "--format", "json", ".").output)
    assert sorted({f["path"] for f in document["findings"]}) == ["ignored_but_kept.py", "pkg/a.py", "sub/kept.py"]


def test_gitignore_above_the_given_directory_applies(project):
    (project / ".git").mkdir()
    write(project / ".gitignore", "src/vendored/\n")
    write(project / "src" / "vendored" / "x.py", ERROR)
    write(project / "src" / "app.py", ERROR)
    document = json.loads(run("check", "--format", "json", "src").output)
    assert [f["path"] for f in document["findings"]] == ["src/app.py"]


@pytest.mark.parametrize(
    "config, message",
    [
        ('[tool.qwen-migrate]\nregoin = "cn"\n', "unknown key 'regoin'"),
        ('[tool.qwen-migrate]\nregion = "eu"\n', "region: expected one of intl, cn, us, hk, got 'eu'"),
        ('[tool.qwen-migrate]\nselect = ["QW99"]\n', "select: unknown rule code or prefix 'QW99'"),
        ('[tool.qwen-migrate]\nbase-url = "dashscope"\n', "base-url: expected an http(s) URL"),
        ('[tool.qwen-migrate]\nmodels = ["gpt-4o"]\n', "models: expected a table of model names"),
        ('[tool.qwen-migrate]\nfail-on = "fatal"\n', "fail-on: expected one of info, warning, error"),
        ("[tool.qwen-migrate\n", "not valid TOML"),
        ("[tool]\nqwen-migrate = 5\n", "pyproject.toml: tool.qwen-migrate: expected a table"),
        ("tool = 5\n", "pyproject.toml: tool: expected a table"),
    ],
)
def test_configuration_errors_exit_two_with_one_line(project, config, message):
    write(project / "pyproject.toml", config)
    write(project / "app.py", CLEAN)
    result = run("check", "app.py")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_command_line_overrides_configuration(project):
    write(project / "pyproject.toml", '[tool.qwen-migrate]\nregion = "cn"\napi-key-env = "QWEN_KEY"\n')
    write(project / "app.py", "from openai import OpenAI\nOpenAI()\n")
    document = json.loads(run("check", "--format", "json", "--region", "us", "app.py").output)
    fixes = {f["code"]: f["fix"]["description"] for f in document["findings"]}
    assert fixes == {
        "QW101": "Set base_url to https://dashscope-us.aliyuncs.com/compatible-mode/v1",
        "QW102": "Read the key from QWEN_KEY",
    }


def test_custom_endpoints_count_as_dashscope(project):
    write(project / "pyproject.toml", '[tool.qwen-migrate]\nbase-url = "http://127.0.0.1:8000/v1"\n')
    write(project / "app.py", 'import os\nfrom openai import OpenAI\nOpenAI(base_url="http://127.0.0.1:8000/v1/", api_key=os.getenv("DASHSCOPE_API_KEY"))\n')
    assert run("check", "app.py").exit_code == 0


def test_model_map_override(project):
    write(project / "pyproject.toml", '[tool.qwen-migrate.models]\n"gpt-4o" = "qwen3.7-max"\n"gpt-4.5-preview" = "qwen3.6-plus"\n')
    write(project / "app.py", ERROR + "client.chat.completions.create(model='gpt-4.5-preview', messages=[])\n")
    document = json.loads(run("check", "--format", "json", "app.py").output)
    assert [f["fix"]["description"] for f in document["findings"]] == ["Replace with 'qwen3.7-max'", "Replace with 'qwen3.6-plus'"]


def test_explicit_config_file(project):
    write(project / "qwen.toml", 'ignore = ["QW210"]\n')
    write(project / "app.py", ERROR)
    assert run("check", "--config", "qwen.toml", "app.py").exit_code == 0



@pytest.mark.parametrize("config, message", [("tool = 5\n", "qwen.toml: tool: expected a table"), ("tool = { qwen-migrate = [] }\n", "qwen.toml: tool.qwen-migrate: expected a table")])
def test_explicit_config_file_that_is_not_a_table(project, config, message):
    write(project / "qwen.toml", config)
    write(project / "app.py", CLEAN)
    result = run("check", "--config", "qwen.toml", "app.py")
    assert result.exit_code == 2
    assert result.output.strip().endswith(message), result.output


def test_missing_path_is_a_usage_error(project):
    result = run("check", "nope.py")
    assert result.exit_code == 2
    assert "nope.py: no such file or directory" in result.output


def test_rules_and_explain():
    listing = json.loads(run("rules", "--format", "json").output)
    assert {"code": "QW203", "name": "tool-choice-required", "severity": "error", "fix": "unsafe"}.items() <= listing[
        [r["code"] for r in listing].index("QW203")
    ].items()
    explained = run("explain", "qw208").output
    for heading in ["# QW208 ignored-parameter", "## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"]:
        assert heading in explained
    unknown = run("explain", "QW999")
    assert unknown.exit_code == 2 and "unknown rule code" in unknown.output


def test_rules_rejects_report_formats_and_prints_whole_lines_to_a_pipe():
    for report_format in ("sarif", "github"):
        assert run("rules", "--format", report_format).exit_code == 2
    completed = subprocess.run(
        [sys.executable, "-m", "qwen_migrate", "rules"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"}
    )
    rows = [line.split() for line in completed.stdout.splitlines()[1:]]
    listing = json.loads(run("rules", "--format", "json").output)
    assert [row[:2] for row in rows] == [[rule["code"], rule["name"]] for rule in listing]  # one line a rule, names whole
    assert all(line == line.rstrip() for line in completed.stdout.splitlines())


def test_top_level_help_keeps_every_command_summary_whole():
    commands = run("--help").output.split("Commands:\n")[1].splitlines()
    assert commands and all(line.endswith(".") and not line.endswith("...") for line in commands), commands
    assert any("explain" in line and "(e.g. QW208)." in line for line in commands)


def test_summary_of_a_run_whose_files_all_failed_does_not_say_they_passed(project):
    (project / "a.ipynb").write_text('{"cells": [')
    (project / "b.ipynb").write_text("not json")
    result = run("check", ".")
    assert result.exit_code == 2
    assert "All checks passed" not in result.output
    assert "Could not check 2 of 2 files." in result.output


def test_readme_rule_table_matches_the_registry():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = run("rules", "--format", "markdown").output
    assert table in readme


def test_module_entry_point(project):
    write(project / "app.py", ERROR)
    completed = subprocess.run([sys.executable, "-m", "qwen_migrate", "check", "app.py"], capture_output=True, text=True)
    assert completed.returncode == 1
    assert "QW210" in completed.stdout


def test_check_of_one_file_does_not_import_what_only_other_commands_and_options_need(project):
    """Start-up is most of the time a check of one file takes: check-batch's reader, --add-noqa's
    writer, baselines and the TOML parser (no configuration file here) are imported when asked for."""
    write(project / "app.py", ERROR)
    modules_at_exit = "import atexit, sys; atexit.register(lambda: print(*sys.modules, file=sys.stderr))"
    command = [sys.executable, "-c", f"{modules_at_exit}; from qwen_migrate.cli import main; main()"]
    completed = subprocess.run([*command, "check", "app.py"], capture_output=True, text=True)
    assert completed.returncode == 1 and "QW210" in completed.stdout
    imported = set(completed.stderr.split())
    assert "qwen_migrate.engine" in imported
    assert imported & {"qwen_migrate.batch", "qwen_migrate.add_noqa", "qwen_migrate.baseline", "tomllib"} == set()
    baselined = subprocess.run([*command, "check", "app.py", "--write-baseline", "baseline.json"], capture_output=True, text=True)
    assert "qwen_migrate.baseline" in baselined.stderr.split()


def _help_entries(command: str) -> dict[str, str]:
    """The options a command's --help lists: each option's first flag -> its whole entry."""
    listing = run(command, "--help").output.split("Options:\n")[1]
    entries = re.split(r"\n(?=  -)", listing.strip("\n"))
    return {entry.split()[0].rstrip(","): entry for entry in entries}


def test_check_and_fix_take_their_shared_options_as_one_object_and_list_them_alike():
    """Every option that check and fix share is a field of CodeOptions (those that check-batch
    shares too, of RunOptions), so a command receives them as one object and cannot drift."""
    names = {command: {param.name for param in command.params} for command in (check, fix, check_batch)}
    assert names[check] & names[fix] == {f.name for f in dataclasses.fields(CodeOptions)}
    assert names[check] & names[fix] & names[check_batch] == {f.name for f in dataclasses.fields(RunOptions)}
    assert names[fix] - names[check] == {f.name for f in dataclasses.fields(FixOptions)}
    checks, fixes = _help_entries("check"), _help_entries("fix")
    shared = checks.keys() & fixes.keys()
    assert {"--output-format", "-o", "--fail-on", "--config", "--select", "--ignore", "--statistics", "--exit-zero"} <= shared
    assert {"--region", "--base-url", "--max-file-size", "-j", "-h"} <= shared
    assert {flag: checks[flag] for flag in shared} == {flag: fixes[flag] for flag in shared}
    assert fixes.keys() - checks.keys() == {"--unsafe-fixes", "--diff", "--add-todo"}

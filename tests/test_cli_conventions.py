"""The conventions a ruff user expects of the command line: --output-format, --extend-select,
--per-file-ignores, --config KEY=VALUE, -q/-s/-v and --color with NO_COLOR and FORCE_COLOR."""
import json
import os
import re
import sys

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main

from helpers import on_a_terminal

# QW101 and QW102 (error) at the client, QW210 (error) at the model, QW205 (warning) for the tools.
SOURCE = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'client.chat.completions.create(model="gpt-4o", messages=[], tools=[{"type": "function", "function": {"name": "f"}}])\n'
)
WARNING_ONLY = (
    'import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), '
    'base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")\n'
    'client.chat.completions.create(model="qwen3.6-plus", messages=[], store=True)\n'
)
ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / "app.py").write_text(SOURCE)
    return tmp_path


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def found(*args) -> list[str]:
    """The codes a JSON report of `check` lists, sorted."""
    result = run("check", "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return sorted(f["code"] for f in json.loads(result.stdout)["findings"])


def test_output_format_and_its_old_spelling(project):
    assert found("app.py") == ["QW101", "QW102", "QW205", "QW210"]
    assert json.loads(run("check", "--format", "json", "app.py").stdout)["summary"]["findings"] == 4
    assert json.loads(run("rules", "--output-format", "json").stdout)[0]["code"] == "QW001"
    for command in ("check", "fix", "check-batch", "rules"):
        listing = run(command, "--help").stdout
        assert "--output-format" in listing and "--format" not in listing.replace("--output-format", ""), command
    refused = run("fix", "--diff", "--output-format", "json", "app.py")
    assert refused.exit_code == 2 and "--output-format and --statistics are for the report" in refused.output


def test_extend_select_adds_to_the_selection_of_the_configuration_or_the_command_line(project):
    assert found("--select", "QW2", "--extend-select", "QW101", "app.py") == ["QW101", "QW205", "QW210"]
    (project / "pyproject.toml").write_text('[tool.qwen-migrate]\nselect = ["QW210"]\nextend-select = ["QW205"]\n')
    assert found("app.py") == ["QW205", "QW210"]
    assert found("--extend-select", "QW102", "app.py") == ["QW102", "QW205", "QW210"]  # added to the configuration's
    refused = run("check", "--extend-select", "QX9", "app.py")
    assert refused.exit_code == 2 and "--extend-select: unknown rule code or prefix 'QX9'" in refused.output


def test_per_file_ignores_on_the_command_line_merge_with_the_configuration(project):
    (project / "tests").mkdir()
    (project / "tests" / "test_app.py").write_text(SOURCE)
    (project / "pyproject.toml").write_text('[tool.qwen-migrate.per-file-ignores]\n"tests/**" = ["QW210"]\n')
    assert found("tests") == ["QW101", "QW102", "QW205"]
    assert found("--per-file-ignores", "tests/**:QW101,QW102", "--per-file-ignores", "app.py:QW2", ".") == ["QW101", "QW102", "QW205"]
    for bad, message in (("tests/**", "expected GLOB:CODES"), ("tests/**:QX1", "--per-file-ignores.'tests/**': unknown rule code or prefix 'QX1'")):
        refused = run("check", "--per-file-ignores", bad, ".")
        assert refused.exit_code == 2 and message in refused.output, refused.output


def test_config_overrides_a_key_inline_as_in_ruff(project):
    (project / "app.py").write_text(WARNING_ONLY)
    assert run("check", "app.py").exit_code == 1
    assert run("check", "--config", 'fail-on = "error"', "app.py").exit_code == 0
    (project / "qwen.toml").write_text('ignore = ["QW208"]\n')  # a configuration file and an override together
    assert found("--config", "qwen.toml", "app.py") == []
    assert found("--config", "qwen.toml", "--config", "ignore=[]", "app.py") == ["QW208"]
    assert found("--config", "select=['QW1']", "--select", "QW208", "app.py") == ["QW208"]  # the option wins over the override
    (project / "app.py").write_text(SOURCE)
    assert found("--config", 'models = {"gpt-4o" = "qwen3.6-flash"}', "--select", "QW210", "app.py") == ["QW210"]
    assert "qwen3.6-flash" in run("check", "--config", 'models.gpt-4o = "qwen3.6-flash"', "app.py").stdout


@pytest.mark.parametrize(
    "value, message",
    [
        ('regoin = "cn"', "--config 'regoin = \"cn\"': unknown key 'regoin' in [tool.qwen-migrate]"),
        ('region = "mars"', "--config 'region = \"mars\"': region: expected one of"),
        ("region =", "--config 'region =': neither a file nor a TOML `key = value` override"),
        ("nowhere.toml", "--config nowhere.toml: no such file, nor a `key = value` override"),
    ],
)
def test_a_bad_config_override_is_one_line_and_exit_two(project, value, message):
    result = run("check", "--config", value, "app.py")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert message in result.output.strip().splitlines()[-1], result.output


def test_quiet_prints_the_findings_only_and_silent_nothing(project):
    loud, quiet = run("check", "app.py"), run("check", "-q", "app.py")
    assert quiet.exit_code == loud.exit_code == 1
    assert "Found 4 findings" in loud.stdout and "Found" not in quiet.stdout
    assert quiet.stdout == loud.stdout[: loud.stdout.index("Found 4 findings")]
    (project / "clean.py").write_text("print('no SDK here')\n")
    assert run("check", "--quiet", "clean.py").stdout == ""
    fixed = run("fix", "-q", "app.py")
    assert fixed.exit_code == 0 and fixed.output == "" and (project / "app.py").read_text() != SOURCE  # no "Fixed 4 findings"
    (project / "app.py").write_text(SOURCE)
    noted = run("check", "-q", "--write-baseline", "baseline.json", "app.py")
    assert "Wrote" not in noted.output and (project / "baseline.json").exists()
    silent = run("check", "--silent", "app.py")
    assert silent.exit_code == 1 and silent.output == ""
    to_file = run("check", "-s", "--output-format", "json", "-o", "report.json", "app.py")
    assert to_file.output == "" and json.loads((project / "report.json").read_text())["summary"]["findings"] == 4
    (project / "batch.jsonl").write_text('{"custom_id": "1"}\n')
    batch = run("check-batch", "-q", "batch.jsonl")
    assert batch.exit_code == 1 and batch.stdout.startswith("batch.jsonl:1:1: QW602") and "Found" not in batch.stdout
    assert run("check-batch", "-s", "--config", 'fail-on = "error"', "batch.jsonl").output == ""


def test_verbose_tells_the_settings_the_files_and_the_time(project):
    (project / "pyproject.toml").write_text('[tool.qwen-migrate]\nignore = ["QW205"]\n')
    result = run("check", "-v", "--config", 'fail-on = "error"', "app.py")
    lines = result.stderr.splitlines()
    assert f"qwen-migrate: settings: {project / 'pyproject.toml'}" in lines
    assert "qwen-migrate: settings: --config fail-on = \"error\"" in lines
    assert re.fullmatch(r"qwen-migrate: rules: \d+ of \d+ enabled", lines[2])
    assert re.fullmatch(r"qwen-migrate: found 1 file to check in \d+\.\d\d s:", lines[3]) and lines[4] == "qwen-migrate:   app.py"
    assert re.fullmatch(r"qwen-migrate: checked in \d+\.\d\d s", lines[5])
    assert result.stdout == run("check", "--config", 'fail-on = "error"', "app.py").stdout  # the report is the same
    refused = run("check", "-v", "-q", ".")
    assert refused.exit_code == 2 and "give one" in refused.output


@pytest.mark.parametrize(
    "args, environment, coloured",
    [
        ((), {}, False),  # not a terminal
        (("--color", "always"), {}, True),
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins: no bold either
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),  # the option wins over the environment
        (("--color", "always"), {"TERM": "dumb"}, True),  # where rich finds no colour system itself
    ],
)
def test_color_follows_the_option_then_the_environment(project, args, environment, coloured):
    output = run("check", *args, "app.py", env=environment).stdout
    assert "QW210" in output and bool(ANSI.search(output)) is coloured, output


def test_no_color_on_a_terminal_writes_no_escape_at_all(project):
    """Rich's own NO_COLOR handling drops colours but keeps bold: the report has none of it."""
    environment = {**os.environ, "TERM": "xterm-256color", "NO_COLOR": "1"}
    environment.pop("FORCE_COLOR", None)
    code, output = on_a_terminal([sys.executable, "-m", "qwen_migrate", "check", "app.py"], project, environment)
    assert code == 1
    assert b"QW210" in output and b"\x1b[" not in output, output

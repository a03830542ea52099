"""Standard input, for editors: `check -`, `fix -` (the fixed source on standard output) and
`--stdin-filename`, which names the source for the report, the settings and its kind."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main

SOURCE = 'from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'
FIXED = (
    "from openai import OpenAI\nimport os\n\n"
    'client = OpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.getenv("DASHSCOPE_API_KEY"))\n'
    'client.chat.completions.create(model="qwen3.6-plus", messages=[])\n'
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args, stdin: bytes):
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin)


def codes(output: str) -> list[tuple[str, str]]:
    """(path, code) of each finding of a JSON report."""
    return [(f["path"], f["code"]) for f in json.loads(output)["findings"]]


def test_check_reads_standard_input_and_shows_it_as_a_dash(project):
    result = run("check", "-", stdin=SOURCE.encode())
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0].startswith("-:3:10: QW101 [*] OpenAI() has no base_url")
    assert "Found 3 findings in 1 of 1 file checked" in result.stdout
    document = run("check", "-", "--output-format", "json", stdin=SOURCE.encode()).stdout
    assert codes(document) == [("-", "QW101"), ("-", "QW102"), ("-", "QW210")]


def test_stdin_filename_names_the_source_and_finds_its_settings(project):
    (project / "service").mkdir()
    (project / "service" / "pyproject.toml").write_text(
        '[tool.qwen-migrate]\nignore = ["QW102"]\nexclude = ["generated/"]\n\n[tool.qwen-migrate.per-file-ignores]\n"tests/**" = ["QW101"]\n'
    )
    named = run("check", "--stdin-filename", "service/app.py", "--output-format", "json", "-", stdin=SOURCE.encode())
    assert codes(named.stdout) == [("service/app.py", "QW101"), ("service/app.py", "QW210")]  # QW102: ignored there
    alone = run("check", "--stdin-filename", "service/tests/test_app.py", "--output-format", "json", stdin=SOURCE.encode())  # no PATHS: stdin, as in ruff
    assert codes(alone.stdout) == [("service/tests/test_app.py", "QW210")]
    excluded = run("check", "--stdin-filename", "service/generated/client.py", "-", stdin=SOURCE.encode())
    assert excluded.exit_code == 0 and "All checks passed (0 files checked)." in excluded.stdout


def test_stdin_filename_gives_the_kind_of_the_source(project):
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": SOURCE.splitlines(keepends=True)}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    checked = run("check", "--stdin-filename", "triage.ipynb", "-", stdin=json.dumps(notebook).encode())
    assert checked.stdout.startswith("triage.ipynb:cell 1:line 3:10: QW101"), checked.output
    fixed = run("fix", "--stdin-filename", "triage.ipynb", "-", stdin=json.dumps(notebook).encode())
    assert json.loads(fixed.stdout)["cells"][0]["source"] == FIXED.splitlines(keepends=True), fixed.output
    dotenv = run("check", "--stdin-filename", ".env", "-", "--output-format", "json", stdin=b"OPENAI_BASE_URL=https://api.openai.com/v1\n")
    assert codes(dotenv.stdout) == [(".env", "QW801")]


def test_fix_writes_the_fixed_source_alone_to_standard_output(project):
    result = run("fix", "-", stdin=SOURCE.encode())
    assert result.exit_code == 0, result.output
    assert result.stdout == FIXED
    assert "Fixed 3 findings in -: QW101, QW102, QW210" in result.stderr
    assert not list(project.iterdir())  # nothing written


def test_fix_of_source_without_fixes_gives_it_back_byte_for_byte(project):
    untouched = b"import json\r\nprint(json.dumps({}))  # caf\xc3\xa9\r\n"
    result = run("fix", "-", "--stdin-filename", "tool.py", stdin=untouched)
    assert result.exit_code == 0 and result.stdout_bytes == untouched
    configuration = b"OPENAI_BASE_URL=https://api.openai.com/v1\n"  # reported, never fixed
    result = run("fix", "-", "--stdin-filename", ".env", stdin=configuration)
    assert result.exit_code == 1 and result.stdout_bytes == configuration
    assert ".env:1:1: QW801" in result.stderr


def test_fix_diff_prints_the_diff(project):
    result = run("fix", "--diff", "-", stdin=SOURCE.encode())
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/-\n+++ b/-\n")
    assert '+client.chat.completions.create(model="qwen3.6-plus", messages=[])' in result.stdout


def test_unparsable_standard_input_is_a_finding_not_a_traceback(project):
    broken = b"from openai import (\n"
    checked = run("check", "-", stdin=broken)
    assert checked.exit_code == 1 and isinstance(checked.exception, SystemExit)  # exited, not raised
    assert checked.stdout.startswith("-:1:20: QW001 SyntaxError: '(' was never closed")
    fixed = run("fix", "-", stdin=broken)
    assert fixed.exit_code == 1 and isinstance(fixed.exception, SystemExit)
    assert fixed.stdout_bytes == broken  # given back as it came
    assert "QW001" in fixed.stderr and "Traceback" not in fixed.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("check", "-", "app.py"), "`-` reads standard input: it is the only path of such a run"),
        (("check", "--stdin-filename", "x.py", "app.py"), "--stdin-filename names standard input"),
        (("check", "--add-noqa", "-"), "--add-noqa writes comments into files: standard input is none"),
    ],
)
def test_standard_input_beside_files_is_a_usage_error(project, args, message):
    (project / "app.py").write_text(SOURCE)
    result = run(*args, stdin=SOURCE.encode())
    assert result.exit_code == 2 and message in result.output
    assert (project / "app.py").read_text() == SOURCE


def test_fix_through_a_real_pipe(project):
    (project / "pyproject.toml").write_text('[tool.qwen-migrate]\nignore = ["QW102"]\n')
    completed = subprocess.run(
        [sys.executable, "-m", "qwen_migrate", "fix", "-", "--stdin-filename", "app.py"],
        input=SOURCE.encode(),
        capture_output=True,
        cwd=project,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    expected = FIXED.replace("import os\n", "").replace(', api_key=os.getenv("DASHSCOPE_API_KEY")', "")  # QW102 ignored by the settings
    assert completed.stdout == expected.encode()
    assert b"Fixed 2 findings in app.py: QW101, QW210" in completed.stderr
    assert not (Path(project) / "app.py").exists()

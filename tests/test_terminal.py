"""The CLI on a terminal: the progress bar comes and goes, and leaves the report and the cursor alone."""
import os
import sys

import pytest

from helpers import on_a_terminal

# The bar shows once a run has taken PROGRESS_AFTER_SECONDS; at 0 it shows at once.
LAUNCH = "import sys; from qwen_migrate import runner, cli; runner.PROGRESS_AFTER_SECONDS = 0; sys.exit(cli.main())"
HIDE, SHOW = b"\x1b[?25l", b"\x1b[?25h"
CODE = 'from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'


def cli_on_a_terminal(*args, cwd) -> bytes:
    """All the CLI writes to a pseudo-terminal (stdout and stderr both)."""
    environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    return on_a_terminal([sys.executable, "-c", LAUNCH, *args], cwd, environment)[1]


@pytest.mark.parametrize("command", ["check", "fix"])
def test_the_progress_bar_leaves_the_cursor_shown_and_the_report_on_its_own_line(tmp_path, command):
    (tmp_path / ".git").mkdir()  # a project root: the pre-pass indexes the project
    for number in range(3):
        (tmp_path / f"module{number}.py").write_text(CODE)
    output = cli_on_a_terminal(command, ".", "--jobs", "1", cwd=tmp_path)
    assert HIDE in output  # the bar was shown: the pre-pass and the run both count
    assert output.rindex(SHOW) > output.rindex(HIDE), output
    report_start = output.index(b"module0.py:")
    line_of_report = output[output.rfind(b"\n", 0, report_start) + 1 : report_start]
    assert b"Analysing" not in line_of_report and b"Fixing" not in line_of_report, output
    assert b"Analysing" in output  # the first step, over every file that mentions the SDK, shows progress

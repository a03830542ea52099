"""Shared helpers for the tests: run the checker on source text and read back what a finding covers."""
from __future__ import annotations

import os
import pty
import subprocess
from textwrap import dedent
from typing import Optional

from pathlib import Path

import pytest

from qwen_migrate.batch import check_batch_file
from qwen_migrate.configfiles import check_config_file
from qwen_migrate.settings import Settings
from qwen_migrate.engine import Checker
from qwen_migrate.finding import Finding


def check(source: str, settings: Optional[Settings] = None, path: str = "example.py") -> list[Finding]:
    result = Checker(settings or Settings()).check_source(dedent(source).encode(), path)
    assert result.error is None, result.error
    return result.findings


def check_config(text: str, tmp_path: Path, name: str = ".env", settings: Optional[Settings] = None) -> list[Finding]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    settings = settings or Settings()
    result = check_config_file(path, name, settings, {rule.code for rule in Checker(settings).rules})
    assert result.error is None, result.error
    return result.findings


def check_batch(text: str, tmp_path: Path, settings: Optional[Settings] = None) -> list[Finding]:
    path = tmp_path / "batch.jsonl"
    path.write_text(text, encoding="utf-8")
    result = check_batch_file(Checker(settings or Settings()), path, "batch.jsonl")
    assert result.error is None, result.error
    return result.findings


def codes(source: str, settings: Optional[Settings] = None) -> list[str]:
    return [finding.code for finding in check(source, settings)]


def covered_text(source: str, finding: Finding) -> str:
    """The source text between a finding's start and end (columns count from 1, end exclusive)."""
    lines = source.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:
        return sum(len(text) for text in lines[: line - 1]) + column - 1

    return source[offset(finding.line, finding.column) : offset(finding.end_line, finding.end_column)]


# Root ignores permission bits: what another user may do is tried by that user, in a child process.
OTHER_UID, OTHER_GID = 12345, 12346
root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="acting as another user takes root")


def as_another_user(function) -> str:
    """function() run in a forked child by an unprivileged user: the repr of its result, or the name
    and text of what it raised. Everything it needs is imported already: that user may not read
    this Python's files."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child process)
        os.close(read_end)
        try:
            os.setgroups([OTHER_GID])
            os.setgid(OTHER_GID)
            os.setuid(OTHER_UID)
            answer = repr(function())
        except BaseException as error:
            answer = f"{type(error).__name__}: {error}"
        os.write(write_end, answer.encode("utf-8", "backslashreplace"))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        answer = stream.read().decode("utf-8")
    os.waitpid(child, 0)
    return answer


def write_project(root: Path, files: dict[str, str]) -> None:
    """A project (its pyproject.toml marks the root) holding `files`, by path relative to it."""
    (root / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def on_a_terminal(command: list[str], cwd, environment: dict) -> tuple[int, bytes]:
    """The exit code of `command` run on a pseudo-terminal, and all it wrote there (stdout and stderr)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal, cwd=cwd, env=environment)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        output += chunk
    code = process.wait(timeout=60)
    os.close(controller)
    return code, output

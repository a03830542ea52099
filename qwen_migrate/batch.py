"""`check-batch`: a batch input JSONL file checked before upload, line by line, in bounded memory.

This module reads the lines and reports; QW602 (rules/qw602_batch_input_file.py) judges them, each
request body by the same Chat Completions and Embeddings rules that `check` runs on code: a body
is the other view of a request (qwen_migrate.request.BodyArguments).
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator

from qwen_migrate.engine import Checker, FileResult
from qwen_migrate.facts import dashscope
from qwen_migrate.finding import Finding
from qwen_migrate.rules import CallRule
from qwen_migrate.rules.qw602_batch_input_file import BatchFile, BatchInputFile

FRAME_WIDTH = 160  # how much of a long line the text report shows


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """(number, text, too long) for each line; a line over the size limit is skipped, not held."""
    number = 0
    while True:
        chunk = stream.readline(dashscope.BATCH_MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > dashscope.BATCH_MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # the rest of the long line
                chunk = stream.readline(dashscope.BATCH_MAX_LINE_BYTES)
            yield number, b"", True
        else:
            yield number, chunk, False


def check_batch_file(checker: Checker, path: Path, display: str) -> FileResult:
    if BatchInputFile.code not in {rule.code for rule in checker.rules} or BatchInputFile.code in checker.ignored_in(display):
        return FileResult(display)
    batch = BatchFile([rule for rule in checker.rules if isinstance(rule, CallRule)], checker.settings)
    findings: list[Finding] = []
    frames: dict[tuple, str] = {}
    try:
        with path.open("rb") as stream:
            for problem in batch.check(_lines(stream), path.stat().st_size):
                line = problem.text.decode("utf-8", errors="replace").rstrip("\r\n")
                shown = line[:FRAME_WIDTH]
                findings.append(BatchInputFile.line_finding(display, problem.number, len(line), shown, problem.message, problem.severity))
                frames.setdefault((None, problem.number), shown)
    except OSError as error:
        return FileResult(display, error=f"cannot read: {error.strerror}")
    findings.sort(key=lambda f: f.sort_key)
    return FileResult(display, findings, frames)

"""`fix`: apply the chosen fixes to a file until none is left, check the result, write it atomically.

Each pass analyses the file, applies every chosen edit in one transformation, and proves that the
result still parses; fixes that open the way to others (an Azure client that becomes an OpenAI
client, then needs a base URL) take another pass. A file whose text does not change is not
written, so its bytes and its modification time stay as they were.
"""
from __future__ import annotations

import ast
import difflib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst

from qwen_migrate.edits import apply_edits
from qwen_migrate.engine import Checker, FileResult
from qwen_migrate.finding import Finding, FixSafety
from qwen_migrate.masking import mask

MAX_PASSES = 10  # fixes settle in two or three passes; more means edits that undo each other
TODO_PREFIX = "# TODO(qwen-migrate): "


class FixError(Exception):
    """The fixes for one file could not be applied: the file is left as it was."""


@dataclass
class FixOutcome:
    path: str
    original: bytes
    fixed: bytes  # equal to `original` when nothing changed
    fixed_codes: Counter = field(default_factory=Counter)
    remaining: Optional[FileResult] = None
    todos: int = 0

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self, encoding: str = "utf-8") -> str:
        """The unified diff for people to read: secrets on its lines are masked."""
        before = self.original.decode(encoding, errors="replace").splitlines(keepends=True)
        after = self.fixed.decode(encoding, errors="replace").splitlines(keepends=True)
        return mask("".join(difflib.unified_diff(before, after, f"a/{self.path}", f"b/{self.path}")))


class Fixer:
    def __init__(self, checker: Checker, unsafe: bool = False, add_todo: bool = False) -> None:
        self.checker = checker
        self.safeties = {FixSafety.SAFE, FixSafety.UNSAFE} if unsafe else {FixSafety.SAFE}
        self.add_todo = add_todo

    def applicable(self, finding: Finding) -> bool:
        return finding.fix is not None and bool(finding.fix.edits) and finding.fix.safety in self.safeties

    def fix_source(self, data: bytes, path: str, file: Optional[Path] = None) -> FixOutcome:
        outcome = FixOutcome(path, data, data)
        for _ in range(MAX_PASSES):
            module, result = self.checker.analyse(outcome.fixed, path, file)
            chosen = [f for f in result.findings if self.applicable(f)] if module is not None else []
            if not chosen:
                break
            updated = apply_edits(module, [edit for finding in chosen for edit in finding.fix.edits]).bytes
            if updated == outcome.fixed:
                break
            _check_parses(updated, path)
            outcome.fixed = updated
            outcome.fixed_codes.update(finding.code for finding in chosen)
        else:
            raise FixError(f"fixes did not settle after {MAX_PASSES} passes")
        module, result = self.checker.analyse(outcome.fixed, path, file)
        if self.add_todo and module is not None:
            with_todos, todos = _add_todos(outcome.fixed, module, [f for f in result.findings if not self.applicable(f)])
            if todos and parses(with_todos):  # a TODO line cannot go inside a backslash continuation
                outcome.fixed, outcome.todos = with_todos, todos
                result = self.checker.analyse(outcome.fixed, path, file)[1]
        outcome.remaining = result
        return outcome

    def fix_file(self, path: Path, display: str, write: bool) -> FixOutcome:
        data = path.read_bytes()
        outcome = self.fix_source(data, display, path)
        if write and outcome.changed:
            write_atomically(path, outcome.fixed)
        return outcome


def parses(data: bytes) -> bool:
    """Valid Python for LibCST, which will read it again, and for CPython's compiler."""
    try:
        cst.parse_module(data)
        compile(data, "<fixed>", "exec", ast.PyCF_ONLY_AST)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return False
    return True


def _check_parses(data: bytes, path: str) -> None:
    if not parses(data):
        raise FixError("the fixed code would not parse; nothing was written")


def _add_todos(data: bytes, module: cst.Module, findings: list[Finding]) -> tuple[bytes, int]:
    """A `# TODO(qwen-migrate): CODE message` line above each finding, unless it is there already.
    The message is masked: a TODO must not copy a key or a credential into another line."""
    newline = module.default_newline
    lines = data.decode(module.encoding).split(newline)
    added = 0
    for finding in sorted(findings, key=lambda f: (f.line, f.code), reverse=True):
        line = lines[finding.line - 1]
        indent = line[: len(line) - len(line.lstrip())]
        todo = f"{indent}{TODO_PREFIX}{finding.code} {mask(finding.message)}"
        above = finding.line - 2
        while above >= 0 and lines[above].lstrip().startswith(TODO_PREFIX):  # the TODOs already there
            if lines[above] == todo:
                break
            above -= 1
        if above >= 0 and lines[above] == todo:
            continue
        lines.insert(finding.line - 1, todo)
        added += 1
    return newline.join(lines).encode(module.encoding), added


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over the original, keeping its mode."""
    mode = path.stat().st_mode
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".qwen-migrate")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""`fix`: apply the chosen fixes to a file until none is left, check the result, write it safely.

Each pass analyses the file and applies every chosen edit in one transformation; the analysis of
the result, which the next pass starts from, proves that it still parses, so each pass parses the
file once. Fixes that open the way to others (an Azure client that becomes an OpenAI client, then
needs a base URL) take another pass. A file whose text does not change is not
written, so its bytes and its modification time stay as they were.
"""
from __future__ import annotations

import ast
import difflib
import os
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst

from qwen_migrate.edits import apply_edits
from qwen_migrate.engine import Checker, FileResult
from qwen_migrate.finding import Finding, FixSafety, Severity
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

    def fix_source(
        self, data: bytes, path: str, file: Optional[Path] = None, analysed: Optional[tuple[Optional[cst.Module], FileResult]] = None
    ) -> FixOutcome:
        """The file fixed, nothing written. `analysed`: the analysis of `data`, when it was made already."""
        outcome = FixOutcome(path, data, data)
        module, result = analysed or self.checker.analyse(data, path, file)
        for _ in range(MAX_PASSES):
            chosen = [f for f in result.findings if self.applicable(f)] if module is not None else []
            if not chosen:
                break
            updated = apply_edits(module, [edit for finding in chosen for edit in finding.fix.edits]).bytes
            if updated == outcome.fixed:
                break
            # the next pass's analysis is the proof that the result parses: its one parse does both
            analysed = self._analyse_output(updated, path, file)
            if analysed is None:
                raise FixError("the fixed code would not parse; nothing was written")
            module, result = analysed
            outcome.fixed = updated
            outcome.fixed_codes.update(finding.code for finding in chosen)
        else:
            raise FixError(f"fixes did not settle after {MAX_PASSES} passes")
        if self.add_todo and module is not None:
            # advice (info: QW108's inventory, QW304) asks nothing of a person: no TODO for it
            left = [f for f in result.findings if not self.applicable(f) and f.severity is not Severity.INFO]
            with_todos, todos = _add_todos(outcome.fixed, module, left)
            analysed = self._analyse_output(with_todos, path, file) if todos else None
            if analysed is not None:  # a TODO line cannot go inside a backslash continuation
                outcome.fixed, outcome.todos = with_todos, todos
                result = analysed[1]
        outcome.remaining = result
        return outcome

    def _analyse_output(self, data: bytes, path: str, file: Optional[Path]) -> Optional[tuple[Optional[cst.Module], FileResult]]:
        """The analysis of text the fixer made, or None when that text does not parse. A module the
        analysis parsed has passed LibCST and CPython's judgement; only text it did not parse (one
        that no longer takes part, or is refused as too large or too deep) is parsed to know."""
        module, result = self.checker.analyse(data, path, file)
        if module is None and not parses(data):
            return None
        return module, result

    def fix_file(self, path: Path, display: str, write: bool) -> FixOutcome:
        data = path.read_bytes()
        outcome = self.fix_source(data, display, path)
        if write:
            self.write(path, outcome)
        return outcome

    @staticmethod
    def write(path: Path, outcome: FixOutcome) -> None:
        """Write what the fixes changed (safely, see write_file); a file they did not change is left as it is."""
        if outcome.changed:
            write_file(path, outcome.fixed)


def parses(data: bytes) -> bool:
    """Valid Python for LibCST, which will read it again, and for CPython's compiler."""
    try:
        cst.parse_module(data)
        compile(data, "<fixed>", "exec", ast.PyCF_ONLY_AST)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return False
    return True


def todo_comment(finding: Finding) -> str:
    """The `# TODO(qwen-migrate): CODE message` line that `--add-todo` writes above a finding
    (without its indentation). The message is masked: a TODO must not copy a key or a credential
    into another line."""
    return f"{TODO_PREFIX}{finding.code} {mask(finding.message)}"


def _add_todos(data: bytes, module: cst.Module, findings: list[Finding]) -> tuple[bytes, int]:
    """A TODO line (todo_comment) above each finding, unless it is there already."""
    newline = module.default_newline
    lines = data.decode(module.encoding).split(newline)
    added = 0
    for finding in sorted(findings, key=lambda f: (f.line, f.code), reverse=True):
        line = lines[finding.line - 1]
        indent = line[: len(line) - len(line.lstrip())]
        todo = indent + todo_comment(finding)
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


def write_file(path: Path, data: bytes) -> None:
    """Write the fixed text to the file `path` names, keeping what the file is: a symlink stays a
    symlink (the file it points to is written), hard links stay linked, and owner, group and mode
    stay as they were. A file its mode and owner do not let this user write is refused.

    The write is atomic (a temporary file renamed over the original) unless a rename would lose
    something: for a file with other hard links, or one whose owner this user cannot give a new
    file, the text is written into the file itself, a copy of the original kept beside it meanwhile.
    """
    target = Path(os.path.realpath(path))
    status = target.stat()
    if not _may_write(target, status):
        raise FixError(f"read-only file (mode {stat.S_IMODE(status.st_mode):04o}, owner {status.st_uid}), not written")
    if status.st_nlink > 1 or not _can_give_owner(status):
        _write_in_place(target, data)
    else:
        _replace(target, data, status)


def _may_write(target: Path, status: os.stat_result) -> bool:
    """Whether the file's permissions let this user write it. Root may write anything, so for root
    a file that no one else may write (no write bit in its mode) counts as read-only; for others,
    the system's answer (a rename over the file would bypass it: the folder's permission is enough)."""
    if os.geteuid() == 0:
        return bool(status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return os.access(target, os.W_OK)


def _can_give_owner(status: os.stat_result) -> bool:
    """Whether a new file can be given the original's owner and group: root can give any; another
    user only his own, and only a group he is in."""
    if os.geteuid() == 0:
        return True
    return status.st_uid == os.geteuid() and status.st_gid in {os.getegid(), *os.getgroups()}


def _replace(target: Path, data: bytes, status: os.stat_result) -> None:
    """A temporary file in the target's folder, given the target's owner, group and mode, renamed over the target."""
    temporary = _temporary_copy(target, data, ".qwen-migrate")
    try:
        os.chown(temporary, status.st_uid, status.st_gid)  # before chmod: chown clears set-user-ID bits
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_in_place(target: Path, data: bytes) -> None:
    """Write into the file itself. The original is copied beside it first (a process killed halfway
    leaves it there) and written back if writing fails, then the copy is removed."""
    with open(target, "r+b") as stream:
        original = stream.read()
        backup = _temporary_copy(target, original, ".qwen-migrate-backup")
        try:
            _overwrite(stream, data)
        except BaseException:
            _overwrite(stream, original)  # if this fails too, the copy stays, and the error says why
            os.unlink(backup)
            raise
    os.unlink(backup)


def _overwrite(stream, data: bytes) -> None:
    """Replace the file's contents, cutting it only once the new text is in: until then the
    original's blocks stay allocated, so writing the original back never needs more room."""
    stream.seek(0)
    stream.write(data)
    stream.truncate()
    stream.flush()
    os.fsync(stream.fileno())


def _temporary_copy(target: Path, data: bytes, suffix: str) -> str:
    """A new file holding `data`, on disk, in the target's folder (readable by this user only)."""
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary

"""The records that travel from rules to reports."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Optional


class Severity(str, enum.Enum):
    """How bad a finding is; ordered so that `--fail-on` can compare."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class FixSafety(str, enum.Enum):
    """As in ruff: safe fixes are applied by `fix`, unsafe ones only with `--unsafe-fixes`."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


@dataclass(frozen=True)
class Fix:
    safety: FixSafety
    description: str
    edits: tuple = field(default=(), compare=False)  # qwen_migrate.edits.Edit values; none in a batch file


@dataclass(frozen=True)
class Violation:
    """What a rule reports, and where: a node of the file's syntax tree, or a field of a request body."""

    node: Any
    message: str
    fix: Optional[Fix] = None
    severity: Optional[Severity] = None  # None: the rule's own severity


@dataclass(frozen=True)
class Finding:
    """A violation placed in its file: what reports print. Lines and columns count from 1."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: Severity
    message: str
    fix: Optional[Fix] = None
    fingerprint: str = ""  # stable across line moves and reformatting: see qwen_migrate.fingerprint
    # where the call names the parameter, when the finding points elsewhere (a dict key, a constant)
    related: Optional[tuple[int, int]] = None
    cell: Optional[int] = None  # in a notebook: the cell, counted from 1; line and columns are the cell's
    # in a notebook: the lines of the .ipynb text that hold the finding's first and last source lines,
    # where annotations on the file itself (GitHub, SARIF) point
    file_lines: Optional[tuple[int, int]] = None

    @property
    def frame_key(self) -> tuple[Optional[int], int]:
        """The source line a code frame shows: by cell and line."""
        return self.cell, self.line

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)

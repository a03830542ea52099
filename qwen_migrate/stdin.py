"""Standard input as the one file of a run (`qwen-migrate check -`, for editors and other programs).

The source is read once and named by --stdin-filename: the name gives its kind (Python, a notebook,
a configuration file), the path the report shows, and what the settings' `exclude` and
`per-file-ignores` say of it. It is analysed alone, as ruff analyses standard input: a client the
module imports from another module of the project is not followed. `fix` writes nothing: the
command line prints the fixed source.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

import libcst as cst

from qwen_migrate.configfiles import check_config_source
from qwen_migrate.discovery import FileKind, display_path, excluded_file, file_kind, named_file
from qwen_migrate.engine import Checker, FileResult, unanalysable
from qwen_migrate.finding import Finding
from qwen_migrate.fixer import Fixer, FixOutcome
from qwen_migrate.notebooks import notebook_source_result
from qwen_migrate.options import FixOptions
from qwen_migrate.runner import fixed_or_error
from qwen_migrate.settings import Settings

STDIN = "-"  # the path that names standard input, and the one the report shows without --stdin-filename


class SourceRun:
    """A command over the source read from standard input, as runner.Run is over files."""

    def __init__(self, data: bytes, name: Optional[Path], settings: Settings) -> None:
        self.data, self.settings = data, settings
        self.checker = Checker(settings)
        if name is None:
            self.display, self.kind, self.excluded = STDIN, FileKind.PYTHON, False
        else:
            path = named_file(name)
            self.display, self.kind, self.excluded = display_path(path), file_kind(path), excluded_file(path, settings)

    def check(self) -> list[FileResult]:
        """Nothing for a name that `exclude` matches (as for a file named on the command line)."""
        return [] if self.excluded else [self._result(None)]

    def fix(self, choices: FixOptions) -> list[Union[FixOutcome, FileResult]]:
        """A FixOutcome, or a FileResult (a configuration file, never fixed; the error that stopped the fixes)."""
        return [] if self.excluded else [self._result(Fixer(self.checker, unsafe=choices.unsafe, add_todo=choices.add_todo))]

    def _result(self, fixer: Optional[Fixer]) -> Union[FixOutcome, FileResult]:
        if self.kind is FileKind.NOTEBOOK:
            return notebook_source_result(self.data, self.display, self.checker, fixer)
        if self.kind is not FileKind.PYTHON:  # reported, never fixed, as a configuration file of a walk
            return check_config_source(self.data, self.kind, self.display, self.settings, {rule.code for rule in self.checker.rules})
        if fixer is not None:
            return fixed_or_error(lambda: fixer.fix_source(self.data, self.display), self.display)
        try:
            return self.checker.check_source(self.data, self.display)
        except Exception as error:  # one line in the report, never a traceback
            return unanalysable(self.display, error)

    def reanalysis(self):
        """runner.Run.reanalysis, of the source: its module and its findings with the edits of their fixes."""

        def analyse(display: str) -> tuple[Optional[cst.Module], list[Finding]]:
            if display != self.display or self.kind is not FileKind.PYTHON:
                return None, []
            try:
                module, result = self.checker.analyse(self.data, display)
            except Exception:  # the report then shows the findings without their edits
                return None, []
            return module, result.findings if module is not None else []

        return analyse

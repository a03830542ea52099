"""`check --add-noqa`: a run's findings suppressed by noqa comments written into its Python files.

`suppressions.add_noqa` places the comments in a file's text; this module reads and writes the
files. Notebooks and configuration files are left as they are, and so is a file that would no
longer parse.
"""
from __future__ import annotations

from pathlib import Path

import libcst as cst

from qwen_migrate.discovery import FileKind, file_kind
from qwen_migrate.engine import FileResult
from qwen_migrate.fixer import FixError, parses, write_file
from qwen_migrate.suppressions import add_noqa


def add_noqa_to_files(files: list[Path], results: list[FileResult]) -> tuple[int, int]:
    """Write `# noqa` comments for the findings of each Python file: how many lines got one, and
    how many findings no comment suppresses. Those stay in the results, to be reported and to fail
    the run as `check` would; a file that cannot be written gets the error in its result."""
    total = unsuppressed = 0
    for path, result in zip(files, results):
        if file_kind(path) is not FileKind.PYTHON or not result.findings or any(f.code in ("QW001", "QW003") for f in result.findings):
            continue
        data = path.read_bytes()
        module = cst.parse_module(data)
        text, changed, unplaced = add_noqa(module.code, result.findings)
        updated = text.encode(module.encoding)
        if changed and updated != data and parses(updated):
            try:
                write_file(path, updated)
            except (FixError, OSError) as error:  # reported with the run's errors; exit code 2
                result.error = str(error)
            else:
                total += changed
                result.findings = unplaced
        unsuppressed += len(result.findings)
    return total, unsuppressed

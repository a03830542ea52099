"""GitHub Actions workflow commands: an annotation per finding and per error; secrets masked."""
from __future__ import annotations

from qwen_migrate.finding import Severity
from qwen_migrate.masking import mask
from qwen_migrate.report.run import RunResult

GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def render_github(run: RunResult) -> str:
    """GitHub Actions workflow commands: an annotation per finding."""
    lines = []
    for f in run.findings:
        if f.file_lines is None:
            where = (("line", f.line), ("col", f.column), ("endLine", f.end_line), ("endColumn", f.end_column))
        else:  # a notebook's lines of JSON text; a column in the cell is none of theirs
            where = (("line", f.file_lines[0]), ("endLine", f.file_lines[1]))
        properties = ",".join(
            f"{name}={_github_escape(str(value), True)}"
            for name, value in (("file", f.path), *where, ("title", f"{f.code} {f.name}"))
        )
        lines.append(f"::{GITHUB_COMMANDS[f.severity]} {properties}::{_github_escape(mask(f.message))}")
    for result in run.errors:
        lines.append(f"::error file={_github_escape(result.path, True)}::{_github_escape(mask(result.error))}")
    return "\n".join(lines) + ("\n" if lines else "")


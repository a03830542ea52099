"""Reports: from the results of a run (report.run) to the text of one output format, each format a
module of this package, every secret in it masked (qwen_migrate.masking).

REPORTERS is the one list of output formats: `--format` offers its names, so a new format is a
module here and a line below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from rich.console import Console

from qwen_migrate.report.github import render_github
from qwen_migrate.report.gitlab import render_gitlab
from qwen_migrate.report.html import render_html
from qwen_migrate.report.json import render_json
from qwen_migrate.report.junit import render_junit
from qwen_migrate.report.markdown import render_markdown
from qwen_migrate.report.run import RunResult
from qwen_migrate.report.sarif import render_sarif
from qwen_migrate.report.text import render_findings, render_statistics, render_text, render_unresolved

Write = Callable[[RunResult, Console], None]


@dataclass(frozen=True)
class Reporter:
    """An output format: how it writes a run's report, its counts for `--statistics` (a format
    without them writes its report), its report without the totals for `--quiet` (a format for
    programs writes its whole document), and its list of the calls the analysis could not follow
    for `--explain-unresolved` (a format for programs has them in its document, or not at all)."""

    write: Write
    statistics: Optional[Write] = None
    unresolved: Optional[Write] = None
    quiet: Optional[Write] = None
    # a report on migrating source code (SDK call sites, fixes, TODO comments): for check and fix,
    # not for batch files or the requests the runtime guard sees
    of_code: bool = False


def _document(render: Callable[[RunResult], str]) -> Write:
    """A format for programs: one document, written as it is (no styles, no wrapping)."""
    return lambda run, console: console.file.write(render(run))


REPORTERS = {
    "text": Reporter(render_text, statistics=render_statistics, unresolved=render_unresolved, quiet=render_findings),
    "json": Reporter(_document(render_json)),
    "sarif": Reporter(_document(render_sarif)),
    "github": Reporter(_document(render_github)),
    "gitlab": Reporter(_document(render_gitlab)),
    "junit": Reporter(_document(render_junit)),
    "html": Reporter(_document(render_html), of_code=True),
    "markdown": Reporter(_document(render_markdown), of_code=True),
}


def write_report(run: RunResult, output_format: str, statistics: bool, console: Console, quiet: bool = False) -> None:
    reporter = REPORTERS[output_format]
    if statistics and reporter.statistics:
        reporter.statistics(run, console)
    else:
        (reporter.quiet if quiet and reporter.quiet else reporter.write)(run, console)


def formats_besides_code() -> list[str]:
    """The formats of a report on anything but source code (batch files, requests)."""
    return [name for name, reporter in REPORTERS.items() if not reporter.of_code]

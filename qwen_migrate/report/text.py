"""The text report, ruff-style, and its statistics: what a person reads on a terminal; secrets masked
in messages, code frames and errors, which quote the code they are about."""
from __future__ import annotations

from typing import Optional

from rich.console import Console
from rich.text import Text

from qwen_migrate.finding import Finding, FixSafety, Severity
from qwen_migrate.masking import mask, masked
from qwen_migrate.report.run import RunResult, code_counts, counted, summary

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render_statistics(run: RunResult, console: Console) -> None:
    """Counts per code, and how far the migration has come."""
    counts = summary(run)
    names = {f.code: f.name for f in run.findings}
    fixable = {f.code for f in run.findings if f.fix is not None and f.fix.safety is FixSafety.SAFE}
    for code, n in counts["by_code"].items():
        console.print(Text(f"{n:>5}  {code}  {'[*]' if code in fixable else '   '}  {names[code]}"))
    sites = counts["call_sites"]
    share = 100.0 * sites["without_findings"] / sites["total"] if sites["total"] else 100.0
    console.print(
        Text(f"Migration progress: {sites['without_findings']} of {sites['total']} SDK call sites have no findings ({share:.0f}%).")
    )
    if sites["unresolved"]:
        console.print(Text(f"{sites['unresolved']} SDK calls the analysis cannot follow whole (see --explain-unresolved)."))
    some_paths = sum(len(r.some_paths) for r in run.files)
    if some_paths:
        console.print(Text(f"{some_paths} calls through a parameter are OpenAI calls on some paths only (see --explain-unresolved)."))
    _print_baseline(console, run)


def _print_baseline(console: Console, run: RunResult) -> None:
    if run.baselined or run.fixed_since_baseline:
        console.print(
            Text(f"Baseline: {run.baselined} known findings not shown; {len(run.fixed_since_baseline)} baseline entries fixed since.")
        )
    for entry in run.fixed_since_baseline:
        console.print(Text(f"  fixed: {entry['path']} {entry['code']} {mask(entry.get('message', ''))}", style="green"))


def render_unresolved(run: RunResult, console: Console) -> None:
    """The calls whose `**kwargs`, or whose client, could not be followed, and those through a
    parameter whose callers pass an OpenAI client on some paths only: for a person to review."""
    for result in run.files:
        for line, column, method in result.unresolved:
            console.print(Text(f"{result.path}:{line}:{column}: {method}() is a call the analysis cannot follow whole: **kwargs from a parameter, another module or a call, or a client that may be another SDK's"))
        for line, column, method, parameter in result.some_paths:
            console.print(Text(f"{result.path}:{line}:{column}: {method}() through '{parameter}' is an OpenAI call on some paths only: some callers pass an OpenAI client there, others another SDK's client or a value the analysis cannot follow"))


def render_text(run: RunResult, console: Console) -> None:
    """ruff-style: what a fix changed, then `path:line:col: CODE message`, a code frame, a help line,
    and the totals."""
    for outcome in run.fixes:
        if outcome.changed:
            codes = code_counts(outcome.fixed_codes)
            todos = f"; {outcome.todos} TODO comments added" if outcome.todos else ""
            console.print(Text(f"Fixed {counted(sum(outcome.fixed_codes.values()), 'finding')} in {outcome.path}: {codes}{todos}", style="green"))
    if any(outcome.changed for outcome in run.fixes):
        console.print()
    render_findings(run, console)
    _print_summary(console, run)


def render_findings(run: RunResult, console: Console) -> None:
    """The findings and the files that could not be checked, nothing else (`--quiet`)."""
    for result in run.files:
        for finding in result.findings:
            _print_finding(console, finding, result.frame_lines.get(finding.frame_key))
    for result in run.errors:
        console.print(Text(f"{result.path}: {mask(result.error)}", style="bold red"))


def _print_finding(console: Console, finding: Finding, line: Optional[str]) -> None:
    head = Text()
    cell = f"cell {finding.cell}:line " if finding.cell is not None else ""
    head.append(f"{finding.path}:{cell}{finding.line}:{finding.column}: ", style="bold")
    head.append(finding.code, style=SEVERITY_STYLES[finding.severity])
    if finding.fix is not None and finding.fix.safety is FixSafety.SAFE:
        head.append(" [*]", style="cyan")
    head.append(f" {mask(finding.message)}")
    console.print(head)
    if line is not None:
        shown = masked(line.expandtabs(1))  # the marker below stays under the masked text
        source = shown.text
        start = min(shown.position(finding.column - 1), len(source))
        end = min(shown.position(finding.end_column - 1), len(source)) if finding.end_line == finding.line else len(source)
        gutter = str(finding.line)
        pad = " " * len(gutter)
        console.print(Text(f"{pad} |", style="blue"))
        frame = Text(f"{gutter} | ", style="blue")
        frame.append(source)
        console.print(frame)
        marker = Text(f"{pad} | ", style="blue")
        marker.append(" " * start + "^" * max(1, end - start), style=SEVERITY_STYLES[finding.severity])
        console.print(marker)
    if finding.fix is not None:
        label = "help" if finding.fix.safety is FixSafety.SAFE else "help (unsafe fix)"
        console.print(Text(f"  = {label}: {mask(finding.fix.description)}", style="cyan"))
    console.print()


def _print_summary(console: Console, run: RunResult) -> None:
    counts = summary(run)
    if run.fixes:
        changed = [outcome for outcome in run.fixes if outcome.changed]
        total = sum(sum(outcome.fixed_codes.values()) for outcome in changed)
        console.print(Text(f"Fixed {counted(total, 'finding')} in {counted(len(changed), 'file')}.", style="bold green"))
    _print_baseline(console, run)
    if run.errors:  # a file that could not be checked has not passed
        console.print(Text(f"Could not check {len(run.errors)} of {counted(counts['files_checked'], 'file')}.", style="bold red"))
    if not counts["findings"]:
        if not run.errors:
            console.print(Text(f"All checks passed ({counted(counts['files_checked'], 'file')} checked).", style="bold green"))
        return
    severities = ", ".join(f"{n} {name}" for name, n in counts["by_severity"].items() if n)
    console.print(
        Text(
            f"Found {counted(counts['findings'], 'finding')} in {counts['files_with_findings']} of "
            f"{counted(counts['files_checked'], 'file')} checked ({severities}).",
            style="bold",
        )
    )
    names = {f.code: f.name for f in run.findings}
    for code, n in counts["by_code"].items():
        console.print(Text(f"{n:>5}  {code}  {names[code]}"))
    fixable = counts["fixable"]
    if fixable["safe"] or fixable["unsafe"]:
        console.print(Text(f"[*] {fixable['safe']} with a safe fix, {fixable['unsafe']} more with an unsafe fix."))

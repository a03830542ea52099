"""Reports: pure functions from the results of a run to text, with every secret in it masked
(qwen_migrate.masking): messages, code frames and errors quote the code they are about."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from rich.console import Console
from rich.text import Text

from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding, FixSafety, Severity
from qwen_migrate.masking import mask, masked

# Bumped when a field changes meaning or disappears; new fields may appear within a version.
JSON_REPORT_VERSION = 1

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


@dataclass
class RunResult:
    files: list[FileResult]
    fixes: list = field(default_factory=list)  # fix runs: a FixOutcome per file
    baselined: int = 0  # findings a baseline accounts for, not reported
    fixed_since_baseline: list = field(default_factory=list)  # baseline entries no longer found

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.files for finding in result.findings]

    @property
    def errors(self) -> list[FileResult]:
        return [result for result in self.files if result.error]

    def worst(self) -> Optional[Severity]:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def summary(run: RunResult) -> dict:
    findings = run.findings
    by_severity = Counter(f.severity.value for f in findings)
    call_sites = sum(r.call_sites for r in run.files)
    clean = sum(r.clean_call_sites for r in run.files)
    return {
        "files_checked": len(run.files),
        "files_with_findings": sum(1 for r in run.files if r.findings),
        "findings": len(findings),
        "call_sites": {"total": call_sites, "without_findings": clean, "unresolved": sum(len(r.unresolved) for r in run.files)},
        "baseline": {"known": run.baselined, "fixed": len(run.fixed_since_baseline)},
        "by_severity": {s.value: by_severity.get(s.value, 0) for s in reversed(Severity)},
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
        "fixable": {
            safety.value: sum(1 for f in findings if f.fix and f.fix.safety is safety)
            for safety in (FixSafety.SAFE, FixSafety.UNSAFE)
        },
    }


def finding_to_json(finding: Finding) -> dict:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": mask(finding.message),
        "fix": None if finding.fix is None else {"safety": finding.fix.safety.value, "description": mask(finding.fix.description)},
        "fingerprint": finding.fingerprint,
        "related": None if finding.related is None else {"line": finding.related[0], "column": finding.related[1]},
        "cell": finding.cell,
    }


def render_json(run: RunResult) -> str:
    document = {
        "version": JSON_REPORT_VERSION,
        "findings": [finding_to_json(f) for f in run.findings],
        "unresolved": [
            {"path": r.path, "line": line, "column": column, "method": method} for r in run.files for line, column, method in r.unresolved
        ],
        "errors": [{"path": r.path, "message": mask(r.error)} for r in run.errors],
        "summary": summary(run),
    }
    if run.fixes:
        document["fixed"] = [
            {"path": outcome.path, "codes": dict(sorted(outcome.fixed_codes.items())), "todos": outcome.todos}
            for outcome in run.fixes
            if outcome.changed
        ]
    return json.dumps(document, indent=2) + "\n"


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
        console.print(Text(f"{sites['unresolved']} SDK calls take parameters the analysis cannot follow (see --explain-unresolved)."))
    _print_baseline(console, run)


def _print_baseline(console: Console, run: RunResult) -> None:
    if run.baselined or run.fixed_since_baseline:
        console.print(
            Text(f"Baseline: {run.baselined} known findings not shown; {len(run.fixed_since_baseline)} baseline entries fixed since.")
        )
    for entry in run.fixed_since_baseline:
        console.print(Text(f"  fixed: {entry['path']} {entry['code']} {mask(entry.get('message', ''))}", style="green"))


def render_unresolved(run: RunResult, console: Console) -> None:
    """The calls whose `**kwargs` could not be followed: for a person to review."""
    for result in run.files:
        for line, column, method in result.unresolved:
            console.print(Text(f"{result.path}:{line}:{column}: {method}() takes parameters the analysis cannot follow (**kwargs from a parameter, another module or a call)"))


def render_text(run: RunResult, console: Console) -> None:
    """ruff-style: `path:line:col: CODE message`, a code frame, a help line, then the totals."""
    for outcome in run.fixes:
        if outcome.changed:
            codes = ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(outcome.fixed_codes.items()))
            todos = f"; {outcome.todos} TODO comments added" if outcome.todos else ""
            console.print(Text(f"Fixed {_count(sum(outcome.fixed_codes.values()), 'finding')} in {outcome.path}: {codes}{todos}", style="green"))
    if any(outcome.changed for outcome in run.fixes):
        console.print()
    for result in run.files:
        for finding in result.findings:
            _print_finding(console, finding, result.frame_lines.get(finding.frame_key))
    for result in run.errors:
        console.print(Text(f"{result.path}: {mask(result.error)}", style="bold red"))
    _print_summary(console, run)


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


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_summary(console: Console, run: RunResult) -> None:
    counts = summary(run)
    if run.fixes:
        changed = [outcome for outcome in run.fixes if outcome.changed]
        total = sum(sum(outcome.fixed_codes.values()) for outcome in changed)
        console.print(Text(f"Fixed {_count(total, 'finding')} in {_count(len(changed), 'file')}.", style="bold green"))
    _print_baseline(console, run)
    if run.errors:  # a file that could not be checked has not passed
        console.print(Text(f"Could not check {len(run.errors)} of {_count(counts['files_checked'], 'file')}.", style="bold red"))
    if not counts["findings"]:
        if not run.errors:
            console.print(Text(f"All checks passed ({_count(counts['files_checked'], 'file')} checked).", style="bold green"))
        return
    severities = ", ".join(f"{n} {name}" for name, n in counts["by_severity"].items() if n)
    console.print(
        Text(
            f"Found {_count(counts['findings'], 'finding')} in {counts['files_with_findings']} of "
            f"{_count(counts['files_checked'], 'file')} checked ({severities}).",
            style="bold",
        )
    )
    names = {f.code: f.name for f in run.findings}
    for code, n in counts["by_code"].items():
        console.print(Text(f"{n:>5}  {code}  {names[code]}"))
    fixable = counts["fixable"]
    if fixable["safe"] or fixable["unsafe"]:
        console.print(Text(f"[*] {fixable['safe']} with a safe fix, {fixable['unsafe']} more with an unsafe fix."))

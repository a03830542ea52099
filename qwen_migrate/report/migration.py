"""The one-shot migration report (`--format html` and `--format markdown`): per file, its SDK call
sites, the findings a fix run fixed and those that remain by code, what needs a person (a finding
without a fix: the TODO that `fix --add-todo` writes, fixer.todo_comment) and an estimate of the manual work.

Its numbers per file are those the JSON report carries (`files`, `fixed`, `findings`). This module
shapes them into one document (headings, paragraphs, tables, lists of text and inline code), which
html.py and markdown.py write, each escaping every text in its own way.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Union

from qwen_migrate import __version__
from qwen_migrate.fixer import todo_comment

from qwen_migrate.finding import Finding, FixSafety, Severity
from qwen_migrate.masking import mask
from qwen_migrate.report.run import RunResult, code_counts, counted

# The estimate's model, in minutes of a person's work (README: "Migration report"). A finding
# without a fix needs the code changed by hand: longer for an error (DashScope rejects the request:
# a feature to rebuild, such as structured output) than for a warning (the call runs but behaves
# differently: a behaviour to check). An unsafe fix is a change to review before applying it with
# --unsafe-fixes. A safe fix is `qwen-migrate fix`'s work, and info is advice: no minutes.
MINUTES_WITHOUT_FIX = {Severity.ERROR: 30, Severity.WARNING: 15, Severity.INFO: 0}
MINUTES_UNSAFE_FIX = 5


@dataclass
class FileProgress:
    """One file's share of the migration."""

    path: str
    call_sites: int = 0
    clean_call_sites: int = 0
    fixed: Counter = field(default_factory=Counter)  # fix runs: the codes of the findings fixed
    todos: int = 0  # fix runs: the TODO comments written
    remaining: Counter = field(default_factory=Counter)  # the codes of the findings left
    needs_person: list[Finding] = field(default_factory=list)  # no fix, and more than advice
    unsafe_fixes: list[Finding] = field(default_factory=list)  # left for review
    safe_fixes: int = 0  # left for `qwen-migrate fix`
    error: Optional[str] = None  # the file could not be checked (masked)

    @property
    def minutes(self) -> int:
        return sum(MINUTES_WITHOUT_FIX[f.severity] for f in self.needs_person) + MINUTES_UNSAFE_FIX * len(self.unsafe_fixes)

    @property
    def worth_a_row(self) -> bool:
        return bool(self.call_sites or self.fixed or self.remaining or self.error)


@dataclass
class Migration:
    fix_run: bool
    files: list[FileProgress]  # every file checked, in the run's order

    @property
    def shown(self) -> list[FileProgress]:
        """The files with SDK calls, fixes, findings or an error: the others have nothing to say."""
        return [file for file in self.files if file.worth_a_row]

    def total(self, name: str) -> int:
        return sum(getattr(file, name) for file in self.files)

    def counted(self, name: str) -> Counter:
        return sum((getattr(file, name) for file in self.files), Counter())

    @property
    def progress(self) -> str:
        sites, clean = self.total("call_sites"), self.total("clean_call_sites")
        return f"{clean} of {sites} ({100.0 * clean / sites if sites else 100.0:.0f}%)"


def migration(run: RunResult) -> Migration:
    fixes = {outcome.path: outcome for outcome in run.fixes}
    files = []
    for result in run.files:
        progress = FileProgress(result.path, result.call_sites, result.clean_call_sites, error=mask(result.error) if result.error else None)
        outcome = fixes.get(result.path)
        if outcome is not None and outcome.changed:
            progress.fixed, progress.todos = Counter(outcome.fixed_codes), outcome.todos
        for finding in result.findings:
            progress.remaining[finding.code] += 1
            if finding.fix is None:
                if finding.severity is not Severity.INFO:
                    progress.needs_person.append(finding)
            elif finding.fix.safety is FixSafety.UNSAFE:
                progress.unsafe_fixes.append(finding)
            else:
                progress.safe_fixes += 1
        files.append(progress)
    return Migration(bool(run.fixes), files)


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def where(finding: Finding) -> str:
    cell = f"cell {finding.cell}:line " if finding.cell is not None else ""
    return f"{finding.path}:{cell}{finding.line}:{finding.column}"


class Code(str):
    """Text shown as code: a path, a place, a TODO line."""


Spans = tuple[Union[str, Code], ...]


class Heading(NamedTuple):
    level: int
    spans: Spans


class Paragraph(NamedTuple):
    spans: Spans


class Table(NamedTuple):
    header: tuple[str, ...]
    numeric: tuple[bool, ...]  # which columns hold numbers (aligned right)
    rows: list[tuple[Spans, ...]]


class Items(NamedTuple):
    items: list[Spans]


Block = Union[Heading, Paragraph, Table, Items]


def document(run: RunResult) -> list[Block]:
    """The report, block by block."""
    report = migration(run)
    shown = report.shown
    blocks: list[Block] = [
        Heading(1, ("qwen-migrate migration report",)),
        Paragraph((f"qwen-migrate {__version__}, {'fix' if report.fix_run else 'check'} run: {counted(len(report.files), 'file')} checked.",)),
        _summary(report),
        Heading(2, ("Files",)),
    ]
    if shown:
        rows = [
            (
                (Code(file.path),),
                (str(file.call_sites),),
                (str(file.clean_call_sites),),
                (code_counts(file.fixed) or "–",),
                ("could not be checked" if file.error else code_counts(file.remaining) or "none",),
                (str(len(file.needs_person)),),
                (duration(file.minutes),),
            )
            for file in shown
        ]
        header = ("File", "SDK call sites", "Without findings", "Fixed", "Remaining", "Needs a person", "Estimate")
        blocks.append(Table(header, (False, True, True, False, False, True, True), rows))
    quiet = len(report.files) - len(shown)
    if quiet or not shown:
        blocks.append(Paragraph((f"{counted(quiet, 'other file')} checked: no SDK calls, no findings.",)))
    people = [file for file in shown if file.needs_person]
    if people:
        blocks += [
            Heading(2, ("What needs a person",)),
            Paragraph(("Findings without a fix, with the TODO that ", Code("qwen-migrate fix --add-todo"), " writes above each:")),
        ]
        for file in people:
            blocks += [
                Heading(3, (Code(file.path),)),
                Items([(Code(where(f)), f" ({f.severity.value}): ", Code(todo_comment(f))) for f in file.needs_person]),
            ]
    unsafe = [finding for file in shown for finding in file.unsafe_fixes]
    if unsafe:
        blocks += [
            Heading(2, ("Unsafe fixes to review",)),
            Paragraph((
                "Applied by ", Code("qwen-migrate fix --unsafe-fixes"), " once a person agrees; until then ",
                Code("qwen-migrate fix --add-todo"), " writes a TODO above each:",
            )),
            Items([(Code(where(f)), f" {f.code}: {mask(f.fix.description)}; ", Code(todo_comment(f))) for f in unsafe]),
        ]
    errors = [file for file in shown if file.error]
    if errors:
        blocks += [Heading(2, ("Files that could not be checked",)), Items([(Code(file.path), f": {file.error}") for file in errors])]
    blocks += [Heading(2, ("How the estimate is made",)), Paragraph((ESTIMATE_MODEL,))]
    return blocks


def _summary(report: Migration) -> Table:
    rows = [("SDK call sites without findings", report.progress)]
    fixed = report.counted("fixed")
    if report.fix_run:
        rows += [("Findings fixed", f"{sum(fixed.values())} ({code_counts(fixed) or 'none'})"), ("TODO comments written", str(report.total("todos")))]
    remaining = report.counted("remaining")
    rows += [
        ("Findings remaining", f"{sum(remaining.values())} ({code_counts(remaining) or 'none'})"),
        ("With a safe fix, for qwen-migrate fix", str(report.total("safe_fixes"))),
        ("With an unsafe fix to review", str(sum(len(file.unsafe_fixes) for file in report.files))),
        ("Needing a person (no fix)", str(sum(len(file.needs_person) for file in report.files))),
        ("Files that could not be checked", str(sum(1 for file in report.files if file.error))),
        ("Estimated manual work", duration(report.total("minutes"))),
    ]
    return Table(("Summary", ""), (False, False), [((name,), (value,)) for name, value in rows])


ESTIMATE_MODEL = (
    f"{MINUTES_WITHOUT_FIX[Severity.ERROR]} min for each error and {MINUTES_WITHOUT_FIX[Severity.WARNING]} min "
    f"for each warning that has no fix (the code is changed by hand), {MINUTES_UNSAFE_FIX} min to review each unsafe fix; "
    "safe fixes (qwen-migrate fix applies them) and advice (info) count nothing."
)

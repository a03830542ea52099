"""What a run found, as every report reads it: the results per file, the fixes made, the baseline's
share, and the counts that the summaries of the reports share."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional

import libcst as cst

from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding, FixSafety, Severity

# A file analysed again, by its path in the report: its parsed module (None when it is not parsed)
# and its findings with their edits, which name nodes of that module.
Reanalysis = Callable[[str], tuple[Optional[cst.Module], list[Finding]]]


@dataclass
class RunResult:
    files: list[FileResult]
    fixes: list = field(default_factory=list)  # fix runs: a FixOutcome per file
    baselined: int = 0  # findings a baseline accounts for, not reported
    fixed_since_baseline: list = field(default_factory=list)  # baseline entries no longer found
    # check runs: the fixes' edits for a report that shows them (SARIF). Findings come back from
    # worker processes without them, since they name nodes of a syntax tree that stays there.
    reanalyse: Optional[Reanalysis] = None

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


def counted(number: int, noun: str) -> str:
    """`1 file`, `2 files`: how every report and summary counts."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def code_counts(counts: Counter) -> str:
    """`QW208 ×2, QW210`: how the reports list the codes fixed or found."""
    return ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(counts.items()))

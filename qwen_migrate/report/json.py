"""The JSON report (qwen_migrate/report-schema.json): every finding, unresolved call and error,
each file's SDK call sites, and the run's summary; secrets masked."""
from __future__ import annotations

import json

from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding
from qwen_migrate.masking import mask
from qwen_migrate.report.run import RunResult, summary

# Bumped when a field changes meaning or disappears; new fields may appear within a version.
JSON_REPORT_VERSION = 1


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


def file_to_json(result: FileResult) -> dict:
    """A file's share of the run, which a migration report reads its progress from."""
    return {
        "path": result.path,
        "call_sites": {"total": result.call_sites, "without_findings": result.clean_call_sites, "unresolved": len(result.unresolved)},
        "findings": len(result.findings),
    }


def render_json(run: RunResult) -> str:
    document = {
        "version": JSON_REPORT_VERSION,
        "findings": [finding_to_json(f) for f in run.findings],
        "unresolved": [
            {"path": r.path, "line": line, "column": column, "method": method} for r in run.files for line, column, method in r.unresolved
        ]
        + [
            {"path": r.path, "line": line, "column": column, "method": method, "parameter": parameter}
            for r in run.files
            for line, column, method, parameter in r.some_paths
        ],
        "errors": [{"path": r.path, "message": mask(r.error)} for r in run.errors],
        "files": [file_to_json(r) for r in run.files],
        "summary": summary(run),
    }
    if run.fixes:
        document["fixed"] = [
            {"path": outcome.path, "codes": dict(sorted(outcome.fixed_codes.items())), "todos": outcome.todos}
            for outcome in run.fixes
            if outcome.changed
        ]
    return json.dumps(document, indent=2) + "\n"


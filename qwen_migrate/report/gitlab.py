"""GitLab Code Quality: a JSON array of issues, one per finding and per file that could not be
checked; secrets masked.

The fields are those GitLab documents for a custom tool's report
(https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format): `description`,
`check_name`, `fingerprint` (unique in the report: GitLab shows one issue per fingerprint),
`severity` (one of info, minor, major, critical, blocker), `location.path` (relative to the
repository's root) and `location.lines.begin`.
"""
from __future__ import annotations

import json
from collections import Counter

from qwen_migrate.finding import Severity
from qwen_migrate.fingerprint import anchored_path, fingerprint
from qwen_migrate.masking import mask
from qwen_migrate.report.run import RunResult

# error: DashScope rejects the request; warning: the call runs but behaves differently, which a
# migration must not let through either; info: advice. A file that could not be checked blocks the
# whole report's verdict on it.
SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
NOT_CHECKED = "blocker"
NOT_CHECKED_NAME = "file-not-checked"


def render_gitlab(run: RunResult) -> str:
    issues = []
    for finding in run.findings:
        line = finding.line if finding.file_lines is None else finding.file_lines[0]  # a notebook's line of JSON text
        issues.append(_issue(f"{finding.code} {mask(finding.message)}", finding.code, finding.fingerprint, SEVERITIES[finding.severity], finding.path, line))
    for result in run.errors:
        issues.append(_issue(mask(result.error), NOT_CHECKED_NAME, fingerprint(NOT_CHECKED_NAME, result.path, ""), NOT_CHECKED, result.path, 1))
    # Two identical calls in a file share a finding's fingerprint (baselines count them): the
    # second and later ones are told apart by their order in the file, which line moves keep.
    seen = Counter()
    for issue in issues:
        known = issue["fingerprint"]
        seen[known] += 1
        if seen[known] > 1:
            issue["fingerprint"] = f"{known}-{seen[known]}"
    return json.dumps(issues, indent=2) + "\n"


def _issue(description: str, check_name: str, issue_fingerprint: str, severity: str, path: str, line: int) -> dict:
    return {
        "description": description,
        "check_name": check_name,
        "fingerprint": issue_fingerprint,
        "severity": severity,
        "location": {"path": anchored_path(path), "lines": {"begin": line}},
    }

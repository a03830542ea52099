"""Baselines: today's findings recorded, so that CI fails only on new ones.

A finding is known by its code, its path and the fingerprint of the offending call (not its line),
counted: a second identical call in the same file is a new finding. Paths are relative to the
repository's root (qwen_migrate.fingerprint.anchored_path), so a baseline written at the root is read
the same from a subdirectory or by a CI job that runs elsewhere. The file is committed, so the
messages it records have their secrets masked; fingerprints are hashes.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qwen_migrate.finding import Finding
from qwen_migrate.fingerprint import anchored_path
from qwen_migrate.masking import mask

if TYPE_CHECKING:
    from qwen_migrate.report.run import RunResult

BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written: one line, exit code 2."""


def entry_key(entry: dict) -> tuple[str, str, str]:
    return entry["path"], entry["code"], entry["fingerprint"]


def key_of(finding: Finding) -> tuple[str, str, str]:
    """What a baseline entry records of a finding."""
    return anchored_path(finding.path), finding.code, finding.fingerprint


def keys(baseline: list[dict]) -> frozenset[tuple[str, str, str]]:
    """The findings a baseline records, without their counts: for the runtime guard, which reports
    each call site's finding once however many requests send it."""
    return frozenset(map(entry_key, baseline))


def entries_of(findings: list[Finding]) -> list[dict]:
    return sorted(
        ({"path": anchored_path(f.path), "code": f.code, "fingerprint": f.fingerprint, "message": mask(f.message)} for f in findings),
        key=lambda entry: (*entry_key(entry), entry["message"]),
    )


def write(path: Path, findings: list[Finding]) -> None:
    """Sorted, indented JSON with one entry per finding: it diffs well in review."""
    document = {"version": BASELINE_VERSION, "findings": entries_of(findings)}
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:  # a missing folder is not created, as with --output-file
        raise BaselineError(f"{path}: {error.strerror}") from None


def read(path: Path) -> list[dict]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: not a baseline file ({error})") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: not a version {BASELINE_VERSION} baseline file")
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and {"path", "code", "fingerprint"} <= set(e) for e in entries):
        raise BaselineError(f"{path}: every entry needs path, code and fingerprint")
    return entries


@dataclass
class Comparison:
    new: list[Finding]  # not in the baseline: reported, and they fail the run
    known: int  # findings the baseline accounts for
    gone: list[dict]  # baseline entries no longer found: fixed since


def compare(findings: list[Finding], baseline: list[dict]) -> Comparison:
    remaining = Counter(entry_key(entry) for entry in baseline)
    new, known = [], 0
    for finding in findings:  # in file order: of two identical calls, the later one is the new one
        key = key_of(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            known += 1
        else:
            new.append(finding)
    gone = [entry for entry in baseline if _take(remaining, entry_key(entry))]
    return Comparison(new, known, gone)


def _take(counter: Counter, key) -> bool:
    if counter[key] > 0:
        counter[key] -= 1
        return True
    return False


def leave_out_known(run: "RunResult", baseline: list[dict]) -> None:
    """Keeps in the run only the findings `baseline` (read from a baseline file) does not record,
    and counts the others, and the entries no longer found."""
    comparison = compare(run.findings, baseline)
    new = set(map(id, comparison.new))
    for result in run.files:
        result.findings = [f for f in result.findings if id(f) in new]
    run.baselined, run.fixed_since_baseline = comparison.known, comparison.gone

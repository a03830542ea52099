"""SARIF 2.1.0: one reportingDescriptor per rule, and each fix as a SARIF fix with its replacements.

Secrets are masked in what the results quote (qwen_migrate.masking).
"""
from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import Optional

import libcst as cst

from qwen_migrate import __version__
from qwen_migrate.edits import apply_edits
from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding, FixSafety, Severity
from qwen_migrate.masking import mask
from qwen_migrate.report.run import Reanalysis, RunResult
from qwen_migrate.rules import all_rules

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "qwenMigrate/v1"


def _descriptor(rule) -> dict:
    """The rule as code scanning shows it: its documentation (`help.markdown` where markdown is
    rendered, `help.text` elsewhere), a link to it (`helpUri`) and tags to filter by (SARIF 2.1.0
    §3.49 reportingDescriptor; GitHub reads `help.markdown` and `properties.tags`:
    https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning)."""
    sections = dict(rule.sections())
    documentation = rule.documentation()
    tags = [rule.group(), rule.severity.value] + (["fixable"] if rule.fix_safety is not FixSafety.NONE else [])
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": " ".join(sections["What it does"].split())},
        "help": {"text": plain_text(documentation), "markdown": documentation},
        "helpUri": rule.help_uri(),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"fix": rule.fix_safety.value, "spec": rule.spec, "tags": tags},
    }


_INLINE_MARKUP = re.compile(r"`([^`]*)`|\*\*([^*]*)\*\*|\[([^\]]*)\]\(([^)]*)\)")


def plain_text(markdown: str) -> str:
    """The rule's documentation for a reader that shows text as it is: headings without their
    `#`, code blocks indented by four spaces without their fences, inline code and bold without
    their marks (which may span lines), a link as its text and its address."""
    blocks, lines, in_code = [], [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            text = "\n".join(lines)
            blocks.append(text if in_code else _INLINE_MARKUP.sub(_unmarked, text).strip("\n"))
            lines, in_code = [], not in_code
        elif in_code:
            lines.append(f"    {line}" if line else "")
        else:
            heading = line.lstrip("#")
            lines.append(heading.strip() if heading != line and heading.startswith(" ") else line)
    blocks.append(_INLINE_MARKUP.sub(_unmarked, "\n".join(lines)).strip("\n"))
    return "\n\n".join(block for block in blocks if block) + "\n"


def _unmarked(match: re.Match) -> str:
    code, bold, link_text, address = match.groups()
    return code if code is not None else bold if bold is not None else f"{link_text} ({address})"


def _location(finding: Finding) -> dict:
    if finding.file_lines is None:
        region = {"startLine": finding.line, "startColumn": finding.column, "endLine": finding.end_line, "endColumn": finding.end_column}
    else:  # a notebook's lines of JSON text; a column in the cell is none of theirs
        region = {"startLine": finding.file_lines[0], "endLine": finding.file_lines[1]}
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    }


def _fixes(finding: Finding, replacements) -> list:
    # A fix is given exactly or not at all: one whose text holds a secret cannot be printed as it is.
    if finding.fix is None or not replacements or any(mask(text) != text for _, _, text in replacements):
        return []
    return [
        {
            "description": {"text": f"{mask(finding.fix.description)} ({finding.fix.safety.value} fix)"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {"deletedRegion": {"charOffset": offset, "charLength": length}, "insertedContent": {"text": text}}
                        for offset, length, text in replacements
                    ],
                }
            ],
        }
    ]


def _replacements(file: FileResult, reanalyse: Optional[Reanalysis]) -> dict[Finding, list[tuple[int, int, str]]]:
    """Each fixable finding's text replacements. The edits of a fix name nodes of the syntax tree
    the file was checked in, gone with the worker process that checked it: the file is analysed
    again, which only the files with a fix pay, and only for this report."""
    if reanalyse is None or not any(finding.fix is not None for finding in file.findings):
        return {}
    module, findings = reanalyse(file.path)
    return {} if module is None else fix_replacements(module, findings)


def fix_replacements(module: cst.Module, findings: list[Finding]) -> dict[Finding, list[tuple[int, int, str]]]:
    """What each finding's fix does to the text, on its own, by character offset: of each block of
    lines it changes, the characters between what the block keeps at either end (so that a
    replacement does not carry the rest of its lines, such as a key on the same line)."""
    before = module.code.splitlines(keepends=True)
    starts = [0]
    for line in before:
        starts.append(starts[-1] + len(line))
    replacements = {}
    for finding in findings:
        if finding.fix is None or not finding.fix.edits:
            continue
        after = apply_edits(module, finding.fix.edits).code.splitlines(keepends=True)
        changes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
        replacements[finding] = [
            _replacement(starts[i1], "".join(before[i1:i2]), "".join(after[j1:j2]))
            for tag, i1, i2, j1, j2 in changes
            if tag != "equal"
        ]
    return replacements


def _replacement(offset: int, old: str, new: str) -> tuple[int, int, str]:
    """(offset, length, new text) of the change from `old`, at `offset`, to `new`, without the text both share at either end."""
    head = len(os.path.commonprefix([old, new]))
    tail = len(os.path.commonprefix([old[head:][::-1], new[head:][::-1]]))
    return offset + head, len(old) - head - tail, new[head : len(new) - tail]


def render_sarif(run: RunResult) -> str:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for file in run.files:
        replacements = _replacements(file, run.reanalyse)
        for finding in file.findings:
            result = {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": LEVELS[finding.severity],
                "message": {"text": mask(finding.message)},
                "locations": [_location(finding)],
                "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
            }
            if finding.cell is not None:  # where in the cell: line and column count within it
                result["properties"] = {"cell": finding.cell, "line": finding.line, "column": finding.column}
            if finding.related is not None and finding.file_lines is None:  # a notebook's is placed in its cell only
                line, column = finding.related
                result["relatedLocations"] = [
                    {
                        "id": 1,
                        "message": {"text": "the call that sends this parameter"},
                        "physicalLocation": {
                            "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": line, "startColumn": column},
                        },
                    }
                ]
            fixes = _fixes(finding, replacements.get(finding))
            if fixes:
                result["fixes"] = fixes
            results.append(result)
    notifications = [
        {"level": "error", "message": {"text": f"{file.path}: {mask(file.error)}"}} for file in run.errors
    ]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "qwen-migrate", "version": __version__, "rules": [_descriptor(r) for r in rules]}},
                "invocations": [{"executionSuccessful": not run.errors, "toolExecutionNotifications": notifications}],
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"

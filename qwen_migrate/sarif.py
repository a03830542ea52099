"""SARIF 2.1.0: one reportingDescriptor per rule, and each fix as a SARIF fix with its replacements.

Secrets are masked in what the results quote (qwen_migrate.masking).
"""
from __future__ import annotations

import json
from pathlib import Path

from qwen_migrate import __version__
from qwen_migrate.finding import Finding, Severity
from qwen_migrate.masking import mask
from qwen_migrate.report import RunResult
from qwen_migrate.rules import all_rules

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "qwenMigrate/v1"


def _descriptor(rule) -> dict:
    sections = dict(rule.sections())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": " ".join(sections["What it does"].split())},
        "help": {"text": rule.documentation(), "markdown": rule.documentation()},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"fix": rule.fix_safety.value, "spec": rule.spec},
    }


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


def render_sarif(run: RunResult) -> str:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for file in run.files:
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
            fixes = _fixes(finding, file.replacements.get(finding))
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

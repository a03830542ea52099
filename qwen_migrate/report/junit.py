"""JUnit XML, as ruff writes it: a `<testsuite>` per file with findings, a failing `<testcase>` per
finding (named `qwen-migrate.CODE`, its classname the file's path without its suffix, its line and
column as attributes), and one passing test case when nothing was found; a file that could not be
checked is a test case with an `<error>`. Secrets masked.

The layout is ruff's (`--output-format junit`: crates/ruff_db/src/diagnostic/render/junit.rs in
ruff's repository), whose `line` and `column` attributes CI servers pass over; `file` on each test
case is what GitLab's unit test reports link (https://docs.gitlab.com/ci/testing/unit_test_reports/).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

from qwen_migrate.finding import Finding
from qwen_migrate.masking import mask
from qwen_migrate.report.markup import carried
from qwen_migrate.report.run import RunResult

TOOL = "qwen-migrate"


def render_junit(run: RunResult) -> str:
    from xml.etree import ElementTree  # here, for start-up: only this report writes XML

    findings, errors = defaultdict(list), {result.path: result.error for result in run.errors}
    for finding in run.findings:
        findings[finding.path].append(finding)
    root = ElementTree.Element("testsuites", name=TOOL, tests="0", failures="0", errors="0")
    for path in sorted(findings.keys() | errors.keys()):
        suite = ElementTree.SubElement(root, "testsuite", name=carried(path), tests="0", failures="0", errors="0", package=TOOL)
        for finding in findings[path]:
            case = _case(suite, f"{TOOL}.{finding.code}", path, line=str(finding.line), column=str(finding.column))
            message = carried(mask(finding.message))
            failure = ElementTree.SubElement(case, "failure", message=message, type=finding.code)
            failure.text = f"{_where(finding)}, {message}"
        if path in errors:
            case = _case(suite, f"{TOOL}.error", path)
            message = carried(mask(errors[path]))
            ElementTree.SubElement(case, "error", message=message).text = message
        _count(suite, len(findings[path]), int(path in errors))
    if not len(root):  # nothing found: one test that passed, so that the CI shows a green run
        suite = ElementTree.SubElement(root, "testsuite", name=TOOL, tests="0", failures="0", errors="0", package=TOOL)
        ElementTree.SubElement(suite, "testcase", name="No findings", classname=TOOL)
        _count(suite, 0, 0)
    _count(root, sum(len(found) for found in findings.values()), len(errors))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _case(suite, name: str, path: str, **where: str):
    from xml.etree import ElementTree

    classname = PurePosixPath(path).with_suffix("").as_posix()  # as ruff's: the path without its suffix
    return ElementTree.SubElement(suite, "testcase", name=name, classname=carried(classname), file=carried(path), **where)


def _where(finding: Finding) -> str:
    cell = f"cell {finding.cell}, " if finding.cell is not None else ""
    return f"{cell}line {finding.line}, col {finding.column}"


def _count(element, failures: int, errors: int) -> None:
    """The counts of a suite, or of all of them: the test cases below it, failed or in error."""
    element.set("tests", str(len(element.findall(".//testcase"))))
    element.set("failures", str(failures))
    element.set("errors", str(errors))

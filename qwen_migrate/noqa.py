"""`--add-noqa`: a `# noqa: CODE` comment for every finding, merged with one already there.

The comment goes where the suppression machinery reads it: at the end of the finding's line, or,
when that line cannot end with a comment, of the line its statement continues to.
"""
from __future__ import annotations

import re
from collections import defaultdict

from qwen_migrate.finding import Finding
from qwen_migrate.suppressions import line_ends

# Lines as Python counts them (str.splitlines also breaks at form feeds and other separators).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_NOQA_CODES = re.compile(r"(#\s*noqa\s*:\s*)([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)


def add_noqa(text: str, findings: list[Finding]) -> tuple[str, int, list[Finding]]:
    """The text with the findings' codes in noqa comments, how many lines changed, and the
    findings that no comment could be placed for (the text does not tokenize)."""
    ends = line_ends(text)
    if ends is None:
        return text, 0, list(findings)
    comments, standing_for = ends
    codes_by_line: dict[int, list[str]] = defaultdict(list)
    for finding in findings:
        codes = codes_by_line[standing_for.get(finding.line, finding.line)]
        if finding.code not in codes:
            codes.append(finding.code)
    lines = _LINE.findall(text)
    for number, codes in codes_by_line.items():
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        comment = comments.get(number)
        if comment is not None and _NOQA_CODES.search(comment.string):
            match = _NOQA_CODES.search(comment.string)
            present = re.split(r"[\s,]+", match.group(2).strip())
            merged = ", ".join(present + [c for c in codes if c not in present])
            new_comment = comment.string[: match.start(2)] + merged + comment.string[match.end(2) :]
            body = body[: comment.start[1]] + new_comment + body[comment.end[1] :]
        else:
            body = f"{body}  # noqa: {', '.join(codes)}"
        lines[number - 1] = body + ending
    return "".join(lines), len(codes_by_line), []

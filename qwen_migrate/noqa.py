"""`--add-noqa`: a `# noqa: CODE` comment on every line with findings, merged with one already there."""
from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict

from qwen_migrate.finding import Finding

_NOQA_CODES = re.compile(r"(#\s*noqa\s*:\s*)([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)


def _line_ends(text: str) -> tuple[dict[int, tokenize.TokenInfo], set[int]]:
    """The comment on each line, and the lines whose end lies inside a multi-line string."""
    comments, in_string = {}, set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token
        elif token.type == tokenize.STRING and token.end[0] > token.start[0]:
            in_string.update(range(token.start[0], token.end[0]))
    return comments, in_string


def add_noqa(text: str, findings: list[Finding]) -> tuple[str, int]:
    """The text with the findings' codes in a noqa comment on their lines, and how many lines changed."""
    codes_by_line: dict[int, list[str]] = defaultdict(list)
    for finding in findings:
        if finding.code not in codes_by_line[finding.line]:
            codes_by_line[finding.line].append(finding.code)
    comments, in_string = _line_ends(text)
    lines = text.splitlines(keepends=True)
    changed = 0
    for number, codes in codes_by_line.items():
        if number in in_string or number > len(lines):
            continue  # a comment there would become part of the string
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
        changed += 1
    return "".join(lines), changed

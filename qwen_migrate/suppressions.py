"""Suppression comments: `# noqa: QW208, E501` and `# qwen-migrate: ignore[QW208]`, read, taken
out (QW002's fix) and added (`--add-noqa`) by one grammar.

A bare `# noqa` does not silence qwen-migrate's codes; codes of other tools are left alone. A line
that cannot end with a comment (it ends inside a multi-line string, or with a backslash) is
suppressed by the comment that ends its statement's next line that can, as in ruff.
"""
from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from typing import Optional

import libcst as cst

from qwen_migrate.analysis.walk import walk
from qwen_migrate.finding import Finding

_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*qwen-migrate\s*:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
_CODE_SEPARATOR = re.compile(r"[\s,]+")
# Lines as Python counts them (str.splitlines also breaks at form feeds and other separators).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# What a comment starting at each "#" would hold: the rest of its line, as the tokenizer reads one.
_COMMENT_FROM_EACH_HASH = re.compile(r"(?=(?P<comment>#[^\r\n]*))")


def might_suppress(data: bytes) -> bool:
    """Whether the file (one that LibCST parsed) may hold a comment that suppresses one of our
    codes: some "#" that starts, up to the end of its line, a text in which `codes_in` finds one.
    A file without (with only `# noqa: E501`, or a bare `# noqa`) needs no walk for its comments.
    A "#" inside a string counts too: which ones start comments is for the walk to say."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)  # as LibCST decodes it
    text = data.decode(encoding)
    if not (_NOQA.search(text) or _IGNORE.search(text)):  # most files hold no directive at all: one fast search
        return False
    return any(codes_in(match.group("comment")) for match in _COMMENT_FROM_EACH_HASH.finditer(text))


def codes_in(comment: str) -> list[str]:
    """Our codes that a comment suppresses."""
    return [
        code.upper()
        for pattern in (_NOQA, _IGNORE)
        for match in pattern.finditer(comment)
        for code in _CODE_SEPARATOR.split(match.group("codes").strip())
        if code.upper().startswith("QW")
    ]


def without_codes(comment: str, codes: list[str]) -> Optional[str]:
    """The comment with `codes` taken out of its directives; None when nothing is left of it."""
    unwanted = {code.upper() for code in codes}

    def rewrite(match: re.Match) -> str:
        kept = [c for c in _CODE_SEPARATOR.split(match.group("codes").strip()) if c and c.upper() not in unwanted]
        if not kept:
            return ""
        start, end = match.span("codes")
        relative_start, relative_end = start - match.start(), end - match.start()
        text = match.group(0)
        return text[:relative_start] + ", ".join(kept) + text[relative_end:]

    for pattern in (_NOQA, _IGNORE):
        comment = pattern.sub(rewrite, comment)
    comment = re.sub(r"\s{2,}#", "  #", comment).strip()
    comment = re.sub(r"^#\s*(?=#)", "", comment).strip()  # "# # reason" left by a removed first directive
    return comment if comment not in ("", "#") else None


def line_ends(text: str) -> Optional[tuple[dict[int, tokenize.TokenInfo], dict[int, int]]]:
    """The comment that ends each line, and for each line that cannot end with one, the line whose
    comment stands for it; None when the text does not tokenize.

    Only a line that a newline token closes can end with a comment: one that ends inside a string
    (or an f-string) or with a backslash continues on the next line, and so on.
    """
    comments, closed = {}, set()
    lines = io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"))  # tokenize splits at "\n" only
    try:
        for token in tokenize.generate_tokens(lines.readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token
            elif token.type in (tokenize.NEWLINE, tokenize.NL):
                closed.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        return None
    continued, standing_for = [], {}
    for line in range(1, max(closed, default=0) + 1):
        if line in closed:
            standing_for.update((earlier, line) for earlier in continued)
            continued = []
        else:
            continued.append(line)
    return comments, standing_for


class _CommentCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.comments: list[tuple[cst.Comment, list[str]]] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        codes = codes_in(node.value)
        if codes:
            self.comments.append((node, codes))


def suppression_comments(module: cst.Module) -> list[tuple[cst.Comment, list[str]]]:
    collector = _CommentCollector()
    walk(module, collector)
    return collector.comments


def add_noqa(text: str, findings: list[Finding]) -> tuple[str, int, list[Finding]]:
    """The text with a `# noqa: CODE` comment for every finding, merged with one already there, how
    many lines changed, and the findings that no comment could be placed for (the text does not
    tokenize). The comment goes where `line_ends` reads it: at the end of the finding's line, or,
    when that line cannot end with a comment, of the line its statement continues to."""
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
        directive = _NOQA.search(comment.string) if comment is not None else None
        if directive is not None:
            present = _CODE_SEPARATOR.split(directive.group("codes").strip())
            merged = ", ".join(present + [c for c in codes if c not in present])
            new_comment = comment.string[: directive.start("codes")] + merged + comment.string[directive.end("codes") :]
            body = body[: comment.start[1]] + new_comment + body[comment.end[1] :]
        else:
            body = f"{body}  # noqa: {', '.join(codes)}"
        lines[number - 1] = body + ending
    return "".join(lines), len(codes_by_line), []

"""Suppression comments: `# noqa: QW208, E501` and `# qwen-migrate: ignore[QW208]`.

A bare `# noqa` does not silence qwen-migrate's codes; codes of other tools are left alone.
"""
from __future__ import annotations

import re
from typing import Optional

import libcst as cst

_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*qwen-migrate\s*:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
_CODE_SEPARATOR = re.compile(r"[\s,]+")


def might_suppress(data: bytes) -> bool:
    """A cheap test before looking for suppression comments in the tree."""
    return b"noqa" in data.lower() or b"qwen-migrate" in data


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


class _CommentCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.comments: list[tuple[cst.Comment, list[str]]] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        codes = codes_in(node.value)
        if codes:
            self.comments.append((node, codes))


def suppression_comments(module: cst.Module) -> list[tuple[cst.Comment, list[str]]]:
    collector = _CommentCollector()
    module.visit(collector)
    return collector.comments

"""The migration report (report.migration) in Markdown: for a pull request, an issue or a wiki page.
Every text is escaped (backslashes before the characters Markdown reads; code fenced by more
backticks than it holds; characters no text should hold written as `\\xNN`), so that no message
adds markup; secrets masked by report.migration."""
from __future__ import annotations

import re

from qwen_migrate.report.markup import carried
from qwen_migrate.report.migration import Code, Heading, Paragraph, Spans, Table, document
from qwen_migrate.report.run import RunResult

_MARKUP = re.compile(r"([\\`*_\[\]<>|&#!~])")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")  # a block or a table row is one line


def render_markdown(run: RunResult) -> str:
    lines = []
    for block in document(run):
        if isinstance(block, Heading):
            lines.append(f"{'#' * block.level} {_spans(block.spans)}")
        elif isinstance(block, Paragraph):
            lines.append(_spans(block.spans))
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(block.header) + " |")
            lines.append("|" + "|".join("---:" if numeric else "---" for numeric in block.numeric) + "|")
            lines += ["| " + " | ".join(_spans(cell, in_table=True) for cell in row) + " |" for row in block.rows]
        else:
            lines += [f"- {_spans(item)}" for item in block.items]
        lines.append("")
    return "\n".join(lines)


def _spans(spans: Spans, in_table: bool = False) -> str:
    return "".join(_code(carried(span), in_table) if isinstance(span, Code) else _MARKUP.sub(r"\\\1", _LINE_BREAK.sub(" ", carried(span))) for span in spans)


def _code(text: str, in_table: bool) -> str:
    """Inline code fenced by more backticks than `text` holds in a row; in a table, its pipes escaped
    (GitHub's tables split cells at a pipe even in code)."""
    text = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return fence + (padded.replace("|", "\\|") if in_table else padded) + fence

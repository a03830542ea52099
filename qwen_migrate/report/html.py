"""The migration report (report.migration) as one self-contained HTML file: its styles inline, no
script, no other file to fetch. Every text is escaped (html.escape, and characters HTML cannot
carry written as `\\xNN`); secrets masked by report.migration."""
from __future__ import annotations

from html import escape

from qwen_migrate.report.markup import carried
from qwen_migrate.report.migration import Code, Heading, Paragraph, Spans, Table, document
from qwen_migrate.report.run import RunResult

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1, h2, h3 { line-height: 1.25; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 13px ui-monospace, monospace; background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px; overflow-wrap: anywhere; }
li { margin: .3rem 0; }
"""


def render_html(run: RunResult) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>qwen-migrate migration report</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
    ]
    for block in document(run):
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{_spans(block.spans)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{_spans(block.spans)}</p>")
        elif isinstance(block, Table):
            parts.append("<table>")
            parts.append("<thead><tr>" + "".join(f"<th>{escape(name)}</th>" for name in block.header) + "</tr></thead>")
            parts.append("<tbody>")
            for row in block.rows:
                cells = "".join(
                    f'<td class="number">{_spans(cell)}</td>' if numeric else f"<td>{_spans(cell)}</td>"
                    for cell, numeric in zip(row, block.numeric)
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody>")
            parts.append("</table>")
        else:
            parts.append("<ul>")
            parts += [f"<li>{_spans(item)}</li>" for item in block.items]
            parts.append("</ul>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _spans(spans: Spans) -> str:
    return "".join(f"<code>{_text(span)}</code>" if isinstance(span, Code) else _text(span) for span in spans)


def _text(text: str) -> str:
    return escape(carried(text))

"""Jupyter notebooks: their code cells checked and fixed as one module, the file edited in place.

The code cells are joined, in order, into one Python module, each opened by a marker comment, so
that imports and clients of earlier cells are known in later ones. IPython magics and shell escapes
(`%pip install openai`, `!curl ...`, `%%bash` cells) are not Python: they stand in the module as
marker comments too, and are put back as they were. Findings are placed by cell and line. A fix
rewrites the `source` of the cells it changed and nothing else of the file: outputs, metadata, ids,
key order, indentation and the final newline stay byte for byte.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Union

from qwen_migrate.engine import Checker, FileResult, unanalysable
from qwen_migrate.fixer import Fixer, FixError, FixOutcome, write_file

CELL_MARKER = "# qwen-migrate: cell {}"
MAGIC_MARKER = "# qwen-migrate: magic {}"
_MARKER = re.compile(r"^# qwen-migrate: (cell|magic) (\d+)$")
_MAGIC = re.compile(r"^\s*(%|!|\?)|^\s*\w+\s*=\s*[%!]|\?\s*$")


class NotebookError(Exception):
    """The file is not a notebook qwen-migrate can read."""


@dataclass
class Cell:
    number: int  # counts every cell from 1, as Jupyter shows them
    source: str
    span: tuple[int, int]  # where the cell's "source" value stands in the file's text
    as_list: bool  # source written as a list of lines (nbformat's usual form)


def code_cells(text: str) -> list[Cell]:
    """The notebook's code cells, with where each one's source stands in the text."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise NotebookError("no cells")
    spans = _source_spans(text)
    if len(spans) != len(document["cells"]):
        raise NotebookError("cells could not be located in the file")
    cells = []
    for number, (cell, span) in enumerate(zip(document["cells"], spans), 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and span is not None:
            source = cell.get("source", "")
            as_list = isinstance(source, list) and all(isinstance(line, str) for line in source)
            if not as_list and not isinstance(source, str):
                raise NotebookError(f"cell {number}: source is not text")
            cells.append(Cell(number, "".join(source) if as_list else source, span, as_list))
    return cells


@dataclass
class Joined:
    """The code cells as one module, and how to take it apart again."""

    text: str
    magics: dict[int, str]
    line_map: list[tuple[int, int]]  # module line (from 1) -> (cell number, line in the cell)


def join(cells: list[Cell]) -> Joined:
    lines, magics, line_map = [], {}, []
    # Cell lines keep their "\r": marker lines end as the cells' first line does, as LibCST writes
    # the lines it inserts with the module's first line ending.
    carriage_return = _carriage_return(cells)
    for cell in cells:
        lines.append(CELL_MARKER.format(cell.number) + carriage_return)
        line_map.append((cell.number, 0))
        cell_lines = cell.source.split("\n")
        whole_cell_magic = bool(cell_lines) and cell_lines[0].lstrip().startswith("%%")
        for index, line in enumerate(cell_lines, 1):
            if whole_cell_magic or _MAGIC.search(line):
                magics[len(magics) + 1] = line
                line = MAGIC_MARKER.format(len(magics)) + carriage_return
            lines.append(line)
            line_map.append((cell.number, index))
    return Joined("\n".join(lines) + "\n", magics, line_map)


def _carriage_return(cells: list[Cell]) -> str:
    """"\r" when the cells' first line ending is CRLF."""
    for cell in cells:
        end = cell.source.find("\n")
        if end >= 0:
            return "\r" if cell.source[:end].endswith("\r") else ""
    return ""


def split(module_text: str, joined: Joined) -> dict[int, str]:
    """Cell number -> source, from a (fixed) module made by `join`."""
    sources: dict[int, list[str]] = {}
    current = None
    for line in module_text.removesuffix("\n").split("\n"):  # the newline `join` ends the module with
        marker = _MARKER.match(line.strip())
        if marker and marker.group(1) == "cell":
            current = int(marker.group(2))
            sources[current] = []
        elif current is not None:
            sources[current].append(joined.magics[int(marker.group(2))] if marker else line)
    return {number: "\n".join(lines) for number, lines in sources.items()}


def place(finding, joined: Joined):
    """A finding of the joined module, placed by cell and line."""
    last = len(joined.line_map)
    cell, line = joined.line_map[min(max(finding.line, 1), last) - 1]  # a syntax error may point past the end
    end_cell, end_line = joined.line_map[min(max(finding.end_line, 1), last) - 1]
    related = None
    if finding.related is not None:
        related_cell, related_line = joined.line_map[finding.related[0] - 1]
        related = (related_line, finding.related[1]) if related_cell == cell else None
    return replace(finding, line=max(line, 1), end_line=max(end_line, 1) if end_cell == cell else max(line, 1), cell=cell, related=related)


def file_lines(text: str, cell: Cell) -> list[int]:
    """For each line of the cell's source, the line of the notebook's text where it stands. A JSON
    string stays on one line of the text, so a source written as one string stands on one line."""
    start, end = cell.span
    first = text.count("\n", 0, start) + 1
    if not cell.as_list:
        return [first] * (cell.source.count("\n") + 1)
    lines, line_open, i = [], False, _skip(text, start + 1)
    while i < end and text[i] == '"':
        element, after = json.decoder.scanstring(text, i + 1)
        at = first + text.count("\n", start, i)
        if not line_open:  # a source line starts with this element
            lines.append(at)
        lines += [at] * element[:-1].count("\n")  # lines that start inside the element
        line_open = not element.endswith("\n")
        i = _skip(text, after)
        i = _skip(text, i + 1) if text[i] == "," else i
    if not line_open:  # the source ends with a newline: its last, empty line stands where the list closes
        lines.append(text.count("\n", 0, end - 1) + 1)
    return lines


def rewrite(text: str, cells: list[Cell], sources: dict[int, str]) -> str:
    """The notebook's text with the sources of changed cells replaced, and every other byte kept."""
    pieces, position = [], 0
    for cell in cells:
        new = sources.get(cell.number)
        if new is None or new == cell.source:
            continue
        start, end = cell.span
        pieces += [text[position:start], _render(new, cell, text[start:end], text)]
        position = end
    return "".join(pieces) + text[position:]


def _render(source: str, cell: Cell, original: str, text: str) -> str:
    ascii_only = "\\u" in text and not any(ord(c) > 127 for c in text)
    if not cell.as_list:
        return json.dumps(source, ensure_ascii=ascii_only)
    lines = source.splitlines(keepends=True)
    match = re.match(r"\[(\s*)", original)
    opening = match.group(1) if match else ""
    closing = re.search(r"(\s*)\]$", original).group(1)
    if not lines:
        return "[]"
    if "\n" not in opening:  # a list on one line
        return "[" + ", ".join(json.dumps(line, ensure_ascii=ascii_only) for line in lines) + "]"
    separator = "," + opening
    return "[" + opening + separator.join(json.dumps(line, ensure_ascii=ascii_only) for line in lines) + closing + "]"


def notebook_result(path: Path, display: str, checker: Checker, fixer: Optional[Fixer], write: bool) -> Union[FileResult, FixOutcome]:
    """A notebook's findings, or its FixOutcome when fixing it; the error, when it cannot be read or
    fixed, in a FileResult."""
    return _reported(lambda: fix_notebook(path, display, fixer, write) if fixer else check_notebook(path.read_bytes(), display, checker), display, fixer)


def notebook_source_result(data: bytes, display: str, checker: Checker, fixer: Optional[Fixer]) -> Union[FileResult, FixOutcome]:
    """notebook_result, of a notebook's bytes (standard input, named by --stdin-filename): nothing is written."""
    return _reported(lambda: fix_notebook_source(data, display, fixer) if fixer else check_notebook(data, display, checker), display, fixer)


def _reported(run: Callable[[], Union[FileResult, FixOutcome]], display: str, fixer: Optional[Fixer]) -> Union[FileResult, FixOutcome]:
    """What `run` made of a notebook, or the error that stopped it, in a FileResult."""
    try:
        return run()
    except (NotebookError, FixError, OSError) as error:
        return FileResult(display, error=str(error))
    except UnicodeDecodeError:
        return FileResult(display, error="not UTF-8, as a notebook must be")
    except Exception as error:  # the notebook stays as it was, the other files go on
        return unanalysable(display, error, "; nothing was written" if fixer else "")


def check_notebook(data: bytes, display: str, checker: Checker) -> FileResult:
    """A notebook's code cells, checked as one module; findings placed by cell and line."""
    text = data.decode("utf-8")
    cells = code_cells(text)
    joined = join(cells)
    return _placed(checker.check_source(joined.text.encode("utf-8"), display), joined, cells, text)


def _placed(result: FileResult, joined: Joined, cells: list, text: str) -> FileResult:
    """The findings of the joined module placed by cell and line, and on the lines of the notebook's text."""
    lines_in_file = {cell.number: file_lines(text, cell) for cell in cells}
    findings = [place(finding, joined) for finding in result.findings]
    findings = [
        replace(f, file_lines=(lines_in_file[f.cell][f.line - 1], lines_in_file[f.cell][f.end_line - 1]))
        for f in findings
    ]
    sources = {cell.number: cell.source.split("\n") for cell in cells}
    frames = {f.frame_key: sources[f.cell][f.line - 1] for f in findings if 0 < f.line <= len(sources[f.cell])}
    return FileResult(result.path, findings, frames, result.call_sites, result.clean_call_sites, error=result.error)


def fix_notebook(path: Path, display: str, fixer: Fixer, write: bool) -> FixOutcome:
    """Fix a notebook's code cells; only the `source` of the cells that change is rewritten."""
    outcome = fix_notebook_source(path.read_bytes(), display, fixer)
    if write and outcome.changed:
        write_file(path, outcome.fixed)
    return outcome


def fix_notebook_source(data: bytes, display: str, fixer: Fixer) -> FixOutcome:
    """fix_notebook, of a notebook's bytes: nothing is written."""
    text = data.decode("utf-8")
    cells = code_cells(text)
    joined = join(cells)
    fixed = fixer.fix_source(joined.text.encode("utf-8"), display)
    new_text = rewrite(text, cells, split(fixed.fixed.decode("utf-8"), joined)) if fixed.changed else text
    outcome = FixOutcome(display, data, new_text.encode("utf-8"), fixed.fixed_codes, todos=fixed.todos)
    new_cells = code_cells(new_text)
    new_joined = join(new_cells)
    # The fixer's last analysis is of this very module, unless taking it apart and joining it
    # again changed a byte: then the notebook as written is analysed afresh.
    remaining = fixed.remaining if new_joined.text.encode("utf-8") == fixed.fixed else fixer.checker.check_source(new_joined.text.encode("utf-8"), display)
    outcome.remaining = _placed(remaining, new_joined, new_cells, new_text)
    return outcome


# ---- where each cell's "source" stands: a small scanner over the JSON text ----------------------


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _value_end(text: str, i: int) -> int:
    """The end of the JSON value that starts at `i`."""
    i = _skip(text, i)
    if text[i] == '"':
        return json.decoder.scanstring(text, i + 1)[1]
    if text[i] in "[{":
        depth, i = 0, i
        while True:
            char = text[i]
            if char == '"':
                i = json.decoder.scanstring(text, i + 1)[1]
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
    match = re.compile(r"-?[0-9.eE+-]+|true|false|null").match(text, i)
    return match.end()


def _members(text: str, i: int):
    """(key, value start, value end) of the object that starts at `i`."""
    i = _skip(text, i) + 1
    while True:
        i = _skip(text, i)
        if text[i] == "}":
            return
        key, i = json.decoder.scanstring(text, i + 1)
        i = _skip(text, i) + 1  # the colon
        start = _skip(text, i)
        end = _value_end(text, start)
        yield key, start, end
        i = _skip(text, end)
        if text[i] == ",":
            i += 1


def _source_spans(text: str) -> list[Optional[tuple[int, int]]]:
    for key, start, end in _members(text, 0):
        if key == "cells":
            spans, i = [], _skip(text, start + 1)
            while text[i] != "]":
                cell_end = _value_end(text, i)
                spans.append(next(((s, e) for k, s, e in _members(text, i) if k == "source"), None))
                i = _skip(text, cell_end)
                if text[i] == ",":
                    i = _skip(text, i + 1)
            return spans
    return []

"""Parsing a file with LibCST, after CPython's own parse has judged that LibCST can safely take it.

LibCST's native parser recurses on the machine stack: on some very deep expressions that CPython
compiles (`x = 1+1+…` with 8,000 terms, a 16 KB file) it overflows the stack and kills the
process, and a very large file costs it minutes and gigabytes (a 1 MB module: 10 s and 0.5 GB;
a 20 MB generated one: 353 s and 15 GB). So every file is first read by CPython's parser, which
is fast and fails cleanly: a file it rejects is QW001 (parse-error); a file larger than the size
limit, or nested deeper than MAX_DEPTH, is QW003 (file-not-analysed) and never reaches LibCST.

MAX_DEPTH was measured with LibCST 1.9 on CPython 3.11 and an 8 MB stack: LibCST died at 6,950
chained `+`, 7,020 chained `and` (one level each in LibCST, a flat BoolOp in CPython's tree, so
counted per operand here), 8,260 `elif`s, and 1,280 nested parentheses (CPython refuses more than
200). 1,000 keeps a margin of seven; and deeper files are lost anyway, as the analysis walks the
tree in Python and hits the recursion limit at a few hundred levels.
"""
from __future__ import annotations

import ast
import io
import itertools
import sys
import tokenize
from typing import Optional

import libcst as cst

MAX_DEPTH = 1000
DEFAULT_MAX_FILE_SIZE = 1_000_000  # bytes; about 10 s and 0.5 GB of LibCST for hand-written code


class NotParsed(Exception):
    """A file that was not given to LibCST, or that LibCST refused: the finding that says why."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column


def parse_module(data: bytes, max_file_size: int) -> tuple[cst.Module, ast.Module]:
    """The file's LibCST tree, and CPython's, which judged it first; NotParsed when that judgement
    or LibCST itself refuses it."""
    tree = judge(data, max_file_size)
    try:
        return cst.parse_module(data), tree
    except cst.ParserSyntaxError as error:  # valid Python, as CPython said: LibCST cannot take it
        raise NotParsed("QW003", f"Not analysed: the parser does not take it: {error.message}", error.editor_line, error.editor_column) from None


def judge(data: bytes, max_file_size: int) -> ast.Module:
    """CPython's tree of the file; NotParsed for a file LibCST must not see: too large (QW003),
    rejected by CPython (QW001), or nested deeper than LibCST survives (QW003)."""
    if len(data) > max_file_size:
        raise NotParsed("QW003", f"Not analysed: {len(data):,} bytes, more than the size limit of {max_file_size:,} (max-file-size)")
    try:
        tree = compile(data, "<file>", "exec", ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        raise NotParsed("QW001", f"SyntaxError: {error.msg}{_needs_newer_python(data)}", error.lineno or 1, error.offset or 1) from None
    except (RecursionError, MemoryError):
        raise NotParsed("QW003", "Not analysed: nested deeper than Python's own parser takes") from None
    except (ValueError, UnicodeError) as error:  # NUL bytes, bad encoding
        raise NotParsed("QW001", f"Cannot parse: {error}") from None
    depth = nesting_depth(tree, data)
    if depth > MAX_DEPTH:
        raise NotParsed("QW003", f"Not analysed: nested {depth:,} levels deep, more than the parser safely takes ({MAX_DEPTH:,})")
    return tree


def nesting_depth(tree: ast.AST, data: bytes) -> int:
    """How deep LibCST's tree of this module goes, from CPython's: the deepest node, where each
    operand of `a and b and …` is a level of its own (LibCST nests them two by two). Exact when
    it is deeper than MAX_DEPTH; below that, only that it is not.

    A node whose lines are too short to hold MAX_DEPTH levels under it is not walked into: each level
    of nesting takes a character of the source at least, but for a few that take none (a name's
    Load, an operator, the `arguments` of a function), which SOURCELESS_LEVELS allows for. Most of a
    module is never walked, and the judgement costs a fraction of what a walk of every node did."""
    line_ends = [0, *itertools.accumulate(map(len, data.splitlines(keepends=True)))]
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        end = getattr(node, "end_lineno", None)
        if end is not None and depth + _span(line_ends, node.lineno, end, len(data)) + SOURCELESS_LEVELS <= MAX_DEPTH:
            continue
        step = len(node.values) if isinstance(node, ast.BoolOp) else 1
        pending.extend((child, depth + step) for child in ast.iter_child_nodes(node))
    return deepest


SOURCELESS_LEVELS = 8


def _span(line_ends: list[int], first: int, last: int, size: int) -> int:
    """The bytes of lines `first` to `last` (from 1), which hold a node that starts and ends on them."""
    return (line_ends[last] if last < len(line_ends) else size) - line_ends[min(first, len(line_ends)) - 1]


def _needs_newer_python(data: bytes) -> str:
    """A note for a file CPython rejects that LibCST, which knows the newest grammar, parses: its
    syntax is a later Python's (`type X = int`, PEP 695 generics, PEP 701 f-strings). LibCST is
    tried only on files whose tokens bound their nesting well below what it survives; NUL bytes
    no Python takes."""
    bound = _token_nesting_bound(data)
    if b"\0" in data or bound is None or bound > MAX_DEPTH:
        return ""
    try:
        cst.parse_module(data)
    except Exception:  # invalid in every Python, as far as LibCST knows
        return ""
    return f" (this syntax needs a newer Python than {sys.version_info.major}.{sys.version_info.minor})"


def _token_nesting_bound(data: bytes) -> Optional[int]:
    """An upper bound of how deep any tree of this code can nest, from its tokens: the most tokens
    of one logical line, plus the `elif`s and the indentation levels; None when it does not tokenize."""
    longest = line = elifs = indents = deepest_indent = 0
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            line += 1
            if token.type == tokenize.NEWLINE:
                longest, line = max(longest, line), 0
            elif token.type == tokenize.INDENT:
                indents += 1
                deepest_indent = max(deepest_indent, indents)
            elif token.type == tokenize.DEDENT:
                indents -= 1
            elif token.type == tokenize.NAME and token.string == "elif":
                elifs += 1
    except (tokenize.TokenError, SyntaxError, UnicodeError):
        return None
    return max(longest, line) + elifs + deepest_indent

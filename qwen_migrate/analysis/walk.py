"""A read-only walk over a syntax tree, for visitors that only look.

`node.visit(visitor)` rebuilds every node from its visited children, even for a CSTVisitor that
changes nothing: on a large check that copy was the better part of the collector's walk. `walk`
makes the same calls to the visitor, in the same order, and builds nothing.
"""
from __future__ import annotations

import ast
import functools
import inspect
import sys
import textwrap

import libcst as cst


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """What `node.visit(visitor)` does for a CSTVisitor: `on_visit` of each node (so its
    `visit_<Node>`; False skips the node's children), its children in LibCST's order, then
    `on_leave`. The attribute hooks (`visit_<Node>_<field>`) are not called.

    It gives up where `node.visit` would, with a RecursionError: a tree deeper than LibCST's
    visitors follow is one that the steps after the analysis (the positions of findings, fixes)
    could not visit either.
    """
    _walk(node, visitor, (sys.getrecursionlimit() - _stack_depth()) // _LIBCST_FRAMES_PER_LEVEL)


# LibCST's visit of a child takes three frames: the child's `visit`, the parent's
# `_visit_and_replace_children` and the `visit_required` (`visit_optional`, ...) between them.
_LIBCST_FRAMES_PER_LEVEL = 3


def _walk(node: cst.CSTNode, visitor: cst.CSTVisitor, levels_left: int) -> None:
    if levels_left <= 0:
        raise RecursionError("nested deeper than LibCST's visitors follow")
    if visitor.on_visit(node):
        for field in child_fields(type(node)):
            value = getattr(node, field)
            if isinstance(value, (tuple, list)):  # a parsed tree's sequences; not isinstance(CSTNode), an ABC's slow test
                for child in value:
                    _walk(child, visitor, levels_left - 1)
            elif value is not None and value is not cst.MaybeSentinel.DEFAULT:
                _walk(value, visitor, levels_left - 1)
    visitor.on_leave(node)


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


@functools.cache
def child_fields(node_class: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields that hold a node class's children, in the order its `_visit_and_replace_children`
    visits them, which is not the order of its fields (an IfExp visits its body before its test,
    a Call its parentheses first).

    Read from that method's source, where each field is visited by a `visit_*(self, "<field>", …)`
    call: running the method on one node would not tell them all, as a field may be visited only
    when it is set (the format spec of an f-string's expression).
    """
    source = textwrap.dedent(inspect.getsource(node_class._visit_and_replace_children))
    visits = [
        call
        for call in ast.walk(ast.parse(source))
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id.startswith("visit_")
        and len(call.args) > 1
        and isinstance(call.args[1], ast.Constant)
    ]
    visits.sort(key=lambda call: (call.lineno, call.col_offset))
    return tuple(dict.fromkeys(call.args[1].value for call in visits))

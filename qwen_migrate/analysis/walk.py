"""A read-only walk over a syntax tree, for visitors that only look.

`node.visit(visitor)` rebuilds every node from its visited children, even for a CSTVisitor that
changes nothing: on a large check that copy was the better part of the collector's walk. `walk`
makes the same calls to the visitor, in the same order, and builds nothing.
"""
from __future__ import annotations

import ast
import functools
import textwrap
from typing import Iterator

import libcst as cst
from libcst._version import __version__ as libcst_version

from qwen_migrate.analysis.child_order import CHILD_FIELDS, LIBCST_VERSION


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """What `node.visit(visitor)` does for a CSTVisitor: `on_visit` of each node (so its
    `visit_<Node>`; False skips the node's children), its children in LibCST's order, then
    `on_leave`. The attribute hooks (`visit_<Node>_<field>`) are not called.

    It gives up where `node.visit` would, with a RecursionError: a tree deeper than LibCST's
    visitors follow is one that the steps after the analysis (the positions of findings, fixes)
    could not visit either.
    """
    _walk(node, _Hooks(visitor), (_calls_left() - _LIBCST_CALLS_AT_THE_ENDS) // _LIBCST_CALLS_PER_LEVEL)


# LibCST's visit of a child takes three nested calls: the child's `visit`, the parent's
# `_visit_and_replace_children` and the `visit_required` (`visit_optional`, ...) between them.
# A few more are taken at the ends: Module.visit hands the module on to CSTNode.visit, and the
# deepest node is rebuilt (its constructor validates it). Measured with LibCST 1.9 on chains of
# attributes, operators and calls: the walk then gives up at the depth `module.visit` does (a
# level off, at most, for a visitor whose own calls at the deepest node take more).
_LIBCST_CALLS_PER_LEVEL = 3
_LIBCST_CALLS_AT_THE_ENDS = 4


class _Hooks:
    """What the walk calls for each node class: the visitor's `visit_<Node>` and `leave_<Node>`,
    looked up once per class (CSTVisitor's own on_visit formats their names for every node), or
    the visitor's `on_visit` and `on_leave` when it has its own; and the class's child fields."""

    def __init__(self, visitor: cst.CSTVisitor) -> None:
        self.visitor = visitor
        kind = type(visitor)
        self.dispatches = kind.on_visit is cst.CSTVisitor.on_visit and kind.on_leave is cst.CSTVisitor.on_leave
        self.by_class: dict[type, tuple] = {}

    def learn(self, node_class: type) -> tuple:
        if self.dispatches:
            name = node_class.__name__
            visit, leave = getattr(self.visitor, f"visit_{name}", None), getattr(self.visitor, f"leave_{name}", None)
        else:
            visit, leave = self.visitor.on_visit, self.visitor.on_leave
        hooks = self.by_class[node_class] = (visit, leave, child_fields(node_class))
        return hooks


def _walk(node: cst.CSTNode, hooks: _Hooks, levels_left: int) -> None:
    if levels_left <= 0:
        raise RecursionError("nested deeper than LibCST's visitors follow")
    visit, leave, fields = hooks.by_class.get(type(node)) or hooks.learn(type(node))
    if visit is None or visit(node) is not False:  # False: not its children
        # children()'s loop, inline: a generator per node was a third of the walk's time
        for field in fields:
            value = getattr(node, field)
            if isinstance(value, (tuple, list)):  # a parsed tree's sequences; not isinstance(CSTNode), an ABC's slow test
                for child in value:
                    _walk(child, hooks, levels_left - 1)
            elif value is not None and value is not cst.MaybeSentinel.DEFAULT:
                _walk(value, hooks, levels_left - 1)
    if leave is not None:
        leave(node)


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node's children, in LibCST's order, read from its fields: nothing is built."""
    for field in child_fields(type(node)):
        value = getattr(node, field)
        if isinstance(value, (tuple, list)):
            yield from value
        elif value is not None and value is not cst.MaybeSentinel.DEFAULT:
            yield value


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node and every node under it (in no set order), read from their fields: nothing is built."""
    pending = [node]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(children(node))


def _calls_left() -> int:
    """How many more nested calls Python's recursion limit allows here, found by making them:
    CPython also counts calls made through C code, which leave no frame on the stack to count."""
    made = 0

    def deeper() -> None:
        nonlocal made
        made += 1
        deeper()

    try:
        deeper()
    except RecursionError:
        return made


@functools.cache
def child_fields(node_class: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields that hold a node class's children, in the order its `_visit_and_replace_children`
    visits them, which is not the order of its fields (an IfExp visits its body before its test,
    a Call its parentheses first): from child_order.py for the LibCST it was made for."""
    if LIBCST_VERSION == libcst_version and node_class.__module__.startswith("libcst.") and node_class.__name__ in CHILD_FIELDS:
        return CHILD_FIELDS[node_class.__name__]
    return fields_from_source(node_class)


def fields_from_source(node_class: type[cst.CSTNode]) -> tuple[str, ...]:
    """`child_fields`, read from the source of the class's `_visit_and_replace_children`, where each
    field is visited by a `visit_*(self, "<field>", …)` call: running the method on one node would not
    tell them all, as a field may be visited only when it is set (the format spec of an f-string's
    expression)."""
    import inspect  # here, for start-up: a run with the LibCST of child_order.py reads no source

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

"""The analysis's read-only walk makes a visitor's calls in LibCST's own order, as `module.visit` does."""
import sys
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from qwen_migrate.analysis.walk import walk

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Every 4th module of the standard library's top level, by name: some 40 files of every kind of syntax.
STDLIB_SAMPLE = sorted(STDLIB.glob("*.py"))[::4]


def parsed(path: Path):
    """The file's tree; None for a fixture that is not Python on purpose."""
    try:
        return cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        return None


class Recorder(cst.CSTVisitor):
    """Every visit and leave, with the node itself; children of a node it `skips` are not visited."""

    def __init__(self, skips: tuple[type, ...] = ()) -> None:
        self.events: list[tuple[str, cst.CSTNode]] = []
        self.skips = skips

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", node))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", original_node))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return not isinstance(node, self.skips)


def events(module: cst.Module, walker, skips: tuple[type, ...] = ()) -> list[tuple[str, str, int]]:
    recorder = Recorder(skips)
    walker(module, recorder)
    return [(event, type(node).__name__, id(node)) for event, node in recorder.events]


def assert_same_walk(module: cst.Module, skips: tuple[type, ...] = ()) -> None:
    expected = events(module, lambda module, visitor: module.visit(visitor), skips)
    assert events(module, walk, skips) == expected


@pytest.mark.parametrize(
    "path", [path for path in sorted(FIXTURES.rglob("*.py")) if parsed(path)], ids=lambda path: str(path.relative_to(FIXTURES))
)
def test_the_walk_follows_libcst_on_every_fixture(path):
    assert_same_walk(parsed(path))


@pytest.mark.parametrize("path", STDLIB_SAMPLE, ids=lambda path: path.name)
def test_the_walk_follows_libcst_on_the_standard_library(path):
    assert_same_walk(cst.parse_module(path.read_bytes()))


def test_the_sample_holds_some_forty_modules():
    assert 35 <= len(STDLIB_SAMPLE) <= 60


SHAPES = """\
@decorator(1)
@other
def f(a, /, b: int = 2, *args, c, d=3, **kwargs) -> "R":
    return (yield from g(a if b else c, *args, key=[x for x in y if x], **kwargs))

class C(Base, metaclass=M):
    x: int = 1
    async def m(self):
        async with a as (b, c), d:
            await e[1:2, ::3]
        async for i in j:
            pass

u = f"{plain}"
v = f"{a!r:>{width}} {b=} {{c}}" "tail" 'more'
w = lambda x, *, y=1: {**x, y: [*x, (1,)]} | {1, 2} if not x else -x ** 2
z = a < b <= c is not d not in e and f or g
try:
    import os.path as p, sys
    from . import (a as b, c)
    from x import *
except* (ValueError, TypeError) as error:
    raise X from error
else:
    global q
finally:
    del q[0], r.s
match command:
    case [1, *rest] | {"k": v, **kw} if rest:
        pass
    case Point(x=0, y=_) as p:
        pass
while x := next(it, None):
    assert x, "message"; continue
else:
    pass
"""


def test_the_walk_follows_libcst_on_every_kind_of_node():
    """Nodes whose fields are visited in another order than they are declared (IfExp, Call's
    parentheses, decorators, comprehensions), optional fields left out, MaybeSentinel commas, a
    format spec (a field visited only when set) and sequences."""
    assert_same_walk(cst.parse_module(SHAPES))


def test_a_visit_that_returns_false_skips_the_children_but_not_the_leave():
    module = cst.parse_module(SHAPES)
    assert_same_walk(module, skips=(cst.FunctionDef,))
    skipped = events(module, walk, skips=(cst.FunctionDef,))
    assert ("leave", "FunctionDef", id(module.body[0])) in skipped
    assert not any(name == "Decorator" for _, name, _ in skipped)


def deepest_chain(visit) -> int:
    """The longest `a.b.b…` that `visit` takes without a RecursionError."""
    low, high = 1, sys.getrecursionlimit()
    while low < high:
        middle = (low + high + 1) // 2
        try:
            visit(cst.parse_module("x = a" + ".b" * middle + "\n"))
            low = middle
        except RecursionError:
            high = middle - 1
    return low


def test_the_walk_gives_up_where_libcst_visit_does():
    """The steps after the analysis visit the tree with LibCST (positions, fixes): the walk must
    not take a tree they cannot, nor refuse one they can."""
    assert deepest_chain(lambda module: walk(module, cst.CSTVisitor())) == deepest_chain(lambda module: module.visit(cst.CSTVisitor()))


def _node_classes(cls=cst.CSTNode):
    for sub in cls.__subclasses__():
        yield sub
        yield from _node_classes(sub)


def test_the_stored_child_order_is_the_installed_libcsts():
    """child_order.py saves each run reading LibCST's source; it must say what that source says."""
    from libcst._version import __version__ as installed

    from qwen_migrate.analysis.child_order import CHILD_FIELDS, LIBCST_VERSION
    from qwen_migrate.analysis.walk import fields_from_source

    if installed != LIBCST_VERSION:
        pytest.skip(f"child_order.py was made for LibCST {LIBCST_VERSION}, {installed} is installed: walk.py reads the source")
    classes = {c.__name__: c for c in _node_classes() if c.__module__.startswith("libcst.") and "_visit_and_replace_children" in dir(c)}
    read = {name: fields_from_source(c) for name, c in classes.items() if not getattr(c, "__abstractmethods__", None)}
    assert CHILD_FIELDS == read

"""Findings placed statement by statement land where the whole-module pass puts them."""
import ast
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from qwen_migrate.engine import Positions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SOURCES = [p for p in sorted(FIXTURES.rglob("*.py")) if p.name != "broken.py" and p.read_bytes().strip()]

EDGES = {
    "decorators and header comments": b"# header\n\n@decorate\n@other(1)\ndef f():\n    return g(1)  # noqa: QW208\n\n\nclass C:\n    x = h(2)\n# footer\n",
    "crlf and semicolons": b"import os\r\na = f(1); b = g(2)\r\n\r\nif a:\r\n    c = h(3)\r\nelse:\r\n    c = k(4)\r\n",
    "continuation lines": b"x = (\n    1,\n    f(2),\n)\ny = \\\n    g(3)\n",
}


class _Nodes(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes = []

    def on_visit(self, node) -> bool:
        if isinstance(node, (cst.Call, cst.Arg, cst.SimpleString, cst.Comment, cst.Assign, cst.Integer, cst.Name)):
            self.nodes.append(node)
        return True


def assert_same_places(data: bytes) -> None:
    module = cst.parse_module(data)
    positions = Positions(module, ast.parse(data))
    whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    collector = _Nodes()
    module.visit(collector)
    assert collector.nodes
    for node in collector.nodes:
        assert positions[node] == whole[node], node


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(FIXTURES)) for p in SOURCES])
def test_fixture_files(path):
    assert_same_places(path.read_bytes())


@pytest.mark.parametrize("name", sorted(EDGES))
def test_edges(name):
    assert_same_places(EDGES[name])

"""The repository-wide pre-pass: which modules export clients and client factories, and what for.

Clients are often built in one module (`app/llm.py: client = OpenAI()`) and used in many others
(`from app.llm import client`). Before the files are checked, every module of the project that can
take part is read once: the ones that mention the SDK say what they export, and those and the ones
that may import an export say which APIs they call through it. The result, a ProjectIndex, lets
each module see imported clients, and lets the module that builds a client choose its base URL
from all of its uses. The index covers the whole project, whatever paths a run is given, so the
results do not depend on them, nor on their order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Optional

import libcst as cst

from qwen_migrate.analysis.collect import collect
from qwen_migrate.analysis.flow import resolve
from qwen_migrate.analysis.model import ModuleContext, Origin, ProjectIndex
from qwen_migrate.parsing import parse_module


def might_use_sdk(data: bytes) -> bool:
    """The prefilter: a file that never says "openai" (nor suppresses one of our codes) is not parsed."""
    return b"openai" in data or (b"QW" in data and (b"noqa" in data or b"qwen-migrate" in data))


def module_name(path: Path) -> tuple[str, bool]:
    """The dotted name a file is imported by, from the top of its package; and whether it is a package."""
    is_package = path.name == "__init__.py"
    parts = [] if is_package else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) or path.parent.name, is_package


def context_for(path: Path, index: Optional[ProjectIndex]) -> ModuleContext:
    name, is_package = module_name(path)
    return ModuleContext(name, is_package, index)


@dataclass
class FileIndex:
    """One file's part of the index."""

    path: Path
    exports: ProjectIndex = field(default_factory=ProjectIndex)
    uses: list[tuple[Origin, tuple[str, ...]]] = field(default_factory=list)


Parsed = dict[Path, tuple[bytes, cst.Module, object]]  # syntax trees and their walks, kept for the check


def index_file(path: Path, max_file_size: int, parsed: Optional[Parsed] = None) -> FileIndex:
    """Read one file for the index; a file that cannot be read, or safely parsed, adds nothing."""
    try:
        data = path.read_bytes()
        module = parse_module(data, max_file_size)
        context = context_for(path, None)
        collected = collect(module, context)
        resolved = resolve(module, context, collected)
    except Exception:  # reported, if at all, when the file itself is checked
        return FileIndex(path)
    if parsed is not None:
        parsed[path] = (data, module, collected)
    return FileIndex(path, resolved.exports, resolved.imported_uses)


class ImportTest:
    """A cheap test for files that may import from these modules: an import line that names one."""

    def __init__(self, exporters: set[str]) -> None:
        # A file name that is not UTF-8 keeps its bytes (os.fsdecode made them surrogates).
        self.names = sorted({module.rsplit(".", 1)[-1].encode("utf-8", "surrogateescape") for module in exporters})
        alternatives = b"|".join(re.escape(name) for name in self.names)
        self.pattern = re.compile(rb"^[ \t]*(?:from|import)[ \t][^\n]*\b(?:" + alternatives + rb")\b", re.MULTILINE)

    def __call__(self, data: bytes) -> bool:
        return any(name in data for name in self.names) and self.pattern.search(data) is not None


@dataclass
class Project:
    index: ProjectIndex
    files: frozenset[Path] = frozenset()  # every file the pre-pass read
    participants: frozenset[Path] = frozenset()  # of those, the ones that mention the SDK or may import a client
    parsed: Parsed = field(default_factory=dict)

    def takes_part(self, path: Path, data: Optional[bytes] = None) -> bool:
        """Whether the file is analysed: known from the pre-pass, or by the prefilter for other files."""
        if path in self.files:
            return path in self.participants
        return might_use_sdk(_read(path) if data is None else data)

    def parse(self, path: Optional[Path], data: bytes, max_file_size: int) -> tuple[cst.Module, object]:
        """The file's syntax tree, and its walk when the pre-pass made one of the same bytes."""
        kept = self.parsed.get(path)
        return (kept[1], kept[2]) if kept is not None and kept[0] == data else (parse_module(data, max_file_size), None)


MapFunction = Callable[[Callable, list], Iterable]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def build_project(files: list[Path], max_file_size: int, map_files: MapFunction = map) -> Project:
    """Index the project's files; `map_files` may run `index_file` in worker processes (then the
    syntax trees stay there, and the check parses again)."""
    mentions, others = [], []
    for path in files:
        (mentions if might_use_sdk(_read(path)) else others).append(path)
    parsed: Parsed = {}
    first = list(map_files(partial(index_file, max_file_size=max_file_size, parsed=parsed), mentions))
    index = ProjectIndex()
    for part in first:
        _merge(index, part.exports)
    exporters = {origin.module for origin in [*index.clients, *index.factories, *index.classes]}
    may_import = ImportTest(exporters) if exporters else None
    importers = [path for path in others if may_import is not None and may_import(_read(path))]
    second = list(map_files(partial(index_file, max_file_size=max_file_size, parsed=parsed), importers))
    for part in first + second:
        for origin, path in part.uses:
            use = _use(index, origin, [name for name in path if name != "()"])
            if use is not None:
                index.uses.setdefault(use[0], set()).add(use[1])
    return Project(index, frozenset(files), frozenset(mentions) | frozenset(importers), parsed)


def _use(index: ProjectIndex, origin: Origin, names: list[str]) -> Optional[tuple[Origin, str]]:
    """The export a use goes through, and its API: `client` + chat.completions.create, or
    `llm` (a module) + client.chat.completions.create."""
    if origin in index.clients or origin in index.factories:
        return origin, names[0]
    module = f"{origin.module}.{origin.name}"
    if module in index.modules and len(names) >= 3:
        return Origin(module, names[0]), names[1]
    return None


def _merge(index: ProjectIndex, exports: ProjectIndex) -> None:
    index.modules |= exports.modules
    index.clients.update(exports.clients)
    index.factories.update(exports.factories)
    index.classes.update(exports.classes)
    index.base_urls.update(exports.base_urls)

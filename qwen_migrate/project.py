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
from pathlib import Path
from typing import Callable, Iterable, Optional

import libcst as cst

from qwen_migrate.resolver import ModuleContext, Origin, ProjectIndex, resolve


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


def index_file(path: Path) -> FileIndex:
    """Read one file for the index; a file that cannot be read or parsed adds nothing."""
    try:
        module = cst.parse_module(path.read_bytes())
        resolved = resolve(module, context_for(path, None))
    except Exception:  # reported, if at all, when the file itself is checked
        return FileIndex(path)
    return FileIndex(path, resolved.exports, resolved.imported_uses)


def import_pattern(exporters: set[str]) -> re.Pattern:
    """A cheap test for files that may import from these modules: an import line that names one."""
    names = sorted({module.rsplit(".", 1)[-1] for module in exporters})
    return re.compile(rb"^[ \t]*(?:from|import)[ \t][^\n]*\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b", re.MULTILINE)


@dataclass
class Project:
    index: ProjectIndex
    importers: frozenset[Path]  # files that do not mention the SDK but may use a client of the project

    def takes_part(self, path: Path, data: bytes) -> bool:
        return might_use_sdk(data) or path in self.importers


MapFunction = Callable[[Callable, list], Iterable]


def build_project(files: list[Path], map_files: MapFunction = map) -> Project:
    """Index the project's files; `map_files` may run `index_file` in worker processes."""
    mentions, others = [], []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        (mentions if might_use_sdk(data) else others).append((path, data))
    first = list(map_files(index_file, [path for path, _ in mentions]))
    index = ProjectIndex()
    for part in first:
        _merge(index, part.exports)
    exporters = {origin.module for origin in [*index.clients, *index.factories, *index.classes]}
    pattern = import_pattern(exporters) if exporters else None
    importers = [path for path, data in others if pattern is not None and pattern.search(data)]
    second = list(map_files(index_file, importers))
    for part in first + second:
        for origin, path in part.uses:
            use = _use(index, origin, [name for name in path if name != "()"])
            if use is not None:
                index.uses.setdefault(use[0], set()).add(use[1])
    return Project(index, frozenset(importers))


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

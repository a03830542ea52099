"""The repository-wide pre-pass: what modules export to each other, and what for.

Clients are often built in one module (`app/llm.py: client = OpenAI()`) and used in many others
(`from app.llm import client`); so are client factories, client-typed classes, helpers whose
parameters take clients (`def run_query(c, q)`), and the constants and dicts of parameters that
SDK calls elsewhere take (`from config.llm import DEFAULT_MODEL`). Before the files are checked,
every module of the project that can take part is read once: the ones that mention the SDK say
what they export; those, the ones that may import an export (through re-exports too) and the ones
that define the values passed say which APIs they call through the exports, what their calls pass
to the helpers, and which values reach SDK calls. The result, a ProjectIndex, lets each module see
imported clients and values, a helper's parameters see the clients their callers pass, and the
module that builds a client choose its base URL from all of its uses. The index covers the whole
project, whatever paths a run is given, so the results do not depend on them, nor on their order.
"""
from __future__ import annotations

import functools
from collections import defaultdict
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Union

from qwen_migrate.analysis.flow import resolve
from qwen_migrate.facts import frameworks
from qwen_migrate.analysis.model import ModuleContext, Origin, ProjectIndex, ResolvedModule, ValueUse
from qwen_migrate.parsing import parse_module


_FRAMEWORK_WORDS = tuple(word.encode() for word in frameworks.WORDS)


def might_use_sdk(data: bytes) -> bool:
    """The prefilter: a file that never says "openai" nor names a framework that wraps the SDK (nor
    suppresses one of our codes) is not parsed."""
    return (
        b"openai" in data
        or any(word in data for word in _FRAMEWORK_WORDS)
        or (b"QW" in data and (b"noqa" in data or b"qwen-migrate" in data))
    )


@functools.lru_cache(maxsize=None)
def module_name(path: Path) -> tuple[str, bool]:
    """The dotted name a file is imported by, from the top of its package; and whether it is a
    package. A run asks it of a file several times (the cache's identity, the import test, the
    modules that define values), and forgets the answers when it starts, as package_of does."""
    is_package = path.name == "__init__.py"
    parts = [*package_of(path.parent)] + ([] if is_package else [path.stem])
    return ".".join(parts) or path.parent.name, is_package


@functools.lru_cache(maxsize=4096)
def package_of(directory: Path) -> tuple[str, ...]:
    """The dotted parts of the package a folder is, from its top ((): not a package). Each folder is
    asked once per run, not once per file in it: a run forgets the answers when it starts
    (runner.Run), as a folder may have become a package since."""
    if not (directory / "__init__.py").is_file():
        return ()
    return (*package_of(directory.parent), directory.name)


def context_for(path: Path, index: Optional[ProjectIndex]) -> ModuleContext:
    name, is_package = module_name(path)
    return ModuleContext(name, is_package, index)


@dataclass
class FileIndex:
    """One file's part of the index: what it exports, what it uses imported names for, and which
    imported names it followed."""

    path: Path
    exports: ProjectIndex = field(default_factory=ProjectIndex)
    uses: list[tuple[Origin, tuple[str, ...]]] = field(default_factory=list)
    asked: frozenset[Origin] = frozenset()
    value_uses: list[ValueUse] = field(default_factory=list)
    passed: list[tuple[Origin, tuple[tuple[str, Union[str, Origin]], ...]]] = field(default_factory=list)  # what its calls of imported names pass
    value_reads: frozenset[Origin] = frozenset()  # imported names it reads other than as SDK call parameters

    @classmethod
    def of(cls, path: Path, resolved: ResolvedModule) -> FileIndex:
        return cls(path, resolved.exports, resolved.imported_uses, resolved.asked, resolved.value_uses, resolved.passed, resolved.value_reads)

    def used_values(self) -> set[Origin]:
        """The imported names whose constants or dicts the file passes to SDK calls (perhaps of the project)."""
        return {use.value for use in self.value_uses if use.value is not None}

    def depends_on(self, index: ProjectIndex) -> bool:
        """Whether the file's analysis with `index` may differ from its analysis without one: other
        modules use a client it exports, or pass clients to a function it exports; or a name it
        imports is an export, or a module of the project (`from app import llm`) that holds one,
        itself or beneath it (`llm.client`, `llm.clients.client`). A module that holds none leads,
        with the index as without it, to nothing."""
        if any(index.uses.get(origin) for origin in [*self.exports.clients, *self.exports.factories]):
            return True
        if self.shares_values(index):
            return True
        if any(Origin(function.module, f"{function.name}.{name}") in index.arguments for function, names in self.exports.parameters.items() for name in names):
            return True
        if any(_exports_anything(index, origin) for origin in self.asked):
            return True
        modules = {f"{origin.module}.{origin.name}" for origin in self.asked} & index.modules
        return bool(modules) and any(exporter == module or exporter.startswith(module + ".") for module in modules for exporter in index.exported_names())

    def asks_anew(self, before: ProjectIndex, after: ProjectIndex) -> bool:
        """Whether a name the file imports is, in `after`, an export or a module of the index that
        it was not in `before` (a re-export found later than the file)."""
        return any(_knows(after, origin) and not _knows(before, origin) for origin in self.asked)

    def shares_values(self, index: ProjectIndex) -> bool:
        """Whether the file passes to SDK calls a constant or dict of another module the index
        knows, or other modules pass its own: findings about them move to the module that defines them."""
        if any(index.value_uses.get(origin) for origin in [*self.exports.constants, *self.exports.dicts]):
            return True
        return any(use.value in index.constants or use.value in index.dicts for use in self.value_uses)


def _knows(index: ProjectIndex, origin: Origin) -> bool:
    return _exports_anything(index, origin) or f"{origin.module}.{origin.name}" in index.modules

def index_file(path: Path, max_file_size: int) -> FileIndex:
    """Read one file for the index; a file that cannot be read, or safely parsed, adds nothing."""
    try:
        module, _ = parse_module(path.read_bytes(), max_file_size)
        return FileIndex.of(path, resolve(module, context_for(path, None)))
    except Exception:  # reported, if at all, when the file itself is checked
        return FileIndex(path)


# `from <dots><module> import <names>` (parenthesised or continued with backslashes) and
# `import <modules>`, wherever a statement may start; strings that look like imports only make a
# file a candidate for nothing worse than a parse.
_GAP = rb"(?:[ \t]|\\\r?\n)"  # a space, or a line continued with a backslash
_IMPORT = re.compile(
    rb"(?:^|;)[ \t]*(?:from" + _GAP + rb"*(?P<dots>\.*)" + _GAP + rb"*(?P<module>[\w.]*)" + _GAP + rb"+import" + _GAP
    + rb"*(?P<names>\([^)]*\)|(?:[^\n;#\\]|\\\r?\n)*)|import" + _GAP + rb"+(?P<modules>(?:[^\n;#\\]|\\\r?\n)+))",
    re.MULTILINE,
)
_NAME = re.compile(rb"[^\W\d][\w.]*")


class ImportTest:
    """Which files may import a client, a client factory, a client-typed class or a helper that
    takes clients from the modules that export them (or a constant or dict that SDK calls take,
    `values`: what else reads it decides whether fixes may change it): the file names an exporting
    module, in full or relative to its own package, and one of the names it exports (`from app.llm
    import client`, `from . import llm`, `import app.llm`). Matching a module by its last name alone
    pulled in every module that imports a `test` or a `server` of its own."""

    def __init__(self, index: ProjectIndex, values: Iterable[Origin] = ()) -> None:
        self.exported = index.exported_names()
        for value in values:  # constants and dicts SDK calls take: what else reads them matters to fixes
            self.exported.setdefault(value.module, set()).add(value.name)
        # A file that imports from an exporting module holds the bytes of one of the names it
        # exports, and of the module's own name (`from app.helpers import run`, `from .helpers
        # import run`, `from app import helpers`), unless it imports them relatively from inside
        # that package (`from . import run` in app/cli.py, for app/__init__.py's). A name alone
        # admitted nearly every file for a helper named `run`.
        self.words = [
            (module, module.rpartition(".")[2].encode("utf-8", "surrogateescape"), [name.encode("utf-8", "surrogateescape") for name in sorted(names)])
            for module, names in sorted(self.exported.items())
        ]
        # First of all, a file that imports from an exporting module names its top-level package, or
        # lies inside it: a few words, where the test above has one per exporting module.
        self.packages = {module.partition(".")[0] for module in self.exported}
        self.package_words = [package.encode("utf-8", "surrogateescape") for package in sorted(self.packages)]

    def __call__(self, path: Path, data: bytes) -> bool:
        package = ".".join(package_of(path.parent))
        if package.partition(".")[0] not in self.packages and not any(word in data for word in self.package_words):
            return False
        if not any(
            (own in data or package == module or package.startswith(module + ".")) and any(name in data for name in names)
            for module, own, names in self.words
        ):
            return False
        context = context_for(path, None)
        for match in _IMPORT.finditer(data):
            if match.group("modules") is not None:
                modules = [name.decode("utf-8", "surrogateescape") for name in _NAME.findall(match.group("modules"))]
                if any(self._names_an_exporter(module) for module in modules):
                    return True
                continue
            module = context.absolute(match.group("module").decode("utf-8", "surrogateescape") or None, len(match.group("dots")))
            names = {name.decode("utf-8", "surrogateescape") for name in _NAME.findall(match.group("names"))}
            if module is not None and (names & self.exported.get(module, set()) or any(f"{module}.{name}" in self.exported for name in names)):
                return True
        return False

    def _names_an_exporter(self, module: str) -> bool:
        """`import app.llm` or `import app`, for `app.llm.client` further on."""
        return any(exporter == module or exporter.startswith(module + ".") for exporter in self.exported)


@dataclass
class Project:
    """What a module's analysis needs to know of the project: the index, and which files take part."""

    index: Optional[ProjectIndex] = None  # None while the index is being built
    # files that do not mention the SDK but may import a client, or define a value passed to it
    participants: frozenset[Path] = frozenset()

    def takes_part(self, path: Path, data: bytes) -> bool:
        return path in self.participants or might_use_sdk(data)


def merged(exporters: list[FileIndex], importers: Iterable[FileIndex] = ()) -> ProjectIndex:
    """The project's index: the exports of the modules that mention the SDK, the names other
    modules re-export them by, then the uses of each export across the project."""
    index = ProjectIndex()
    for part in exporters:
        index.modules |= part.exports.modules
        index.clients.update(part.exports.clients)
        index.factories.update(part.exports.factories)
        index.classes.update(part.exports.classes)
        index.base_urls.update(part.exports.base_urls)
        index.parameters.update(part.exports.parameters)
        index.frameworks.update(part.exports.frameworks)
        for origin, values in part.exports.settings.items():
            index.settings.setdefault(origin, set()).update(values)
    importers = list(importers)
    _follow_reexports(index, [*exporters, *importers])
    for part in [*exporters, *importers]:
        for origin, path in part.uses:
            use = _use(index, origin, [name for name in path if name != "()"])
            if use is not None:
                index.uses.setdefault(use[0], set()).add(use[1])
    for part in [*exporters, *importers]:
        for function, passed in part.passed:
            function = index.reexports.get(function, function)
            if function in index.parameters:  # most calls of imported names are of no helper's
                _add_arguments(index, function, dict(passed))
    _add_values(index, [*exporters, *importers])  # after the arguments: values used through a parameter need them
    return index


def _follow_reexports(index: ProjectIndex, parts: list[FileIndex]) -> None:
    """Each name that stands for an export of another module, at any depth (`pkg.get_llm`, imported
    from `pkg.llms`, which imports it from `pkg.llms.factory`), becomes an export too, built where
    the export is; so does a function returning an exported client (a factory of its class). A
    chain that ends nowhere (a cycle, a name of another package) adds nothing. Each export is
    followed to the names that stand for it once (a package re-exports thousands of names of its
    own, most of them no client's)."""
    aliases: dict[Origin, list[Origin]] = defaultdict(list)  # by what a name re-exports
    accessors: dict[Origin, list[Origin]] = defaultdict(list)  # by the client a function returns
    for part in parts:
        for alias, target in part.exports.reexports.items():
            aliases[target].append(alias)
        for function, target in part.exports.accessors.items():
            accessors[target].append(function)
    pending = [origin for origin in [*index.clients, *index.factories, *index.classes, *index.parameters, *index.frameworks]]
    while pending:
        target = pending.pop()
        for alias in aliases.get(target, ()):
            if alias not in index.reexports:
                for exported in (index.clients, index.factories, index.classes, index.base_urls, index.parameters, index.frameworks):
                    if target in exported:
                        exported[alias] = exported[target]
                index.reexports[alias] = index.reexports.get(target) or index.accessors.get(target) or target
                pending.append(alias)
        for function in accessors.get(target, ()) if target in index.clients else ():
            if function not in index.accessors:
                index.factories[function] = index.clients[target]
                if target in index.base_urls:
                    index.base_urls[function] = index.base_urls[target]
                index.accessors[function] = index.reexports.get(target, target)
                pending.append(function)
    index.modules |= {origin.module for origin in [*index.reexports, *index.accessors]}


def _exports_anything(index: ProjectIndex, origin: Origin) -> bool:
    """Whether the name is a client, a factory, a class with client attributes, a function that
    takes clients or a framework object (or a function returning one), of the project."""
    return (
        origin in index.clients
        or origin in index.factories
        or origin in index.classes
        or origin in index.parameters
        or origin in index.frameworks
        or origin in index.settings
    )


def _add_values(index: ProjectIndex, parts: list[FileIndex]) -> None:
    """The constants and dicts that SDK calls of other modules take parameters from, with those uses."""
    not_openai = set()  # values passed to calls through a client of the project that may be another SDK's
    for part in parts:
        module = next(iter(part.exports.modules), None)
        for use in part.value_uses:
            if use.value is None:
                continue
            method, base_url = use.method, use.base_url
            if use.via is not None:  # a call on a client of the project: which one, and its base URL
                names = [name for name in use.via_path if name != "()"]
                through = _use(index, use.via, names)
                if through is None:
                    not_openai.add(use.value)
                    continue
                passed = index.arguments.get(through[0], set())
                if index.is_parameter(through[0]) and (not passed or "" in passed):
                    not_openai.add(use.value)
                    continue  # a caller passes another SDK's client, or what cannot be followed
                direct = use.via in index.clients or use.via in index.factories or index.is_parameter(use.via)
                method = ".".join(names if direct else names[1:])  # else `llm.client.chat...`: names[0] is the client
                base_url = index.base_urls.get(through[0])
            index.value_uses.setdefault(use.value, set()).add((method, use.parameter, module, use.call, base_url))
    for part in parts:
        for origin, code in part.exports.constants.items():
            if origin in index.value_uses:
                index.constants[origin] = code
        for origin, entries in part.exports.dicts.items():
            if origin in index.value_uses:
                index.dicts[origin] = entries
        if any(origin in index.value_uses for origin in [*part.exports.constants, *part.exports.dicts]):
            index.modules |= part.exports.modules  # `from config import llm` ... `llm.MODEL`
    index.value_uses = {origin: uses for origin, uses in index.value_uses.items() if origin in index.constants or origin in index.dicts}
    if index.value_uses:  # which of them other code reads too
        reads = {origin for part in parts for origin in part.value_reads} | not_openai
        index.shared = {origin for origin in index.value_uses if origin in reads or Origin(origin.module, "*") in reads}


def _add_arguments(index: ProjectIndex, function: Origin, passed: dict[str, Union[str, Origin]]) -> None:
    """What one call of a function of `index.parameters` passes to its parameters that SDK calls go
    through: a client class, or "" for anything else (what `passed` does not name: another value,
    the parameter's default, `*args`). A client of the project passed there is used for what is
    called through the parameter, for its base URL."""
    for position, name in enumerate(index.parameters.get(function, ())):
        parameter = Origin(function.module, f"{function.name}.{name}")
        if parameter not in index.uses:
            continue
        value = passed.get(name, passed.get(str(position), ""))
        if isinstance(value, Origin):
            if value in index.clients:
                index.uses.setdefault(_built_at(index, value), set()).update(index.uses[parameter])
            value = index.clients.get(value, "")
        index.arguments.setdefault(parameter, set()).add(value)


def _use(index: ProjectIndex, origin: Origin, names: list[str]) -> Optional[tuple[Origin, str]]:
    """The export a use goes through, and its API: `client` + chat.completions.create, or
    `llm` (a module) + client.chat.completions.create; a re-export's or an accessor's use is a use
    of the export it stands for."""
    if origin in index.clients or origin in index.factories or index.is_parameter(origin):
        return _built_at(index, origin), names[0]
    module = f"{origin.module}.{origin.name}"
    if module in index.modules and len(names) >= 3:
        return _use(index, Origin(module, names[0]), names[1:])
    return None


def _built_at(index: ProjectIndex, origin: Origin) -> Origin:
    """Where the client an export stands for is built: a re-export's or an accessor's is its export's."""
    return index.reexports.get(origin) or index.accessors.get(origin) or origin

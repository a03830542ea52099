"""The cache of `check`: what each file added to the project index and what was found in it, kept
between runs so that a run over unchanged files parses nothing.

An entry stands for the file's bytes (their SHA-256), its identity (its path as the report shows
it and the module its package makes it) and, for a file whose findings depend on the project index,
the index they were found with. What a file's bytes told (whether they mention the SDK, their
digest, whether they may import an export) is kept by its size and modification time, so that a
warm run reads only the files that changed. A cache file
stands for everything else a result depends on: the tool's version and code, and the settings; a
change to any of them starts a new cache file. Entries are JSON that names only the records of this
package (never pickle: a cache folder committed to a repository must not run code in a CI job).
A cache file is written whole to a temporary file and renamed over the old one, so a concurrent run
reads the old cache or the new one, never a mix; one that cannot be read is a cache with nothing in
it.
"""
from __future__ import annotations

import dataclasses
import functools
import enum
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

import qwen_migrate
from qwen_migrate.analysis.model import FrameworkExport, Origin, ProjectIndex, ValueUse
from qwen_migrate.analysis.project import FileIndex
from qwen_migrate.settings import Settings
from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding, Fix, FixSafety, Severity

DEFAULT_FOLDER = ".qwen-migrate-cache"
_RECORDS = {cls.__name__: cls for cls in (FileResult, Finding, Fix, FileIndex, ProjectIndex, ValueUse, FrameworkExport)}
_ENUMS = {cls.__name__: cls for cls in (Severity, FixSafety)}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def index_key(index: ProjectIndex) -> str:
    """What identifies a project index: the digest of its canonical form."""
    return digest(json.dumps(_encode(index), sort_keys=True).encode("utf-8"))


def run_key(settings: Settings) -> str:
    """What every result of a run depends on besides its file: the tool (its version, and the size
    and time of each of its modules, so that an edited install starts afresh) and the settings."""
    package = Path(qwen_migrate.__file__).parent
    modules = sorted((str(path.relative_to(package)), status.st_size, status.st_mtime_ns) for path in package.rglob("*.py") for status in [path.stat()])
    return digest(repr((qwen_migrate.__version__, modules, _encode(settings))).encode("utf-8"))[:32]


class Cache:
    """The entries of one run key, by the file's absolute path; `folder` None: no cache."""

    def __init__(self, folder: Optional[Path], key: str) -> None:
        self.folder, self.key = folder, key
        self.entries: dict[str, dict] = {}
        # what a file's bytes told the last run, by its size and modification time, so that an
        # unchanged file is not read again: [size, mtime_ns, when it was read (ns), whether it
        # mentions the SDK, its digest if it does, [[the exports it was tested against, whether it
        # may import one of them], one pair per round of the last run that tested it]]
        self.seen: dict[str, list] = {}
        if folder is not None:
            self.entries, self.seen = self._read()
        self.changed = False

    @property
    def path(self) -> Optional[Path]:
        return None if self.folder is None else self.folder / f"{self.key}.cache"

    def get(self, path: Path, content: str, identity: str, index: str, asked: bool) -> Optional[tuple[Optional[FileIndex], Optional[FileResult]]]:
        """What the file's analysis with the index whose key is `index` ("": without an index) gave:
        its part of the index (None when it was not kept) and, when `asked`, its findings."""
        entry = self.entries.get(str(path))
        if entry is None or entry["content"] != content or entry["identity"] != identity or index not in entry["views"]:
            return None
        try:
            view = entry["views"][index]
            if asked and view["result"] is None:
                return None
            return _decode(view["part"]), _decode(view["result"]) if asked else None
        except Exception:  # a damaged entry: the file is analysed again
            return None

    def sorted_before(self, path: Path, status: os.stat_result) -> Optional[tuple[bool, Optional[str]]]:
        """Whether the file mentions the SDK, and its digest if it does, as its bytes said when it
        had this size and modification time; None when it must be read. A file changed within two
        seconds of that read may have kept both: it is read again."""
        seen = self.seen.get(str(path))
        if seen is None or seen[:2] != [status.st_size, status.st_mtime_ns] or status.st_mtime_ns > seen[2] - 2_000_000_000:
            return None
        return seen[3], seen[4]

    def keep_sorting(self, path: Path, status: os.stat_result, mentions: bool, content: Optional[str]) -> None:
        if self.folder is not None:
            self.seen[str(path)] = [status.st_size, status.st_mtime_ns, time.time_ns(), mentions, content, None]
            self.changed = True

    def may_import_before(self, path: Path, status: os.stat_result, exports: str) -> Optional[tuple[bool, Optional[str]]]:
        """What the import test said of an unchanged file, against the same exports, and the file's
        digest if it may import one; None: ask the test."""
        if self.sorted_before(path, status) is None:
            return None
        seen = self.seen[str(path)]
        verdicts = [verdict for tested, verdict in seen[5] or () if tested == exports]
        return (verdicts[0], seen[4]) if verdicts else None

    def keep_may_import(self, path: Path, exports: str, verdict: bool, content: Optional[str], first_round: bool) -> None:
        """Keep a verdict of the import test; a run tests a file again in each round of re-exports
        found, until it takes it: the verdicts of one run's rounds are kept together."""
        seen = self.seen.get(str(path))
        if seen is not None:
            earlier = [] if first_round or seen[5] is None else [pair for pair in seen[5] if pair[0] != exports]
            seen[4], seen[5] = content, [*earlier, [exports, verdict]]
            self.changed = True

    def put(self, path: Path, content: str, identity: str, index: str, part: Optional[FileIndex], result: Optional[FileResult]) -> None:
        if self.folder is None:
            return
        entry = self.entries.get(str(path))
        if entry is None or entry["content"] != content or entry["identity"] != identity:
            entry = self.entries[str(path)] = {"content": content, "identity": identity, "views": {}}
        entry["views"][index] = {"part": _encode(part), "result": _encode(result)}
        self.changed = True

    def save(self) -> None:
        """Write the cache, if anything changed; a cache that cannot be written is not an error."""
        if self.folder is None or not self.changed:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / ".gitignore").write_text("# Written by qwen-migrate: the whole folder is a cache.\n*\n")
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                json.dump({"key": self.key, "files": self.entries, "seen": self.seen}, stream)
            os.replace(temporary, self.path)
        except OSError:
            pass

    def _read(self) -> tuple[dict[str, dict], dict[str, list]]:
        try:
            with open(self.path, encoding="utf-8") as stream:
                document = json.load(stream)
            if document.get("key") != self.key:
                return {}, {}
            entries, seen = document["files"], document["seen"]
            # entries of the shapes the lookups read; what they hold is read when a file asks for it
            if all(isinstance(e["content"], str) and isinstance(e["identity"], str) and isinstance(e["views"], dict) for e in entries.values()) and all(
                isinstance(s, list) and len(s) == 6 and all(isinstance(n, int) for n in s[:3]) for s in seen.values()
            ):
                return entries, seen
            return {}, {}
        except Exception:  # missing, unreadable, damaged or from another version: start afresh
            return {}, {}


def _encode(value: Any) -> Any:
    """JSON for the records a cache holds: each tagged with its type, so that it reads back as it was."""
    if isinstance(value, Origin):  # the most frequent record by far (every import of every module): kept short
        return {"origin": [value.module, value.name]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # a field left at its default is not written: it reads back as the default (most of a
        # file's part of the index is empty, and a warm run decodes every part)
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"record": type(value).__name__, "fields": {name: _encode(item) for name, item in fields.items() if not _is_default(type(value), name, item)}}
    if isinstance(value, enum.Enum):
        return {"enum": type(value).__name__, "value": value.value}
    if isinstance(value, Path):
        return {"path": str(value)}
    if isinstance(value, (tuple, set, frozenset)):
        items = [_encode(item) for item in value]
        return {type(value).__name__: items if isinstance(value, tuple) else sorted(items, key=json.dumps)}
    if isinstance(value, dict):
        return {"dict": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not a record the cache keeps: {type(value).__name__}")


@functools.lru_cache(maxsize=None)
def _defaults(record: type) -> dict[str, Any]:
    """The default of each field of a record that has one."""
    defaults = {}
    for f in dataclasses.fields(record):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory()
    return defaults


def _is_default(record: type, name: str, value: Any) -> bool:
    defaults = _defaults(record)
    return name in defaults and type(value) is type(defaults[name]) and value == defaults[name]


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "origin" in value:
        return Origin(*value["origin"])
    if "record" in value:
        return _RECORDS[value["record"]](**{name: _decode(item) for name, item in value["fields"].items()})
    if "enum" in value:
        return _ENUMS[value["enum"]](value["value"])
    if "path" in value:
        return Path(value["path"])
    if "dict" in value:
        return {_decode(key): _decode(item) for key, item in value["dict"]}
    (kind, items), = value.items()
    return {"tuple": tuple, "set": set, "frozenset": frozenset}[kind](_decode(item) for item in items)

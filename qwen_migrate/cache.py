"""The cache of `check`: what each file added to the project index and what was found in it, kept
between runs so that a run over unchanged files parses nothing.

An entry stands for the file's bytes (their SHA-256), its path as the report shows it, and, for a
file whose findings depend on the project index, the index they were found with. A cache file
stands for everything else a result depends on: the tool's version and code, and the settings; a
change to any of them starts a new cache file. Entries are JSON that names only the records of this
package (never pickle: a cache folder committed to a repository must not run code in a CI job).
A cache file is written whole to a temporary file and renamed over the old one, so a concurrent run
reads the old cache or the new one, never a mix; one that cannot be read is a cache with nothing in
it.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

import qwen_migrate
from qwen_migrate.analysis.model import Origin, ProjectIndex
from qwen_migrate.analysis.project import FileIndex
from qwen_migrate.settings import Settings
from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding, Fix, FixSafety, Severity

DEFAULT_FOLDER = ".qwen-migrate-cache"
_RECORDS = {cls.__name__: cls for cls in (FileResult, Finding, Fix, FileIndex, ProjectIndex, Origin)}
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
    modules = sorted((str(path.relative_to(package)), path.stat().st_size, path.stat().st_mtime_ns) for path in package.rglob("*.py"))
    return digest(repr((qwen_migrate.__version__, modules, _encode(settings))).encode("utf-8"))[:32]


class Cache:
    """The entries of one run key, by the file's absolute path; `folder` None: no cache."""

    def __init__(self, folder: Optional[Path], key: str) -> None:
        self.folder, self.key = folder, key
        self.entries: dict[str, dict] = self._read() if folder is not None else {}
        self.changed = False

    @property
    def path(self) -> Optional[Path]:
        return None if self.folder is None else self.folder / f"{self.key}.cache"

    def get(self, path: Path, content: str, display: str, index: str, asked: bool) -> Optional[tuple[Optional[FileIndex], Optional[FileResult]]]:
        """What the file's analysis with the index whose key is `index` ("": without an index) gave:
        its part of the index (None when it was not kept) and, when `asked`, its findings."""
        entry = self.entries.get(str(path))
        if entry is None or entry["content"] != content or entry["display"] != display or index not in entry["views"]:
            return None
        try:
            view = entry["views"][index]
            if asked and view["result"] is None:
                return None
            return _decode(view["part"]), _decode(view["result"]) if asked else None
        except Exception:  # a damaged entry: the file is analysed again
            return None

    def put(self, path: Path, content: str, display: str, index: str, part: Optional[FileIndex], result: Optional[FileResult]) -> None:
        if self.folder is None:
            return
        entry = self.entries.get(str(path))
        if entry is None or entry["content"] != content or entry["display"] != display:
            entry = self.entries[str(path)] = {"content": content, "display": display, "views": {}}
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
                json.dump({"key": self.key, "files": self.entries}, stream)
            os.replace(temporary, self.path)
        except OSError:
            pass

    def _read(self) -> dict[str, dict]:
        try:
            with open(self.path, encoding="utf-8") as stream:
                document = json.load(stream)
            entries = document["files"] if document.get("key") == self.key else {}
            # entries of the shape get() reads; what they hold is read when a file asks for it
            if all(isinstance(e["content"], str) and isinstance(e["display"], str) and isinstance(e["views"], dict) for e in entries.values()):
                return entries
            return {}
        except Exception:  # missing, unreadable, damaged or from another version: start afresh
            return {}


def _encode(value: Any) -> Any:
    """JSON for the records a cache holds: each tagged with its type, so that it reads back as it was."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"record": type(value).__name__, "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
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


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
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

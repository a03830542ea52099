"""Which files a run looks at: the given paths, walked, minus ignored and excluded ones."""
from __future__ import annotations

import enum
import functools
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

from qwen_migrate.settings import Settings
from qwen_migrate.fingerprint import repository_root

if TYPE_CHECKING:
    import pathspec

# Never project code of ours to migrate: version control, dependencies, caches and build output.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "site-packages",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
        "build",
        "dist",
    }
)
SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")
LOCK_FILES = re.compile(r"(\.lock|-lock\.json|lock\.json|\.lock\.json)$", re.IGNORECASE)


class FileKind(enum.Enum):
    """What a file is to a run, which decides what reads it: the checker, the notebook reader, or
    the configuration-file reader with the format of its pairs (the value)."""

    PYTHON = "python"
    NOTEBOOK = "notebook"
    DOTENV = "dotenv"
    YAML = "yaml"
    TOML = "toml"
    JSON = "json"


def kind_by_name(path: Path) -> Optional[FileKind]:
    """The kind a file's name says it is; None for a file a walk of a folder passes by (lock files
    and `package.json` among them: JSON that is data, not configuration)."""
    return _kind_of_name(path.name)


@functools.lru_cache(maxsize=4096)
def _kind_of_name(name: str) -> Optional[FileKind]:
    """kind_by_name, by the name alone: a walk asks it of every entry, before it makes a Path."""
    if name == ".env" or name.startswith(".env."):
        return FileKind.DOTENV
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""  # as Path.suffix
    if not (LOCK_FILES.search(name) or name == "package.json"):
        if suffix in (".yaml", ".yml"):
            return FileKind.YAML
        if suffix in (".toml", ".json"):
            return FileKind(suffix[1:])
    if suffix == ".ipynb":
        return FileKind.NOTEBOOK
    if name.endswith(SOURCE_SUFFIXES):
        return FileKind.PYTHON
    return None


def file_kind(path: Path) -> FileKind:
    """The kind of a file `discover` returned. A file named on the command line is read whatever its
    name: as Python unless its name says it is something else."""
    return _kind_of_name(path.name) or FileKind.PYTHON


class DiscoveryError(Exception):
    """A path that cannot be looked at: reported in one line, exit code 2."""


def gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """Patterns read as git reads a `.gitignore` file."""
    import pathspec  # here, for start-up: a run with no .gitignore and no `exclude` never needs it

    return pathspec.GitIgnoreSpec.from_lines(lines)


class _IgnoreRules:
    """`.gitignore` files in force for a directory, deepest last (a deeper file wins, as in git)."""

    def __init__(self, specs: tuple[tuple[Path, pathspec.PathSpec], ...] = ()) -> None:
        self.specs = specs

    def entering(self, directory: Path) -> "_IgnoreRules":
        gitignore = directory / ".gitignore"
        if not _is_file(gitignore):
            return self
        try:
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return self
        return _IgnoreRules((*self.specs, (directory, gitignore_spec(lines))))

    def ignores(self, path: Path, is_dir: bool) -> bool:
        for base, spec in reversed(self.specs):
            relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            decision = spec.check_file(relative).include
            if decision is not None:
                return decision
        return False


def _ignore_rules_above(directory: Path) -> _IgnoreRules:
    """The `.gitignore` files from the repository root down to `directory`'s parent."""
    rules = _IgnoreRules()
    root = repository_root(directory)
    if root is None:
        return rules
    for ancestor in reversed(directory.relative_to(root).parents):
        rules = rules.entering(root / ancestor)
    return rules


def _is_file(path: Path) -> bool:
    """Path.is_file, and False where the path cannot be looked at: in a folder without search
    permission (a 0700 database volume) Python before 3.14 raises PermissionError."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_virtualenv(directory: Path) -> bool:
    return _is_file(directory / "pyvenv.cfg")


def discover(paths: list[Path], settings: Settings) -> list[Path]:
    """The files to check, sorted, each once. Named files are checked unless `exclude` matches them.

    A file is known by the path it was found by, a symlink by its own name (its folder is resolved,
    not the link). Symlinked folders are not walked into."""
    is_excluded = _exclusion(settings)
    found: set[Path] = set()
    for given in paths:
        try:
            exists, is_file = given.exists(), given.is_file()
        except OSError as error:  # in a folder without search permission
            raise DiscoveryError(f"{display_path(given)}: {error.strerror}") from None
        if not exists:
            raise DiscoveryError(f"{display_path(given)}: no such file or directory")
        if is_file:
            path = named_file(given)
            if not is_excluded(path, False):
                found.add(path)
        else:
            directory = given.resolve()
            found.update(_walk(directory, _ignore_rules_above(directory), is_excluded))
    return _one_path_per_file(found)


def named_file(given: Path) -> Path:
    """A file named on the command line (or by --stdin-filename) as a run names it: its folder
    resolved, its own name kept, so that a symlink named is checked under its name."""
    return given.absolute().parent.resolve() / given.name


def _exclusion(settings: Settings) -> Callable[[Path, bool], bool]:
    """Whether the `exclude` globs match a path (absolute; a folder or not), relative to the root."""
    excluded = gitignore_spec(settings.exclude) if settings.exclude else None
    root = settings.root.resolve()

    def is_excluded(path: Path, is_dir: bool) -> bool:
        if excluded is None:
            return False
        try:
            relative = path.relative_to(root).as_posix()
        except ValueError:
            return False
        return excluded.match_file(relative + ("/" if is_dir else ""))

    return is_excluded


def excluded_file(path: Path, settings: Settings) -> bool:
    """Whether `exclude` matches a file named on the command line (absolute), which may not exist:
    standard input's --stdin-filename."""
    return _exclusion(settings)(path, False)


def _one_path_per_file(paths: set[Path]) -> list[Path]:
    """The paths, sorted, less those that name a file named already: of a symlink and its target,
    or of hard links to one file, the one checked (and fixed) is the first in order that is not a
    symlink, or the first symlink."""
    statuses = {path: _status(path) for path in paths}  # (is a symlink, what it names), one lstat for most
    chosen: dict[object, Path] = {}
    for path in sorted(paths, key=lambda p: (statuses[p][0], p)):
        status = statuses[path][1]
        if status is None:  # the checker reports what cannot be read
            chosen[path] = path
            continue
        chosen.setdefault((status.st_dev, status.st_ino), path)
    return sorted(chosen.values())


def _status(path: Path) -> tuple[bool, Optional[os.stat_result]]:
    """Whether the path is a symlink, and the status of the file it names (None: it cannot be read)."""
    try:
        status = os.lstat(path)
        if not stat.S_ISLNK(status.st_mode):
            return False, status
    except OSError:
        return False, None
    try:
        return True, os.stat(path)
    except OSError:
        return True, None


def _walk(directory: Path, ignore_rules: _IgnoreRules, is_excluded) -> Iterator[Path]:
    ignore_rules = ignore_rules.entering(directory)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if not entry.is_dir(follow_symlinks=False) and _kind_of_name(entry.name) is None:
            continue  # most entries of a large tree: no Path is made for them
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if (
                entry.name in SKIPPED_DIRECTORIES
                or _is_virtualenv(path)
                or ignore_rules.ignores(path, True)
                or is_excluded(path, True)
            ):
                continue
            yield from _walk(path, ignore_rules, is_excluded)
        elif (
            entry.is_file()
            and not ignore_rules.ignores(path, False)
            and not is_excluded(path, False)
        ):
            yield path


def display_path(path: Path) -> str:
    """The path as a user wants to read it: relative to the working directory when below it. A name
    that is not UTF-8 shows its other bytes backslash-escaped (`caf\\xe9.py`): printable, and the same
    in every run, as findings and their fingerprints need."""
    working = _resolved(os.getcwd())
    shown, below = path.as_posix(), working.as_posix().rstrip("/") + "/"
    if shown.startswith(below):  # what relative_to tells, for a fraction of its cost (a run shows thousands)
        shown = shown[len(below) :]
    else:
        try:
            shown = path.relative_to(working).as_posix()
        except ValueError:
            pass
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


@functools.lru_cache(maxsize=4)
def _resolved(folder: str) -> Path:
    """The working directory resolved once, not for each of the thousands of paths a run shows."""
    return Path(folder).resolve()

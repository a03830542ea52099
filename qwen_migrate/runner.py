"""Running a command over a project: one pool of worker processes, each file parsed once, and a
progress bar.

A run reads every Python file of the project once, in this process, to sort it (discovery.py finds
them, the prefilter keeps those that mention the SDK). Then, in the same workers throughout:

1. every file that mentions the SDK is parsed and analysed without the project index: what it
   exports and imports goes into the index, and for a file the run was asked about, its findings;
2. the files that import an export of another module (found by an exact test of their import lines,
   without parsing them) are analysed with the exports: what they use them for goes into the index,
   and their findings, which depend on the exports alone, stand; what they re-export is an export
   too, and the files that import it are found and analysed in another round, until a round finds
   none (a file found before a re-export it imports goes to step 3);
3. the files of step 1 whose analysis depends on the finished index (they import a name it knows,
   or other modules use a client they export) are analysed again with it, and so are the files to
   fix. For every other file, the findings of step 1 stand: the index could not change them.

The cache (cache.py) holds the result of each step for each file, so that a run over unchanged files
parses nothing.

Files are handed to workers in a fixed order and their results come back in that order, so the
report is the same with one job or many. A run with fewer files than PARALLEL_FROM stays in one
process. Syntax trees never outlive the analysis of their file: memory holds the index and the
results, not the project.
"""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Union

import libcst as cst
from rich.console import Console

from qwen_migrate.analysis.model import Origin, ProjectIndex
from qwen_migrate.analysis.project import FileIndex, ImportTest, Project, index_file, merged, might_use_sdk, module_name, package_of
from qwen_migrate.cache import DEFAULT_FOLDER, Cache, digest, index_key, run_key
from qwen_migrate.settings import Settings
from qwen_migrate.configfiles import check_config_file
from qwen_migrate.discovery import FileKind, discover, display_path, file_kind
from qwen_migrate.engine import Checker, FileResult, unanalysable
from qwen_migrate.finding import Finding
from qwen_migrate.fixer import Fixer, FixError, FixOutcome
from qwen_migrate.notebooks import notebook_result
from qwen_migrate.options import FixOptions

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

PROGRESS_AFTER_SECONDS = 1.0
# Below this many files in a step, worker processes cost more than they save.
PARALLEL_FROM = 8

_worker: dict = {}  # the state of a worker process (or of this one), set by _start_worker


def default_jobs() -> int:
    return os.cpu_count() or 1


def project_root(paths: list[Path], settings: Settings) -> Optional[Path]:
    """The folder whose modules make up the project: the first one above the given paths that holds
    the configuration or a repository; None when there is none (then the paths alone are read)."""
    configured = settings.root.resolve() if settings.configured else None
    start = paths[0].resolve()
    for folder in (start if start.is_dir() else start.parent, *start.parents):
        if folder == configured or (folder / ".git").exists():
            return folder if all(_under(path.resolve(), folder) for path in paths) else None
    return None


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _start_worker(settings: Settings, choices: Optional[FixOptions]) -> None:
    checker = Checker(settings, Project())
    _worker["checker"] = checker
    _worker["fixer"] = Fixer(checker, unsafe=choices.unsafe, add_todo=choices.add_todo) if choices else None
    _worker["write"] = choices.write if choices else False


@dataclass
class Look:
    """Step 1 or 2 for one file: its part of the index, its findings (a fix: its fixes, not yet
    written) with the index as it stood, and whether those settle the file unless the finished
    index changes them (a file whose analysis or fix failed goes to step 3 whatever the index says)."""

    part: FileIndex
    result: Union[FileResult, FixOutcome, None]  # None: the run did not ask about the file
    settled: bool = True


def _look(item: tuple[Path, bool, Project]) -> Look:
    """Steps 1 and 2: the file's part of the index and, if the run asked about it, its findings (or,
    in a fix, its fixes, not written) with the index as it stands: none in step 1, the exports of
    the modules that mention the SDK in step 2."""
    path, asked, project = item
    checker, fixer = _worker["checker"], _worker["fixer"]
    if not asked:
        return Look(index_file(path, checker.settings.max_file_size), None)
    checker.project = project
    display = display_path(path)
    if fixer is None:
        part, result = checker.check_and_index(path, display)
        return Look(part, _portable_result(result))
    try:
        data = path.read_bytes()
        module, part, result = checker.analyse_and_index(data, display, path)
    except Exception:  # step 3 tries again, and says what went wrong
        return Look(FileIndex(path), None, settled=False)
    outcome = fixed_or_error(lambda: fixer.fix_source(data, display, path, analysed=(module, result)), display)
    return Look(part or FileIndex(path), outcome, settled=isinstance(outcome, FixOutcome))


def _with_index(item: tuple[Path, Project]) -> Union[FixOutcome, FileResult]:
    """Step 3: the file checked, or fixed and written, with the finished index."""
    path, project = item
    checker, fixer = _worker["checker"], _worker["fixer"]
    checker.project = project
    if fixer is None:
        return _portable_result(checker.check_file(path, display_path(path)))
    return fixed_or_error(lambda: fixer.fix_file(path, display_path(path), write=_worker["write"]), display_path(path))


def fixed_or_error(fix: Callable[[], FixOutcome], display: str) -> Union[FixOutcome, FileResult]:
    """What `fix` made of a file, or the error that stopped it (the file is left as it was)."""
    try:
        outcome = fix()
    except (FixError, OSError) as error:
        return FileResult(display, error=str(error))
    except Exception as error:  # the file stays as it was, the others are fixed
        return unanalysable(display, error, "; nothing was written")
    outcome.remaining = _portable_result(outcome.remaining)
    return outcome


def _portable(finding: Finding) -> Finding:
    """A finding without its edits, which name nodes of a syntax tree that stays in the worker."""
    if finding.fix is None or not finding.fix.edits:
        return finding
    return dataclasses.replace(finding, fix=dataclasses.replace(finding.fix, edits=()))


def _portable_result(result: FileResult) -> FileResult:
    result.findings = [_portable(f) for f in result.findings]
    return result


def _crashed(path: Path) -> FileResult:
    return FileResult(display_path(path), error="the worker process analysing it crashed; nothing was reported or written")


class Workers:
    """One pool of worker processes for the whole run, started when a step first has enough files
    for it. A worker that dies (a crash in the parser's native code) costs only the file it had."""

    def __init__(self, jobs: int, settings: Settings, choices: Optional[FixOptions]) -> None:
        self.jobs, self.arguments = jobs, (settings, choices)
        self.pool: Optional["ProcessPoolExecutor"] = None
        _start_worker(*self.arguments)  # for the steps that stay in this process

    def map(self, function: Callable, items: list, lost: Callable) -> Iterator:
        """`function` over the items, in order; `lost(item)` stands for the result of an item whose
        worker died."""
        if self.pool is None and (self.jobs <= 1 or len(items) < PARALLEL_FROM):
            yield from map(function, items)
            return
        from concurrent.futures.process import BrokenProcessPool  # here, for start-up: a small run starts no process

        done = 0
        while done < len(items):
            try:
                for result in self._pool(self.jobs).map(function, items[done:], chunksize=max(1, len(items) // (self.jobs * 8))):
                    yield result
                    done += 1
            except BrokenProcessPool:
                self.close()
                # the first unfinished item may be the cause, or a victim: alone, it tells
                with self._new_pool(1) as alone:
                    try:
                        result = alone.submit(function, items[done]).result()
                    except BrokenProcessPool:
                        result = lost(items[done])
                yield result
                done += 1

    def _pool(self, jobs: int) -> "ProcessPoolExecutor":
        if self.pool is None:
            self.pool = self._new_pool(jobs)
        return self.pool

    def _new_pool(self, jobs: int) -> "ProcessPoolExecutor":
        import multiprocessing  # here, for start-up: a small run starts no process
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)  # fork: no re-import
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=self.arguments)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


class Run:
    """One command over the files the paths name, within their project."""

    def __init__(
        self, paths: list[Path], settings: Settings, jobs: int, console: Console, cache: bool = False, cache_dir: Optional[Path] = None
    ) -> None:
        """`cache`: keep what `check` finds in `cache_dir` (by default in the project's root, or
        the current folder outside a project), and take from it what is still valid."""
        self.settings, self.jobs, self.console = settings, jobs, console
        package_of.cache_clear()  # a folder may have become a package since the last run in this process
        module_name.cache_clear()
        self.files = discover(paths, settings)
        root = project_root(paths, settings)
        if root is None or any(path.resolve() == root for path in paths):  # the paths name the whole project
            everything = self.files
        else:
            everything = sorted(set(self.files) | set(discover([root], settings)))
        self.python_files = [path for path in everything if file_kind(path) is FileKind.PYTHON]
        self.project = Project()  # with its index once a command has run
        folder = (cache_dir or (root or Path.cwd()) / DEFAULT_FOLDER) if cache else None
        self.cache = Cache(folder, run_key(settings) if cache else "")

    def check(self) -> list[FileResult]:
        return self._run(None)

    def fix(self, choices: FixOptions) -> list[Union[FixOutcome, FileResult]]:
        """Per file: a FixOutcome, or a FileResult (empty for a file that does not take part, or with
        the error that stopped its fixes)."""
        return self._run(choices)

    def reanalysis(self) -> Callable[[str], tuple[Optional[cst.Module], list[Finding]]]:
        """For reports made after a check: a Python file of the run, by its path in the report,
        analysed again in this process, with the edits of its fixes. Any other file, or one that
        cannot be read or analysed now, has no module."""
        paths: dict[str, Path] = {}  # made at the first file asked for: most reports ask for none
        checker = Checker(self.settings, self.project)

        def analyse(display: str) -> tuple[Optional[cst.Module], list[Finding]]:
            if not paths:
                paths.update((display_path(path), path) for path in self.files if file_kind(path) is FileKind.PYTHON)
            path = paths.get(display)
            try:
                module, result = checker.analyse(path.read_bytes(), display, path) if path is not None else (None, None)
            except Exception:  # what the report shows of this file then is its findings, without their edits
                return None, []
            return module, result.findings if module is not None else []

        return analyse

    def _run(self, choices: Optional[FixOptions]) -> list:
        workers = Workers(self.jobs, self.settings, choices)
        # a fix writes files: what it finds is not kept
        cache = self.cache if choices is None else Cache(None, "")
        try:
            results = self._other_files(choices)
            results.update(self._python_files(workers, choices, cache))
        finally:
            workers.close()
        cache.save()
        return [results[path] for path in self.files]

    def _other_files(self, choices: Optional[FixOptions]) -> dict[Path, object]:
        """Configuration files and notebooks, in this process: a notebook is one joined module."""
        checker = _worker["checker"]
        enabled = {rule.code for rule in checker.rules}
        results = {}
        for path in self.files:
            kind = file_kind(path)
            if kind is FileKind.NOTEBOOK:
                results[path] = notebook_result(path, display_path(path), checker, _worker["fixer"], choices is not None and choices.write)
            elif kind is not FileKind.PYTHON:  # reported, never fixed: a value belongs to its owner
                results[path] = check_config_file(path, display_path(path), self.settings, enabled)
        return results

    def _python_files(self, workers: Workers, choices: Optional[FixOptions], cache: Cache) -> dict[Path, object]:
        asked = {path for path in self.files if file_kind(path) is FileKind.PYTHON}
        contents: dict[Path, str] = {}  # the digest of each file that takes part, for the cache
        mentions, others = [], []
        for path in self.python_files:
            mentions_it, content = self._sort(path, cache)
            (mentions if mentions_it else others).append(path)
            if content is not None:
                contents[path] = content
        looks = self._looks(workers, mentions, asked, Project(), "Analysing", contents, cache)
        exports = merged([looks[path].part for path in mentions])
        # An importer's findings depend on the exports alone: the uses of step 2 only tell the
        # modules that export a client what it is used for. An importer may re-export what it
        # imports (`pkg/__init__.py`: `from .llms import get_llm`): then the files that import it
        # from there are found in another round, until a round finds no new export.
        importers: list[Path] = []
        exports_seen: dict[Path, ProjectIndex] = {}  # what each importer was analysed with
        untaken, first_round = others, True
        # the constants and dicts of the project that SDK calls take: a file that may read them is an importer too
        used = {value for path in mentions for value in looks[path].part.used_values()}
        modules = {module_name(path)[0] for path in _named(self.python_files, {value.module for value in used})}
        values = {value for value in used if value.module in modules}
        latest = exports  # the index of the modules that mention the SDK and of the importers so far
        while True:
            found = self._importers(untaken, exports, values, contents, cache, first_round)
            if not found:
                break
            importers += found
            looks.update(self._looks(workers, found, asked, Project(exports, frozenset(importers)), "Indexing", contents, cache))
            exports_seen.update((path, exports) for path in found)
            latest = merged([looks[path].part for path in mentions], [looks[path].part for path in importers])
            if latest.exported_names() == exports.exported_names():
                break
            exports, first_round = latest, False
            untaken = [path for path in untaken if path not in exports_seen]
        # the modules whose constants or dicts those files pass to SDK calls, read for the index too
        defining = self._value_modules([looks[path].part for path in [*mentions, *importers]], [path for path in others if path not in looks], contents, cache)
        looks.update(self._looks(workers, defining, asked, Project(exports, frozenset(defining)), "Indexing", contents, cache))
        index = merged([looks[path].part for path in mentions], [looks[path].part for path in [*importers, *defining]]) if defining else latest
        importing = set(importers)
        self.project = Project(index, frozenset(importing | set(defining)))
        results: dict[Path, object] = {path: FileResult(display_path(path)) for path in asked}  # the files that do not take part
        again = []
        for path in sorted(set(looks) & asked):
            look = looks[path]
            if path in importing:  # found before the last re-exports were: its imports may lead to them
                stale = look.part.asks_anew(exports_seen[path], index)
            else:
                stale = look.part.depends_on(index)
            # an importer's findings depend on the exports alone, but for constants and dicts shared with other modules
            if not look.settled or stale or look.part.shares_values(index):
                again.append(path)
            elif choices is not None and choices.write and isinstance(look.result, FixOutcome):  # not a crashed worker's error
                results[path] = _written(path, look.result)
            else:
                results[path] = look.result
        results.update(self._checked_with_index(workers, again, "Checking" if choices is None else "Fixing", contents, cache))
        return results

    def _looks(
        self, workers: Workers, paths: list[Path], asked: set[Path], project: Project, label: str, contents: dict[Path, str], cache: Cache
    ) -> dict[Path, Look]:
        """Step 1 or 2 over the files, for those the cache does not know with this index."""
        key = index_key(project.index) if project.index is not None and cache.folder is not None else ""
        looks = {}
        for path in paths:
            kept = cache.get(path, contents[path], _identity(path), key, path in asked) if path in contents else None
            if kept is not None:
                looks[path] = Look(*kept)
        todo = [path for path in paths if path not in looks]
        found = workers.map(_look, [(path, path in asked, project) for path in todo], _lost_look)
        for path, look in zip(todo, self._progress(found, len(todo), label)):
            looks[path] = look
            if path in contents and look.settled and (look.result is None or look.result.error is None):
                cache.put(path, contents[path], _identity(path), key, look.part, look.result)
        return looks

    def _checked_with_index(self, workers: Workers, paths: list[Path], label: str, contents: dict[Path, str], cache: Cache) -> dict[Path, object]:
        """Step 3, for the files the cache does not know with this index."""
        key = "checked with " + index_key(self.project.index) if cache.folder is not None else ""
        results = {}
        for path in paths:
            kept = cache.get(path, contents[path], _identity(path), key, True) if path in contents else None
            if kept is not None:
                results[path] = kept[1]
        todo = [path for path in paths if path not in results]
        found = workers.map(_with_index, [(path, self.project) for path in todo], lambda item: _crashed(item[0]))
        for path, result in zip(todo, self._progress(found, len(todo), label)):
            results[path] = result
            if path in contents and isinstance(result, FileResult) and result.error is None:
                cache.put(path, contents[path], _identity(path), key, None, result)
        return results

    @staticmethod
    def _sort(path: Path, cache: Cache) -> tuple[bool, Optional[str]]:
        """Whether the file mentions the SDK (an unreadable one counts: the checker reports it), and
        its digest for the cache; the cache answers for a file it saw unchanged."""
        status = _stat(path) if cache.folder is not None else None
        known = cache.sorted_before(path, status) if status is not None else None
        if known is not None:
            return known
        data = _read(path)
        mentions_it = data is None or might_use_sdk(data)
        content = digest(data) if mentions_it and data is not None and status is not None else None
        if status is not None and data is not None:
            cache.keep_sorting(path, status, mentions_it, content)
        return mentions_it, content

    @staticmethod
    def _value_modules(parts: list[FileIndex], candidates: list[Path], contents: dict[Path, str], cache: Cache) -> list[Path]:
        """Of the candidates, the modules whose constants or dicts the parts pass to SDK calls; with
        the cache, their digests go into `contents`."""
        wanted = {value.module for part in parts for value in part.used_values()}
        if not wanted:
            return []
        found = _named(candidates, wanted)
        for path in found:
            data = _read(path) if cache.folder is not None else None
            if data is not None:
                contents[path] = digest(data)
        return found

    @staticmethod
    def _importers(
        others: list[Path], index: ProjectIndex, values: set[Origin], contents: dict[Path, str], cache: Cache, first_round: bool
    ) -> list[Path]:
        """The files that do not mention the SDK but may import a client from a module that does,
        or from one that re-exports it, or one of the `values` SDK calls take; with the cache, their
        digests go into `contents`."""
        may_import = ImportTest(index, values)
        if not may_import.exported:
            return []
        exports = digest(repr(sorted((module, sorted(names)) for module, names in may_import.exported.items())).encode("utf-8"))
        importers = []
        for path in others:
            status = _stat(path) if cache.folder is not None else None
            # the test reads the file's place in its package too (a relative import)
            tested = f"{exports} from {module_name(path)[0]}" if status is not None else ""
            known = cache.may_import_before(path, status, tested) if status is not None else None
            if known is None:
                data = _read(path) or b""
                verdict = may_import(path, data)
                content = digest(data) if verdict and status is not None else None
                if status is not None:
                    cache.keep_may_import(path, tested, verdict, content, first_round)
            else:
                verdict, content = known
            if verdict:
                importers.append(path)
                if content is not None:
                    contents[path] = content
        return importers

    def _progress(self, results: Iterable, total: int, label: str) -> Iterator:
        """The results, with a progress bar on a terminal once the run has taken about a second.

        The bar is taken down (and the cursor shown again) only when the results run out: a caller
        reads them all before printing anything."""
        started, progress, task = time.monotonic(), None, None
        try:
            for done, result in enumerate(results, 1):
                if progress is None and self.console.is_terminal and time.monotonic() - started > PROGRESS_AFTER_SECONDS:
                    # here, for start-up: most runs end before a bar is shown
                    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
                    progress = Progress(*columns, console=self.console, transient=True)
                    progress.start()
                    task = progress.add_task(label, total=total)
                if progress is not None:
                    progress.update(task, completed=done)
                yield result
        finally:
            if progress is not None:
                progress.stop()


def _lost_look(item: tuple[Path, bool, Project]) -> Look:
    path, asked, _ = item
    return Look(FileIndex(path), _crashed(path) if asked else None)


def _written(path: Path, outcome: FixOutcome) -> Union[FixOutcome, FileResult]:
    """A fix that the finished index does not change, written as step 3 would have."""

    def write() -> FixOutcome:
        Fixer.write(path, outcome)
        return outcome

    return fixed_or_error(write, outcome.path)


def _named(paths: list[Path], modules: set[str]) -> list[Path]:
    """The files that are these modules. A file's module name asks every folder above it whether it
    is a package: only the files whose own name could be one of them are asked."""
    last_names = {module.rpartition(".")[2] for module in modules}
    return [
        path
        for path in paths
        if (path.parent.name if path.name == "__init__.py" else path.stem) in last_names and module_name(path)[0] in modules
    ]


def _identity(path: Path) -> str:
    """What a file's results depend on besides its bytes: its path as reports show it, and the
    module its package makes it (which a new `__init__.py` above it changes)."""
    return f"{display_path(path)} as {module_name(path)[0]}"


def _stat(path: Path) -> Optional[os.stat_result]:
    try:
        return path.stat()
    except OSError:
        return None


def _read(path: Path) -> Optional[bytes]:
    try:
        return path.read_bytes()
    except OSError:
        return None

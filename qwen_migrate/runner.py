"""Running a command over many files: the project pre-pass, worker processes, and a progress bar.

Files are handed to workers in a fixed order and their results come back in that order, so the
report is the same with one job or many. Only the files that take part (they mention the SDK, or
may import a client of the project) are sent to workers; the others cost the parent one read.
"""
from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

import libcst as cst
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qwen_migrate.analysis.project import FileIndex, Project, build_project
from qwen_migrate.config import Settings
from qwen_migrate.configfiles import check_config_file
from qwen_migrate.discovery import FileKind, discover, display_path, file_kind
from qwen_migrate.engine import Checker, FileResult, unanalysable
from qwen_migrate.finding import Finding
from qwen_migrate.fixer import Fixer, FixError, FixOutcome
from qwen_migrate.notebooks import notebook_result
from qwen_migrate.options import FixOptions

PROGRESS_AFTER_SECONDS = 1.0
# Below this many files that take part, worker processes cost more than they save.
PARALLEL_FROM = 8

_worker: dict = {}  # the checker or fixer of a worker process, set by _start_worker


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


def _pool(jobs: int, initializer: Callable, arguments: tuple) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)  # fork: no re-import
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer, initargs=arguments)


def _mapped(function: Callable, items: list, jobs: int, initializer: Callable, arguments: tuple, lost: Callable) -> Iterator:
    """`function` over the items, in order. A worker process that dies (a crash in the parser's
    native code) costs only the item it had: `lost(item)` stands for that item's result."""
    if jobs <= 1 or len(items) < PARALLEL_FROM:
        initializer(*arguments)
        yield from map(function, items)
        return
    done = 0
    while done < len(items):
        with _pool(jobs, initializer, arguments) as pool:
            try:
                for result in pool.map(function, items[done:], chunksize=max(1, len(items) // (jobs * 8))):
                    yield result
                    done += 1
            except BrokenProcessPool:
                pass
        if done < len(items):  # the pool broke: the first unfinished item may be the cause, or a victim
            yield _alone(function, items[done], initializer, arguments, lost)
            done += 1


def _alone(function: Callable, item, initializer: Callable, arguments: tuple, lost: Callable):
    """One item in a worker process of its own: its result, or `lost(item)` if that worker dies too."""
    with _pool(1, initializer, arguments) as pool:
        try:
            return pool.submit(function, item).result()
        except BrokenProcessPool:
            return lost(item)


def _crashed(path: Path) -> FileResult:
    return FileResult(display_path(path), error="the worker process analysing it crashed; nothing was reported or written")


def _no_worker_state() -> None:
    pass


def _other_file(path: Path, kind: FileKind, settings: Settings, enabled: set[str], checker: Checker, fixer: Optional[Fixer], write: bool):
    """A configuration file's findings, or a notebook's (a FixOutcome when fixing one)."""
    display = display_path(path)
    if kind is FileKind.NOTEBOOK:
        return notebook_result(path, display, checker, fixer, write)
    return check_config_file(path, display, settings, enabled)  # reported, never fixed: a value belongs to its owner


def prepare(paths: list[Path], settings: Settings, jobs: int, console: Console) -> tuple[Project, list[Path]]:
    """The project index, and the files the paths name."""
    files = discover(paths, settings)
    root = project_root(paths, settings)
    everything = sorted(set(files) | set(discover([root], settings))) if root is not None else files
    everything = [path for path in everything if file_kind(path) is FileKind.PYTHON]

    def map_files(function: Callable, items: list) -> Iterator:
        indexed = _mapped(function, items, jobs, _no_worker_state, (), FileIndex)
        for result in _with_progress(indexed, len(items), "Indexing", console):
            # The syntax trees the pre-pass keeps are millions of objects that live to the end of
            # the run: out of the garbage collector's sight, they stop slowing every collection.
            gc.freeze()
            yield result

    return build_project(everything, settings.max_file_size, map_files), files


def _portable(finding: Finding) -> Finding:
    """A finding without its edits, which name nodes of a syntax tree that stays in the worker."""
    if finding.fix is None or not finding.fix.edits:
        return finding
    return dataclasses.replace(finding, fix=dataclasses.replace(finding.fix, edits=()))


def _portable_result(result: FileResult) -> FileResult:
    result.findings = [_portable(f) for f in result.findings]
    return result


def _start_checker(settings: Settings, project: Project) -> None:
    _worker["checker"] = Checker(settings, project)


def _check_one(path: Path) -> FileResult:
    return _portable_result(_worker["checker"].check_file(path, display_path(path)))


def _settle(files: list[Path], settings: Settings, project: Project, fixer: Optional[Fixer], write: bool):
    """The Python files to send to workers; the results of all the others, settled here:
    configuration files, notebooks, and Python files that do not take part."""
    kinds = {path: file_kind(path) for path in files}
    taking_part, results = _split([f for f in files if kinds[f] is FileKind.PYTHON], project)
    checker = fixer.checker if fixer else Checker(settings)
    enabled = {rule.code for rule in checker.rules}
    for path in files:
        if kinds[path] is not FileKind.PYTHON:
            results[path] = _other_file(path, kinds[path], settings, enabled, checker, fixer, write)
    return taking_part, results


def check_files(files: list[Path], settings: Settings, project: Project, jobs: int, console: Console) -> list[FileResult]:
    taking_part, results = _settle(files, settings, project, None, False)
    checked = _mapped(_check_one, taking_part, jobs, _start_checker, (settings, project), _crashed)
    results.update(zip(taking_part, list(_with_progress(checked, len(taking_part), "Checking", console))))
    return [results[path] for path in files]


def reanalysis(files: list[Path], settings: Settings, project: Project) -> Callable[[str], tuple[Optional[cst.Module], list[Finding]]]:
    """For reports made after a check: a Python file of the run, by its path in the report, analysed
    again in this process, with the edits of its fixes. Any other file, or one that cannot be read
    or analysed now, has no module."""
    paths = {display_path(path): path for path in files if file_kind(path) is FileKind.PYTHON}
    checker = Checker(settings, project)

    def analyse(display: str) -> tuple[Optional[cst.Module], list[Finding]]:
        path = paths.get(display)
        try:
            module, result = checker.analyse(path.read_bytes(), display, path) if path is not None else (None, None)
        except Exception:  # what the report shows of this file then is its findings, without their edits
            return None, []
        return module, result.findings if module is not None else []

    return analyse


def _start_fixer(settings: Settings, project: Project, unsafe: bool, add_todo: bool, write: bool) -> None:
    _worker["fixer"] = Fixer(Checker(settings, project), unsafe=unsafe, add_todo=add_todo)
    _worker["write"] = write


def _fix_one(path: Path):
    display = display_path(path)
    try:
        outcome = _worker["fixer"].fix_file(path, display, write=_worker["write"])
    except (FixError, OSError) as error:
        return FileResult(display, error=str(error))
    except Exception as error:  # the file stays as it was, the others are fixed
        return unanalysable(display, error, "; nothing was written")
    outcome.remaining = _portable_result(outcome.remaining)
    return outcome


def fix_files(
    files: list[Path], settings: Settings, project: Project, jobs: int, options: FixOptions, console: Console
) -> list[Union[FixOutcome, FileResult]]:
    """Per file: a FixOutcome, or a FileResult (empty for a file that does not take part, or with
    the error that stopped its fixes)."""
    fixer = Fixer(Checker(settings), unsafe=options.unsafe, add_todo=options.add_todo)
    taking_part, results = _settle(files, settings, project, fixer, options.write)
    arguments = (settings, project, options.unsafe, options.add_todo, options.write)
    fixed = _mapped(_fix_one, taking_part, jobs, _start_fixer, arguments, _crashed)
    results.update(zip(taking_part, list(_with_progress(fixed, len(taking_part), "Fixing", console))))
    return [results[path] for path in files]


def _split(files: list[Path], project: Project) -> tuple[list[Path], dict[Path, FileResult]]:
    """The files to analyse; the others' (empty, or unreadable) results are settled here."""
    taking_part, results = [], {}
    for path in files:
        if project.takes_part(path) or not os.access(path, os.R_OK):  # the checker reports unreadable files
            taking_part.append(path)
        else:
            results[path] = FileResult(display_path(path))
    return taking_part, results


def _with_progress(results: Iterable, total: int, label: str, console: Console) -> Iterator:
    """The results, with a progress bar on a terminal once the run has taken about a second.

    The bar is taken down (and the cursor shown again) only when the results run out: a caller
    reads them all before printing anything."""
    started, progress, task = time.monotonic(), None, None
    try:
        for done, result in enumerate(results, 1):
            if progress is None and console.is_terminal and time.monotonic() - started > PROGRESS_AFTER_SECONDS:
                columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
                progress = Progress(*columns, console=console, transient=True)
                progress.start()
                task = progress.add_task(label, total=total)
            if progress is not None:
                progress.update(task, completed=done)
            yield result
    finally:
        if progress is not None:
            progress.stop()


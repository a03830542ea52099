"""The runtime guard for a whole test run: `pytest --qwen-migrate-guard[=record|warn|raise]`.

Installed with qwen-migrate (entry point `pytest11`), or named with `-p qwen_migrate.pytest_plugin`; it
does nothing unless `--qwen-migrate-guard` is given. It then attaches the guard (qwen_migrate.guard) to
every OpenAI SDK client built during the run, frameworks' clients included, and prints what the
requests sent broke, per code, with each call site and the tests that sent it. With "raise", a test
that sends such a request fails, even where the code under test catches the GuardError.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Optional

import pytest

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qwen-migrate", "qwen-migrate runtime guard")
    group.addoption(
        "--qwen-migrate-guard", nargs="?", const="record", default=None, metavar="MODE",
        help="Judge every request the OpenAI SDK sends with qwen-migrate's rules: record (default), "
        "warn (a warning at the call site) or raise (fail the test that sends it).",
    )
    group.addoption("--qwen-migrate-guard-report", metavar="FILE", type=Path, help="Write the guard's findings to FILE.")
    group.addoption("--qwen-migrate-guard-format", metavar="FORMAT", help="Format of that file: json (default), sarif, gitlab, junit, github or text.")
    group.addoption("--qwen-migrate-guard-baseline", metavar="FILE", type=Path, help="Report only findings this baseline file does not record.")
    group.addoption("--qwen-migrate-guard-write-baseline", metavar="FILE", type=Path, help="Record the run's findings in this baseline file.")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """Installed before the conftest files are imported, so that clients they build are guarded too."""
    options = early_config.known_args_namespace
    mode = getattr(options, "qwen_migrate_guard", None)
    if mode is None:
        given = [name for name in _GUARD_FILE_OPTIONS if getattr(options, name.lstrip("-").replace("-", "_"), None) is not None]
        if given:  # a CI job with a typo in the main option would upload an empty report, or none
            raise pytest.UsageError(f"{given[0]} needs --qwen-migrate-guard")
        return
    from qwen_migrate import baseline, guard
    from qwen_migrate.report import formats_besides_code
    from qwen_migrate.engine import project_settings
    from qwen_migrate.settings import ConfigError

    if mode not in guard.MODES:
        raise pytest.UsageError(
            f"--qwen-migrate-guard: expected one of {', '.join(guard.MODES)}, got {mode!r} "
            "(give the mode as --qwen-migrate-guard=MODE, or the option after the paths)"
        )
    if getattr(options, "numprocesses", None) or getattr(options, "dist", "no") != "no":
        # each pytest-xdist worker would keep its findings, and this process would report none
        raise pytest.UsageError("--qwen-migrate-guard does not run under pytest-xdist: run it without -n/--dist")
    if (options.qwen_migrate_guard_format or "json") not in formats_besides_code():
        raise pytest.UsageError(f"--qwen-migrate-guard-format: expected one of {', '.join(formats_besides_code())}")
    try:
        settings = project_settings(early_config.rootpath)
        known = None if options.qwen_migrate_guard_baseline is None else baseline.read(options.qwen_migrate_guard_baseline)
    except (ConfigError, baseline.BaselineError) as error:
        raise pytest.UsageError(f"qwen-migrate: {error}") from None
    try:
        early_config.stash[_GUARD] = guard.install(guard.Guard(mode, settings, known))
    except ImportError:
        raise pytest.UsageError("--qwen-migrate-guard: the openai package is not installed, so there is no client to guard") from None


# The options that only mean something with --qwen-migrate-guard.
_GUARD_FILE_OPTIONS = (
    "--qwen-migrate-guard-report", "--qwen-migrate-guard-format", "--qwen-migrate-guard-baseline", "--qwen-migrate-guard-write-baseline",
)
_GUARD = pytest.StashKey["Guard"]()
_WRITE_ERROR = pytest.StashKey[str]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Optional[pytest.Item]):
    guard = item.config.stash.get(_GUARD, None)
    if guard is not None:
        guard.test = item.nodeid
    yield
    if guard is not None:
        guard.test = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    guard = item.config.stash.get(_GUARD, None)
    report = outcome.get_result()
    if guard is None or guard.mode != "raise" or report.when != "call" or not report.passed:
        return
    sent = [s.finding for s in guard.sent if item.nodeid in s.tests and not s.known]
    if sent:  # the GuardError was raised, and the code under test caught it
        report.outcome = "failed"
        report.longrepr = "qwen-migrate guard: this test sent requests that break the rules (the code under test caught the GuardError):\n" + "\n".join(
            f"  {f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in sent
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    guard = session.config.stash.get(_GUARD, None)
    if guard is None:
        return
    from qwen_migrate import baseline

    options = session.config.option
    try:
        if options.qwen_migrate_guard_write_baseline is not None:
            baseline.write(options.qwen_migrate_guard_write_baseline, guard.findings)
        if options.qwen_migrate_guard_report is not None:
            text = guard.report(options.qwen_migrate_guard_format or "json")
            options.qwen_migrate_guard_report.write_text(text, encoding="utf-8")
    except (baseline.BaselineError, OSError) as error:
        session.config.stash[_WRITE_ERROR] = str(error)
        session.exitstatus = pytest.ExitCode.USAGE_ERROR


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    guard = config.stash.get(_GUARD, None)
    if guard is None:
        return
    from qwen_migrate.report.run import counted

    write = terminalreporter.write_line
    terminalreporter.section("qwen-migrate guard")
    everything = guard.sent
    by_code = defaultdict(list)
    for sent in everything:
        if not sent.known:
            by_code[sent.finding.code].append(sent)
    for code, sents in sorted(by_code.items()):
        first = sents[0].finding
        write(f"{code} {first.name} ({first.severity.value}): {counted(len(sents), 'finding')} at {counted(_call_sites(sents), 'call site')}")
        for s in sents:
            f = s.finding
            write(f"  {f.path}:{f.line}:{f.column}: {f.message}" + (f" (sent {s.count} times)" if s.count > 1 else ""))
            for test in s.tests:
                write(f"    sent by {test}")
    sents = [s for group in by_code.values() for s in group]
    if sents:
        tests = {test for s in sents for test in s.tests}
        summary = f"{counted(len(sents), 'finding')} of {counted(len(by_code), 'rule')} at {counted(_call_sites(sents), 'call site')}, sent by {counted(len(tests), 'test')}."
    else:
        summary = "No request broke a rule."
    known = sum(sent.known for sent in everything)
    if known:
        summary += f" {counted(known, 'finding')} the baseline records left out."
    write(summary)
    if _WRITE_ERROR in config.stash:
        write(f"qwen-migrate guard: {config.stash[_WRITE_ERROR]}", red=True)
    elif config.option.qwen_migrate_guard_report is not None:
        write(f"Findings written to {config.option.qwen_migrate_guard_report}.")


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(_GUARD, None) is not None:
        from qwen_migrate import guard

        guard.uninstall()


def _call_sites(sents) -> int:
    return len({(s.finding.path, s.finding.line, s.finding.column) for s in sents})

"""The runtime guard: the rules of `check`, on the requests a program really sends.

An HTTP event hook on the OpenAI SDK's HTTP client (`httpx2` or `httpx`, sync or async) reads each
request to a DashScope or OpenAI endpoint as the call that sent it (guard.requests) and judges it with
the same rules and codes as the static check: a parameter assembled from configuration, a request a
framework builds, a dict passed through three helpers. It never changes a request and keeps no header
but the ones rules read, never a key. What it finds is a Finding at the call site (the first frame
outside the SDK, guard.sites), so the existing reports (JSON, SARIF, ...) and baselines take it.

Modes: "record" keeps the findings; "warn" also issues a GuardWarning at the call site; "raise" raises
GuardError before the request leaves.

Attaching: `OpenAI(http_client=guard.Client())`, `guard.attach(client)` for a client built already, or
`guard.install()` for every SDK client built from then on (the pytest plugin's way,
qwen_migrate.pytest_plugin).
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import io
import linecache
import sys
import threading
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Optional

from rich.console import Console

from qwen_migrate import baseline
from qwen_migrate.analysis.model import CallSite
from qwen_migrate.discovery import display_path
from qwen_migrate.engine import Checker, FileResult, project_settings
from qwen_migrate.finding import Finding, Violation
from qwen_migrate.fingerprint import fingerprint
from qwen_migrate.masking import mask
from qwen_migrate.guard.requests import RequestReader
from qwen_migrate.guard.sites import Site, call_site
from qwen_migrate.report import write_report
from qwen_migrate.report.run import RunResult
from qwen_migrate.request import BodyField
from qwen_migrate.rules import CallRule, request_violations
from qwen_migrate.settings import Settings

MODES = ("record", "warn", "raise")


class GuardError(Exception):
    """Requests that break the rules, stopped before they left (mode "raise")."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f"{f.code} {f.message} ({f.path}:{f.line})" for f in findings))
        self.findings = findings


class GuardWarning(UserWarning):
    """A request that breaks a rule, shown at its call site (mode "warn")."""


@dataclass
class Sent:
    """One finding as many times as it was sent: how often, by which tests (in order), and whether the
    baseline the guard was given records it."""

    finding: Finding
    known: bool
    count: int = 0
    tests: dict[str, None] = field(default_factory=dict)


class Guard:
    """Judges the requests of the SDK clients it is attached to, and keeps what it found."""

    def __init__(self, mode: str = "record", settings: Optional[Settings] = None, known: Optional[list[dict]] = None) -> None:
        """`known`: the entries of a baseline file (qwen_migrate.baseline.read). A finding they record
        (its file, code and fingerprint: a call site's finding is one however many requests send it)
        is kept, but neither warned about nor raised, and left out of the reports."""
        if mode not in MODES:
            raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
        self.mode = mode
        self.settings = settings or project_settings(Path.cwd())
        self._checker = Checker(self.settings)
        self._reader = RequestReader(self.settings)
        self._rules = [rule for rule in self._checker.rules if isinstance(rule, CallRule)]
        self.known = known
        self._known_keys = baseline.keys(known or [])
        self.test: Optional[str] = None  # the test running, set by the pytest plugin
        # Findings name their file by its absolute path until they are reported: a program may change
        # its working directory between requests.
        self._sent: dict[Finding, Sent] = {}
        self._made: dict[tuple, Optional[Sent]] = {}  # by call site, rule, message and parameter
        self._lock = threading.Lock()

    # The event hooks: httpx calls the request hooks before a request leaves, awaiting them on an async client.
    def hook(self, request: Any) -> None:
        __tracebackhide__ = True  # pytest shows the GuardError at the test's call, not in here
        self._judge(request, sys._getframe(1))

    async def async_hook(self, request: Any) -> None:
        __tracebackhide__ = True
        self._judge(request, sys._getframe(1))

    def _judge(self, request: Any, frame: FrameType) -> None:
        __tracebackhide__ = True
        try:
            site, sents = self._record(request, frame)
        except Exception as error:  # a request the guard cannot judge still leaves as it is
            self._warn(f"qwen-migrate guard could not judge a request to {request.url.path}: {error!r}", frame)
            return
        new = [sent.finding for sent in sents if not sent.known]
        if self.mode == "warn":
            for finding in new:
                self._warn(f"{finding.code} {finding.message}", frame, site)
        elif self.mode == "raise" and new:
            raise GuardError([_shown(finding) for finding in new])

    def _record(self, request: Any, frame: FrameType) -> tuple[Optional[Site], list[Sent]]:
        """What the request breaks, counted at its call site."""
        found = self.judge(request)
        if not found:
            return None, []
        site = call_site(frame)
        sents = [sent for sent in (self._sent_at(site, rule, violation) for rule, violation in found) if sent is not None]
        with self._lock:
            for sent in sents:
                sent.count += 1
                if self.test is not None:
                    sent.tests[self.test] = None
        return site, sents

    def judge(self, request: Any) -> list[tuple[CallRule, Violation]]:
        """The rules' violations in an `httpx` request, with the rule of each; none for a request to
        another host."""
        sent = self._reader.read(request)
        if sent is None:
            return []
        return list(request_violations(self._rules, CallSite(None, sent.method, (), sent.arguments), self.settings))

    def _sent_at(self, site: Optional[Site], rule: CallRule, violation: Violation) -> Optional[Sent]:
        """The record of a finding (None where per-file-ignores turn its rule off), made once per
        call site: a loop sends the same request many times, and a finding's fingerprint takes longer
        to work out than the rules take to judge."""
        field_name = violation.node.name if isinstance(violation.node, BodyField) else None
        key = (site, rule.code, violation.message, violation.severity, field_name)
        if key not in self._made:
            finding = self._finding(site, rule, violation, field_name)
            with self._lock:
                self._made[key] = None if finding is None else self._sent.setdefault(finding, Sent(finding, baseline.key_of(finding) in self._known_keys))
        return self._made[key]

    def _finding(self, site: Optional[Site], rule: CallRule, violation: Violation, field_name: Optional[str]) -> Optional[Finding]:
        if site is None:  # sent by no code of any file: nothing to point at
            path, line, column, end_line, end_column, source = "<unknown>", 1, 1, 1, 1, ""
        else:
            path, line, column, end_line, end_column, source = site.filename, site.line, site.column, site.end_line, site.end_column, site.source
        if rule.code in self._checker.ignored_in(path):
            return None
        if field_name is not None:  # one finding per parameter of the call
            source = f"{source}\0{field_name}"
        return Finding(
            path, line, column, end_line, end_column, rule.code, rule.name, violation.severity or rule.severity,
            mask(violation.message), None, fingerprint(rule.code, path, source),  # a request's values may hold a key
        )

    def _warn(self, message: str, frame: FrameType, site: Optional[Site] = None) -> None:
        """A GuardWarning at the call site, shown as Python shows warnings there (once, always, an error, ...)."""
        if site is None:
            site = call_site(frame)
        if site is None:
            warnings.warn(message, GuardWarning)
            return
        registry = site.module_globals.setdefault("__warningregistry__", {})
        warnings.warn_explicit(message, GuardWarning, site.filename, site.line, site.module, registry)

    @property
    def sent(self) -> list[Sent]:
        """What was found, once per call site and message, in the order of the files and lines, each
        file named as reports name it (from the working directory)."""
        with self._lock:
            sents = [Sent(_shown(s.finding), s.known, s.count, dict(s.tests)) for s in self._sent.values()]
        return sorted(sents, key=lambda sent: sent.finding.sort_key)

    @property
    def findings(self) -> list[Finding]:
        return [sent.finding for sent in self.sent]

    def run(self) -> RunResult:
        """The findings as the reports take them: by file, with the lines their code frames show;
        those the baseline records left out (and counted)."""
        sents = self.sent
        by_path: dict[str, list[Finding]] = defaultdict(list)
        for sent in sents:
            if not sent.known:
                by_path[sent.finding.path].append(sent.finding)
        run = RunResult([FileResult(path, findings, _frame_lines(path, findings)) for path, findings in by_path.items()])
        if self.known is not None:
            found = {baseline.key_of(sent.finding) for sent in sents}
            run.baselined = sum(sent.known for sent in sents)
            run.fixed_since_baseline = [entry for entry in self.known if baseline.entry_key(entry) not in found]
        return run

    def report(self, output_format: str) -> str:
        """The report in one of the check's output formats (qwen_migrate.report.REPORTERS)."""
        text = io.StringIO()
        write_report(self.run(), output_format, False, Console(file=text, soft_wrap=True, color_system=None, highlight=False))
        return text.getvalue()


def _shown(finding: Finding) -> Finding:
    """The finding with its file named as reports name it (by its absolute path where the working
    directory is gone)."""
    try:
        return dataclasses.replace(finding, path=display_path(Path(finding.path)))
    except OSError:
        return finding


def _frame_lines(path: str, findings: list[Finding]) -> dict[tuple, str]:
    return {f.frame_key: linecache.getline(path, f.line).rstrip("\r\n") for f in findings}


_shared: Optional[Guard] = None


def shared() -> Guard:
    """The guard of this process: the one `install` was given, else one in mode "record" with the
    settings of the working directory's project."""
    global _shared
    if _shared is None:
        _shared = Guard()
    return _shared


def attach(client: Any, guard: Optional[Guard] = None) -> Any:
    """Attaches the guard (the shared one unless given) to an SDK client or to an `httpx`/`httpx2`
    client, once; returns the client."""
    guard = guard or shared()
    http_client = getattr(client, "_client", client)  # where an SDK client holds its HTTP client (openai/_base_client.py)
    is_async = inspect.iscoroutinefunction(http_client.send)
    hook = guard.async_hook if is_async else guard.hook
    hooks = http_client.event_hooks["request"]
    if hook not in hooks:
        hooks.append(hook)
    return client


def Client(guard: Optional[Guard] = None, **options: Any) -> Any:
    """The SDK's default HTTP client (`openai.DefaultHttpxClient`, with its timeouts and limits), guarded:
    `OpenAI(http_client=guard.Client())`."""
    import openai

    return attach(openai.DefaultHttpxClient(**options), guard)


def AsyncClient(guard: Optional[Guard] = None, **options: Any) -> Any:
    """The async twin of `Client`: `AsyncOpenAI(http_client=guard.AsyncClient())`."""
    import openai

    return attach(openai.DefaultAsyncHttpxClient(**options), guard)


_originals: dict[type, Any] = {}


def install(guard: Optional[Guard] = None) -> Guard:
    """Attaches `guard` (which becomes the shared one) to every SDK client built from now on:
    `OpenAI`, `AsyncOpenAI` and their subclasses (Azure, the module-level client), as frameworks
    build them too. Clients built earlier are not attached (`attach` them)."""
    global _shared
    import openai

    _shared = guard or shared()
    for cls in (openai.OpenAI, openai.AsyncOpenAI):
        if cls not in _originals:
            _originals[cls] = cls.__init__
            cls.__init__ = _attaching(cls.__init__)
    return _shared


def uninstall() -> None:
    """Builds SDK clients as the SDK does again; clients attached stay attached."""
    while _originals:
        cls, original = _originals.popitem()
        cls.__init__ = original


def _attaching(original):
    @functools.wraps(original)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if _shared is not None:
            attach(self, _shared)

    return __init__

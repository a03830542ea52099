"""One file's way from bytes to findings: prefilter, parse, resolve, rules, suppressions."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from qwen_migrate.analysis.flow import resolve
from qwen_migrate.analysis.collect import collect
from qwen_migrate.analysis.walk import descendants
from qwen_migrate.analysis.model import ResolvedModule
from qwen_migrate.analysis.project import FileIndex, Project, context_for, might_use_sdk
from qwen_migrate.settings import Settings, load
from qwen_migrate.discovery import gitignore_spec
from qwen_migrate.finding import Finding, Violation
from qwen_migrate.fingerprint import fingerprint
from qwen_migrate.parsing import NotParsed, parse_module
from qwen_migrate.rules import FileRule, RefusedFileRule, Rule, all_rules
from qwen_migrate.rules.qw001_parse_error import ParseError
from qwen_migrate.rules.qw002_unused_suppression import UnusedSuppression
from qwen_migrate.rules.qw003_file_not_analysed import FileNotAnalysed
from qwen_migrate.suppressions import line_ends, might_suppress, suppression_comments


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    frame_lines: dict[tuple, str] = field(default_factory=dict)  # Finding.frame_key -> the source line it shows
    call_sites: int = 0  # SDK calls found in the file
    clean_call_sites: int = 0  # of those, the calls no finding points into
    # calls whose `*args`/`**kwargs` the analysis could not follow: (line, column, method)
    unresolved: list[tuple[int, int, str]] = field(default_factory=list)
    # calls through a parameter that some callers pass an OpenAI client: (line, column, method, parameter)
    some_paths: list[tuple[int, int, str, str]] = field(default_factory=list)
    error: Optional[str] = None  # the file could not be read


def project_settings(start: Path) -> Settings:
    """The settings of the project above `start` (its [tool.qwen-migrate]), or the defaults:
    what the language server and the runtime guard run with. ConfigError when they are wrong."""
    return load(None, start, [rule.code for rule in all_rules()])


class Checker:
    """Runs the enabled rules over files; build once per run."""

    def __init__(self, settings: Settings, project: Optional[Project] = None) -> None:
        self.settings = settings
        self.project = project
        self._per_file_ignores = [
            (gitignore_spec([glob]), codes)
            for glob, codes in settings.per_file_ignores.items()
        ]
        self.rules = [rule() for rule in all_rules() if self._selected(rule.code)]

    def _selected(self, code: str) -> bool:
        select = (self.settings.select or ("QW",)) + self.settings.extend_select
        return any(code.startswith(p) for p in select) and not any(code.startswith(p) for p in self.settings.ignore)

    def ignored_in(self, path: str) -> frozenset[str]:
        relative = _relative(path, self.settings.root)
        return frozenset(
            rule.code
            for spec, prefixes in self._per_file_ignores
            if relative is not None and spec.match_file(relative)
            for rule in self.rules
            if rule.code.startswith(prefixes)
        )

    def check_file(self, path: Path, display: str) -> FileResult:
        return self._from_file(path, display, with_part=False)[1]

    def check_and_index(self, path: Path, display: str) -> tuple[FileIndex, FileResult]:
        """What the file adds to the project index (what its analysis without the index finds), and
        what was found in it with the project's index as it stands, from one parse and one walk."""
        return self._from_file(path, display, with_part=True)

    def _from_file(self, path: Path, display: str, with_part: bool) -> tuple[FileIndex, FileResult]:
        try:
            data = path.read_bytes()
        except OSError as error:
            return FileIndex(path), self._not_parsed(display, b"", NotParsed(ParseError.code, f"Cannot read the file: {error.strerror}"))
        try:
            _, part, result = self._analyse(data, display, path, with_part)
        except Exception as error:  # say so in one line, and go on with the other files
            return FileIndex(path), unanalysable(display, error)
        return part or FileIndex(path), result

    def analyse_and_index(self, data: bytes, path: str, file: Path) -> tuple[Optional[cst.Module], Optional[FileIndex], FileResult]:
        """`analyse`, and what the file adds to the project index (None when it is not parsed)."""
        return self._analyse(data, path, file, with_part=True)

    def check_source(self, data: bytes, path: str) -> FileResult:
        return self.analyse(data, path)[1]

    def analyse(self, data: bytes, path: str, file: Optional[Path] = None) -> tuple[Optional[cst.Module], FileResult]:
        """The parsed module (None when the file is not parsed) and what was found in it.

        `file` places the module in the project, so that clients imported from the project are seen.
        """
        module, _, result = self._analyse(data, path, file)
        return module, result

    def _analyse(
        self, data: bytes, path: str, file: Optional[Path], with_part: bool = False
    ) -> tuple[Optional[cst.Module], Optional[FileIndex], FileResult]:
        in_project = self.project is not None and file is not None
        if not (self.project.takes_part(file, data) if in_project else might_use_sdk(data)):
            return None, None, FileResult(path)
        ignored = self.ignored_in(path)
        enabled = [rule for rule in self.rules if rule.code not in ignored]
        try:
            module, tree = parse_module(data, self.settings.max_file_size)
        except NotParsed as refusal:  # QW001 or QW003: the file is not analysed, nor ever written
            return None, None, self._not_parsed(path, data, refusal, ignored)
        try:
            if not in_project:
                return module, None, self._findings(module, tree, resolve(module), data, path, enabled)
            context = context_for(file, self.project.index)
            collected = collect(module, context)
            resolved = resolve(module, context, collected)
            first = resolve(module, context_for(file, None), collected) if with_part and context.index is not None else resolved
            return module, FileIndex.of(file, first) if with_part else None, self._findings(module, tree, resolved, data, path, enabled)
        except RecursionError:  # LibCST took it, but the analysis walks deeper than Python's recursion limit
            refusal = NotParsed(FileNotAnalysed.code, "Not analysed: nested deeper than the analysis follows (Python's recursion limit)")
            return None, None, self._not_parsed(path, data, refusal, ignored)

    def _findings(self, module: cst.Module, tree: ast.Module, resolved: ResolvedModule, data: bytes, path: str, enabled: list[Rule]) -> FileResult:
        violations = [
            (rule, violation)
            for rule in enabled
            if not isinstance(rule, FileRule)
            for violation in rule.check(resolved, self.settings)
        ]
        comments = suppression_comments(module) if might_suppress(data) else []
        unfollowed = [call for call in resolved.calls if call.arguments.has_splat]
        if not violations and not comments and not unfollowed and not resolved.unfollowed:
            return FileResult(path, call_sites=len(resolved.calls), clean_call_sites=len(resolved.calls))
        positions = Positions(module, tree)
        unresolved = sorted(
            (positions[node].start.line, positions[node].start.column + 1, method)
            for node, method in [*((c.node, c.method) for c in unfollowed), *((node, method) for node, method, name in resolved.unfollowed if name is None)]
        )
        some_paths = [
            (positions[node].start.line, positions[node].start.column + 1, method, name) for node, method, name in resolved.unfollowed if name is not None
        ]
        calls = [(positions[call.node], call.node) for call in resolved.calls]
        contexts = calls + [(positions[c.node], c.node) for c in resolved.clients if c.constructed_here]
        written = _written_elsewhere(resolved)
        findings = list(
            dict.fromkeys(  # a constant used by several calls is one finding, at the constant
                _finding(path, rule, violation, positions, _identity(module, violation.node, positions, contexts), written)
                for rule, violation in violations
            )
        )
        findings = _apply_suppressions(path, module, findings, comments, positions, {rule.code for rule in enabled})
        findings.sort(key=lambda f: f.sort_key)
        clean = sum(1 for where, _ in calls if not any(_inside(f, where) for f in findings))
        lines = frame_lines(data, module.encoding, findings)
        return FileResult(path, findings, lines, len(calls), clean, unresolved=unresolved, some_paths=some_paths)

    def _not_parsed(self, path: str, data: bytes, refusal: NotParsed, ignored: frozenset = frozenset()) -> FileResult:
        finding = RefusedFileRule.finding_for(path, refusal)
        if not self._selected(finding.code) or finding.code in ignored:
            return FileResult(path)
        return FileResult(path, [finding], frame_lines(data, "utf-8", [finding]))


class Positions:
    """Where nodes are in the file, computed only for the top-level statements that hold them.

    LibCST's PositionProvider generates the code of a whole module, which costs about twice its
    parse; findings sit in few statements. Each statement's lines are placed by CPython's own parse
    (its start lines; the tree that judged the file before LibCST saw it); a node outside every statement, or a file CPython reads differently, falls
    back to the whole-module pass.
    """

    def __init__(self, module: cst.Module, tree: ast.Module) -> None:
        """`tree`: CPython's tree of the same file, which places its top-level statements."""
        self.module, self.tree = module, tree
        self._statement_of: dict[cst.CSTNode, cst.CSTNode] = {}  # node -> the top-level statement that holds it
        self._unread = iter(module.body)  # the statements not yet read into _statement_of
        self._known: dict = {}
        self._done: set[int] = set()
        self._starts: Optional[dict[int, int]] = None
        self._index = {id(statement): i for i, statement in enumerate(module.body)}

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        if node not in self._known:
            self._place(node)
        return self._known[node]

    def _statement_starts(self) -> dict[int, int]:
        """The first line of each top-level statement (decorators included), by position in the body."""
        if self._starts is None:
            lines = sorted({min([s.lineno] + [d.lineno for d in getattr(s, "decorator_list", [])]) for s in self.tree.body})
            self._starts = dict(enumerate(lines)) if len(lines) == len(self.module.body) else {}
        return self._starts

    def _statement(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The top-level statement that holds the node: the statements are read in order, each once,
        only as far as the nodes asked for (findings come roughly in the order of the file)."""
        while node not in self._statement_of:
            statement = next(self._unread, None)
            if statement is None:
                return None
            self._statement_of.update((inner, statement) for inner in descendants(statement))
        return self._statement_of[node]

    def _place(self, node: cst.CSTNode) -> None:
        statement = self._statement(node)
        index = self._index.get(id(statement))
        starts = self._statement_starts()
        if index is None or index not in starts or id(statement) in self._done:
            self._known.update(MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider))
            return
        self._done.add(id(statement))
        alone = cst.Module(body=[statement], default_newline=self.module.default_newline, default_indent=self.module.default_indent)
        offset = starts[index] - 1 - len(statement.leading_lines)
        for inner, where in MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider).items():
            self._known[inner] = CodeRange(
                CodePosition(where.start.line + offset, where.start.column), CodePosition(where.end.line + offset, where.end.column)
            )
        if node not in self._known:  # not where the statement's own pass placed it: be safe
            self._known.update(MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider))


def unanalysable(display: str, error: Exception, untouched: str = "") -> FileResult:
    """A file the run could not finish, as one line of the report: never a traceback.

    RecursionError is a file nested too deeply for the parser's recursion; anything else is a bug
    of ours. `untouched` tells what became of the file (fix: "; nothing was written").
    """
    if isinstance(error, RecursionError):
        return FileResult(display, error="nested too deeply to analyse")
    return FileResult(display, error=f"internal error: {type(error).__name__}: {error}{untouched}")


def _relative(path: str, root: Path) -> Optional[str]:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def frame_lines(data: bytes, encoding: str, findings: list[Finding]) -> dict[tuple, str]:
    """The lines that findings point at, for the code frames of the text report."""
    if not findings:
        return {}
    lines = data.decode(encoding, errors="replace").splitlines()
    return {f.frame_key: lines[f.line - 1] for f in findings if 0 < f.line <= len(lines)}


def _inside(finding: Finding, where: CodeRange) -> bool:
    """Whether a finding belongs to the call at `where`: it points into it, or at a parameter it sends."""
    start, end = (where.start.line, where.start.column + 1), (where.end.line, where.end.column + 1)
    return start <= (finding.line, finding.column) <= end or (finding.related is not None and start <= finding.related <= end)


def _identity(module: cst.Module, node: cst.CSTNode, positions, contexts: list[tuple[CodeRange, cst.Call]]) -> str:
    """What identifies a finding in its file, whatever its line: the offending call's callee, and
    the offending argument when the finding is about one (`client.chat.completions.create` and
    `store=True`). Fixing another argument of the same call leaves it as it was."""
    where = positions[node]
    around = [
        (context_where, call)
        for context_where, call in contexts
        if (context_where.start.line, context_where.start.column) <= (where.start.line, where.start.column)
        and (where.end.line, where.end.column) <= (context_where.end.line, context_where.end.column)
    ]
    if not around:
        return module.code_for_node(node)
    call = min(around, key=lambda item: (item[0].end.line - item[0].start.line, item[0].end.column - item[0].start.column))[1]
    part = "" if node is call else module.code_for_node(node)
    return f"{module.code_for_node(call.func)}|{part}"


def _written_elsewhere(resolved) -> dict[cst.CSTNode, tuple[cst.CSTNode, bool]]:
    """Findings about parameters set in dicts or through constants: the node a finding points at ->
    (where the call names the parameter, whether the parameter is set on some paths only)."""
    elsewhere = {}
    for call in [*resolved.calls_elsewhere, *resolved.calls]:  # a call of this module names the parameter best
        arguments = call.arguments
        for name in arguments.names():
            where, written = arguments.where(name), arguments.written_at(name)
            if where is not written or not arguments.is_keyword(name):
                elsewhere[where] = (written if where is not written else call.node, arguments.maybe(name))
    return elsewhere


def _finding(path: str, rule: Rule, violation: Violation, positions, context_source: str, written) -> Finding:
    where = positions[violation.node]
    related, maybe = written.get(violation.node, (None, False))
    message = violation.message + (" (set on some paths only)" if maybe else "")
    related_start = positions[related].start if related is not None else None
    return Finding(
        path=path,
        line=where.start.line,
        column=where.start.column + 1,
        end_line=where.end.line,
        end_column=where.end.column + 1,
        code=rule.code,
        name=rule.name,
        severity=violation.severity or rule.severity,
        message=message,
        fix=violation.fix,
        fingerprint=fingerprint(rule.code, path, context_source),
        related=(related_start.line, related_start.column + 1) if related_start is not None else None,
    )


def _apply_suppressions(
    path: str, module: cst.Module, findings: list[Finding], comments: list[tuple[cst.Comment, list[str]]], positions, enabled: set[str]
) -> list[Finding]:
    """The findings that no comment on their line suppresses, and QW002 for codes no finding needed.

    A line that cannot end with a comment is suppressed by the comment its statement continues to.
    """
    if not comments:
        return findings
    by_line = {positions[comment].start.line: codes for comment, codes in comments}
    standing_for: Optional[dict[int, int]] = None  # tokenized only for a finding no comment on its own line names
    used: set[tuple[int, str]] = set()
    kept = []
    for finding in findings:
        lines = [finding.line] + ([finding.related[0]] if finding.related else [])
        suppressed_on = [line for line in lines if finding.code in by_line.get(line, ())]
        if not suppressed_on:
            if standing_for is None:
                ends = line_ends(module.code)
                standing_for = ends[1] if ends is not None else {}
            lines = [standing_for.get(line, line) for line in lines]
            suppressed_on = [line for line in lines if finding.code in by_line.get(line, ())]
        if suppressed_on:  # on the line of the finding, or where the call names the parameter
            used.update((line, finding.code) for line in suppressed_on)
        else:
            kept.append(finding)
    if UnusedSuppression.code in enabled:
        kept += UnusedSuppression.check_comments(path, comments, positions, used, enabled)
    return kept

"""`qwen-migrate lsp`: a language server over stdio, built on pygls.

Each Python document the editor opens, changes or saves is checked in this process, from its text
in the editor, with the settings of its project (the nearest pyproject.toml with a
`[tool.qwen-migrate]` table, read once per folder until a pyproject.toml is saved), and its findings
are published as diagnostics. Code actions apply a finding's fix (safe ones preferred, unsafe ones
say so in their title), and `source.fixAll.qwen-migrate` applies every safe fix, as `fix` would.

The document is analysed alone: a client imported from another module of the project is not
followed, as `check` follows it. pygls is imported by this module only: the command line imports it
when `lsp` runs, so the other commands never pay for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import libcst as cst
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import PositionCodec, TextDocument

from qwen_migrate import __version__
from qwen_migrate.discovery import excluded_file
from qwen_migrate.edits import apply_edits
from qwen_migrate.engine import Checker, FileResult, project_settings, unanalysable
from qwen_migrate.finding import Finding, FixSafety, Severity
from qwen_migrate.fixer import Fixer, FixError, parses
from qwen_migrate.masking import mask
from qwen_migrate.rules import rule_by_code
from qwen_migrate.rules.qw002_unused_suppression import UnusedSuppression
from qwen_migrate.settings import ConfigError

SOURCE = "qwen-migrate"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # as ruff's source.fixAll.ruff
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
# The LSP's line breaks (the specification, "Text Documents": \n, \r\n and \r), which are Python's
# too; str.splitlines, which pygls uses, breaks at form feeds and other characters besides.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass
class Analysis:
    """A document's text as it was checked, the checker that checked it, its parsed module (None when
    it was not parsed: the edits of the findings name nodes of it) and what was found."""

    text: str
    checker: Checker
    module: Optional[cst.Module]
    result: FileResult


class Projects:
    """The checker for each folder documents are in, made from its project's settings; one checker
    per configuration file, shared by the folders under it."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, Checker] = {}
        self._by_root: dict[Optional[Path], Checker] = {}

    def checker_for(self, folder: Path) -> Checker:
        """The folder's checker; ConfigError when its configuration is wrong."""
        if folder not in self._by_folder:
            settings = project_settings(folder)
            root = settings.root if settings.configured else None
            if root not in self._by_root:
                self._by_root[root] = Checker(settings)
            self._by_folder[folder] = self._by_root[root]
        return self._by_folder[folder]

    def forget(self) -> None:
        """A configuration file changed: read them again."""
        self._by_folder.clear()
        self._by_root.clear()


class QwenMigrateServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, __version__)
        self.projects = Projects()
        self.analyses: dict[str, Analysis] = {}  # by document URI: the last check of each open document
        self._shown: set[str] = set()  # configuration errors already shown: once each, not on every keystroke

    def analysis(self, document: TextDocument) -> Optional[Analysis]:
        """The check of the document's current text (made again only when the text changed), or None
        when its configuration is wrong (shown to the user)."""
        text = document.source
        known = self.analyses.get(document.uri)
        if known is not None and known.text == text:
            return known
        path = to_fs_path(document.uri)
        try:
            checker = self.projects.checker_for(Path(path).parent if path else Path.cwd())
        except ConfigError as error:
            self._show_once(str(error))
            return None
        if path and excluded_file(Path(path).absolute(), checker.settings):  # `exclude` applies, as to `check` and standard input
            module, result = None, FileResult(path)
        else:
            module, result = checker.analyse(text.encode("utf-8"), path or document.uri)
        self.analyses[document.uri] = Analysis(text, checker, module, result)
        return self.analyses[document.uri]

    def publish(self, uri: str) -> None:
        """Publish the findings in the document (none when it cannot be checked)."""
        document = self.workspace.get_text_document(uri)
        if not is_python(document):
            return
        try:
            analysis = self.analysis(document)
            findings = analysis.result.findings if analysis is not None else []
            diagnostics = [diagnostic(finding, _lines(document.source), document.position_codec) for finding in findings]
        except Exception as error:
            self.log_error(uri, error)
            diagnostics = []
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, diagnostics, document.version))

    def reload_settings(self) -> None:
        """A configuration file was saved: read the settings again, and check every open document again."""
        self.projects.forget()
        self.analyses.clear()
        self._shown.clear()
        for uri in list(self.workspace.text_documents):
            self.publish(uri)

    def log_error(self, uri: str, error: Exception) -> None:
        """An internal error, as one line in the editor's log: never a traceback."""
        message = unanalysable(uri, error).error
        self.window_log_message(types.LogMessageParams(types.MessageType.Error, f"qwen-migrate: {uri}: {message}"))

    def _show_once(self, message: str) -> None:
        if message not in self._shown:
            self._shown.add(message)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"qwen-migrate: {message}"))


def is_python(document: TextDocument) -> bool:
    return document.language_id == "python" or document.path.endswith((".py", ".pyi"))


def _lines(text: str) -> list[str]:
    """The document's lines, each with its line break."""
    return _LINES.findall(text) or [""]


def _position(lines: list[str], line: int, column: int, codec: PositionCodec) -> types.Position:
    """The LSP position (from 0, in the client's code units: UTF-16 unless it chose another) of a
    finding's line and column (from 1, in characters). A place past the text is its end."""
    if line > len(lines):
        line, column = len(lines), len(lines[-1]) + 1
    text = lines[line - 1].rstrip("\r\n")
    return types.Position(line - 1, codec.client_num_units(text[: max(column - 1, 0)]))


def diagnostic(finding: Finding, lines: list[str], codec: PositionCodec) -> types.Diagnostic:
    start = _position(lines, finding.line, finding.column, codec)
    end = _position(lines, finding.end_line, finding.end_column, codec)
    return types.Diagnostic(
        range=types.Range(start, end),
        message=mask(finding.message),
        severity=SEVERITIES[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=rule_by_code(finding.code).help_uri()),
        source=SOURCE,
        # an unused `# noqa` is greyed out, as ruff's RUF100
        tags=[types.DiagnosticTag.Unnecessary] if finding.code == UnusedSuppression.code else None,
    )


def replacement(before: str, after: str, codec: PositionCodec) -> types.TextEdit:
    """One edit that turns `before` into `after`: the whole lines between their common first and
    last lines (whole lines: no column to convert, no line break to split)."""
    old, new = _lines(before), _lines(after)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    end = len(old) - tail
    if end == len(old) and not old[-1].endswith(("\r", "\n")):  # up to the end of a last line with no line break
        end_position = types.Position(end - 1, codec.client_num_units(old[-1]))
    else:
        end_position = types.Position(end, 0)
    return types.TextEdit(types.Range(types.Position(head, 0), end_position), "".join(new[head : len(new) - tail]))


def _overlaps(first: types.Range, second: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(first.start) <= key(second.end) and key(second.start) <= key(first.end)


def _wanted(kind: str, only: Optional[list[str]]) -> bool:
    """Whether the client asked for actions of this kind (`only` names kinds or their parents)."""
    return only is None or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def code_actions(server: QwenMigrateServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    document = server.workspace.get_text_document(params.text_document.uri)
    analysis = server.analysis(document) if is_python(document) else None
    if analysis is None or analysis.module is None:
        return []
    lines, codec, only = _lines(analysis.text), document.position_codec, params.context.only
    fixable = [f for f in analysis.result.findings if f.fix is not None and f.fix.edits]
    actions = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        # the fixes of one safety at one place are one action: a client's base URL (QW101) and key
        # (QW102) are fixed together, since either alone sends one provider's key to the other
        together: dict[tuple, list[Finding]] = {}
        for finding in fixable:
            together.setdefault((finding.line, finding.column, finding.end_line, finding.end_column, finding.fix.safety), []).append(finding)
        for findings in together.values():
            shown = [diagnostic(finding, lines, codec) for finding in findings]
            if _overlaps(shown[0].range, params.range):
                action = _fix_action(analysis, findings, shown, codec, document.uri)
                if action is not None:
                    actions.append(action)
    if _wanted(FIX_ALL, only) and any(f.fix.safety is FixSafety.SAFE for f in fixable):
        action = _fix_all_action(analysis, codec, document.uri)
        if action is not None:
            actions.append(action)
    return actions


def _fix_action(analysis: Analysis, findings: list[Finding], shown: list[types.Diagnostic], codec: PositionCodec, uri: str) -> Optional[types.CodeAction]:
    """The action that applies the fixes of findings at one place; None when the result would not parse."""
    fixed = apply_edits(analysis.module, tuple(edit for finding in findings for edit in finding.fix.edits)).bytes
    if not parses(fixed):
        return None
    safe = findings[0].fix.safety is FixSafety.SAFE
    return types.CodeAction(
        title=", ".join(f.code for f in findings) + ": " + "; ".join(mask(f.fix.description) for f in findings) + ("" if safe else " (unsafe)"),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=shown,
        is_preferred=safe,
        edit=_edit(uri, analysis.text, fixed, codec),
    )


def _fix_all_action(analysis: Analysis, codec: PositionCodec, uri: str) -> Optional[types.CodeAction]:
    """Every safe fix, applied as `fix` applies them (pass after pass, the result checked)."""
    try:
        outcome = Fixer(analysis.checker).fix_source(analysis.text.encode("utf-8"), analysis.result.path, analysed=(analysis.module, analysis.result))
    except FixError:
        return None
    if not outcome.changed:
        return None
    return types.CodeAction(
        title="qwen-migrate: fix all safe fixes",
        kind=FIX_ALL,
        edit=_edit(uri, analysis.text, outcome.fixed, codec),
    )


def _edit(uri: str, before: str, fixed: bytes, codec: PositionCodec) -> types.WorkspaceEdit:
    """The edit that turns the document's text into the fixed one (the text was checked as UTF-8,
    whatever its coding declaration: LibCST writes back the bytes it read)."""
    return types.WorkspaceEdit(changes={uri: [replacement(before, fixed.decode("utf-8"), codec)]})


def build() -> QwenMigrateServer:
    server = QwenMigrateServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: QwenMigrateServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: QwenMigrateServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: QwenMigrateServer, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.endswith("/pyproject.toml"):
            ls.reload_settings()
        else:
            ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: QwenMigrateServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.analyses.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    def code_action(ls: QwenMigrateServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        try:
            return code_actions(ls, params)
        except Exception as error:  # no action rather than an error in the editor
            ls.log_error(params.text_document.uri, error)
            return []

    return server


def serve() -> None:
    """Serve over stdin and stdout until the client says exit."""
    build().start_io()

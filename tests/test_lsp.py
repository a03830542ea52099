"""`qwen-migrate lsp`, through a real LSP client (pygls's LanguageClient) talking to
`python -m qwen_migrate lsp` over stdio: one server for the module."""
from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qwen_migrate import __version__, cli

pytest.importorskip("pygls")
from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

# The 😋 before the call's arguments takes two UTF-16 code units and one character: the columns of
# the findings after it differ by one between the two.
INCOMPATIBLE = (
    "from openai import OpenAI\n"
    "\n"
    "client = OpenAI()\n"
    'reply = client.chat.completions.create(messages=[{"role": "user", "content": "😋"}], model="gpt-4o", store=True)\n'
)
COMPATIBLE = (
    "import os\n"
    "from openai import OpenAI\n"
    "\n"
    'client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")\n'
    'client.chat.completions.create(model="qwen3.6-plus", messages=[])\n'
)
TIMEOUT = 60


class Session:
    """A client and its server; the client's event loop runs in a thread of its own, so that the tests
    (synchronous) drive it with `run`, and the diagnostics the server publishes are kept by URI."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.diagnostics: dict[str, types.PublishDiagnosticsParams] = {}
        self.messages: list[str] = []
        self.client: LanguageClient = self.run(self._start())

    async def _start(self) -> LanguageClient:
        client = LanguageClient("qwen-migrate-tests", "1")

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        @client.feature(types.WINDOW_LOG_MESSAGE)
        def message(params) -> None:
            self.messages.append(params.message)

        await client.start_io(sys.executable, "-m", "qwen_migrate", "lsp")
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        client.initialized(types.InitializedParams())
        return client

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(TIMEOUT)

    def notify(self, send, params) -> None:
        """A notification, sent from the client's loop."""

        async def sending():
            send(params)

        self.run(sending())

    def diagnostics_for(self, uri: str, version: int) -> list[types.Diagnostic]:
        """The diagnostics the server published for this version of the document."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            published = self.diagnostics.get(uri)
            if published is not None and published.version == version:
                return list(published.diagnostics)
            time.sleep(0.01)
        raise AssertionError(f"no diagnostics for {uri} version {version}; messages: {self.messages}")

    def open(self, path: Path, text: str, version: int = 1) -> list[types.Diagnostic]:
        path.write_text(text, encoding="utf-8", newline="")
        item = types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=version, text=text)
        self.notify(self.client.text_document_did_open, types.DidOpenTextDocumentParams(item))
        return self.diagnostics_for(path.as_uri(), version)

    def change(self, path: Path, text: str, version: int) -> list[types.Diagnostic]:
        document = types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version)
        change = types.TextDocumentContentChangeWholeDocument(text=text)
        self.notify(self.client.text_document_did_change, types.DidChangeTextDocumentParams(document, [change]))
        return self.diagnostics_for(path.as_uri(), version)

    def code_actions(self, path: Path, at: types.Range, only=None) -> list[types.CodeAction]:
        context = types.CodeActionContext(diagnostics=[], only=only)
        params = types.CodeActionParams(types.TextDocumentIdentifier(path.as_uri()), at, context)
        return self.run(self.client.text_document_code_action_async(params)) or []

    def close(self) -> int:
        """Shut the server down as an editor does; its exit code."""
        self.run(self.client.shutdown_async(None))
        self.notify(self.client.exit, None)
        self.run(self.client.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(TIMEOUT)
        return self.client._server.returncode


@pytest.fixture(scope="module")
def session():
    session = Session()
    yield session
    if not session.client.stopped:
        session.close()


def apply(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    """The text with the edit applied as the LSP says: lines broken at \\n, \\r\\n or \\r, characters
    counted in UTF-16 code units; the edits of one document apply to its text before any of them."""
    starts = [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]

    def offset(position: types.Position) -> int:
        line_start = starts[position.line]
        units = 0
        for index, character in enumerate(text[line_start:], start=line_start):
            if units >= position.character or character in "\r\n":
                return index
            units += 2 if ord(character) > 0xFFFF else 1
        return len(text)

    for text_edit in sorted(edit.changes[uri], key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(text_edit.range.start)] + text_edit.new_text + text[offset(text_edit.range.end) :]
    return text


def where(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    return diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character


def test_open_publishes_the_findings_with_lsp_ranges(session, tmp_path):
    diagnostics = session.open(tmp_path / "chat.py", INCOMPATIBLE)
    found = {(d.code, where(d)) for d in diagnostics}
    assert found == {
        ("QW101", (2, 9, 2, 17)),
        ("QW102", (2, 9, 2, 17)),
        # `model="gpt-4o"` starts at character 85 of the line (from 1), after the 😋: 85 UTF-16 units before it
        ("QW210", (3, 85, 3, 99)),
        ("QW208", (3, 101, 3, 111)),
    }
    by_code = {d.code: d for d in diagnostics}
    assert by_code["QW101"].severity == types.DiagnosticSeverity.Error
    assert by_code["QW208"].severity == types.DiagnosticSeverity.Warning
    assert {d.source for d in diagnostics} == {"qwen-migrate"}
    assert by_code["QW208"].message == "store is silently ignored by DashScope"
    # the rule's row in the README at the installed version, as SARIF's helpUri
    assert by_code["QW208"].code_description.href.endswith(f"/blob/v{__version__}/README.md#qw208")


def test_a_safe_quick_fix_applies_to_the_text(session, tmp_path):
    path = tmp_path / "model.py"
    diagnostics = session.open(path, INCOMPATIBLE)
    model = next(d for d in diagnostics if d.code == "QW210")
    actions = session.code_actions(path, types.Range(model.range.start, model.range.start))
    assert [(a.title, a.kind, a.is_preferred) for a in actions if a.kind == types.CodeActionKind.QuickFix] == [
        ("QW210: Replace with 'qwen3.6-plus'", types.CodeActionKind.QuickFix, True)
    ]
    quick_fix = actions[0]
    assert [d.code for d in quick_fix.diagnostics] == ["QW210"]
    fixed = apply(INCOMPATIBLE, quick_fix.edit, path.as_uri())
    assert fixed == INCOMPATIBLE.replace('model="gpt-4o"', 'model="qwen3.6-plus"')
    compile(fixed, "model.py", "exec")


def test_an_unsafe_fix_says_so_and_is_not_preferred(session, tmp_path):
    path = tmp_path / "store.py"
    diagnostics = session.open(path, INCOMPATIBLE)
    store = next(d for d in diagnostics if d.code == "QW208")
    actions = session.code_actions(path, store.range, only=[types.CodeActionKind.QuickFix])
    assert [(a.title, a.is_preferred) for a in actions] == [("QW208: Remove store (unsafe)", False)]
    fixed = apply(INCOMPATIBLE, actions[0].edit, path.as_uri())
    assert fixed == INCOMPATIBLE.replace(', store=True', "")


def test_fix_all_applies_every_safe_fix_and_the_change_clears_the_diagnostics(session, tmp_path):
    path = tmp_path / "all.py"
    session.open(path, INCOMPATIBLE)
    actions = session.code_actions(path, types.Range(types.Position(0, 0), types.Position(0, 0)), only=[types.CodeActionKind.SourceFixAll])
    assert [(a.title, a.kind) for a in actions] == [("qwen-migrate: fix all safe fixes", "source.fixAll.qwen-migrate")]
    fixed = apply(INCOMPATIBLE, actions[0].edit, path.as_uri())
    compile(fixed, "all.py", "exec")
    assert 'model="qwen3.6-plus"' in fixed and "store=True" in fixed  # the unsafe fix is left out
    remaining = session.change(path, fixed, version=2)
    assert [d.code for d in remaining] == ["QW208"]
    assert session.change(path, COMPATIBLE, version=3) == []


def test_closing_a_document_clears_its_diagnostics(session, tmp_path):
    path = tmp_path / "closed.py"
    assert session.open(path, INCOMPATIBLE)
    session.notify(session.client.text_document_did_close, types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(path.as_uri())))
    assert session.diagnostics_for(path.as_uri(), None) == []


def test_crlf_lines_and_form_feeds_are_placed_as_the_lsp_counts_lines(session, tmp_path):
    # str.splitlines would break at the form feed, and count one line more than Python and the LSP
    text = INCOMPATIBLE.replace("\n\n", "\n\x0c\n").replace("\n", "\r\n")
    path = tmp_path / "windows.py"
    model = next(d for d in session.open(path, text) if d.code == "QW210")
    assert where(model) == (3, 85, 3, 99)
    action = session.code_actions(path, model.range, only=[types.CodeActionKind.QuickFix])[0]
    assert apply(text, action.edit, path.as_uri()) == text.replace('model="gpt-4o"', 'model="qwen3.6-plus"')


def test_a_file_that_does_not_parse_is_qw001_where_the_parser_stopped(session, tmp_path):
    path = tmp_path / "broken.py"
    diagnostics = session.open(path, "from openai import OpenAI\n\nclient = OpenAI(\n")
    assert [(d.code, d.range.start.line, d.severity) for d in diagnostics] == [("QW001", 2, types.DiagnosticSeverity.Error)]
    assert "was never closed" in diagnostics[0].message
    assert session.code_actions(path, diagnostics[0].range) == []


def test_the_projects_settings_apply(session, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.qwen-migrate]\nignore = ["QW210"]\n\n[tool.qwen-migrate.per-file-ignores]\n"scripts/*" = ["QW208"]\n')
    (tmp_path / "scripts").mkdir()
    assert {d.code for d in session.open(tmp_path / "app.py", INCOMPATIBLE)} == {"QW101", "QW102", "QW208"}
    assert {d.code for d in session.open(tmp_path / "scripts" / "run.py", INCOMPATIBLE)} == {"QW101", "QW102"}


def test_an_excluded_document_has_no_diagnostics(session, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.qwen-migrate]\nexclude = ["gen_*.py"]\n')
    assert session.open(tmp_path / "gen_client.py", INCOMPATIBLE) == []
    assert session.open(tmp_path / "client.py", INCOMPATIBLE) != []


def test_a_client_s_base_url_and_key_are_fixed_together(session, tmp_path):
    """Either fix alone would send one provider's key to the other."""
    path = tmp_path / "client_fix.py"
    client = next(d for d in session.open(path, INCOMPATIBLE) if d.code == "QW102")
    actions = session.code_actions(path, client.range, only=[types.CodeActionKind.QuickFix])
    assert [a.title.split(":")[0] for a in actions] == ["QW101, QW102"]
    fixed = apply(INCOMPATIBLE, actions[0].edit, path.as_uri())
    assert 'api_key=os.getenv("DASHSCOPE_API_KEY")' in fixed and 'base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1"' in fixed
    compile(fixed, "client_fix.py", "exec")


def test_saving_a_pyproject_toml_applies_its_settings_to_the_open_documents(session, tmp_path):
    path = tmp_path / "app.py"
    assert "QW210" in {d.code for d in session.open(path, INCOMPATIBLE)}
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.qwen-migrate]\nignore = ["QW210"]\n')
    del session.diagnostics[path.as_uri()]
    session.notify(session.client.text_document_did_save, types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(pyproject.as_uri())))
    assert {d.code for d in session.diagnostics_for(path.as_uri(), 1)} == {"QW101", "QW102", "QW208"}


def test_a_wrong_configuration_is_shown_in_one_line_and_nothing_is_reported(session, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.qwen-migrate]\nignore = ["XX9"]\n')
    assert session.open(tmp_path / "app.py", INCOMPATIBLE) == []
    assert any("unknown rule code or prefix 'XX9'" in message for message in session.messages)
    assert not any("Traceback" in message for message in session.messages)


def test_shutdown_and_exit_end_the_server_cleanly():
    assert Session().close() == 0


def test_without_pygls_the_command_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygls", None)  # an import of it fails, as when it is not installed
    monkeypatch.delitem(sys.modules, "qwen_migrate.lsp", raising=False)
    result = CliRunner().invoke(cli.main, ["lsp"])
    assert result.exit_code == 2
    assert result.output == "qwen-migrate: lsp needs pygls: pip install 'qwen-migrate[lsp]'\n"


def test_the_other_commands_do_not_import_pygls():
    code = "import sys; from qwen_migrate import cli; print(sorted(m for m in sys.modules if m.startswith(('pygls', 'lsprotocol'))))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"

"""Bad input is a finding or a clear message, never a traceback."""
import ast
import io
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from qwen_migrate import runner
from qwen_migrate.analysis.model import ProjectIndex
from qwen_migrate.analysis.project import index_file
from qwen_migrate.cli import main
from qwen_migrate.settings import Settings
from qwen_migrate.discovery import discover, display_path
from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer
from qwen_migrate.options import FixOptions
from qwen_migrate.parsing import MAX_DEPTH, nesting_depth

from helpers import as_another_user, check, root_only

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    "data, line, message",
    [
        (b"import openai\nclient = openai.OpenAI(\n", 2, "SyntaxError: '(' was never closed"),
        (b"import openai\x00\n", 1, "SyntaxError: source code string cannot contain null bytes"),
        (b"import openai\nx = '\xff'\n", 2, "SyntaxError: (unicode error)"),
        (b"# -*- coding: klingon -*-\nimport openai\n", 1, "SyntaxError: unknown encoding"),
    ],
)
def test_unparsable_file_is_one_qw001_finding(data, line, message):
    result = Checker(Settings()).check_source(data, "bad.py")
    assert [(f.code, f.line) for f in result.findings] == [("QW001", line)]
    assert result.findings[0].message.startswith(message)


def test_parse_error_hides_every_other_finding():
    assert [f.code for f in check("from openai import OpenAI\nOpenAI()\ndef broken(:\n")] == ["QW001"]


def test_other_encodings_declared_in_the_file_are_read():
    data = "# -*- coding: latin-1 -*-\nimport openai\nname = 'café'\nopenai.OpenAI()\n".encode("latin-1")
    result = Checker(Settings()).check_source(data, "latin.py")
    assert [f.code for f in result.findings] == ["QW101", "QW102"]
    assert result.frame_lines == {(None, 4): "openai.OpenAI()"}


def test_empty_file_and_files_without_the_sdk():
    assert check("") == []
    assert check("def create():\n    pass\n") == []


def test_unreadable_path_is_a_finding(tmp_path):
    result = Checker(Settings()).check_file(tmp_path, "folder.py")  # a directory cannot be read as a file
    assert [f.code for f in result.findings] == ["QW001"]
    assert result.findings[0].message.startswith("Cannot read the file")


@pytest.mark.parametrize("code", ["x = openai" + ".a" * 500, "x = " + "+".join(["openai.x"] * 900)])
def test_code_parsed_but_too_deep_for_the_analysis_is_qw003_never_written(tmp_path, code):
    path = tmp_path / "deep.py"
    source = "import openai\nclient = openai.OpenAI()\n" + code + "\n"
    path.write_text(source)
    result = Checker(Settings()).check_file(path, "deep.py")
    assert result.error is None  # a finding, as QW003 promises, not an error that exits 2
    assert [(f.code, f.message) for f in result.findings] == [
        ("QW003", "Not analysed: nested deeper than the analysis follows (Python's recursion limit)")
    ]
    outcome = Fixer(Checker(Settings())).fix_file(path, "deep.py", write=True)
    assert not outcome.changed and path.read_text() == source


@root_only
def test_folder_without_search_permission_is_skipped_or_one_line_error(shared_folder):
    (shared_folder / "app.py").write_text("import openai\n")
    volume = shared_folder / "database"
    volume.mkdir(mode=0o700)
    (volume / "data.py").write_text("import openai\n")
    settings = Settings(root=shared_folder)

    assert as_another_user(lambda: [p.name for p in discover([shared_folder], settings)]) == "['app.py']"
    assert as_another_user(lambda: discover([volume / "data.py"], settings)).endswith(
        "DiscoveryError: " + display_path(volume / "data.py") + ": Permission denied"
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_file_names_that_are_not_utf8_are_checked_and_shown_escaped(tmp_path, monkeypatch, jobs):
    monkeypatch.chdir(tmp_path)
    call = b'client.chat.completions.create(model="gpt-4o", messages=[])\n'
    # a module-level client (the project pre-pass indexes it), and a file without one
    Path(os.fsdecode(b"caf\xe9.py")).write_bytes(b"import openai\nclient = openai.OpenAI()\n" + call)
    Path(os.fsdecode(b"th\xe9.py")).write_bytes(b"import openai\nopenai.OpenAI().chat.completions.create(model='gpt-4o', messages=[])\n")
    result = CliRunner().invoke(main, ["check", "-j", jobs, "--format", "json", "."])
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    assert sorted({f["path"] for f in document["findings"]}) == ["caf\\xe9.py", "th\\xe9.py"]
    assert document["summary"]["files_checked"] == 2


def _refuse_libcst(monkeypatch):
    """Make any LibCST parse fail the test: the files at hand must never reach it."""
    def parse_module(*_):
        raise AssertionError("LibCST was given the file")

    monkeypatch.setattr("qwen_migrate.parsing.cst.parse_module", parse_module)


@pytest.mark.parametrize(
    "source, reason",
    [
        ("x = " + "+".join(["1"] * 8000) + "\n", "nested deeper than Python's own parser takes"),  # 16 KB: LibCST segfaults
        ("x = " + " and ".join(["a"] * 1500) + "\n", "nested 1,504 levels deep"),  # flat for CPython, nested for LibCST
        ("x = " + "+".join(["1"] * 1500) + "\n", "nested 1,502 levels deep"),
    ],
)
def test_code_nested_deeper_than_the_parser_survives_is_qw003_and_never_parsed(source, reason, monkeypatch):
    _refuse_libcst(monkeypatch)
    result = Checker(Settings()).check_source(("import openai\n" + source).encode(), "deep.py")
    assert result.error is None
    assert [(f.code, f.name, f.severity.value, f.line) for f in result.findings] == [("QW003", "file-not-analysed", "warning", 1)]
    assert result.findings[0].message.startswith(f"Not analysed: {reason}")


def test_file_over_the_size_limit_is_qw003_never_parsed_never_written(tmp_path, monkeypatch):
    path = tmp_path / "big.py"
    data = b"import openai\nclient = openai.OpenAI()\n"
    path.write_bytes(data)
    _refuse_libcst(monkeypatch)
    settings = Settings(max_file_size=20)
    result = Checker(settings).check_file(path, "big.py")
    assert [f.code for f in result.findings] == ["QW003"]
    assert result.findings[0].message == f"Not analysed: {len(data)} bytes, more than the size limit of 20 (max-file-size)"
    outcome = Fixer(Checker(settings)).fix_file(path, "big.py", write=True)
    assert not outcome.changed and path.read_bytes() == data
    assert [f.code for f in outcome.remaining.findings] == ["QW003"]


def test_size_limit_is_a_setting_and_an_option(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.qwen-migrate]\nmax-file-size = 30\n")
    (tmp_path / "app.py").write_text("import openai\nclient = openai.OpenAI()\n")
    configured = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path / "app.py")])
    assert [f["code"] for f in json.loads(configured.output)["findings"]] == ["QW003"]
    raised = CliRunner().invoke(main, ["check", "--format", "json", "--max-file-size", "1000", str(tmp_path / "app.py")])
    assert [f["code"] for f in json.loads(raised.output)["findings"]] == ["QW101", "QW102"]
    (tmp_path / "pyproject.toml").write_text("[tool.qwen-migrate]\nmax-file-size = \"big\"\n")
    refused = CliRunner().invoke(main, ["check", str(tmp_path / "app.py")])
    assert refused.exit_code == 2 and "max-file-size: expected a positive number of bytes" in refused.output


def test_project_pre_pass_judges_files_before_parsing(tmp_path, monkeypatch):
    deep = tmp_path / "deep.py"
    deep.write_text("import openai\nclient = openai.OpenAI()\nx = " + " and ".join(["a"] * 1500) + "\n")
    _refuse_libcst(monkeypatch)
    assert index_file(deep, 1_000_000).exports == ProjectIndex()


def _dies_on_crash_py(check_file):
    def check_or_die(self, path, display, *rest):
        if path.name == "crash.py":
            os.kill(os.getpid(), signal.SIGSEGV)  # as LibCST's native parser does on a stack overflow
        return check_file(self, path, display, *rest)

    return check_or_die


def test_a_worker_that_dies_costs_only_its_file(tmp_path, monkeypatch):
    names = ["crash.py"] + [f"app{i}.py" for i in range(9)]
    for name in names:
        (tmp_path / name).write_text("import openai\nclient = openai.OpenAI()\n")
    files = sorted(tmp_path / name for name in names)
    settings = Settings(root=tmp_path)
    # Only the worker processes, forked from here, ever call it.
    monkeypatch.setattr(Checker, "check_and_index", _dies_on_crash_py(Checker.check_and_index))
    results = runner.Run(files, settings, 2, Console(file=io.StringIO())).check()
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["crash.py"].error == "the worker process analysing it crashed; nothing was reported or written"
    assert all(by_name[name].error is None and [f.code for f in by_name[name].findings] == ["QW101", "QW102"] for name in names[1:])


def test_a_worker_that_dies_in_a_fix_costs_only_its_file(tmp_path, monkeypatch):
    names = ["crash.py"] + [f"app{i}.py" for i in range(9)]
    for name in names:
        (tmp_path / name).write_text("import openai\nclient = openai.OpenAI()\n")
    files = sorted(tmp_path / name for name in names)
    # Only the worker processes, forked from here, ever call it.
    monkeypatch.setattr(Checker, "analyse_and_index", _dies_on_crash_py_data(Checker.analyse_and_index))
    results = runner.Run(files, Settings(root=tmp_path), 2, Console(file=io.StringIO())).fix(FixOptions(unsafe=False, add_todo=False, diff=False))
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["crash.py"].error == "the worker process analysing it crashed; nothing was reported or written"
    assert (tmp_path / "crash.py").read_text() == "import openai\nclient = openai.OpenAI()\n"
    assert all(by_name[name].changed and "DASHSCOPE_API_KEY" in (tmp_path / name).read_text() for name in names[1:])


def _dies_on_crash_py_data(analyse):
    def analyse_or_die(self, data, display, path, *rest):
        if path.name == "crash.py":
            os.kill(os.getpid(), signal.SIGSEGV)
        return analyse(self, data, display, path, *rest)

    return analyse_or_die


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the syntax is valid from Python 3.12 on")
@pytest.mark.parametrize(
    "statement", ["type Alias = int", "def first[T](items: list[T]) -> T: ...", "x = f\"{\"nested\"}\""]
)
def test_newer_syntax_is_qw001_saying_which_python_from_check_and_fix(statement, tmp_path):
    data = f"import openai\n{statement}\nclient = openai.OpenAI()\n".encode()
    result = Checker(Settings()).check_source(data, "new.py")
    assert [(f.code, f.line) for f in result.findings] == [("QW001", 2)]
    assert result.findings[0].message.endswith("(this syntax needs a newer Python than 3.11)")
    path = tmp_path / "new.py"
    path.write_bytes(data)
    outcome = Fixer(Checker(Settings())).fix_file(path, "new.py", write=True)
    assert not outcome.changed and path.read_bytes() == data
    assert outcome.remaining.findings == result.findings


def test_nul_byte_is_qw001_from_check_and_fix_without_a_python_to_blame(tmp_path):
    data = b"import openai\nx = '\x00'\nclient = openai.OpenAI()\n"
    result = Checker(Settings()).check_source(data, "nul.py")
    assert [f.code for f in result.findings] == ["QW001"]
    assert "newer Python" not in result.findings[0].message
    path = tmp_path / "nul.py"
    path.write_bytes(data)
    outcome = Fixer(Checker(Settings())).fix_file(path, "nul.py", write=True)
    assert not outcome.changed and [f.code for f in outcome.remaining.findings] == ["QW001"]


def _every_node_depth(tree):
    """nesting_depth without its shortcut: every node walked."""
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        step = len(node.values) if isinstance(node, ast.BoolOp) else 1
        pending.extend((child, depth + step) for child in ast.iter_child_nodes(node))
    return deepest


NEAR_THE_LIMIT = (
    ["x = " + "+".join(["1"] * n) for n in (995, 998, 999, 1000, 1001, 1500)]
    + ["x = " + " and ".join(["a"] * n) for n in (497, 498, 499, 500, 501)]
    + ["x = (" + "+\n".join(["1"] * n) + ")" for n in (998, 999, 1000, 1001)]
    + ["def f():\n" + "".join(" " * (i + 1) + "if a:\n" for i in range(90)) + " " * 91 + "x = " + "+".join(["1"] * n) for n in (900, 905, 910)]
    + ["x = " + ".".join(["a"] * n) for n in (997, 998, 999, 1000)]
    + ["if a:\n  pass\n" + "".join(f"elif b{i}:\n  pass\n" for i in range(n)) for n in (996, 997, 998, 999)]
)


@pytest.mark.parametrize("source", NEAR_THE_LIMIT + [p.read_text() for p in sorted(FIXTURES.rglob("*.py")) if p.name != "broken.py"])
def test_the_depth_judgement_walks_less_and_judges_the_same(source):
    tree = ast.parse(source)
    every, judged = _every_node_depth(tree), nesting_depth(tree, source.encode())
    assert (judged > MAX_DEPTH) == (every > MAX_DEPTH)
    if every > MAX_DEPTH:
        assert judged == every  # the depth the finding reports

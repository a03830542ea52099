"""Bad input is a finding or a clear message, never a traceback."""
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main
from qwen_migrate.config import Settings
from qwen_migrate.discovery import discover, display_path
from qwen_migrate.engine import Checker

from helpers import check


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


def test_deeply_nested_code_is_a_clear_error_not_a_crash(tmp_path):
    path = tmp_path / "deep.py"
    path.write_text("import openai\nx = openai" + ".a" * 3000 + "\n")
    result = Checker(Settings()).check_file(path, "deep.py")
    assert result.error == "nested too deeply to analyse"


def _as_another_user(function):
    """function() run in a forked child as an unprivileged user (root ignores permission bits):
    its result, or the name and text of what it raised. Everything is imported already: that user
    may not read this Python's files."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        try:
            os.setuid(12345)
            answer = repr(function())
        except BaseException as error:
            answer = f"{type(error).__name__}: {error}"
        os.write(write_end, answer.encode("utf-8", "backslashreplace"))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        answer = stream.read().decode("utf-8")
    os.waitpid(child, 0)
    return answer


@pytest.fixture
def open_tmp_path():
    """A folder in /tmp that another user can enter (pytest's tmp_path is under a 0700 folder)."""
    path = Path(tempfile.mkdtemp())
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to act as another user")
def test_folder_without_search_permission_is_skipped_or_one_line_error(open_tmp_path):
    (open_tmp_path / "app.py").write_text("import openai\n")
    volume = open_tmp_path / "database"
    volume.mkdir(mode=0o700)
    (volume / "data.py").write_text("import openai\n")
    settings = Settings(root=open_tmp_path)

    assert _as_another_user(lambda: [p.name for p in discover([open_tmp_path], settings)]) == "['app.py']"
    assert _as_another_user(lambda: discover([volume / "data.py"], settings)).endswith(
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

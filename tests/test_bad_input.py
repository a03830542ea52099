"""Bad input is a finding or a clear message, never a traceback."""
import pytest

from qwen_migrate.config import Settings
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

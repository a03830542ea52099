"""QW8: configuration files that point the application at OpenAI (reported, never fixed)."""
import json

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main
from qwen_migrate.settings import Settings

from helpers import check_config


@pytest.mark.parametrize(
    "name, text, expected",
    [
        (".env", "export OPENAI_BASE_URL='https://api.openai.com/v1'\n", [("QW801", 1)]),
        (".env.production", "DASHSCOPE_API_KEY=x\nOPENAI_API_KEY=y\n", []),
        ("config.yaml", "llm:\n  model: gpt-4o\n  endpoint: https://dashscope-us.aliyuncs.com/compatible-mode/v1\n", [("QW803", 2)]),
        ("settings.toml", '[llm]\nOPENAI_API_KEY = "sk-x"\nchat_model = "gpt-5-mini"\n', [("QW802", 2), ("QW803", 3)]),
        ("settings.json", '{\n  "base_url": "http://localhost:8080/v1",\n  "model": "qwen3.6-plus"\n}\n', [("QW801", 2)]),
        ("records.json", '[{"model": "gpt-4o"}]\n', []),  # data, not configuration
        ("notes.yaml", "# model: gpt-4o\n", []),  # a comment
        ("app.yaml", "model: gpt-4.5-preview\n", []),  # not in the model map: nothing to propose
    ],
)
def test_formats(tmp_path, name, text, expected):
    assert [(f.code, f.line) for f in check_config(text, tmp_path, name)] == expected


def test_configured_key_variable(tmp_path):
    settings = Settings(api_key_env="QWEN_KEY")
    assert [f.code for f in check_config("OPENAI_API_KEY=x\nDASHSCOPE_API_KEY=y\n", tmp_path, settings=settings)] == ["QW802"]
    assert check_config("OPENAI_API_KEY=x\nQWEN_KEY=y\n", tmp_path, settings=settings) == []


def test_key_values_are_never_printed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-very-secret\n")
    for output_format in ("text", "json", "sarif", "github"):
        output = CliRunner().invoke(main, ["check", "--format", output_format, "."]).output
        assert "QW802" in output and "sk-very-secret" not in output


def test_lock_files_and_large_files_are_left_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "package-lock.json").write_text('{\n  "model": "gpt-4o"\n}\n')
    (tmp_path / "poetry.lock").write_text('model = "gpt-4o"\n')
    (tmp_path / "big.json").write_text('{\n  "model": "gpt-4o",\n' + '  "x": 1,\n' * 150_000 + '  "y": 2\n}\n')
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "."]).output)
    assert document["findings"] == []


def test_fix_reports_configuration_but_leaves_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CHAT_MODEL=gpt-4o\n")
    result = CliRunner().invoke(main, ["fix", "."])
    assert result.exit_code == 1 and "QW803" in result.output
    assert (tmp_path / ".env").read_text() == "CHAT_MODEL=gpt-4o\n"


def test_select_and_ignore_apply(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CHAT_MODEL=gpt-4o\nOPENAI_API_KEY=x\n")
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "--ignore", "QW802", "."]).output)
    assert [f["code"] for f in document["findings"]] == ["QW803"]

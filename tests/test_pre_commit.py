"""The pre-commit hooks of this repository, installed and run by the real `pre-commit` tool.

This is the slow test of the suite (pre-commit builds a virtualenv and installs qwen-migrate in it).
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from qwen_migrate.discovery import kind_by_name

REPOSITORY = Path(__file__).resolve().parents[1]
INCOMPATIBLE = 'from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'
COMPATIBLE = (
    'import os\nfrom openai import OpenAI\n\n'
    'client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")\n'
    'client.chat.completions.create(model="qwen3.6-plus", messages=[])\n'
)


def pre_commit() -> list[str]:
    executable = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if executable is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit, or the test extra)")
    return [executable]


@pytest.fixture(scope="module")
def user_repository(tmp_path_factory):
    folder = tmp_path_factory.mktemp("user-repo")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    return folder, environment


def try_hook(folder: Path, environment: dict, hook: str, *files: str) -> subprocess.CompletedProcess:
    command = [*pre_commit(), "try-repo", str(REPOSITORY), hook, "--verbose", "--files", *files]
    return subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, timeout=900)


def test_check_hook_fails_on_incompatible_code_and_passes_on_clean_code(user_repository):
    folder, environment = user_repository
    (folder / "bad.py").write_text(INCOMPATIBLE)
    (folder / "good.py").write_text(COMPATIBLE)
    failing = try_hook(folder, environment, "qwen-migrate", "bad.py")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "bad.py:3:10: QW101" in failing.stdout
    passing = try_hook(folder, environment, "qwen-migrate", "good.py")
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_fix_hook_rewrites_the_file(user_repository):
    folder, environment = user_repository
    (folder / "bad.py").write_text(INCOMPATIBLE)
    subprocess.run(["git", "add", "bad.py"], cwd=folder, check=True)  # as a commit would have it staged
    result = try_hook(folder, environment, "qwen-migrate-fix", "bad.py")
    assert result.returncode == 1  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in result.stdout
    fixed = (folder / "bad.py").read_text()
    assert 'base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1"' in fixed
    assert 'model="qwen3.6-plus"' in fixed
    subprocess.run(["git", "add", "bad.py"], cwd=folder, check=True)
    again = try_hook(folder, environment, "qwen-migrate-fix", "bad.py")
    assert again.returncode == 0, again.stdout


def test_the_hooks_read_the_configuration_files_a_full_run_reads(user_repository):
    folder, environment = user_repository
    (folder / ".env.example").write_text("OPENAI_BASE_URL=https://api.openai.com/v1\n")
    (folder / "settings.yaml").write_text("model: gpt-4o\n")
    (folder / "notes.txt").write_text("OPENAI_BASE_URL=https://api.openai.com/v1\n")
    for hook in ("qwen-migrate", "qwen-migrate-fix"):
        result = try_hook(folder, environment, hook, ".env.example", "settings.yaml", "notes.txt")
        assert result.returncode == 1, result.stdout + result.stderr
        assert ".env.example:1:1: QW801" in result.stdout
        assert "settings.yaml:1" in result.stdout
        assert "notes.txt" not in result.stdout  # a file check does not read is not passed


@pytest.mark.parametrize(
    "name",
    ["app.py", "stubs.pyi", "triage.ipynb", "config.yaml", "ci.yml", "settings.toml", "models.json", ".env",
     ".env.example", "deploy/.env.production", "README.md", "setup.cfg", "Dockerfile", "env.sh"],
)
def test_the_hooks_take_exactly_what_a_walk_of_the_tree_reads(name):
    # the `files` pattern copies discovery's choice by hand: this keeps the two equal
    hooks = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text())
    read = kind_by_name(Path(name)) is not None
    for hook in hooks:
        assert bool(re.search(hook["files"], name)) == read, (hook["id"], name)

"""Keys and credentials never leave the process: every report format, diffs, TODOs, baselines, errors.

The project below holds realistic keys: an OpenAI project key, a DashScope key (32 hex digits), a
service-account key and URLs with credentials, in Python code, in a `.env` file and in a notebook.
"""
import json

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main
from qwen_migrate.fixer import Fixer
from qwen_migrate.masking import mask, masked

PROJECT_KEY = (
    "sk-proj-575YX8XM5mSLFy5UBIHEYeD7p4Zdl_AK6j0KgodkDINzNlxICAbaG8wy1JZirLnqB0PRfMBH7-WY5YQ1xOy1bAimCaXyMFSb4hBqlxJJLafBvv6Q9RxXTndfYUZx9K1GNNEgeyg1-lWIQd9JjbaCIi05fHFW"
)
DASHSCOPE_KEY = "sk-9b42b4ea410fb9102f29a422eb14ab2f"
URL_KEY = "sk-2d0f0cc022238daceee2092f073ff80b"
ENV_KEY = (
    "sk-proj-mSZVr4_epzgZ3ZbxcoaRR_sFIjVO58jb0w_o5pJEjFjtnCRz6YDieSGO5NvJZZ8gWB8EWcisUycL0xQ56ZAwr7paMPbfxLnphCsKE4r1j-DbI2EWqR8T4_Lc4lVgnwamSi_Z0OAwDFzP-LVI60zif8_Qr38o"
)
NOTEBOOK_KEY = "sk-svcacct-NY1DhQCEYTdBkptf_N_PgZ3Cw0UabbRdsXooYbYMReQLhxM31QZzCMZtuOrYJ9NDE9SYXOaWUkMHR7JMpy72t3avBFZX06uvzYVMBpKzYrhjOUzRqv3XzaXJ"
SECRETS = (PROJECT_KEY, DASHSCOPE_KEY, URL_KEY, ENV_KEY, NOTEBOOK_KEY)
PROXY = f"https://svc:{URL_KEY}@proxy.example/v1"

APP = f'''\
from openai import OpenAI

client = OpenAI(api_key="{PROJECT_KEY}")
proxy = OpenAI(api_key="{DASHSCOPE_KEY}", base_url="{PROXY}")
'''
ENV = f"OPENAI_API_KEY={ENV_KEY}\nOPENAI_BASE_URL={PROXY}\n"
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["from openai import OpenAI\n", f'nb_client = OpenAI(api_key="{NOTEBOOK_KEY}")\n'],
        }
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}
# what each file reports: QW101 for the client without base_url, QW108 for the one addressed to a
# proxy (its message shows the credential URL), QW801 and QW802
EXPECTED = {("app.py", "QW101"): 1, ("app.py", "QW108"): 1, (".env", "QW801"): 1, (".env", "QW802"): 1, ("notebook.ipynb", "QW101"): 1}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
        assert secret[8:] not in text  # not even without its prefix


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / ".env").write_text(ENV)
    (tmp_path / "notebook.ipynb").write_text(json.dumps(NOTEBOOK, indent=1) + "\n")
    return tmp_path


def test_text_report_masks_code_frames_and_messages(project):
    result = run("check", "-j1", ".")
    assert result.exit_code == 1
    assert_no_secret(result.output)
    assert 'client = OpenAI(api_key="sk-proj-****")' in result.output
    assert 'proxy = OpenAI(api_key="sk-****", base_url="https://svc:sk-****@proxy.example/v1")' in result.output
    assert "OpenAI() talks to https://svc:sk-****@proxy.example/v1, not to OpenAI or DashScope: left as it is" in result.output
    assert "OPENAI_API_KEY=sk-proj-****" in result.output
    assert "OPENAI_BASE_URL points at https://svc:sk-****@proxy.example/v1, not at DashScope" in result.output
    assert 'nb_client = OpenAI(api_key="sk-svcacct-****")' in result.output
    assert "Found 5 findings in 3 of 3 files checked" in result.output


def test_json_report_masks_messages_and_keeps_the_findings(project):
    result = run("check", "-j1", "--format", "json", ".")
    assert_no_secret(result.output)
    document = json.loads(result.output)
    found = {}
    for finding in document["findings"]:
        found[finding["path"], finding["code"]] = found.get((finding["path"], finding["code"]), 0) + 1
    assert found == EXPECTED
    assert "OpenAI() talks to https://svc:sk-****@proxy.example/v1, not to OpenAI or DashScope: left as it is" in [f["message"] for f in document["findings"]]


def test_sarif_masks_messages_and_its_fixes_carry_no_key(project):
    result = run("check", "-j1", "--format", "sarif", ".")
    assert_no_secret(result.output)
    results = json.loads(result.output)["runs"][0]["results"]
    assert len(results) == sum(EXPECTED.values())
    fixed = [r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.py"]
    # the fix of `client = OpenAI(api_key="sk-proj-...")` inserts the base URL, not the line with its key
    [replacement] = fixed[0]["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement["insertedContent"]["text"] == ', base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1"'
    assert replacement["deletedRegion"] == {"charOffset": APP.index(PROJECT_KEY) + len(PROJECT_KEY) + 1, "charLength": 0}


def test_github_annotations_mask_messages(project):
    result = run("check", "-j1", "--format", "github", ".")
    assert_no_secret(result.output)
    assert len(result.output.splitlines()) == sum(EXPECTED.values())
    assert "::OpenAI() talks to https://svc:sk-****@proxy.example/v1, not to OpenAI or DashScope: left as it is" in result.output


@pytest.mark.parametrize("output_format", ["gitlab", "junit", "html", "markdown"])
def test_ci_formats_and_the_migration_report_mask_messages(project, output_format):
    result = run("check", "-j1", "--format", output_format, ".")
    assert_no_secret(result.output)
    assert "OPENAI_BASE_URL points at https://svc:sk-****@proxy.example/v1, not at DashScope" in result.output  # QW801, no fix


def test_statistics_and_baseline_entries_fixed_since_are_masked(project):
    # a baseline written before masking: its entry for a finding no longer found quotes a credential
    entry = {"path": "old.py", "code": "QW101", "fingerprint": "0" * 20, "message": f"base_url {PROXY!r} is not a DashScope endpoint"}
    (project / "baseline.json").write_text(json.dumps({"version": 1, "findings": [entry]}))
    for extra in (["--statistics"], []):
        result = run("check", "-j1", "--baseline", "baseline.json", *extra, ".")
        assert_no_secret(result.output)
        assert "fixed: old.py QW101 base_url 'https://svc:sk-****@proxy.example/v1' is not a DashScope endpoint" in result.output


def test_written_baseline_holds_no_key(project):
    result = run("check", "-j1", "--write-baseline", "baseline.json", ".")
    text = (project / "baseline.json").read_text()
    assert_no_secret(text)
    assert_no_secret(result.output)
    entries = json.loads(text)["findings"]
    assert len(entries) == sum(EXPECTED.values())
    assert all(len(entry["fingerprint"]) == 20 for entry in entries)  # hashes, not the call's source
    # the baseline still accounts for every finding
    assert "All checks passed" in run("check", "-j1", "--baseline", "baseline.json", ".").output


def test_fix_diff_masks_keys_and_fix_keeps_them_in_the_file(project):
    original = (project / "notebook.ipynb").read_text()
    diff = run("fix", "-j1", "--diff", ".")
    assert diff.exit_code == 1
    assert_no_secret(diff.output)
    assert '+client = OpenAI(api_key="sk-proj-****", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")' in diff.output
    assert ' proxy = OpenAI(api_key="sk-****", base_url="https://svc:sk-****@proxy.example/v1")' in diff.output  # context: QW108 is never fixed
    assert 'nb_client = OpenAI(api_key=\\"sk-svcacct-****\\"' in diff.output
    assert (project / "app.py").read_text() == APP and (project / "notebook.ipynb").read_text() == original

    result = run("fix", "-j1", ".")
    assert_no_secret(result.output)
    assert "in app.py: QW101\n" in result.output  # the proxy client (QW108) is left as it is
    written = (project / "app.py").read_text()
    assert f'client = OpenAI(api_key="{PROJECT_KEY}", base_url=' in written  # masking concerns output only
    assert f'proxy = OpenAI(api_key="{DASHSCOPE_KEY}", base_url="{PROXY}")' in written
    assert NOTEBOOK_KEY in (project / "notebook.ipynb").read_text()


def test_a_configured_base_url_with_credentials_is_masked_where_fixes_show_it(project):
    (project / ".env").unlink()
    (project / "notebook.ipynb").unlink()
    custom = ("--base-url", PROXY)
    sarif = run("check", "-j1", "--format", "sarif", *custom, "app.py")
    assert_no_secret(sarif.output)
    [result] = json.loads(sarif.output)["runs"][0]["results"]  # the client without base_url
    assert result["message"]["text"].startswith("OpenAI() has no base_url")
    assert "fixes" not in result  # its text would print the credential: a fix is exact or not given

    text = run("check", "-j1", *custom, "app.py")
    assert_no_secret(text.output)
    assert "help: Set base_url to https://svc:sk-****@proxy.example/v1" in text.output

    diff = run("fix", "-j1", "--diff", *custom, "app.py")
    assert_no_secret(diff.output)
    assert '+client = OpenAI(api_key="sk-proj-****", base_url="https://svc:sk-****@proxy.example/v1")' in diff.output
    run("fix", "-j1", *custom, "app.py")
    assert f'client = OpenAI(api_key="{PROJECT_KEY}", base_url="{PROXY}")' in (project / "app.py").read_text()


def test_todo_comments_do_not_copy_a_credential(project, monkeypatch):
    monkeypatch.setattr(Fixer, "applicable", lambda self, finding: False)  # every finding left to a TODO
    # a credential in a URL of OpenAI's host: QW101's message quotes it
    (project / "app.py").write_text(APP.replace(PROXY, PROXY.replace("proxy.example", "api.openai.com")))
    result = run("fix", "-j1", "--add-todo", "app.py")
    assert_no_secret(result.output)
    written = (project / "app.py").read_text()
    assert "# TODO(qwen-migrate): QW101 base_url 'https://svc:sk-****@api.openai.com/v1' is not a DashScope endpoint\n" in written
    assert written.count(URL_KEY) == 1  # only where the code had it
    run("fix", "-j1", "--add-todo", "app.py")
    assert (project / "app.py").read_text() == written  # the masked TODO is recognised: nothing is added twice


def test_check_batch_masks_frames_and_messages(project):
    line = {"custom_id": "1", "method": "POST", "url": f"{PROXY}/chat/completions", "body": {"model": "qwen3.6-plus", "messages": []}}
    (project / "requests.jsonl").write_text(json.dumps(line) + "\n")
    for output_format in ("text", "json", "sarif", "github"):
        result = run("check-batch", "--format", output_format, "requests.jsonl")
        assert result.exit_code == 1
        assert_no_secret(result.output)
        assert "https://svc:sk-****@proxy.example/v1/chat/completions" in result.output


def test_errors_mask_what_they_quote(project, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError(f"cannot read the literal {PROJECT_KEY!r}")

    monkeypatch.setattr("qwen_migrate.engine.resolve", fail)  # any error inside the analysis
    for output_format in ("text", "json", "sarif", "github"):
        result = run("check", "-j1", "--format", output_format, "app.py")
        assert result.exit_code == 2
        assert_no_secret(result.output)
        assert "internal error: ValueError: cannot read the literal 'sk-proj-****'" in result.output


def test_usage_errors_mask_a_credential(project):
    result = run("check", "--base-url", f"ftp://svc:{URL_KEY}@proxy.example/v1", "app.py")
    assert result.exit_code == 2
    assert_no_secret(result.output)
    assert "base-url: expected an http(s) URL, got 'ftp://svc:sk-****@proxy.example/v1'" in result.output


@pytest.mark.parametrize(
    "text, shown",
    [
        (f'OpenAI(api_key="{PROJECT_KEY}")', 'OpenAI(api_key="sk-proj-****")'),
        (f"key = {DASHSCOPE_KEY}", "key = sk-****"),  # a key is a key wherever it stands
        (f"OPENAI_BASE_URL={PROXY}", "OPENAI_BASE_URL=https://svc:sk-****@proxy.example/v1"),
        ("postgres://app:hunter2@db:5432/app", "postgres://app:****@db:5432/app"),
        ('settings = {"api_key": "9f1c2b7e", "password": \'p@ss\'}', 'settings = {"api_key": "****", "password": \'****\'}'),
        ('os.environ["OPENAI_API_KEY"] = "local-dev-1"', 'os.environ["OPENAI_API_KEY"] = "****"'),
        ('"source": ["c = OpenAI(api_key=\\"local-dev-1\\")\\n"]', '"source": ["c = OpenAI(api_key=\\"****\\")\\n"]'),
        ('headers={"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30"}', 'headers={"Authorization": "Bearer ****"}'),
        ("https://proxy.example.com/v1?token=secrettoken123", "https://proxy.example.com/v1?token=****"),
        ("https://acme.openai.azure.com/openai/v1?api-key=abcdef123&x=1", "https://acme.openai.azure.com/openai/v1?api-key=****&x=1"),
        ("https://ghp_abc123def456@github.com/org/repo", "https://****@github.com/org/repo"),
        # ordinary code stays as it is
        ('OpenAI(api_key=os.getenv("OPENAI_API_KEY"), base_url="https://api.openai.com/v1")', None),
        ('create(model="gpt-4o-2024-08-06", max_tokens=100, pad_token="<pad>")', None),
        ('api_key_env = "DASHSCOPE_API_KEY"  # pip install sk-learn-tutorials-and-examples', None),
        ("ssh://git@github.com/org/repo", None),
        ("https://api.example.com/v1?model=gpt-4o&page=2", None),
    ],
)
def test_what_is_masked(text, shown):
    assert mask(text) == (text if shown is None else shown)
    assert mask(mask(text)) == mask(text)


def test_text_report_marker_stays_under_the_finding_after_a_masked_key(project):
    (project / "inline.py").write_text(f'from openai import OpenAI\n\nOpenAI(api_key="{DASHSCOPE_KEY}").chat.completions.create(model="gpt-4o", messages=[])\n')
    lines = run("check", "-j1", "--select", "QW210", "inline.py").output.splitlines()
    frame = next(line for line in lines if line.startswith("3 | "))
    assert frame == '3 | OpenAI(api_key="sk-****").chat.completions.create(model="gpt-4o", messages=[])'
    marker = lines[lines.index(frame) + 1]
    assert frame[marker.index("^") : marker.rindex("^") + 1] == 'model="gpt-4o"'
    assert masked(f'x("{DASHSCOPE_KEY}", y)').position(len(f'x("{DASHSCOPE_KEY}", ')) == len('x("sk-****", ')


def test_a_short_configured_key_is_masked_where_it_stands(project):
    (project / ".env").write_text("OPENAI_API_KEY=AI\n")  # the value also occurs in the name
    output = run("check", "-j1", ".env").output
    assert "1 | OPENAI_API_KEY=****\n" in output

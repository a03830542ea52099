"""End to end: fixture programs run with the real `openai` package against a DashScope stand-in.

Each program in fixtures/programs/ is refused (or misbehaves) the way the rules say it will; after
`qwen-migrate fix --unsafe-fixes`, configured with the stand-in's URLs, it runs to completion with
every request accepted and no parameter ignored. Where a finding has no fix, fixtures/programs/by_hand/
holds the program as a person finishes it after `fix`: what `fix` leaves is still refused, and the
person's version runs.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import standin
from qwen_migrate.cli import main

PROGRAMS = Path(__file__).resolve().parents[1] / "fixtures" / "programs"
BY_HAND = PROGRAMS / "by_hand"
DASHSCOPE_HOST = "https://dashscope-intl.aliyuncs.com"

# What happens to each original program: ("refused", error code) by the stand-in, ("raises", text)
# in the SDK before any request, or ("ignored", parameter) accepted but silently ignored.
ORIGINALLY = {
    # openai-agents' default API is Responses, whose create() takes ModelSettings' extra_args as keywords
    # (on Chat Completions too): a Qwen-only one raises before any request
    "agents_support.py": ("raises", "TypeError: AsyncResponses.create() got an unexpected keyword argument 'enable_thinking'"),
    # AutoGen with a Qwen model and no model_info raises in the constructor (autogen-ext 0.7.5)
    "autogen_notes.py": ("raises", "ValueError: model_info is required when model name is not a valid OpenAI model"),
    "azure_backend.py": ("refused", "invalid_api_key"),
    "batch_jobs.py": ("refused", "invalid_api_key"),
    "chat_basic.py": ("refused", "invalid_api_key"),
    "chat_streaming_async.py": ("refused", "invalid_api_key"),
    "client_options.py": ("refused", "invalid_api_key"),
    "embeddings.py": ("refused", "model_not_found"),
    "extra_body_values.py": ("raises", "TypeError: Completions.create() got an unexpected keyword argument"),
    "files_and_batches.py": ("ignored", "files.list:purpose"),
    "fine_tune_upload.py": ("refused", "model_not_found"),
    "invoice_extraction.py": ("refused", "model_not_found"),
    # LangChain's ChatOpenAI with no base URL or key: the SDK's OPENAI_BASE_URL (the stand-in) with
    # OpenAI's key; the first request is refused before any embedding, so tiktoken (which would
    # download its tokenizer for the token ids check_embedding_ctx_length sends) is never reached.
    "langchain_rag.py": ("refused", "invalid_api_key"),
    "langchain_triage.py": ("refused", "invalid_api_key"),
    "module_client.py": ("refused", "invalid_api_key"),
    "params_helpers.py": ("raises", "TypeError: Completions.create() got an unexpected keyword argument"),
    # pydantic-ai's OpenAIResponsesModel POSTs {compatible-mode}/responses
    "pydantic_ai_invoices.py": ("refused", "not_found"),
    "qwen_parameters.py": ("raises", "TypeError: Completions.create() got an unexpected keyword argument"),
    "rag_search.py": ("refused", "model_not_found"),
    "report_script.py": ("refused", "invalid_api_key"),
    "responses_agent.py": ("refused", "not_found"),
    "responses_trip_agent.py": ("refused", "not_found"),
    "retired_model.py": ("refused", "model_not_found"),
    "shadowed_os.py": ("refused", "invalid_api_key"),
    "stream_worker.py": ("refused", "invalid_api_key"),
    "support_endpoint.py": ("refused", "invalid_api_key"),
    "tools_agent.py": ("refused", "invalid_parameter"),
    "web_search.py": ("refused", "invalid_parameter"),
}


def test_every_program_has_an_expectation():
    assert sorted(p.name for p in PROGRAMS.glob("*.py")) == sorted(ORIGINALLY)
    assert {p.name for p in BY_HAND.glob("*.py")} <= set(ORIGINALLY)


def run_program(path: Path, server: standin.StandIn) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "AZURE_", "DASHSCOPE_"))}
    environment.update(
        OPENAI_API_KEY="sk-openai-not-for-dashscope",
        OPENAI_BASE_URL=server.compatible_url,
        DASHSCOPE_API_KEY=standin.API_KEY,
        NO_PROXY="*",
        # openai-agents would export its traces to api.openai.com (the original programs do not
        # turn tracing off; the fixed ones do): the tests never reach the network
        OPENAI_AGENTS_DISABLE_TRACING="1",
    )
    if "AzureOpenAI" in path.read_text():  # with Azure variables set, the module-level client refuses to guess
        environment.update(AZURE_OPENAI_ENDPOINT=server.root, AZURE_OPENAI_API_KEY="azure-key")
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        environment.pop(proxy, None)
    return subprocess.run(
        [sys.executable, path.name], cwd=path.parent, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("name", sorted(ORIGINALLY))
def test_program_before_and_after_fix(name, server, tmp_path, monkeypatch):
    program = tmp_path / name
    # The programs name DashScope's real host where they use one; here it is the stand-in.
    program.write_text((PROGRAMS / name).read_text().replace(DASHSCOPE_HOST, server.root))
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.qwen-migrate]\nbase-url = "{server.compatible_url}"\nresponses-base-url = "{server.responses_url}"\n'
    )

    server.clear()
    original = run_program(program, server)
    kind, detail = ORIGINALLY[name]
    if kind == "refused":
        assert original.returncode != 0, original.stdout
        assert detail in server.refusals, original.stderr
    elif kind == "raises":
        assert original.returncode != 0
        assert detail in original.stderr
        assert server.exchanges == []
    else:
        assert original.returncode == 0, original.stderr
        assert detail in server.ignored

    monkeypatch.chdir(tmp_path)
    fixed = CliRunner().invoke(main, ["fix", "--unsafe-fixes", name])
    if (BY_HAND / name).exists():
        # A finding with no fix is left: the program is still refused, until a person's change.
        assert fixed.exit_code == 1, fixed.output
        server.clear()
        assert run_program(program, server).returncode != 0 and server.refusals
        program.write_text((BY_HAND / name).read_text().replace(DASHSCOPE_HOST, server.root))
        # the person's version is the fixed program and more: fix finds nothing left to change
        finished = program.read_text()
        assert CliRunner().invoke(main, ["fix", "--unsafe-fixes", name]).exit_code == 0
        assert program.read_text() == finished
    else:
        assert fixed.exit_code == 0, fixed.output

    server.clear()
    after = run_program(program, server)
    assert after.returncode == 0, after.stderr
    assert after.stdout.endswith("ok\n")
    assert server.exchanges and server.refusals == [], server.exchanges
    assert server.ignored == []

"""Framework objects built in one module of the project and used in another (`from app.llm import
llm` ... `llm.with_structured_output(M)`): the calls of their methods are judged where they stand,
by what the module that builds the object knows of it."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import check, write_project
from qwen_migrate.cli import main
from qwen_migrate.settings import Settings

DASHSCOPE = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
LLM_MODULE = f"""\
from langchain.chat_models import init_chat_model
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="qwen3.6-plus", base_url="{DASHSCOPE}", api_key="sk-test")
local = ChatOpenAI(model="llama3", base_url="http://localhost:8000/v1", api_key="none")
claude = init_chat_model("anthropic:claude-sonnet-4-5")


def get_llm():
    return ChatOpenAI(model="qwen3.6-plus", base_url="{DASHSCOPE}", api_key="sk-test")
"""


@pytest.fixture(autouse=True)
def in_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the configuration of the current folder marks the project


def findings(root: Path, *options: str) -> list[tuple[str, int, str]]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *options, str(root)])
    assert result.exit_code in (0, 1), result.output
    return sorted((f["path"], f["line"], f["code"]) for f in json.loads(result.output)["findings"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_methods_of_an_imported_object_and_of_a_factorys_result_are_judged_where_they_are_called(tmp_path, jobs):
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": LLM_MODULE,
        # no "openai" here: the module takes part because it imports the objects
        "app/triage.py": (
            "from app.llm import get_llm, llm\n\n\n"
            "def classify(schema):\n    return llm.with_structured_output(schema)\n\n\n"
            "def route(tools):\n    return get_llm().bind_tools(tools, tool_choice='any', parallel_tool_calls=True)\n"
        ),
    })
    assert findings(tmp_path, "--jobs", jobs) == [("app/triage.py", 5, "QW904"), ("app/triage.py", 9, "QW905")]


def test_an_imported_object_of_another_provider_is_left_alone(tmp_path):
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": LLM_MODULE,
        "app/grading.py": (
            "from app.llm import claude, local\n\n\n"
            "def grade(tools, schema):\n"
            "    claude.bind_tools(tools, tool_choice='any')\n"
            "    return local.with_structured_output(schema)\n"
        ),
    })
    assert findings(tmp_path) == []


def test_an_object_re_exported_by_a_package_is_followed(tmp_path):
    write_project(tmp_path, {
        "app/__init__.py": "from .llm import llm as default_llm\n",
        "app/llm.py": LLM_MODULE,
        "main.py": "from app import default_llm\n\nagent = default_llm.bind_tools([], tool_choice=True)\n",
    })
    assert findings(tmp_path) == [("main.py", 3, "QW905"), ("main.py", 3, "QW910")]


def test_what_an_imported_object_is_built_with_is_reported_once_where_it_is_built(tmp_path):
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": "from langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(model='gpt-4o')\n",
        "app/use.py": "from app.llm import llm\n\nchain = llm.with_structured_output(Answer, method='json_mode')\n",
    })
    assert [code for path, _, code in findings(tmp_path) if path == "app/use.py"] == []
    assert [code for path, _, code in findings(tmp_path)] == ["QW901", "QW902", "QW903"]


def test_fix_rewrites_the_call_in_the_importing_module(tmp_path):
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": LLM_MODULE,
        "app/triage.py": "from app.llm import llm\n\nclassify = llm.with_structured_output(Ticket)\n",
    })
    result = CliRunner().invoke(main, ["fix", "--unsafe-fixes", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "app/triage.py").read_text() == (
        "from app.llm import llm\n\nclassify = llm.with_structured_output(Ticket, method=\"function_calling\")\n"
    )
    assert (tmp_path / "app/llm.py").read_text() == LLM_MODULE


# What the installed packages showed beyond reference/frameworks.md (see the rules' docs).


def test_crewai_dashscope_provider_reads_base_url_only():
    """CrewAI's DashScope provider ignores api_base (llms/providers/openai_compatible/completion.py):
    in another region, an api_base does not stop the report, and the fix writes base_url."""
    source = 'from crewai import LLM\n\nllm = LLM(model="dashscope/qwen3.6-plus", api_base="https://dashscope.aliyuncs.com/compatible-mode/v1")\n'
    found = check(source, Settings(region="cn"))
    assert [(f.code, f.fix.description if f.fix else None) for f in found] == [
        ("QW901", "Set base_url to https://dashscope.aliyuncs.com/compatible-mode/v1")
    ]
    openai_backed = 'from crewai import LLM\n\nllm = LLM(model="openai/qwen3.6-plus", api_base="https://dashscope.aliyuncs.com/compatible-mode/v1", api_key="k")\n'
    assert check(openai_backed, Settings(region="cn")) == []  # its OpenAI provider reads api_base


def test_responses_keys_in_model_kwargs_switch_chat_openai_to_the_responses_api():
    source = (
        "from langchain_openai import ChatOpenAI\n\n"
        f'llm = ChatOpenAI(model="qwen3.6-plus", base_url="{DASHSCOPE}", api_key="k", model_kwargs={{"text": {{"verbosity": "low"}}}})\n'
    )
    assert [(f.code, f.message) for f in check(source)] == [
        ("QW906", "text in model_kwargs makes ChatOpenAI send Responses API requests, which the compatible-mode base URL does not serve")
    ]

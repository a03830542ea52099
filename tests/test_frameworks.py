"""The framework layer (QW9, and the QW2/QW4 rules on LiteLLM and DSPy requests) at its edges:
look-alikes, aliases, positional model strings, regions, and a project checked through the CLI."""
import json
from textwrap import dedent

import pytest
from click.testing import CliRunner

from helpers import check, covered_text
from qwen_migrate.cli import main
from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer
from qwen_migrate.settings import Settings

SINGAPORE = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
BEIJING = "https://dashscope.aliyuncs.com/compatible-mode/v1"
STAND_IN = "http://127.0.0.1:8080/compatible-mode/v1"


def fixed(source: str, settings: Settings = None, unsafe: bool = False) -> str:
    checker = Checker(settings or Settings())
    return Fixer(checker, unsafe=unsafe).fix_source(dedent(source).encode(), "example.py").fixed.decode()


def found(source: str, settings: Settings = None) -> list[tuple[str, str]]:
    """(code, covered text) of each finding, in order."""
    source = dedent(source)
    return [(f.code, covered_text(source, f)) for f in check(source, settings)]


def qw9(source: str, settings: Settings = None) -> list[str]:
    return [f.code for f in check(source, settings) if f.code.startswith("QW9")]


# --- look-alikes: never reported ---------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        'from my_pkg import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")\nllm.bind_tools(tools, tool_choice="any")\n',
        'from my_pkg.litellm import completion\ncompletion(model="gpt-4o", messages=m, tool_choice="required")\n',
        'from crewai import LLM\nLLM = make_llm\nllm = LLM(model="gpt-4o")\n',
        'import litellm\ndef ask(litellm):\n    return litellm.completion(model="gpt-4o", messages=[], tool_choice="required")\n',
    ],
    ids=["other-package-class", "other-package-function", "crewai-llm-rebound", "parameter-shadows-module"],
)
def test_look_alikes_are_not_reported(source):
    assert found(source) == []


def test_a_name_that_is_a_chat_openai_on_one_branch_only_gets_no_method_findings():
    source = """\
        from langchain_anthropic import ChatAnthropic
        from langchain_openai import ChatOpenAI

        if use_claude:
            llm = ChatAnthropic(model="claude-3-5-sonnet-latest")
        else:
            llm = ChatOpenAI(model="qwen3.6-plus", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=key)
        agent = llm.bind_tools(tools, tool_choice="any")
        extractor = llm.with_structured_output(Answer)
        """
    assert qw9(source) == []


def test_a_project_module_named_litellm_imported_relatively_is_not_litellm(tmp_path, monkeypatch):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "litellm.py").write_text("def completion(model, messages, **options):\n    return {'model': model}\n")
    (package / "chat.py").write_text(
        "from . import litellm\nfrom .litellm import completion\n\n"
        'litellm.completion(model="gpt-4o", messages=[], tool_choice="required")\n'
        'completion(model="gpt-4o", messages=[], logit_bias={"1": 5})\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "app"])
    assert json.loads(result.output)["findings"] == [], result.output


# --- aliases and positional model strings ------------------------------------------------------


def test_chat_openai_aliases_are_read_and_fixed_under_the_spelling_used():
    source = """\
        import os
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model_name="gpt-4o", openai_api_base="https://api.openai.com/v1", openai_api_key=os.environ["OPENAI_API_KEY"])
        """
    assert [code for code, _ in found(source)] == ["QW901", "QW902", "QW903"]
    assert (
        'llm = ChatOpenAI(model_name="qwen3.6-plus", openai_api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", '
        'openai_api_key=os.environ["DASHSCOPE_API_KEY"])'
    ) in fixed(source)


def test_chat_openai_with_a_dashscope_alias_base_is_not_sent_to_openai():
    source = f'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model_name="qwen3.6-plus", openai_api_base="{SINGAPORE}", openai_api_key=os.getenv("DASHSCOPE_API_KEY"))\n'
    assert found(source) == []


@pytest.mark.parametrize(
    "call, after",
    [
        ('dspy.LM("openai/gpt-4o")', 'dspy.LM("openai/qwen3.6-plus", api_base="%s"' % SINGAPORE),
        ('litellm.completion("gpt-4o", msgs)', 'litellm.completion("dashscope/qwen3.6-plus", msgs, api_base="%s"' % SINGAPORE),
        ('litellm.embedding("text-embedding-3-small", ["a"])', 'litellm.embedding("dashscope/text-embedding-v4", ["a"], api_base="%s"' % SINGAPORE),
    ],
)
def test_positional_model_strings_are_fixed_in_place(call, after):
    source = f"import dspy\nimport litellm\n\nresult = {call}\n"
    assert ("QW903", call.split("(")[1].split(",")[0].rstrip(")")) in found(source)
    assert after in fixed(source)


@pytest.mark.parametrize(
    "call, after",
    [
        ('init_chat_model("gpt-4o")', 'init_chat_model("openai:qwen3.6-plus"'),
        ('init_chat_model("openai:gpt-4o")', 'init_chat_model("openai:qwen3.6-plus"'),
        ('init_chat_model("gpt-4o", model_provider="openai")', 'init_chat_model("qwen3.6-plus", model_provider="openai"'),
    ],
)
def test_init_chat_model_keeps_a_provider_langchain_can_infer(call, after):
    assert after in fixed(f"from langchain.chat_models import init_chat_model\n\nllm = {call}\n")


def test_init_chat_model_of_another_provider_is_not_reported():
    assert found('from langchain.chat_models import init_chat_model\nllm = init_chat_model("claude-3-5-sonnet-latest", model_provider="anthropic")\n') == []


# --- LiteLLM requests under the QW2 and QW4 rules -----------------------------------------------

LITELLM_ON_DASHSCOPE = f'import litellm\n\nresponse = litellm.completion(model="dashscope/qwen3.6-plus", api_base="{SINGAPORE}", messages=messages, {{}})\n'


@pytest.mark.parametrize(
    "keywords, expected",
    [
        ('tools=tools, parallel_tool_calls=True, tool_choice="required"', [("QW203", 'tool_choice="required"')]),
        ('response_format={"type": "json_schema", "json_schema": schema}', [("QW201", 'response_format={"type": "json_schema", "json_schema": schema}')]),
        ('logit_bias={"1734": -100}', [("QW208", 'logit_bias={"1734": -100}')]),
        ('metadata={"feature": "triage"}, timeout=30, drop_params=True, num_retries=2', []),
        ("enable_thinking=False, top_k=20", []),  # LiteLLM sends unknown keywords in extra_body itself: no QW209
    ],
    ids=["tool_choice", "json_schema", "logit_bias", "own-keywords", "qwen-only-keywords"],
)
def test_litellm_keywords_are_judged_as_request_parameters(keywords, expected):
    source = LITELLM_ON_DASHSCOPE.format(keywords)
    assert found(source) == expected


def test_litellm_openai_model_is_qw903_not_qw210():
    source = 'import litellm\nlitellm.completion(model="gpt-4o", messages=messages)\n'
    codes = [code for code, _ in found(source)]
    assert "QW903" in codes and "QW210" not in codes


def test_litellm_calls_to_other_providers_are_not_judged_by_the_request_rules():
    source = """\
        import litellm

        litellm.completion(model="anthropic/claude-3-5-sonnet-20240620", messages=m, tools=t, tool_choice="required", logit_bias={"1": 5})
        litellm.completion(model="ollama/llama3", api_base="http://localhost:11434", messages=m, tool_choice="required")
        litellm.completion(model="gpt-4o", api_base="http://localhost:8000/v1", messages=m, tool_choice="required")
        """
    assert found(source) == []


@pytest.mark.parametrize("count, reported", [(10, False), (11, True)])
def test_litellm_embedding_of_more_than_ten_inputs(count, reported):
    texts = ", ".join(f'"text {n}"' for n in range(count))
    source = f'from litellm import embedding\nembedding(model="dashscope/text-embedding-v4", api_base="{SINGAPORE}", input=[{texts}])\n'
    assert [code for code, _ in found(source)] == (["QW404"] if reported else [])


# --- regions and configured endpoints ----------------------------------------------------------


def test_region_cn_makes_litellm_dashscope_models_clean_and_crewai_ones_reported():
    litellm_source = 'import litellm\nlitellm.completion(model="dashscope/qwen3.6-plus", messages=m)\n'
    crewai_source = 'from crewai import LLM\nllm = LLM(model="dashscope/qwen3.6-plus")\n'
    assert qw9(litellm_source) == ["QW901"] and qw9(crewai_source) == []
    beijing = Settings(region="cn")
    assert qw9(litellm_source, beijing) == []
    assert [(c, m) for c, m in found(crewai_source, beijing)] == [("QW901", 'LLM(model="dashscope/qwen3.6-plus")')]
    assert f'LLM(model="dashscope/qwen3.6-plus", base_url="{BEIJING}")' in fixed(crewai_source, beijing)


def test_region_cn_through_the_cli(tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text('import litellm\nlitellm.completion(model="dashscope/qwen3.6-plus", messages=m)\n')
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["check", "app.py"]).exit_code == 1
    assert CliRunner().invoke(main, ["check", "--region", "cn", "app.py"]).exit_code == 0


def test_a_configured_base_url_is_dashscope():
    stand_in = Settings(base_url=STAND_IN)
    source = f'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="qwen3.6-plus", base_url="{STAND_IN}", api_key=os.getenv("DASHSCOPE_API_KEY"))\n'
    assert found(source, stand_in) == []
    dspy_source = f'import os\nimport dspy\nlm = dspy.LM("openai/qwen3.6-plus", api_base="{STAND_IN}", api_key=os.getenv("DASHSCOPE_API_KEY"))\n'
    assert found(dspy_source, stand_in) == []
    # without the setting it is a local server: another provider, left alone
    assert found(source) == []
    # an object with no base URL gets the configured one
    assert f'LLM(model="dashscope/qwen3.6-plus", base_url="{STAND_IN}")' in fixed('from crewai import LLM\nllm = LLM(model="dashscope/qwen3.6-plus")\n', stand_in)


@pytest.mark.parametrize(
    "source",
    [
        'from crewai import LLM\nllm = LLM(model="anthropic/claude-3-5-sonnet-20240620", enable_thinking=False)\n',
        'from crewai import Agent\nagent = Agent(role="r", goal="g", backstory="b", llm="anthropic/claude-3-5-sonnet-20240620")\n',
        'import dspy\nlm = dspy.LM("ollama_chat/llama3.1", api_base="http://localhost:11434", api_key="")\n',
        'import dspy\nlm = dspy.LM("anthropic/claude-3-5-sonnet-20240620", logit_bias={"1": 5})\n',
        'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="llama3", base_url="http://localhost:11434/v1", api_key="x").bind_tools(t, tool_choice="any")\n',
        'import litellm\nlitellm.embedding(model="cohere/embed-english-v3.0", input=[str(n) for n in range(50)])\n',
    ],
    ids=["crewai-llm", "crewai-agent", "dspy-local", "dspy-anthropic", "langchain-local", "litellm-embedding"],
)
def test_objects_addressed_to_another_provider_produce_nothing(source):
    assert found(source) == []


# --- the prefilter, the JSON output and fix idempotence -----------------------------------------


def test_a_file_that_only_says_import_litellm_is_checked(tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text('import litellm\n\nreply = litellm.completion(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "."])
    document = json.loads(result.output)
    assert sorted(f["code"] for f in document["findings"]) == ["QW901", "QW902", "QW903"]
    model = next(f for f in document["findings"] if f["code"] == "QW903")
    assert (model["path"], model["line"], model["column"], model["fix"]["safety"]) == ("app.py", 3, 28, "safe")
    assert model["message"] == "'gpt-4o' is an OpenAI model, not served by DashScope (use 'dashscope/qwen3.6-plus')"


def test_fix_of_a_framework_file_is_idempotent(tmp_path, monkeypatch):
    source = dedent("""\
        import dspy
        import litellm
        from crewai import LLM

        lm = dspy.LM("openai/gpt-4o-mini", temperature=0)
        llm = LLM(model="openai/gpt-4o", enable_thinking=False)
        reply = litellm.completion("gpt-4o", msgs, tool_choice="required", logit_bias={"1": 5})
        """)
    (tmp_path / "app.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["fix", "--unsafe-fixes", "app.py"])
    once = (tmp_path / "app.py").read_text()
    assert once != source
    assert 'LLM(model="dashscope/qwen3.6-plus", base_url=' in once and 'extra_body={"enable_thinking": False}' in once
    checked = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "app.py"]).output)
    assert [f for f in checked["findings"] if f["fix"] is not None] == []
    CliRunner().invoke(main, ["fix", "--unsafe-fixes", "app.py"])
    assert (tmp_path / "app.py").read_text() == once


@pytest.mark.parametrize(
    "model, region, message",
    [
        ("dashscope/qwen-plus", "intl", f"completion's DashScope provider defaults to {BEIJING} (set DASHSCOPE_API_BASE or api_base), not the configured {SINGAPORE}"),
        ("qwencloud/qwen-plus", "intl", None),
        ("qwencloud/qwen-plus", "cn", f"completion's DashScope provider defaults to {SINGAPORE} (set QWENCLOUD_API_BASE or api_base), not the configured {BEIJING}"),
        ("qwen_ai_platform/qwen-plus", "intl", f"completion's DashScope provider defaults to {BEIJING} (set QWEN_AI_PLATFORM_API_BASE or api_base), not the configured {SINGAPORE}"),
        ("qwen_ai_platform/qwen-plus", "cn", None),
    ],
)
def test_each_litellm_dashscope_provider_has_its_own_default_region(model, region, message):
    findings = check(f'import litellm\nlitellm.completion(model="{model}", messages=m)\n', Settings(region=region))
    assert [f.message for f in findings if f.code == "QW901"] == ([message] if message else [])

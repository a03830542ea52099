"""openai-agents and pydantic-ai in the framework layer (QW9) at their edges: project-wide settings,
look-alikes, objects already on DashScope, other providers, and the fixes that add a setting after
the imports."""
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
CLIENT = f'client = AsyncOpenAI(base_url="{SINGAPORE}", api_key=os.getenv("DASHSCOPE_API_KEY"))\n'


def fixed(source: str, unsafe: bool = True) -> str:
    return Fixer(Checker(Settings()), unsafe=unsafe).fix_source(dedent(source).encode(), "example.py").fixed.decode()


def found(source: str) -> list[tuple[str, str]]:
    source = dedent(source)
    return [(f.code, covered_text(source, f)) for f in check(source)]


def project(tmp_path, monkeypatch, files: dict) -> list[tuple[str, str]]:
    """(path, code) of each QW9 finding of `check` over a project made of `files`."""
    (tmp_path / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
    for name, text in files.items():
        (tmp_path / name).write_text(dedent(text))
    monkeypatch.chdir(tmp_path)
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "."]).output)
    return sorted((f["path"], f["code"]) for f in document["findings"] if f["code"].startswith("QW9"))


# --- openai-agents: settings made for the whole project ----------------------------------------

AGENT_MODULE = """\
    from agents import Agent

    support = Agent(name="support", model="qwen-plus")
    """


def test_an_agent_on_the_default_api_is_reported_with_tracing(tmp_path, monkeypatch):
    assert project(tmp_path, monkeypatch, {"desk.py": AGENT_MODULE}) == [("desk.py", "QW906"), ("desk.py", "QW911")]


def test_settings_made_in_another_module_count_for_the_whole_project(tmp_path, monkeypatch):
    setup = """\
        from agents import set_default_openai_api, set_tracing_disabled

        set_default_openai_api("chat_completions")
        set_tracing_disabled(True)
        """
    assert project(tmp_path, monkeypatch, {"desk.py": AGENT_MODULE, "setup.py": setup}) == []


@pytest.mark.parametrize("call", ['set_default_openai_api("responses")', "set_tracing_disabled(False)"])
def test_a_setting_made_with_another_value_does_not_count(tmp_path, monkeypatch, call):
    setup = f"from agents import set_default_openai_api, set_tracing_disabled\n\n{call}\n"
    assert project(tmp_path, monkeypatch, {"desk.py": AGENT_MODULE, "setup.py": setup}) == [("desk.py", "QW906"), ("desk.py", "QW911")]


def test_the_fix_adds_each_setting_once_after_the_imports():
    source = """\
        \"\"\"The desk.\"\"\"
        import os

        from agents import Agent

        triage = Agent(name="triage", model="qwen-plus")
        billing = Agent(name="billing")
        """
    assert fixed(source) == dedent("""\
        \"\"\"The desk.\"\"\"
        import os

        from agents import set_default_openai_api, set_tracing_disabled, Agent
        set_default_openai_api("chat_completions")
        set_tracing_disabled(True)

        triage = Agent(name="triage", model="qwen-plus")
        billing = Agent(name="billing")
        """)
    assert fixed(fixed(source)) == fixed(source)


def test_no_fix_when_the_module_opens_with_no_import_or_the_name_is_taken():
    late = 'def build():\n    from agents import Agent\n\n    return Agent(name="a", model="qwen-plus")\n'
    assert [code for code, _ in found(late)] == ["QW906", "QW911"]
    assert fixed(late) == late
    taken = 'from agents import Agent\n\nset_tracing_disabled = print\nagent = Agent(name="a", model="qwen-plus")\n'
    assert fixed(taken) == taken.replace("import Agent\n", 'import set_default_openai_api, Agent\nset_default_openai_api("chat_completions")\n')


def test_use_for_tracing_false_still_reports_tracing_without_the_key():
    source = f'import os\nfrom agents import set_default_openai_client\nfrom openai import AsyncOpenAI\n\n{CLIENT}set_default_openai_client(client, use_for_tracing=False)\n'
    findings = check(source)
    assert [f.code for f in findings if f.code.startswith("QW9")] == ["QW911"]
    assert "with OPENAI_API_KEY" in findings[-1].message and "OPENAI_AGENTS_DISABLE_TRACING=1" in findings[-1].message


# --- openai-agents: negatives ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        # already on Chat Completions over a DashScope client, tracing off
        "import os\nfrom agents import Agent, OpenAIChatCompletionsModel, set_tracing_disabled\nfrom openai import AsyncOpenAI\n\n"
        f"set_tracing_disabled(True)\n{CLIENT}"
        'agent = Agent(name="a", model=OpenAIChatCompletionsModel(model="qwen-plus", openai_client=client))\n',
        # another provider's model, through LiteLLM
        'from agents import Agent\n\nagent = Agent(name="a", model="litellm/anthropic/claude-sonnet-4-5", output_type=Report)\n',
        # the same names from another package
        'from my_agents import Agent, ModelSettings\n\nagent = Agent(name="a", model="gpt-4o", output_type=Report, '
        'model_settings=ModelSettings(tool_choice="required", extra_args={"enable_thinking": False}))\n',
    ],
    ids=["chat-completions-model", "litellm-model", "look-alike"],
)
def test_agents_negatives(source):
    assert [code for code, _ in found(source) if code.startswith("QW9")] == []


def test_an_openai_provider_given_a_client_leaves_it_to_the_client():
    source = f"import os\nfrom agents import OpenAIProvider\nfrom openai import AsyncOpenAI\n\n{CLIENT}provider = OpenAIProvider(openai_client=client)\n"
    assert found(source) == []
    bare = "from agents import OpenAIProvider\n\nprovider = OpenAIProvider()\n"
    assert [code for code, _ in found(bare)] == ["QW901", "QW902"]


def test_model_settings_options():
    source = """\
        from agents import ModelSettings, set_tracing_disabled

        set_tracing_disabled(True)
        options = ModelSettings(tool_choice="required", extra_args={"enable_thinking": False, "seed": 7}, extra_body={"top_k": 20})
        """
    assert found(source) == [("QW905", 'tool_choice="required"'), ("QW908", '"enable_thinking": False')]
    assert 'ModelSettings(tool_choice="auto", extra_args={"seed": 7}, extra_body={"top_k": 20, "enable_thinking": False})' in fixed(source)


def test_parallel_tool_calls_only_for_agents_with_tools():
    base = 'from agents import Agent, ModelSettings, set_tracing_disabled\nset_tracing_disabled(True)\n'
    assert found(base + 'agent = Agent(name="a", model=chat_model, tools=[])\n') == []
    assert found(base + 'agent = Agent(name="a", model=chat_model, tools=[lookup], model_settings=ModelSettings(parallel_tool_calls=False))\n') == []
    no_settings = base + 'agent = Agent(name="a", model=chat_model, tools=[lookup])\n'
    assert [code for code, _ in found(no_settings)] == ["QW910"]
    assert fixed(no_settings) == base + 'agent = Agent(name="a", model=chat_model, tools=[lookup], model_settings=ModelSettings(parallel_tool_calls=True))\n'
    # settings held by a name: reported nowhere, since the rule cannot tell what they set
    assert found(base + 'agent = Agent(name="a", model=chat_model, tools=[lookup], model_settings=SETTINGS)\n') == []


# --- pydantic-ai -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        'from pydantic_ai import Agent\n\nagent = Agent("alibaba:qwen-plus")\n',
        'from pydantic_ai import Agent\n\nagent = Agent("alibaba:qwen-plus", output_type=[Invoice, str])\n',
        'from pydantic_ai import Agent\n\nagent = Agent("openai:llama3.1")\n',  # not a model of ours
        'from pydantic_ai import Agent\n\nagent = Agent("anthropic:claude-sonnet-4-5", output_type=Invoice)\n',
        "from pydantic_ai.models.openai import OpenAIChatModel\n\nmodel = OpenAIChatModel(\"qwen-plus\", provider=\"alibaba\")\n",
        'from my_ai import Agent, NativeOutput\n\nagent = Agent("openai:qwen-plus", output_type=NativeOutput(Invoice))\n',
    ],
    ids=["alibaba", "text-allowed", "other-model", "other-provider", "chat-model-on-alibaba", "look-alike"],
)
def test_pydantic_ai_negatives(source):
    assert found(source) == []


def test_pydantic_ai_responses_strings_become_alibaba():
    source = 'from pydantic_ai import Agent\n\nagent = Agent(model="openai-responses:qwen3.6-plus")\n'
    assert found(source) == [("QW906", 'model="openai-responses:qwen3.6-plus"')]
    assert fixed(source) == 'from pydantic_ai import Agent\n\nagent = Agent(model="alibaba:qwen3.6-plus")\n'


def test_pydantic_ai_tool_output_and_tool_output_marker():
    source = 'from pydantic_ai import Agent, ToolOutput\n\nagent = Agent("alibaba:qwen-plus", output_type=ToolOutput(Invoice))\n'
    assert found(source) == [("QW905", "output_type=ToolOutput(Invoice)")]
    assert fixed(source) == source  # no marker to swap it for that keeps its options


def test_pydantic_ai_responses_model_with_its_own_options_has_no_fix():
    source = 'from pydantic_ai.models.openai import OpenAIResponsesModel\n\nmodel = OpenAIResponsesModel("qwen-plus", provider="alibaba", history_digest_key="k")\n'
    assert found(source) == [("QW906", 'OpenAIResponsesModel("qwen-plus", provider="alibaba", history_digest_key="k")')]
    assert fixed(source) == source


def test_a_file_that_only_says_from_agents_or_pydantic_ai_is_checked(tmp_path, monkeypatch):
    files = {"desk.py": AGENT_MODULE, "bills.py": 'from pydantic_ai import Agent\n\nagent = Agent("openai:gpt-4o")\n'}
    assert project(tmp_path, monkeypatch, files) == [("bills.py", "QW903"), ("desk.py", "QW906"), ("desk.py", "QW911")]


def test_alibaba_models_in_another_region_are_reported_without_a_fix():
    source = 'from pydantic_ai import Agent\n\nagent = Agent("alibaba:qwen-plus")\n'
    beijing = Settings(region="cn")
    findings = check(source, beijing)
    assert [f.code for f in findings] == ["QW901"]
    assert "defaults to https://dashscope-intl.aliyuncs.com/compatible-mode/v1" in findings[0].message
    assert "AlibabaProvider(base_url=...)" in findings[0].message
    assert Fixer(Checker(beijing), unsafe=True).fix_source(source.encode(), "example.py").fixed.decode() == source

"""Where frameworks meet: an object built from another (a client, a provider, a chat model) talks
where that one does, so nothing is reported of an object whose parts go to another provider."""
import json
from textwrap import dedent

import pytest
from click.testing import CliRunner

from helpers import check, write_project
from qwen_migrate.cli import main

GROQ = "https://api.groq.com/openai/v1"


def codes(source: str) -> list[str]:
    return [f.code for f in check(dedent(source))]


@pytest.mark.parametrize(
    "source",
    [
        # openai-agents: a Chat Completions model over another provider's client, and an Agent of it
        f"""\
        from openai import AsyncOpenAI
        from agents import Agent, ModelSettings, OpenAIChatCompletionsModel
        from pydantic import BaseModel

        class Out(BaseModel):
            x: int

        client = AsyncOpenAI(base_url="{GROQ}", api_key="k")
        agent = Agent(
            name="a",
            model=OpenAIChatCompletionsModel(model="gpt-4o", openai_client=client),
            output_type=Out,
            model_settings=ModelSettings(tool_choice="required", extra_args={{"enable_thinking": True}}),
        )
        """,
        f"""\
        from openai import AsyncOpenAI
        from agents import OpenAIResponsesModel

        model = OpenAIResponsesModel("gpt-4o", AsyncOpenAI(base_url="{GROQ}", api_key="k"))
        """,
        # pydantic-ai: a model over another provider's OpenAIProvider, inline or by name
        f"""\
        from pydantic_ai.models.openai import OpenAIChatModel
        from pydantic_ai.providers.openai import OpenAIProvider

        model = OpenAIChatModel("gpt-4o", provider=OpenAIProvider(base_url="{GROQ}", api_key="k"))
        """,
        f"""\
        from pydantic_ai import Agent
        from pydantic_ai.models.openai import OpenAIResponsesModel
        from pydantic_ai.providers.openai import OpenAIProvider
        from pydantic import BaseModel

        class Out(BaseModel):
            x: int

        provider = OpenAIProvider(base_url="{GROQ}", api_key="k")
        agent = Agent(OpenAIResponsesModel("gpt-4o", provider=provider), output_type=Out)
        """,
        # CrewAI: an Agent given another provider's LangChain chat model, and its Task
        f"""\
        from crewai import Agent, Task
        from langchain_openai import ChatOpenAI
        from pydantic import BaseModel

        class Out(BaseModel):
            x: int

        llm = ChatOpenAI(model="gpt-4o", base_url="{GROQ}", api_key="k")
        agent = Agent(role="r", goal="g", backstory="b", llm=llm)
        task = Task(description="d", expected_output="e", agent=agent, output_pydantic=Out)
        """,
    ],
)
def test_an_object_built_from_another_providers_part_is_not_ours(source):
    assert [code for code in codes(source) if code != "QW108"] == []


def test_an_object_built_from_an_openai_client_is_still_judged():
    assert codes(
        """\
        from openai import AsyncOpenAI
        from agents import Agent, OpenAIChatCompletionsModel, set_tracing_disabled

        set_tracing_disabled(True)
        client = AsyncOpenAI()
        agent = Agent(name="a", model=OpenAIChatCompletionsModel(model="gpt-4o", openai_client=client))
        """
    ) == ["QW101", "QW102", "QW903"]


@pytest.mark.parametrize(
    "source, name",
    [
        ("from agents import OpenAIProvider\n\nprovider = OpenAIProvider(api_key=key)\n", "OpenAIProvider"),
        ("from pydantic_ai.providers.openai import OpenAIProvider\n\nprovider = OpenAIProvider(api_key=key)\n", "OpenAIProvider"),
        (
            "from autogen_ext.models.openai import OpenAIChatCompletionClient\n\nclient = OpenAIChatCompletionClient(model=\"qwen-plus\", api_key=key)\n",
            "OpenAIChatCompletionClient",
        ),
        ("import instructor\n\nclient = instructor.from_provider(\"openai/qwen-plus\", api_key=key)\n", "from_provider"),
    ],
)
def test_a_missing_base_url_names_the_variable_the_framework_reads(source, name):
    """These build the SDK's client with no base URL, which reads OPENAI_BASE_URL: OPENAI_API_BASE,
    which LangChain and LlamaIndex read, moves nothing here."""
    messages = [f.message for f in check(source) if f.code == "QW901"]
    assert messages == [f"{name} has no base_url: requests go to OPENAI_BASE_URL or api.openai.com, not DashScope"]


def test_agents_on_a_default_client_of_another_provider_are_not_ours(tmp_path, monkeypatch):
    """set_default_openai_client(groq) in one module sends the model names of every module's
    Agents to Groq: neither their Responses default nor their settings are DashScope's concern."""
    write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/setup.py": dedent(
                f"""\
                from agents import set_default_openai_client, set_tracing_disabled
                from openai import AsyncOpenAI

                set_tracing_disabled(True)
                set_default_openai_client(AsyncOpenAI(base_url="{GROQ}", api_key="k"))
                """
            ),
            "app/bot.py": dedent(
                """\
                from agents import Agent, ModelSettings

                agent = Agent(name="a", model="llama-3.3-70b", model_settings=ModelSettings(tool_choice="required"))
                """
            ),
        },
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "1", "."])
    assert [f["code"] for f in json.loads(result.output)["findings"] if f["code"] != "QW108"] == []


def test_a_chat_model_beside_another_providers_is_still_judged():
    """A CrewAI Agent whose llm is another provider's talks there; its function_calling_llm, an
    OpenAI ChatOpenAI, still sends its own requests to OpenAI."""
    assert codes(
        f"""\
        from crewai import Agent
        from langchain_openai import ChatOpenAI

        agent = Agent(
            role="r",
            goal="g",
            backstory="b",
            llm=ChatOpenAI(model="llama3", base_url="{GROQ}", api_key="k"),
            function_calling_llm=ChatOpenAI(model="gpt-4o", api_key=key),
        )
        """
    ) == ["QW901", "QW903"]

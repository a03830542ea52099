"""How clients and SDK calls are recognised, and what is never taken for one."""
from textwrap import dedent

import libcst as cst
import pytest

from qwen_migrate.analysis.flow import resolve
from qwen_migrate.request import DYNAMIC, MISSING, static_value


def resolved(source):
    return resolve(cst.parse_module(dedent(source)))


def methods(source):
    return [call.method for call in resolved(source).calls]


@pytest.mark.parametrize(
    "source",
    [
        "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='m')\n",
        "from openai import OpenAI as O\nc = O()\nc.chat.completions.create(model='m')\n",
        "import openai as oa\nc = oa.OpenAI()\nc.chat.completions.create(model='m')\n",
        "import openai\nopenai.Client().chat.completions.create(model='m')\n",
        "from openai import AsyncOpenAI\nasync def f():\n    async with AsyncOpenAI() as c:\n        await c.chat.completions.create(model='m')\n",
        "from openai import OpenAI\nc = OpenAI()\nc.with_options(timeout=3).chat.completions.create(model='m')\n",
        "from openai import OpenAI\nc = OpenAI()\nc.chat.completions.with_raw_response.create(model='m')\n",
        "from openai import OpenAI\nc = OpenAI()\nc.with_streaming_response.chat.completions.create(model='m')\n",
        "from openai import OpenAI\ndef f(c: OpenAI):\n    c.chat.completions.create(model='m')\n",
        "from typing import Optional\nfrom openai import OpenAI\ndef f(c: Optional[OpenAI] = None):\n    c.chat.completions.create(model='m')\n",
        "from openai import OpenAI\ndef f(c: 'OpenAI | None'):\n    c.chat.completions.create(model='m')\n",
        "from openai import OpenAI\ndef make() -> OpenAI:\n    return build()\nmake().chat.completions.create(model='m')\n",
        "from openai import OpenAI\ndef make():\n    return OpenAI()\nc = make()\nc.chat.completions.create(model='m')\n",
        "from openai import OpenAI\ndef f():\n    c.chat.completions.create(model='m')\nc = OpenAI()\n",
        "from openai import OpenAI\nc = OpenAI() if x else None\nc.chat.completions.create(model='m')\n",
        "from openai import OpenAI\ncompletions = OpenAI().chat.completions\ncompletions.create(model='m')\n",
        "from openai import OpenAI\ncreate = OpenAI().chat.completions.with_raw_response.create\ncreate(model='m')\n",
        "import openai\ncreate = openai.chat.completions.create\ncreate(model='m')\n",
    ],
)
def test_client_forms(source):
    assert methods(source) == ["chat.completions.create"]


def test_instance_attribute_is_followed_across_methods_and_subclasses():
    source = """
        import os
        from openai import AsyncOpenAI

        class Base:
            def __init__(self):
                self._client = AsyncOpenAI(api_key=os.getenv("K"))

        class Worker(Base):
            async def run(self):
                def inner():
                    return self._client.embeddings.create(model="m", input="x")
                await self._client.chat.completions.create(model="m")
    """
    module = resolved(source)
    assert sorted(call.method for call in module.calls) == ["chat.completions.create", "embeddings.create"]
    assert len(module.clients) == 1
    assert module.clients[0].apis == {"chat", "embeddings"}


def test_client_passed_through_an_annotated_init_parameter():
    source = """
        from openai import OpenAI

        class Service:
            client: OpenAI

            def __init__(self, client: OpenAI):
                self.client = client

            def answer(self):
                return self.client.chat.completions.create(model="m")
    """
    assert methods(source) == ["chat.completions.create"]


def test_module_level_client_and_its_settings():
    module = resolved(
        """
        import os
        import openai
        openai.base_url = "https://example.test/v1"
        openai.api_key = os.environ["OPENAI_API_KEY"]
        openai.chat.completions.create(model="m")
        openai.types.chat.ChatCompletion
        openai.pydantic_function_tool(Model)
        """
    )
    assert [call.method for call in module.calls] == ["chat.completions.create"]
    assert module.module_client.value("base_url") == "https://example.test/v1"
    assert module.module_client.environment_variable("api_key") == "OPENAI_API_KEY"
    assert module.clients == []


def test_legacy_v0_calls_and_settings():
    module = resolved(
        """
        import openai
        from openai import ChatCompletion
        openai.api_base = "x"
        openai.Completion.create(model="m")
        ChatCompletion.acreate(model="m")
        """
    )
    assert sorted(use.symbol for use in module.legacy) == ["ChatCompletion.acreate", "Completion.create", "api_base"]
    assert module.calls == []


def test_v1_types_with_v0_names_are_not_legacy():
    module = resolved(
        """
        import openai
        from openai.types.chat import ChatCompletion
        from openai.types import Embedding
        ChatCompletion.model_validate({})
        Embedding.construct()
        openai.types.chat.ChatCompletion.model_validate({})
        """
    )
    assert module.legacy == [] and module.calls == []


@pytest.mark.parametrize(
    "source",
    [
        "from groq import Groq\nGroq().chat.completions.create(model='m')\n",
        "from together import Together\nc = Together()\nc.chat.completions.create(model='m')\n",
        "from mistralai import Mistral\nMistral(api_key='k').chat.complete(model='m')\n",
        "from anthropic import Anthropic\nAnthropic().messages.create(model='m')\n",
        "from langchain_openai import OpenAI\nOpenAI().chat.completions.create(model='m')\n",
        "class OpenAI:\n    pass\nOpenAI().chat.completions.create(model='m')\n",
        "openai = {'key': 1}\nopenai.chat.completions.create(model='m')\n",
        "from openai import OpenAI\ndef f(OpenAI):\n    OpenAI().chat.completions.create(model='m')\n",
        "from openai import OpenAI\ndef f(client):\n    client.chat.completions.create(model='m')\n",
        "class Storage:\n    def create(self): ...\nStorage().files.create(purpose='fine-tune')\n",
    ],
)
def test_lookalikes_are_never_clients(source):
    module = resolved(source)
    assert module.calls == [] and module.clients == []


def test_client_level_helpers_are_not_api_calls():
    assert methods("from openai import OpenAI\nc = OpenAI()\nc.close()\nc.with_options(timeout=1)\nc.get('/x', cast_to=dict)\n") == []


def test_a_constructor_that_is_never_used_is_still_a_client():
    module = resolved("import openai\ndef f():\n    return openai.AsyncOpenAI(max_retries=1)\n")
    assert [client.class_name for client in module.clients] == ["AsyncOpenAI"]
    assert module.clients[0].arguments.value("max_retries") == 1


def test_self_reference_does_not_loop():
    assert methods("from openai import OpenAI\nclient = client or OpenAI()\nclient.models.list()\n") == ["models.list"]


@pytest.mark.parametrize(
    "expression, value",
    [
        ("'a' 'b'", "ab"),
        ("-3", -3),
        ("[1, {'type': 'function', 'f': spec}]", [1, {"type": "function", "f": DYNAMIC}]),
        ("{**base, 'type': 'x'}", DYNAMIC),
        ("[*tools]", DYNAMIC),
        ("f'{x}'", DYNAMIC),
        ("None", None),
        ("name", DYNAMIC),
    ],
)
def test_static_values(expression, value):
    assert static_value(cst.parse_expression(expression)) == value


def test_splat_hides_keywords():
    module = resolved("from openai import OpenAI\nOpenAI(**options).chat.completions.create(model='m', **kw)\n")
    call = module.calls[0]
    assert call.arguments.value("model") == "m"
    assert call.arguments.value("tools") is DYNAMIC
    assert module.clients[0].arguments.value("base_url") is DYNAMIC
    plain = resolved("from openai import OpenAI\nOpenAI().chat.completions.create(model='m')\n").calls[0]
    assert plain.arguments.value("tools") is MISSING


@pytest.mark.parametrize(
    "call, api",
    [
        ("c.beta.chat.completions.parse(model='m')", "chat"),
        ("c.beta.responses.create(model='m')", "responses"),
        ("c.beta.assistants.create(model='m')", "beta.assistants"),
        ("c.conversations.items.list('x')", "conversations"),
        ("c.files.with_raw_response.content('f')", "files"),
    ],
)
def test_api_of_a_call(call, api):
    module = resolved(f"from openai import OpenAI\nc = OpenAI()\n{call}\n")
    assert [c.api for c in module.calls] == [api]

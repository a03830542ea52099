"""AutoGen's OpenAIChatCompletionClient and instructor at their edges: the client instructor wraps,
its modes resolved through imports, its own keywords, model_info, and look-alikes."""
from textwrap import dedent

import pytest
from click.testing import CliRunner

from helpers import check, covered_text
from qwen_migrate.cli import main
from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer
from qwen_migrate.settings import Settings

SINGAPORE = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
MODEL_INFO = '{"vision": False, "function_calling": True, "json_output": True, "structured_output": False, "family": "unknown"}'
AUTOGEN = f"""\
import os
from autogen_ext.models.openai import OpenAIChatCompletionClient

client = OpenAIChatCompletionClient(model="qwen3.6-plus", base_url="{SINGAPORE}", api_key=os.getenv("DASHSCOPE_API_KEY"){{}})
"""
INSTRUCTOR = f"""\
import os
import instructor
from openai import OpenAI

client = instructor.from_openai(OpenAI(base_url="{SINGAPORE}", api_key=os.getenv("DASHSCOPE_API_KEY")){{}})
"""


def fixed(source: str, unsafe: bool = True) -> str:
    return Fixer(Checker(Settings()), unsafe=unsafe).fix_source(source.encode(), "example.py").fixed.decode()


def found(source: str) -> list[tuple[str, str]]:
    source = dedent(source)
    return [(f.code, covered_text(source, f)) for f in check(source)]


# --- instructor: the patched client is the SDK client --------------------------------------------


@pytest.mark.parametrize(
    "wrap",
    ["instructor.from_openai({})", "instructor.from_openai(client={}, model='qwen3.6-plus')", "instructor.patch({})", "instructor.apatch({})"],
)
def test_calls_through_the_patched_client_are_sdk_calls(wrap):
    source = f"""\
import os
import instructor
from openai import OpenAI

client = {wrap.format(f'OpenAI(base_url="{SINGAPORE}", api_key=os.getenv("DASHSCOPE_API_KEY"))')}
client.chat.completions.create(model="gpt-4o", response_model=Answer, messages=[], tool_choice="required")
"""
    assert [code for code, _ in found(source)] == ["QW210", "QW203"]


def test_instructors_own_keywords_are_no_request_parameters():
    source = INSTRUCTOR.format("") + (
        'client.chat.completions.create(model="qwen3.6-plus", messages=[], response_model=Answer, max_retries=2,'
        ' context={"a": 1}, strict=True, hooks=None, token_budget=100, validation_context={}, tool_choice="required")\n'
    )
    assert found(source) == [("QW203", 'tool_choice="required"')]


def test_a_wrapped_client_on_another_server_is_not_ours():
    source = 'import instructor\nfrom openai import OpenAI\n\nclient = instructor.from_openai(OpenAI(base_url="http://localhost:11434/v1", api_key="ollama"), mode=instructor.Mode.JSON_SCHEMA, model="gpt-4o")\n'
    assert [code for code, _ in found(source) if code.startswith("QW9")] == []


# --- instructor: modes, resolved through the imports ----------------------------------------------


@pytest.mark.parametrize(
    "header, mode",
    [
        ("", ", mode=instructor.Mode.JSON_SCHEMA"),
        ("from instructor import Mode\n", ", Mode.JSON_SCHEMA"),  # positional
        ("from instructor import Mode as M\n", ", mode=M.JSON_SCHEMA"),
        ("from instructor.mode import Mode\n", ", mode=Mode.JSON_SCHEMA"),
    ],
    ids=["module", "positional", "alias", "submodule"],
)
def test_json_schema_mode_becomes_tools(header, mode):
    source = header + INSTRUCTOR.format(mode)
    assert [code for code, _ in found(source)] == ["QW904"]
    assert fixed(source) == source.replace("JSON_SCHEMA", "TOOLS")


@pytest.mark.parametrize(
    "header",
    ["from legacy.modes import Mode\n", "class Mode:\n    JSON_SCHEMA = 1\n"],
    ids=["imported-elsewhere", "local-class"],
)
def test_a_mode_that_is_not_instructors_is_not_read(header):
    assert found(header + INSTRUCTOR.format(", mode=Mode.JSON_SCHEMA")) == []


def test_responses_modes():
    tools = INSTRUCTOR.format(", mode=instructor.Mode.RESPONSES_TOOLS")
    assert [code for code, _ in found(tools)] == ["QW906"]
    assert fixed(tools) == tools.replace("RESPONSES_TOOLS", "TOOLS")
    inbuilt = INSTRUCTOR.format(", mode=instructor.Mode.RESPONSES_TOOLS_WITH_INBUILT_TOOLS")
    assert [code for code, _ in found(inbuilt)] == ["QW906"]
    assert fixed(inbuilt) == inbuilt  # its built-in tools have no Chat Completions form


def test_parallel_tools_mode_is_reported_only():
    source = INSTRUCTOR.format(", mode=instructor.Mode.PARALLEL_TOOLS")
    assert [code for code, _ in found(source)] == ["QW910"]
    assert fixed(source) == source


# --- instructor: from_provider ---------------------------------------------------------------------


def test_from_provider_keeps_the_openai_prefix():
    source = 'import instructor\n\nclient = instructor.from_provider("openai/gpt-4o-mini")\n'
    assert [code for code, _ in found(source)] == ["QW901", "QW902", "QW903"]
    assert '"openai/qwen3.6-flash", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key=os.getenv("DASHSCOPE_API_KEY")' in fixed(source, unsafe=False)


def test_from_provider_with_a_dashscope_prefix_raises():
    source = 'import instructor\n\nclient = instructor.from_provider("dashscope/qwen-plus", base_url="' + SINGAPORE + '")\n'
    findings = check(source)
    assert [(f.code, f.message) for f in findings] == [
        ("QW903", "from_provider has no 'dashscope' provider and raises: write 'openai/qwen-plus' with DashScope's base_url")
    ]
    assert fixed(source) == source


def test_a_file_that_only_imports_instructor_is_checked(tmp_path):
    (tmp_path / "app.py").write_text('import instructor\n\nclient = instructor.from_provider("dashscope/qwen-plus")\n')
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert "QW903" in result.output


# --- AutoGen ---------------------------------------------------------------------------------------


def test_autogen_model_info_fix_keeps_every_key():
    source = AUTOGEN.format("")
    assert [code for code, _ in found(source)] == ["QW909"]
    assert fixed(source) == AUTOGEN.format(f", model_info={MODEL_INFO}")
    assert '"structured_output": False' in MODEL_INFO


@pytest.mark.parametrize(
    "given",
    [f", model_info={MODEL_INFO}", ", model_capabilities=capabilities", ", **config"],
    ids=["model-info", "deprecated-capabilities", "splat"],
)
def test_autogen_with_model_metadata_or_unknown_arguments_is_not_reported(given):
    assert found(AUTOGEN.format(given)) == []


@pytest.mark.parametrize("model", ['"claude-3-5-sonnet"', "model_name", '"gpt-4o-audio-preview-unmapped"'])
def test_autogen_model_info_only_for_qwen_models(model):
    source = f"from autogen_ext.models.openai import OpenAIChatCompletionClient\n\nclient = OpenAIChatCompletionClient(model={model}, base_url=\"{SINGAPORE}\", api_key=key)\n"
    assert "QW909" not in [code for code, _ in found(source)]


def test_autogen_mapped_openai_model_needs_model_info():
    source = 'from autogen_ext.models.openai import OpenAIChatCompletionClient\n\nclient = OpenAIChatCompletionClient(model="gpt-4o-mini", base_url="' + SINGAPORE + '", api_key=key)\n'
    messages = [f.message for f in check(source) if f.code == "QW909"]
    assert messages == ["OpenAIChatCompletionClient knows no model 'qwen3.6-flash' (QW903 replaces 'gpt-4o-mini' with it): without model_info it raises ValueError"]


def test_autogen_create_calls():
    source = AUTOGEN.format(f", model_info={MODEL_INFO}") + dedent("""\

        async def run(messages):
            await client.create(messages, json_output=Answer)
            await client.create(messages, json_output=True)
            await client.create_stream(messages, json_output=False, tool_choice="required")
            await client.create(messages, tools=tools, tool_choice="auto")
        """)
    assert found(source) == [
        ("QW910", AUTOGEN.format(f", model_info={MODEL_INFO}").splitlines()[3][len("client = "):]),
        ("QW904", "json_output=Answer"),
        ("QW905", 'tool_choice="required"'),
    ]
    assert 'model_info=%s, parallel_tool_calls=True)' % MODEL_INFO in fixed(source)


def test_autogen_parallel_tool_calls_given_or_no_tools():
    with_flag = AUTOGEN.format(f", model_info={MODEL_INFO}, parallel_tool_calls=False") + "client.create(messages, tools=tools)\n"
    without_tools = AUTOGEN.format(f", model_info={MODEL_INFO}") + "client.create(messages)\n"
    assert found(with_flag) == [] and found(without_tools) == []


def test_autogen_qwen_only_keyword_is_dropped_not_raised():
    source = AUTOGEN.format(f", model_info={MODEL_INFO}, enable_thinking=False")
    assert [f.message for f in check(source)] == [
        "enable_thinking is not a parameter of OpenAIChatCompletionClient, which drops it without a word, so it never reaches DashScope: pass it in extra_body"
    ]
    assert fixed(source, unsafe=False) == AUTOGEN.format(f', model_info={MODEL_INFO}, extra_body={{"enable_thinking": False}}')


def test_autogen_look_alike_is_not_reported():
    source = 'from vendor.models import OpenAIChatCompletionClient\n\nclient = OpenAIChatCompletionClient(model="gpt-4o", enable_thinking=False)\nclient.create(m, json_output=Answer, tool_choice="required")\n'
    assert found(source) == []

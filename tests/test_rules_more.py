"""Rule behaviour beyond the embedded examples: the edges the corpus runs found."""
import json

import pytest

from helpers import check, check_batch, codes, covered_text
from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer
from qwen_migrate.settings import Settings

CLIENT = """\
import os
from openai import OpenAI
client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
"""


@pytest.mark.parametrize(
    "messages, reported",
    [
        ('[{"role": "system", "content": SYSTEM}, {"role": "user", "content": "hi"}]', False),
        ('[{"role": "system", "content": "Schema: " + schema}, {"role": "user", "content": "hi"}]', False),
        ('[{"role": role, "content": text}, {"role": "user", "content": "hi"}]', False),
        ('[{"role": "system", "content": "Extract it."}, {"role": "user", "content": text}]', True),
        ('[{"role": "user", "content": [{"type": "text", "text": "Give me json"}, {"type": "image_url", "image_url": u}]}]', False),
        ('[{"role": "user", "content": [{"type": "text", "text": "Describe"}, {"type": "image_url", "image_url": u}]}]', True),
        ("history", False),
    ],
)
def test_json_mode_judges_only_instructions_written_in_the_code(messages, reported):
    source = CLIENT + f'client.chat.completions.create(model="qwen3.6-plus", messages={messages}, response_format={{"type": "json_object"}})\n'
    assert ("QW211" in codes(source)) is reported


@pytest.mark.parametrize(
    "constructor, found",
    [
        ("OpenAI(api_key=None, base_url=None)", ["QW101", "QW102"]),
        ("OpenAI(workload_identity=identity)", ["QW101", "QW107"]),
        ('OpenAI(provider=bedrock(region="us-east-1"))', ["QW101", "QW107"]),
        ('OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=os.getenv("OPENAI_BASE_URL"))', ["QW101"]),
        ('OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=os.getenv("LLM_BASE_URL"))', []),
        ('OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=os.getenv("LLM_BASE_URL"), organization=None)', []),
    ],
)
def test_client_credentials_and_endpoints(constructor, found):
    assert sorted(codes(f"import os\nfrom openai import OpenAI\nclient = {constructor}\n")) == found


AZURE = """\
from openai import AzureOpenAI, OpenAI
azure = AzureOpenAI(azure_endpoint="https://acme.openai.azure.com", api_version="2024-06-01")
"""


@pytest.mark.parametrize(
    "call, message",
    [
        ('azure.chat.completions.create(model="support-bot-prod", messages=m)', "'support-bot-prod' is an Azure deployment name"),
        ('azure.embeddings.create(model="embed-small", input=t, encoding_format="float")', "'embed-small' is an Azure deployment name"),
        ('azure.chat.completions.create(model="gpt-4o", messages=m)', "'gpt-4o' is an OpenAI model"),
        ('azure.chat.completions.create(model="qwen3.6-plus", messages=m)', None),  # already a Qwen model
        ('azure.chat.completions.create(model="QwQ-Plus", messages=m)', None),
        ('OpenAI().chat.completions.create(model="support-bot-prod", messages=m)', None),  # a model name, perhaps a fine-tune's
        ('(azure if x else OpenAI()).chat.completions.create(model="support-bot-prod", messages=m)', None),  # Azure on some paths only
    ],
)
def test_an_azure_clients_model_is_a_deployment_name(call, message):
    found = [finding.message for finding in check(AZURE + call + "\n") if finding.code == "QW210"]
    assert found == ([] if message is None else [f"{message}, not served by DashScope" + ("; add it to the models map to have it replaced" if "Azure" in message else " (use 'qwen3.6-plus')")])


def test_a_deployment_name_in_the_models_map_is_replaced():
    settings = Settings(models={"support-bot-prod": "qwen3.6-flash"})
    [finding] = [f for f in check(AZURE + 'azure.chat.completions.create(model="support-bot-prod", messages=m)\n', settings) if f.code == "QW210"]
    assert finding.message == "'support-bot-prod' is an Azure deployment name, not served by DashScope (use 'qwen3.6-flash')"
    assert finding.fix is not None


def test_the_azure_fix_waits_for_a_mapping_of_every_deployment_name():
    """Once the client is an OpenAI one, nothing would tell that a model names a deployment."""
    source = AZURE + 'azure.chat.completions.create(model="support-bot-prod", messages=m)\nazure.chat.completions.create(model="gpt-4o", messages=m)\n'
    [unmapped] = [f for f in check(source) if f.code == "QW104"]
    assert unmapped.fix is None and unmapped.message.endswith("(no fix until the models map names a Qwen model for 'support-bot-prod')")
    [mapped] = [f for f in check(source, Settings(models={"support-bot-prod": "qwen3.6-flash"})) if f.code == "QW104"]
    assert mapped.fix is not None and "no fix" not in mapped.message


RESPONSES = CLIENT.replace("/compatible-mode/v1", "/api/v2/apps/protocols/compatible-mode/v1")


def fixed(source: str, unsafe: bool = False, add_todo: bool = False) -> str:
    return Fixer(Checker(Settings()), unsafe=unsafe, add_todo=add_todo).fix_source(source.encode(), "example.py").fixed.decode()


def reported(source: str, code: str, settings: Settings = None) -> list[tuple[str, str]]:
    return [(covered_text(source, f), f.message) for f in check(source, settings) if f.code == code]


def batch_line(url: str, body: dict) -> str:
    return json.dumps({"custom_id": "r1", "method": "POST", "url": url, "body": body}) + "\n"


def batch_messages(text: str, tmp_path, settings: Settings = None) -> list[str]:
    return [f.message for f in check_batch(text, tmp_path, settings)]


@pytest.mark.parametrize(
    "arguments, at",
    [
        ("top_k=500", "top_k=500"),
        ('extra_body={"top_k": 0}', '"top_k": 0'),
        ('extra_body={"enable_thinking": False, "top_k": -3}', '"top_k": -3'),
        ('extra_body={"top_k": 100}', None),
        ("top_k=1", None),
        ('extra_body={"top_k": k}', None),
        ("extra_body=extra", None),
    ],
)
def test_top_k_outside_its_range_is_reported_wherever_it_is_written(arguments, at):
    source = CLIENT + f'client.chat.completions.create(model="qwen3.6-plus", messages=[], {arguments})\n'
    found = reported(source, "QW214")
    assert [text for text, _ in found] == ([at] if at else [])


@pytest.mark.parametrize("top_k", ["50.0", "2.5"])
def test_top_k_that_is_no_integer_is_reported(top_k):
    # The spec gives top_k the type Integer; DashScope (and the stand-in) refuse 50.0 too.
    source = CLIENT + f'client.chat.completions.create(model="qwen3.6-plus", messages=[], extra_body={{"top_k": {top_k}}})\n'
    assert reported(source, "QW214") == [(f'"top_k": {top_k}', f"top_k={top_k} is no integer: DashScope takes an integer in (0, 100]")]


def test_top_k_moved_into_extra_body_by_qw209_is_still_out_of_range():
    source = CLIENT + 'client.chat.completions.create(model="qwen3.6-plus", messages=[], top_k=500)\n'
    after = fixed(source)
    assert 'extra_body={"top_k": 500}' in after
    assert reported(after, "QW214") == [('"top_k": 500', "top_k=500 is outside DashScope's range (0, 100]")]


def test_batch_bodies_are_judged_by_the_new_rules(tmp_path):
    chat = {"model": "qwen-plus", "messages": [{"role": "user", "content": "Hi"}]}
    lines = batch_line("/v1/chat/completions", {**chat, "top_k": 500, "functions": [], "reasoning_effort": "low"})
    messages = batch_messages(lines, tmp_path)
    assert "QW214 top_k=500 is outside DashScope's range (0, 100]" in messages
    assert "QW215 functions is not accepted by DashScope's Chat Completions: use tools" in messages
    assert any(m.startswith("QW208 reasoning_effort") and "enable_thinking / thinking_budget" in m for m in messages)
    embeddings = batch_line("/v1/embeddings", {"model": "text-embedding-v4", "input": [str(i) for i in range(11)], "encoding_format": "float"})
    assert "QW404 11 inputs in one request: DashScope's embedding models take at most 10" in batch_messages(embeddings, tmp_path)


def test_functions_have_no_fix_while_other_unaccepted_chat_parameters_are_removed():
    source = CLIENT + 'client.chat.completions.create(model="qwen3.6-plus", messages=[], functions=fs, moderation=m)\n'
    fixes = {covered_text(source, f): f.fix for f in check(source) if f.code == "QW215"}
    assert fixes["functions=fs"] is None
    assert fixes["moderation=m"].description == "Remove moderation"
    assert "moderation" not in fixed(source, unsafe=True) and "functions=fs" in fixed(source, unsafe=True)


def test_qwen_only_keywords_of_responses_merge_into_an_existing_extra_body():
    source = RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", enable_thinking=True, extra_body={"thinking_budget": 50})\n'
    assert 'extra_body={"thinking_budget": 50, "enable_thinking": True}' in fixed(source)


def test_responses_instructions_follow_their_setting():
    source = RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", instructions="Be brief")\n'
    assert reported(source, "QW305") == []
    found = check(source, Settings(responses_instructions="ignored"))
    assert [(covered_text(source, f), f.severity.value, f.fix) for f in found if f.code == "QW305"] == [('instructions="Be brief"', "warning", None)]


def test_qwen_only_chat_parameters_on_responses_are_reported_and_removed_not_moved():
    # The Responses page names enable_thinking only: top_k and enable_search are no Responses parameters.
    source = RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", enable_thinking=True, top_k=500, enable_search=True)\n'
    found = [(covered_text(source, f), f.code, f.severity.value, f.message) for f in check(source)]
    typeerror = "is no parameter of DashScope's Responses API (only of Chat Completions): as a keyword argument the SDK raises TypeError"
    assert found == [
        ("enable_thinking=True", "QW305", "error", "enable_thinking is a Qwen-only parameter: as a keyword argument the SDK raises TypeError; pass it in extra_body"),
        ("top_k=500", "QW305", "error", f"top_k {typeerror}"),
        ("enable_search=True", "QW305", "error", f"enable_search {typeerror}"),
    ]
    assert fixed(source) == RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", top_k=500, enable_search=True, extra_body={"enable_thinking": True})\n'
    assert fixed(source, unsafe=True) == RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", extra_body={"enable_thinking": True})\n'


def test_ignored_reasoning_parameters_name_the_thinking_parameters_of_their_api():
    chat = CLIENT + 'client.chat.completions.create(model="qwen3.6-plus", messages=[], reasoning_effort="high")\n'
    responses = RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", reasoning={"effort": "high"})\n'
    assert [message for _, message in reported(chat, "QW208")] == [
        "reasoning_effort is silently ignored by DashScope; to control thinking, pass enable_thinking / thinking_budget in extra_body"
    ]
    assert [message for _, message in reported(responses, "QW305")] == [
        "reasoning is ignored by DashScope's Responses API; to control thinking, pass enable_thinking in extra_body"
    ]


def test_responses_metadata_include_and_stream_options_are_ignored_parameters():
    # The Responses page does not list them, and processes only what it lists.
    source = RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", stream=True, metadata={"run": "1"}, include=["reasoning.encrypted_content"], stream_options={"include_obfuscation": False})\n'
    found = [(covered_text(source, f), f.severity.value, f.message) for f in check(source) if f.code == "QW305"]
    assert found == [
        ('metadata={"run": "1"}', "warning", "metadata is ignored by DashScope's Responses API"),
        ('include=["reasoning.encrypted_content"]', "warning", "include is ignored by DashScope's Responses API"),
        ('stream_options={"include_obfuscation": False}', "warning", "stream_options is ignored by DashScope's Responses API"),
    ]


def test_ignored_responses_parameters_are_warnings_and_retrieve_is_judged_too():
    source = RESPONSES + 'client.responses.create(model="qwen3.6-plus", input="hi", store=False, parse_as=Answer)\nclient.responses.retrieve("resp_1", include_obfuscation=False)\n'
    found = [(covered_text(source, f), f.severity.value) for f in check(source) if f.code == "QW305"]
    assert found == [("store=False", "warning"), ("include_obfuscation=False", "warning")]


@pytest.mark.parametrize(
    "value, count",
    [
        ("[" + ", ".join(str(i) for i in range(40)) + "]", None),  # one text as its token ids
        ("[" + ", ".join(str(i) for i in range(1, 12)) + ", token]", None),  # token ids, one not known here
        ("[" + ", ".join(f"[{i}]" for i in range(11)) + "]", 11),  # eleven texts as token-id lists
        ("[" + ", ".join(f'"t{i}"' for i in range(10)) + "]", None),
        ("[" + ", ".join(f"t{i}" for i in range(12)) + "]", 12),
        ("[*texts]", None),
        ("texts", None),
    ],
)
def test_embedding_inputs_over_ten_are_reported_when_their_number_is_known(value, count):
    source = CLIENT + f'client.embeddings.create(model="text-embedding-v4", input={value}, encoding_format="float")\n'
    found = [message for _, message in reported(source, "QW404")]
    assert found == ([f"{count} inputs in one request: DashScope's embedding models take at most 10"] if count else [])


@pytest.mark.parametrize(
    "arguments, found",
    [
        ('endpoint="/v1/embeddings"', []),
        ('endpoint="/v1/chat/ds-test"', []),  # the Batch page's test URL, for batch-test-model
        ("endpoint=ENDPOINT", []),
        ('endpoint="/v1/completions"', ['endpoint="/v1/completions"']),
        ('endpoint="/v1/chat/completions", output_expires_after=after', ["output_expires_after=after"]),
    ],
)
def test_batch_endpoints_the_batch_api_does_not_run(arguments, found):
    source = CLIENT + f'client.batches.create(input_file_id="file-1", completion_window="24h", {arguments})\n'
    assert [text for text, _ in reported(source, "QW603")] == found


def test_file_and_batch_output_expiry_are_reported_as_having_no_effect():
    # Spec, "Storage limits": files never expire, so DashScope ignores both expiries.
    source = CLIENT + 'client.files.create(file=f, purpose="batch", expires_after=after)\nclient.batches.create(input_file_id="file-1", endpoint="/v1/embeddings", completion_window="24h", output_expires_after=after)\n'
    found = [(f.code, f.severity.value, f.message) for f in check(source) if f.code in ("QW504", "QW603")]
    assert found == [
        ("QW504", "warning", "files.create(expires_after=...) has no effect on DashScope: files never expire"),
        ("QW603", "error", "batches.create(output_expires_after=...) has no effect on DashScope: files never expire"),
    ]


def test_file_expiry_is_removed_by_the_unsafe_fix_only():
    source = CLIENT + 'client.files.create(file=f, purpose="batch", expires_after={"anchor": "created_at", "seconds": 60})\n'
    assert "expires_after" in fixed(source)
    assert "expires_after" not in fixed(source, unsafe=True)


def test_reasoning_effort_points_to_the_thinking_parameters_in_its_todo():
    source = CLIENT + 'client.chat.completions.create(model="qwen3.6-plus", messages=[], reasoning_effort="high")\n'
    assert fixed(source, add_todo=True).splitlines()[-2] == (
        "# TODO(qwen-migrate): QW208 reasoning_effort is silently ignored by DashScope; "
        "to control thinking, pass enable_thinking / thinking_budget in extra_body"
    )


@pytest.mark.parametrize(
    "settings, line, expected",
    [
        (Settings(), ("/v1/chat/completions", "gpt-4o"), "QW210 'gpt-4o' is an OpenAI model, not served by DashScope (the Batch API of region 'intl' runs qwen-max, qwen-plus)"),
        (Settings(), ("/v1/embeddings", "text-embedding-3-small"), "QW210 'text-embedding-3-small' is an OpenAI model, not served by DashScope (the Batch API of region 'intl' runs no model for these requests)"),
        (Settings(models={"gpt-4o": "qwen-plus"}), ("/v1/chat/completions", "gpt-4o"), "QW210 'gpt-4o' is an OpenAI model, not served by DashScope (use 'qwen-plus')"),
        (Settings(region="cn"), ("/v1/chat/completions", "gpt-4o"), "QW210 'gpt-4o' is an OpenAI model, not served by DashScope (use 'qwen3.6-plus')"),
        (Settings(), ("/v1/chat/completions", "qwen-turbo"), "QW213 'qwen-turbo' was retired by Model Studio on 2026-10-10 (the Batch API of region 'intl' runs qwen-max, qwen-plus)"),
    ],
)
def test_check_batch_suggests_only_a_model_the_batch_api_runs(tmp_path, settings, line, expected):
    url, model = line
    body = {"model": model, "messages": [], "input": "x", "encoding_format": "float"} if "embeddings" in url else {"model": model, "messages": []}
    assert expected in batch_messages(batch_line(url, body), tmp_path, settings)

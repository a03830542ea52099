"""Rule behaviour beyond the embedded examples: the edges the corpus runs found."""
import pytest

from helpers import check, codes
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

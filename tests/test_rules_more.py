"""Rule behaviour beyond the embedded examples: the edges the corpus runs found."""
import pytest

from helpers import codes

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

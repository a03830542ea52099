"""Where requests go: which base URLs are DashScope's, OpenAI's or another provider's, what the fixes
set, and the settings that follow the newer Model Studio pages."""
from textwrap import dedent

import pytest

from qwen_migrate.settings import ConfigError, Settings, parse_table
from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer

from helpers import check, check_config, codes

INTL_COMPATIBLE = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
INTL_RESPONSES = "https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1"


def fix(source: str, settings: Settings = Settings()) -> str:
    return Fixer(Checker(settings)).fix_source(dedent(source).encode(), "example.py").fixed.decode()


OTHER_PROVIDERS = [
    "http://localhost:11434/v1",  # Ollama
    "http://127.0.0.1:8000/v1",  # vLLM
    "https://api.perplexity.ai",
    "https://api.together.xyz/v1",
    "https://api.endpoints.anyscale.com/v1",
    "https://openrouter.ai/api/v1",
    "http://1234567.cn-hangzhou.pai-eas.aliyuncs.com/api/predict/my_vllm/v1",  # vLLM on Alibaba Cloud, not DashScope
]


@pytest.mark.parametrize("url", OTHER_PROVIDERS)
def test_a_client_of_another_provider_is_listed_and_never_rewritten(url):
    source = f"""\
        from openai import OpenAI

        client = OpenAI(base_url="{url}")
        client.chat.completions.create(model="gpt-4o", messages=[], tool_choice="required", top_k=5)
        client.embeddings.create(model="text-embedding-3-small", input="hi")
        """
    # Nothing else: not QW101 (its fix moved the traffic), not QW102 (its fix sent the DashScope key
    # to that provider), not the rules about the calls.
    assert codes(source) == ["QW108"]
    assert fix(source) == dedent(source)
    # an inventory entry asks nothing of a person: no TODO either
    assert Fixer(Checker(Settings()), add_todo=True).fix_source(dedent(source).encode(), "example.py").fixed.decode() == dedent(source)


def test_another_providers_module_level_client_is_left_alone():
    source = """\
        import openai

        openai.base_url = "https://openrouter.ai/api/v1/"
        openai.responses.create(model="openai/gpt-4o", input="hi")
        """
    assert codes(source) == ["QW108"]
    assert fix(source) == dedent(source)


def test_a_call_that_may_reach_an_openai_client_is_still_judged():
    source = """\
        from openai import OpenAI

        client = OpenAI(base_url="http://localhost:11434/v1") if LOCAL else OpenAI()
        client.chat.completions.create(model="qwen3.6-plus", messages=[], tool_choice="required")
        """
    assert "QW203" in codes(source)


@pytest.mark.parametrize(
    "host",
    [
        "https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com",
        "https://ws-1a2b.cn-beijing.maas.aliyuncs.com",
        "https://ws-1a2b.cn-hongkong.maas.aliyuncs.com",
        "https://ws-1a2b.ap-northeast-1.maas.aliyuncs.com",  # Tokyo
        "https://token-plan.cn-beijing.maas.aliyuncs.com",
        "https://dashscope.aliyuncs.com",
    ],
)
def test_a_dashscope_host_keeps_its_host(host):
    chat = f"""\
        import os
        from openai import OpenAI

        client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="{host}/compatible-mode/v1")
        client.chat.completions.create(model="qwen3.6-plus", messages=[])
        """
    assert codes(chat) == []
    # A Responses-only client on the compatible-mode path: the fix chooses the path, not the region.
    responses = chat.replace("client.chat.completions.create(model=\"qwen3.6-plus\", messages=[])", 'client.responses.create(model="qwen3.6-plus", input="hi")')
    assert codes(responses) == ["QW301"]
    assert f'base_url="{host}/api/v2/apps/protocols/compatible-mode/v1"' in fix(responses)
    # A path that is not an OpenAI-compatible one: the host stays, the path is set.
    native = chat.replace("/compatible-mode/v1", "/api/v1")
    assert codes(native) == ["QW101"]
    assert fix(native) == dedent(chat)


@pytest.mark.parametrize(
    "construction",
    [
        "OpenAI()",
        'OpenAI(base_url="https://api.openai.com/v1")',
        'OpenAI(base_url="https://eu.api.openai.com/v1")',
        'OpenAI(base_url="https://my-resource.openai.azure.com/openai/v1/")',  # Azure OpenAI's v1 API
        'OpenAI(base_url=os.environ["OPENAI_BASE_URL"])',
    ],
)
def test_a_client_that_talked_to_openai_gets_the_configured_endpoint(construction):
    source = f"""\
        import os
        from openai import OpenAI

        client = {construction}
        client.chat.completions.create(model="qwen3.6-plus", messages=[])
        """
    assert codes(source) == ["QW101", "QW102"]
    assert f'base_url="{INTL_COMPATIBLE}"' in fix(source)


MODULE_RESPONSES = """\
    import openai

    openai.responses.create(model="qwen3.6-plus", input="hi")
    """


def test_the_module_level_client_with_responses_settles_on_one_url():
    fixed = fix(MODULE_RESPONSES)  # before: QW105 and QW301 undid each other ("did not settle")
    assert f'openai.base_url = "{INTL_RESPONSES}/"' in fixed
    assert codes(fixed) == []


@pytest.mark.parametrize("url, found", [(INTL_RESPONSES + "/", []), (INTL_COMPATIBLE + "/", ["QW105"])])
def test_the_module_level_client_url_set_by_hand_has_one_verdict(url, found):
    source = f"""\
        import os
        import openai

        openai.base_url = "{url}"
        openai.api_key = os.getenv("DASHSCOPE_API_KEY")
        openai.conversations.create()
        """
    assert codes(source) == found
    assert codes(fix(source)) == []


def test_a_module_level_client_that_mixes_the_apis_is_qw103_and_settles():
    source = """\
        import openai

        openai.chat.completions.create(model="qwen3.6-plus", messages=[])
        openai.responses.create(model="qwen3.6-plus", input="hi")
        """
    assert codes(source).count("QW103") == 1
    assert codes(fix(source)) == ["QW103"]


MIXED_CLIENT = f"""\
    import os
    from openai import OpenAI

    client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="{INTL_COMPATIBLE}")
    client.chat.completions.create(model="qwen3.6-plus", messages=[])
    client.responses.create(model="qwen3.6-plus", input="hi")
    """
RESPONSES_ONLY = """\
    import os
    from openai import OpenAI

    client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))
    client.responses.create(model="qwen3.6-plus", input="hi")
    """


def test_by_default_the_spec_needs_two_endpoints():
    assert codes(MIXED_CLIENT) == ["QW103"]
    # on the Responses path, its working Responses calls are not moved: QW103 alone
    on_responses = MIXED_CLIENT.replace(INTL_COMPATIBLE, INTL_RESPONSES)
    assert codes(on_responses) == ["QW103"]
    assert fix(on_responses) == dedent(on_responses)
    assert f'base_url="{INTL_RESPONSES}"' in fix(RESPONSES_ONLY)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(responses_endpoint="compatible-mode"),
        Settings(responses_base_url=INTL_COMPATIBLE),  # the newer page's URL, given by hand
    ],
)
def test_one_compatible_mode_endpoint_serves_every_api(settings):
    assert codes(MIXED_CLIENT, settings) == []
    chat_only = MIXED_CLIENT.replace('    client.responses.create(model="qwen3.6-plus", input="hi")\n', "")
    assert codes(chat_only, settings) == []  # before: QW101 flagged every chat-only client
    assert f'base_url="{INTL_COMPATIBLE}"' in fix(RESPONSES_ONLY, settings)
    assert f'openai.base_url = "{INTL_COMPATIBLE}/"' in fix(MODULE_RESPONSES, settings)


def test_the_legacy_responses_path_still_serves_responses_under_the_newer_setting():
    source = RESPONSES_ONLY.replace("OpenAI(", f'OpenAI(base_url="{INTL_RESPONSES}", ')
    assert codes(source, Settings(responses_endpoint="compatible-mode")) == []


MAX_COMPLETION_TOKENS = f"""\
    import os
    from openai import OpenAI

    client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="{INTL_COMPATIBLE}")
    client.chat.completions.create(model="qwen3.6-plus", messages=[], max_completion_tokens=256)
    """


def test_max_completion_tokens_follows_its_setting():
    assert codes(MAX_COMPLETION_TOKENS) == ["QW208"]
    assert "max_tokens=256" in fix(MAX_COMPLETION_TOKENS)
    supported = Settings(max_completion_tokens="supported")
    assert codes(MAX_COMPLETION_TOKENS, supported) == []
    assert fix(MAX_COMPLETION_TOKENS, supported) == dedent(MAX_COMPLETION_TOKENS)


@pytest.mark.parametrize(
    "table, message",
    [
        ({"responses-endpoint": "legacy"}, "expected one of protocols, compatible-mode"),
        ({"max-completion-tokens": True}, "expected one of ignored, supported"),
        ({"region": "eu"}, "expected one of intl, cn, us, hk"),
    ],
)
def test_the_settings_are_validated(tmp_path, table, message):
    with pytest.raises(ConfigError, match=message):
        parse_table(table, tmp_path, "pyproject.toml", rule_codes=())


def test_a_workspace_domain_in_configuration_is_dashscope(tmp_path):
    text = "OPENAI_BASE_URL=https://ws-1a2b.ap-northeast-1.maas.aliyuncs.com/compatible-mode/v1\n"
    assert [f.code for f in check_config(text, tmp_path)] == []
    assert [f.code for f in check_config("OPENAI_BASE_URL=https://api.openai.com/v1\n", tmp_path)] == ["QW801"]


def test_qw108_is_advice_and_names_the_url():
    [finding] = check('from openai import OpenAI\n\nclient = OpenAI(base_url="http://localhost:11434/v1")\n')
    assert (finding.code, finding.severity.value) == ("QW108", "info")
    assert "http://localhost:11434/v1" in finding.message

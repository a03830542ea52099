"""The DashScope facts and the small functions over them."""
import pytest

from qwen_migrate.facts import dashscope, openai_sdk


@pytest.mark.parametrize(
    "name, openai",
    [
        ("gpt-4o", True),
        ("gpt-4o-2024-08-06", True),
        ("o3-mini", True),
        ("o1", True),
        ("chatgpt-4o-latest", True),
        ("text-embedding-3-small", True),
        ("text-embedding-ada-002", True),
        ("ft:gpt-4o-mini:acme::abc123", True),
        ("text-embedding-v4", False),
        ("qwen3.6-plus", False),
        ("omni-moderation-latest", False),
        ("o", False),
        ("gpt-test", False),
        ("gpt-6-astra", False),
        ("o1-like", False),
        ("gpt-4o-mini-2024-07-18", True),
        ("gpt-5.1", True),
        ("o4-mini-deep-research", True),
        ("ft:gpt-4o-mini-2024-07-18:acme::abc123", True),
    ],
)
def test_openai_model_names(name, openai):
    assert openai_sdk.is_openai_model(name) is openai


@pytest.mark.parametrize(
    "name, mapped",
    [
        ("gpt-4o", "qwen3.6-plus"),
        ("gpt-4o-2024-08-06", "qwen3.6-plus"),
        ("gpt-3.5-turbo-0125", "qwen3.6-flash"),
        ("gpt-4-turbo-preview", "qwen3.6-plus"),
        ("text-embedding-3-large", "text-embedding-v4"),
        ("qwen-turbo-latest", "qwen3.6-flash"),
        ("gpt-4.5-preview", None),
    ],
)
def test_model_map(name, mapped):
    assert dashscope.map_model(name, {}) == mapped


def test_configured_models_win_over_defaults():
    assert dashscope.map_model("gpt-4o-2024-08-06", {"gpt-4o": "qwen3.7-plus"}) == "qwen3.7-plus"
    assert dashscope.map_model("gpt-4o-2024-08-06", {"gpt-4o-2024-08-06": "x", "gpt-4o": "y"}) == "x"


@pytest.mark.parametrize(
    "url, provider, apis",
    [
        ("https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "dashscope", "compatible"),
        ("https://dashscope.aliyuncs.com/compatible-mode/v1/", "dashscope", "compatible"),
        ("https://cn-hongkong.dashscope.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1", "dashscope", "responses"),
        ("HTTPS://DASHSCOPE-US.ALIYUNCS.COM/compatible-mode/v1", "dashscope", "compatible"),
        ("https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1", "dashscope", "compatible"),
        ("https://ws-9z.ap-northeast-1.maas.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1", "dashscope", "responses"),
        ("https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1", "dashscope", "compatible"),
        ("https://dashscope.aliyuncs.com/api/v1", "dashscope", None),
        ("https://api.openai.com/v1", "openai", None),
        ("https://eu.api.openai.com/v1", "openai", None),
        ("http://localhost:11434/v1", "other", None),
        ("https://openrouter.ai/api/v1", "other", None),
        ("https://aliyuncs.com.evil.example/compatible-mode/v1", "other", "compatible"),
        ("not a url", "other", None),
        ("http://[::1", "other", None),
    ],
)
def test_provider_and_path(url, provider, apis):
    assert dashscope.provider(url) == provider
    expected = {"compatible": dashscope.COMPATIBLE_APIS, "responses": dashscope.RESPONSES_APIS, None: frozenset()}[apis]
    assert dashscope.path_apis(url) == expected


@pytest.mark.parametrize(
    "window, hours", [("24h", 24), ("72h", 72), ("7d", 168), ("14d", 336), ("12h", 12), ("1w", None), ("24 h", None), ("1.5d", None)]
)
def test_completion_window_hours(window, hours):
    assert dashscope.completion_window_hours(window) == hours

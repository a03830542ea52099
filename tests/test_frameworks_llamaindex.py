"""LlamaIndex's OpenAI integrations at their edges: look-alikes, aliases, positional arguments,
objects already on DashScope, and fixes that must be complete in one run.

LlamaIndex pins `openai<3`, so it cannot be installed beside the project's openai: these tests
judge source text only (the facts are cited from the installed sources in
qwen_migrate/facts/frameworks/llamaindex.py)."""
from textwrap import dedent

import pytest

from helpers import check, covered_text
from qwen_migrate.engine import Checker
from qwen_migrate.fixer import Fixer
from qwen_migrate.settings import Settings

SINGAPORE = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"

KEY = 'api_key=os.getenv("DASHSCOPE_API_KEY")'
MIGRATED_LLM = f'OpenAILike(model="qwen3.6-plus", api_base="{SINGAPORE}", {KEY}, is_chat_model=True, is_function_calling_model=True)'
MIGRATED_EMBEDDING = (
    f'OpenAIEmbedding(model_name="text-embedding-v4", api_base="{SINGAPORE}", {KEY}, embed_batch_size=10, '
    'additional_kwargs={"encoding_format": "float"})'
)


def fixed(source: str, unsafe: bool = False) -> str:
    return Fixer(Checker(Settings()), unsafe=unsafe).fix_source(dedent(source).encode(), "example.py").fixed.decode()


def found(source: str) -> list[tuple[str, str]]:
    """(code, covered text) of each finding, in order."""
    source = dedent(source)
    return [(f.code, covered_text(source, f)) for f in check(source)]


def qw9(source: str) -> list[str]:
    return [f.code for f in check(source) if f.code.startswith("QW9")]


@pytest.mark.parametrize(
    "source",
    [
        'from my_llms import OpenAI\nllm = OpenAI(model="gpt-4o")\nllm.structured_predict(Out, prompt)\n',
        "from llama_index.llms.dashscope import DashScope\nllm = DashScope(model_name=\"qwen-max\")\nllm.structured_predict(Out, prompt)\n",
        'from llama_index.llms.openai_like import OpenAILike\nllm = OpenAILike(model="llama3.1", api_base="http://localhost:11434/v1", api_key="ollama")\n'
        "llm.structured_predict(Out, prompt)\n",
        'from llama_index.embeddings.openai_like import OpenAILikeEmbedding\n'
        'e = OpenAILikeEmbedding(model_name="nomic-embed-text", api_base="http://localhost:11434/v1", api_key="ollama")\n',
    ],
    ids=["other-package-openai", "native-dashscope", "openai-like-on-ollama", "openai-like-embedding-on-ollama"],
)
def test_look_alikes_and_other_providers_are_not_reported(source):
    assert found(source) == []


def test_the_sdk_openai_class_is_the_sdk_not_llamaindex():
    source = 'from openai import OpenAI\nclient = OpenAI(model="gpt-4o")\n'
    assert qw9(source) == []


def test_objects_already_on_dashscope_are_not_reported():
    source = f"""\
        import os
        from llama_index.embeddings.openai import OpenAIEmbedding
        from llama_index.llms.openai_like import OpenAILike

        llm = {MIGRATED_LLM}
        embeddings = {MIGRATED_EMBEDDING}
        answer = llm.structured_predict(Out, prompt, llm_kwargs={{"tool_choice": "auto"}})
        """
    assert found(source) == []


def test_openai_is_reported_whatever_its_model_and_the_fix_is_complete_in_one_run():
    source = """\
        from llama_index.llms.openai import OpenAI as LlamaOpenAI

        llm = LlamaOpenAI(model="gpt-4o-mini", temperature=0)
        """
    assert [code for code, _ in found(source)] == ["QW901", "QW902", "QW909", "QW903"]
    result = fixed(source, unsafe=True)
    assert result == dedent(f"""\
        import os
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(model="qwen3.6-flash", temperature=0, api_base="{SINGAPORE}", {KEY}, is_chat_model=True, is_function_calling_model=True)
        """)
    assert check(result) == []


def test_openai_reached_through_its_module_is_renamed_and_keeps_the_module_import():
    source = f"""\
        import os
        import llama_index.llms.openai as lo

        llm = lo.OpenAI(model="qwen3.6-plus", api_base="{SINGAPORE}", {KEY})
        """
    assert fixed(source, unsafe=True) == dedent(f"""\
        import os
        import llama_index.llms.openai as lo
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(model="qwen3.6-plus", api_base="{SINGAPORE}", {KEY}, is_chat_model=True, is_function_calling_model=True)
        """)


def test_openai_is_reported_without_a_fix_where_the_name_openailike_is_taken():
    source = f"""\
        import os
        from llama_index.llms.openai import OpenAI
        from my_llms import OpenAILike

        llm = OpenAI(model="qwen3.6-plus", api_base="{SINGAPORE}", {KEY})
        """
    findings = [f for f in check(dedent(source)) if f.code == "QW909"]
    assert len(findings) == 1 and findings[0].fix is None


def test_openai_like_without_is_chat_model_true_is_reported():
    source = f"""\
        import os
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(model="qwen3.6-plus", api_base="{SINGAPORE}", {KEY}, is_chat_model=False)
        """
    assert found(source) == [("QW909", f'OpenAILike(model="qwen3.6-plus", api_base="{SINGAPORE}", {KEY}, is_chat_model=False)')]
    assert "is_chat_model=True)" in fixed(source, unsafe=True)


def test_openai_api_base_is_openais_variable():
    source = """\
        import os
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(model="qwen3.6-plus", api_base=os.environ["OPENAI_API_BASE"], api_key=os.getenv("DASHSCOPE_API_KEY"), is_chat_model=True)
        """
    messages = [f.message for f in check(dedent(source))]
    assert messages == ["api_base is read from OPENAI_API_BASE, OpenAI's variable: set DashScope's endpoint"]


def test_openai_like_embedding_without_a_key_sends_fake():
    source = f"""\
        from llama_index.embeddings.openai_like import OpenAILikeEmbedding

        embeddings = OpenAILikeEmbedding("text-embedding-v4", 10, api_base="{SINGAPORE}", additional_kwargs={{"encoding_format": "float"}})
        """
    assert [f.message for f in check(dedent(source))] == ["OpenAILikeEmbedding has no api_key: it sends 'fake'"]


def test_embedding_model_keyword_is_renamed_unless_model_name_is_given_too():
    renamed = f"""\
        import os
        from llama_index.embeddings.openai_like import OpenAILikeEmbedding

        embeddings = OpenAILikeEmbedding(model="text-embedding-v4", api_base="{SINGAPORE}", {KEY}, additional_kwargs={{"encoding_format": "float"}})
        """
    assert found(renamed) == [("QW907", 'model="text-embedding-v4"')]
    assert 'OpenAILikeEmbedding(model_name="text-embedding-v4", ' in fixed(renamed)
    both = f"""\
        import os
        from llama_index.embeddings.openai import OpenAIEmbedding

        embeddings = OpenAIEmbedding(model="text-embedding-v4", model_name="text-embedding-v4", api_base="{SINGAPORE}", {KEY}, embed_batch_size=10, additional_kwargs={{"encoding_format": "float"}})
        """
    findings = check(dedent(both))
    assert [(f.code, f.fix) for f in findings] == [("QW907", None)]


def test_an_openai_embedding_model_is_mapped_then_renamed_in_one_run():
    source = f"""\
        import os
        from llama_index.embeddings.openai import OpenAIEmbedding

        embeddings = OpenAIEmbedding(model="text-embedding-3-large", api_base="{SINGAPORE}", {KEY}, embed_batch_size=5, additional_kwargs={{"encoding_format": "float"}})
        """
    result = fixed(source)
    assert 'OpenAIEmbedding(model_name="text-embedding-v4", ' in result
    assert check(result) == []


def test_an_embedding_without_a_model_gets_model_name():
    source = f"""\
        import os
        from llama_index.embeddings.openai import OpenAIEmbedding

        embeddings = OpenAIEmbedding(api_base="{SINGAPORE}", {KEY}, embed_batch_size=10, additional_kwargs={{"encoding_format": "float"}})
        """
    assert fixed(source).endswith('additional_kwargs={"encoding_format": "float"}, model_name="text-embedding-v4")\n')


def test_embedding_batch_size_and_encoding_are_judged_where_given():
    source = f"""\
        import os
        from llama_index.embeddings.openai import OpenAIEmbedding

        embeddings = OpenAIEmbedding(model_name="text-embedding-v4", api_base="{SINGAPORE}", {KEY}, embed_batch_size=64, additional_kwargs={{"encoding_format": "base64"}})
        """
    assert [f.message for f in check(dedent(source))] == [
        'OpenAIEmbedding asks for encoding_format "base64": DashScope supports "float" only',
        "OpenAIEmbedding sends up to 64 texts per request (embed_batch_size): DashScope takes at most 10",
    ]


@pytest.mark.parametrize(
    "call",
    [
        'llm.structured_predict(Out, prompt, {"tool_choice": "auto"})',
        "llm.structured_predict(Out, prompt, *extra)",
        "llm.structured_predict(Out, prompt, **fields)",
    ],
    ids=["llm-kwargs-by-position", "star-args", "double-star"],
)
def test_structured_predict_with_llm_kwargs_not_in_view_is_not_reported(call):
    source = f"import os\nfrom llama_index.llms.openai_like import OpenAILike\n\nllm = {MIGRATED_LLM}\nllm.{call.split('.', 1)[1]}\n"
    assert found(source) == []


@pytest.mark.parametrize("method", ["structured_predict", "astructured_predict", "stream_structured_predict", "astream_structured_predict"])
def test_every_structured_predict_method_gets_tool_choice_auto(method):
    source = f"import os\nfrom llama_index.llms.openai_like import OpenAILike\n\nllm = {MIGRATED_LLM}\nllm.{method}(Out, prompt, topic=topic)\n"
    assert found(source) == [("QW905", f"llm.{method}(Out, prompt, topic=topic)")]
    assert fixed(source, unsafe=True).endswith(f'llm.{method}(Out, prompt, topic=topic, llm_kwargs={{"tool_choice": "auto"}})\n')


def test_structured_predict_with_structured_outputs_sends_no_tool_choice():
    llm = MIGRATED_LLM.replace(")", ", should_use_structured_outputs=True)")
    source = f"import os\nfrom llama_index.llms.openai_like import OpenAILike\n\nllm = {llm}\nllm.structured_predict(Out, prompt)\n"
    assert "QW905" not in qw9(source)

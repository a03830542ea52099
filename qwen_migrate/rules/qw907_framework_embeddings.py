from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.edits import RenameKeyword, ReplaceNode, SetKeyword
from qwen_migrate.facts.dashscope import EMBEDDING_ENCODING_FORMAT, EMBEDDING_MAX_INPUTS
from qwen_migrate.facts.frameworks import EMBEDDINGS, llamaindex
from qwen_migrate.facts.frameworks.langchain import EMBEDDINGS_CHUNK_SIZE, EMBEDDINGS_TOKEN_IDS, MODEL_KWARGS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import DYNAMIC, MISSING
from qwen_migrate.rules import Invalid
from qwen_migrate.settings import Settings
from qwen_migrate.rules.frameworks import FrameworkRule

_HEAD = dedent("""\
    import os
    from langchain_openai import OpenAIEmbeddings

    """)
_MIGRATED = (
    'model="text-embedding-v4", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", '
    'api_key=os.getenv("DASHSCOPE_API_KEY")'
)


class FrameworkEmbeddings(FrameworkRule):
    """
    ## What it does
    Reports a LangChain `OpenAIEmbeddings` that sends what DashScope's embeddings refuse: token
    ids (`check_embedding_ctx_length` left at True), more than 10 texts per request (`chunk_size`
    left at 1000, or above 10), or the SDK's base64 encoding (no `encoding_format="float"` in
    `model_kwargs`, or as a keyword of its own, which OpenAIEmbeddings moves there). Reports a
    LlamaIndex `OpenAIEmbedding` or `OpenAILikeEmbedding` that sends base64 (no `encoding_format`
    in `additional_kwargs`) or more than 10 texts per request (`embed_batch_size`, which
    OpenAIEmbedding defaults to 100), and one given a model by `model=` that raises ValueError:
    OpenAIEmbedding's takes OpenAI's model names only, OpenAILikeEmbedding's none.

    ## Why is this bad?
    DashScope's embeddings take strings only, at most 10 per request, encoded as float (spec,
    "Embedding"; Model Studio's embedding page). OpenAIEmbeddings tokenizes texts with tiktoken
    and sends token-id arrays unless `check_embedding_ctx_length=False` (its docstring says so for
    non-OpenAI providers), batches 1000 texts by default, and has no `encoding_format` field, so the
    SDK sends "base64" (langchain-openai 1.7.4 `embeddings/base.py`; openai
    `resources/embeddings.py`). LlamaIndex's OpenAIEmbedding defaults `embed_batch_size` to 100
    and sends no `encoding_format` unless `additional_kwargs` has one; its `model` must be an
    `OpenAIEmbeddingModelType` (ValueError "'text-embedding-v4' is not a valid
    OpenAIEmbeddingModelType"), while `model_name=` names the model sent
    (llama-index-embeddings-openai==0.6.0 `llama_index/embeddings/openai/base.py:208,281,307-312`);
    OpenAILikeEmbedding raises for any `model=` and batches 10 by default
    (llama-index-embeddings-openai-like==0.4.0 `llama_index/embeddings/openai_like/base.py:59,76-79`).
    LlamaIndex pins `openai<3`, so the project's tests cannot install it: these facts are checked
    against the sources, not by the drift test.

    ## Fix safety
    Safe: each setting is added (or, for `chunk_size` and `embed_batch_size`, lowered to 10) with
    the value that DashScope accepts; the vectors are the same. A `model_kwargs` the code already passes is not rewritten:
    add the encoding there by hand (LlamaIndex's `additional_kwargs` likewise). LlamaIndex's
    `model=` becomes `model_name=`, which works only with `model` left at its default: the fix
    renames the keyword rather than adding one, and leaves a call that passes both alone.
    """

    code = "QW907"
    name = "framework-embeddings"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Embedding; frameworks.md'
    kinds = frozenset({EMBEDDINGS})
    VALID = [
        _HEAD + f'embeddings = OpenAIEmbeddings({_MIGRATED}, check_embedding_ctx_length=False, chunk_size=10, model_kwargs={{"encoding_format": "float"}})\n',
        _HEAD + f'embeddings = OpenAIEmbeddings({_MIGRATED}, check_embedding_ctx_length=False, chunk_size=10, encoding_format="float")\n',
        dedent("""\
            import os
            from llama_index.embeddings.openai import OpenAIEmbedding

            embeddings = OpenAIEmbedding(
                model_name="text-embedding-v4",
                api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                api_key=os.getenv("DASHSCOPE_API_KEY"),
                embed_batch_size=10,
                additional_kwargs={"encoding_format": "float"},
            )
            """),
    ]
    INVALID = [
        Invalid(
            _HEAD + f"embeddings = OpenAIEmbeddings({_MIGRATED})\n",
            at=(f"OpenAIEmbeddings({_MIGRATED})",) * 3,
            message=(
                "OpenAIEmbeddings sends token ids (check_embedding_ctx_length defaults to True): DashScope takes strings",
                "OpenAIEmbeddings sends up to 1000 texts per request (chunk_size): DashScope takes at most 10",
                'OpenAIEmbeddings sends base64 (no encoding_format in model_kwargs): DashScope supports "float" only',
            ),
            fixed=_HEAD + f'embeddings = OpenAIEmbeddings({_MIGRATED}, check_embedding_ctx_length=False, chunk_size=10, model_kwargs={{"encoding_format": "float"}})\n',
        ),
        Invalid(
            dedent("""\
                import os
                from llama_index.embeddings.openai import OpenAIEmbedding

                embeddings = OpenAIEmbedding(
                    model="text-embedding-v4",
                    api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                    api_key=os.getenv("DASHSCOPE_API_KEY"),
                )
                """),
            at=('model="text-embedding-v4"',) + ('OpenAIEmbedding(\n    model="text-embedding-v4",\n    api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",\n    api_key=os.getenv("DASHSCOPE_API_KEY"),\n)',) * 2,
            message=(
                "OpenAIEmbedding(model='text-embedding-v4') raises ValueError: it takes OpenAI's model names only there",
                "OpenAIEmbedding sends up to 100 texts per request (embed_batch_size): DashScope takes at most 10",
                'OpenAIEmbedding sends base64 (no encoding_format in additional_kwargs): DashScope supports "float" only',
            ),
            fixed=dedent("""\
                import os
                from llama_index.embeddings.openai import OpenAIEmbedding

                embeddings = OpenAIEmbedding(
                    model_name="text-embedding-v4",
                    api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                    api_key=os.getenv("DASHSCOPE_API_KEY"),
                    embed_batch_size=10,
                    additional_kwargs={"encoding_format": "float"},
                )
                """),
        ),
    ]

    def check_framework(self, framework: FrameworkObject, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if framework.entry.framework == "llamaindex":
            yield from self._llamaindex(framework)
        else:
            yield from self._langchain(framework)

    def _llamaindex(self, framework: FrameworkObject) -> Iterator[Violation]:
        arguments = framework.arguments
        entry = framework.entry
        model = arguments.value(llamaindex.EMBEDDING_MODEL)
        if isinstance(model, str) and (entry.name != llamaindex.OPENAI_EMBEDDING.name or model not in llamaindex.OPENAI_EMBEDDING_MODELS):
            movable = llamaindex.EMBEDDING_MODEL_NAME not in arguments and arguments.is_keyword(llamaindex.EMBEDDING_MODEL)
            rename = RenameKeyword(framework.node, llamaindex.EMBEDDING_MODEL, llamaindex.EMBEDDING_MODEL_NAME)
            yield Violation(
                arguments.where(llamaindex.EMBEDDING_MODEL),
                f"{entry.name}(model={model!r}) raises ValueError: it takes "
                + ("OpenAI's model names only there" if entry.name == llamaindex.OPENAI_EMBEDDING.name else "no model"),
                self.fix(f"Pass it as {llamaindex.EMBEDDING_MODEL_NAME}", rename) if movable else None,
            )
        name, defaults = llamaindex.EMBEDDING_BATCH_SIZE
        size = arguments.value(name)
        if size is MISSING:
            size = defaults[entry.name]
            where, edit = framework.node, SetKeyword(framework.node, name, str(EMBEDDING_MAX_INPUTS))
        else:
            where, edit = arguments.where(name), ReplaceNode(arguments.expression(name), str(EMBEDDING_MAX_INPUTS))
        if isinstance(size, int) and size > EMBEDDING_MAX_INPUTS:
            yield Violation(
                where,
                f"{entry.name} sends up to {size} texts per request ({name}): DashScope takes at most {EMBEDDING_MAX_INPUTS}",
                self.fix(f"Set {name}={EMBEDDING_MAX_INPUTS}", edit),
            )
        yield from self._float_encoding(framework, llamaindex.ADDITIONAL_KWARGS)

    def _langchain(self, framework: FrameworkObject) -> Iterator[Violation]:
        arguments = framework.arguments
        name, default = EMBEDDINGS_TOKEN_IDS
        if arguments.value(name) in (MISSING, default):
            edit = SetKeyword(framework.node, name, "False")
            yield Violation(
                framework.node if name not in arguments else arguments.where(name),
                f"{framework.entry.name} sends token ids ({name} defaults to True): DashScope takes strings",
                self.fix(f"Set {name}=False", edit),
            )
        name, default = EMBEDDINGS_CHUNK_SIZE
        size = arguments.value(name)
        if size is MISSING or (isinstance(size, int) and size > EMBEDDING_MAX_INPUTS):
            shown = default if size is MISSING else size
            edit = SetKeyword(framework.node, name, str(EMBEDDING_MAX_INPUTS)) if size is MISSING else ReplaceNode(arguments.expression(name), str(EMBEDDING_MAX_INPUTS))
            yield Violation(
                framework.node if size is MISSING else arguments.where(name),
                f"{framework.entry.name} sends up to {shown} texts per request ({name}): DashScope takes at most {EMBEDDING_MAX_INPUTS}",
                self.fix(f"Set {name}={EMBEDDING_MAX_INPUTS}", edit),
            )
        # a keyword of its own is moved into model_kwargs (with a warning)
        yield from self._float_encoding(framework, MODEL_KWARGS, keyword_moves_there=True)

    def _float_encoding(self, framework: FrameworkObject, options_name: str, keyword_moves_there: bool = False) -> Iterator[Violation]:
        """The SDK's base64 default, unless the dict of options the object adds to each request
        (`options_name`) asks for float; the fix adds that dict where the code passes none."""
        arguments = framework.arguments
        options = arguments.value(options_name)
        encoding = options.get("encoding_format", MISSING) if isinstance(options, dict) else DYNAMIC if options is not MISSING else MISSING
        if encoding is MISSING and keyword_moves_there:
            encoding = arguments.value("encoding_format")
        if encoding is MISSING:
            edit = SetKeyword(framework.node, options_name, f'{{"encoding_format": "{EMBEDDING_ENCODING_FORMAT}"}}') if options is MISSING else None
            yield Violation(
                framework.node,
                f'{framework.entry.name} sends base64 (no encoding_format in {options_name}): DashScope supports "{EMBEDDING_ENCODING_FORMAT}" only',
                self.fix(f'Pass encoding_format="{EMBEDDING_ENCODING_FORMAT}" in {options_name}', edit),
            )
        elif isinstance(encoding, str) and encoding != EMBEDDING_ENCODING_FORMAT:
            yield Violation(framework.node, f'{framework.entry.name} asks for encoding_format "{encoding}": DashScope supports "{EMBEDDING_ENCODING_FORMAT}" only')

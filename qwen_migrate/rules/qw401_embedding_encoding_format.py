from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.edits import ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.dashscope import EMBEDDING_ENCODING_FORMAT
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class EmbeddingEncodingFormat(CallRule):
    """
    ## What it does
    Reports `embeddings.create` without `encoding_format="float"`: with another format, or with none
    at all, in which case the SDK itself sends `"base64"`.

    ## Why is this bad?
    DashScope supports `float` only. The SDK asks for `base64` when the call names no format (and
    decodes the answer), so a call that looks harmless on OpenAI is refused.

    ## Fix safety
    Safe: the fix sets `encoding_format="float"`; the SDK then returns lists of floats, as it did
    after decoding base64.
    """

    code = "QW401"
    name = "embedding-encoding-format"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Embedding (encoding_format: only float is supported)'
    methods = frozenset({"embeddings.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float")
            """),
        DASHSCOPE_CLIENT + dedent("""\
            options = {"model": "text-embedding-v4", "encoding_format": "float"}
            client.embeddings.create(input=texts, **options)
            """),
        DASHSCOPE_CLIENT + dedent("""\
            client.embeddings.create(input=texts, **options)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(model="text-embedding-v4", input=texts)
                """),
            at='client.embeddings.create(model="text-embedding-v4", input=texts)',
            message='No encoding_format: the SDK sends "base64", which DashScope does not support',
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float")
                """),
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="base64")
                """),
            at='encoding_format="base64"',
            message='encoding_format "base64" is not supported by DashScope: only "float" is',
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        encoding_format = call.arguments.value("encoding_format")
        present = call.arguments.expression("encoding_format")
        float_format = Text(EMBEDDING_ENCODING_FORMAT)
        edit = SetKeyword(call.node, "encoding_format", float_format) if present is None else ReplaceNode(present, float_format)
        fix = self.fix(f'Set encoding_format="{EMBEDDING_ENCODING_FORMAT}"', edit)
        if encoding_format is MISSING and call.arguments.through_sdk:  # a raw request body defaults to float
            yield Violation(call.node, 'No encoding_format: the SDK sends "base64", which DashScope does not support', fix)
        elif isinstance(encoding_format, str) and encoding_format != EMBEDDING_ENCODING_FORMAT:
            yield Violation(
                call.arguments.where("encoding_format"),
                f'encoding_format "{encoding_format}" is not supported by DashScope: only "float" is',
                fix,
            )

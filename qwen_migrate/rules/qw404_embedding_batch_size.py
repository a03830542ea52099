from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import EMBEDDING_MAX_INPUTS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class EmbeddingBatchSize(CallRule):
    """
    ## What it does
    Reports an `embeddings.create` call (or a batch request body) whose `input` is a list written
    out in the call with more than 10 inputs: texts, or token-id lists, each element counting,
    whether its value is known or not. A list of token ids (integers) is one input; a list built at
    run time, unpacked into the call (`[*texts]`) or bound to a name is not counted.

    ## Why is this bad?
    Model Studio's "OpenAI compatible - Embedding" page (https://www.alibabacloud.com/help/en/model-studio/embedding-interfaces-compatible-with-openai)
    gives `text-embedding-v4` and `text-embedding-v3` at most 10 rows per request; OpenAI takes up to
    2,048, so code written for it sends larger lists, which DashScope rejects.

    ## Fix safety
    There is no fix: send the texts in slices of at most 10, one request per slice.
    """

    code = "QW404"
    name = "embedding-batch-size"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Embedding; Model Studio docs, "OpenAI compatible - Embedding" (at most 10 rows per request)'
    methods = frozenset({"embeddings.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            for start in range(0, len(texts), 10):
                client.embeddings.create(model="text-embedding-v4", input=texts[start : start + 10], encoding_format="float")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(
                    model="text-embedding-v4",
                    input=["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"],
                    encoding_format="float",
                )
                """),
            at='input=["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]',
            message="12 inputs in one request: DashScope's embedding models take at most 10",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        inputs = call.arguments.value("input")
        if not isinstance(inputs, list):
            return
        if any(isinstance(item, int) and not isinstance(item, bool) for item in inputs):
            return  # one text given as its token ids, whatever the elements not known here are
        if len(inputs) > EMBEDDING_MAX_INPUTS:
            yield Violation(
                call.arguments.where("input"),
                f"{len(inputs)} inputs in one request: DashScope's embedding models take at most {EMBEDDING_MAX_INPUTS}",
            )

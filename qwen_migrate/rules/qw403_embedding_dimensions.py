from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import EMBEDDING_DIMENSIONS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class EmbeddingDimensions(CallRule):
    """
    ## What it does
    Reports `dimensions` that the (literal) embedding model does not offer: text-embedding-v4 offers
    2048, 1536, 1024, 768, 512, 256, 128 and 64; text-embedding-v3 offers 1024, 768 and 512.

    ## Why is this bad?
    DashScope's embedding models have fixed output sizes: a request for another size is rejected.
    OpenAI's `text-embedding-3-large` size of 3072 has no DashScope equivalent.

    ## Fix safety
    There is no fix: pick a size the model offers (and re-embed stored vectors of the old size).
    """

    code = "QW403"
    name = "embedding-dimensions"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = "Embedding (dimensions depend on the model)"
    methods = frozenset({"embeddings.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float", dimensions=1024)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float", dimensions=3072)
                """),
            at="dimensions=3072",
            message="text-embedding-v4 does not offer 3072 dimensions (it offers 2048, 1536, 1024, 768, 512, 256, 128, 64)",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        model, dimensions = call.arguments.value("model"), call.arguments.value("dimensions")
        offered = EMBEDDING_DIMENSIONS.get(model) if isinstance(model, str) else None
        if offered and isinstance(dimensions, int) and dimensions not in offered:
            yield Violation(
                call.arguments.where("dimensions"),
                f"{model} does not offer {dimensions} dimensions (it offers {', '.join(map(str, offered))})",
            )

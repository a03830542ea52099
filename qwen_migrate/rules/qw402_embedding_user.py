from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class EmbeddingUser(CallRule):
    """
    ## What it does
    Reports `user` in an `embeddings.create` call.

    ## Why is this bad?
    DashScope's Embedding API does not support `user`: the end-user tracking it stands for on OpenAI
    does not happen.

    ## Fix safety
    Safe: the fix removes the argument, which had no effect on DashScope.
    """

    code = "QW402"
    name = "embedding-user"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    spec = "Embedding (user: not supported)"
    methods = frozenset({"embeddings.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float", user=user_id)
                """),
            at="user=user_id",
            message="user is not supported by DashScope's Embedding API",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float")
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        if "user" in call.arguments:
            yield Violation(call.arguments.where("user"), "user is not supported by DashScope's Embedding API", self.fix("Remove user", call.arguments.remove("user")))

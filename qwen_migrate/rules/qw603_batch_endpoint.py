from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import BATCH_URLS, IGNORED_BATCH_CREATE_PARAMS, IGNORED_BECAUSE
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class BatchEndpoint(CallRule):
    """
    ## What it does
    Reports `batches.create(endpoint=...)` naming an endpoint DashScope's Batch API does not run
    (it runs `/v1/chat/completions` and `/v1/embeddings`, and `/v1/chat/ds-test` for its test model),
    such as `"/v1/responses"` or `"/v1/completions"`; and `output_expires_after=`.

    ## Why is this bad?
    Model Studio's "OpenAI compatible - Batch" page (https://www.alibabacloud.com/help/doc-detail/2842025.html)
    offers batches of text generation and text embedding requests only, besides its test URL
    `/v1/chat/ds-test` (`batch-test-model` answers there without inference): a batch for another
    endpoint is refused. Files never expire on DashScope (spec, "File API" › "Storage limits"), so
    the output file's expiry has no effect: the file stays until the code deletes it.

    ## Fix safety
    There is no fix: send Chat Completions or Embeddings requests in the batch (their request lines
    change with the endpoint), and drop `output_expires_after`.
    """

    code = "QW603"
    name = "batch-endpoint"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Batch API; File API › "Storage limits"; Model Studio docs, "OpenAI compatible - Batch"'
    methods = frozenset({"batches.create"})
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.batches.create(input_file_id=file.id, endpoint="/v1/chat/completions", completion_window="24h")
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.batches.create(input_file_id=file.id, endpoint="/v1/responses", completion_window="24h")
                """),
            at='endpoint="/v1/responses"',
            message="DashScope's Batch API does not run '/v1/responses' (it runs /v1/chat/completions, /v1/embeddings, /v1/chat/ds-test)",
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.batches.create(
                    input_file_id=file.id,
                    endpoint="/v1/embeddings",
                    completion_window="24h",
                    output_expires_after={"anchor": "created_at", "seconds": 86400},
                )
                """),
            at='output_expires_after={"anchor": "created_at", "seconds": 86400}',
            message="batches.create(output_expires_after=...) has no effect on DashScope: files never expire",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        endpoint = call.arguments.value("endpoint")
        if isinstance(endpoint, str) and endpoint not in BATCH_URLS:
            yield Violation(
                call.arguments.where("endpoint"),
                f"DashScope's Batch API does not run {endpoint!r} (it runs {', '.join(BATCH_URLS)})",
            )
        for name in IGNORED_BATCH_CREATE_PARAMS:
            if name in call.arguments:
                yield Violation(call.arguments.where(name), f"batches.create({name}=...) has no effect on DashScope: {IGNORED_BECAUSE[name]}")

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class JsonSchemaResponseFormat(CallRule):
    """
    ## What it does
    Reports `response_format={"type": "json_schema", ...}` in a Chat Completions call.

    ## Why is this bad?
    DashScope's `response_format` supports `json_object` only: a `json_schema` request is rejected.

    ## Fix safety
    There is no fix: use `{"type": "json_object"}`, describe the schema in the prompt (mentioning
    JSON), and validate the reply yourself.
    """

    code = "QW201"
    name = "json-schema-response-format"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Chat Completions › "Behavioral differences" (response_format supports json_object only)'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(
                model="qwen3.6-plus",
                messages=[{"role": "user", "content": "List three colours as JSON."}],
                response_format={"type": "json_object"},
            )
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=[],
                    response_format={"type": "json_schema", "json_schema": {"name": "colours", "schema": schema}},
                )
                """),
            at='response_format={"type": "json_schema", "json_schema": {"name": "colours", "schema": schema}}',
            message='response_format type "json_schema" is not supported by DashScope: only "json_object" is',
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        response_format = call.arguments.value("response_format")
        if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
            yield Violation(
                call.arguments.where("response_format"),
                'response_format type "json_schema" is not supported by DashScope: only "json_object" is',
            )

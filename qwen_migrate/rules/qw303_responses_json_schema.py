from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.openai_sdk import RESPONSES_METHODS
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import RESPONSES_CLIENT, CallRule, Invalid


class ResponsesJsonSchema(CallRule):
    """
    ## What it does
    Reports structured output in a Responses call: `responses.parse(text_format=Model)` (also
    `responses.stream`), or `text={"format": {"type": "json_schema", ...}}`.

    ## Why is this bad?
    DashScope documents `json_object` output only; a JSON schema may be refused or not enforced, so
    code that relies on the parsed model can fail at run time.

    ## Fix safety
    There is no fix: ask for JSON in the instructions, use `text={"format": {"type":
    "json_object"}}`, and validate the reply yourself.
    """

    code = "QW303"
    name = "responses-json-schema"
    severity = Severity.WARNING
    fix_safety = FixSafety.NONE
    spec = 'Chat Completions › "Behavioral differences" (json_object only), applied to Responses'
    methods = RESPONSES_METHODS
    VALID = [
        RESPONSES_CLIENT + dedent("""\
            client.responses.create(model="qwen3.6-plus", input="Reply in JSON.", text={"format": {"type": "json_object"}})
            """),
    ]
    INVALID = [
        Invalid(
            RESPONSES_CLIENT + dedent("""\
                client.responses.parse(model="qwen3.6-plus", input=question, text_format=Answer)
                """),
            at="text_format=Answer",
            message="responses.parse(text_format=...) sends a JSON schema, which DashScope does not document",
        ),
        Invalid(
            RESPONSES_CLIENT + dedent("""\
                client.responses.create(model="qwen3.6-plus", input=question, text={"format": {"type": "json_schema", "schema": schema}})
                """),
            at='text={"format": {"type": "json_schema", "schema": schema}}',
            message='text format "json_schema" is not documented by DashScope: only "json_object" is',
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        if "text_format" in call.arguments:
            yield Violation(call.arguments.where("text_format"), f"{call.method}(text_format=...) sends a JSON schema, which DashScope does not document")
        text = call.arguments.value("text")
        if isinstance(text, dict) and isinstance(text.get("format"), dict) and text["format"].get("type") == "json_schema":
            yield Violation(call.arguments.where("text"), 'text format "json_schema" is not documented by DashScope: only "json_object" is')

from typing import Iterator

from qwen_migrate.config import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.resolver import CallSite
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class StructuredOutputParse(CallRule):
    """
    ## What it does
    Reports `chat.completions.parse(response_format=Model)` (also `beta.chat.completions.parse`) and
    `chat.completions.stream(response_format=Model)` with a Pydantic model or other type.

    ## Why is this bad?
    The SDK turns the model into a `json_schema` response format, which DashScope rejects: only
    `json_object` is supported.

    ## Fix safety
    There is no fix: call `create` with `response_format={"type": "json_object"}`, describe the
    fields in the prompt, and validate the reply with `Model.model_validate_json(...)`.
    """

    code = "QW202"
    name = "structured-output-parse"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Chat Completions › "Behavioral differences" (response_format supports json_object only)'
    methods = frozenset(
        {"chat.completions.parse", "chat.completions.stream", "beta.chat.completions.parse", "beta.chat.completions.stream"}
    )
    VALID = [
        DASHSCOPE_CLIENT
        + 'completion = client.chat.completions.create(\n    model="qwen3.6-plus",\n'
        '    messages=[{"role": "user", "content": "Give the event as JSON with name and date."}],\n'
        '    response_format={"type": "json_object"},\n)\n'
        "event = Event.model_validate_json(completion.choices[0].message.content)\n"
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT
            + 'completion = client.chat.completions.parse(model="qwen3.6-plus", messages=[], response_format=Event)\n',
            at="response_format=Event",
        )
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        # A dict literal is sent as it is (QW201 judges it); anything else is a type turned into json_schema.
        if "response_format" in call.arguments and not isinstance(call.arguments.value("response_format"), dict):
            yield Violation(
                call.arguments.where("response_format"),
                f"{call.method}() sends this response_format as json_schema, which DashScope does not support",
            )

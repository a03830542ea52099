import re
from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid

_CLASS_NAME = re.compile(r"^_?[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")  # CapWords, not CONSTANT_CASE


class StructuredOutputParse(CallRule):
    """
    ## What it does
    Reports `chat.completions.parse(response_format=Model)` (also `beta.chat.completions.parse`) and
    `chat.completions.stream(response_format=Model)` with a Pydantic model or other class (a name in
    CapWords, as classes are named; a variable holding a dict is sent as it is, and not judged); so
    LiteLLM's `completion(response_format=Model)`, which sends the class the same way.

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
        DASHSCOPE_CLIENT + dedent("""\
            completion = client.chat.completions.create(
                model="qwen3.6-plus",
                messages=[{"role": "user", "content": "Give the event as JSON with name and date."}],
                response_format={"type": "json_object"},
            )
            event = Event.model_validate_json(completion.choices[0].message.content)
            """),
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.parse(model="qwen3.6-plus", messages=messages, response_format=JSON_MODE)
            """),
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.parse(model="qwen3.6-plus", messages=messages, response_format=response_format)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                completion = client.chat.completions.parse(model="qwen3.6-plus", messages=[], response_format=Event)
                """),
            at="response_format=Event",
            message="chat.completions.parse() sends this response_format as json_schema, which DashScope does not support",
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                with client.beta.chat.completions.stream(model=MODEL, messages=[], response_format=schemas.Event) as s:
                    pass
                """),
            at="response_format=schemas.Event",
            message="beta.chat.completions.stream() sends this response_format as json_schema, which DashScope does not support",
        ),
        Invalid(
            dedent("""\
                import litellm

                litellm.completion(model="dashscope/qwen3.6-plus", api_base="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", messages=[], response_format=Event)
                """),
            at="response_format=Event",
            message="completion() sends this response_format as json_schema, which DashScope does not support",
        ),
    ]

    def applies_to(self, call: CallSite) -> bool:
        return call.method in self.methods or (call.framework is not None and call.framework.entry.parses_classes)

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        name = call.arguments.dotted_name("response_format")
        if name is not None and _CLASS_NAME.match(name.rsplit(".", 1)[-1]):
            yield Violation(
                call.arguments.where("response_format"),
                f"{call.framework.entry.name if call.framework else call.method}() sends this response_format as json_schema, which DashScope does not support",
            )

from textwrap import dedent
from typing import Iterator, Optional

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


INPUT_ROLES = ("user", "assistant", "tool")  # content that is input, not instructions


def _texts(messages: list) -> Optional[list[str]]:
    """The literal texts of the messages; None when instructions are not written in the code.

    Where the format is asked for is the instructions: a system or developer message built at run
    time may say "JSON", so the call is not judged. User content built at run time is input, and is
    not expected to ask for the format.
    """
    texts = []
    for message in messages:
        if not isinstance(message, dict):
            return None
        content = message.get("content")
        if isinstance(content, list) and all(isinstance(part, dict) for part in content):
            content = [part.get("text") for part in content if part.get("type", "text") == "text"]
        else:
            content = [content]
        literal = [text for text in content if isinstance(text, str)]
        if len(literal) < len(content) and message.get("role") not in INPUT_ROLES:
            return None
        texts += literal
    return texts


class JsonObjectWithoutJsonWord(CallRule):
    """
    ## What it does
    Reports `response_format={"type": "json_object"}` in a call whose messages are written in the
    code and none of whose literal texts mentions "JSON".

    ## Why is this bad?
    Model Studio's JSON mode requires the prompt to ask for JSON: a request whose messages do not
    contain the word is rejected. User content built at run time is input and is not counted; a
    system or developer message built at run time may ask for JSON, so such a call is not judged.

    ## Fix safety
    There is no fix: say in the system or user message that the answer must be JSON.
    """

    code = "QW211"
    name = "json-object-without-json-word"
    severity = Severity.WARNING
    fix_safety = FixSafety.NONE
    spec = 'Model Studio docs, "Structured output (JSON mode)"'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(
                model="qwen3.6-plus",
                messages=[{"role": "system", "content": "Reply in JSON."}, {"role": "user", "content": question}],
                response_format={"type": "json_object"},
            )
            """),
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(
                model="qwen3.6-plus",
                messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "Ann, ann@example.com"}],
                response_format={"type": "json_object"},
            )
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=[{"role": "system", "content": "Extract the name and email."}, {"role": "user", "content": text}],
                    response_format={"type": "json_object"},
                )
                """),
            at='response_format={"type": "json_object"}',
            message='JSON mode, but no message written here mentions "JSON": DashScope rejects such a request',
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        response_format = call.arguments.value("response_format")
        messages = call.arguments.value("messages")
        if not (isinstance(response_format, dict) and response_format.get("type") == "json_object"):
            return
        if not isinstance(messages, list):
            return
        texts = _texts(messages)
        if texts and not any("json" in text.lower() for text in texts):
            yield Violation(
                call.arguments.where("response_format"),
                'JSON mode, but no message written here mentions "JSON": DashScope rejects such a request',
            )

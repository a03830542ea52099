from typing import Iterator

from qwen_migrate.config import Settings
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.resolver import CallSite
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


def _literal_texts(messages: list) -> list[str]:
    """The literal text of the messages: string contents and the text of content parts."""
    texts = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts += [part["text"] for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)]
    return texts


class JsonObjectWithoutJsonWord(CallRule):
    """
    ## What it does
    Reports `response_format={"type": "json_object"}` in a call whose messages are written in the
    code and none of whose literal texts mentions "JSON".

    ## Why is this bad?
    Model Studio's JSON mode requires the prompt to ask for JSON: a request whose messages do not
    contain the word is rejected. Messages built at run time are not judged.

    ## Fix safety
    There is no fix: say in the system or user message that the answer must be JSON.
    """

    code = "QW211"
    name = "json-object-without-json-word"
    severity = Severity.WARNING
    fix_safety = FixSafety.NONE
    spec = 'Model Studio docs, "Structured output (JSON mode)"'
    VALID = [
        DASHSCOPE_CLIENT
        + 'client.chat.completions.create(\n    model="qwen3.6-plus",\n'
        '    messages=[{"role": "system", "content": "Reply in JSON."}, {"role": "user", "content": question}],\n'
        '    response_format={"type": "json_object"},\n)\n'
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT
            + 'client.chat.completions.create(\n    model="qwen3.6-plus",\n'
            '    messages=[{"role": "system", "content": "Extract the name and email."}, {"role": "user", "content": text}],\n'
            '    response_format={"type": "json_object"},\n)\n',
            at='response_format={"type": "json_object"}',
        )
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        response_format = call.arguments.value("response_format")
        messages = call.arguments.value("messages")
        if not (isinstance(response_format, dict) and response_format.get("type") == "json_object"):
            return
        if not isinstance(messages, list):
            return
        texts = _literal_texts(messages)
        if texts and not any("json" in text.lower() for text in texts):
            yield Violation(
                call.arguments.where("response_format"),
                'JSON mode, but no message written here mentions "JSON": DashScope rejects such a request',
            )

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import CHAT_PARAMETER_SUCCESSORS, UNSUPPORTED, parameters
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid

UNSUPPORTED_CHAT_PARAMS = parameters("chat.completions.create", UNSUPPORTED)


class OpenAIOnlyChatParameter(CallRule):
    """
    ## What it does
    Reports Chat Completions parameters that DashScope does not accept at all (unlike QW208's
    silently ignored ones): the deprecated `functions` and `function_call`, and `moderation`,
    `prompt_cache_options`, `prompt_cache_retention` and `safety_identifier`.

    ## Why is this bad?
    The spec documents neither these parameters nor anything DashScope does with them: a request
    that carries them is refused, or does not do what the code expects. Function calling on
    DashScope goes through `tools` (function type only) and `tool_choice` (spec, "Behavioral
    differences").

    ## Fix safety
    Unsafe: the fix removes `moderation`, `prompt_cache_options`, `prompt_cache_retention` and
    `safety_identifier`, features DashScope does not offer. `functions` and `function_call` have no
    fix: rewrite them as `tools` and `tool_choice` (each function becomes `{"type": "function",
    "function": ...}`) and read `message.tool_calls` instead of `message.function_call`.
    """

    code = "QW215"
    name = "openai-only-chat-parameter"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = 'Chat Completions › "Behavioral differences" (tools, tool_choice); parameters the spec does not document'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages, tools=tools, tool_choice="auto", parallel_tool_calls=True)
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, functions=functions, function_call="auto")
                """),
            at=("functions=functions", 'function_call="auto"'),
            message=(
                "functions is not accepted by DashScope's Chat Completions: use tools",
                "function_call is not accepted by DashScope's Chat Completions: use tool_choice",
            ),
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, safety_identifier=user_hash)
                """),
            at="safety_identifier=user_hash",
            message="safety_identifier is not accepted by DashScope's Chat Completions",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages)
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        for name in call.arguments.names():
            if name not in UNSUPPORTED_CHAT_PARAMS:
                continue
            successor = CHAT_PARAMETER_SUCCESSORS.get(name)
            if successor:  # a rewrite, not a removal: the code must read tool calls too
                yield Violation(call.arguments.where(name), f"{name} is not accepted by DashScope's Chat Completions: use {successor}")
            else:
                yield Violation(
                    call.arguments.where(name),
                    f"{name} is not accepted by DashScope's Chat Completions",
                    self.fix(f"Remove {name}", call.arguments.remove(name)),
                )

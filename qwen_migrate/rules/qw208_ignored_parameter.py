from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import IGNORED_CHAT_PARAMS
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid, empty, instead_of_ignored


class IgnoredParameter(CallRule):
    """
    ## What it does
    Reports Chat Completions parameters that DashScope accepts and silently ignores:
    `frequency_penalty`, `logit_bias`, `max_completion_tokens`, `metadata`, `prediction`,
    `prompt_cache_key`, `reasoning_effort`, `service_tier`, `store` and `verbosity`. An empty list
    or mapping (`metadata={}`) loses nothing by being ignored, and is not reported.

    ## Why is this bad?
    The call succeeds but does not do what the code says: `max_completion_tokens` no longer limits
    the answer, `store=True` stores nothing, `reasoning_effort` changes nothing: Qwen models think
    when `enable_thinking` is true and for at most `thinking_budget` tokens, both passed in
    `extra_body` (Model Studio docs, "Deep thinking",
    https://www.alibabacloud.com/help/en/model-studio/deep-thinking), so the message says so.

    The spec lists `max_completion_tokens` as ignored; Model Studio notice 724 (2026-04-20) makes it
    the preferred output-token parameter. The spec is the default; with `max-completion-tokens =
    "supported"` this rule leaves `max_completion_tokens` alone.

    ## Fix safety
    Safe for `max_completion_tokens`: the fix renames it to `max_tokens`, which DashScope honours, so
    the limit is kept (unsafe when `max_tokens` is passed too). Unsafe for the others: the fix removes
    them, which changes nothing on DashScope but drops intent a reader may rely on.
    """

    code = "QW208"
    name = "ignored-parameter"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    spec = 'Chat Completions › "Unsupported parameters"'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages, max_tokens=512)
            """),
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages, metadata={})
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=messages,
                    max_completion_tokens=512,
                    store=True,
                )
                """),
            at=("max_completion_tokens=512", "store=True"),
            message=("max_completion_tokens is silently ignored by DashScope", "store is silently ignored by DashScope"),
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(
                    model="qwen3.6-plus",
                    messages=messages,
                    max_tokens=512,
                )
                """),
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                params = {"model": "qwen3.6-plus", "messages": messages, "max_completion_tokens": 512}
                client.chat.completions.create(**params)
                """),
            at='"max_completion_tokens": 512',
            message="max_completion_tokens is silently ignored by DashScope",
            fixed=DASHSCOPE_CLIENT + dedent("""\
                params = {"model": "qwen3.6-plus", "messages": messages, "max_tokens": 512}
                client.chat.completions.create(**params)
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        for name in call.arguments.names():
            if name not in IGNORED_CHAT_PARAMS or (name == "max_completion_tokens" and settings.serves_max_completion_tokens) or empty(call, name):
                continue
            if name == "max_completion_tokens" and "max_tokens" not in call.arguments:
                rename = call.arguments.rename(name, "max_tokens")
                fix = Fix(FixSafety.SAFE, "Rename max_completion_tokens to max_tokens", (rename,)) if rename else None
            elif name == "max_completion_tokens":
                fix = self.fix("Remove max_completion_tokens (max_tokens is given too)", call.arguments.remove(name))
            else:
                fix = self.fix(f"Remove {name}", call.arguments.remove(name))
            yield Violation(call.arguments.where(name), f"{name} is silently ignored by DashScope{instead_of_ignored(name)}", fix)


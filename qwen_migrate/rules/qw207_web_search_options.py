from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.finding import Fix, FixSafety, Severity, Violation
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class WebSearchOptions(CallRule):
    """
    ## What it does
    Reports `web_search_options` in a Chat Completions call.

    ## Why is this bad?
    DashScope does not support `web_search_options`; web search is switched on with the Qwen-only
    `enable_search` (and tuned with `search_options`), passed through `extra_body`.

    ## Fix safety
    Safe when the options are empty: the fix replaces them with `extra_body={"enable_search": True}`,
    merged into an existing `extra_body`. Unsafe when they carry settings (user location, context
    size), which do not carry over.
    """

    code = "QW207"
    name = "web-search-options"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Chat Completions › "Behavioral differences" and "Qwen-specific parameters" (enable_search)'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages, extra_body={"enable_search": True})
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, web_search_options={})
                """),
            at="web_search_options={}",
            message='web_search_options is not supported by DashScope: use extra_body={"enable_search": True}',
            fixed=DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, extra_body={"enable_search": True})
                """),
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        if "web_search_options" not in call.arguments:
            return
        safety = FixSafety.SAFE if call.arguments.value("web_search_options") == {} else FixSafety.UNSAFE
        edit = call.arguments.move_to_extra_body("web_search_options", (("enable_search", "True"),))
        fix = Fix(safety, 'Replace with extra_body={"enable_search": True}', (edit,)) if edit else None
        yield Violation(
            call.arguments.where("web_search_options"),
            'web_search_options is not supported by DashScope: use extra_body={"enable_search": True}',
            fix,
        )

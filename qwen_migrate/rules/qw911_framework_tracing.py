from textwrap import dedent
from typing import Iterator, Optional

from qwen_migrate.analysis.model import FrameworkObject, ResolvedModule
from qwen_migrate.facts.frameworks import agents
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.rules import Invalid, Rule, addressed_elsewhere
from qwen_migrate.rules.frameworks import setting_edits
from qwen_migrate.settings import Settings


class FrameworkTracing(Rule):
    """
    ## What it does
    Reports openai-agents tracing left on: a module that hands openai-agents a client
    (`set_default_openai_client(...)`) or builds an `Agent`, in a project that never calls
    `set_tracing_disabled(True)`. One finding per module, at the client's setting or its first Agent.

    ## Why is this bad?
    openai-agents exports every run's traces to `https://api.openai.com/v1/traces/ingest`
    (openai-agents==0.24.0 `agents/tracing/processors.py:46,66`), with the key given for tracing,
    else `OPENAI_API_KEY` (`:108-115`). `set_default_openai_client(client)` defaults to
    `use_for_tracing=True` (`agents/__init__.py:295`), so the DashScope key itself is sent to
    OpenAI with the traces; without it, an `OPENAI_API_KEY` left in the environment sends the
    prompts and answers there. The environment variable `OPENAI_AGENTS_DISABLE_TRACING=1` turns
    tracing off too (`agents/tracing/provider.py:347-351`), which this rule cannot see: suppress
    the finding where the deployment sets it.

    ## Fix safety
    Safe: `set_tracing_disabled(True)` is called after the module's imports, before any run; no
    request to DashScope changes. Traces sent to your own processors (`add_trace_processor`) stop
    too: set them up again after the call if you use them.
    """

    code = "QW911"
    name = "framework-tracing"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    spec = "frameworks.md"
    VALID = [
        dedent("""\
            from agents import Agent, set_tracing_disabled

            set_tracing_disabled(True)
            agent = Agent(name="support", model=chat_model)
            """),
        dedent("""\
            from agents import Agent

            agent = Agent(name="support", model="litellm/anthropic/claude-sonnet-4-5")
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from agents import set_default_openai_client
                from openai import AsyncOpenAI

                set_default_openai_client(AsyncOpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1"))
                """),
            at='set_default_openai_client(AsyncOpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1"))',
            message="openai-agents exports traces to api.openai.com with this client's key (use_for_tracing=True): call set_tracing_disabled(True), or set OPENAI_AGENTS_DISABLE_TRACING=1",
            fixed=dedent("""\
                from agents import set_tracing_disabled, set_default_openai_client
                from openai import AsyncOpenAI
                set_tracing_disabled(True)

                set_default_openai_client(AsyncOpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1"))
                """),
        ),
        Invalid(
            dedent("""\
                from agents import Agent

                agent = Agent(name="support", model=chat_model)
                """),
            at='Agent(name="support", model=chat_model)',
            message="openai-agents exports traces to api.openai.com with OPENAI_API_KEY: call set_tracing_disabled(True), or set OPENAI_AGENTS_DISABLE_TRACING=1",
            fixed=dedent("""\
                from agents import set_tracing_disabled, Agent
                set_tracing_disabled(True)

                agent = Agent(name="support", model=chat_model)
                """),
        ),
    ]

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        if module.setting_made(agents.SET_TRACING_DISABLED, True):
            return
        found = _traced(module, settings)
        if found is None:
            return
        framework, with_key = found
        edits = setting_edits(framework, module, agents.SET_TRACING_DISABLED, "True")
        key = "this client's key (use_for_tracing=True)" if with_key else "OPENAI_API_KEY"
        yield Violation(
            framework.node,
            f"openai-agents exports traces to api.openai.com with {key}: call set_tracing_disabled(True), or set {agents.DISABLE_TRACING_VARIABLE}=1",
            self.fix("Call set_tracing_disabled(True) after the imports", *edits) if edits else None,
        )


def _traced(module: ResolvedModule, settings: Settings) -> Optional[tuple[FrameworkObject, bool]]:
    """The module's first call that hands openai-agents a client, else its first Agent on a
    provider of ours; with whether the tracing exporter takes the client's key."""
    built = [framework for framework in module.frameworks if framework.built_here]
    for framework in built:
        if framework.entry is agents.SET_DEFAULT_CLIENT:
            return framework, framework.arguments.value("use_for_tracing") is not False
    for framework in built:
        if framework.entry is agents.AGENT_ENTRY and not addressed_elsewhere(framework, settings):
            return framework, False
    return None

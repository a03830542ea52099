"""CrewAI (crewai 1.x): `LLM(model=...)` picks a provider from the model string (`dashscope/` is a
native provider with Singapore as its default base; a bare name is taken for OpenAI's), an Agent
takes a model string for its `llm`, and a Task's structured outputs are parsed by the SDK's
`beta.chat.completions.parse`, which sends a json_schema response format.

Sources, in the installed package: `crewai/llm.py` (routing, `LLM.__new__`),
`crewai/llms/providers/openai_compatible/completion.py` (the dashscope provider: DASHSCOPE_API_KEY,
DASHSCOPE_BASE_URL, the Singapore URL), `crewai/utilities/llm_utils.py` (`llm="gpt-4o"` is
`LLM(model="gpt-4o")`), `crewai/agent/core.py` and `crewai/llms/providers/openai/completion.py`
(output_pydantic / output_json / response_model through `parse`).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import AGENT, CHAT, DASHSCOPE_PROVIDER, OPENAI_PROVIDER, TASK, Entry, ModelStrings

SINGAPORE_URL = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
DASHSCOPE_DEFAULTS = {"dashscope": (SINGAPORE_URL, "DASHSCOPE_BASE_URL")}
MODEL_STRINGS = ModelStrings("/", {"openai": OPENAI_PROVIDER, "dashscope": DASHSCOPE_PROVIDER}, dashscope_form="dashscope/{}", bare_is_openai=True)

LLM = Entry(
    framework="crewai",
    name="LLM",
    kind=CHAT,
    imports=("crewai.LLM", "crewai.llm.LLM"),
    source="crewai 1.x crewai/llm.py LLM",
    model=("model",),
    base_url=("base_url", "api_base"),
    api_key=("api_key",),
    positional=("model",),
    model_strings=MODEL_STRINGS,
    dashscope_defaults=DASHSCOPE_DEFAULTS,
    # llms/providers/openai_compatible/completion.py: base_url, then DASHSCOPE_BASE_URL; api_base is not read
    dashscope_base_url=("base_url",),
)
AGENT_ENTRY = Entry(
    framework="crewai",
    name="Agent",
    kind=AGENT,
    imports=("crewai.Agent", "crewai.agent.Agent", "crewai.agent.core.Agent"),
    source="crewai 1.x crewai/utilities/llm_utils.py create_llm",
    model=("llm",),
    model_strings=MODEL_STRINGS,
    dashscope_defaults=DASHSCOPE_DEFAULTS,
    extra_body=None,
)
TASK_ENTRY = Entry(
    framework="crewai",
    name="Task",
    kind=TASK,
    imports=("crewai.Task", "crewai.task.Task"),
    source="crewai 1.x crewai/agent/core.py (structured output through beta.chat.completions.parse)",
    extra_body=None,
)
ENTRIES = (LLM, AGENT_ENTRY, TASK_ENTRY)

# Task options that make the agent's request a parse with a json_schema response format.
STRUCTURED_OUTPUTS = ("output_pydantic", "output_json", "response_model")

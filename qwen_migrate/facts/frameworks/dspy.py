"""DSPy (dspy 3.x): `dspy.LM(model, ..., **kwargs)` is a chat model whose keyword arguments
(`api_base`/`base_url`, `api_key`, request parameters) travel with every request it sends, through
its own OpenAI engine for `openai/` models or through LiteLLM (`dashscope/` models, which default
to the Beijing URL as in LiteLLM).

Sources, in the installed package: `dspy/clients/lm.py` (the signature) and
`dspy/clients/backend_selection.py` (which engine a model string takes).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import CHAT, DASHSCOPE_PROVIDER, OPENAI_PROVIDER, Entry, ModelStrings
from qwen_migrate.facts.frameworks import litellm

LM = Entry(
    framework="dspy",
    name="LM",
    kind=CHAT,
    imports=("dspy.LM", "dspy.clients.LM", "dspy.clients.lm.LM"),
    source="dspy 3.x dspy/clients/lm.py LM.__init__",
    model=("model",),
    base_url=("api_base", "base_url"),
    api_key=("api_key",),
    positional=("model",),
    # DSPy's migrated form keeps "openai/" beside the DashScope api_base (its native engine)
    model_strings=ModelStrings("/", {"openai": OPENAI_PROVIDER, "dashscope": DASHSCOPE_PROVIDER}),
    request="chat.completions.create",
    own=frozenset(
        """model model_type cache num_retries provider finetuning_model launch_kwargs train_kwargs
        use_developer_role engine callbacks api_base base_url api_key timeout""".split()
    ),
    dashscope_defaults={"dashscope": litellm.DASHSCOPE_DEFAULTS["dashscope"]},
)
ENTRIES = (LM,)

# LM(model_type=...): "responses" sends Responses API requests (clients/lm.py litellm_responses_completion).
MODEL_TYPE_RESPONSES = ("model_type", "responses")
MODEL_TYPE_CHAT = "chat"

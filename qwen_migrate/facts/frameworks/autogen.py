"""AutoGen's OpenAI model client (autogen-ext 0.7.5, autogen-core 0.7.5): `OpenAIChatCompletionClient`
takes keyword arguments only, needs `model_info` for a model its table does not know (every Qwen
model), drops the keywords it does not know, and sends `json_output=<model class>` as a json_schema.

Sources, in the installed packages (autogen-ext==0.7.5 `autogen_ext/models/openai/`):
`_openai_client.py:1441-1443` (keyword arguments only; `model` required), `:446-450` and
`_model_info.py:520-521` (no `model_info` for a model outside its table: ValueError "model_info is
required when model name is not a valid OpenAI model"), `:93,96-97,131-143` (the constructor's
keywords are filtered into the AsyncOpenAI client's and into the create arguments, the latter with
`extra_body`: any other keyword is dropped without a word), `:539-556` (`json_output=<BaseModel
class>` parses through the SDK's beta client with a json_schema response format; `json_output=True`
sends json_object), `:549` (`self.model_info["structured_output"]`: a `model_info` without that key
raises KeyError there), `:663-670` (`create(messages, *, tools, tool_choice, json_output,
extra_create_args, cancellation_token)`; "required" is sent as given, :274-296);
autogen-core==0.7.5 `autogen_core/models/_model_client.py:185-206` (ModelInfo's required keys).
"""
from __future__ import annotations

from qwen_migrate.facts.frameworks import CHAT, Entry

OPENAI_CHAT_COMPLETION_CLIENT = Entry(
    framework="autogen",
    name="OpenAIChatCompletionClient",
    kind=CHAT,
    imports=(
        "autogen_ext.models.openai.OpenAIChatCompletionClient",
        "autogen_ext.models.openai._openai_client.OpenAIChatCompletionClient",
    ),
    source="autogen-ext 0.7.5 autogen_ext/models/openai/_openai_client.py OpenAIChatCompletionClient",
    model=("model",),
    base_url=("base_url",),
    api_key=("api_key",),
    methods=frozenset({"create", "create_stream"}),
    # not read by autogen: the AsyncOpenAI it builds with no base_url reads it
    base_url_variable="OPENAI_BASE_URL",
)
ENTRIES = (OPENAI_CHAT_COMPLETION_CLIENT,)

# The parameters that describe a model the client's table does not know (`model_capabilities` is
# the deprecated spelling, still accepted in 0.7.5).
MODEL_INFO = ("model_info", "model_capabilities")
# What a fix gives a Qwen model: ModelInfo's required keys, and `structured_output`, which the
# client reads for `json_output=<class>` (KeyError without it). False for structured output:
# DashScope refuses json_schema response formats.
QWEN_MODEL_INFO = '{"vision": False, "function_calling": True, "json_output": True, "structured_output": False, "family": "unknown"}'
# create(..., json_output=<class>): a json_schema response format; a bool is json_object or nothing.
JSON_OUTPUT = "json_output"
TOOL_CHOICE = "tool_choice"
TOOLS = "tools"
# a constructor keyword, sent with every request when given (:131-143), nothing otherwise
PARALLEL_TOOL_CALLS = "parallel_tool_calls"
TOOL_CHOICE_REQUIRED = "required"

from typing import Iterator

from qwen_migrate.config import Settings
from qwen_migrate.dashscope import RESPONSES_APIS

# The variables the SDK (and the v0 SDK) read OpenAI's base URL from.
OPENAI_BASE_URL_VARIABLES = ("OPENAI_BASE_URL", "OPENAI_API_BASE")
from qwen_migrate.edits import SetKeyword, Text
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.resolver import ClientBinding
from qwen_migrate.rules import ClientRule, Invalid


class MissingDashScopeBaseUrl(ClientRule):
    """
    ## What it does
    Reports an `OpenAI`/`AsyncOpenAI` client built without a DashScope `base_url`: none at all (or
    `None`), an OpenAI URL, one read from `OPENAI_BASE_URL`, or the Responses endpoint on a client
    that only calls the compatible-mode APIs.

    ## Why is this bad?
    Without `base_url` the SDK sends every request to `OPENAI_BASE_URL` or `https://api.openai.com/v1`,
    so the migrated code still talks to OpenAI. DashScope serves Chat Completions, Embeddings, Files
    and Batches under `/compatible-mode/v1`, and Responses and Conversations under
    `/api/v2/apps/protocols/compatible-mode/v1`.

    ## Fix safety
    Safe: the fix sets `base_url` to the endpoint of the configured region (or the configured custom
    URL) that matches the APIs the client is used for. A `base_url` that is not a literal is never
    reported or changed.
    """

    code = "QW101"
    name = "missing-dashscope-base-url"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = 'Quick migration; "Supported APIs"'
    VALID = [
        'import os\nfrom openai import OpenAI\n\nclient = OpenAI(\n    api_key=os.getenv("DASHSCOPE_API_KEY"),\n'
        '    base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",\n)\n'
        'client.chat.completions.create(model="qwen3.6-plus", messages=[])\n',
        "import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url=os.environ['LLM_BASE_URL'])\n",
    ]
    INVALID = [
        Invalid(
            'import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))\n'
            'client.chat.completions.create(model="qwen3.6-plus", messages=[])\n',
            at='OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))',
            fixed='import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), '
            'base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")\n'
            'client.chat.completions.create(model="qwen3.6-plus", messages=[])\n',
        ),
        Invalid(
            'from openai import AsyncOpenAI\n\nclient = AsyncOpenAI(base_url="https://api.openai.com/v1")\n',
            at='AsyncOpenAI(base_url="https://api.openai.com/v1")',
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url=os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1"))\n',
            at='OpenAI(base_url=os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1"))',
        ),
        Invalid(
            'import openai\n\nclient = openai.OpenAI(\n    base_url="https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1"\n)\n'
            'client.embeddings.create(model="text-embedding-v4", input="hi", encoding_format="float")\n',
            at='openai.OpenAI(\n    base_url="https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1"\n)',
        ),
    ]

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        if client.is_azure:  # QW104 turns it into an OpenAI client first
            return
        serves_responses_only = bool(client.apis) and client.apis <= RESPONSES_APIS
        wanted = settings.responses_url if serves_responses_only else settings.compatible_url
        fix = self.fix(f"Set base_url to {wanted}", SetKeyword(client.node, "base_url", Text(wanted)))
        base_url = client.arguments.value("base_url")
        variable = client.arguments.environment_variable("base_url")
        if base_url is MISSING or base_url is None:
            yield Violation(
                client.node,
                f"{client.class_name}() has no base_url: requests go to OPENAI_BASE_URL or api.openai.com, not DashScope",
                fix,
            )
        elif variable in OPENAI_BASE_URL_VARIABLES:
            yield Violation(client.node, f"base_url is read from {variable}, OpenAI's variable: set DashScope's endpoint", fix)
        elif isinstance(base_url, str):
            kind = settings.endpoint_kind(base_url)
            if kind is None:
                yield Violation(client.node, f"base_url {base_url!r} is not a DashScope endpoint", fix)
            elif kind == "responses" and not (client.apis & RESPONSES_APIS):
                yield Violation(
                    client.node,
                    "base_url is DashScope's Responses endpoint, but this client calls the compatible-mode APIs",
                    fix,
                )

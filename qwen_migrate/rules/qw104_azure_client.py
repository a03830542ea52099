from typing import Iterator

from qwen_migrate.config import Settings
from qwen_migrate.dashscope import AZURE_CLIENT_OPTIONS
import libcst as cst

from qwen_migrate.edits import AddImport, RemoveKeyword, ReplaceNode
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.resolver import ClientBinding
from qwen_migrate.rules import ClientRule, Invalid


class AzureClient(ClientRule):
    """
    ## What it does
    Reports an `AzureOpenAI` or `AsyncAzureOpenAI` client.

    ## Why is this bad?
    The Azure client builds Azure's URL scheme (`/openai/deployments/{deployment}/...`), sends the
    key in an `api-key` header and adds an `api-version` query parameter; DashScope's compatible mode
    expects the plain OpenAI scheme with a bearer token.

    ## Fix safety
    Unsafe: the fix turns the client into `OpenAI(...)`/`AsyncOpenAI(...)` and drops `azure_endpoint`,
    `azure_deployment`, `api_version` and `azure_ad_token*`. Deployment names used as `model` must
    then be replaced by Qwen model names by hand, and Azure AD authentication has no DashScope
    equivalent.
    """

    code = "QW104"
    name = "azure-client"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = "Quick migration (the OpenAI client with base_url and api_key)"
    VALID = [
        'import os\nfrom openai import OpenAI\n\nclient = OpenAI(\n    api_key=os.getenv("DASHSCOPE_API_KEY"),\n'
        '    base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",\n)\n'
    ]
    INVALID = [
        Invalid(
            'from openai import AzureOpenAI\n\nclient = AzureOpenAI(azure_endpoint="https://acme.openai.azure.com", api_version="2024-06-01")\n',
            at='AzureOpenAI(azure_endpoint="https://acme.openai.azure.com", api_version="2024-06-01")',
            fixed="from openai import OpenAI, AzureOpenAI\n\nclient = OpenAI()\n",
        )
    ]

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        if client.is_azure:
            plain = client.class_name.replace("Azure", "")
            dropped = [name for name in AZURE_CLIENT_OPTIONS if name in client.arguments]
            description = f"Replace {client.class_name} with {plain}" + (f" and drop {', '.join(dropped)}" if dropped else "")
            func = client.node.func
            if isinstance(func, cst.Attribute):  # openai.AzureOpenAI(...)
                rename = [ReplaceNode(func.attr, plain)]
            else:  # AzureOpenAI(...) imported by name
                rename = [ReplaceNode(func, plain), AddImport("openai", plain)]
            removals = [RemoveKeyword(client.node, name) for name in dropped]
            yield Violation(
                client.node,
                f"{client.class_name} speaks Azure's URL, header and api-version scheme, which DashScope does not",
                self.fix(description, *rename, *removals),
            )

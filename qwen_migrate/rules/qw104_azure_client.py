from textwrap import dedent
from typing import Iterator

from qwen_migrate.settings import Settings
from qwen_migrate.facts.openai_sdk import AZURE_CLIENT_OPTIONS
import libcst as cst

from qwen_migrate.analysis.model import ClientBinding
from qwen_migrate.edits import AddImport, RemoveKeyword, RemoveUnusedImport, ReplaceNode
from qwen_migrate.facts.dashscope import is_qwen_model, map_model
from qwen_migrate.finding import FixSafety, Severity, Violation
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
    `azure_deployment`, `api_version` and `azure_ad_token*`; the import of the Azure class goes once
    nothing uses it. Where `OpenAI` names another class (LangChain's, say), the client becomes
    `openai.OpenAI(...)`; where `openai` names something else too, there is no fix. Deployment names used as `model` are QW210 (replaced
    through the `models` map); while a call through the client names one the map lacks, there is no
    fix, since once the client is an `OpenAI` one nothing would tell that the name is a deployment's.
    Azure AD authentication has no DashScope equivalent.
    """

    code = "QW104"
    name = "azure-client"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    spec = "Quick migration (the OpenAI client with base_url and api_key)"
    VALID = [
        dedent("""\
            import os
            from openai import OpenAI

            client = OpenAI(
                api_key=os.getenv("DASHSCOPE_API_KEY"),
                base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            )
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from openai import AzureOpenAI

                client = AzureOpenAI(azure_endpoint="https://acme.openai.azure.com", api_version="2024-06-01")
                """),
            at='AzureOpenAI(azure_endpoint="https://acme.openai.azure.com", api_version="2024-06-01")',
            message="AzureOpenAI speaks Azure's URL, header and api-version scheme, which DashScope does not",
            fixed=dedent("""\
                from openai import OpenAI

                client = OpenAI()
                """),
        ),
        Invalid(
            dedent("""\
                from openai import AzureOpenAI

                client = AzureOpenAI(api_version="2024-06-01")
                client.chat.completions.create(model="support-bot-prod", messages=messages)
                """),
            at='AzureOpenAI(api_version="2024-06-01")',
            message=(
                "AzureOpenAI speaks Azure's URL, header and api-version scheme, which DashScope does not"
                " (no fix until the models map names a Qwen model for 'support-bot-prod')"
            ),
        ),
        Invalid(
            dedent("""\
                from langchain_openai import OpenAI
                from openai import AzureOpenAI

                llm = OpenAI()
                client = AzureOpenAI(api_version="2024-06-01")
                """),
            at='AzureOpenAI(api_version="2024-06-01")',
            message="AzureOpenAI speaks Azure's URL, header and api-version scheme, which DashScope does not",
            fixed=dedent("""\
                from langchain_openai import OpenAI
                import openai

                llm = OpenAI()
                client = openai.OpenAI()
                """),
        ),
    ]

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        if client.is_azure:
            plain = client.class_name.replace("Azure", "")
            dropped = [name for name in AZURE_CLIENT_OPTIONS if name in client.arguments]
            description = f"Replace {client.class_name} with {plain}" + (f" and drop {', '.join(dropped)}" if dropped else "")
            func = client.node.func
            if isinstance(func, cst.Attribute):  # openai.AzureOpenAI(...)
                rename = [ReplaceNode(func.attr, plain)]
            else:  # AzureOpenAI(...) imported by name: its import goes once nothing uses it
                if client.means(plain, f"openai.{plain}"):
                    rename = [ReplaceNode(func, plain), AddImport("openai", plain)]
                elif client.means("openai", "openai"):  # the plain name is another class (LangChain's OpenAI, say)
                    rename = [ReplaceNode(func, f"openai.{plain}"), AddImport("openai")]
                else:
                    rename = [None]  # no name here can reach the SDK's class: no fix
                alias = func.value if func.value != client.class_name else None
                rename.append(RemoveUnusedImport("openai", client.class_name, alias))
            removals = [RemoveKeyword(client.node, name) for name in dropped]
            message = f"{client.class_name} speaks Azure's URL, header and api-version scheme, which DashScope does not"
            unmapped = _unmapped_deployments(client, settings)
            if unmapped:  # once the client is an OpenAI one, nothing would tell that these name deployments
                rename = [None]
                message += f" (no fix until the models map names a Qwen model for {', '.join(map(repr, unmapped))})"
            yield Violation(client.node, message, self.fix(description, *rename, *removals))


def _unmapped_deployments(client: ClientBinding, settings: Settings) -> list[str]:
    """The deployment names the client's calls send as `model` that QW210 cannot replace."""
    models = {call.arguments.value("model") for call in client.calls}
    return sorted(model for model in models if isinstance(model, str) and not is_qwen_model(model) and map_model(model, settings.models) is None)

from textwrap import dedent
from typing import Iterator

from qwen_migrate.analysis.model import ClientBinding
from qwen_migrate.settings import Settings
from qwen_migrate.edits import ReplaceNode, SetKeyword, Text
from qwen_migrate.facts.openai_sdk import NON_KEY_CREDENTIALS, OPENAI_KEY_VARIABLE, OPENAI_KEY_VARIABLES
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import MISSING
from qwen_migrate.rules import ClientRule, Invalid, read_environment


class OpenAIApiKey(ClientRule):
    """
    ## What it does
    Reports an OpenAI client built without `api_key` (or with `None`), or with the key read from
    the `OPENAI_API_KEY` (or `AZURE_OPENAI_API_KEY`) environment variable. A client that authenticates otherwise
    (`workload_identity`, `provider`) is left to QW107, which reports those options.

    ## Why is this bad?
    Without `api_key` the SDK reads `OPENAI_API_KEY`: DashScope refuses an OpenAI key, and a
    DashScope key stored under OpenAI's name confuses every later reader. The compatibility page
    reads the key from `DASHSCOPE_API_KEY`.

    ## Fix safety
    Safe: the fix reads `DASHSCOPE_API_KEY` (or the configured `api-key-env`) in the style the code
    already uses (`os.getenv(...)`, `os.environ[...]`), adding `import os` when needed, or `import os
    as _os` where `os` names something else (a variable, a parameter); there is no fix where `_os`
    does too. A literal key is never written, moved or printed. A key read into a variable or a
    constant first (`api_key = os.environ["OPENAI_API_KEY"]`) is reported without a fix: the
    variable may serve other code too, such as a raw request to OpenAI.
    """

    code = "QW102"
    name = "openai-api-key"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    spec = "Quick migration"
    VALID = [
        dedent("""\
            import os
            from openai import OpenAI

            client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))
            """),
        dedent("""\
            from openai import OpenAI

            client = OpenAI(api_key=load_secret('qwen'))
            """),
        dedent("""\
            from openai import OpenAI

            client = OpenAI(workload_identity=identity)
            """),
    ]
    INVALID = [
        Invalid(
            dedent("""\
                from openai import OpenAI

                client = OpenAI()
                """),
            at="OpenAI()",
            message="OpenAI() has no api_key: the SDK reads OPENAI_API_KEY",
            fixed=dedent("""\
                from openai import OpenAI
                import os

                client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"))
                """),
        ),
        Invalid(
            dedent("""\
                from openai import OpenAI

                client = OpenAI(api_key=None)
                """),
            at="OpenAI(api_key=None)",
            message="OpenAI() has no api_key: the SDK reads OPENAI_API_KEY",
        ),
        Invalid(
            dedent("""\
                from openai import OpenAI


                def client_for(os):
                    return OpenAI()
                """),
            at="OpenAI()",
            message="OpenAI() has no api_key: the SDK reads OPENAI_API_KEY",
            fixed=dedent("""\
                from openai import OpenAI
                import os as _os


                def client_for(os):
                    return OpenAI(api_key=_os.getenv("DASHSCOPE_API_KEY"))
                """),
        ),
        Invalid(
            dedent("""\
                import os
                from openai import AsyncOpenAI

                client = AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"])
                """),
            at='AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"])',
            message="api_key is read from OPENAI_API_KEY; DashScope keys live in DASHSCOPE_API_KEY",
            fixed=dedent("""\
                import os
                from openai import AsyncOpenAI

                client = AsyncOpenAI(api_key=os.environ["DASHSCOPE_API_KEY"])
                """),
        ),
        Invalid(
            dedent("""\
                import os
                from openai import OpenAI


                def make_client():
                    api_key = os.environ["OPENAI_API_KEY"]
                    return OpenAI(api_key=api_key)
                """),
            at="OpenAI(api_key=api_key)",
            message="api_key is read from OPENAI_API_KEY; DashScope keys live in DASHSCOPE_API_KEY (change it where the variable is read)",
        ),
    ]

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        if client.is_azure:  # QW104 turns it into an OpenAI client first
            return
        if any(name in client.arguments for name in NON_KEY_CREDENTIALS):
            return
        description = f"Read the key from {settings.api_key_env}"
        if client.arguments.value("api_key") in (MISSING, None):
            read = read_environment(settings.api_key_env, client)
            yield Violation(
                client.node,
                f"{client.class_name}() has no api_key: the SDK reads {OPENAI_KEY_VARIABLE}",
                self.fix(description, SetKeyword(client.node, "api_key", read.code), read.needs) if read else None,
            )
        elif client.arguments.environment_variable("api_key") in OPENAI_KEY_VARIABLES:
            # Read into a variable, the key may serve other code too (a raw request to OpenAI):
            # reported, and changed where it is read by a person, not by the fix.
            through_name = client.arguments.through_name("api_key")
            yield Violation(
                client.node,
                f"api_key is read from {client.arguments.environment_variable('api_key')}; DashScope keys live in {settings.api_key_env}"
                + (" (change it where the variable is read)" if through_name else ""),
                None if through_name else self.fix(description, ReplaceNode(client.arguments.environment_literal("api_key"), Text(settings.api_key_env))),
            )

"""Clients, factories and accessors reached through re-exports (`pkg/__init__.py`: `from .llms import
get_llm`), at any depth: their calls are found, and their APIs reach the module that builds the client."""
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qwen_migrate import runner
from qwen_migrate.analysis.model import Origin, ProjectIndex
from qwen_migrate.analysis.project import FileIndex, merged
from helpers import write_project
from qwen_migrate.cli import main

RESPONSES_URL = "https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1"
FACTORY = "from openai import OpenAI\n\n\ndef get_llm():\n    return OpenAI()\n"
CALL = "responses.create(model='qwen3.6-plus', input='hi', tools=[{'type': 'file_search'}])\n"  # QW302


@pytest.fixture(autouse=True)
def in_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the configuration of the current folder marks the project


def check(root: Path) -> list[tuple[str, str, str]]:
    result = CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "1", str(root)])
    assert result.exit_code in (0, 1), result.output
    return sorted((f["path"], f["code"], (f.get("fix") or {}).get("description") or "") for f in json.loads(result.output)["findings"])


def codes(found, path):
    return sorted(code for where, code, _ in found if where == path)


def base_url_fix(found, path):
    return [fix for where, code, fix in found if where == path and code == "QW101"]


@pytest.mark.parametrize(
    "files, main",
    [
        pytest.param(  # one deep
            {"pkg/__init__.py": "from .factory import get_llm\n", "pkg/factory.py": FACTORY},
            "from pkg import get_llm\n\nget_llm()." + CALL,
            id="depth-1",
        ),
        pytest.param(  # two deep, renamed on the way, with __all__
            {
                "pkg/__init__.py": "from .llms import get_llm as make_llm\n\n__all__ = ['make_llm']\n",
                "pkg/llms/__init__.py": "from .factory import get_llm\n",
                "pkg/llms/factory.py": FACTORY,
            },
            "from pkg import make_llm\n\nmake_llm()." + CALL,
            id="depth-2-as",
        ),
        pytest.param(  # three deep, by absolute imports, reached as an attribute of the package
            {
                "pkg/__init__.py": "from pkg.a import get_llm\n",
                "pkg/a/__init__.py": "from pkg.a.b import get_llm\n",
                "pkg/a/b/__init__.py": "from pkg.a.b.factory import get_llm\n",
                "pkg/a/b/factory.py": FACTORY,
            },
            "import pkg\n\npkg.get_llm()." + CALL,
            id="depth-3-import-pkg",
        ),
        pytest.param(  # from the middle of the chain
            {
                "pkg/__init__.py": "from .llms import get_llm\n",
                "pkg/llms/__init__.py": "from .factory import get_llm\n",
                "pkg/llms/factory.py": FACTORY,
            },
            "from pkg.llms import get_llm\n\nget_llm()." + CALL,
            id="depth-2-from-the-subpackage",
        ),
        pytest.param(  # the re-exporting package as a module
            {
                "pkg/__init__.py": "",
                "pkg/llms/__init__.py": "from .factory import get_llm\n",
                "pkg/llms/factory.py": FACTORY,
            },
            "from pkg import llms\n\nllms.get_llm()." + CALL,
            id="package-as-a-module",
        ),
        pytest.param(  # a module-level client re-exported
            {
                "pkg/__init__.py": "from .llms import client\n",
                "pkg/llms/__init__.py": "from .clients import client\n",
                "pkg/llms/clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
            },
            "from pkg import client\n\nclient." + CALL,
            id="client",
        ),
        pytest.param(  # an accessor of a client of another module, itself re-exported
            {
                "pkg/__init__.py": "from .access import get_client\n",
                "pkg/access.py": "from .clients import client\n\n\ndef get_client():\n    return client\n",
                "pkg/clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
            },
            "from pkg import get_client\n\nget_client()." + CALL,
            id="accessor",
        ),
    ],
)
def test_calls_through_reexports_are_found_and_reach_the_client(tmp_path, files, main):
    write_project(tmp_path, {**files, "app/__init__.py": "", "app/main.py": main})
    found = check(tmp_path)
    assert codes(found, "app/main.py") == ["QW302"]
    builder = next(name for name, text in files.items() if "OpenAI()" in text)
    assert base_url_fix(found, builder) == [f"Set base_url to {RESPONSES_URL}"]  # the Responses call chose it


def test_a_cycle_of_reexports_leads_nowhere(tmp_path):
    write_project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import get_llm\n",
        "pkg/b.py": "from .a import get_llm\n",
        "pkg/factory.py": FACTORY,
        "app/main.py": "from pkg.a import get_llm\nfrom pkg.factory import get_llm as real\n\nget_llm()." + CALL + "real().chat.completions.create(model='qwen3.6-plus', messages=[])\n",
    })
    found = check(tmp_path)
    assert codes(found, "app/main.py") == []
    assert base_url_fix(found, "pkg/factory.py") == ["Set base_url to https://dashscope-intl.aliyuncs.com/compatible-mode/v1"]


def test_lookalikes_and_names_of_other_packages_are_not_taken_for_clients(tmp_path):
    write_project(tmp_path, {
        "pkg/__init__.py": "from .fast import get_fast\nfrom llmkit import get_llm\n",
        "pkg/fast.py": "from groq import Groq\n\n\ndef get_fast():\n    return Groq()\n",
        "pkg/factory.py": FACTORY,  # the project mentions the SDK
        "app/main.py": "from pkg import get_fast, get_llm\n\nget_fast().chat.completions.create(model='gpt-4o', messages=[])\nget_llm()." + CALL,
    })
    assert codes(check(tmp_path), "app/main.py") == []


def test_a_name_bound_by_two_imports_is_not_followed(tmp_path):
    write_project(tmp_path, {
        "pkg/__init__.py": "try:\n    from .factory import get_llm\nexcept ImportError:\n    from .slim import get_llm\n",
        "pkg/factory.py": FACTORY,
        "pkg/slim.py": "from mistralai import Mistral\n\n\ndef get_llm():\n    return Mistral()\n",
        "app/main.py": "from pkg import get_llm\n\nget_llm()." + CALL,
    })
    assert codes(check(tmp_path), "app/main.py") == []


def test_a_file_found_before_a_reexport_it_imports_is_analysed_again(tmp_path):
    """main.py imports the factory module itself (found in the first round) and a client that the
    package re-exports two deep (known after the second): both calls are found."""
    write_project(tmp_path, {
        "pkg/__init__.py": "from .llms import client\n",
        "pkg/llms/__init__.py": "from .clients import client\n",
        "pkg/llms/clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "pkg/factory.py": FACTORY,
        "app/main.py": "from pkg import client\nfrom pkg.factory import get_llm\n\nclient." + CALL
        + "get_llm().chat.completions.create(model='gpt-4o', messages=[])\n",
    })
    assert codes(check(tmp_path), "app/main.py") == ["QW210", "QW302"]


def test_a_warm_run_reads_no_file_for_the_rounds_of_reexports(tmp_path, monkeypatch):
    monkeypatch.delenv("QWEN_MIGRATE_NO_CACHE")
    write_project(tmp_path, {
        "pkg/__init__.py": "from .llms import get_llm\n",
        "pkg/llms/__init__.py": "from .factory import get_llm\n",
        "pkg/llms/factory.py": FACTORY,
        "app/main.py": "from pkg import get_llm\n\nget_llm()." + CALL,
        "app/notes.py": "import os\n",  # tested in each round, taken in none
    })
    then = time.time() - 10  # the cache trusts what it read of a file unchanged for two seconds
    for path in tmp_path.rglob("*.py"):
        os.utime(path, (then, then))
    cold = check(tmp_path)
    read = []
    real_read = runner._read
    monkeypatch.setattr(runner, "_read", lambda path: read.append(path.name) or real_read(path))
    assert check(tmp_path) == cold
    assert read == []
    assert codes(cold, "app/main.py") == ["QW302"]


def test_the_index_follows_chains_of_reexports_to_where_the_client_is_built():
    def part(module, reexports=(), accessors=(), factories=(), clients=(), uses=()):
        exports = ProjectIndex(
            modules={module},
            factories={Origin(module, name): "OpenAI" for name in factories},
            clients={Origin(module, name): "OpenAI" for name in clients},
            reexports={Origin(module, name): target for name, target in reexports},
            accessors={Origin(module, name): target for name, target in accessors},
            base_urls={Origin(module, name): "http://x" for name in clients},
        )
        return FileIndex(Path(module), exports, list(uses))

    made, client = Origin("pkg.llms.factory", "get_llm"), Origin("pkg.clients", "client")
    index = merged(
        [part("pkg.llms.factory", factories=["get_llm"]), part("pkg.clients", clients=["client"])],
        [
            part("pkg", reexports=[("make", Origin("pkg.llms", "get_llm")), ("loop", Origin("pkg.loop", "x"))]),
            part("pkg.llms", reexports=[("get_llm", made)]),
            part("pkg.loop", reexports=[("x", Origin("pkg", "loop"))]),
            part("pkg.access", reexports=[("client", client)], accessors=[("get", Origin("pkg.access", "client"))]),
            part("app", uses=[(Origin("pkg", "make"), ("()", "responses", "create")), (Origin("pkg.access", "get"), ("()", "chat", "completions", "create"))]),
        ],
    )
    assert index.factories == {made: "OpenAI", Origin("pkg", "make"): "OpenAI", Origin("pkg.llms", "get_llm"): "OpenAI", Origin("pkg.access", "get"): "OpenAI"}
    assert index.reexports == {Origin("pkg", "make"): made, Origin("pkg.llms", "get_llm"): made, Origin("pkg.access", "client"): client}
    assert index.accessors == {Origin("pkg.access", "get"): client}
    assert index.base_urls[Origin("pkg.access", "get")] == "http://x"
    assert index.uses == {made: {"responses"}, client: {"chat"}}
    assert {"pkg", "pkg.llms", "pkg.access"} <= index.modules and "pkg.loop" not in index.modules


def test_another_module_sees_the_last_binding_of_a_module_level_name(tmp_path):
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": (
            "import os\n\nfrom groq import Groq\nfrom openai import OpenAI\n\n"
            f"client = OpenAI(base_url='{RESPONSES_URL}', api_key='x')\nclient.responses.create(model='qwen3.6-plus', input='hi')\n"
            "client = Groq()\n"
        ),
        "app/main.py": "from app.llm import client\n\nclient." + CALL,
    })
    assert codes(check(tmp_path), "app/main.py") == []  # Groq's call
    write_project(tmp_path, {"app/llm.py": "from openai import OpenAI\n\nclient = None\nclient = OpenAI(base_url='" + RESPONSES_URL + "', api_key='x')\n"})
    assert codes(check(tmp_path), "app/main.py") == ["QW302"]


@pytest.mark.parametrize("imported", ["pkg", "pkg.llm.clients"])
def test_a_reexported_client_passed_to_a_helper_is_used_where_it_is_built(tmp_path, imported):
    write_project(tmp_path, {
        "pkg/__init__.py": "from .llm.clients import client\n",
        "pkg/llm/__init__.py": "",
        "pkg/llm/clients.py": "import os\n\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.getenv('DASHSCOPE_API_KEY'))\n",
        "pkg/helpers.py": "import openai  # for its errors\n\n\ndef run(c, q):\n    return c.responses.create(model='qwen-plus', input=q)\n",
        "pkg/app.py": f"from {imported} import client\nfrom pkg.helpers import run\n\nrun(client, 'hi')\n",
    })
    assert base_url_fix(check(tmp_path), "pkg/llm/clients.py") == [f"Set base_url to {RESPONSES_URL}"]


def test_callers_of_a_reexported_helper_count(tmp_path):
    helper = "import openai  # for its errors\n\n\ndef run(c, q):\n    return c.chat.completions.create(model='qwen-plus', messages=[], tool_choice='required')\n"
    write_project(tmp_path, {
        "pkg/__init__.py": "from .helpers import run\n",
        "pkg/helpers.py": helper,
        "a.py": f"from openai import OpenAI\n\nfrom pkg.helpers import run\n\nrun(OpenAI(base_url='{RESPONSES_URL}', api_key='x'), 'hi')\n",
    })
    assert codes(check(tmp_path), "pkg/helpers.py") == ["QW203"]
    write_project(tmp_path, {"b.py": "from groq import Groq\n\nfrom pkg import run\n\nrun(Groq(), 'hi')\n"})
    assert codes(check(tmp_path), "pkg/helpers.py") == []  # an OpenAI call on some paths only


def test_a_reexported_helper_lends_its_uses_to_the_client_passed(tmp_path):
    write_project(tmp_path, {
        "pkg/__init__.py": "from .helpers import run\n",
        "pkg/helpers.py": "import openai  # for its errors\n\n\ndef run(c, q):\n    return c.responses.create(model='qwen-plus', input=q)\n",
        "a.py": "from openai import OpenAI\n\nfrom pkg import run\n\nclient = OpenAI(api_key='x')\nrun(client, 'hi')\n",
    })
    assert base_url_fix(check(tmp_path), "a.py") == [f"Set base_url to {RESPONSES_URL}"]

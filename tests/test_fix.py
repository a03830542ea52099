"""`qwen-migrate fix`: what it changes, what it keeps byte for byte, and how it writes."""
import json
import os
import shutil
import stat
import sys
import types
from pathlib import Path

import libcst
import openai
import pytest
from click.testing import CliRunner

from qwen_migrate import fixer
from qwen_migrate.cli import main
from qwen_migrate.settings import Settings
from qwen_migrate.engine import Checker

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

BEFORE = """\
import os
from openai import OpenAI

# The client for the summariser.
client = OpenAI(
    api_key=os.environ['OPENAI_API_KEY'],  # rotated monthly
    timeout = 30,
)


def summarise(text):
    return client.chat.completions.create(
        model='gpt-4o',
        messages=[{'role': 'user', 'content': text}],
        max_completion_tokens = 256,
        top_k=20,   # sampling
        tools=TOOLS,
        tool_choice="required",
    )
"""
AFTER_SAFE = """\
import os
from openai import OpenAI

# The client for the summariser.
client = OpenAI(
    api_key=os.environ['DASHSCOPE_API_KEY'],  # rotated monthly
    timeout = 30,
    base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
)


def summarise(text):
    return client.chat.completions.create(
        model='qwen3.6-plus',
        messages=[{'role': 'user', 'content': text}],
        max_tokens = 256,
        tools=TOOLS,
        tool_choice="required",
        parallel_tool_calls=True,
        extra_body={'top_k': 20},
    )
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_safe_fixes_touch_only_what_they_fix(project):
    (project / "app.py").write_text(BEFORE)
    result = run("fix", "app.py")
    assert (project / "app.py").read_text() == AFTER_SAFE
    assert result.output.startswith("Fixed 6 findings in app.py: QW101, QW102, QW205, QW208, QW209, QW210\n")
    assert "QW203" in result.output  # unsafe: reported, not applied
    assert result.exit_code == 1


def test_unsafe_fixes_on_request(project):
    (project / "app.py").write_text(BEFORE)
    run("fix", "--unsafe-fixes", "app.py")
    assert 'tool_choice="auto"' in (project / "app.py").read_text()


def test_second_run_changes_nothing_and_writes_nothing(project):
    (project / "app.py").write_text(BEFORE)
    run("fix", "app.py")
    first = (project / "app.py").stat()
    os.utime(project / "app.py", ns=(first.st_atime_ns, first.st_mtime_ns - 10**9))
    before = (project / "app.py").stat().st_mtime_ns
    result = run("fix", "app.py")
    assert "Fixed 0 findings in 0 files." in result.output
    assert (project / "app.py").read_text() == AFTER_SAFE
    assert (project / "app.py").stat().st_mtime_ns == before


def test_files_without_edits_stay_byte_identical(project):
    clean = FIXTURES / "migrated" / "assistant" / "service.py"
    shutil.copy(clean, project / "service.py")
    (project / "plain.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = '\xe9'\r\n")
    os.utime(project / "service.py", ns=(0, 10**18))
    assert run("fix", ".").exit_code == 0
    assert (project / "service.py").read_bytes() == clean.read_bytes()
    assert (project / "service.py").stat().st_mtime_ns == 10**18
    assert (project / "plain.py").read_bytes() == b"# -*- coding: latin-1 -*-\nname = '\xe9'\r\n"


def test_write_keeps_mode_and_leaves_no_temporary_file(project):
    path = project / "app.py"
    path.write_text(BEFORE)
    path.chmod(0o750)
    run("fix", "app.py")
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert sorted(p.name for p in project.iterdir()) == ["app.py"]


def test_crlf_and_other_encodings_are_kept(project):
    source = "# -*- coding: latin-1 -*-\r\n# café\r\nimport openai\r\nclient = openai.OpenAI(api_key='k')\r\n"
    (project / "app.py").write_bytes(source.encode("latin-1"))
    run("fix", "app.py")
    fixed = (project / "app.py").read_bytes()
    assert fixed == source.replace("OpenAI(api_key='k')", "OpenAI(api_key='k', base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1')").encode("latin-1")


def test_a_failing_file_is_left_alone_and_the_others_are_fixed(project, monkeypatch):
    (project / "a.py").write_text(BEFORE)
    (project / "b.py").write_text(BEFORE)
    real = fixer.apply_edits

    class Unparsable:
        """What a transformation gone wrong returns: bytes that are not Python."""

        def __init__(self, module):
            self.bytes = module.bytes + b"def (:\n"

    def broken_for_a(module, edits):
        updated = real(module, edits)
        return Unparsable(updated) if "broken" in module.code else updated

    (project / "a.py").write_text(BEFORE + "# broken\n")
    monkeypatch.setattr(fixer, "apply_edits", broken_for_a)
    result = run("fix", "a.py", "b.py")
    assert result.exit_code == 2
    assert (project / "a.py").read_text() == BEFORE + "# broken\n"
    assert (project / "b.py").read_text() == AFTER_SAFE
    assert "a.py: the fixed code would not parse; nothing was written" in result.output


def test_diff_prints_and_writes_nothing(project):
    (project / "app.py").write_text(BEFORE)
    result = run("fix", "--diff", "app.py")
    assert result.exit_code == 1
    assert "-        model='gpt-4o',\n+        model='qwen3.6-plus',\n" in result.output
    assert result.output.startswith("--- a/app.py\n+++ b/app.py\n")
    assert (project / "app.py").read_text() == BEFORE
    (project / "app.py").write_text(AFTER_SAFE)
    assert run("fix", "--diff", "app.py").exit_code == 0


def test_diff_goes_to_the_output_file_and_refuses_report_formats(project):
    (project / "app.py").write_text(BEFORE)
    result = run("fix", "--diff", "-o", "changes.diff", "app.py")
    assert result.exit_code == 1
    assert result.output == ""
    assert (project / "changes.diff").read_text().startswith("--- a/app.py\n+++ b/app.py\n")
    refused = run("fix", "--diff", "--format", "json", "app.py")
    assert refused.exit_code == 2 and "--diff" in refused.output
    assert (project / "app.py").read_text() == BEFORE


def test_select_limits_which_rules_fix(project):
    (project / "app.py").write_text(BEFORE)
    run("fix", "--select", "QW210", "app.py")
    assert (project / "app.py").read_text() == BEFORE.replace("'gpt-4o'", "'qwen3.6-plus'")


def test_exit_codes(project):
    (project / "app.py").write_text(BEFORE)
    assert run("fix", "--exit-zero", "app.py").exit_code == 0
    assert run("fix", "--fail-on", "error", "app.py").exit_code == 1  # QW203 is an error and has no safe fix
    assert run("fix", "--unsafe-fixes", "--ignore", "QW204", "app.py").exit_code == 0


def test_add_todo_marks_findings_without_a_fix_once(project):
    source = BEFORE.replace("tools=TOOLS,", "response_format={'type': 'json_schema', 'json_schema': SCHEMA},")
    (project / "app.py").write_text(source)
    run("fix", "--add-todo", "app.py")
    once = (project / "app.py").read_text()
    todo = "        # TODO(qwen-migrate): QW201 response_format type \"json_schema\" is not supported by DashScope: only \"json_object\" is\n"
    assert once.count(todo) == 1
    assert once.index(todo) < once.index("response_format=")
    run("fix", "--add-todo", "app.py")
    assert (project / "app.py").read_text() == once


def test_json_report_lists_what_was_fixed(project):
    (project / "app.py").write_text(BEFORE)
    document = json.loads(run("fix", "--format", "json", "app.py").output)
    assert document["fixed"] == [{"path": "app.py", "codes": {"QW101": 1, "QW102": 1, "QW205": 1, "QW208": 1, "QW209": 1, "QW210": 1}, "todos": 0}]
    assert [f["code"] for f in document["findings"]] == ["QW203"]


@pytest.mark.parametrize(
    "call, fixed",
    [
        ("create(model=M, top_k=5, extra_body={'enable_thinking': False})", "create(model=M, extra_body={'enable_thinking': False, 'top_k': 5})"),
        ("create(model=M, top_k=5, extra_body={'top_k': 1})", "create(model=M, extra_body={'top_k': 5})"),
        # a value built at run time may be None, which `{**options}` cannot unpack
        ("create(model=M, top_k=5, extra_body=options)", 'create(model=M, extra_body={**(options or {}), "top_k": 5})'),
        ("create(model=M, top_k=5, extra_body=None)", 'create(model=M, extra_body={"top_k": 5})'),
        # not a mapping: no fix, the keys cannot be merged into it
        ("create(model=M, top_k=5, extra_body='x')", "create(model=M, top_k=5, extra_body='x')"),
        ("create(model=M, web_search_options={}, extra_body=[])", "create(model=M, web_search_options={}, extra_body=[])"),
        ("create(model=M, web_search_options={}, top_k=5)", 'create(model=M, extra_body={"enable_search": True, "top_k": 5})'),
        ("create(\n    model='m',\n    top_k=5,\n)", "create(\n    model='m',\n    extra_body={'top_k': 5},\n)"),
        ("create(\n    model=M,\n    top_k=5\n)", 'create(\n    model=M,\n    extra_body={"top_k": 5}\n)'),
    ],
)
def test_extra_body_merging(project, call, fixed):
    client = "import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv('DASHSCOPE_API_KEY'), base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1')\n"
    (project / "app.py").write_text(client + f"c.chat.completions.{call}\n")
    run("fix", "app.py")
    assert (project / "app.py").read_text() == client + f"c.chat.completions.{fixed}\n"


BASE_URL = "base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1'"


@pytest.mark.parametrize(
    "source, fixed",
    [
        # a module variable named os: the module is imported under another name
        (
            f"from openai import OpenAI\nos = 'linux'\nc = OpenAI({BASE_URL})\n",
            f"from openai import OpenAI\nimport os as _os\n\nos = 'linux'\nc = OpenAI({BASE_URL}, api_key=_os.getenv(\"DASHSCOPE_API_KEY\"))\n",
        ),
        # a parameter named os, the module imported as os at module level: the alias is added
        (
            f"import os\nfrom openai import OpenAI\ndef make(os):\n    return OpenAI({BASE_URL})\n",
            f"import os\nfrom openai import OpenAI\nimport os as _os\n\ndef make(os):\n    return OpenAI({BASE_URL}, api_key=_os.getenv(\"DASHSCOPE_API_KEY\"))\n",
        ),
        # the alias already imported: used as it is
        (
            f"import os as _os\nfrom openai import OpenAI\nfrom tools import os\nc = OpenAI({BASE_URL})\n",
            f"import os as _os\nfrom openai import OpenAI\nfrom tools import os\nc = OpenAI({BASE_URL}, api_key=_os.getenv(\"DASHSCOPE_API_KEY\"))\n",
        ),
        # os and _os both taken: no fix
        (
            f"from openai import OpenAI\nos = _os = 'linux'\nc = OpenAI({BASE_URL})\n",
            f"from openai import OpenAI\nos = _os = 'linux'\nc = OpenAI({BASE_URL})\n",
        ),
        # the module-level client, configured after the import
        (
            "import openai\nos = 'linux'\nopenai.chat.completions.create(model='qwen3.6-plus', messages=[])\n",
            "import openai\nimport os as _os\n\nopenai.base_url = \"https://dashscope-intl.aliyuncs.com/compatible-mode/v1/\"\n"
            "openai.api_key = _os.getenv(\"DASHSCOPE_API_KEY\")\nos = 'linux'\nopenai.chat.completions.create(model='qwen3.6-plus', messages=[])\n",
        ),
    ],
)
def test_the_key_is_read_through_a_name_bound_to_the_os_module(project, source, fixed):
    (project / "app.py").write_text(source)
    run("fix", "app.py")
    assert (project / "app.py").read_text() == fixed
    codes = [finding["code"] for finding in json.loads(run("check", "--format", "json", "app.py").output)["findings"]]
    assert ("QW102" in codes or "QW105" in codes) == (source == fixed)


def test_setting_the_module_level_base_url_alone_imports_nothing(project):
    source = "import openai\nopenai.api_key = load_key()\nopenai.chat.completions.create(model='qwen3.6-plus', messages=[])\n"
    (project / "app.py").write_text(source)
    run("fix", "app.py")
    assert (project / "app.py").read_text() == source.replace(
        "import openai\n", 'import openai\nopenai.base_url = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/"\n'
    )


AZURE_ARGUMENTS = 'azure_endpoint="https://acme.openai.azure.com", api_version="2024-06-01", api_key=os.getenv("DASHSCOPE_API_KEY")'
DASHSCOPE_ARGUMENTS = 'api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1"'


def test_the_azure_fix_leaves_another_openai_class_alone_and_drops_the_azure_import(project, monkeypatch):
    source = f"import os\nfrom langchain_openai import OpenAI\nfrom openai import AzureOpenAI\n\nllm = OpenAI()\nclient = AzureOpenAI({AZURE_ARGUMENTS})\n"
    (project / "app.py").write_text(source)
    assert run("fix", "--unsafe-fixes", "app.py").exit_code == 0
    fixed = (project / "app.py").read_text()
    assert fixed == f"import os\nfrom langchain_openai import OpenAI\nimport openai\n\nllm = OpenAI()\nclient = openai.OpenAI({DASHSCOPE_ARGUMENTS})\n"

    class LangChainOpenAI:
        pass

    monkeypatch.setitem(sys.modules, "langchain_openai", types.SimpleNamespace(OpenAI=LangChainOpenAI))
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test")
    namespace = {}
    exec(compile(fixed, "app.py", "exec"), namespace)
    assert type(namespace["llm"]) is LangChainOpenAI
    assert type(namespace["client"]) is openai.OpenAI


@pytest.mark.parametrize(
    "source, fixed",
    [
        (
            f"import os\nfrom openai import AzureOpenAI as Client\nclient = Client({AZURE_ARGUMENTS})\n",
            f"import os\nfrom openai import OpenAI\nclient = OpenAI({DASHSCOPE_ARGUMENTS})\n",
        ),
        # still used: the import stays
        (
            f"import os\nfrom openai import AzureOpenAI\nclient = AzureOpenAI({AZURE_ARGUMENTS})\nAZURE = isinstance(client, AzureOpenAI)\n",
            f"import os\nfrom openai import OpenAI, AzureOpenAI\nclient = OpenAI({DASHSCOPE_ARGUMENTS})\nAZURE = isinstance(client, AzureOpenAI)\n",
        ),
        # neither OpenAI nor openai reaches the SDK here: no fix
        (
            f"import os\nfrom openai import AzureOpenAI\nfrom langchain_openai import OpenAI\nopenai = None\nclient = AzureOpenAI({AZURE_ARGUMENTS})\n",
            f"import os\nfrom openai import AzureOpenAI\nfrom langchain_openai import OpenAI\nopenai = None\nclient = AzureOpenAI({AZURE_ARGUMENTS})\n",
        ),
    ],
)
def test_the_azure_fix_imports_what_it_uses(project, source, fixed):
    (project / "app.py").write_text(source)
    run("fix", "--unsafe-fixes", "app.py")
    assert (project / "app.py").read_text() == fixed


def test_unused_suppression_is_removed(project):
    source = "import openai\nx = 1  # noqa: QW208, E501\ny = 2  # qwen-migrate: ignore[QW203]  # old\n"
    (project / "app.py").write_text(source)
    run("fix", "app.py")
    assert (project / "app.py").read_text() == "import openai\nx = 1  # noqa: E501\ny = 2  # old\n"


def _count_parses(monkeypatch) -> list:
    """Count LibCST's parses of whole modules, wherever they are asked for."""
    calls = []
    real = libcst.parse_module

    def parse_module(source, *args, **kwargs):
        calls.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", parse_module)
    return calls


@pytest.mark.parametrize(
    "name, parses_then",
    [
        ("programs/chat_basic.py", 2),  # one pass of fixes: the file, then the fixed text (that parse proves it)
        ("migrated/assistant/service.py", 1),  # nothing to fix: the file alone
    ],
)
def test_each_pass_parses_the_file_once(monkeypatch, name, parses_then):
    data = (FIXTURES / name).read_bytes()
    calls = _count_parses(monkeypatch)
    outcome = fixer.Fixer(Checker(Settings())).fix_source(data, name)
    assert outcome.changed == (parses_then > 1)
    assert calls == [data, outcome.fixed][:parses_then]


def test_fix_diff_reuses_the_pre_pass_parse(project, monkeypatch):
    shutil.copy(FIXTURES / "programs" / "chat_basic.py", project / "app.py")
    calls = _count_parses(monkeypatch)
    result = run("fix", "--diff", "--jobs", "1", "app.py")
    assert result.exit_code == 1 and "+++ b/app.py" in result.output
    assert len(calls) == 2  # the pre-pass's parse, which the first pass analyses; the fixed text's


def _many_calls(changed_model: str) -> bytes:
    """A CRLF module of many calls, with odd spacing and comments; one call names `changed_model`."""
    lines = [
        "# -*- coding: utf-8 -*-",
        "import os",
        "from openai import OpenAI",
        "",
        "client = OpenAI(api_key=os.getenv('DASHSCOPE_API_KEY'),  base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1')",
    ]
    for n in range(30):
        model = changed_model if n == 17 else "qwen-plus"
        lines += [
            "",
            f"# question {n}\t(tabs, trailing spaces)   ",
            f"def ask_{n}( q ) :",
            f"    return client.chat.completions.create( model = '{model}' ,  # the model",
            "        messages=[ {'role':'user', 'content' : q} ], )",
        ]
    lines += ["", "x = [ask_0 ,ask_1]   # the end  "]
    return "\r\n".join(lines).encode() + b"\r\n"


def test_a_fix_in_one_statement_keeps_every_other_byte():
    source = _many_calls("gpt-4o")
    outcome = fixer.Fixer(Checker(Settings())).fix_source(source, "many.py")
    assert outcome.fixed == _many_calls("qwen3.6-plus")
    assert dict(outcome.fixed_codes) == {"QW210": 1}


def test_only_the_statement_that_holds_an_edit_is_transformed():
    from qwen_migrate.edits import apply_edits

    module, result = Checker(Settings()).analyse(_many_calls("gpt-4o"), "many.py")
    edited = apply_edits(module, [edit for finding in result.findings if finding.fix for edit in finding.fix.edits])
    rebuilt = [index for index, (before, after) in enumerate(zip(module.body, edited.body)) if before is not after]
    assert len(edited.body) == len(module.body)
    assert rebuilt == [3 + 17]  # the imports and the client come first


def test_an_added_import_rebuilds_only_the_head_of_the_module():
    from qwen_migrate.edits import apply_edits

    source = b"from openai import OpenAI\n\nclient = OpenAI(base_url='https://dashscope-intl.aliyuncs.com/compatible-mode/v1')\n"
    source += b"".join(b"\n\ndef f%d():\n    return %d\n" % (n, n) for n in range(5))
    module, result = Checker(Settings()).analyse(source, "head.py")
    edited = apply_edits(module, [edit for finding in result.findings if finding.fix for edit in finding.fix.edits])
    assert edited.code.startswith("from openai import OpenAI\nimport os\n\nclient = OpenAI(base_url=")
    assert all(before is after for before, after in zip(module.body[2:], edited.body[3:]))

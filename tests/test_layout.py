"""The package layout: imports point down, from the command line through the rules to the facts."""
import ast
from pathlib import Path

import pytest

from qwen_migrate.rules import ConfigRule, all_rules

PACKAGE = Path(__file__).resolve().parent.parent / "qwen_migrate"


def imports(path: Path) -> set[str]:
    """Every qwen_migrate module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return {name for name in found if name.startswith("qwen_migrate")}


@pytest.mark.parametrize("path", sorted((PACKAGE / "facts").glob("*.py")), ids=lambda path: path.name)
def test_facts_import_nothing_of_the_package(path):
    """But the OpenAI SDK's facts, which import nothing: dashscope.py tells OpenAI's hosts by them."""
    assert imports(path) - {"qwen_migrate.facts.openai_sdk", "qwen_migrate.facts.openai_sdk.OPENAI_HOST"} == set()


def test_openai_facts_are_not_defined_in_dashscope():
    """OpenAI's hosts, client options, request options and model names are openai_sdk's; dashscope.py
    keeps what DashScope accepts and which Qwen model replaces an OpenAI one."""
    tree = ast.parse((PACKAGE / "facts" / "dashscope.py").read_text(encoding="utf-8"))
    defined = {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets if isinstance(target, ast.Name)}
    defined |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    openai_side = {name for name in defined if any(word in name.lower() for word in ("openai", "sdk", "client_options", "credentials"))}
    assert openai_side == set()


@pytest.mark.parametrize("path", sorted((PACKAGE / "rules").glob("qw*.py")), ids=lambda path: path.stem)
def test_a_rule_imports_no_other_rule(path):
    assert {name for name in imports(path) if name.startswith("qwen_migrate.rules.qw")} == set()


def test_the_settings_do_not_import_the_rules():
    assert {name for name in imports(PACKAGE / "settings.py") if name.startswith("qwen_migrate.rules")} == set()


@pytest.mark.parametrize("path", sorted((PACKAGE / "rules").glob("*.py")), ids=lambda path: path.stem)
def test_a_rule_reads_the_analysis_model_only(path):
    """Rules judge what the analysis found (analysis.model), never how it walks or evaluates code."""
    analysis = {name for name in imports(path) if name.startswith("qwen_migrate.analysis")}
    assert all(name.startswith("qwen_migrate.analysis.model") for name in analysis), analysis


def test_a_configuration_file_rule_judges_a_pair_in_its_own_file():
    config_rules = [rule for rule in all_rules() if issubclass(rule, ConfigRule)]
    assert [rule.code for rule in config_rules] == ["QW801", "QW802", "QW803"]
    assert all("check_pair" in vars(rule) for rule in config_rules)


@pytest.mark.parametrize("path", sorted(set(PACKAGE.rglob("*.py")) - set((PACKAGE / "guard").glob("*.py")) - {PACKAGE / "pytest_plugin.py"}), ids=lambda path: path.relative_to(PACKAGE).as_posix())
def test_only_the_pytest_plugin_imports_the_runtime_guard(path):
    """The guard sits on top, beside the command line: it runs the rules, nothing it runs knows it."""
    assert {name for name in imports(path) if name.startswith("qwen_migrate.guard")} == set()

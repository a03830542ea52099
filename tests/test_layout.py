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
    assert imports(path) == set()


@pytest.mark.parametrize("path", sorted((PACKAGE / "rules").glob("qw*.py")), ids=lambda path: path.stem)
def test_a_rule_imports_no_other_rule(path):
    assert {name for name in imports(path) if name.startswith("qwen_migrate.rules.qw")} == set()


def test_the_settings_do_not_import_the_rules():
    assert {name for name in imports(PACKAGE / "config.py") if name.startswith("qwen_migrate.rules")} == set()


@pytest.mark.parametrize("path", sorted((PACKAGE / "rules").glob("*.py")), ids=lambda path: path.stem)
def test_a_rule_reads_the_analysis_model_only(path):
    """Rules judge what the analysis found (analysis.model), never how it walks or evaluates code."""
    analysis = {name for name in imports(path) if name.startswith("qwen_migrate.analysis")}
    assert all(name.startswith("qwen_migrate.analysis.model") for name in analysis), analysis


def test_a_configuration_file_rule_judges_a_pair_in_its_own_file():
    config_rules = [rule for rule in all_rules() if issubclass(rule, ConfigRule)]
    assert [rule.code for rule in config_rules] == ["QW801", "QW802", "QW803"]
    assert all("check_pair" in vars(rule) for rule in config_rules)

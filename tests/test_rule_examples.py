"""Every rule's embedded examples, run: VALID ones yield none of its findings, INVALID ones exactly theirs,
with the messages they pin."""
import pytest

from qwen_migrate.settings import Settings
from qwen_migrate.engine import Checker
from qwen_migrate.finding import FixSafety
from qwen_migrate.fixer import Fixer
from qwen_migrate.parsing import NotParsed
from qwen_migrate.rules import RefusedFileRule, all_rules, rule_by_code

from helpers import check, check_batch, check_config, covered_text


@pytest.fixture
def run_example(tmp_path):
    def run(rule, source):
        if rule.example_language == "jsonl":
            return check_batch(source, tmp_path)
        if rule.example_language == "dotenv":
            return check_config(source, tmp_path)
        return check(source)

    return run

VALID = [pytest.param(rule, source, id=f"{rule.code}-valid-{i}") for rule in all_rules() for i, source in enumerate(rule.VALID)]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}") for rule in all_rules() for i, example in enumerate(rule.INVALID)
]


@pytest.mark.parametrize("rule, source", VALID)
def test_valid_example_is_not_reported(rule, source, run_example):
    assert [f for f in run_example(rule, source) if f.code == rule.code] == []


@pytest.mark.parametrize("rule, example", INVALID)
def test_invalid_example_is_reported_where_expected(rule, example, run_example):
    findings = [f for f in run_example(rule, example.code) if f.code == rule.code]
    assert sorted((covered_text(example.code, f), f.message) for f in findings) == sorted(example.expected)
    for finding in findings:
        assert finding.name == rule.name


FIXED = [
    pytest.param(rule, example, id=f"{rule.code}-fixed-{i}")
    for rule in all_rules()
    for i, example in enumerate(rule.INVALID)
    if example.fixed is not None
]


class _OneRuleFixer(Fixer):
    """Applies only the fixes of one rule (unsafe ones included), with every rule enabled."""

    def __init__(self, code: str) -> None:
        super().__init__(Checker(Settings()), unsafe=True)
        self.code = code

    def applicable(self, finding) -> bool:
        return finding.code == self.code and super().applicable(finding)


@pytest.mark.parametrize("rule, example", FIXED)
def test_invalid_example_is_fixed_as_documented(rule, example):
    outcome = _OneRuleFixer(rule.code).fix_source(example.code.encode(), "example.py")
    assert outcome.fixed.decode() == example.fixed
    assert rule.code not in {f.code for f in outcome.remaining.findings}


def test_every_fixable_rule_documents_a_fix():
    for rule in all_rules():
        documented = any(example.fixed is not None for example in rule.INVALID)
        assert documented == (rule.fix_safety is not FixSafety.NONE), rule.code


def test_every_rule_has_examples_and_docs():
    for rule in all_rules():
        assert rule.VALID and rule.INVALID, rule.code
        headings = [heading for heading, _ in rule.sections()]
        assert headings == ["What it does", "Why is this bad?", "Fix safety"], rule.code
        assert rule.spec, rule.code


@pytest.mark.parametrize("code, name", [("QW001", "parse-error"), ("QW003", "file-not-analysed")])
def test_a_refused_file_is_reported_by_the_rule_its_refusal_names(code, name):
    finding = RefusedFileRule.finding_for("generated.py", NotParsed(code, "Not analysed: why", line=3, column=7))
    assert (finding.code, finding.name, finding.severity) == (code, name, rule_by_code(code).severity)
    assert (finding.path, finding.line, finding.column, finding.end_column, finding.message) == ("generated.py", 3, 7, 7, "Not analysed: why")

"""Every rule's embedded examples, run: VALID ones yield none of its findings, INVALID ones exactly theirs."""
import pytest

from qwen_migrate.rules import all_rules

from helpers import check, covered_text

VALID = [pytest.param(rule, source, id=f"{rule.code}-valid-{i}") for rule in all_rules() for i, source in enumerate(rule.VALID)]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}") for rule in all_rules() for i, example in enumerate(rule.INVALID)
]


@pytest.mark.parametrize("rule, source", VALID)
def test_valid_example_is_not_reported(rule, source):
    assert [f for f in check(source) if f.code == rule.code] == []


@pytest.mark.parametrize("rule, example", INVALID)
def test_invalid_example_is_reported_where_expected(rule, example):
    findings = [f for f in check(example.code) if f.code == rule.code]
    assert sorted(covered_text(example.code, f) for f in findings) == sorted(example.expected)
    for finding in findings:
        assert finding.name == rule.name
        assert finding.message


def test_every_rule_has_examples_and_docs():
    for rule in all_rules():
        assert rule.VALID and rule.INVALID, rule.code
        headings = [heading for heading, _ in rule.sections()]
        assert headings == ["What it does", "Why is this bad?", "Fix safety"], rule.code
        assert rule.spec, rule.code

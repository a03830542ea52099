"""The registry against the rule catalogue (a copy of shared/RULES.md in tests/data): codes, severities and fix safety agree."""
import re
from pathlib import Path


from qwen_migrate.rules import all_rules

CATALOGUE = Path(__file__).resolve().parent / "data" / "RULES.md"


def catalogue_rows():
    rows = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| (QW\d{3}) \| ([\w-]+) \| ([\w/]+) \| ([\w ]+) \|", line)
        if match:
            code, name, severity, fix = match.groups()
            rows[code] = (name, severity, fix.split()[0])
    return rows


def test_rules_match_the_catalogue():
    rows = catalogue_rows()
    for rule in all_rules():
        assert rule.code in rows, f"{rule.code} is not in the catalogue"
        name, severity, fix = rows[rule.code]
        assert rule.name == name
        # "error/warning" rows have a finding-level severity; the rule's default is the first
        assert rule.severity.value == severity.split("/")[0]
        if fix != "see":
            assert rule.fix_safety.value == fix, rule.code

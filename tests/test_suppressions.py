"""`# noqa: QW…` and `# qwen-migrate: ignore[QW…]` on the reported line, and QW002 for stale ones."""
import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from qwen_migrate.settings import Settings
from qwen_migrate.rules.qw002_unused_suppression import UnusedSuppression
from qwen_migrate import engine
from qwen_migrate.suppressions import might_suppress, suppression_comments

from helpers import check, codes

CLIENT = """\
import os
from openai import OpenAI
client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
"""


def call(comment: str, arguments: str = "store=True") -> str:
    return CLIENT + f'client.chat.completions.create(model="qwen3.6-plus", messages=[], {arguments})  {comment}\n'


@pytest.mark.parametrize(
    "comment",
    [
        "# noqa: QW208",
        "# noqa:QW208",
        "# NOQA: E501, QW208",
        "# qwen-migrate: ignore[QW208]",
        "# qwen-migrate: ignore[QW203, QW208]  # why",
        "# QWEN-MIGRATE: Ignore[qw208]",  # the grammar ignores case
    ],
)
def test_suppression_forms(comment):
    found = codes(call(comment, "store=True, tool_choice='required'"))
    assert "QW208" not in found and "QW002" not in found
    assert ("QW203" in found) == ("QW203" not in comment)


def test_listed_codes_only():
    assert codes(call("# noqa: QW208", "store=True, tool_choice='required'")) == ["QW203"]


def test_bare_noqa_does_not_silence_our_codes():
    assert codes(call("# noqa")) == ["QW208"]


def test_suppression_on_another_line_does_not_count():
    source = CLIENT + "# noqa: QW208\n" + 'client.chat.completions.create(model="qwen3.6-plus", messages=[], store=True)\n'
    assert sorted(codes(source)) == ["QW002", "QW208"]


def test_unused_suppression_points_at_the_comment():
    source = call("# noqa: QW208, QW203, E501")
    findings = check(source)
    assert [(f.code, f.message) for f in findings] == [("QW002", "Unused suppression of QW203")]
    assert findings[0].fix.description == "Remove QW203 from the suppression comment"


def test_suppression_of_a_disabled_rule_is_not_judged():
    assert codes(call("# noqa: QW208, QW203"), Settings(ignore=("QW203",))) == []


def test_unknown_code_is_unused():
    assert codes(call("# noqa: QW208, QW999")) == ["QW002"]


def test_text_inside_strings_is_not_a_comment():
    source = CLIENT + 'client.chat.completions.create(model="qwen3.6-plus", messages=["# noqa: QW208"], store=True)\n'
    assert codes(source) == ["QW208"]


@pytest.mark.parametrize(
    "continued",
    [
        # the line of the finding ends inside a multi-line string, then inside another one
        'client.chat.completions.create(model="qwen3.6-plus", store=True, messages=["""one\ntwo""", """three\nfour"""])',
        # ... or with a backslash
        'reply = \\\n    client.chat.completions.create(model="qwen3.6-plus", messages=[], store=True) if ok else \\\n    None',
    ],
)
def test_a_line_that_cannot_end_with_a_comment_is_suppressed_where_its_statement_continues(continued):
    assert codes(CLIENT + continued + "  # noqa: QW208\n") == []
    # only there: the statement's other lines do not stand for it
    assert sorted(codes(CLIENT + continued + "\n# noqa: QW208\n")) == ["QW002", "QW208"]


def test_qw002_judges_which_codes_of_a_comment_suppressed_nothing():
    module = MetadataWrapper(cst.parse_module("x = 1  # noqa: QW208, QW206, QW999\n"))
    positions = module.resolve(PositionProvider)
    comments = suppression_comments(module.module)
    findings = list(UnusedSuppression.check_comments("a.py", comments, positions, used={(1, "QW208")}, enabled={"QW208", "QW002"}))
    # QW206 did not run here, so whether it suppressed something cannot be told; QW999 is no rule of ours
    assert [(f.code, f.line, f.message) for f in findings] == [("QW002", 1, "Unused suppression of QW999")]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("x = 1  # noqa: E501\n", False),  # another tool's code
        ("x = 1  # noqa\n", False),  # a bare noqa silences none of ours
        ("x = 1  # noqa:\n# QW208 = 1\n", False),  # a comment ends with its line
        ("x = 1  # noqa:E501,QW208\n", True),
        ("x = 1  # Qwen-Migrate: ignore[qw208]\n", True),
        ('x = "# qwen-migrate: ignore[a"  # qwen-migrate: ignore[QW208]\n', True),  # a "#" in a string before it
        ("# -*- coding: latin-1 -*-\nx = '\xe9'  # noqa:\xa0QW208\n", True),  # decoded as its cookie says
        ('x = "# noqa: QW208"\n', True),  # which "#" starts a comment, the walk says
    ],
)
def test_might_suppress_only_a_file_with_a_directive_that_names_our_codes(source, expected):
    data = source.encode("latin-1" if "latin-1" in source else "utf-8")
    assert might_suppress(data) is expected


def test_a_file_whose_directives_name_no_code_of_ours_is_not_walked_for_them(monkeypatch):
    def walked(module):
        raise AssertionError("walked for suppression comments")

    monkeypatch.setattr(engine, "suppression_comments", walked)
    assert codes(call("# noqa: E501")) == ["QW208"]
    assert codes(call("# noqa")) == ["QW208"]


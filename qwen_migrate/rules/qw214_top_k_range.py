from textwrap import dedent
from typing import Any, Iterator, Optional

import libcst as cst

from qwen_migrate.analysis.model import CallSite
from qwen_migrate.settings import Settings
from qwen_migrate.facts.dashscope import TOP_K_RANGE
from qwen_migrate.finding import FixSafety, Severity, Violation
from qwen_migrate.request import static_value
from qwen_migrate.rules import DASHSCOPE_CLIENT, CallRule, Invalid


class TopKRange(CallRule):
    """
    ## What it does
    Reports a `top_k` that is no integer in DashScope's range (0, 100], such as `500` or `50.0`: in
    `extra_body`, as a keyword argument (which QW209 moves into `extra_body` unchanged), or at the
    top of a batch request body.

    ## Why is this bad?
    The spec gives `top_k` the type Integer and the range (0, 100]: DashScope rejects the request
    with any other value, a float included, after the move into `extra_body` as before it.

    ## Fix safety
    There is no fix: choose a value from 1 to 100 (or leave `top_k` out for the model's default).
    """

    code = "QW214"
    name = "top-k-range"
    severity = Severity.ERROR
    fix_safety = FixSafety.NONE
    spec = 'Chat Completions › "Qwen-specific parameters" (top_k: range (0, 100])'
    VALID = [
        DASHSCOPE_CLIENT + dedent("""\
            client.chat.completions.create(model="qwen3.6-plus", messages=messages, extra_body={"top_k": 50})
            """),
    ]
    INVALID = [
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, extra_body={"top_k": 500})
                """),
            at='"top_k": 500',
            message="top_k=500 is outside DashScope's range (0, 100]",
        ),
        Invalid(
            DASHSCOPE_CLIENT + dedent("""\
                client.chat.completions.create(model="qwen3.6-plus", messages=messages, extra_body={"top_k": 0})
                """),
            at='"top_k": 0',
            message="top_k=0 is outside DashScope's range (0, 100]",
        ),
    ]

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        arguments = call.arguments
        if "top_k" in arguments:  # a keyword argument before QW209's fix, or a request body's field
            yield from self._judge(arguments.value("top_k"), arguments.where("top_k"))
        extra_body = arguments.value("extra_body")
        if isinstance(extra_body, dict) and "top_k" in extra_body:
            element = _element(arguments.expression("extra_body"), "top_k")
            yield from self._judge(extra_body["top_k"], element or arguments.where("extra_body"))

    @staticmethod
    def _judge(top_k: Any, where: Any) -> Iterator[Violation]:
        if isinstance(top_k, bool) or not isinstance(top_k, (int, float)):
            return
        low, high = TOP_K_RANGE
        if isinstance(top_k, float):
            yield Violation(where, f"top_k={top_k} is no integer: DashScope takes an integer in ({low}, {high}]")
        elif not low < top_k <= high:
            yield Violation(where, f"top_k={top_k} is outside DashScope's range ({low}, {high}]")


def _element(expression: Optional[cst.BaseExpression], key: str) -> Optional[cst.DictElement]:
    """The element of a dict literal that sets `key`, where the dict is written out."""
    if isinstance(expression, cst.Dict):
        for element in expression.elements:
            if isinstance(element, cst.DictElement) and static_value(element.key) == key:
                return element
    return None

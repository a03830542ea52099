"""Two views of one request: the keyword arguments of an SDK call, and the JSON body sent over HTTP.

Rules read parameters through this interface only, so the same rule judges a call in code, a
request body in a batch input file, and a request seen at run time (qwen_migrate.guard).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Optional, Union

import libcst as cst


class _Marker:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


MISSING = _Marker("MISSING")  # the parameter is not sent
DYNAMIC = _Marker("DYNAMIC")  # the value is not known statically


def static_value(node: cst.BaseExpression) -> Any:
    """The Python value of a literal expression; DYNAMIC where any part of it is not static.

    Containers keep DYNAMIC markers for their unknown parts, so `{"type": "function", "function":
    spec}` still tells its type; a starred element or a `**` entry makes the whole container DYNAMIC.
    """
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return DYNAMIC if value is None else value
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        value = static_value(node.expression)
        return -value if isinstance(value, (int, float)) else DYNAMIC
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        if any(isinstance(e, cst.StarredElement) for e in node.elements):
            return DYNAMIC
        return [static_value(e.value) for e in node.elements]
    if isinstance(node, cst.Dict):
        result = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return DYNAMIC
            key = static_value(element.key)
            if key is DYNAMIC or isinstance(key, (list, dict)):  # a tuple key reads as a list
                return DYNAMIC
            result[key] = static_value(element.value)
        return result
    return DYNAMIC


def environment_variable(node: cst.BaseExpression) -> Optional[str]:
    """The variable that `os.getenv("X")`, `os.environ.get("X")` or `os.environ["X"]` reads."""
    literal = environment_literal(node)
    return None if literal is None else literal.evaluated_value


def environment_literal(node: cst.BaseExpression) -> Optional[cst.SimpleString]:
    """The string literal naming the variable in `os.getenv("X")`, `os.environ["X"]`, ..."""
    if isinstance(node, cst.Call) and node.args:
        func = node.func
        reads_env = (isinstance(func, cst.Name) and func.value == "getenv") or (
            isinstance(func, cst.Attribute)
            and (
                func.attr.value == "getenv"
                or (func.attr.value == "get" and dotted_name(func.value) in ("environ", "os.environ"))
            )
        )
        if reads_env and isinstance(node.args[0].value, cst.SimpleString):
            return node.args[0].value
    if isinstance(node, cst.Subscript) and dotted_name(node.value) in ("environ", "os.environ"):
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            key = node.slice[0].slice.value
            return key if isinstance(key, cst.SimpleString) else None
    return None


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


@dataclass(frozen=True)
class DictEntry:
    """A parameter set in a dict that the call unpacks: `params = {"store": True}; create(**params)`;
    or given by the partial the call goes through: `ask = partial(create, store=True); ask()`."""

    value: cst.BaseExpression
    where: cst.CSTNode  # the dict element, the `params["store"]` target, or the keyword of update() or partial()
    maybe: bool = False  # set on some paths only (under an `if`, in a loop, ...)
    # the dict literal that holds it as an element, or the partial(...) call that holds it as a keyword
    container: Optional[Union[cst.Dict, cst.Call]] = None


@dataclass(frozen=True)
class KeywordArguments:
    """The keyword arguments of a call. SDK methods and client constructors are keyword-only.

    Parameters unpacked from dicts the analysis could follow are `entries`; `has_splat` says that
    some `*`/`**` argument could not be followed, so that any parameter may hide in it. `constants`
    maps names used as values (`model=MODEL`) to the literal they stand for.
    """

    keywords: dict[str, cst.Arg]
    has_splat: bool
    entries: dict[str, DictEntry] = field(default_factory=dict)
    constants: dict[cst.CSTNode, cst.BaseExpression] = field(default_factory=dict)
    call: Optional[cst.Call] = None
    editable: frozenset = frozenset()  # dict literals seen whole and unpacked by this call only
    # the values another module of the project defines (an imported constant's literal, the values
    # of an imported dict), read from the project index: findings about them are that module's
    elsewhere: frozenset = frozenset()
    # the SDK's method takes them: Qwen-only parameters must travel in extra_body, and the SDK's
    # defaults are sent (not so for a framework that forwards unknown keywords in extra_body itself)
    through_sdk: bool = True

    @classmethod
    def of(cls, call: cst.Call) -> "KeywordArguments":
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        return cls(keywords, any(arg.star for arg in call.args))

    def __contains__(self, name: str) -> bool:
        return name in self.keywords or name in self.entries

    def names(self) -> Iterator[str]:
        return iter([*self.keywords, *(name for name in self.entries if name not in self.keywords)])

    def is_keyword(self, name: str) -> bool:
        """Written as a keyword argument of the call itself (keyword edits apply to it)."""
        return name in self.keywords

    def expression(self, name: str) -> Optional[cst.BaseExpression]:
        """The parameter's value as written: the literal a constant stands for, where there is one."""
        if name in self.keywords:
            value = self.keywords[name].value
        elif name in self.entries:
            value = self.entries[name].value
        else:
            return None
        return self.constants.get(value, value)

    def value(self, name: str) -> Any:
        """The static value of a parameter, MISSING when surely absent, DYNAMIC when not known."""
        expression = self.expression(name)
        if expression is not None:
            return static_value(expression)
        return DYNAMIC if self.has_splat else MISSING

    def missing(self, name: str) -> bool:
        return self.value(name) is MISSING

    def maybe(self, name: str) -> bool:
        return name not in self.keywords and name in self.entries and self.entries[name].maybe

    def where(self, name: str) -> cst.CSTNode:
        """What a finding about this parameter points at: the literal a constant stands for, else
        the keyword, or the dict key."""
        written = self.keywords[name].value if name in self.keywords else self.entries[name].value
        if written in self.constants:
            return self.constants[written]
        return self.keywords[name] if name in self.keywords else self.entries[name].where

    def _editable_entry(self, name: str) -> Optional[DictEntry]:
        entry = self.entries.get(name)
        return entry if entry is not None and entry.container in self.editable and not entry.maybe else None

    def remove(self, name: str):
        """The edit that removes the parameter: its keyword, or its key in a dict this call alone unpacks."""
        from qwen_migrate.edits import RemoveDictElement, RemoveKeyword

        if name in self.keywords:
            return RemoveKeyword(self.call, name)
        entry = self._editable_entry(name)
        if entry is None:
            return None
        return RemoveKeyword(entry.container, name) if isinstance(entry.container, cst.Call) else RemoveDictElement(entry.container, entry.where)

    def rename(self, name: str, new_name: str):
        from qwen_migrate.edits import RenameDictKey, RenameKeyword

        if name in self.keywords:
            return RenameKeyword(self.call, name, new_name)
        entry = self._editable_entry(name)
        if entry is None:
            return None
        if isinstance(entry.container, cst.Call):
            return RenameKeyword(entry.container, name, new_name)
        return RenameDictKey(entry.container, entry.where, new_name)

    def move_to_extra_body(self, name: str, entries: tuple):
        """The edit that replaces the parameter by `entries` (key, value) in `extra_body`: among the
        call's keywords, or in the dict literal (or the partial) the parameter comes from.

        None where the result would fail at run time: an `extra_body` given elsewhere (a keyword
        beside the dict, another dict) would be passed twice, and the SDK merges `extra_body` into
        the body as a mapping, so a value known to be neither a dict nor None cannot take the keys.
        """
        from qwen_migrate.edits import MoveToExtraBody

        existing = self.value("extra_body")
        if not (existing is MISSING or existing is DYNAMIC or existing is None or isinstance(existing, dict)):
            return None
        if name in self.keywords:
            target = self.call
        else:
            entry = self._editable_entry(name)
            target = entry.container if entry is not None else None
        if "extra_body" in self.keywords:
            holder = self.call
        elif "extra_body" in self.entries:
            holder = self.entries["extra_body"].container  # None when set by `params["extra_body"] = ...`
        else:
            holder = target
        if target is None or holder is not target:
            return None
        return MoveToExtraBody(target, entries, (name,))

    def written_at(self, name: str) -> cst.CSTNode:
        """Where the call names the parameter: its keyword, or the dict key it unpacks."""
        return self.keywords[name] if name in self.keywords else self.entries[name].where

    def environment_literal(self, name: str) -> Optional[cst.SimpleString]:
        arg = self.keywords.get(name)
        return None if arg is None else environment_literal(self.constants.get(arg.value, arg.value))

    def through_name(self, name: str) -> bool:
        """Whether the keyword's value is a name (or attribute) that stands for the one value it was bound to."""
        arg = self.keywords.get(name)
        return arg is not None and arg.value in self.constants

    def dotted_name(self, name: str) -> Optional[str]:
        """The value's name when it is a plain name or attribute (`Answer`, `models.Answer`)."""
        arg = self.keywords.get(name)
        return None if arg is None else dotted_name(arg.value)

    def environment_variable(self, name: str) -> Optional[str]:
        """The environment variable a keyword's value is read from, if it is read that way."""
        arg = self.keywords.get(name)
        return None if arg is None else environment_variable(self.constants.get(arg.value, arg.value))


@dataclass(frozen=True)
class BodyField:
    """A top-level field of a request body: where a finding about a body parameter points."""

    name: str


@dataclass(frozen=True)
class BodyArguments:
    """The JSON body of a request: every value is known, and Qwen-only fields stand at the top. A
    field set to null is one left out, as DashScope takes it (frameworks send `"stop": null` and the
    like with every request)."""

    body: dict[str, Any]
    # the headers a request seen at run time was sent with (only those rules read, never a key):
    # what the SDK's `extra_headers` and the client's default headers came to
    headers: Optional[dict[str, str]] = None
    through_sdk = False
    elsewhere: frozenset = frozenset()  # a body holds every value itself

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", {name: value for name, value in self.body.items() if value is not None})

    def __contains__(self, name: str) -> bool:
        return name in self.body

    def names(self) -> Iterator[str]:
        return iter(self.body)

    def value(self, name: str) -> Any:
        if name == "extra_headers" and self.headers is not None:
            return self.headers
        return self.body.get(name, MISSING)

    def missing(self, name: str) -> bool:
        return name not in self.body

    def where(self, name: str) -> BodyField:
        return BodyField(name)

    def maybe(self, name: str) -> bool:
        return False

    # A body has no source to edit: check-batch and the runtime guard report, they do not fix.
    def remove(self, name: str) -> None:
        return None

    def rename(self, name: str, new_name: str) -> None:
        return None

    def move_to_extra_body(self, name: str, entries: tuple) -> None:
        return None

    def expression(self, name: str) -> None:
        """A body has no source to edit: check-batch and the runtime guard report, they do not fix."""
        return None

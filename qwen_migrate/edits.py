"""Edits that fixes make, and the one transformer that applies all the edits chosen for a file.

An edit names the node it changes in the parsed tree, so edits from several findings combine in a
single pass: several keyword changes on one call, keys from two rules merged into one `extra_body`.
Everything the edits do not name is left as it was, byte for byte.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import libcst as cst

from qwen_migrate.analysis.walk import descendants


@dataclass(frozen=True)
class Text:
    """A string literal to write, in the quote style of the string it replaces or of its call."""

    value: str


Value = Union[str, Text, cst.BaseExpression]  # code, a string literal, or an expression of the file


@dataclass(frozen=True)
class SetKeyword:
    """Give a call's keyword this value: replace it when present, add it at the end when not."""

    call: cst.Call
    name: str
    value: Value


@dataclass(frozen=True)
class RemoveKeyword:
    call: cst.Call
    name: str


@dataclass(frozen=True)
class RenameKeyword:
    call: cst.Call
    name: str
    new_name: str


@dataclass(frozen=True)
class MoveToExtraBody:
    """Set keys of `extra_body` (merging with an existing one) and drop the parameters they came
    from: in a call's keywords, or in a dict literal of parameters (its "extra_body" key)."""

    call: Union[cst.Call, cst.Dict]
    entries: tuple[tuple[str, Value], ...]
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoveDictElement:
    dict: cst.Dict
    element: cst.DictElement


@dataclass(frozen=True)
class RenameDictKey:
    dict: cst.Dict
    element: cst.DictElement
    new_key: str


@dataclass(frozen=True)
class ReplaceNode:
    node: cst.CSTNode
    value: Value


@dataclass(frozen=True)
class InsertAfter:
    """Statements to add after the simple statement that holds `node` (an import, say)."""

    node: cst.CSTNode
    statements: tuple[str, ...]


@dataclass(frozen=True)
class AddImport:
    module: str
    name: Optional[str] = None  # None: `import module`
    asname: Optional[str] = None


@dataclass(frozen=True)
class RemoveUnusedImport:
    """Drop `name` (or `name as asname`) from `from module import ...` if nothing uses it after the edits."""

    module: str
    name: str
    asname: Optional[str] = None


@dataclass(frozen=True)
class EditComment:
    """Rewrite a comment; None removes it with the spaces before it."""

    comment: cst.Comment
    text: Optional[str]


Edit = Union[
    SetKeyword, RemoveKeyword, RenameKeyword, MoveToExtraBody, RemoveDictElement, RenameDictKey, ReplaceNode, InsertAfter, AddImport, RemoveUnusedImport, EditComment
]


def apply_edits(module: cst.Module, edits: Sequence[Edit]) -> cst.Module:
    """The module with every edit applied, in one pass (imports added, then unused ones removed, after).

    Only the top-level statements that hold an edited node go through the transformer: the module
    keeps every other statement as it is (the same node), as rebuilding them costs far more than
    the edits. Imports are added by looking at the head of the module only, where they go; only
    removing an unused import needs the whole module (whether anything still uses the name).
    """
    if not edits:
        return module
    by_statement = _edits_by_statement(module.body, [edit for edit in edits if _target(edit) is not None])
    body = []
    for statement in module.body:
        held = by_statement.get(statement)
        body.extend(_edited_statement(statement, held) if held else [statement])
    updated = module.with_changes(body=body)
    imports = [edit for edit in edits if isinstance(edit, AddImport)]
    removals = [edit for edit in edits if isinstance(edit, RemoveUnusedImport)]
    if imports or removals:
        # Imported here: libcst.codemod loads libcst.matchers, which costs more than a check's start-up.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

        context = CodemodContext()
        for edit in imports:
            AddImportsVisitor.add_needed_import(context, edit.module, edit.name, edit.asname)
        # AddImportsVisitor reads and changes only a docstring, the imports after it and the
        # statement after those (which may get an empty line before it): the head is enough.
        head = _head_length(updated.body)
        with_imports = AddImportsVisitor(context).transform_module(updated.with_changes(body=updated.body[:head]))
        updated = updated.with_changes(body=[*with_imports.body, *updated.body[head:]])
        for edit in removals:  # only where no use is left, after every edit (a suppressed finding keeps its use)
            RemoveImportsVisitor.remove_unused_import(context, edit.module, edit.name, edit.asname)
        if removals:
            updated = RemoveImportsVisitor(context).transform_module(updated)
    return updated


def _target(edit: Edit) -> Optional[cst.CSTNode]:
    """The node of the file an edit changes (None: an import, which has none)."""
    if isinstance(edit, (SetKeyword, RemoveKeyword, RenameKeyword, MoveToExtraBody)):
        return edit.call
    if isinstance(edit, (RemoveDictElement, RenameDictKey)):
        return edit.dict
    if isinstance(edit, (ReplaceNode, InsertAfter)):
        return edit.node
    if isinstance(edit, EditComment):
        return edit.comment
    return None


def _edits_by_statement(body: Sequence[cst.CSTNode], edits: Sequence[Edit]) -> dict[cst.CSTNode, list[Edit]]:
    """The edits grouped by the top-level statement that holds their node. The statements are
    walked through their children's fields (analysis/walk.py), which reads the tree without
    rebuilding it as a visitor would, and only until every edited node is found."""
    pending: dict[cst.CSTNode, list[Edit]] = defaultdict(list)
    for edit in edits:
        pending[_target(edit)].append(edit)
    grouped: dict[cst.CSTNode, list[Edit]] = {}
    for statement in body:
        if not pending:
            break
        for node in descendants(statement):
            found = pending.pop(node, None)
            if found is not None:
                grouped.setdefault(statement, []).extend(found)
            if not pending:
                break
    return grouped


def _edited_statement(statement: cst.CSTNode, edits: Sequence[Edit]) -> Sequence[cst.CSTNode]:
    """The statement with its edits applied: one statement, or more when statements are inserted after it."""
    return cst.Module(body=[statement]).visit(_EditTransformer(edits)).body


def _head_length(body: Sequence[cst.CSTNode]) -> int:
    """How many statements make the head of a module: the first one (a docstring, or `__strict__`),
    the import lines after it, and the statement after those."""
    imports = 1
    while imports < len(body) and _is_import_line(body[imports]):
        imports += 1
    return min(imports + 1, len(body))


def _is_import_line(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
    )


@dataclass
class _DictPlan:
    removed: set = field(default_factory=set)  # elements, and keys
    renamed: dict = field(default_factory=dict)  # element -> new key
    extra_body: dict[str, Value] = field(default_factory=dict)


@dataclass
class _CallPlan:
    values: dict[str, Value] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)
    extra_body: dict[str, Value] = field(default_factory=dict)


class _EditTransformer(cst.CSTTransformer):
    def __init__(self, edits: Sequence[Edit]) -> None:
        super().__init__()
        self.calls: dict[cst.Call, _CallPlan] = defaultdict(_CallPlan)
        self.dicts: dict[cst.Dict, _DictPlan] = defaultdict(_DictPlan)
        self.replacements: dict[cst.CSTNode, Value] = {}
        self.inserts: dict[cst.CSTNode, list[str]] = defaultdict(list)  # by the node inside the statement
        self.comments: dict[cst.Comment, Optional[str]] = {}
        for edit in edits:
            if isinstance(edit, SetKeyword):
                self.calls[edit.call].values[edit.name] = edit.value
            elif isinstance(edit, RemoveKeyword):
                self.calls[edit.call].removed.add(edit.name)
            elif isinstance(edit, RenameKeyword):
                self.calls[edit.call].renamed[edit.name] = edit.new_name
            elif isinstance(edit, MoveToExtraBody):
                plan = self.dicts[edit.call] if isinstance(edit.call, cst.Dict) else self.calls[edit.call]
                plan.extra_body.update(edit.entries)
                plan.removed.update(edit.removed)
            elif isinstance(edit, RemoveDictElement):
                self.dicts[edit.dict].removed.add(edit.element)
            elif isinstance(edit, RenameDictKey):
                self.dicts[edit.dict].renamed[edit.element] = edit.new_key
            elif isinstance(edit, ReplaceNode):
                self.replacements[edit.node] = edit.value
            elif isinstance(edit, InsertAfter):
                self.inserts[edit.node] += [s for s in edit.statements if s not in self.inserts[edit.node]]
            elif isinstance(edit, EditComment):
                self.comments[edit.comment] = edit.text

    def visit_Module(self, node: cst.Module) -> None:
        self._enclosing: list[cst.CSTNode] = []  # the statements around the node being visited, innermost last
        self._holders: dict[cst.CSTNode, cst.CSTNode] = {}  # a node of `inserts` -> the innermost statement that holds it

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._enclosing.append(node)
        if node in self.inserts:
            self._holders[node] = self._enclosing[-1]
        return super().on_visit(node)

    def _inserts_after(self, statement: cst.CSTNode) -> list[str]:
        grouped: list[str] = []
        for inner, statements in self.inserts.items():
            if self._holders.get(inner) is statement:
                grouped += [s for s in statements if s not in grouped]
        return grouped

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        updated = super().on_leave(original_node, updated_node)
        if original_node in self.replacements:
            return _expression(self.replacements[original_node], like=original_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._enclosing.pop()
            inserts = self._inserts_after(original_node)
            if inserts:
                return cst.FlattenSentinel([updated, *(cst.parse_statement(code) for code in inserts)])
        return updated

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        plan = self.dicts.get(original_node)
        return updated_node if plan is None else _apply_dict_plan(original_node, updated_node, plan)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        plan = self.calls.get(original_node)
        return updated_node if plan is None else _apply_call_plan(original_node, updated_node, plan)

    # comments

    def leave_TrailingWhitespace(self, original_node: cst.TrailingWhitespace, updated_node: cst.TrailingWhitespace):
        comment = original_node.comment
        if comment is None or comment not in self.comments:
            return updated_node
        text = self.comments[comment]
        if text is None:
            return updated_node.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        return updated_node.with_changes(comment=cst.Comment(text))



# ---- keyword arguments ---------------------------------------------------------------------------


def _apply_call_plan(original: cst.Call, call: cst.Call, plan: _CallPlan) -> cst.Call:
    args = []
    for arg in call.args:
        name = _keyword_of(arg)
        if name in plan.removed:
            continue
        if name in plan.values:
            arg = arg.with_changes(value=_expression(plan.values[name], like=arg.value, call=original))
        if name in plan.renamed:
            arg = arg.with_changes(keyword=cst.Name(plan.renamed[name]))
        args.append(arg)
    if call.args and args and _keyword_of(call.args[-1]) in plan.removed:
        # the last argument went: the new last one takes its comma and the spacing before ")"
        last = call.args[-1]
        args[-1] = args[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
    present = {arg.keyword.value for arg in args if arg.keyword is not None}
    for name, value in plan.values.items():
        if name not in present:
            args = _append_arg(call, args, _keyword(name, _expression(value, call=original)))
    if plan.extra_body:
        args = _merge_extra_body(call, original, args, plan.extra_body)
    return call.with_changes(args=args)


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def _keyword_of(arg: cst.Arg) -> Optional[str]:
    return arg.keyword.value if arg.keyword is not None else None


def _without_comment(whitespace):
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=whitespace.first_line.with_changes(comment=None, whitespace=cst.SimpleWhitespace("")))
    return whitespace


def _separator(items: Sequence, opening) -> cst.Comma:
    """The comma that stands between two items (arguments, dict entries) in this bracket.

    Copied from the items' own commas, or from the space after the opening bracket when each item
    stands on its own line; never with a comment, which belongs to its line.
    """
    for item in items[:-1]:
        if isinstance(item.comma, cst.Comma):
            return item.comma.with_changes(whitespace_after=_without_comment(item.comma.whitespace_after))
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=_without_comment(opening))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _append_arg(call: cst.Call, args: list[cst.Arg], new: cst.Arg) -> list[cst.Arg]:
    if not args:
        return [new]
    last = args[-1]
    separator = _separator(args, call.whitespace_before_args)
    new = new.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
    return [*args[:-1], last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace("")), new]


def _merge_extra_body(call: cst.Call, original: cst.Call, args: list[cst.Arg], entries: dict[str, Value]) -> list[cst.Arg]:
    new_elements = [
        cst.DictElement(_expression(Text(key), call=original), _expression(value, call=original)) for key, value in entries.items()
    ]
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == "extra_body":
            return [*args[:index], arg.with_changes(value=_merged_extra_body(arg.value, new_elements)), *args[index + 1 :]]
    return _append_arg(call, args, _keyword("extra_body", _dict(new_elements)))


def _merged_extra_body(existing: cst.BaseExpression, new_elements: list[cst.DictElement]) -> cst.Dict:
    """The value of `extra_body` with the new keys: merged into a dict literal, in place of None.

    Any other value is built at run time, and the SDK takes it as None (no extra body) or as a
    mapping that it unpacks into the request body; `{**(existing or {}), "key": value}` keeps the
    keys of either (`{**None}` would raise TypeError).
    """
    if isinstance(existing, cst.Dict):
        return _merge_dict(existing, new_elements)
    if isinstance(existing, cst.Name) and existing.value == "None":
        return _dict(new_elements)
    either = cst.BooleanOperation(existing, cst.Or(), cst.Dict([]), lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return _dict([cst.StarredDictElement(either), *new_elements])


def _key_of(element) -> Optional[str]:
    return element.key.evaluated_value if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) else None


def _apply_dict_plan(original: cst.Dict, updated: cst.Dict, plan: _DictPlan) -> cst.Dict:
    """A dict literal of request parameters, edited like the keywords of a call."""
    elements = []
    for before, element in zip(original.elements, updated.elements):
        if before in plan.removed or _key_of(before) in plan.removed:
            continue
        if before in plan.renamed:
            element = element.with_changes(key=cst.SimpleString(_quoted(plan.renamed[before], _quote_of(before.key) or '"')))
        elements.append(element)
    if elements and original.elements and (original.elements[-1] in plan.removed or _key_of(original.elements[-1]) in plan.removed):
        elements[-1] = elements[-1].with_changes(comma=original.elements[-1].comma)  # keep the trailing style
    edited = updated.with_changes(elements=elements)
    if not plan.extra_body:
        return edited
    new = [cst.DictElement(_expression(Text(key), like=_first_key(original)), _expression(value)) for key, value in plan.extra_body.items()]
    for index, element in enumerate(elements):
        if _key_of(element) == "extra_body":
            elements[index] = element.with_changes(value=_merged_extra_body(element.value, new))
            return edited.with_changes(elements=elements)
    return _merge_dict(edited, [cst.DictElement(_expression(Text("extra_body"), like=_first_key(original)), _dict(new))])


def _first_key(node: cst.Dict) -> Optional[cst.CSTNode]:
    return next((element.key for element in node.elements if isinstance(element, cst.DictElement)), None)


def _dict(elements: list) -> cst.Dict:
    spaced = [e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in elements[:-1]]
    return cst.Dict([*spaced, elements[-1]])


def _merge_dict(existing: cst.Dict, new_elements: list[cst.DictElement]) -> cst.Dict:
    new_by_key = {_key_of(e): e for e in new_elements}
    elements = [
        e.with_changes(value=new_by_key.pop(_key_of(e)).value) if _key_of(e) in new_by_key else e for e in existing.elements
    ]
    for element in new_by_key.values():
        if not elements:
            elements = [element]
            continue
        last = elements[-1]
        separator = _separator(elements, existing.lbrace.whitespace_after)
        elements = [*elements[:-1], last.with_changes(comma=separator), element.with_changes(comma=last.comma)]
    return existing.with_changes(elements=elements)


# ---- values --------------------------------------------------------------------------------------


def _expression(value: Value, like: Optional[cst.CSTNode] = None, call: Optional[cst.Call] = None) -> cst.BaseExpression:
    if isinstance(value, cst.BaseExpression):
        return value
    if isinstance(value, Text):
        return cst.SimpleString(_quoted(value.value, _quote_of(like) or _quote_in(call) or '"'))
    return cst.parse_expression(value)


def _quote_of(node: Optional[cst.CSTNode]) -> Optional[str]:
    if isinstance(node, cst.SimpleString) and node.prefix == "":
        return node.quote if len(node.quote) == 1 else None
    return None


class _FirstQuote(cst.CSTVisitor):
    def __init__(self) -> None:
        self.quote: Optional[str] = None

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.quote = self.quote or _quote_of(node)


def _quote_in(call: Optional[cst.Call]) -> Optional[str]:
    """The quote of the first plain string literal in the call, if any."""
    if call is None:
        return None
    finder = _FirstQuote()
    call.visit(finder)
    return finder.quote


def _quoted(text: str, quote: str) -> str:
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{escaped}{quote}"

"""The one walk over a module's syntax tree: what names are bound to, every attribute call, the
returns of functions and what happens to dicts of parameters, with where each stands.

LibCST's QualifiedNameProvider resolves imports, not instances, and its scope metadata costs more
than parsing, so one light visitor records imports, assignments, classes and calls; flow.py resolves
the names after the walk (a function may use a module-level client that is assigned further down).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst

from qwen_migrate.analysis.model import ModuleContext, Origin
from qwen_migrate.analysis.walk import walk
from qwen_migrate.facts.openai_sdk import CLIENT_CLASSES, LEGACY_V0_SYMBOLS
from qwen_migrate.request import dotted_name, static_value


def collect(module: cst.Module, context: ModuleContext) -> Collector:
    """The one walk over the syntax tree; its result serves both passes over a project."""
    collector = Collector(context)
    walk(module, collector)
    return collector


@dataclass(frozen=True)
class Place:
    """Where a call or a dict event stands: its number in source order, and the conditional blocks
    (if/else, loops, try, match) around it, to tell "before" and "on every path"."""

    seq: int
    blocks: tuple[int, ...]

    def on_every_path_to(self, later: Place) -> bool:
        """What happens here reaches `later` on every path when the blocks around it are around `later` too."""
        return later.blocks[: len(self.blocks)] == self.blocks


# What a name can be bound to; flow.py tells what each stands for, lazily, when a name is looked up.
# The module, a client class, a function of ours, a class and a module import are values as they
# stand: flow.py hands them on as the values of expressions too.


@dataclass(frozen=True, eq=False)
class Expression:
    """The value of an expression, evaluated where it stands."""

    value: cst.BaseExpression
    scope: Scope


@dataclass(frozen=True)
class OpenAIModule:
    """The openai module (`import openai`)."""


@dataclass(frozen=True)
class ClientClass:
    """An SDK client class, by its canonical name (`from openai import Client` is "OpenAI")."""

    name: str


@dataclass(frozen=True)
class LegacySymbol:
    """A pre-1.0 API object (`from openai import ChatCompletion`)."""

    symbol: str


@dataclass(frozen=True, eq=False)
class Annotated:
    """A client known only by its annotation (a parameter, an attribute, `x: OpenAI = ...`)."""

    node: cst.CSTNode
    annotation: cst.BaseExpression
    scope: Scope


@dataclass(frozen=True)
class Function:
    """A function of ours (or a lambda), whose calls return what it returns."""

    node: Union[cst.FunctionDef, cst.Lambda]


@dataclass(frozen=True, eq=False)
class Parameter:
    """A parameter without an annotation: what the calls of its function pass there (flow.py reads
    every call of the function it can see)."""

    function: Union[cst.FunctionDef, cst.Lambda]
    name: str
    position: Optional[int]  # among what a call passes by position (after self or cls); None: keyword-only
    default: Optional[cst.BaseExpression]
    scope: Scope  # where the function is defined, and its default evaluated
    place: Optional[Place]  # where the def (or lambda) stands, where its default is evaluated; None in a lambda


@dataclass(frozen=True, eq=False)
class LocalClass:
    """A class of this module, or `self`/`cls` in its methods: the same attributes matter."""

    scope: Scope


@dataclass(frozen=True)
class ProjectImport:
    """`from <module> import <name>` of anything but the SDK: perhaps a module of the project."""

    origin: Origin


@dataclass(frozen=True)
class ModuleImport:
    """`import <module>` of anything but the SDK, or a module reached through a package: perhaps a
    module of the project."""

    name: str


@dataclass(frozen=True, eq=False)
class Element:
    """A loop's target: an item of what it iterates (`for client in clients`)."""

    iterable: cst.BaseExpression
    scope: Scope


@dataclass(frozen=True)
class Unknown:
    """Anything we do not follow (it shadows what was imported)."""


Source = Union[Expression, OpenAIModule, ClientClass, LegacySymbol, Annotated, Function, Parameter, LocalClass, ProjectImport, ModuleImport, Element, Unknown]


# What happens to a name that may hold request parameters, in source order.


@dataclass(frozen=True, eq=False)
class DictBound:
    """`params = {...}`; `value` is None where the name is bound to what we do not read (a loop target)."""

    value: Optional[cst.BaseExpression]
    place: Place


@dataclass(frozen=True, eq=False)
class KeySet:
    """`params["store"] = True`."""

    key: str
    value: cst.BaseExpression
    node: cst.Subscript
    place: Place


@dataclass(frozen=True, eq=False)
class DictMerged:
    """`params |= {...}`."""

    value: cst.BaseExpression
    place: Place


@dataclass(frozen=True, eq=False)
class DictUpdated:
    """`params.update({...})` or `params.update(key=value)`."""

    call: cst.Call
    place: Place


DictEvent = Union[DictBound, KeySet, DictMerged, DictUpdated]


@dataclass(frozen=True, eq=False)
class AttributeAssignment:
    """`self.x = ...` or `openai.x = ...`: what flow.py learns once it knows what the target's base is."""

    target: cst.Attribute
    source: Source
    statement: cst.CSTNode
    scope: Scope


class Scope:
    """A module, class or function body, and what each name is bound to in it."""

    def __init__(self, kind: str, parent: Optional["Scope"]) -> None:
        self.kind = kind  # "module", "class" or "function"
        self.parent = parent
        self.names: dict[str, list[Source]] = defaultdict(list)
        # class scopes: the names of base classes (instance attributes are flow's: they depend on it)
        self.bases: list[cst.BaseExpression] = []
        self.parameters: set[str] = set()  # function scopes: what a caller binds

    def lookup(self, name: str) -> list[Source]:
        """What the name is bound to; [] when unbound."""
        sources = self.binding(name)
        return [] if sources is None else sources

    def binding(self, name: str) -> Optional[list[Source]]:
        """Python's lexical lookup: local, enclosing functions, module; class bodies are skipped.
        None when no scope binds the name."""
        scope: Optional[Scope] = self
        while scope is not None:
            if (scope is self or scope.kind != "class") and name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def means(self, name: str, imported: str) -> bool:
        """Whether `name`, looked up here, is `imported` ("os", "openai.OpenAI") once a module-level
        import binds it: nothing binds it on the way there, or only imports of that very thing."""
        sources = self.binding(name)
        return sources is None or (bool(sources) and all(_import_path(source) == imported for source in sources))


def _import_path(source: Source) -> Optional[str]:
    """What an import bound a name to, dotted ("os", "openai.OpenAI"); None for any other binding."""
    if isinstance(source, OpenAIModule):
        return "openai"
    if isinstance(source, ClientClass):
        return f"openai.{source.name}"
    if isinstance(source, ModuleImport):
        return source.name
    if isinstance(source, ProjectImport):
        return f"{source.origin.module}.{source.origin.name}"
    return None


class Collector(cst.CSTVisitor):
    def __init__(self, context: ModuleContext) -> None:
        self.context = context
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self.calls: list[tuple[cst.Call, Scope]] = []
        # Where each call and each dict event stands (a Place).
        self.seq = 0
        self.blocks: list[int] = []
        self.places: dict[cst.CSTNode, Place] = {}
        self.branches: set[int] = set()  # the nodes that open a block (see _branches)
        self.loops: set[int] = set()  # of those, the loop bodies: they run again after their end
        self.alternatives: dict[int, int] = {}  # of those, the if/else, except/else, case: -> their statement
        # Where each binding of a name or attribute stands (by the id of the Source it appended):
        # a use of the name in the same scope sees only the bindings that may reach it.
        self.binding_places: dict[int, Place] = {}
        self.lambdas = 0  # how many lambdas the walk is in
        self.in_lambdas: set[cst.Call] = set()  # calls made when a lambda is called, not where they stand
        # what happens to names that may hold request parameters: (scope, name) -> events
        self.dict_events: dict[tuple[Scope, str], list[DictEvent]] = defaultdict(list)
        self.return_places: dict[cst.CSTNode, Place] = {}  # by the returned value
        self.attribute_assignments: list[AttributeAssignment] = []
        self.returns: dict[Union[cst.FunctionDef, cst.Lambda], list[tuple[cst.BaseExpression, Scope]]] = defaultdict(list)
        self.function_stack: list[cst.FunctionDef] = []
        self.lambda_names: dict[cst.Lambda, set[str]] = defaultdict(set)  # what a lambda is called by: `ask = lambda ...`
        self.classes: dict[str, Scope] = {}
        self.openai_import: Optional[tuple[cst.Import, str]] = None  # the first `import openai` at module level
        # names (or attribute names) of containers whose items are written or added to anywhere in the
        # module (`registry["x"] = ...`, `clients.append(...)`): what they hold is not only their display
        self.grown: set[str] = set()

    # imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            if alias.asname is not None:
                bound = dotted_name(alias.asname.name)
                source = OpenAIModule() if name == "openai" else ModuleImport(name)
            else:
                bound = name.split(".")[0]
                source = OpenAIModule() if bound == "openai" else ModuleImport(bound)
            self.scope.names[bound].append(source)
            if isinstance(source, OpenAIModule) and self.scope is self.module_scope and self.openai_import is None:
                self.openai_import = (node, bound)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted_name(node.module) if node.module is not None else None
        from_openai = not node.relative and module is not None and module.split(".")[0] == "openai"
        absolute = self.context.absolute(module, len(node.relative))
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            bound = dotted_name(alias.asname.name) if alias.asname else name
            if from_openai and name in CLIENT_CLASSES:
                source = ClientClass(CLIENT_CLASSES[name])
            elif module == "openai" and name in LEGACY_V0_SYMBOLS:  # openai.types.* are v1 models
                source = LegacySymbol(name)
            elif absolute is not None and not from_openai:
                source = ProjectImport(Origin(absolute, name))
            else:
                source = Unknown()
            self.scope.names[bound].append(source)

    # scopes
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        scope = Scope("class", self.scope)
        self.scope.names[node.name.value].append(LocalClass(scope))
        scope.bases = [arg.value for arg in node.bases]
        if self.scope is self.module_scope:
            self.classes[node.name.value] = scope
        self.scope = scope

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        enclosing = self.scope
        enclosing.names[node.name.value].append(Function(node))
        decorators = {dotted_name(d.decorator) for d in node.decorators}
        self.scope = self._function_scope(node, enclosing, enclosing.kind == "class" and "staticmethod" not in decorators, self._place(node))
        self.function_stack.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope = self.scope.parent
        self.function_stack.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        enclosing = self.scope
        self.scope = self._function_scope(node, enclosing, is_method=False, place=None if self.lambdas else self._place(node))
        self.returns[node].append((node.body, self.scope))
        self.lambdas += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.scope = self.scope.parent
        self.lambdas -= 1

    def _function_scope(self, node: Union[cst.FunctionDef, cst.Lambda], enclosing: Scope, is_method: bool, place: Optional[Place]) -> Scope:
        """The scope of a function's body, with its parameters bound: the first of a method to its
        class, the others to their annotation and default (evaluated where the def stands), or to
        what callers pass (their default where a call passes nothing)."""
        scope = Scope("function", enclosing)
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        stars = [star for star in (node.params.star_arg, node.params.star_kwarg) if isinstance(star, cst.Param)]
        scope.parameters = {param.name.value for param in [*params, *stars]}
        positional = len(node.params.posonly_params) + len(node.params.params)
        for index, param in enumerate(params):
            if is_method and index == 0:
                scope.names[param.name.value].append(LocalClass(enclosing))
                continue
            sources = scope.names[param.name.value]
            if param.annotation is None:
                position = index - is_method if index < positional else None
                sources.append(Parameter(node, param.name.value, position, param.default, enclosing, place))
                continue
            sources.append(Annotated(param, param.annotation.annotation, enclosing))
            if param.default is not None:
                default = Expression(param.default, enclosing)
                sources.append(default)
                if place is not None:
                    self.binding_places[id(default)] = place
        return scope

    def _place(self, node: cst.CSTNode) -> Place:
        self.seq += 1
        self.places[node] = Place(self.seq, tuple(self.blocks))
        return self.places[node]

    def _enter_block(self, node: cst.CSTNode) -> None:
        self.blocks.append(id(node))

    def _leave_block(self, original_node: cst.CSTNode) -> None:
        self.blocks.pop()

    # A block is one branch: the body of an if, each elif and else, of a loop, of a try and each of
    # its handlers, of each case. The branches of one statement are blocks side by side, not one
    # inside the other, so what an if's body binds is not taken to stand on every path to its else.
    def _branches(self, *nodes: Optional[cst.CSTNode], alternatives: Optional[cst.CSTNode] = None) -> None:
        """`alternatives`: the statement of which at most one of these branches runs."""
        for node in nodes:
            if node is not None:
                self.branches.add(id(node))
                if alternatives is not None:
                    self.alternatives[id(node)] = id(alternatives)

    def _enter_branch(self, node: cst.CSTNode) -> None:
        if id(node) in self.branches:
            self._enter_block(node)

    def _leave_branch(self, original_node: cst.CSTNode) -> None:
        if id(original_node) in self.branches:
            self._leave_block(original_node)

    def visit_If(self, node: cst.If) -> None:
        self._enter_branch(node)  # an elif
        self._branches(node.body, node.orelse, alternatives=node)

    def visit_While(self, node: cst.While) -> None:
        self.loops.add(id(node.body))
        self._branches(node.body, node.orelse)

    def visit_Try(self, node: Union[cst.Try, cst.TryStar]) -> None:
        self._branches(node.body)  # `finally` runs on every path
        self._branches(*node.handlers, node.orelse, alternatives=node)  # the body may run, in part, before any

    visit_TryStar = visit_Try

    def visit_Match(self, node: cst.Match) -> None:
        self._branches(*node.cases, alternatives=node)

    visit_Else = visit_IndentedBlock = visit_SimpleStatementSuite = visit_ExceptHandler = visit_ExceptStarHandler = _enter_branch
    visit_MatchCase = _enter_branch
    leave_If = leave_Else = leave_IndentedBlock = leave_SimpleStatementSuite = leave_ExceptHandler = _leave_branch
    leave_ExceptStarHandler = leave_MatchCase = _leave_branch
    visit_IfExp = _enter_block
    leave_IfExp = _leave_block

    def visit_Return(self, node: cst.Return) -> None:
        place = self._place(node)
        if self.function_stack and node.value is not None:
            self.returns[self.function_stack[-1]].append((node.value, self.scope))
            self.return_places[node.value] = place

    # bindings
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value, node)
            subscript = target.target
            if isinstance(subscript, cst.Subscript):
                self._grow(subscript.value)
            if isinstance(subscript, cst.Subscript) and isinstance(subscript.value, cst.Name) and len(subscript.slice) == 1:
                index = subscript.slice[0].slice
                key = static_value(index.value) if isinstance(index, cst.Index) else None
                if isinstance(key, str):  # params["store"] = True
                    event = KeySet(key, node.value, subscript, self._place(node))
                    self.dict_events[(self.scope, subscript.value.value)].append(event)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, (cst.BitOrAssign, cst.AddAssign)):
            self._grow(node.target)
        if isinstance(node.operator, cst.BitOrAssign) and isinstance(node.target, cst.Name):  # params |= {...}
            self.dict_events[(self.scope, node.target.value)].append(DictMerged(node.value, self._place(node)))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value, node)
        annotated = Annotated(node, node.annotation.annotation, self.scope)
        if isinstance(node.target, cst.Name):
            self.scope.names[node.target.value].append(annotated)
        elif isinstance(node.target, cst.Attribute):
            self.attribute_assignments.append(AttributeAssignment(node.target, annotated, node, self.scope))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, node.value, node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, node.item, node)

    def visit_For(self, node: cst.For) -> None:
        self.loops.add(id(node.body))
        self._branches(node.body, node.orelse)
        self._enter_block(node.body)  # the target is bound in the loop, on its paths only
        if isinstance(node.target, cst.Name):  # an item of what it iterates
            source = Element(node.iter, self.scope)
            self.scope.names[node.target.value].append(source)
            place = self._place(node)
            self.binding_places[id(source)] = place
            self.dict_events[(self.scope, node.target.value)].append(DictBound(None, place))
        else:
            self._bind(node.target, None, node)
        self._leave_block(node.body)

    def _grow(self, container: cst.BaseExpression) -> None:
        if isinstance(container, cst.Name):
            self.grown.add(container.value)
        elif isinstance(container, cst.Attribute):
            self.grown.add(container.attr.value)

    def _bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], statement: cst.CSTNode) -> None:
        if isinstance(target, (cst.Name, cst.Attribute)) and isinstance(value, cst.Lambda):  # `ask = lambda cli, q: ...`
            self.lambda_names[value].add(target.value if isinstance(target, cst.Name) else target.attr.value)
        if isinstance(target, cst.Name):
            source = Expression(value, self.scope) if value is not None else Unknown()
            self.scope.names[target.value].append(source)
            place = self._place(statement)
            self.binding_places[id(source)] = place
            self.dict_events[(self.scope, target.value)].append(DictBound(value, place))
        elif isinstance(target, cst.Attribute) and value is not None:
            source = Expression(value, self.scope)
            self.binding_places[id(source)] = self._place(statement)
            self.attribute_assignments.append(AttributeAssignment(target, source, statement, self.scope))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, None, statement)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, (cst.Attribute, cst.Name, cst.Call)):  # a call of a call: `partial(...)(...)`
            self.calls.append((node, self.scope))
            self._place(node)
            if self.lambdas:
                self.in_lambdas.add(node)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "update" and isinstance(func.value, cst.Name):
            self.dict_events[(self.scope, func.value.value)].append(DictUpdated(node, self.places[node]))
        if isinstance(func, cst.Attribute) and func.attr.value in _GROWING:
            self._grow(func.value)


_GROWING = frozenset({"append", "extend", "insert", "update", "setdefault", "add"})  # methods that add items

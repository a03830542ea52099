"""What values reach a module's SDK calls: the evaluator over what collect.py recorded. It follows
names, attributes, calls of our functions and their returns, imports from the project, dicts a call
unpacks with `**`, and the constants a parameter names; then it builds the ResolvedModule.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union

import libcst as cst

from qwen_migrate.analysis.collect import (
    Annotated,
    ClientClass,
    Collector,
    DictBound,
    DictEvent,
    DictMerged,
    Expression,
    Function,
    KeySet,
    LegacySymbol,
    LocalClass,
    ModuleImport,
    OpenAIModule,
    Place,
    ProjectImport,
    Scope,
    Source,
    collect,
)
from qwen_migrate.analysis.model import (
    CallSite,
    Client,
    ClientBinding,
    LegacyUse,
    ModuleClient,
    ModuleContext,
    Origin,
    ProjectIndex,
    ResolvedModule,
)
from qwen_migrate.facts.openai_sdk import (
    CLIENT_CLASSES,
    CLIENT_COPIES,
    CLIENT_RESOURCES,
    LEGACY_V0_METHODS,
    LEGACY_V0_SETTINGS,
    LEGACY_V0_SYMBOLS,
    MODULE_CLIENT_SETTINGS,
    RESPONSE_VIEWS,
)
from qwen_migrate.request import DictEntry, KeywordArguments, dotted_name, environment_literal, static_value


def resolve(module: cst.Module, context: Optional[ModuleContext] = None, collected: Optional[Collector] = None) -> ResolvedModule:
    """Clients and calls of a module. With a context whose index is set, names imported from other
    modules of the project are followed; without an index, what the module exports is collected.
    `collected`: the module's walk, when it was made already (it does not depend on the index)."""
    context = context or ModuleContext("__main__")
    return _Resolver(collected or collect(module, context), context).resolve()


@dataclass(frozen=True)
class _LegacyRef:
    path: tuple[str, ...]  # ("ChatCompletion", "create")


@dataclass(frozen=True)
class _ResourceRef:
    """A resource of a client, or one of its methods: `client.chat.completions`."""

    client: Client
    path: tuple[str, ...]


@dataclass(frozen=True)
class _ImportedRef:
    """First pass: a name imported from the project, and the attributes taken of it so far."""

    origin: Origin
    path: tuple[str, ...]


@dataclass(frozen=True)
class _ImportedFactory:
    origin: Origin


@dataclass(frozen=True)
class _ImportedClass:
    origin: Origin


_MAX_DEPTH = 25  # how deep one resolution may follow names, attributes and returns


class _Resolver:
    def __init__(self, collected: Collector, context: ModuleContext) -> None:
        self.collected = collected
        self.context = context
        self.index = context.index
        self.imported_uses: list[tuple[Origin, tuple[str, ...]]] = []
        self.asked: set[Origin] = set()  # the names imported from the project that were followed
        # `self.<name> = ...` in the methods of a class: (class scope, name) -> sources
        self.instance_attributes: dict[tuple[Scope, str], list[Source]] = defaultdict(list)
        # by constructor or annotated node; by origin, the one binding for a client of another module
        self.bindings: dict[Union[cst.CSTNode, Origin], ClientBinding] = {}
        self.module_client: Optional[ModuleClient] = None
        self.legacy: list[LegacyUse] = []
        self._memo: dict[tuple[int, int, Optional[Place]], list] = {}
        self._active: set[tuple[int, int, Optional[Place]]] = set()

    def resolve(self) -> ResolvedModule:
        self._collect_attribute_assignments()
        calls = []
        for node, scope in self.collected.calls:
            self._values(node, scope, 0, self._call_place(node))  # every constructor call makes a client, used here or not
            call = self._call_site(node, scope)
            if call is not None:
                calls.append(call)
                for client in call.clients:
                    client.calls.append(call)
        self._mark_editable(calls)
        exports = self._exports()
        clients = list(self.bindings.values())
        return ResolvedModule(
            clients, self.module_client, calls, self.legacy, exports, self.imported_uses, frozenset(self.asked)
        )

    def _exports(self) -> ProjectIndex:
        """The module's clients, factories and client-typed classes, as other modules see them;
        with the project index known, the bindings learn what other modules use them for."""
        exports = ProjectIndex(modules={self.context.name})
        scope = self.collected.module_scope
        for name, sources in scope.names.items():
            origin = Origin(self.context.name, name)
            values = [v for source in sources for v in self._source_values(source, 0)]
            built: list[ClientBinding] = []  # the clients the name stands for, for their base URL
            for value in values:
                if isinstance(value, ClientBinding) and value.origin is None:
                    exports.clients[origin] = value.class_name
                    self._add_external_uses(value, origin)
                elif isinstance(value, Function):
                    for binding in self._returned(value.node, 0):
                        exports.factories[origin] = binding.class_name
                        if binding.origin is None:
                            self._add_external_uses(binding, origin)
                        built.append(binding)
                if isinstance(value, ClientBinding):
                    built.append(value)
            base_urls = {binding.base_url for binding in built}
            if len(base_urls) == 1 and isinstance(next(iter(base_urls)), str):  # the same on every path
                exports.base_urls[origin] = base_urls.pop()
            attributes = self._typed_attributes(name)
            if attributes:
                exports.classes[origin] = attributes
        return exports

    def _add_external_uses(self, binding: ClientBinding, origin: Origin) -> None:
        if self.index is not None:
            binding.external_apis = binding.external_apis | frozenset(self.index.uses.get(origin, ()))

    def _typed_attributes(self, class_name: str) -> dict[str, str]:
        """The client-typed attributes of a class of this module (`client: OpenAI` in a dataclass)."""
        class_scope = self.collected.classes.get(class_name)
        if class_scope is None:
            return {}
        attributes = {}
        for name, sources in class_scope.names.items():
            for source in sources:
                if isinstance(source, Annotated):
                    classes = self._annotation_classes(source.annotation, source.scope, 0)
                    if classes:
                        attributes[name] = classes[0]
        return attributes

    def _collect_attribute_assignments(self) -> None:
        for assignment in self.collected.attribute_assignments:
            name = assignment.target.attr.value
            statement = assignment.statement
            for base in self._values(assignment.target.value, assignment.scope, 0):
                if isinstance(base, LocalClass):
                    self.instance_attributes[(base.scope, name)].append(assignment.source)
                elif isinstance(base, OpenAIModule) and isinstance(statement, cst.Assign):
                    if name in LEGACY_V0_SETTINGS:
                        self.legacy.append(LegacyUse(statement, name))
                    elif name in MODULE_CLIENT_SETTINGS:
                        self._module_client().settings[name].append(statement)

    def _module_client(self) -> ModuleClient:
        if self.module_client is None:
            node, name = self.collected.openai_import or (None, "openai")
            self.module_client = ModuleClient(node, name, scope=self.collected.module_scope)
        return self.module_client

    def _call_site(self, node: cst.Call, scope: Scope) -> Optional[CallSite]:
        """The SDK call that `node` is: a call of a method of a client resource (or a v0 API object)."""
        callees = self._values(node.func, scope, 0, self._call_place(node))
        methods = [v for v in callees if isinstance(v, _ResourceRef) and len(v.path) >= 2]
        if methods:
            clients = tuple(dict.fromkeys(m.client for m in methods))  # one client may be reached twice
            return CallSite(node, ".".join(methods[0].path), clients, self._arguments(node, scope))
        for imported in (v for v in callees if isinstance(v, _ImportedRef)):
            path = tuple(name for name in imported.path if name not in RESPONSE_VIEWS)
            if len([name for name in path if name != "()"]) >= 2:  # `client.chat.completions.create`
                self.imported_uses.append((imported.origin, path))
        legacy = [v for v in callees if isinstance(v, _LegacyRef) and v.path[-1] in LEGACY_V0_METHODS]
        if legacy:
            self.legacy.append(LegacyUse(node, ".".join(legacy[0].path)))
        return None

    def _call_place(self, node: cst.Call) -> Optional[Place]:
        """Where a call's names are looked up: where it stands; in a lambda, which may be called
        after any of the bindings, nowhere in particular (a name means all its bindings)."""
        return None if node in self.collected.in_lambdas else self.collected.places[node]

    @staticmethod
    def _mark_editable(calls: list[CallSite]) -> None:
        """A dict literal of parameters is edited by fixes only when one SDK call alone unpacks it."""
        users: dict[cst.Dict, set] = defaultdict(set)
        for call in calls:
            for entry in call.arguments.entries.values():
                if entry.container is not None:
                    users[entry.container].add(call.node)
        for call in calls:
            mine = frozenset(e.container for e in call.arguments.entries.values() if e.container is not None and len(users[e.container]) == 1)
            if mine:
                call.arguments = dataclasses.replace(call.arguments, editable=mine)

    # ---- what a call's parameters are: keywords, dicts it unpacks, constants ----------------------

    def _arguments(self, call: cst.Call, scope: Scope) -> KeywordArguments:
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        entries: dict[str, DictEntry] = {}
        unresolved = any(arg.star == "*" for arg in call.args)
        for arg in call.args:
            if arg.star == "**":
                found = self._dict_entries(arg.value, scope, self.collected.places.get(call), 0)
                if found is None:
                    unresolved = True
                else:
                    entries.update(found)
        values = [arg.value for arg in keywords.values()] + [entry.value for entry in entries.values()]
        return KeywordArguments(keywords, unresolved, entries, self._constants(values, scope), call)

    def _constructor_arguments(self, call: cst.Call, scope: Scope) -> KeywordArguments:
        """A client constructor's keywords, with the one value each name among them stands for
        (`api_key=api_key` after `api_key = os.environ["OPENAI_API_KEY"]`); `**` is not followed."""
        arguments = KeywordArguments.of(call)
        constants = self._constants([arg.value for arg in arguments.keywords.values()], scope)
        return dataclasses.replace(arguments, constants=constants) if constants else arguments

    def _constants(self, values: list[cst.BaseExpression], scope: Scope) -> dict[cst.CSTNode, cst.BaseExpression]:
        """Of the parameters' values, the names that stand for one literal (see `_literal`), with it."""
        return {value: literal for value in values for literal in [self._literal(value, scope)] if literal is not None}

    def _dict_entries(self, node: cst.BaseExpression, scope: Scope, place: Optional[Place], depth: int) -> Optional[dict[str, DictEntry]]:
        """The parameters a `**` argument unpacks, or None when they cannot all be known."""
        if depth > 2:
            return None
        if isinstance(node, cst.Dict):
            entries = {}
            for element in node.elements:
                key = static_value(element.key) if isinstance(element, cst.DictElement) else None
                if not isinstance(key, str):
                    return None
                entries[key] = DictEntry(element.value, element, container=node)
            return entries
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
            if all(arg.keyword is not None for arg in node.args):
                return {arg.keyword.value: DictEntry(arg.value, arg) for arg in node.args}
            return None
        if isinstance(node, cst.Name):
            return self._named_dict(node.value, scope, place, depth)
        if isinstance(node, cst.Call):  # `**self._params()`, `**build()`: what the function returns, one level deep
            functions = [v for v in self._values(node.func, scope, 0) if isinstance(v, Function)]
            returns = self.collected.returns.get(functions[0].node, []) if len(functions) == 1 else []
            if len(returns) == 1:
                value, function_scope = returns[0]
                return self._dict_entries(value, function_scope, self.collected.return_places.get(value), depth + 1)
        return None

    def _named_dict(self, name: str, scope: Scope, place: Optional[Place], depth: int) -> Optional[dict[str, DictEntry]]:
        """A dict bound to a name: its last binding before `place`, and what is added to it after."""
        owner = scope
        while owner is not None and (owner.kind == "class" and owner is not scope or name not in owner.names):
            owner = owner.parent
        if owner is None:
            return None
        events = self.collected.dict_events.get((owner, name), [])
        if owner is scope and place is not None:  # in the same function: only what happens before the call
            events = [event for event in events if event.place.seq < place.seq and self._may_precede(event.place, place)]
        binds = [event for event in events if isinstance(event, DictBound)]
        if not binds or binds[-1].value is None:
            return None
        bind = binds[-1]
        if owner is scope and place is not None and not bind.place.on_every_path_to(place):
            entries = self._branch_dicts(name, owner, binds, events, place, depth)
        else:
            entries = self._dict_entries(bind.value, owner, bind.place, depth + 1)
        if entries is None:
            return None
        for event in events:
            if event.place.seq <= bind.place.seq or isinstance(event, DictBound):
                continue
            maybe = place is not None and owner is scope and not event.place.on_every_path_to(place)
            if isinstance(event, KeySet):
                entries[event.key] = DictEntry(event.value, event.node, maybe)
            else:
                added = self._added_entries(event, owner, depth)
                if added is None:
                    return None
                entries.update({key: dataclasses.replace(e, maybe=maybe or e.maybe) for key, e in added.items()})
        return entries

    def _branch_dicts(
        self, name: str, owner: Scope, binds: list[DictBound], events: list[DictEvent], place: Place, depth: int
    ) -> Optional[dict[str, DictEntry]]:
        """The parameters of a dict bound on branches before the call (`extra = {}`, then
        `if n: extra = {"dimensions": n}`; or one dict on each side of an if): a key some of the
        dicts set is set on some paths only, a key none sets is absent. None when the name may hold
        anything else (bound otherwise too, or changed between the bindings), or a key is set by
        several of the dicts (which one a fix should edit, we cannot tell)."""
        dominating = [bind for bind in binds if bind.place.on_every_path_to(place)]
        if dominating:
            reaching = binds[binds.index(dominating[-1]) :]
        elif name not in owner.parameters and len(owner.names[name]) == len([e for e in self.collected.dict_events[(owner, name)] if isinstance(e, DictBound)]):
            reaching = binds  # only these bind it: every path that reaches the call went through one
        else:
            return None  # a parameter, an import: the call may see what the function was given
        if any(not isinstance(event, DictBound) and reaching[0].place.seq < event.place.seq < reaching[-1].place.seq for event in events):
            return None
        dicts = [self._dict_entries(bind.value, owner, bind.place, depth + 1) if bind.value is not None else None for bind in reaching]
        if any(found is None for found in dicts):
            return None
        entries: dict[str, DictEntry] = {}
        for found in dicts:
            for key, entry in found.items():
                if key in entries:
                    return None
                entries[key] = dataclasses.replace(entry, maybe=True)
        return entries

    def _added_entries(self, event: DictEvent, scope: Scope, depth: int) -> Optional[dict[str, DictEntry]]:
        if isinstance(event, DictMerged):
            return self._dict_entries(event.value, scope, None, depth + 1)
        call = event.call  # params.update({...}) or params.update(key=value)
        entries: dict[str, DictEntry] = {}
        for arg in call.args:
            if arg.keyword is not None:
                entries[arg.keyword.value] = DictEntry(arg.value, arg)
            else:
                found = self._dict_entries(arg.value, scope, None, depth + 1) if not arg.star else None
                if found is None:
                    return None
                entries.update(found)
        return entries

    def _literal(self, node: cst.BaseExpression, scope: Scope) -> Optional[cst.BaseExpression]:
        """The one string literal, or read of an environment variable, a name or attribute stands
        for (a model name, a URL, `os.environ["OPENAI_API_KEY"]`): a module constant, a local
        variable, a class attribute, a parameter's default, a dataclass field's default. None when
        it may be anything else, or is no string (`purpose=None` as a default says nothing)."""
        if isinstance(node, cst.Name):
            sources = scope.lookup(node.value)
        elif isinstance(node, cst.Attribute):
            sources = [
                source
                for base in self._values(node.value, scope, 0)
                if isinstance(base, LocalClass)
                for owner in self._class_and_bases(base.scope)
                for source in [*owner.names.get(node.attr.value, ()), *self.instance_attributes.get((owner, node.attr.value), ())]
            ]
        else:
            return None
        expressions = [source.value for source in sources if isinstance(source, Expression)]
        others = [source for source in sources if not isinstance(source, (Expression, Annotated))]
        if len(expressions) == 1 and not others and (isinstance(static_value(expressions[0]), str) or environment_literal(expressions[0]) is not None):
            return expressions[0]
        return None

    def _values(self, node: Optional[cst.CSTNode], scope: Scope, depth: int, place: Optional[Place] = None) -> list:
        """What an expression may evaluate to, as far as clients are concerned. `place`: where the
        expression stands, so that its names mean only the bindings that may reach it there;
        without one, a name means all its bindings."""
        if node is None or depth > _MAX_DEPTH:
            return []
        key = (id(node), id(scope), place)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:  # `client = client or OpenAI()`
            return []
        self._active.add(key)
        try:
            values = self._evaluate(node, scope, depth + 1, place)
        finally:
            self._active.discard(key)
        self._memo[key] = values
        return values

    def _evaluate(self, node: cst.CSTNode, scope: Scope, depth: int, place: Optional[Place]) -> list:
        if isinstance(node, cst.Name):
            return [v for source in self._reaching(node.value, scope, place) for v in self._source_values(source, depth)]
        if isinstance(node, cst.Attribute):
            return [v for base in self._values(node.value, scope, depth, place) for v in self._attribute(base, node.attr.value, depth)]
        if isinstance(node, cst.Call):
            return self._call_values(node, scope, depth, place)
        if isinstance(node, cst.Await):
            return self._values(node.expression, scope, depth, place)
        if isinstance(node, cst.IfExp):
            return self._values(node.body, scope, depth, place) + self._values(node.orelse, scope, depth, place)
        if isinstance(node, cst.BooleanOperation):
            return self._values(node.left, scope, depth, place) + self._values(node.right, scope, depth, place)
        return []

    def _reaching(self, name: str, scope: Scope, place: Optional[Place]) -> list[Source]:
        """The bindings of `name` a use at `place` in `scope` may see: the last binding before it on
        every path to it, the bindings after that one (on branches), and, in a loop, the bindings
        later in the loop that no binding in the loop before the use undoes (the next iteration
        sees them). All its bindings where the name is bound in an enclosing scope (the function
        runs later) or the place is unknown; a binding whose place is not recorded (an import, a
        def, a parameter's annotation or default) is always seen."""
        sources = scope.lookup(name)
        if place is None or name not in scope.names:  # names of enclosing scopes: see Scope.binding
            return sources
        placed = [(where, source) for source in sources for where in [self.collected.binding_places.get(id(source))] if where is not None]
        before = [(where, source) for where, source in placed if where.seq < place.seq and self._may_precede(where, place)]
        dominating = [index for index, (where, _) in enumerate(before) if where.on_every_path_to(place)]
        reaching = before[dominating[-1] :] if dominating else before
        last = before[dominating[-1]][0] if dominating else None
        loops = {block for block in place.blocks if block in self.collected.loops}
        for where, source in placed:
            if where.seq >= place.seq:  # itself too: `client = wrap(client)` in a loop
                shared = loops.intersection(where.blocks)
                if shared and (last is None or not shared.issubset(last.blocks)):
                    reaching.append((where, source))
        seen = {id(source) for _, source in reaching}
        placed_ids = {id(source) for _, source in placed}
        return [source for source in sources if id(source) in seen or id(source) not in placed_ids]

    def _may_precede(self, earlier: Place, later: Place) -> bool:
        """Whether a path goes from `earlier` to `later` (further down in the same scope) without
        going round a loop: not when they stand in two alternatives of one statement (the if and
        the else of one if, two handlers of one try)."""
        for mine, theirs in zip(earlier.blocks, later.blocks):
            if mine != theirs:
                statement = self.collected.alternatives.get(mine)
                return statement is None or statement != self.collected.alternatives.get(theirs)
        return True

    def _source_values(self, source: Source, depth: int) -> list:
        if isinstance(source, Expression):  # evaluated where it is bound
            return self._values(source.value, source.scope, depth, self.collected.binding_places.get(id(source)))
        if isinstance(source, (OpenAIModule, ClientClass, Function, LocalClass, ModuleImport)):
            return [source]  # the binding is the value
        if isinstance(source, LegacySymbol):
            return [_LegacyRef((source.symbol,))]
        if isinstance(source, Annotated):
            return self._annotated_client(source.node, source.annotation, source.scope, depth)
        if isinstance(source, ProjectImport):
            return self._imported(source.origin)
        return []  # Unknown

    def _imported(self, origin: Origin) -> list:
        """A name imported from another module of the project, as far as clients are concerned."""
        self.asked.add(origin)
        if self.index is None:  # first pass: follow it only to record what it is used for
            return [_ImportedRef(origin, ())]
        if origin in self.index.clients:
            return [self._proxy(origin, self.index.clients[origin])]
        if origin in self.index.factories:
            return [_ImportedFactory(origin)]
        if origin in self.index.classes:
            return [_ImportedClass(origin)]
        if f"{origin.module}.{origin.name}" in self.index.modules:
            return [ModuleImport(f"{origin.module}.{origin.name}")]
        return []

    def _proxy(self, origin: Origin, class_name: str) -> ClientBinding:
        """The one binding that stands, in this module, for a client defined in another."""
        if origin not in self.bindings:
            self.bindings[origin] = ClientBinding(class_name, None, None, origin=origin, origin_base_url=self.index.base_urls.get(origin))
        return self.bindings[origin]

    def _attribute(self, base: Any, name: str, depth: int) -> list:
        if isinstance(base, OpenAIModule):
            if name in CLIENT_CLASSES:
                return [ClientClass(CLIENT_CLASSES[name])]
            if name in LEGACY_V0_SYMBOLS:
                return [_LegacyRef((name,))]
            if name in CLIENT_RESOURCES:
                return [_ResourceRef(self._module_client(), (name,))]
            return []
        if isinstance(base, ClientBinding):
            return [base] if name in RESPONSE_VIEWS else [_ResourceRef(base, (name,))]
        if isinstance(base, _ResourceRef):
            return [base] if name in RESPONSE_VIEWS else [_ResourceRef(base.client, base.path + (name,))]
        if isinstance(base, _LegacyRef):
            return [_LegacyRef(base.path + (name,))]
        if isinstance(base, ModuleImport):
            return self._imported(Origin(base.name, name))
        if isinstance(base, _ImportedRef):
            return [_ImportedRef(base.origin, base.path + (name,))]
        if isinstance(base, _ImportedClass) and self.index is not None:
            class_name = self.index.classes[base.origin].get(name)
            return [self._proxy(Origin(base.origin.module, f"{base.origin.name}.{name}"), class_name)] if class_name else []
        if isinstance(base, LocalClass):
            return [v for scope in self._class_and_bases(base.scope) for v in self._member(scope, name, depth)]
        return []

    def _member(self, class_scope: Scope, name: str, depth: int) -> list:
        values = []
        for source in self.instance_attributes.get((class_scope, name), ()):
            values += self._source_values(source, depth)
        for source in class_scope.names.get(name, ()):
            values += self._source_values(source, depth)
        return values

    def _class_and_bases(self, class_scope: Scope) -> Iterable[Scope]:
        seen = []
        pending = [class_scope]
        while pending:
            scope = pending.pop(0)
            if scope in seen:
                continue
            seen.append(scope)
            for base in scope.bases:
                name = dotted_name(base)
                if name in self.collected.classes:
                    pending.append(self.collected.classes[name])
        return seen

    def _call_values(self, node: cst.Call, scope: Scope, depth: int, place: Optional[Place]) -> list:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in CLIENT_COPIES:
            return [v for v in self._values(func.value, scope, depth, place) if isinstance(v, ClientBinding)]
        values = []
        for callee in self._values(func, scope, depth, place):
            if isinstance(callee, ClientClass):
                values.append(self._binding(node, callee.name, self._constructor_arguments(node, scope), scope))
            elif isinstance(callee, Function):
                values += self._returned(callee.node, depth)
            elif isinstance(callee, _ImportedFactory):
                values.append(self._proxy(callee.origin, self.index.factories[callee.origin]))
            elif isinstance(callee, _ImportedRef):  # a factory, perhaps: what its result is used for counts
                values.append(_ImportedRef(callee.origin, callee.path + ("()",)))
        return values

    def _returned(self, function: cst.FunctionDef, depth: int) -> list[ClientBinding]:
        """The clients a call of one of our functions returns: from its return values, else its annotation."""
        values = [
            v
            for value, scope in self.collected.returns.get(function, ())
            for v in self._values(value, scope, depth, self.collected.return_places.get(value))
        ]
        if not values and function.returns is not None:
            scope = self.collected.module_scope  # annotations of nested functions: close enough
            values = self._annotated_client(function, function.returns.annotation, scope, depth)
        return [v for v in values if isinstance(v, ClientBinding)]

    def _annotated_client(self, node: cst.CSTNode, annotation: cst.BaseExpression, scope: Scope, depth: int) -> list:
        """A client known by its annotation; or an object of a class with client attributes."""
        types = self._annotation_types(annotation, scope, depth)
        for value in types:
            if isinstance(value, ClientClass):
                return [self._binding(node, value.name, None)]
        return [value for value in types if isinstance(value, (LocalClass, _ImportedClass))]

    def _annotation_classes(self, annotation: cst.BaseExpression, scope: Scope, depth: int) -> list[str]:
        """The client classes an annotation names: `OpenAI`, `Optional[OpenAI]`, `"OpenAI | None"`."""
        return [value.name for value in self._annotation_types(annotation, scope, depth) if isinstance(value, ClientClass)]

    def _annotation_types(self, annotation: cst.BaseExpression, scope: Scope, depth: int) -> list:
        """What the names in an annotation stand for, through Optional, Union, `|` and strings."""
        if isinstance(annotation, cst.SimpleString):
            try:
                annotation = cst.parse_expression(annotation.evaluated_value)
            except cst.ParserSyntaxError:
                return []
        if isinstance(annotation, cst.Subscript):
            return [
                name
                for element in annotation.slice
                if isinstance(element.slice, cst.Index)
                for name in self._annotation_types(element.slice.value, scope, depth)
            ]
        if isinstance(annotation, cst.BinaryOperation):
            return self._annotation_types(annotation.left, scope, depth) + self._annotation_types(
                annotation.right, scope, depth
            )
        return self._values(annotation, scope, depth)

    def _binding(
        self, node: cst.CSTNode, class_name: str, arguments: Optional[KeywordArguments], scope: Optional[Scope] = None
    ) -> ClientBinding:
        if node not in self.bindings:
            self.bindings[node] = ClientBinding(class_name, node, arguments, scope=scope)
        return self.bindings[node]

"""What values reach a module's SDK calls: the evaluator over what collect.py recorded. It follows
names (each use sees the bindings that may reach it where it stands), attributes, calls of our
functions and their returns, what callers pass to parameters, items of containers, functools.partial,
imports from the project (clients, factories, constants and dicts), dicts a call unpacks with `**`,
and the constants a parameter names; then it builds the ResolvedModule and this module's part of
the project index.
"""
from __future__ import annotations

import ast
import bisect
import dataclasses
import itertools
import sys
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
    Element,
    Expression,
    Function,
    KeySet,
    LegacySymbol,
    LocalClass,
    ModuleImport,
    OpenAIModule,
    Parameter,
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
    FrameworkCall,
    FrameworkExport,
    FrameworkObject,
    LegacyUse,
    ModuleClient,
    ModuleContext,
    Origin,
    ProjectIndex,
    ResolvedModule,
    ValueUse,
)
from qwen_migrate.analysis.walk import walk
from qwen_migrate.facts import frameworks
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
from qwen_migrate.request import DYNAMIC, MISSING, DictEntry, KeywordArguments, dotted_name, environment_literal, static_value


def resolve(module: cst.Module, context: Optional[ModuleContext] = None, collected: Optional[Collector] = None) -> ResolvedModule:
    """Clients and calls of a module. With a context whose index is set, names imported from other
    modules of the project are followed; without an index, what the module exports is collected.
    `collected`: the module's walk, when it was made already (it does not depend on the index)."""
    context = context or ModuleContext("__main__")
    return _Resolver(module, collected or collect(module, context), context).resolve()


@dataclass(frozen=True)
class _LegacyRef:
    path: tuple[str, ...]  # ("ChatCompletion", "create")


@dataclass(frozen=True)
class _ResourceRef:
    """A resource of a client, or one of its methods: `client.chat.completions`."""

    client: Client
    path: tuple[str, ...]


@dataclass(frozen=True)
class _Partial:
    """`functools.partial(client.chat.completions.create, model=...)`: an SDK method with some of its
    keywords given, in `call`; every call through it sends them."""

    method: _ResourceRef
    call: cst.Call
    scope: Scope


@dataclass(frozen=True)
class _Container:
    """A dict, list or tuple display, whose items may be clients: `{"primary": OpenAI(), ...}`; its
    items are read at `place`, where the display stands."""

    node: Union[cst.Dict, cst.List, cst.Tuple]
    scope: Scope
    place: Optional[Place]


@dataclass(frozen=True)
class _Unfollowed:
    """What may be an OpenAI client on some paths and something else on others (an item of a
    container that holds clients and other things, by a key we cannot tell; a parameter some
    callers pass an OpenAI client to, and others not: `parameter` names it), and the attributes
    taken of it: its calls are neither taken for SDK calls nor dropped, but listed by
    `--explain-unresolved` (a look-alike's call is never an OpenAI call)."""

    path: tuple[str, ...]
    parameter: Optional[str] = None


@dataclass(frozen=True)
class _ImportedRef:
    """First pass: a name imported from the project, and the attributes taken of it so far."""

    origin: Origin
    path: tuple[str, ...]


@dataclass(frozen=True)
class _ImportedValue:
    """A module-level string constant or dict of parameters of another module, known to the index."""

    origin: Origin


@dataclass(frozen=True)
class _ImportedFactory:
    origin: Origin


@dataclass(frozen=True)
class _ImportedClass:
    origin: Origin


@dataclass(frozen=True)
class _ImportedFunction:
    """With the index: a function of another module with parameters its SDK calls go through."""

    origin: Origin


@dataclass(frozen=True)
class _FrameworkName:
    """A framework's constructor or function that reaches OpenAI, by its entry in facts/frameworks."""

    entry: frameworks.Entry


@dataclass(frozen=True)
class _ImportedFrameworkFactory:
    """With the index: a function of another module that returns a framework object."""

    origin: Origin


@dataclass(frozen=True)
class _FrameworkMethod:
    """A method of a framework object that the QW9 rules judge: `llm.bind_tools`."""

    object: FrameworkObject
    name: str


# The values that stand for an OpenAI client (or something of it), and those that stand for a
# framework object: where one alternative holds one kind and another does not, which it is cannot be told.
_KINDS_OF_CLIENT = ((ClientBinding, _ResourceRef, _Partial, _Unfollowed), (FrameworkObject, _FrameworkMethod, _FrameworkName))

# What a parameter may be given for the calls through it to be the SDK's: a client, the module, a resource.
_CLIENT_VALUES = (ClientBinding, OpenAIModule, _ResourceRef)


@dataclass(frozen=True)
class _PlacedBindings:
    """The bindings of a name in one scope: those with a place, by where they stand (`seqs`, to cut
    them at a use), and those without one (always seen), each with its index among the name's sources."""

    seqs: list[int]
    bindings: list[tuple[Place, int, Source]]
    unplaced: list[tuple[int, Source]]


_MAX_DEPTH = 25  # how deep one resolution may follow names, attributes and returns
# Where another module reads a module-level name: after every statement of the module, on every path.
_END_OF_MODULE = Place(sys.maxsize, ())


class _Resolver:
    def __init__(self, module: cst.Module, collected: Collector, context: ModuleContext) -> None:
        self.module = module
        self.collected = collected
        self.context = context
        self.index = context.index
        self.imported_uses: list[tuple[Origin, tuple[str, ...]]] = []
        # first pass: the calls of names imported from the project, with the client classes they pass
        self.passed: list[tuple[Origin, tuple[tuple[str, Union[str, Origin]], ...]]] = []
        # the parameters of this module's functions that other modules may pass clients to
        self.open_parameters: dict[Origin, Parameter] = {}
        self._passed_memo: dict[Parameter, list] = {}
        self._passing: set[Parameter] = set()
        self._calls_by_name: Optional[dict[str, list[tuple[cst.Call, Scope]]]] = None
        self._name_reads: Optional[_NameReads] = None  # see _reads
        self.asked: set[Origin] = set()  # the names imported from the project that were followed
        self.value_uses: list[ValueUse] = []
        self.foreign: dict[Origin, Any] = {}  # by imported constant or dict: its value(s), parsed from the index
        self.foreign_nodes: set[cst.CSTNode] = set()  # those values
        # `self.<name> = ...` in the methods of a class: (class scope, name) -> sources
        self.instance_attributes: dict[tuple[Scope, str], list[Source]] = defaultdict(list)
        # by constructor or annotated node; by origin, the one binding for a client of another module;
        # by (origin, class), a client other modules pass to a parameter here
        self.bindings: dict[Union[cst.CSTNode, Origin, tuple[Origin, str]], ClientBinding] = {}
        self.module_client: Optional[ModuleClient] = None
        self.legacy: list[LegacyUse] = []
        self._memo: dict[tuple[int, int, Optional[Place]], list] = {}
        self._active: set[tuple[int, int, Optional[Place]]] = set()
        self._placed_bindings: dict[tuple[Scope, str], _PlacedBindings] = {}  # see _placed
        self._partials_read: dict[cst.Call, list] = {}  # by any partial(...) call: what it is (see _partial)
        self.partials_called: set[cst.Call] = set()  # the partials of SDK methods some call of this module goes through
        # calls on what may be a client or not (see _Unfollowed), with the method and the parameter
        self.unfollowed: list[tuple[cst.Call, str, Optional[str]]] = []
        # by id: the names SDK calls take parameters from, with the name they start with (_mark_sdk_arguments)
        self.sdk_arguments: dict[int, str] = {}
        # by the call that builds the object; by origin, the one object that stands for an object of another module
        self.frameworks: dict[Union[cst.Call, Origin], FrameworkObject] = {}

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
        for partial in (value for read in self._partials_read.values() for value in read):
            node = partial.call
            if node not in self.partials_called:  # called where we cannot see: its keywords, and any others
                arguments = dataclasses.replace(self._partial_arguments(partial), has_splat=True)
                call = CallSite(node, ".".join(partial.method.path), (partial.method.client,), arguments)
                calls.append(call)
                partial.method.client.calls.append(call)
        calls += self._framework_requests()
        self._mark_editable(calls)
        exports = self._exports()
        settings = self._settings(exports)
        self._talk_through_default_clients(settings)
        clients = list(self.bindings.values())
        calls_elsewhere = self._calls_elsewhere(calls) if self.index is not None else []
        return ResolvedModule(
            clients, self.module_client, calls, self.legacy, exports, self.imported_uses, frozenset(self.asked),
            self.value_uses, calls_elsewhere, list(dict.fromkeys(self.passed)), self.unfollowed,  # the index reads what is passed as a set
            value_reads=self._value_reads(), read_elsewhere=self._read_elsewhere() if self.index is not None else frozenset(),
            frameworks=list(self.frameworks.values()),
            settings=settings,
            last_import=_last_opening_import(self.module),
        )

    def _settings(self, exports: ProjectIndex) -> dict[Origin, frozenset[str]]:
        """The framework settings the project makes, as far as this module knows them: its own, and
        with the index, the others' it asked for (those of the frameworks whose objects it builds)."""
        made = {origin: set(values) for origin, values in exports.settings.items()}
        for origin in self.asked if self.index is not None else ():
            made.setdefault(origin, set()).update(self.index.settings.get(origin, ()))
        return {origin: frozenset(values) for origin, values in made.items() if values}

    def _talk_through_default_clients(self, settings: dict[Origin, frozenset[str]]) -> None:
        """An object given a model name talks through the client its framework's setting sets
        anywhere in the project (`set_default_openai_client(AsyncOpenAI(base_url=...))`): that
        client, by its literal base URL, counts among what the object is given."""
        for framework in self.frameworks.values():
            entry = framework.entry
            if entry.default_client is None or not framework.built_here or not (isinstance(framework.model, str) or framework.model is MISSING):
                continue
            made = settings.get(Origin(*frameworks.BY_KEY[entry.default_client].origin), ())
            defaults = tuple(
                ClientBinding("AsyncOpenAI", None, None, origin_base_url=ast.literal_eval(value)) for value in sorted(made) if value != "?"
            )
            framework.given += defaults

    def _framework_requests(self) -> list[CallSite]:
        """The requests framework calls send with their own keywords (a LiteLLM completion, a DSPy
        LM's settings), as SDK calls for the QW2 and QW4 rules: what the framework keeps for itself
        is left out, and it forwards Qwen-only parameters in extra_body itself."""
        requests = []
        for framework in self.frameworks.values():
            entry = framework.entry
            if entry.request is not None:
                arguments = framework.arguments
                keywords = {name: arg for name, arg in arguments.keywords.items() if name not in entry.own}
                entries = {name: e for name, e in arguments.entries.items() if name not in entry.own}
                view = dataclasses.replace(arguments, keywords=keywords, entries=entries, through_sdk=False)
                requests.append(CallSite(framework.node, entry.request, (), view, framework=framework))
        return requests

    def _value_reads(self) -> frozenset[Origin]:
        """The names imported from the project that the module reads other than as parameters of
        SDK calls (`tiktoken.encoding_for_model(DEFAULT_MODEL)`): a constant or dict among them is
        shared with other code, which fixes must not change. Only a module that passes an imported
        name to an SDK call is walked for its reads; elsewhere an imported name is read for something
        else, and of a module imported whole (`import config.llm as cfg`), any name may be
        (Origin(module, "*"))."""
        imported: dict[str, list[Origin]] = defaultdict(list)  # by module-level name: what it may import
        modules: dict[str, list[str]] = defaultdict(list)  # by module-level name: the modules it may be
        for name, sources in self.collected.module_scope.names.items():
            for source in sources:
                if isinstance(source, ProjectImport):
                    imported[name].append(source.origin)
                    modules[name].append(f"{source.origin.module}.{source.origin.name}")
                elif isinstance(source, ModuleImport):
                    modules[name].append(source.name)
        if not any(root in modules for root in self.sdk_arguments.values()):  # `modules` holds every imported name
            return frozenset([origin for origins in imported.values() for origin in origins] + [Origin(module, "*") for names in modules.values() for module in names])
        reads = self._reads()
        found = {origin for name, origins in imported.items() if any(id(read) not in self.sdk_arguments for read in reads.reads.get(name, ())) for origin in origins}
        for base, attribute in reads.attributes:
            if id(attribute) not in self.sdk_arguments and id(attribute) not in reads.callees:
                found.update(Origin(module, attribute.value) for module in modules.get(base, ()))
        return frozenset(found)

    def _read_elsewhere(self) -> frozenset[cst.CSTNode]:
        """The literals of this module's constants, and the entries of its dicts, that SDK calls of
        the project take and other code reads too (this module's or another's, `index.shared`):
        findings about them come without a fix."""
        scope = self.collected.module_scope
        used = {origin.name for origin in self.index.value_uses if origin.module == self.context.name}
        shared = {origin.name for origin in self.index.shared if origin.module == self.context.name}
        if used - shared:  # the others: does this module read them other than by SDK calls?
            reads = self._reads()
            shared |= {name for name in used if any(id(read) not in self.sdk_arguments for read in reads.reads.get(name, ()))}
        nodes: set[cst.CSTNode] = set()
        for name in shared:
            literal = self._literal(cst.Name(name), scope)
            if literal is not None:
                nodes.add(literal)
            nodes.update(entry.where for entry in (self._named_dict(name, scope, _END_OF_MODULE, 0) or {}).values())
        return frozenset(nodes)

    def _reads(self) -> _NameReads:
        """The module's names as it reads them: one walk, made when first asked."""
        if self._name_reads is None:
            self._name_reads = _NameReads()
            walk(self.module, self._name_reads)
        return self._name_reads

    def _exports(self) -> ProjectIndex:
        """The module's clients, factories and client-typed classes, as other modules see them;
        with the project index known, the bindings learn what other modules use them for."""
        exports = ProjectIndex(modules={self.context.name})
        scope = self.collected.module_scope
        for name in scope.names:
            origin = Origin(self.context.name, name)
            # another module imports the name once the module has run: what its last bindings hold
            values = [v for source in self._reaching(name, scope, _END_OF_MODULE) for v in self._source_values(source, 0)]
            built: list[ClientBinding] = []  # the clients the name stands for, for their base URL
            imported = self._imported_name(values)
            if imported is not None and _package(imported.module) == _package(self.context.name):
                # first pass: what it is, the project index tells; a package re-exports its own
                # modules' names (`from .llms import get_llm`), not the names of other packages
                exports.reexports[origin] = imported
            self._export_framework(exports, origin, values)
            for value in values:
                if isinstance(value, ClientBinding) and value.origin is None:
                    exports.clients[origin] = value.class_name
                    self._add_external_uses(value, origin)
                elif isinstance(value, Function):
                    returned = self._imported_name(self._return_values(value.node, 0))
                    if returned is not None:
                        exports.accessors[origin] = returned
                    for binding in (v for v in self._returned(value.node, 0) if isinstance(v, ClientBinding)):
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
            if self.index is None:  # the part of the index the first pass makes
                self._export_value(exports, origin)
        for framework in self.frameworks.values():
            if framework.entry.kind == frameworks.SETTING and framework.built_here:
                _, value = framework.parameter(framework.entry.positional[:1])
                urls = {given.base_url for given in framework.given if isinstance(given, ClientBinding)}
                if value is DYNAMIC and len(urls) == 1 and isinstance(next(iter(urls)), str):
                    value = urls.pop()  # a client (set_default_openai_client): by its literal base URL
                made = "?" if value is DYNAMIC or value is MISSING else repr(value)
                exports.settings.setdefault(Origin(*framework.entry.origin), set()).add(made)
        used = {origin for origin, _ in self.imported_uses}
        for origin, parameter in self.open_parameters.items():
            if origin in used:  # SDK calls go through it (`c.chat.completions.create`): callers elsewhere say with which client
                params = parameter.function.params
                names = tuple(param.name.value for param in [*params.posonly_params, *params.params, *params.kwonly_params])
                exports.parameters[Origin(self.context.name, parameter.function.name.value)] = names
        return exports

    def _export_framework(self, exports: ProjectIndex, origin: Origin, values: list) -> None:
        """A module-level framework object whose methods the QW9 rules judge, or a function that
        returns one, as other modules see it (the same object on every path). A module that
        builds no framework object exports none: its functions' returns are not read again."""
        if not self.frameworks:
            return
        objects = [v for v in values if isinstance(v, FrameworkObject)]
        factory = False
        if not objects:
            functions = [v for v in values if isinstance(v, Function)]
            objects = [v for function in functions for v in self._returned(function.node, 0) if isinstance(v, FrameworkObject)]
            factory = True
        if len(objects) != 1 or not objects[0].entry.methods:
            return
        framework = objects[0]
        _, base_url = framework.base_url
        exports.frameworks[origin] = FrameworkExport(
            framework.entry.key, factory, framework.provider, base_url if isinstance(base_url, str) else None
        )

    @staticmethod
    def _imported_name(values: list) -> Optional[Origin]:
        """The name imported from another module that values stand for, when they stand for it alone."""
        if values and isinstance(values[0], _ImportedRef) and not values[0].path and all(value == values[0] for value in values):
            return values[0].origin
        return None

    def _export_value(self, exports: ProjectIndex, origin: Origin) -> None:
        """A module-level string constant, or dict of parameters, as other modules read it (the
        index keeps those an SDK call of another module uses). Any module-level name may be
        imported, so each is sent from the worker and cached: a dict whose keys cannot all be
        keyword arguments (`{"en-US": ...}`, a table of data) is no dict of parameters, and is not."""
        bound = [source.value for source in self.collected.module_scope.names[origin.name] if isinstance(source, Expression)]
        if not any(isinstance(value, _MAY_BE_A_VALUE) for value in bound):  # a def, a class, an import, ...
            return
        literal = self._literal(cst.Name(origin.name), self.collected.module_scope)
        if literal is not None and isinstance(static_value(literal), str):
            exports.constants[origin] = _code(literal)
        entries = self._named_dict(origin.name, self.collected.module_scope, _END_OF_MODULE, 0)
        if entries is not None and all(key.isidentifier() for key in entries):
            exports.dicts[origin] = {key: (_code(entry.value), entry.maybe) for key, entry in entries.items()}

    def _calls_elsewhere(self, calls: list[CallSite]) -> list[CallSite]:
        """Views of the SDK calls of other modules that take a parameter from a constant or dict of
        this one: per method, parameter and base URL, the parameters they take from here. The
        calls' other parameters are unknown here (`has_splat`), so rules about a missing one stay
        silent; a dict is edited by fixes only when one SDK call of the project alone unpacks it."""
        scope = self.collected.module_scope
        unpacked_here = {entry.container for call in calls for entry in call.arguments.entries.values()}
        views = []
        for origin, uses in self.index.value_uses.items():
            if origin.module != self.context.name:
                continue
            alone = len({(module, call) for _, _, module, call, _ in uses}) == 1  # one call of the project uses it
            for method, parameter, base_url in sorted({(method, parameter, base_url) for method, parameter, _, _, base_url in uses}, key=repr):
                if parameter == "**":
                    entries = self._named_dict(origin.name, scope, _END_OF_MODULE, 0)
                else:
                    literal = self._literal(cst.Name(origin.name), scope)
                    entries = {parameter: DictEntry(literal, literal)} if literal is not None else None
                if not entries:
                    continue
                editable = frozenset(e.container for e in entries.values() if alone and e.container is not None and e.container not in unpacked_here)
                arguments = KeywordArguments({}, True, entries, editable=editable)
                clients = (ClientBinding("OpenAI", None, None, origin_base_url=base_url),) if base_url is not None else ()
                views.append(CallSite(None, method, clients, arguments))
        return views

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
        partials = [v for v in callees if isinstance(v, _Partial)]
        methods = [v for v in callees if isinstance(v, _ResourceRef) and len(v.path) >= 2] + [p.method for p in partials]
        imported = self._note_imported_uses(callees)
        self._note_call_values(node, scope, methods, imported)
        if methods or imported:
            self._mark_sdk_arguments(node)
        unfollowed = [v for v in callees if isinstance(v, _Unfollowed) and len(v.path) >= 2 and v.path[0] in CLIENT_RESOURCES]
        if unfollowed:  # an OpenAI call on some paths at most: not reported, not dropped
            self.unfollowed.append((node, ".".join(unfollowed[0].path), unfollowed[0].parameter))
            return None
        if methods:
            clients = tuple(dict.fromkeys(m.client for m in methods))  # one client may be reached twice
            method = ".".join(methods[0].path)
            arguments = self._arguments(node, scope)
            if partials:
                arguments = self._through_partial(arguments, partials, alone=len(methods) == len(partials))
            return CallSite(node, method, clients, arguments)
        legacy = [v for v in callees if isinstance(v, _LegacyRef) and v.path[-1] in LEGACY_V0_METHODS]
        if legacy:
            self.legacy.append(LegacyUse(node, ".".join(legacy[0].path)))
        return None

    def _note_imported_uses(self, callees: list) -> list[tuple[Origin, tuple[str, ...]]]:
        """First pass: the SDK methods called on names imported from the project, for the index
        (what is called on a parameter only when it is an SDK resource: not `df.groupby(...).agg()`)."""
        noted = []
        for imported in (v for v in callees if isinstance(v, _ImportedRef)):
            path = tuple(name for name in imported.path if name not in RESPONSE_VIEWS)
            if imported.origin in self.open_parameters and (not path or path[0] not in CLIENT_RESOURCES):
                continue
            if len([name for name in path if name != "()"]) >= 2:  # `client.chat.completions.create`
                self.imported_uses.append((imported.origin, path))
                noted.append((imported.origin, path))
        return noted

    def _note_call_values(self, call: cst.Call, scope: Scope, methods: list[_ResourceRef], imported: list[tuple[Origin, tuple[str, ...]]]) -> None:
        """First pass: the values imported from the project that a call of SDK `methods` (or of
        methods of `imported` names: a client, perhaps) passes, for the index."""
        if self.index is not None:
            return
        if methods:  # a parameter may be both: noted once
            base_urls = {method.client.base_url for method in methods}
            base_url = next(iter(base_urls)) if len(base_urls) == 1 else None
            self._note_value_uses(call, scope, method=".".join(methods[0].path), base_url=base_url if isinstance(base_url, str) else None)
        else:
            for origin, path in imported:
                self._note_value_uses(call, scope, via=origin, via_path=path)

    def _mark_sdk_arguments(self, call: cst.Call) -> None:
        """The names (`DEFAULT_MODEL`, the attribute of `cfg.DEFAULT_MODEL`) a call of an SDK method,
        or a partial of one, takes a parameter from: reads of a value that fixes may rewrite."""
        for arg in call.args:
            value = arg.value
            if (arg.keyword is not None or arg.star == "**") and isinstance(value, (cst.Name, cst.Attribute)):
                root = value.value if isinstance(value, cst.Name) else value.value.value if isinstance(value.value, cst.Name) else ""
                self.sdk_arguments[id(value.attr if isinstance(value, cst.Attribute) else value)] = root

    def _note_value_uses(self, call: cst.Call, scope: Scope, **where: Any) -> None:
        """First pass: the parameters of an SDK call (`where` says which) whose value is a name
        imported from the project, alone: `model=DEFAULT_MODEL`, `**cfg.GEN_KWARGS`."""
        for arg in call.args:
            parameter = arg.keyword.value if arg.keyword is not None else "**" if arg.star == "**" else None
            imported = self._imported_value(arg.value, scope) if parameter is not None else None
            if isinstance(imported, _ImportedRef):
                self.value_uses.append(ValueUse(imported.origin, imported.path, parameter, self.collected.places[call].seq, **where))

    def _imported_value(self, node: cst.BaseExpression, scope: Scope) -> Union[_ImportedRef, _ImportedValue, None]:
        """What a name or attribute stands for when it is a name imported from the project and
        nothing else (`DEFAULT_MODEL` after `from config.llm import DEFAULT_MODEL`, `cfg.GEN_KWARGS`):
        in the first pass the import, with the index the constant or dict it knows. None when the
        name is bound otherwise too (rebound on a branch, say)."""
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        sources = scope.lookup(root.value)
        if len(sources) != 1 or not isinstance(sources[0], (ProjectImport, ModuleImport)):
            return None
        values = self._values(node, scope, 0)
        return values[0] if len(values) == 1 and isinstance(values[0], (_ImportedRef, _ImportedValue)) else None

    def _foreign(self, origin: Origin) -> Any:
        """An imported constant's literal, or an imported dict's entries, parsed from the index's
        code once per module: nodes of no module here, that findings must not point at."""
        if origin not in self.foreign:
            if origin in self.index.constants:
                self.foreign[origin] = cst.parse_expression(self.index.constants[origin])
                self.foreign_nodes.add(self.foreign[origin])
            else:
                entries = {}
                for key, (code, maybe) in self.index.dicts[origin].items():
                    value = cst.parse_expression(code)
                    entries[key] = DictEntry(value, value, maybe)
                    self.foreign_nodes.add(value)
                self.foreign[origin] = entries
        return self.foreign[origin]

    def _call_place(self, node: cst.Call) -> Optional[Place]:
        """Where a call's names are looked up: where it stands; in a lambda, which may be called
        after any of the bindings, nowhere in particular (a name means all its bindings); so is a
        call the walk records no place for (`handlers[0](client)`)."""
        return None if node in self.collected.in_lambdas else self.collected.places.get(node)

    @staticmethod
    def _mark_editable(calls: list[CallSite]) -> None:
        """A dict literal of parameters is edited by fixes only when one SDK call alone unpacks it; a
        partial's keywords are, in the partial, whatever calls go through it (they all send them as
        they are), unless one of them passes its own `extra_body`: that replaces the partial's, so
        what a fix moves there would be lost for that call."""
        users: dict[cst.Dict, set] = defaultdict(set)
        own_extra_body: set[cst.Call] = set()  # partials some call through which passes extra_body itself
        for call in calls:
            for entry in call.arguments.entries.values():
                if entry.container is not None:
                    users[entry.container].add(call.node)
                    if isinstance(entry.container, cst.Call) and "extra_body" in call.arguments.keywords:
                        own_extra_body.add(entry.container)
        for call in calls:
            mine = frozenset(
                e.container
                for e in call.arguments.entries.values()
                if e.container is not None
                and (e.container not in own_extra_body if isinstance(e.container, cst.Call) else len(users[e.container]) == 1)
            )
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
        constants = self._constants(values, scope)
        for value in [arg.value for arg in keywords.values()] if self.index is not None else []:
            imported = self._imported_value(value, scope)
            if isinstance(imported, _ImportedValue) and imported.origin in self.index.constants:
                constants[value] = self._foreign(imported.origin)
        elsewhere = frozenset(node for node in [*constants.values(), *(entry.where for entry in entries.values())] if node in self.foreign_nodes)
        return KeywordArguments(keywords, unresolved, entries, constants, call, elsewhere=elsewhere)

    def _through_partial(self, arguments: KeywordArguments, partials: list[_Partial], alone: bool) -> KeywordArguments:
        """A call through a partial: its own parameters, and the partial's keywords as entries that
        live in the partial, where findings about them point and fixes edit them. Where the callee
        may be another partial or the method itself, which keywords are sent is not known."""
        self.partials_called.update(partial.call for partial in partials)
        if not alone or len({partial.call for partial in partials}) > 1:
            return dataclasses.replace(arguments, has_splat=True)
        given = self._partial_arguments(partials[0])
        entries = {name: DictEntry(arg.value, arg, container=given.call) for name, arg in given.keywords.items()}
        entries.update(given.entries)
        entries.update(arguments.entries)  # the call's own parameters replace the partial's
        return dataclasses.replace(
            arguments,
            has_splat=arguments.has_splat or given.has_splat,
            entries=entries,
            constants={**given.constants, **arguments.constants},
            elsewhere=given.elsewhere | arguments.elsewhere,
        )

    def _partial_arguments(self, partial: _Partial) -> KeywordArguments:
        """The keywords a partial gives its method (a positional argument past the method, which SDK
        methods do not take, is not read)."""
        given = self._arguments(partial.call, partial.scope)
        positional = [arg for arg in partial.call.args if arg.keyword is None and not arg.star]
        return dataclasses.replace(given, has_splat=True) if len(positional) > 1 else given

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
        if isinstance(node, (cst.Name, cst.Attribute)) and self.index is not None:
            imported = self._imported_value(node, scope)
            if isinstance(imported, _ImportedValue):  # a dict of another module: what the index knows of it
                return dict(self._foreign(imported.origin)) if imported.origin in self.index.dicts else None
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
        expressions += [source.default for source in sources if isinstance(source, Parameter) and source.default is not None]
        others = [source for source in sources if not isinstance(source, (Expression, Annotated, Parameter))]
        if len(expressions) != 1 or others:
            return None
        expression = expressions[0]
        if isinstance(expression, (cst.SimpleString, cst.ConcatenatedString)) and isinstance(static_value(expression), str):
            return expression
        if environment_literal(expression) is not None:
            return expression
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
        if isinstance(node, cst.Name):  # one of the bindings that may reach it
            return self._either(
                [self._source_values(source, depth) for source in self._reaching(node.value, scope, place) if not _stands_for_no_request(source)]
            )
        if isinstance(node, cst.Attribute):
            return [v for base in self._values(node.value, scope, depth, place) for v in self._attribute(base, node.attr.value, depth)]
        if isinstance(node, cst.Call):
            return self._call_values(node, scope, depth, place)
        if isinstance(node, cst.Await):
            return self._values(node.expression, scope, depth, place)
        if isinstance(node, cst.IfExp):
            return self._either([self._values(value, scope, depth, place) for value in (node.body, node.orelse) if not _is_literal(value)])
        if isinstance(node, cst.BooleanOperation):  # `client or OpenAI()`: a default for what is not given, taken as either
            return self._values(node.left, scope, depth, place) + self._values(node.right, scope, depth, place)
        if isinstance(node, cst.Lambda):
            return [Function(node)]
        if isinstance(node, (cst.Dict, cst.List, cst.Tuple)):
            return [_Container(node, scope, place)]
        if isinstance(node, cst.Subscript):
            return self._subscript(node, scope, depth, place)
        return []

    def _subscript(self, node: cst.Subscript, scope: Scope, depth: int, place: Optional[Place]) -> list:
        """`registry["primary"]`, `clients[0]`, `registry[name]` (any of its items)."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return []
        key = static_value(node.slice[0].slice.value)
        return self._either(self._items_of(node.value, scope, key, depth, place))

    def _dict_get(self, node: cst.Call, scope: Scope, depth: int, place: Optional[Place]) -> list:
        """`registry.get("primary")`: the item, or the default where the key may be absent (without
        one, None: its calls fail, so it stands for no other value)."""
        func = node.func
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if not positional or len(positional) != len(node.args) or not any(isinstance(v, _Container) for v in self._values(func.value, scope, depth, place)):
            return []
        key = static_value(positional[0])
        alternatives = self._items_of(func.value, scope, key, depth, place)
        if len(positional) > 1 and (key is DYNAMIC or not alternatives):
            alternatives.append(self._values(positional[1], scope, depth, place))
        return self._either(alternatives)

    def _items_of(self, node: cst.BaseExpression, scope: Scope, key: Any, depth: int, place: Optional[Place]) -> list[list]:
        """What `node[key]` may be, one list of values per item it may be (key DYNAMIC: any item).
        An item we cannot see (`**others`, `*more`, or one added somewhere: `registry["x"] = ...`,
        `clients.append(...)`) is a list holding None."""
        containers = [v for v in self._values(node, scope, depth, place) if isinstance(v, _Container)]
        held_by = node.value if isinstance(node, cst.Name) else node.attr.value if isinstance(node, cst.Attribute) else None
        alternatives: list[list] = [[None]] if containers and held_by in self.collected.grown else []
        for container in containers:
            elements = container.node.elements
            if isinstance(container.node, cst.Dict):
                keys = [static_value(e.key) if isinstance(e, cst.DictElement) else DYNAMIC for e in elements]
                if DYNAMIC in keys:
                    alternatives.append([None])
                matching = [e.value for e, k in zip(elements, keys) if k is not DYNAMIC and (key is DYNAMIC or k == key)]
                items = matching if key is DYNAMIC else matching[-1:]  # the last of a repeated key wins
            elif any(not isinstance(e, cst.Element) for e in elements):  # `[*more]`: positions unknown
                alternatives.append([None])
                items = [e.value for e in elements if isinstance(e, cst.Element)] if key is DYNAMIC else []
            elif key is DYNAMIC:
                items = [e.value for e in elements]
            else:
                items = [elements[key].value] if isinstance(key, int) and -len(elements) <= key < len(elements) else []
            alternatives += [self._values(item, container.scope, depth, container.place) for item in items if not _is_literal(item)]
        return alternatives

    @staticmethod
    def _either(alternatives: list[list]) -> list:
        """Values one of several alternatives holds (the bindings of a name that may reach a use, the
        two sides of `a if c else b`, the items of a container a key may pick). Where some may be
        clients (or their methods) and others not, which it is cannot be told: _Unfollowed (a
        look-alike's call is never an OpenAI call); so where some may be framework objects and others
        not. Literals are left out of the alternatives (see _is_literal)."""
        for kinds in _KINDS_OF_CLIENT:
            holding = [found for found in alternatives if any(isinstance(v, kinds) for v in found)]
            if holding and len(holding) < len(alternatives):
                return [_Unfollowed(())]
        return [v for found in alternatives for v in found if v is not None]

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
        placed = self._placed(name, scope)
        cut = bisect.bisect_left(placed.seqs, place.seq)
        reaching = []  # (index in sources, source), from the last binding before the use on every path to it
        last = None
        for position in range(cut - 1, -1, -1):  # back from the use, without copying the bindings before it
            where, index, source = placed.bindings[position]
            if self._may_precede(where, place):
                reaching.append((index, source))
                if where.on_every_path_to(place):
                    last = where
                    break
        loops = {block for block in place.blocks if block in self.collected.loops}
        for where, index, source in placed.bindings[cut:] if loops else ():  # itself too: `client = wrap(client)` in a loop
            shared = loops.intersection(where.blocks)
            if shared and (last is None or not shared.issubset(last.blocks)):
                reaching.append((index, source))
        return [source for _, source in sorted(reaching + placed.unplaced, key=lambda found: found[0])]

    def _placed(self, name: str, scope: Scope) -> _PlacedBindings:
        """The bindings of a name in the scope that binds it, sorted by where they stand, once per name."""
        key = (scope, name)
        if key not in self._placed_bindings:
            bindings, unplaced = [], []
            for index, source in enumerate(scope.names[name]):
                where = self.collected.binding_places.get(id(source))
                if where is None:
                    unplaced.append((index, source))
                else:
                    bindings.append((where, index, source))
            bindings.sort(key=lambda binding: binding[0].seq)
            self._placed_bindings[key] = _PlacedBindings([where.seq for where, _, _ in bindings], bindings, unplaced)
        return self._placed_bindings[key]

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
        if isinstance(source, Parameter):
            return self._passed(source, depth)
        if isinstance(source, Element):
            return self._either(self._items_of(source.iterable, source.scope, DYNAMIC, depth, self.collected.binding_places.get(id(source))))
        return []  # Unknown

    def _passed(self, parameter: Parameter, depth: int) -> list:
        """The clients the calls of a function pass to one of its unannotated parameters (its default
        where a call passes nothing): those of this module, and with the index, of the others. Only
        when every call seen passes a client of the SDK: where one passes another SDK's client, or
        what we cannot follow, the calls through the parameter may be anything's (`_Unfollowed`
        when other calls pass a client; nothing when none does)."""
        if parameter in self._passed_memo:
            return self._passed_memo[parameter]
        if parameter in self._passing:  # a function that calls itself: not followed
            return []
        self._passing.add(parameter)
        try:
            values = self._callers_pass(parameter, depth)
        finally:
            self._passing.discard(parameter)
        self._passed_memo[parameter] = values
        return values

    def _callers_pass(self, parameter: Parameter, depth: int) -> list:
        values = []
        calls = self._calls_of(parameter.function)
        others = False  # a caller passes something else: another SDK's client, what we cannot follow
        for call, scope in calls:
            argument = _argument(call, parameter.name, parameter.position)
            if argument is not None:
                found = self._values(argument, scope, depth, self._call_place(call))
            elif parameter.default is not None and not any(arg.star for arg in call.args):
                found = self._values(parameter.default, parameter.scope, depth, parameter.place)
            else:
                found = []
            if found and all(isinstance(value, _CLIENT_VALUES) or self._open(value) for value in found):
                values += found
            else:
                others = True
                values += [value for value in found if isinstance(value, _Unfollowed)]
        opened = []  # first pass: the parameter as other modules see it
        function = parameter.function
        if isinstance(function, cst.FunctionDef) and parameter.scope is self.collected.module_scope:
            origin = Origin(self.context.name, f"{function.name.value}.{parameter.name}")  # other modules may call it
            if self.index is None:  # what the calls through it use, for the clients passed to know
                self.open_parameters[origin] = parameter
                opened.append(_ImportedRef(origin, ()))
            else:
                classes = self.index.arguments.get(origin, set())
                others = others or "" in classes
                for class_name in sorted(classes - {""}):
                    key = (origin, class_name)
                    if key not in self.bindings:
                        self.bindings[key] = ClientBinding(class_name, None, None, origin=origin)
                    values.append(self.bindings[key])
        # or the module has callers the analysis cannot see (asked only when the seen ones pass clients)
        others = others or bool(values) and self._read_otherwise(function, calls)
        if not others:
            return values + opened
        if any(isinstance(value, (*_CLIENT_VALUES, _Unfollowed)) for value in values):
            return [_Unfollowed((), parameter.name)] + opened
        return opened

    def _open(self, value: Any) -> bool:
        """First pass: whether a value is what other modules pass to a parameter here (`def outer(c):
        run_query(c, ...)`), so that what is used through `run_query`'s is used through `outer`'s too."""
        return isinstance(value, _ImportedRef) and not value.path and value.origin in self.open_parameters

    def _calls_of(self, function: Union[cst.FunctionDef, cst.Lambda]) -> list[tuple[cst.Call, Scope]]:
        """The calls of this module that call the function: by its name, or a name its lambda is bound to."""
        if self._calls_by_name is None:
            self._calls_by_name = defaultdict(list)
            for call, scope in self.collected.calls:
                func = call.func
                if isinstance(func, (cst.Name, cst.Attribute)):  # not `partial(...)(...)`
                    self._calls_by_name[func.value if isinstance(func, cst.Name) else func.attr.value].append((call, scope))
        names = {function.name.value} if isinstance(function, cst.FunctionDef) else self.collected.lambda_names.get(function, set())
        return [
            (call, scope)
            for name in sorted(names)
            for call, scope in self._calls_by_name.get(name, ())
            if Function(function) in self._values(call.func, scope, 0)
        ]

    def _read_otherwise(self, function: Union[cst.FunctionDef, cst.Lambda], calls: list[tuple[cst.Call, Scope]]) -> bool:
        """Whether the module reads the function's name other than as the callee of `calls`, its
        calls seen: then it has callers the analysis cannot see (`pool.submit(run_query, Groq())`,
        `query = run_query`, `bot.ask(...)` on an object that cannot be followed)."""
        reads = self._reads().reads
        callees = {id(call.func if isinstance(call.func, cst.Name) else call.func.attr) for call, _ in calls}
        names = {function.name.value} if isinstance(function, cst.FunctionDef) else self.collected.lambda_names.get(function, set())
        return any(id(read) not in callees for name in names for read in reads.get(name, ()))

    def _lend(self, call: cst.Call, scope: Scope, function: Origin, depth: int) -> None:
        """A call of another module's function that takes clients: what the calls through its
        parameters use there counts for the clients passed here (for their base URL)."""
        for position, name in enumerate(self.index.parameters[function]):
            uses = self.index.uses.get(Origin(function.module, f"{function.name}.{name}"))
            argument = _argument(call, name, position) if uses else None
            for value in self._values(argument, scope, depth, self._call_place(call)):
                if isinstance(value, ClientBinding):
                    value.external_apis = value.external_apis | frozenset(uses)

    def _may_hold_a_client(self, node: cst.BaseExpression, scope: Scope, depth: int, place: Optional[Place]) -> bool:
        """Whether an argument is worth evaluating for a client passed on: a name, an attribute, an
        item, or a call of a client class or of a function of ours (`run(OpenAI(...))`,
        `run(make_client())`); not a literal, nor what another module's function returns."""
        if isinstance(node, cst.Call):
            return any(isinstance(value, (ClientClass, Function)) for value in self._values(node.func, scope, depth, place))
        return isinstance(node, (cst.Name, cst.Attribute, cst.Subscript))

    def _passing_classes(self, call: cst.Call, scope: Scope, depth: int) -> tuple[tuple[str, Union[str, Origin]], ...]:
        """Where a call passes a client of the SDK, by position ("0", before any `*args`) or keyword:
        the class of a client built here, or the origin of a name imported from the project (a
        client, perhaps); a parameter it passes nothing to, or anything else, is not among them."""
        arguments = [(str(position), arg) for position, arg in enumerate(_leading_positional(call))]
        arguments += [(arg.keyword.value, arg) for arg in call.args if arg.keyword is not None]
        place = self._call_place(call)
        passed = []
        for key, arg in arguments:
            if not self._may_hold_a_client(arg.value, scope, depth, place):
                continue
            values = self._values(arg.value, scope, depth, place)
            classes = {value.class_name if isinstance(value, ClientBinding) else "" for value in values}
            if len(classes) == 1 and "" not in classes:
                passed.append((key, classes.pop()))
            elif len(values) == 1 and isinstance(values[0], _ImportedRef) and not values[0].path:
                passed.append((key, values[0].origin))
        return tuple(passed)

    def _imported(self, origin: Origin) -> list:
        """A name imported from another module of the project, as far as clients are concerned; or
        from a framework that wraps the SDK."""
        entry = frameworks.BY_IMPORT.get(f"{origin.module}.{origin.name}")
        if entry is not None and (self.index is None or origin.module not in self.index.modules):
            return [_FrameworkName(entry)]
        self.asked.add(origin)
        if self.index is None:  # first pass: follow it only to record what it is used for
            return [_ImportedRef(origin, ())]
        if origin in self.index.clients:
            return [self._proxy(origin, self.index.clients[origin])]
        if origin in self.index.factories:
            return [_ImportedFactory(origin)]
        if origin in self.index.classes:
            return [_ImportedClass(origin)]
        if origin in self.index.constants or origin in self.index.dicts:
            return [_ImportedValue(origin)]
        if f"{origin.module}.{origin.name}" in self.index.modules:
            return [ModuleImport(f"{origin.module}.{origin.name}")]
        if origin in self.index.parameters:  # what goes through its parameters is known where it is defined
            return [_ImportedFunction(self.index.reexports.get(origin, origin))]
        if origin in self.index.frameworks:
            export = self.index.frameworks[origin]
            return [_ImportedFrameworkFactory(origin) if export.factory else self._framework_proxy(origin)]
        return []

    def _framework_proxy(self, origin: Origin) -> FrameworkObject:
        """The one object that stands, in this module, for a framework object of another."""
        if origin not in self.frameworks:
            export = self.index.frameworks[origin]
            arguments = KeywordArguments({}, has_splat=True)  # what it is built with is the other module's
            self.frameworks[origin] = FrameworkObject(frameworks.BY_KEY[export.entry], None, arguments, exported=export)
        return self.frameworks[origin]

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
        if isinstance(base, _Unfollowed):
            return [base] if name in RESPONSE_VIEWS else [_Unfollowed(base.path + (name,), base.parameter)]
        if isinstance(base, ModuleImport):
            return self._imported(Origin(base.name, name))
        if isinstance(base, _ImportedRef):
            return [_ImportedRef(base.origin, base.path + (name,))]
        if isinstance(base, FrameworkObject):
            return [_FrameworkMethod(base, name)] if name in base.entry.methods else []
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
        if self._is_partial(func, scope):
            return self._partial(node, scope, depth)
        values = self._dict_get(node, scope, depth, place) if isinstance(func, cst.Attribute) and func.attr.value == "get" else []
        for callee in self._values(func, scope, depth, place):
            if isinstance(callee, ClientClass):
                values.append(self._binding(node, callee.name, self._constructor_arguments(node, scope), scope))
            elif isinstance(callee, Function):
                values += self._returned(callee.node, depth)
            elif isinstance(callee, _ImportedFactory):
                values.append(self._proxy(callee.origin, self.index.factories[callee.origin]))
            elif isinstance(callee, _ImportedRef):  # a factory, perhaps: what its result is used for counts
                if not callee.path and node.args:  # a function, perhaps, whose parameters take clients
                    self.passed.append((callee.origin, self._passing_classes(node, scope, depth)))
                values.append(_ImportedRef(callee.origin, callee.path + ("()",)))
            elif isinstance(callee, _ImportedFunction):
                self._lend(node, scope, callee.origin, depth)
            elif isinstance(callee, _FrameworkName):
                values.append(self._framework_object(node, callee.entry, scope, depth, place))
                values += self._wrapped(node, callee.entry, scope, depth, place)
            elif isinstance(callee, _ImportedFrameworkFactory):
                values.append(self._framework_proxy(callee.origin))
            elif isinstance(callee, _FrameworkMethod) and node not in {call.node for call in callee.object.calls}:
                callee.object.calls.append(FrameworkCall(node, callee.name, self._arguments(node, scope)))
        return values

    def _wrapped(self, node: cst.Call, entry: frameworks.Entry, scope: Scope, depth: int, place: Optional[Place]) -> list:
        """What a call that returns the SDK client it is given, patched, passes for it (instructor's
        `from_openai(client)`): the calls through its result are that client's."""
        if entry.wraps is None:
            return []
        argument = _argument(node, entry.wraps, entry.positional.index(entry.wraps))
        return [] if argument is None else self._values(argument, scope, depth + 1, place)

    def _framework_object(self, node: cst.Call, entry: frameworks.Entry, scope: Scope, depth: int, place: Optional[Place]) -> FrameworkObject:
        """The object a framework call builds (or the request it sends), once per call; positional
        arguments are named by the entry; for a call that wraps an SDK client, the clients it may wrap."""
        if node not in self.frameworks:
            arguments = self._arguments(node, scope)
            positional = {
                name: arg for name, arg in zip(entry.positional, _leading_positional(node)) if name not in arguments.keywords
            }
            if positional:
                constants = {**arguments.constants, **self._constants([arg.value for arg in positional.values()], scope)}
                arguments = dataclasses.replace(arguments, keywords={**positional, **arguments.keywords}, constants=constants)
            wrapped = tuple(v for v in self._wrapped(node, entry, scope, depth, place) if isinstance(v, ClientBinding))
            # built before this object, so that what it is given never leads back to it
            given = tuple(
                v for arg in node.args for v in self._values(arg.value, scope, depth + 1, place) if isinstance(v, (ClientBinding, FrameworkObject))
            )
            self.frameworks[node] = FrameworkObject(entry, node, arguments, scope, wraps=wrapped, given=given)
            # the framework's settings another module may make count for this object
            self.asked.update(Origin(*setting.origin) for setting in frameworks.SETTINGS.get(entry.framework, ()))
        return self.frameworks[node]

    @staticmethod
    def _is_partial(func: cst.BaseExpression, scope: Scope) -> bool:
        """Whether `func` is `functools.partial` (imported by `from functools import partial`, under any alias)."""
        if isinstance(func, cst.Name):
            return scope.binding(func.value) is not None and scope.means(func.value, "functools.partial")
        if isinstance(func, cst.Attribute) and func.attr.value == "partial" and isinstance(func.value, cst.Name):
            return scope.binding(func.value.value) is not None and scope.means(func.value.value, "functools")
        return False

    def _partial(self, node: cst.Call, scope: Scope, depth: int) -> list:
        """`partial(<SDK method>, ...)`: the method with the call's keywords given, read where the
        call stands (once: wherever its value is used, it is the same)."""
        if node not in self._partials_read:
            self._partials_read[node] = self._read_partial(node, scope, depth)
        return self._partials_read[node]

    def _read_partial(self, node: cst.Call, scope: Scope, depth: int) -> list:
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if not positional:
            return []
        given = self._values(positional[0].value, scope, depth, self._call_place(node))
        imported = self._note_imported_uses(given)  # first pass: what an imported client is bound for
        methods = [v for v in given if isinstance(v, _ResourceRef) and len(v.path) >= 2]
        self._note_call_values(node, scope, methods, imported)  # every call through the partial sends its keywords
        if methods or imported:
            self._mark_sdk_arguments(node)
        if len(methods) != 1:  # several clients or methods: which one the calls use depends on the path
            return []
        return [_Partial(methods[0], node, scope)]

    def _returned(self, function: Union[cst.FunctionDef, cst.Lambda], depth: int) -> list[Union[ClientBinding, _Unfollowed]]:
        """The clients a call of one of our functions returns (or what may be one): from its return
        values, else its annotation."""
        values = self._return_values(function, depth)
        if not values and isinstance(function, cst.FunctionDef) and function.returns is not None:
            scope = self.collected.module_scope  # annotations of nested functions: close enough
            values = self._annotated_client(function, function.returns.annotation, scope, depth)
        return [v for v in values if isinstance(v, (ClientBinding, _Unfollowed, FrameworkObject))]

    def _return_values(self, function: Union[cst.FunctionDef, cst.Lambda], depth: int) -> list:
        """What a function's return statements may return, each read where it stands."""
        return [
            v
            for value, scope in self.collected.returns.get(function, ())
            for v in self._values(value, scope, depth, self.collected.return_places.get(value))
        ]

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


class _NameReads(cst.CSTVisitor):
    """The names a module reads, by name: its Name nodes, attributes' names among them (`bot.ask`),
    but for those that name what is bound or declared there: an import, a def's or a class's name,
    a parameter, a keyword argument, an assignment's target (`ask = lambda ...`, `self.ask = ...`).
    Also the attributes taken of a name (`cfg.DEFAULT_MODEL`), and the callees among the reads."""

    def __init__(self) -> None:
        self.reads: dict[str, list[cst.Name]] = defaultdict(list)
        self.bound: set[int] = set()  # by id: the Name nodes that bind or declare
        self.attributes: list[tuple[str, cst.Name]] = []  # (the name, the attribute's)
        self.callees: set[int] = set()  # by id: the names called (`f(...)`, the attribute of `m.f(...)`)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self.callees.add(id(node.func.attr if isinstance(node.func, cst.Attribute) else node.func))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.attributes.append((node.value.value, node.attr))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bound.add(id(node.name))

    def visit_Param(self, node: cst.Param) -> None:
        self.bound.add(id(node.name))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.bound.add(id(node.keyword))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        target = node.target
        self.bound.add(id(target.attr if isinstance(target, cst.Attribute) else target))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self.bound:
            self.reads[node.value].append(node)


def _is_literal(node: cst.BaseExpression) -> bool:
    """None, a bool, a string or a number: calls on it fail, so it stands for no request of another
    SDK (`client = None`, then `if key: client = OpenAI()`)."""
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False")
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float, cst.Imaginary))


def _stands_for_no_request(source: Source) -> bool:
    """A binding to a literal (see _is_literal)."""
    return isinstance(source, Expression) and _is_literal(source.value)


def _code(node: cst.CSTNode) -> str:
    """The source code of an expression, as the index carries it to other modules."""
    return cst.Module([]).code_for_node(node)


def _argument(call: cst.Call, name: str, position: Optional[int]) -> Optional[cst.BaseExpression]:
    """What a call passes to a parameter by keyword, or by position before any `*args`; None if
    neither (its default, or what `*args`/`**kwargs` hold)."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    leading = _leading_positional(call)
    return leading[position].value if position is not None and position < len(leading) else None


def _leading_positional(call: cst.Call) -> list[cst.Arg]:
    """A call's positional arguments before any `*args` (after it, positions are unknown)."""
    return list(itertools.takewhile(lambda arg: arg.keyword is None and not arg.star, call.args))


# What a constant or dict of parameters is bound to: a string, an environment read (a call or an
# item), a dict display or `dict(...)`; anything else (a number, a def, a class) is neither.
_MAY_BE_A_VALUE = (cst.SimpleString, cst.ConcatenatedString, cst.Dict, cst.Call, cst.Subscript)


def _package(module: str) -> str:
    """The top-level package of a dotted module name."""
    return module.partition(".")[0]


def _last_opening_import(module: cst.Module) -> Optional[cst.SimpleStatementLine]:
    """The last import line of those that open the module (after its docstring), if any."""
    last = None
    for index, statement in enumerate(module.body):
        is_import = (
            isinstance(statement, cst.SimpleStatementLine)
            and bool(statement.body)
            and all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body)
        )
        if is_import:
            last = statement
        elif not (index == 0 and isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Expr)):
            break
    return last

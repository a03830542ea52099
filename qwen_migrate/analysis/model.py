"""What the analysis finds in a module: clients, the SDK calls through them, pre-1.0 uses, and where
the module stands in its project. Rules read these; collect.py and flow.py build them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Union

import libcst as cst

from qwen_migrate.facts.frameworks import DASHSCOPE_PROVIDER, OPENAI_PROVIDER, OTHER, Entry
from qwen_migrate.facts.openai_sdk import AZURE_CLASSES, BETA_VIEWS
from qwen_migrate.request import (
    DYNAMIC,
    MISSING,
    BodyArguments,
    KeywordArguments,
    environment_literal,
    environment_variable,
    static_value,
)

if TYPE_CHECKING:  # a binding keeps the scope it was found in, for fixes to tell what names mean there
    from qwen_migrate.analysis.collect import Scope


@dataclass(frozen=True)
class Origin:
    """A name at the top level of a module of the project: a client, a client factory or a class."""

    module: str
    name: str


@dataclass(frozen=True)
class ValueUse:
    """First pass: an SDK call's parameter whose value is a name imported from the project
    (`model=DEFAULT_MODEL`, `**cfg.GEN_KWARGS`), for the module that defines it to judge its literal.

    `origin` and `path` are the name as imported (`path`: the attribute taken of it, when the
    import named a package's module: `from config import llm` ... `llm.MODEL`). A call on a local
    client names its `method`; a call on a client imported from the project names it by `via` and
    `via_path`, as `imported_uses` do. `parameter` is the keyword, or "**"; `call` tells the calls
    of a module apart; `base_url` is the literal one of the call's clients, when they share it."""

    origin: Origin
    path: tuple[str, ...]
    parameter: str
    call: int
    method: Optional[str] = None
    via: Optional[Origin] = None
    via_path: tuple[str, ...] = ()
    base_url: Optional[str] = None

    @property
    def value(self) -> Optional[Origin]:
        """The module-level name of another module the value is: `DEFAULT_MODEL` of `config.llm`."""
        if not self.path:
            return self.origin
        return Origin(f"{self.origin.module}.{self.origin.name}", self.path[0]) if len(self.path) == 1 else None


@dataclass(frozen=True)
class FrameworkExport:
    """A framework object built at the top level of a module (`llm = ChatOpenAI(...)`), or by a
    function of it (`def get_llm(): return ChatOpenAI(...)`: `factory`), as other modules see it:
    its entry (`Entry.key`), who it talks to by its model string, and its literal base URL."""

    entry: str
    factory: bool
    provider: Optional[str]
    base_url: Optional[str]


@dataclass
class ProjectIndex:
    """What the modules of a project export to each other, and how the exports are used.

    Built by a first pass over the project (analysis/project.py), read by the second.
    """

    modules: set[str] = field(default_factory=set)
    clients: dict[Origin, str] = field(default_factory=dict)  # module-level client -> its class
    factories: dict[Origin, str] = field(default_factory=dict)  # function returning a client -> its class
    classes: dict[Origin, dict[str, str]] = field(default_factory=dict)  # class -> client-typed attributes
    uses: dict[Origin, set[str]] = field(default_factory=dict)  # client or factory -> APIs used through it anywhere
    base_urls: dict[Origin, str] = field(default_factory=dict)  # client or factory -> the literal base_url it is built with
    # A module's part: every module-level name imported from another module (`from .factory import
    # get_llm`), and every function that returns one (`def get_client(): return client`). The
    # project's: those that lead to an export, each to the export it stands for, where it is built.
    reexports: dict[Origin, Origin] = field(default_factory=dict)
    accessors: dict[Origin, Origin] = field(default_factory=dict)
    # module-level string constants and dicts of parameters that other modules pass to SDK calls:
    # the constant -> its literal's code; the dict -> key -> (its value's code, set on some paths only)
    constants: dict[Origin, str] = field(default_factory=dict)
    dicts: dict[Origin, dict[str, tuple[str, bool]]] = field(default_factory=dict)
    # constant or dict -> its uses: (method, parameter or "**", using module, call there, the literal base_url or None)
    value_uses: dict[Origin, set[tuple[str, str, str, int, Optional[str]]]] = field(default_factory=dict)
    # function -> its parameters, when SDK calls go through one (`def run_query(model_client, prompt)`)
    parameters: dict[Origin, tuple[str, ...]] = field(default_factory=dict)
    # a parameter of a function of `parameters`, as Origin(module, "function.parameter") -> the client
    # classes other modules pass there ("" for anything else); what is used through it is in `uses`
    arguments: dict[Origin, set[str]] = field(default_factory=dict)
    # constants and dicts of `value_uses` that other code reads too (not as an OpenAI call's parameter)
    shared: set[Origin] = field(default_factory=set)
    # framework objects whose methods the QW9 rules judge, and the functions returning one
    frameworks: dict[Origin, FrameworkExport] = field(default_factory=dict)
    # framework settings made somewhere in the project (Origin("agents", "set_tracing_disabled")) ->
    # the values they are given (repr of the literal; "?" where it is not one)
    settings: dict[Origin, set[str]] = field(default_factory=dict)

    def is_parameter(self, origin: Origin) -> bool:
        """Whether `origin` names a parameter of a function of `parameters`: Origin(module, "function.parameter")."""
        function, _, name = origin.name.rpartition(".")
        return name in self.parameters.get(Origin(origin.module, function), ())

    def exported_names(self) -> dict[str, set[str]]:
        """Per module that exports a client, a factory, a class or a function that takes clients: the names it exports them by."""
        names: dict[str, set[str]] = {}
        for origin in [*self.clients, *self.factories, *self.classes, *self.parameters, *self.frameworks]:
            names.setdefault(origin.module, set()).add(origin.name)
        return names


@dataclass(frozen=True)
class ModuleContext:
    """Where a module stands in its project: its dotted name, for imports, and the project's index."""

    name: str
    is_package: bool = False
    index: Optional[ProjectIndex] = None

    def absolute(self, module: Optional[str], level: int) -> Optional[str]:
        """The absolute name of `from <level dots><module> import ...` in this module."""
        if level == 0:
            return module
        parts = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        if level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (level - 1)]
        return ".".join([*base, module] if module else base) or None


@dataclass(eq=False)
class ClientBinding:
    """A client: built by a constructor we can see, or known only by its type annotation."""

    class_name: str  # canonical: OpenAI, AsyncOpenAI, AzureOpenAI, AsyncAzureOpenAI
    node: Optional[cst.CSTNode]  # the constructor call, or the annotated parameter, attribute or function; None for `origin`
    arguments: Optional[KeywordArguments]  # None when the constructor is elsewhere
    calls: list["CallSite"] = field(default_factory=list)
    origin: Optional[Origin] = None  # set when the client is defined in another module of the project
    external_apis: frozenset[str] = frozenset()  # APIs other modules use it for
    origin_base_url: Optional[str] = None  # the literal base_url it is built with in the module that defines it
    scope: Optional["Scope"] = None  # where the constructor stands

    def means(self, name: str, imported: str) -> bool:
        """Whether `name`, where the constructor stands, is `imported` once a module-level import binds it."""
        return self.scope is not None and self.scope.means(name, imported)

    @property
    def constructed_here(self) -> bool:
        return self.arguments is not None

    @property
    def base_url(self) -> Any:
        """The base URL it is built with, here or in the module of the project that exports it: a
        string, MISSING, None or DYNAMIC."""
        if self.constructed_here:
            return self.arguments.value("base_url")
        return self.origin_base_url or DYNAMIC

    @property
    def is_azure(self) -> bool:
        return self.class_name in AZURE_CLASSES

    @property
    def apis(self) -> frozenset[str]:
        """The APIs its calls use, here and in the modules that import it: "chat", "responses", ..."""
        return frozenset(call.api for call in self.calls) | self.external_apis


@dataclass(eq=False)
class ModuleClient:
    """The SDK's module-level default client: `openai.chat.completions.create(...)`."""

    import_node: Optional[cst.Import]  # the first `import openai`, after which fixes configure it
    name: str  # what the module is called here: "openai", or its alias
    settings: dict[str, list[cst.Assign]] = field(default_factory=lambda: defaultdict(list))
    calls: list["CallSite"] = field(default_factory=list)
    scope: Optional["Scope"] = None  # the module's, where fixes configure it

    def means(self, name: str, imported: str) -> bool:
        """Whether `name`, at module level, is `imported` once a module-level import binds it."""
        return self.scope is not None and self.scope.means(name, imported)

    @property
    def apis(self) -> frozenset[str]:
        return frozenset(call.api for call in self.calls)

    @property
    def base_url(self) -> Any:
        """The static value assigned to `openai.base_url`, MISSING or DYNAMIC."""
        return self.value("base_url")

    def setting(self, name: str) -> Optional[cst.Assign]:
        """The last assignment of `openai.<name>` in the module."""
        assignments = self.settings.get(name)
        return assignments[-1] if assignments else None

    def value(self, name: str) -> Any:
        """The static value assigned to `openai.<name>`, MISSING or DYNAMIC."""
        assignment = self.setting(name)
        return MISSING if assignment is None else static_value(assignment.value)

    def environment_variable(self, name: str) -> Optional[str]:
        assignment = self.setting(name)
        return None if assignment is None else environment_variable(assignment.value)

    def environment_literal(self, name: str) -> Optional[cst.SimpleString]:
        assignment = self.setting(name)
        return None if assignment is None else environment_literal(assignment.value)


Client = Union[ClientBinding, ModuleClient]


@dataclass(eq=False)
class CallSite:
    """One request to an API method, e.g. `chat.completions.create`.

    In code: an SDK call (`node` is the cst.Call) on the clients it may go through. In a batch input
    file: a request body (`node` marks the line, `clients` is empty, `in_batch` is true).
    """

    node: Any
    method: str  # the resource path without response views: "chat.completions.create"
    clients: tuple[Client, ...]
    arguments: Union[KeywordArguments, BodyArguments]
    in_batch: bool = False  # run by the Batch API, whose models are not every model's
    framework: Optional["FrameworkObject"] = None  # the framework call that sends it (a LiteLLM completion)

    @property
    def api(self) -> str:
        """The API the call belongs to: "chat", "responses", "beta.assistants", ..."""
        parts = self.method.split(".")
        if parts[0] == "beta":  # beta.chat.completions.parse is Chat Completions, beta.responses Responses
            return parts[1] if parts[1] in BETA_VIEWS else f"beta.{parts[1]}"
        return parts[0]


@dataclass(eq=False)
class FrameworkCall:
    """A call of a method of a framework object that the QW9 rules judge: `llm.bind_tools(tools, tool_choice="any")`."""

    node: cst.Call
    method: str
    arguments: KeywordArguments


@dataclass(eq=False)
class FrameworkObject:
    """A framework's object that reaches OpenAI or DashScope through the SDK, where it is built
    (`ChatOpenAI(...)`, `dspy.LM(...)`), or a framework call that sends a request itself
    (`litellm.completion(...)`): the entry of facts/frameworks that says what it is, and its
    arguments by parameter name (positional ones too). An object built in another module of the
    project has no node nor arguments here: `exported` says what that module knows of it. A call
    that wraps an SDK client (`Entry.wraps`) names the clients it may be given: it talks where they do.
    `given` holds the clients and framework objects its arguments may be (`openai_client=client`,
    `provider=OpenAIProvider(...)`, `llm=ChatOpenAI(...)`): where one of them talks to another
    provider, so does the object."""

    entry: Entry
    node: Optional[cst.Call]
    arguments: KeywordArguments
    scope: Optional["Scope"] = None
    calls: list[FrameworkCall] = field(default_factory=list)
    exported: Optional[FrameworkExport] = None
    wraps: tuple[ClientBinding, ...] = ()
    given: tuple[Union[ClientBinding, "FrameworkObject"], ...] = ()

    @property
    def built_here(self) -> bool:
        return self.exported is None

    def means(self, name: str, imported: str) -> bool:
        """Whether `name`, where the object is built, is `imported` once a module-level import binds it."""
        return self.scope is not None and self.scope.means(name, imported)

    def parameter(self, names: tuple[str, ...]) -> tuple[Optional[str], Any]:
        """(the spelling the call uses, its static value) of a parameter the framework accepts under
        several names; (None, MISSING) when none is given (DYNAMIC when `**kwargs` may hold it)."""
        for name in names:
            if name in self.arguments:
                return name, self.arguments.value(name)
        return None, DYNAMIC if self.arguments.has_splat else MISSING

    @property
    def base_url(self) -> tuple[Optional[str], Any]:
        if self.exported is not None:
            return None, self.exported.base_url or DYNAMIC
        if self.entry.wraps is not None:
            urls = {client.base_url for client in self.wraps}
            return None, urls.pop() if len(urls) == 1 else DYNAMIC
        if self.entry.dashscope_base_url is not None and self.provider == DASHSCOPE_PROVIDER:
            return self.parameter(self.entry.dashscope_base_url)
        return self.parameter(self.entry.base_url)

    @property
    def model(self) -> Any:
        """The model string the object uses: given, or the framework's default."""
        _, value = self.parameter(self.entry.model)
        return self.entry.default_model if value is MISSING and self.entry.default_model else value

    @property
    def provider(self) -> Optional[str]:
        """Who the framework sends the object's requests to by its model string (OPENAI_PROVIDER,
        DASHSCOPE_PROVIDER or OTHER), before any base URL; None when not known."""
        entry = self.entry
        if self.exported is not None:
            return self.exported.provider
        if any(name in self.arguments for name in entry.client):  # the client's: judged where it is built
            return None
        if entry.provider_parameter is not None:  # init_chat_model(model, model_provider="openai")
            name, wanted = entry.provider_parameter
            given = self.arguments.value(name)
            if given is not MISSING:
                return OPENAI_PROVIDER if given == wanted else None if given is DYNAMIC else OTHER
        if entry.model_strings is None:  # an OpenAI class: whatever the model
            return OPENAI_PROVIDER
        value = self.model
        return entry.model_strings.provider(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class LegacyUse:
    """A pre-1.0 SDK call (`openai.ChatCompletion.create(...)`) or setting (`openai.api_base = ...`)."""

    node: cst.CSTNode
    symbol: str


@dataclass
class ResolvedModule:
    clients: list[ClientBinding]
    module_client: Optional[ModuleClient]
    calls: list[CallSite]
    legacy: list[LegacyUse]
    exports: ProjectIndex = field(default_factory=ProjectIndex)  # this module's part of the project index
    # first pass: calls through names imported from the project, as (name, attributes and "()" calls
    # taken of it), for the index to tell which client, and which API, each one uses
    imported_uses: list[tuple[Origin, tuple[str, ...]]] = field(default_factory=list)
    # the names imported from the project that the module followed: with an index that knows none of
    # them, and no other module using its exports, the module's analysis does not depend on the index
    asked: frozenset[Origin] = frozenset()
    # first pass: SDK call parameters whose value is a name imported from the project
    value_uses: list[ValueUse] = field(default_factory=list)
    # with the index: views of the SDK calls of other modules that take parameters from this
    # module's constants and dicts (`arguments.entries` are the parameters they take from here)
    calls_elsewhere: list[CallSite] = field(default_factory=list)
    # first pass: the calls of names imported from the project, with what they pass (see flow's `_passing_classes`)
    passed: list[tuple[Origin, tuple[tuple[str, Union[str, Origin]], ...]]] = field(default_factory=list)
    # calls on what may be an OpenAI client on some paths and something else on others (an item of a
    # container holding both, by a key we cannot tell; a parameter some callers pass an OpenAI client,
    # others not): (call, method, the parameter or None), neither reported nor dropped, but listed
    # as unresolved
    unfollowed: list[tuple[cst.Call, str, Optional[str]]] = field(default_factory=list)
    # the names imported from the project that the module reads other than as SDK call parameters (see flow's `_value_reads`)
    value_reads: frozenset[Origin] = frozenset()
    # with the index: the literals and dict entries of this module that SDK calls take and other code reads too: fixes leave them
    read_elsewhere: frozenset[cst.CSTNode] = frozenset()
    frameworks: list[FrameworkObject] = field(default_factory=list)  # framework objects built here
    # the framework settings the project makes (with the index; else this module's), as ProjectIndex.settings
    settings: dict[Origin, frozenset[str]] = field(default_factory=dict)
    # the last of the imports that open the module, after which fixes add module-wide settings
    last_import: Optional[cst.SimpleStatementLine] = None

    def setting_made(self, entry: Entry, value: Any) -> bool:
        """Whether some module of the project calls the setting entry with this literal value."""
        return repr(value) in self.settings.get(Origin(*entry.origin), ())

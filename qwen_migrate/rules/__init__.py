"""The rules: one class in one module each, carrying its code, docs and examples.

A rule looks at what the analysis found (analysis.model: clients, SDK calls), never at raw syntax. Its docstring has
ruff's sections (What it does / Why is this bad? / Fix safety); `explain` adds the first INVALID
example as "Example" and the first VALID one as "Use instead", so the documented examples are the
ones the test suite runs.
"""
from __future__ import annotations

import dataclasses
import difflib
import importlib
import inspect
import pkgutil
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, Iterator, NamedTuple, Optional, Union

from qwen_migrate import __version__
from qwen_migrate.analysis.model import CallSite, Client, ClientBinding, FrameworkObject, ResolvedModule
from qwen_migrate.settings import Settings
from qwen_migrate.edits import AddImport, Edit
from qwen_migrate.facts.dashscope import OTHER_PROVIDER, THINKING_INSTEAD_OF, batch_models
from qwen_migrate.facts.frameworks import OTHER as FRAMEWORK_OTHER
from qwen_migrate.facts.openai_sdk import CHAT_METHODS
from qwen_migrate.finding import Finding, Fix, FixSafety, Severity, Violation
from qwen_migrate.fingerprint import fingerprint
from qwen_migrate.parsing import NotParsed

if TYPE_CHECKING:  # configfiles reads the pairs and runs these rules on them
    from qwen_migrate.configfiles import Pair

# The client every call-rule example uses: already migrated, so only the rule at hand fires.
DASHSCOPE_CLIENT = """\
import os
from openai import OpenAI

client = OpenAI(
    api_key=os.getenv("DASHSCOPE_API_KEY"),
    base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
)
"""

# The same for the Responses and Conversations APIs, with the session cache on.
RESPONSES_CLIENT = """\
import os
from openai import OpenAI

client = OpenAI(
    api_key=os.getenv("DASHSCOPE_API_KEY"),
    base_url="https://dashscope-intl.aliyuncs.com/api/v2/apps/protocols/compatible-mode/v1",
    default_headers={"x-dashscope-session-cache": "enable"},
)
"""


# The groups of the catalogue (shared/RULES.md): a rule's group is named by the first digit of its code.
RULE_GROUPS = {
    "QW0": "tool",
    "QW1": "clients",
    "QW2": "chat-completions",
    "QW3": "responses",
    "QW4": "embeddings",
    "QW5": "files",
    "QW6": "batches",
    "QW7": "unsupported-apis",
    "QW8": "configuration-files",
    "QW9": "frameworks",
}

# Where the documentation lives when the installed package's metadata names no repository (a
# checkout run without installing it): the project's repository.
DEFAULT_REPOSITORY = "https://github.com/qwen-migrate/qwen-migrate"


@lru_cache(maxsize=None)
def _repository() -> str:
    """The repository the installed package's metadata names (`[project.urls]`: Repository or
    Source), else DEFAULT_REPOSITORY."""
    from importlib import metadata  # here, for start-up: only reports that link the documentation read it

    try:
        entries = metadata.metadata("qwen-migrate").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        entries = []
    urls = dict(tuple(part.strip() for part in entry.split(",", 1)) for entry in entries if "," in entry)
    return next((urls[label].rstrip("/") for label in ("Repository", "Source") if label in urls), DEFAULT_REPOSITORY)


@dataclass(frozen=True)
class Invalid:
    """An example the rule must report: `at` holds the source text of each expected finding and
    `message` its message, in the same order; `fixed` the code after the rule's fixes (unsafe ones
    included), where it has any.

    Rule files write the code as indented triple-quoted blocks passed through `textwrap.dedent`, so
    that the examples `explain` shows read in the source as they do on screen."""

    code: str
    at: Union[str, tuple[str, ...]]
    message: Union[str, tuple[str, ...]]
    fixed: Optional[str] = None

    @property
    def expected(self) -> tuple[tuple[str, str], ...]:
        """(source text, message) of each expected finding."""
        if isinstance(self.at, str) and isinstance(self.message, str):
            return ((self.at, self.message),)
        if isinstance(self.at, tuple) and isinstance(self.message, tuple) and len(self.at) == len(self.message):
            return tuple(zip(self.at, self.message))
        raise TypeError("Invalid: `at` and `message` must both be strings, or tuples of the same length")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    fix_safety: ClassVar[FixSafety]
    spec: ClassVar[str]  # the part of the compatibility page (or Model Studio page) it enforces
    VALID: ClassVar[list[str]]
    INVALID: ClassVar[list[Invalid]]
    example_language: ClassVar[str] = "python"  # what the examples are: Python code, or a batch JSONL file

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        raise NotImplementedError

    def fix(self, description: str, *edits: Optional[Edit]) -> Optional[Fix]:
        """The rule's fix, or None when one of its edits cannot be made (a parameter set in a dict
        the analysis does not see whole, say)."""
        if any(edit is None for edit in edits):
            return None
        return Fix(self.fix_safety, description, edits)

    @classmethod
    def summary(cls) -> str:
        """The first sentence of "What it does"."""
        return " ".join(cls.sections()[0][1].split()).split(". ")[0].rstrip(".") + "."

    @classmethod
    def sections(cls) -> list[tuple[str, str]]:
        """The docstring's sections as (heading, text)."""
        sections = []
        for chunk in textwrap.dedent(inspect.getdoc(cls) or "").split("## ")[1:]:
            heading, _, text = chunk.partition("\n")
            sections.append((heading.strip(), text.strip()))
        return sections

    @classmethod
    def group(cls) -> str:
        return RULE_GROUPS[cls.code[:3]]

    @classmethod
    def help_uri(cls) -> str:
        """The rule's row in the README's rule table, at the installed version's tag: the
        documentation of the release that reported it (rules_markdown gives each row its anchor)."""
        return f"{_repository()}/blob/v{__version__}/README.md#{cls.code.lower()}"

    @classmethod
    def _fenced(cls, example: str) -> str:
        return f"```{cls.example_language}\n{example.rstrip()}\n```"

    @classmethod
    def documentation(cls) -> str:
        """Markdown for `qwen-migrate explain`."""
        parts = [
            f"# {cls.code} {cls.name}",
            f"Severity: {cls.severity.value}. Fix: {cls.fix_safety.value}. Spec: {cls.spec}.",
        ]
        for heading, text in cls.sections():
            if heading == "Fix safety":
                parts += ["## Example", cls._fenced(cls.INVALID[0].code), "## Use instead", cls._fenced(cls.VALID[0])]
            parts += [f"## {heading}", text]
        return "\n\n".join(parts) + "\n"




class FileRule(Rule):
    """A rule about the file itself, reported by the engine rather than from resolved calls."""

    @classmethod
    def finding(cls, path: str, line: int, column: int, end_column: int, message: str, fix: Optional[Fix] = None, source: str = "") -> Finding:
        """A finding about the file itself; `source` is what identifies it in the file, for its fingerprint."""
        return Finding(path, line, column, line, end_column, cls.code, cls.name, cls.severity, message, fix, fingerprint(cls.code, path, source))


class RefusedFileRule(FileRule):
    """A rule about a file that is never analysed nor written (QW001, QW003): the parser's refusal
    names the rule that reports it."""

    @classmethod
    def finding_for(cls, path: str, refusal: NotParsed) -> Finding:
        """The finding about a refused file, built by the rule whose code the refusal carries."""
        rule = next(rule for rule in all_rules() if issubclass(rule, cls) and rule.code == refusal.code)
        return rule.finding(path, refusal.line, refusal.column, refusal.column, refusal.message)


class ConfigRule(FileRule):
    """A rule about a configuration file (`.env`, YAML, TOML, JSON), reported, never fixed."""

    @classmethod
    def check_pair(cls, pair: Pair, keys: set[str], settings: Settings) -> Optional[str]:
        """The message about one `key = value` pair of the file, or None; `keys` are all the file's keys."""
        raise NotImplementedError

    @classmethod
    def at(cls, path: str, pair: Pair, message: str) -> Finding:
        return Finding(
            path, pair.line, pair.column, pair.line, pair.end_column, cls.code, cls.name, cls.severity, message,
            None, fingerprint(cls.code, path, pair.key),
        )


def addressed_elsewhere(client: Union[Client, FrameworkObject], settings: Settings) -> bool:
    """A client whose literal base URL is another provider's or a local server's: the code talks to
    it on purpose, so no migration rule is about it or its calls (QW108 lists it). So for a
    framework object, one whose model string names another provider, or one built from a client
    or framework object that talks to another provider (`OpenAIChatCompletionsModel(openai_client=groq)`)."""
    if isinstance(client, FrameworkObject):
        _, base_url = client.base_url
        if client.provider == FRAMEWORK_OTHER or any(addressed_elsewhere(part, settings) for part in client.given):
            return True
    else:
        base_url = client.base_url
    return isinstance(base_url, str) and settings.provider(base_url) == OTHER_PROVIDER


class EnvironmentRead(NamedTuple):
    code: str
    needs: AddImport  # the import of os that the code relies on


def read_environment(variable: str, client: Union[Client, FrameworkObject]) -> Optional[EnvironmentRead]:
    """The code that reads a variable where the client (or framework object) is set up, for a key the code did not read
    from anywhere yet: `os.getenv(...)`, or `_os.getenv(...)` with `import os as _os` where `os` is
    bound to something else there (a variable, a parameter); None when `_os` is taken too."""
    for name in ("os", "_os"):
        if client.means(name, "os"):
            return EnvironmentRead('%s.getenv("%s")' % (name, variable), AddImport("os", asname=None if name == "os" else name))
    return None


class ClientRule(Rule):
    """A rule about clients whose constructor is in view and that may talk to OpenAI or DashScope."""

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for client in module.clients:
            if client.constructed_here and not addressed_elsewhere(client, settings):
                yield from self.check_client(client, settings)

    def check_client(self, client: ClientBinding, settings: Settings) -> Iterator[Violation]:
        raise NotImplementedError


class CallRule(Rule):
    """A rule about SDK calls of the methods it names."""

    methods: ClassVar[frozenset[str]] = CHAT_METHODS

    def check(self, module: ResolvedModule, settings: Settings) -> Iterator[Violation]:
        for call in module.calls:
            if self.applies_to(call) and not _only_elsewhere(call, settings):
                # a value imported from another module is judged there, at its literal
                yield from (_unless_shared(v, module) for v in self.check_call(call, settings) if v.node not in call.arguments.elsewhere)
        for view in module.calls_elsewhere:  # other modules' calls, with the parameters they take from here
            if self.applies_to(view) and not _only_elsewhere(view, settings):
                held = {entry.where for entry in view.arguments.entries.values()}
                yield from (_unless_shared(v, module) for v in self.check_call(view, settings) if v.node in held)

    def applies_to(self, call: CallSite) -> bool:
        return call.method in self.methods

    def check_call(self, call: CallSite, settings: Settings) -> Iterator[Violation]:
        raise NotImplementedError


def request_violations(rules: list[CallRule], call: CallSite, settings: Settings) -> Iterator[tuple[CallRule, Violation]]:
    """What `rules` find in a request seen whole (a batch line's body, a request sent at run time),
    with the rule that found each: no other module's values, no other provider to leave it to."""
    for rule in rules:
        if rule.applies_to(call):
            for violation in rule.check_call(call, settings):
                yield rule, violation


def _unless_shared(violation: Violation, module: ResolvedModule) -> Violation:
    """A finding at a constant or dict other code of the project reads too comes without a fix:
    changing the value there would change it for that code."""
    if violation.fix is None or violation.node not in module.read_elsewhere:
        return violation
    return dataclasses.replace(violation, message=violation.message + " (change it where the variable is read)", fix=None)


def _only_elsewhere(call: CallSite, settings: Settings) -> bool:
    """Every client the call may go through talks to another provider, or the framework call that
    sends it does (a LiteLLM completion of an `anthropic/` model or to a local api_base)."""
    if call.framework is not None:
        return addressed_elsewhere(call.framework, settings)
    return bool(call.clients) and all(addressed_elsewhere(client, settings) for client in call.clients)


def tool_types_outside(call: CallSite, supported: tuple[str, ...]) -> list[str]:
    """The literal `type`s of the call's `tools` entries that are not in `supported`."""
    tools = call.arguments.value("tools")
    if not isinstance(tools, list):
        return []
    return [
        tool["type"]
        for tool in tools
        if isinstance(tool, dict) and isinstance(tool.get("type"), str) and tool["type"] not in supported
    ]


def keyword_into_extra_body(call: CallSite, name: str) -> Violation:
    """A Qwen-only parameter passed as a keyword argument (QW209 on Chat Completions, QW305 on
    Responses): the SDK raises TypeError, and the safe fix moves it into extra_body."""
    move = call.arguments.move_to_extra_body(name, ((name, call.arguments.expression(name)),))
    return Violation(
        call.arguments.where(name),
        f"{name} is a Qwen-only parameter: as a keyword argument the SDK raises TypeError; pass it in extra_body",
        Fix(FixSafety.SAFE, f"Move {name} into extra_body", (move,)) if move else None,
    )


def empty(call: CallSite, name: str) -> bool:
    """The parameter is an empty list or mapping: where DashScope ignores it, nothing is lost
    (openai-agents sends `include=[]` with every Responses request)."""
    return call.arguments.value(name) in ([], {})


def instead_of_ignored(name: str) -> str:
    """What DashScope offers in an ignored parameter's place, where it offers something (QW208 on
    Chat Completions, QW305 on Responses): the end of the finding's message."""
    if name in THINKING_INSTEAD_OF:
        return f"; to control thinking, pass {' / '.join(THINKING_INSTEAD_OF[name])} in extra_body"
    return ""


def models_the_batch_runs_instead(call: CallSite, settings: Settings, suggestion: Optional[str]) -> Optional[str]:
    """For a batch request whose model the rule would replace by `suggestion`: which models the
    region's Batch API runs, when `suggestion` is not one of them (a suggestion to leave unmade)."""
    runs = batch_models(settings.region, call.method) if call.in_batch else None
    if runs is None or suggestion in runs:
        return None
    return f"the Batch API of region {settings.region!r} runs {', '.join(runs) if runs else 'no model for these requests'}"


@lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class in this package, by code."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    found = {}
    pending = list(Rule.__subclasses__())
    while pending:
        rule = pending.pop()
        pending += rule.__subclasses__()
        if "code" in rule.__dict__:
            found[rule.code] = rule
    return tuple(found[code] for code in sorted(found))


def rule_by_code(code: str) -> type[Rule]:
    for rule in all_rules():
        if rule.code == code.upper():
            return rule
    raise KeyError(code)


def rules_markdown() -> str:
    """The rule table and the fix examples of the README (a test keeps the README equal to it)."""
    rows = ["| Code | Name | Severity | Fix | What it reports |", "|---|---|---|---|---|"]
    for rule in all_rules():
        rows.append(f'| <a id="{rule.code.lower()}"></a>{rule.code} | {rule.name} | {rule.severity.value} | {rule.fix_safety.value} | {rule.summary()} |')
    rows += ["", "### What each fix does", ""]
    for rule in all_rules():
        example = next((example for example in rule.INVALID if example.fixed is not None), None)
        if example is None:
            continue
        safety = dict(rule.sections())["Fix safety"].split(":")[0].split(".")[0]
        diff = difflib.unified_diff(example.code.splitlines(), example.fixed.splitlines(), lineterm="", n=0)
        changes = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
        rows += [f"**{rule.code}** {rule.name} ({safety.lower()}):", "", "```diff", *changes, "```", ""]
    return "\n".join(rows)

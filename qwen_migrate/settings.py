"""Configuration: `[tool.qwen-migrate]` in pyproject.toml, overridden by command-line options."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Collection, Optional

from qwen_migrate.facts import dashscope
from qwen_migrate.finding import Severity
from qwen_migrate.parsing import DEFAULT_MAX_FILE_SIZE


class ConfigError(Exception):
    """A configuration problem, reported in one line and exit code 2."""


@dataclass(frozen=True)
class Settings:
    region: str = dashscope.DEFAULT_REGION
    base_url: Optional[str] = None  # custom compatible-mode URL, overrides the region's
    responses_base_url: Optional[str] = None  # custom Responses URL, overrides the region's
    responses_endpoint: str = "protocols"  # dashscope.RESPONSES_ENDPOINTS: the spec's path, or the newer page's
    max_completion_tokens: str = "ignored"  # dashscope.MAX_COMPLETION_TOKENS_SETTINGS: spec, or notice 724
    responses_instructions: str = "supported"  # dashscope.RESPONSES_INSTRUCTIONS_SETTINGS: spec, or the newer page
    api_key_env: str = "DASHSCOPE_API_KEY"
    models: dict[str, str] = field(default_factory=dict)
    select: tuple[str, ...] = ()  # code prefixes; empty: every rule
    extend_select: tuple[str, ...] = ()  # code prefixes added to `select`
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger file is QW003, never parsed
    root: Path = field(default_factory=Path.cwd)  # globs in exclude and per-file-ignores are relative to it
    configured: bool = False  # root is the folder of a configuration file, and so the project's

    @property
    def compatible_url(self) -> str:
        return self.base_url or dashscope.endpoints(self.region)[0]

    @property
    def responses_url(self) -> str:
        if self.responses_base_url:
            return self.responses_base_url
        if self.responses_endpoint == "compatible-mode":
            return self.compatible_url
        return dashscope.endpoints(self.region)[1]

    @property
    def serves_max_completion_tokens(self) -> bool:
        return self.max_completion_tokens == "supported"

    @property
    def serves_responses_instructions(self) -> bool:
        return self.responses_instructions == "supported"

    def provider(self, url: str) -> str:
        """Who serves a base URL found in code; the configured endpoints (a stand-in, a proxy) are DashScope."""
        if _same_url(url, self.compatible_url) or _same_url(url, self.responses_url):
            return dashscope.DASHSCOPE
        return dashscope.provider(url)

    def apis_served(self, url: str) -> frozenset[str]:
        """The APIs a base URL found in code serves: none when it is no DashScope endpoint."""
        served = set()
        if _same_url(url, self.compatible_url):
            served |= dashscope.COMPATIBLE_APIS
        if _same_url(url, self.responses_url):
            served |= dashscope.RESPONSES_APIS
        if dashscope.provider(url) == dashscope.DASHSCOPE:
            by_path = dashscope.path_apis(url)
            served |= by_path
            if by_path == dashscope.COMPATIBLE_APIS and self.responses_endpoint == "compatible-mode":
                served |= dashscope.RESPONSES_APIS
        return frozenset(served)

    def base_url_for(self, apis: frozenset[str], current: Optional[str] = None) -> str:
        """The base URL for a client used for `apis`. A client already on a DashScope host keeps it
        (a workspace domain, another region): only the path is chosen. A client that mixes the two
        groups gets the compatible-mode URL (QW103 reports the mix where one URL cannot serve both)."""
        responses_only = bool(apis) and apis <= dashscope.RESPONSES_APIS
        if current is not None and dashscope.provider(current) == dashscope.DASHSCOPE:
            path = dashscope.RESPONSES_ENDPOINTS[self.responses_endpoint] if responses_only else dashscope.COMPATIBLE_PATH
            return dashscope.with_path(current, path)
        return self.responses_url if responses_only else self.compatible_url

    def one_url_serves(self, apis: frozenset[str], current: Optional[str] = None) -> bool:
        """Whether one base URL serves all of `apis` (not so, by the spec, for Responses beside the
        compatible-mode APIs: QW103 reports such a client, and no fix picks one group over the other)."""
        return apis <= self.apis_served(self.base_url_for(apis, current))

    def unserved_apis(self, url: str, apis: frozenset[str]) -> frozenset[str]:
        """The APIs of `apis` that `url` does not serve, among those its fix would serve together."""
        return (apis & self.apis_served(self.base_url_for(apis, url))) - self.apis_served(url)

    def with_options(self, options: dict[str, Any], rule_codes: Collection[str]) -> "Settings":
        """These settings with command-line options applied: pyproject key -> raw value or None.
        An option that extends a list or table (`--extend-select`, `--per-file-ignores`) adds to
        the configuration's, as ruff's do; any other replaces it."""
        keys = _keys(rule_codes)
        given = {
            keys[key][0]: keys[key][1](value, f"--{key}")
            for key, value in options.items()
            if value is not None and value != ()
        }
        for name, extend in _EXTENDED_BY_OPTIONS.items():
            if name in given:
                given[name] = extend(getattr(self, name), given[name])
        return replace(self, **given)

    def with_table(self, table: dict[str, Any], source: str, rule_codes: Collection[str]) -> "Settings":
        """These settings with the keys of a `[tool.qwen-migrate]` table replaced (`--config KEY=VALUE`)."""
        return replace(self, **_parsed(table, source, rule_codes))


def _extended_ignores(configured: dict[str, tuple[str, ...]], given: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """per-file-ignores from the command line merged with the configuration's, a glob in both ignoring both lists."""
    merged = dict(configured)
    for glob, codes in given.items():
        merged[glob] = tuple(dict.fromkeys(merged.get(glob, ()) + codes))
    return merged


# Settings fields a command-line option adds to, and how.
_EXTENDED_BY_OPTIONS: dict[str, Callable[[Any, Any], Any]] = {
    "extend_select": lambda configured, given: tuple(dict.fromkeys(configured + given)),
    "per_file_ignores": _extended_ignores,
}


def _codes(value: Any, key: str, rule_codes: Collection[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of rule codes")
    codes = tuple(part.strip().upper() for v in value for part in v.split(",") if part.strip())
    for code in codes:
        if not any(k.startswith(code) for k in rule_codes):
            raise ConfigError(f"{key}: unknown rule code or prefix {code!r}")
    return codes


def _string_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of strings")
    return tuple(value)


def _string(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: expected a non-empty string")
    return value


def _url(value: Any, key: str) -> str:
    value = _string(value, key)
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{key}: expected an http(s) URL, got {value!r}")
    return value


def _models(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConfigError(f"{key}: expected a table of model names, e.g. {{ \"gpt-4o\" = \"qwen3.6-plus\" }}")
    return dict(value)


def _per_file_ignores(value: Any, key: str, rule_codes: Collection[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table of glob = [codes]")
    return {glob: _codes(codes, f"{key}.{glob!r}", rule_codes) for glob, codes in value.items()}


def _size(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{key}: expected a positive number of bytes, got {value!r}")
    return value


def _severity(value: Any, key: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise ConfigError(f"{key}: expected one of {choices}, got {value!r}") from None


def _choice(choices):
    def parse(value: Any, key: str) -> str:
        if value not in choices:
            raise ConfigError(f"{key}: expected one of {', '.join(choices)}, got {value!r}")
        return value

    return parse


def _same_url(found: str, configured: str) -> bool:
    return found.strip().rstrip("/").lower() == configured.strip().rstrip("/").lower()


def _keys(rule_codes: Collection[str]) -> dict[str, tuple[str, Callable[[Any, str], Any]]]:
    """pyproject key -> (Settings field, parser). Rule codes are checked against `rule_codes`, the
    codes of the rules there are: the caller knows them, since the rules depend on the settings."""
    codes = partial(_codes, rule_codes=rule_codes)
    return {
        "region": ("region", _choice(tuple(dashscope.REGION_HOSTS))),
        "base-url": ("base_url", _url),
        "responses-base-url": ("responses_base_url", _url),
        "responses-endpoint": ("responses_endpoint", _choice(tuple(dashscope.RESPONSES_ENDPOINTS))),
        "max-completion-tokens": ("max_completion_tokens", _choice(dashscope.MAX_COMPLETION_TOKENS_SETTINGS)),
        "responses-instructions": ("responses_instructions", _choice(dashscope.RESPONSES_INSTRUCTIONS_SETTINGS)),
        "api-key-env": ("api_key_env", _string),
        "models": ("models", _models),
        "select": ("select", codes),
        "extend-select": ("extend_select", codes),
        "ignore": ("ignore", codes),
        "per-file-ignores": ("per_file_ignores", partial(_per_file_ignores, rule_codes=rule_codes)),
        "exclude": ("exclude", _string_list),
        "fail-on": ("fail_on", _severity),
        "max-file-size": ("max_file_size", _size),
    }


def parse_table(table: dict[str, Any], root: Path, source: str, rule_codes: Collection[str]) -> Settings:
    return Settings(root=root, configured=True, **_parsed(table, source, rule_codes))


def _parsed(table: dict[str, Any], source: str, rule_codes: Collection[str]) -> dict[str, Any]:
    """The values of a `[tool.qwen-migrate]` table by Settings field, each checked."""
    keys = _keys(rule_codes)
    values = {}
    for key, value in table.items():
        if key not in keys:
            raise ConfigError(f"{source}: unknown key {key!r} in [tool.qwen-migrate]")
        name, parse = keys[key]
        values[name] = parse(value, f"{source}: {key}")
    return values


def inline_table(text: str) -> dict[str, Any]:
    """A `--config KEY=VALUE` override, TOML `key = value` as in ruff's: the table it makes, whose
    keys parse_table checks as those of `[tool.qwen-migrate]`."""
    tomllib = _toml_reader()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"--config {text!r}: neither a file nor a TOML `key = value` override: {error}") from None


def load(config_file: Optional[Path], start: Path, rule_codes: Collection[str]) -> Settings:
    """Settings from `config_file`, else from the nearest pyproject.toml with our table above `start`;
    `rule_codes` are the codes `select`, `ignore` and `per-file-ignores` may name."""
    if config_file is None:
        found = find_pyproject(start)
        if found is None:
            return Settings()
        config_file, document = found
    else:
        document = _read_toml(config_file)
    # a dedicated file may hold the table at its top level
    table = _tool_table(document, config_file).get("qwen-migrate", {} if config_file.name == "pyproject.toml" else document)
    if not isinstance(table, dict):
        raise ConfigError(f"{config_file}: tool.qwen-migrate: expected a table")
    return parse_table(table, config_file.resolve().parent, str(config_file), rule_codes)


def _tool_table(document: dict, path: Path) -> dict:
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool: expected a table")
    return tool


def _toml_reader():
    # Imported here, for start-up: a run with no configuration file above it never needs it.
    import tomllib

    return tomllib


def _read_toml(path: Path) -> dict:
    tomllib = _toml_reader()
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def find_pyproject(start: Path) -> Optional[tuple[Path, dict]]:
    """The nearest pyproject.toml with a [tool.qwen-migrate] table, and its content."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            document = _read_toml(pyproject)
            if "qwen-migrate" in _tool_table(document, pyproject):
                return pyproject, document
    return None

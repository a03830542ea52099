"""Configuration files: `.env*`, YAML, TOML and JSON settings that point code at OpenAI.

Files are read line by line for `KEY=value` (dotenv), `key: value` (YAML), `key = "value"` (TOML)
and `"key": "value"` (JSON) pairs, which is what keeps line numbers; values that span lines are not
read. Lock files and JSON that is data rather than configuration are left alone. The values of
secret settings (keys, passwords) are never printed, quoted or not; the reports mask whatever else
looks like a secret (qwen_migrate.masking).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from qwen_migrate.settings import Settings
from qwen_migrate.discovery import FileKind, file_kind
from qwen_migrate.engine import FileResult
from qwen_migrate.finding import Finding
from qwen_migrate.masking import is_secret_name, masked_value
from qwen_migrate.rules import ConfigRule, all_rules

MAX_CONFIG_BYTES = 1024 * 1024  # larger JSON or YAML is data, not configuration
MARKERS = (b"openai", b"gpt-", b"o1", b"o3", b"o4", b"text-embedding", b"davinci", b"base_url", b"api_base", b"endpoint")

_PAIRS = {
    FileKind.DOTENV: re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?P<value>.*?)\s*$"),
    FileKind.YAML: re.compile(r"^\s*-?\s*(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*:\s+(?P<value>[^#]*?)\s*(?:#.*)?$"),
    FileKind.TOML: re.compile(r"^\s*(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>[^#]*?)\s*(?:#.*)?$"),
    FileKind.JSON: re.compile(r'^\s*"(?P<key>[^"]+)"\s*:\s*(?P<value>"(?:[^"\\]|\\.)*"|[^,{}\[\]]+?)\s*,?\s*$'),
}


@dataclass(frozen=True)
class Pair:
    line: int
    column: int
    key: str
    value: str  # unquoted
    end_column: int


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def pairs(text: str, kind: FileKind) -> Iterator[Pair]:
    pattern = _PAIRS[kind]
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        match = pattern.match(line)
        if match:
            key = match.group("key").rsplit(".", 1)[-1]
            yield Pair(number, match.start("key") + 1, key, _unquote(match.group("value").strip()), match.end("value") + 1)


def check_config_file(path: Path, display: str, settings: Settings, enabled: set[str]) -> FileResult:
    """The findings of the enabled configuration-file rules (QW8) about one configuration file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileResult(display, error=f"cannot read: {error.strerror}")
    return check_config_source(data, file_kind(path), display, settings, enabled)


def check_config_source(data: bytes, kind: FileKind, display: str, settings: Settings, enabled: set[str]) -> FileResult:
    """check_config_file, of the bytes of a file of that kind (standard input, named by --stdin-filename)."""
    if len(data) > MAX_CONFIG_BYTES or (kind is FileKind.JSON and not data.lstrip().startswith(b"{")):
        return FileResult(display)
    if not any(marker in data.lower() for marker in MARKERS):  # the cheap test: nothing of OpenAI here
        return FileResult(display)
    text = data.decode("utf-8", errors="replace")
    found: list[Finding] = []
    entries = list(pairs(text, kind))
    keys = {pair.key for pair in entries}
    rules = [rule for rule in all_rules() if issubclass(rule, ConfigRule) and rule.code in enabled]
    for pair in entries:
        for rule in rules:
            message = rule.check_pair(pair, keys, settings)
            if message is not None:
                found.append(rule.at(display, pair, message))
    lines = text.splitlines()
    frames = {f.frame_key: lines[f.line - 1] for f in found}
    for pair in entries:  # the code frame must not show a secret's value either
        key = (None, pair.line)
        if is_secret_name(pair.key) and key in frames and pair.value:
            frames[key] = _masked_pair(frames[key], pair)
    return FileResult(display, found, frames)


def _masked_pair(line: str, pair: Pair) -> str:
    """The line with the pair's value masked, where it stands (before a closing quote, if any)."""
    start = line.rfind(pair.value, 0, pair.end_column - 1)
    return line[:start] + masked_value(pair.value) + line[start + len(pair.value) :]

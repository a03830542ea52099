"""What a command was asked for on the command line, one frozen object per group of options that
commands share: the command line builds each once, and a command hands it on whole."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Optional

# Marks an option that overrides the configuration key of the same name (`fail_on`: `fail-on`).
_SETTING = {"setting": True}


@dataclass(frozen=True)
class ConfigChoice:
    """What `--config` named: a configuration file (at most one), and `key = value` overrides of
    its keys (TOML, as `--config` takes them in ruff), each with the text it was given as."""

    file: Optional[Path] = None
    overrides: tuple[tuple[str, dict[str, Any]], ...] = ()


@dataclass(frozen=True)
class RunOptions:
    """The options of every command that reports: its format and file, the exit threshold, the
    configuration and the rule choice, and how much it says and in which colours."""

    output_format: str
    output_file: Optional[Path]
    fail_on: Optional[str] = field(metadata=_SETTING)
    config: ConfigChoice
    select: tuple[str, ...] = field(metadata=_SETTING)
    extend_select: tuple[str, ...] = field(metadata=_SETTING)
    ignore: tuple[str, ...] = field(metadata=_SETTING)
    per_file_ignores: Optional[dict[str, tuple[str, ...]]] = field(metadata=_SETTING)
    statistics: bool
    exit_zero: bool
    quiet: bool  # the findings, without the totals and notes
    silent: bool  # no report: the exit code alone (errors still on standard error)
    verbose: bool  # also, on standard error, what the run read and how long it took
    color: str  # auto, always or never

    def settings(self) -> dict[str, Any]:
        """The options that override the configuration, by their pyproject key (None: not given)."""
        return {f.name.replace("_", "-"): getattr(self, f.name) for f in fields(self) if f.metadata.get("setting")}


@dataclass(frozen=True)
class CodeOptions(RunOptions):
    """The options of the commands that read code (check and fix): the paths (or standard input),
    where DashScope is, which key to read, how large a file may be, and how many worker processes."""

    paths: tuple[Path, ...]
    stdin_filename: Optional[Path]  # the name of the source read from standard input (PATHS `-`)
    region: Optional[str] = field(metadata=_SETTING)
    base_url: Optional[str] = field(metadata=_SETTING)
    responses_base_url: Optional[str] = field(metadata=_SETTING)
    responses_endpoint: Optional[str] = field(metadata=_SETTING)
    max_completion_tokens: Optional[str] = field(metadata=_SETTING)
    responses_instructions: Optional[str] = field(metadata=_SETTING)
    api_key_env: Optional[str] = field(metadata=_SETTING)
    max_file_size: Optional[int] = field(metadata=_SETTING)
    jobs: int


@dataclass(frozen=True)
class FixOptions:
    """What `fix` applies and whether it writes: unsafe fixes too, TODO comments for findings
    without a fix, or only a diff."""

    unsafe: bool
    add_todo: bool
    diff: bool

    @property
    def write(self) -> bool:
        """A run for a diff writes nothing."""
        return not self.diff

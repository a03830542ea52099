"""The command line: `qwen-migrate check | fix | check-batch | rules | explain`.

Exit codes, as in ruff: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or
internal errors (one line, no traceback).
"""
from __future__ import annotations

import functools
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Optional

import click
from rich.console import Console

from qwen_migrate import __version__, runner
from qwen_migrate.cache import DEFAULT_FOLDER
from qwen_migrate.settings import ConfigError, Settings, load
from qwen_migrate.discovery import DiscoveryError, display_path
from qwen_migrate.engine import Checker, FileResult
from qwen_migrate.facts import dashscope
from qwen_migrate.finding import Severity
from qwen_migrate.fixer import FixOutcome
from qwen_migrate.masking import mask
from qwen_migrate.options import CodeOptions, FixOptions, RunOptions
from qwen_migrate.report import REPORTERS, RunResult, write_report
from qwen_migrate.rules import all_rules, rule_by_code, rules_markdown

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(click.UsageError):
    """Usage and configuration errors exit with code 2 and one line, secrets masked (a value may be quoted)."""

    def __init__(self, message: str) -> None:
        super().__init__(mask(message))


def _console(output_file: Optional[Path]) -> Console:
    # soft_wrap keeps long lines whole: reports are read by programs and grep too.
    if output_file is None:
        return Console(soft_wrap=True, highlight=False)
    try:
        stream = output_file.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{output_file}: {error.strerror}") from None
    return Console(file=stream, soft_wrap=True, highlight=False, no_color=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qwen-migrate")
def main() -> None:
    """Find and fix what breaks when OpenAI SDK code moves to Qwen on DashScope."""


def _given_as(options_class: type, name: str, click_options: list):
    """A decorator that applies click options (and arguments) in the order they are listed, and
    hands their values to the command as one `options_class` object, its parameter `name`."""

    def decorate(command):
        @functools.wraps(command)
        def with_options(**given):
            options = options_class(**{f.name: given.pop(f.name) for f in fields(options_class)})
            return command(**given, **{name: options})

        for option in reversed(click_options):
            with_options = option(with_options)
        return with_options

    return decorate


# The options every command that reports shares (RunOptions): report, threshold, configuration, rule choice.
_RUN_OPTIONS = [
    click.option("--format", "output_format", type=click.Choice(list(REPORTERS)), default="text", show_default=True, help="Report format."),
    click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file."),
    click.option("--fail-on", type=click.Choice([s.value for s in Severity]), help="Lowest severity that makes the exit code 1 [default: warning]."),
    click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Read settings from this TOML file instead of the nearest pyproject.toml."),
    click.option("--select", multiple=True, help="Only these rule codes or prefixes (comma-separated or repeated)."),
    click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes."),
    click.option("--statistics", is_flag=True, help="Print counts per code and the migration progress instead of each finding."),
    click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain (2 still means an error)."),
]


def _settings(options: RunOptions, paths: tuple[Path, ...]) -> Settings:
    """The configuration, with the command's options applied over it."""
    try:
        rule_codes = [rule.code for rule in all_rules()]
        return load(options.config_file, paths[0] if paths else Path.cwd(), rule_codes).with_options(options.settings(), rule_codes)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _echo_errors(errors: list[FileResult]) -> None:
    for result in errors:
        click.echo(f"qwen-migrate: {result.path}: {mask(result.error)}", err=True)


def _report_and_exit(run: RunResult, settings: Settings, options: RunOptions) -> None:
    console = _console(options.output_file)
    write_report(run, options.output_format, options.statistics, console)
    if options.output_file is not None:
        console.file.close()
    _echo_errors(run.errors)
    if run.errors:
        sys.exit(EXIT_ERROR)
    worst = run.worst()
    failing = worst is not None and worst.rank >= settings.fail_on.rank
    sys.exit(EXIT_FINDINGS if failing and not options.exit_zero else EXIT_CLEAN)


# The options of the commands that read code (CodeOptions): the paths, the options of every command
# that reports, where DashScope is, which key to read, how many jobs.
_code_options = _given_as(
    CodeOptions,
    "options",
    [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        *_RUN_OPTIONS,
        click.option("--region", type=click.Choice(sorted(dashscope.REGION_HOSTS)), help="DashScope region whose endpoints fixes use [default: intl]."),
        click.option("--base-url", help="Custom compatible-mode base URL (overrides the region's)."),
        click.option("--responses-base-url", help="Custom Responses/Conversations base URL (overrides the region's)."),
        click.option("--responses-endpoint", type=click.Choice(sorted(dashscope.RESPONSES_ENDPOINTS)), help="Where Responses is served: the spec's protocols path, or compatible-mode (newer Model Studio page) [default: protocols]."),
        click.option("--max-completion-tokens", type=click.Choice(dashscope.MAX_COMPLETION_TOKENS_SETTINGS), help="ignored (the spec: QW208 renames it to max_tokens) or supported (Model Studio notice 724) [default: ignored]."),
        click.option("--responses-instructions", type=click.Choice(dashscope.RESPONSES_INSTRUCTIONS_SETTINGS), help="supported (the spec) or ignored (the newer Responses page: QW305 reports it) [default: supported]."),
        click.option("--api-key-env", help="Environment variable that holds the DashScope key [default: DASHSCOPE_API_KEY]."),
        click.option("--max-file-size", type=click.IntRange(min=1), help="Files larger than this many bytes are not analysed (QW003) [default: 1000000]."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=runner.default_jobs, show_default="the number of CPUs", help="Worker processes (1: run in this process)."),
    ],
)


def _prepare(options: CodeOptions, **cache) -> tuple[Settings, runner.Run]:
    """The settings, and the run over the files the paths name, within their project."""
    paths = options.paths or (Path("."),)
    settings = _settings(options, paths)
    try:
        return settings, runner.Run(list(paths), settings, options.jobs, _progress_console(), **cache)
    except DiscoveryError as error:
        raise UsageError(str(error)) from None


@main.command(short_help="Report OpenAI SDK usage that breaks or differs on DashScope.")
@_code_options
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path), help="Report and fail only on findings not recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), help="Record today's findings in this baseline file (entries no longer found are pruned).")
@click.option("--add-noqa", is_flag=True, help="Append `# noqa: CODE` to every line with findings, merging with noqa comments there.")
@click.option("--explain-unresolved", is_flag=True, help="Also list the SDK calls whose **kwargs, or whose client, the analysis cannot follow, and those through a parameter only some callers pass an OpenAI client.")
@click.option("--no-cache", is_flag=True, envvar="QWEN_MIGRATE_NO_CACHE", help="Neither read nor write the cache (also: QWEN_MIGRATE_NO_CACHE=1).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), envvar="QWEN_MIGRATE_CACHE_DIR", help=f"Where the cache is kept (also: QWEN_MIGRATE_CACHE_DIR) [default: {DEFAULT_FOLDER} in the project's root].")
def check(
    options: CodeOptions,
    baseline_file: Optional[Path],
    write_baseline: Optional[Path],
    add_noqa: bool,
    explain_unresolved: bool,
    no_cache: bool,
    cache_dir: Optional[Path],
) -> None:
    """Report OpenAI SDK usage that breaks or behaves differently on DashScope.

    PATHS are files or directories (default: the current directory). Directories are walked,
    skipping .gitignored files, virtualenvs, node_modules, build output and `exclude` globs.
    """
    settings, checking = _prepare(options, cache=not no_cache, cache_dir=cache_dir)
    results = checking.check()
    run = RunResult(results, reanalyse=checking.reanalysis())
    if add_noqa:
        from qwen_migrate.add_noqa import add_noqa_to_files  # here, for start-up: only --add-noqa writes comments

        commented, unsuppressed = add_noqa_to_files(checking.files, results)
        click.echo(f"Added noqa comments to {commented} lines.", err=True)
        if unsuppressed:
            click.echo(f"{unsuppressed} findings could not be suppressed with a comment.", err=True)
    if write_baseline is not None or baseline_file is not None:
        _apply_baseline(run, write_baseline, baseline_file)
    explain = REPORTERS[options.output_format].unresolved
    if explain_unresolved and explain is not None:
        explain(run, Console(soft_wrap=True, highlight=False))
    _report_and_exit(run, settings, options)


def _apply_baseline(run: RunResult, write_baseline: Optional[Path], baseline_file: Optional[Path]) -> None:
    """Records the run's findings in `write_baseline`; then keeps in the run only the findings
    that `baseline_file` does not record."""
    from qwen_migrate import baseline  # here, for start-up: only a run with a baseline reads or writes one

    if write_baseline is not None:
        try:
            baseline.write(write_baseline, run.findings)
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None
        click.echo(f"Wrote {len(run.findings)} findings to {write_baseline}.", err=True)
    if baseline_file is not None:
        try:
            baseline.leave_out_known(run, baseline.read(baseline_file))
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None


def _progress_console() -> Console:
    return Console(stderr=True)


@main.command(short_help="Apply the fixes in place (unsafe ones with --unsafe-fixes).")
@_code_options
@_given_as(
    FixOptions,
    "choices",
    [
        click.option("--unsafe-fixes", "unsafe", is_flag=True, help="Apply unsafe fixes too."),
        click.option("--diff", is_flag=True, help="Print a unified diff and write nothing (exit 1 if there is a diff)."),
        click.option("--add-todo", is_flag=True, help="Add a `# TODO(qwen-migrate): CODE ...` line above each finding that has no fix."),
    ],
)
def fix(options: CodeOptions, choices: FixOptions) -> None:
    """Apply the fixes (safe ones; unsafe ones too with --unsafe-fixes) in place.

    Reports what it changed and what remains. Exits 1 while findings at or above --fail-on remain.
    """
    if choices.diff and (options.output_format != "text" or options.statistics):
        raise UsageError("--diff prints a unified diff: --format and --statistics are for the report of a fix that writes")
    settings, fixing = _prepare(options)
    per_file = fixing.fix(choices)
    outcomes = [item for item in per_file if isinstance(item, FixOutcome)]
    errors = [item for item in per_file if isinstance(item, FileResult) and item.error]
    if choices.diff:
        diffs = [outcome.diff() for outcome in outcomes if outcome.changed]
        console = _console(options.output_file)
        console.file.write("".join(diffs))
        if options.output_file is not None:
            console.file.close()
        _echo_errors(errors)
        sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if diffs and not options.exit_zero else EXIT_CLEAN)
    run = RunResult([item.remaining if isinstance(item, FixOutcome) else item for item in per_file], fixes=outcomes)
    _report_and_exit(run, settings, options)


@main.command("check-batch")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_given_as(RunOptions, "options", _RUN_OPTIONS)
def check_batch(files: tuple[Path, ...], options: RunOptions) -> None:
    """Check batch input JSONL FILES before upload (QW602).

    Limits (50,000 requests, 500 MB, 6 MB a line), the fields of every line, repeated custom_ids,
    one model per file, and each request body against the Chat Completions and Embeddings rules.
    """
    from qwen_migrate.batch import check_batch_file  # here, for start-up: no other command reads batch files

    settings = _settings(options, files)
    checker = Checker(settings)
    run = RunResult([check_batch_file(checker, path.resolve(), display_path(path.resolve())) for path in files])
    _report_and_exit(run, settings, options)


@main.command()
@click.option("--format", "output_format", type=click.Choice(("text", "json", "markdown")), default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every rule: code, name, severity and fix."""
    if output_format == "markdown":
        click.echo(rules_markdown(), nl=False)
        return
    if output_format == "json":
        listing = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "fix": r.fix_safety.value, "summary": r.summary()}
            for r in all_rules()
        ]
        click.echo(json.dumps(listing, indent=2))
        return
    from rich.table import Table  # here, for start-up: only this command prints a table

    table = Table("Code", "Name", "Severity", "Fix", "What it reports", box=None)
    for rule in all_rules():
        table.add_row(rule.code, rule.name, rule.severity.value, rule.fix_safety.value, rule.summary())
    console = Console(soft_wrap=False, highlight=False)
    if not console.is_terminal:  # a pipe or a file: one whole line a rule, for grep and other programs
        console.width = console.measure(table, options=console.options.update_width(sys.maxsize)).maximum
    with console.capture() as captured:
        console.print(table)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))  # cells are padded to the column


@main.command(short_help="Print the documentation of a rule (e.g. QW208).")
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of the rule CODE (e.g. QW208)."""
    try:
        rule = rule_by_code(code)
    except KeyError:
        raise UsageError(f"unknown rule code {code!r}; `qwen-migrate rules` lists them") from None
    click.echo(rule.documentation(), nl=False)


@main.command(short_help="Run the language server (LSP over stdio) for editors.")
def lsp() -> None:
    """Run the language server on stdin and stdout: diagnostics as you type, fixes as code actions.

    Needs pygls: pip install 'qwen-migrate[lsp]'.
    """
    try:
        from qwen_migrate.lsp import serve  # here, for start-up: only this command needs pygls
    except ImportError as error:
        missing = (error.name or "").partition(".")[0]
        if missing not in ("pygls", "lsprotocol"):
            raise
        click.echo(f"qwen-migrate: lsp needs {missing}: pip install 'qwen-migrate[lsp]'", err=True)
        sys.exit(EXIT_ERROR)
    serve()

"""The command line: `qwen-migrate check | fix | check-batch | rules | explain | lsp`.

Exit codes, as in ruff: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or
internal errors (one line, no traceback).
"""
from __future__ import annotations

import functools
import json
import os
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Optional, Union

import click
from rich.console import Console

from qwen_migrate import __version__, runner
from qwen_migrate.cache import DEFAULT_FOLDER
from qwen_migrate.settings import ConfigError, Settings, find_pyproject, inline_table, load
from qwen_migrate.discovery import DiscoveryError, display_path
from qwen_migrate.engine import Checker, FileResult
from qwen_migrate.facts import dashscope
from qwen_migrate.finding import Severity
from qwen_migrate.fixer import FixOutcome
from qwen_migrate.masking import mask
from qwen_migrate.options import CodeOptions, ConfigChoice, FixOptions, RunOptions
from qwen_migrate.report import REPORTERS, RunResult, formats_besides_code, write_report
from qwen_migrate.report.run import counted
from qwen_migrate.rules import all_rules, rule_by_code, rules_markdown
from qwen_migrate.stdin import STDIN, SourceRun

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(click.UsageError):
    """Usage and configuration errors exit with code 2 and one line, secrets masked (a value may be quoted)."""

    def __init__(self, message: str) -> None:
        super().__init__(mask(message))


COLOR_CHOICES = ("auto", "always", "never")


def _resolved_color(choice: str) -> str:
    """--color, with `auto` settled by the environment where it speaks: NO_COLOR
    (https://no-color.org) means no escape at all, FORCE_COLOR (https://force-color.org) colours in
    a pipe too, each when set and not empty; NO_COLOR wins. The option, when given, wins over both."""
    if choice == "auto":
        if os.environ.get("NO_COLOR"):
            return "never"
        if os.environ.get("FORCE_COLOR"):
            return "always"
    return choice


def _console(options: RunOptions, to_stderr: bool = False) -> Console:
    # soft_wrap keeps long lines whole: reports are read by programs and grep too.
    if options.output_file is None:
        return Console(soft_wrap=True, highlight=False, stderr=to_stderr, **_console_colors(options.color))
    try:
        stream = options.output_file.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{options.output_file}: {error.strerror}") from None
    return Console(file=stream, soft_wrap=True, highlight=False, color_system=None)


def _console_colors(choice: str) -> dict:
    """The Console arguments for --color. Without a colour system rich writes no escape at all;
    rich's own `no_color` (what it makes of NO_COLOR) keeps bold."""
    color = _resolved_color(choice)
    if color == "never":
        return {"color_system": None}
    if color == "always":  # "standard": rich finds no colour system on TERM=dumb, and always means always
        return {"force_terminal": True, "no_color": False, "color_system": "standard"}
    return {}


class _AliasedOption(click.Option):
    """An option whose later spellings are kept for old command lines: all work, help shows the first."""

    def get_help_record(self, ctx: click.Context):
        spellings = self.opts
        self.opts = spellings[:1]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = spellings


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


def _config_choice(context: click.Context, parameter: click.Parameter, values: tuple[str, ...]) -> ConfigChoice:
    """`--config`, as in ruff: a value that names a file is the configuration file (one at most);
    any other value with `=` is a TOML `key = value` override of one of its keys."""
    files, overrides = [], []
    for value in values:
        try:
            is_file, is_dir = Path(value).is_file(), Path(value).is_dir()
        except OSError:  # a name too long for a file: an override, or nothing
            is_file = is_dir = False
        if is_file:
            files.append(Path(value))
        elif is_dir:
            raise UsageError(f"--config {value}: a folder, not a file")
        elif "=" in value:
            try:
                overrides.append((value, inline_table(value)))
            except ConfigError as error:
                raise UsageError(str(error)) from None
        else:
            raise UsageError(f"--config {value}: no such file, nor a `key = value` override")
    if len(files) > 1:
        raise UsageError(f"--config: one configuration file at most, got {files[0]} and {files[1]}")
    return ConfigChoice(files[0] if files else None, tuple(overrides))


def _per_file_ignores(context: click.Context, parameter: click.Parameter, values: tuple[str, ...]) -> Optional[dict[str, tuple[str, ...]]]:
    """`--per-file-ignores GLOB:CODES`, repeated: glob -> its codes, checked as the configuration's are."""
    ignores: dict[str, tuple[str, ...]] = {}
    for value in values:
        glob, colon, codes = value.rpartition(":")  # a code has no colon; a glob may
        if not colon or not glob.strip() or not codes.strip():
            raise click.BadParameter(f"expected GLOB:CODES (e.g. 'tests/**:QW210,QW2'), got {value!r}")
        ignores[glob] = ignores.get(glob, ()) + (codes,)
    return ignores or None


# The options every command that reports shares (RunOptions): report, threshold, configuration,
# rule choice, how much it says and in which colours.
_RUN_OPTIONS = [
    click.option("--output-format", "--format", "output_format", cls=_AliasedOption, type=click.Choice(list(REPORTERS)), default="text", show_default=True, help="Report format."),
    click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file."),
    click.option("--fail-on", type=click.Choice([s.value for s in Severity]), help="Lowest severity that makes the exit code 1 [default: warning]."),
    click.option("--config", multiple=True, callback=_config_choice, metavar="FILE | KEY=VALUE", help="Read settings from this TOML file instead of the nearest pyproject.toml; or, given a TOML `key = value`, override that key of [tool.qwen-migrate] (repeatable)."),
    click.option("--select", multiple=True, help="Only these rule codes or prefixes (comma-separated or repeated)."),
    click.option("--extend-select", multiple=True, help="Rule codes or prefixes to add to those selected (by --select or the configuration)."),
    click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes."),
    click.option("--per-file-ignores", multiple=True, callback=_per_file_ignores, metavar="GLOB:CODES", help="Skip these codes in the files the glob matches (repeatable; added to the configuration's)."),
    click.option("--statistics", is_flag=True, help="Print counts per code and the migration progress instead of each finding."),
    click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain (2 still means an error)."),
    click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no totals, no notes."),
    click.option("--silent", "-s", is_flag=True, help="Print no report (unless to --output-file): the exit code tells; errors still go to standard error."),
    click.option("--verbose", "-v", is_flag=True, help="Also print, on standard error, the settings read, the rules and files taken, and how long each step took."),
    click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True, help="Colours in the text report; auto: on a terminal, unless NO_COLOR is set, or FORCE_COLOR is."),
]


def _say(options: RunOptions, message: str) -> None:
    """A line of --verbose, on standard error."""
    if options.verbose:
        click.echo(f"qwen-migrate: {message}", err=True)


def _note(options: RunOptions, message: str) -> None:
    """A note for a person beside the report, on standard error; --quiet and --silent leave it out."""
    if not (options.quiet or options.silent):
        click.echo(message, err=True)


def _settings(options: RunOptions, start: Path) -> Settings:
    """The configuration (looked for above `start`), its keys overridden by `--config KEY=VALUE`,
    then the command's options applied over it."""
    if options.verbose and (options.quiet or options.silent):
        raise UsageError("--verbose says more, --quiet and --silent less: give one")
    try:
        rule_codes = [rule.code for rule in all_rules()]
        settings = load(options.config.file, start, rule_codes)
        for text, table in options.config.overrides:
            settings = settings.with_table(table, f"--config {text!r}", rule_codes)
        settings = settings.with_options(options.settings(), rule_codes)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if options.verbose:
        found = (options.config.file,) if options.config.file is not None else find_pyproject(start)
        _say(options, f"settings: {found[0]}" if found else f"settings: the defaults (no pyproject.toml with [tool.qwen-migrate] above {start})")
        for text, _ in options.config.overrides:
            _say(options, f"settings: --config {text}")
        enabled = Checker(settings).rules
        _say(options, f"rules: {len(enabled)} of {len(rule_codes)} enabled")
    return settings


def _echo_errors(errors: list[FileResult]) -> None:
    for result in errors:
        click.echo(f"qwen-migrate: {result.path}: {mask(result.error)}", err=True)


def _report_and_exit(run: RunResult, settings: Settings, options: RunOptions, to_stderr: bool = False) -> None:
    """Writes the report (to standard error with `to_stderr`, where `fix -` keeps standard output
    for the fixed source) and exits with the run's exit code."""
    if _reports(options):
        console = _console(options, to_stderr)
        write_report(run, options.output_format, options.statistics, console, options.quiet)
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
        click.option("--stdin-filename", type=click.Path(dir_okay=False, path_type=Path), help="The name of the source read from standard input (PATHS `-`): the path reported, and the one the settings, exclude and per-file-ignores are looked up for, and whether it is Python, a notebook or a configuration file."),
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


def _reports(options: RunOptions) -> bool:
    """Whether a report (or a diff) is written: --silent writes one only to --output-file."""
    return not options.silent or options.output_file is not None


def _reads_stdin(options: CodeOptions) -> bool:
    """Whether the run reads standard input: PATHS is `-`, or --stdin-filename is given without PATHS (as in ruff)."""
    if any(str(path) == STDIN for path in options.paths):
        if len(options.paths) > 1:
            raise UsageError("`-` reads standard input: it is the only path of such a run")
        return True
    if options.stdin_filename is not None and options.paths:
        raise UsageError("--stdin-filename names standard input: give `-` as the only path, or no path")
    return options.stdin_filename is not None


def _prepare(options: CodeOptions, **cache) -> tuple[Settings, Union[runner.Run, SourceRun]]:
    """The settings, and the run over the files the paths name, within their project, or over
    standard input (its settings those of the folder --stdin-filename names)."""
    if _reads_stdin(options):
        settings = _settings(options, options.stdin_filename or Path.cwd())
        source = SourceRun(sys.stdin.buffer.read(), options.stdin_filename, settings)
        _say(options, f"standard input, as {source.display}{' (excluded)' if source.excluded else ''}")
        return settings, source
    paths = options.paths or (Path("."),)
    settings = _settings(options, paths[0])
    started = time.perf_counter()
    try:
        run = runner.Run(list(paths), settings, options.jobs, _progress_console(options), **cache)
    except DiscoveryError as error:
        raise UsageError(str(error)) from None
    _say(options, f"found {counted(len(run.files), 'file')} to check in {time.perf_counter() - started:.2f} s:")
    for path in run.files:
        _say(options, f"  {display_path(path)}")
    return settings, run


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
    `-` (or --stdin-filename alone) reads the source from standard input.
    """
    if add_noqa and _reads_stdin(options):
        raise UsageError("--add-noqa writes comments into files: standard input is none")
    settings, checking = _prepare(options, cache=not no_cache, cache_dir=cache_dir)
    started = time.perf_counter()
    results = checking.check()
    _say(options, f"checked in {time.perf_counter() - started:.2f} s")
    run = RunResult(results, reanalyse=checking.reanalysis())
    if add_noqa:
        from qwen_migrate.add_noqa import add_noqa_to_files  # here, for start-up: only --add-noqa writes comments

        commented, unsuppressed = add_noqa_to_files(checking.files, results)
        _note(options, f"Added noqa comments to {commented} lines.")
        if unsuppressed:
            _note(options, f"{unsuppressed} findings could not be suppressed with a comment.")
    if write_baseline is not None or baseline_file is not None:
        _apply_baseline(run, write_baseline, baseline_file, options)
    explain = REPORTERS[options.output_format].unresolved
    if explain_unresolved and explain is not None and not options.silent:
        explain(run, Console(soft_wrap=True, highlight=False, **_console_colors(options.color)))
    _report_and_exit(run, settings, options)


def _apply_baseline(run: RunResult, write_baseline: Optional[Path], baseline_file: Optional[Path], options: RunOptions) -> None:
    """Records the run's findings in `write_baseline`; then keeps in the run only the findings
    that `baseline_file` does not record."""
    from qwen_migrate import baseline  # here, for start-up: only a run with a baseline reads or writes one

    if write_baseline is not None:
        try:
            baseline.write(write_baseline, run.findings)
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None
        _note(options, f"Wrote {len(run.findings)} findings to {write_baseline}.")
    if baseline_file is not None:
        try:
            baseline.leave_out_known(run, baseline.read(baseline_file))
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None


def _progress_console(options: RunOptions) -> Console:
    return Console(stderr=True, **({"color_system": None} if _resolved_color(options.color) == "never" else {}))


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

    `-` (or --stdin-filename alone) reads the source from standard input and writes it, fixed, to
    standard output; the report goes to standard error.
    """
    if choices.diff and (options.output_format != "text" or options.statistics):
        raise UsageError("--diff prints a unified diff: --output-format and --statistics are for the report of a fix that writes")
    settings, fixing = _prepare(options)
    started = time.perf_counter()
    per_file = fixing.fix(choices)
    _say(options, f"fixed in {time.perf_counter() - started:.2f} s")
    outcomes = [item for item in per_file if isinstance(item, FixOutcome)]
    errors = [item for item in per_file if isinstance(item, FileResult) and item.error]
    if choices.diff:
        diffs = [outcome.diff() for outcome in outcomes if outcome.changed]
        if _reports(options):
            console = _console(options)
            console.file.write("".join(diffs))
            if options.output_file is not None:
                console.file.close()
        _echo_errors(errors)
        sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if diffs and not options.exit_zero else EXIT_CLEAN)
    if isinstance(fixing, SourceRun):  # the source, fixed, or as it came when nothing was fixed
        sys.stdout.buffer.write(outcomes[0].fixed if outcomes else fixing.data)
        sys.stdout.buffer.flush()
    run = RunResult([item.remaining if isinstance(item, FixOutcome) else item for item in per_file], fixes=outcomes)
    _report_and_exit(run, settings, options, to_stderr=isinstance(fixing, SourceRun))


@main.command("check-batch")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_given_as(RunOptions, "options", _RUN_OPTIONS)
def check_batch(files: tuple[Path, ...], options: RunOptions) -> None:
    """Check batch input JSONL FILES before upload (QW602).

    Limits (50,000 requests, 500 MB, 6 MB a line), the fields of every line, repeated custom_ids,
    one model per file, and each request body against the Chat Completions and Embeddings rules.
    """
    from qwen_migrate.batch import check_batch_file  # here, for start-up: no other command reads batch files

    if REPORTERS[options.output_format].of_code:
        raise UsageError(f"--output-format {options.output_format} reports on code; check-batch writes {', '.join(formats_besides_code())}")
    settings = _settings(options, files[0])
    checker = Checker(settings)
    run = RunResult([check_batch_file(checker, path.resolve(), display_path(path.resolve())) for path in files])
    _report_and_exit(run, settings, options)


@main.command()
@click.option("--output-format", "--format", "output_format", cls=_AliasedOption, type=click.Choice(("text", "json", "markdown")), default="text", show_default=True, help="Listing format.")
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

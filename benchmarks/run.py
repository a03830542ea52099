"""Speed and memory of qwen-migrate on a large mixed repository, each target as a ratio to a baseline
measured in the same run (issue 14).

Run: python benchmarks/run.py [--runs 3] [--quick] [--before CHECKOUT]

It builds, in a temporary folder and without the network, a git repository (one project for the
pre-pass) from:
- a copy of the running interpreter's standard library (`Lib/`, real code nobody here wrote);
- the sources of the installed packages that use the SDK: openai itself and those of instructor,
  langchain_openai, langchain_core, mem0, autogen_ext, autogen_agentchat, dspy and litellm that are
  installed (`pip install -e '.[bench]'` installs the ones that install quickly);
- generated SDK modules (about 2% of the standard library's count): clients built in one module and
  used in others, chat, embeddings, Responses, Azure, the module-level client;
and a second repository holding only the files that mention `openai` (with the `__init__.py` files
that keep their packages' names). Then it measures, as medians of --runs runs, and prints a markdown
table with the machine:

- the floor: start-up (the tool on one small file outside any project) plus LibCST's `parse_module`
  of the files that mention `openai`, timed inside one process;
- `check --jobs 1` on the mixed tree and on the SDK-only copy against their floors;
- peak memory (max RSS) of `check --jobs 1` on the mixed tree;
- the default `--jobs` against `--jobs 1` on the mixed tree and on the SDK-only copy;
- a warm re-run (the cache filled by a first run, nothing changed) against start-up;
- `fix --diff` against `check` on the SDK-only copy;
- start-up against `python -c "import libcst"`;
- with `--before`, `check --jobs 1` on both trees against an earlier version's (a checkout of it, put
  first on the import path of the same interpreter), to see what a change costs.

Cold runs pass `--no-cache` and warm ones a fresh `--cache-dir` when `check` has those options (the
script works with a qwen-migrate that has no cache too: then every run is cold).
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import Optional

TOOL = [sys.executable, "-m", "qwen_migrate"]
# The packages that use the SDK whose installed sources join the mixed tree: (import name, distribution).
SDK_PACKAGES = [
    ("openai", "openai"),
    ("instructor", "instructor"),
    ("langchain_openai", "langchain-openai"),
    ("langchain_core", "langchain-core"),
    ("mem0", "mem0ai"),
    ("autogen_ext", "autogen-ext"),
    ("autogen_agentchat", "autogen-agentchat"),
    ("dspy", "dspy"),
    ("litellm", "litellm"),
]
SMALL_FILE = 'from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'

CLIENTS = '''\
import os
from openai import AsyncOpenAI, OpenAI

client = OpenAI()
responses_client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")


def make_async() -> AsyncOpenAI:
    return AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"])
'''

PATTERNS = [
    '''\
from llmapp.clients import client


def answer_{n}(question):
    return client.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": question}}], store=True, tool_choice="required", tools=TOOLS)
''',
    '''\
from llmapp import clients


def embed_{n}(texts):
    return clients.client.embeddings.create(model="text-embedding-3-small", input=texts, user="u{n}")
''',
    '''\
from llmapp.clients import responses_client


def respond_{n}(text, previous):
    return responses_client.responses.create(model="qwen3.6-plus", input=text, previous_response_id=previous)
''',
    '''\
from llmapp.clients import make_async


class Worker{n}:
    def __init__(self):
        self.llm = make_async()

    async def run(self, text):
        return await self.llm.chat.completions.create(model="gpt-4o-mini", messages=[{{"role": "user", "content": text}}], enable_thinking=False, max_completion_tokens=64)
''',
    '''\
import os
from openai import AzureOpenAI

azure = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-06-01")


def classify_{n}(text):
    return azure.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": text}}], response_format={{"type": "json_schema", "json_schema": {{}}}})
''',
    '''\
import openai


def legacy_{n}(text):
    return openai.chat.completions.create(model="gpt-3.5-turbo", messages=[{{"role": "user", "content": text}}], n=6)
''',
]


def mentions_sdk(path: Path) -> bool:
    return b"openai" in path.read_bytes()


def copy_sources(source: Path, target: Path, sample: int) -> int:
    """Copy the .py files below `source` (every `sample`th one, and every `__init__.py`); returns the count."""
    count = 0
    for index, path in enumerate(sorted(source.rglob("*.py"))):
        relative = path.relative_to(source)
        if "site-packages" in relative.parts or "__pycache__" in relative.parts:
            continue
        if index % sample and path.name != "__init__.py":
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / relative)
        count += 1
    return count


def generate_sdk_modules(root: Path, stdlib: Path, count: int) -> None:
    """A package of SDK modules: clients built in one module, used in `count` others. Real SDK-using
    modules hold other code too, so each one carries a standard-library module's code."""
    package = root / "llmapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "clients.py").write_text(CLIENTS)
    bodies = [text for text in (p.read_text(encoding="utf-8") for p in sorted(stdlib.glob("*.py"))) if 200 < len(text.splitlines()) < 1500]
    for n in range(count):
        (package / f"feature_{n}.py").write_text(PATTERNS[n % len(PATTERNS)].format(n=n) + "\n\n" + bodies[n % len(bodies)])


def git_repository(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def build_mixed_tree(root: Path, sample: int) -> list[str]:
    """The standard library, the installed SDK-using packages and generated SDK modules, in a git
    repository; returns the packages included, with their versions."""
    git_repository(root)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    stdlib_files = copy_sources(stdlib, root / "Lib", sample)
    included = []
    for name, distribution in SDK_PACKAGES:
        spec = util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        copy_sources(Path(spec.origin).parent, root / "packages" / name, sample)
        included.append(f"{distribution} {metadata.version(distribution)}")
    generate_sdk_modules(root, stdlib, max(1, stdlib_files // 50))
    return included


def build_sdk_copy(mixed: Path, root: Path) -> None:
    """Only the files of the mixed tree that mention `openai`, with the `__init__.py` files above them
    (so that every module keeps its name), in a git repository of their own."""
    git_repository(root)
    for path in python_files(mixed):
        if not mentions_sdk(path):
            continue
        relative = path.relative_to(mixed)
        folder = relative.parent
        while folder != Path(".") and (mixed / folder / "__init__.py").is_file():
            (root / folder).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(mixed / folder / "__init__.py", root / folder / "__init__.py")
            folder = folder.parent
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / relative)


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if ".git" not in p.relative_to(root).parts)


@dataclass
class Run:
    seconds: float  # wall time: what the targets are stated in
    # User plus system time of every process: on a machine shared with other work, wall times
    # stretch with the load while this stays close to what an idle machine would take.
    cpu_seconds: float
    max_rss_mb: float = 0.0

    def __add__(self, other: Run) -> Run:
        return Run(self.seconds + other.seconds, self.cpu_seconds + other.cpu_seconds)

    def __str__(self) -> str:
        return f"{self.seconds:.2f} s (CPU {self.cpu_seconds:.2f} s)"


def run(command: list[str], cwd: Path, env: Optional[dict[str, str]] = None) -> Run:
    """Wall time and max RSS (of the command's largest process) of one run; a run that fails with an
    error (exit 2 or worse) stops the benchmark, as its time would measure nothing."""
    started = time.perf_counter()
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        stderr = process.stderr.read()
        # wait4, not wait: the resource usage of this child alone (and of the workers it waited for).
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} (in {cwd}) exited {process.returncode}:\n{stderr.decode(errors='replace')}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median_run(command: list[str], cwd: Path, runs: int, env: Optional[dict[str, str]] = None) -> Run:
    return medians([run(command, cwd, env) for _ in range(runs)])


def medians(results: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, field) for r in results) for field in ("seconds", "cpu_seconds", "max_rss_mb")))


PARSE = """
import sys, time
import libcst
sources = [open(name, 'rb').read() for name in sys.stdin.read().splitlines()]
started, cpu_started = time.perf_counter(), time.process_time()
for data in sources:
    try:
        libcst.parse_module(data)
    except Exception:
        pass
print(time.perf_counter() - started, time.process_time() - cpu_started)
"""


def parse_time(files: list[Path], runs: int) -> Run:
    """Median time LibCST's `parse_module` takes over the files, inside one process (reading them and
    starting the process are not counted: start-up is the floor's other part)."""
    listing = "\n".join(str(f) for f in files)
    outputs = [subprocess.run([sys.executable, "-c", PARSE], input=listing, capture_output=True, text=True, check=True).stdout for _ in range(runs)]
    return medians([Run(*map(float, output.split())) for output in outputs])


def check_options(cwd: Path) -> set[str]:
    """The cache options `check` has, asked in the folder the runs start in (`python -m` imports from there first)."""
    help_text = subprocess.run([*TOOL, "check", "--help"], cwd=cwd, capture_output=True, text=True, check=True).stdout
    return {option for option in ("--no-cache", "--cache-dir") if option in help_text}


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}, libcst {metadata.version('libcst')}"


def load_average() -> str:
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


def tree_summary(root: Path) -> tuple[int, int, int, int]:
    """(files, lines, files that mention openai, their lines)."""
    files = python_files(root)
    lines = [len(p.read_bytes().splitlines()) for p in files]
    sdk = [n for p, n in zip(files, lines) if mentions_sdk(p)]
    return len(files), sum(lines), len(sdk), sum(sdk)


@dataclass
class Row:
    measure: str
    result: str
    baseline: str
    ratio: str
    target: str
    met: bool


def at_most(measure: str, measured: Run, baseline_name: str, baseline: Run, target: float) -> Row:
    """A time whose ratio to a baseline must stay at most `target` (met or not by wall time)."""
    ratio = measured.seconds / baseline.seconds
    cpu_ratio = measured.cpu_seconds / baseline.cpu_seconds
    return Row(measure, str(measured), f"{baseline_name} {baseline}", f"{ratio:.2f}× (CPU {cpu_ratio:.2f}×)", f"≤ {target}×", ratio <= target)


def speed_up(measure: str, default_jobs: Run, one_job: Run, target: float) -> Row:
    """The default jobs' speed-up over `--jobs 1` in wall time, which must be at least `target`."""
    ratio = one_job.seconds / default_jobs.seconds
    return Row(measure, str(default_jobs), f"`--jobs 1` {one_job}", f"{ratio:.2f}×", f"≥ {target}× faster", ratio >= target)


def table(rows: list[Row]) -> str:
    lines = ["| measure | result | baseline | ratio | target | met? |", "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.measure} | {row.result} | {row.baseline} | {row.ratio} | {row.target} | {'yes' if row.met else '**no**'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure; medians are reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="one run each, on a fifth of the files (to try the script, not for the README)")
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of an earlier qwen-migrate (`git worktree add /tmp/before <rev>`): its `check --jobs 1` is measured on the same trees, and this one's given as a ratio to it",
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    check = [*TOOL, "check", "--exit-zero", "--format", "json"]

    with tempfile.TemporaryDirectory() as folder:
        mixed, sdk_only, alone = Path(folder, "mixed"), Path(folder, "sdk-only"), Path(folder, "alone")
        packages = build_mixed_tree(mixed, 5 if args.quick else 1)
        build_sdk_copy(mixed, sdk_only)
        alone.mkdir()
        (alone / "small.py").write_text(SMALL_FILE)
        options = check_options(alone)
        cold = ["--no-cache"] if "--no-cache" in options else []
        print(f"machine: {machine()}; load average (1, 5, 15 min): {load_average()}", flush=True)
        print(f"packages: {', '.join(packages)}; cache options: {' '.join(sorted(options)) or 'none'}", flush=True)
        for name, root in (("mixed tree", mixed), ("SDK-only copy", sdk_only)):
            files, lines, sdk_files, sdk_lines = tree_summary(root)
            print(f"{name}: {files:,} files, {lines:,} lines; {sdk_files:,} files ({sdk_lines:,} lines) mention openai", flush=True)

        import_libcst = median_run([sys.executable, "-c", "import libcst"], alone, runs)
        startup = median_run([*check, *cold, "--jobs", "1", "small.py"], alone, runs)
        parse_mixed = parse_time([p for p in python_files(mixed) if mentions_sdk(p)], runs)
        parse_sdk = parse_time([p for p in python_files(sdk_only) if mentions_sdk(p)], runs)
        print("baselines measured", flush=True)
        mixed_one = median_run([*check, *cold, "--jobs", "1", "."], mixed, runs)
        mixed_default = median_run([*check, *cold, "."], mixed, runs)
        print("mixed tree measured", flush=True)
        sdk_one = median_run([*check, *cold, "--jobs", "1", "."], sdk_only, runs)
        sdk_default = median_run([*check, *cold, "."], sdk_only, runs)
        fix_diff = median_run([*TOOL, "fix", "--diff", "--exit-zero", "--jobs", "1", "."], sdk_only, runs)
        print("SDK-only copy measured", flush=True)
        if args.before is not None:  # the earlier version first on the import path: same interpreter, same trees
            earlier = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
            before_mixed = median_run([*check, *cold, "--jobs", "1", "."], mixed, runs, earlier)
            before_sdk = median_run([*check, *cold, "--jobs", "1", "."], sdk_only, runs, earlier)
            print("earlier version measured", flush=True)
        if "--cache-dir" in options:
            warm_cache = ["--cache-dir", str(Path(folder, "cache"))]
            run([*check, *warm_cache, "."], mixed)  # fills the cache
            warm = median_run([*check, *warm_cache, "."], mixed, runs)
        else:  # no cache: a re-run is the cold run measured above
            warm = mixed_default

    mixed_floor, sdk_floor = startup + parse_mixed, startup + parse_sdk
    cores = os.cpu_count() or 1
    rows = [
        at_most("`check --jobs 1`, mixed tree", mixed_one, "floor", mixed_floor, 1.5),
        at_most("`check --jobs 1`, SDK-only copy", sdk_one, "floor", sdk_floor, 1.5),
        Row("peak memory (max RSS), `check --jobs 1`, mixed tree", f"{mixed_one.max_rss_mb:.0f} MB", "", "", "< 250 MB", mixed_one.max_rss_mb < 250),
        speed_up(f"`check`, default jobs ({cores}), mixed tree", mixed_default, mixed_one, 1.4 if cores >= 2 else 1.0),
        speed_up(f"`check`, default jobs ({cores}), SDK-only copy", sdk_default, sdk_one, 1.0),
        at_most(f"warm re-run, nothing changed, mixed tree{'' if '--cache-dir' in options else ' (no cache: a cold run)'}", warm, "start-up", startup, 2),
        at_most("`fix --diff --jobs 1`, SDK-only copy", fix_diff, "`check --jobs 1`", sdk_one, 1.5),
        at_most("start-up: `check` on one small file", startup, '`python -c "import libcst"`', import_libcst, 1.5),
    ]
    if args.before is not None:
        rows += [
            at_most("`check --jobs 1`, mixed tree, against the earlier version", mixed_one, "earlier version", before_mixed, 1.1),
            at_most("`check --jobs 1`, SDK-only copy, against the earlier version", sdk_one, "earlier version", before_sdk, 1.1),
        ]
    print()
    print(f"Floors: start-up {startup} + LibCST parse of the files that mention openai: mixed tree {parse_mixed}, SDK-only copy {parse_sdk}.")
    print(f"Medians of {runs} run(s); {'quick: a fifth of the files' if args.quick else 'full tree'}; load average at the end: {load_average()} (other work on the machine slows every figure).")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()

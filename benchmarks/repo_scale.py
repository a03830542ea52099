"""How `qwen-migrate check` scales to a large repository, against baselines measured in the same run.

Run: python benchmarks/repo_scale.py [--runs 3] [--metadata-sample 10]

It builds, in a temporary folder, a repository from a copy of the standard library of the running
interpreter (real code nobody here wrote) and generated modules that use the SDK (about 2% of the
files: clients built in one module and used in others, chat, embeddings, Responses, Azure, the
module-level client). Then it measures, as medians of --runs runs:

1. the floor: `grep -rl openai` over the tree;
2. what a tool without a prefilter pays: `libcst.parse_module` of every file;
3. what a metadata-based linter pays: parse plus `QualifiedNameProvider` on every file (measured on
   every --metadata-sample'th file and scaled up, as the whole tree takes minutes);
4. `qwen-migrate check` with `--jobs 1` and with the default jobs;
5. start-up: `qwen-migrate check` on one small file outside any project, against
   `python -c "import libcst"`; and on one file inside the tree, which pays for the project pre-pass;
6. peak memory (max RSS) of `qwen-migrate check --jobs 1` on the whole tree;
7. on the SDK files alone (a copy of them as a project of their own): check against a bare parse of
   the same files, also with the start-up of each process taken out.

It prints each figure and the ratios the targets are stated in.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from pathlib import Path


CHECK = [sys.executable, "-m", "qwen_migrate", "check", "--exit-zero", "--format", "json"]

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


def build_tree(root: Path) -> tuple[int, list[Path]]:
    """The standard library's .py files, and SDK modules for about 2% of them. Returns (files, SDK files)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    count = 0
    for source in stdlib.rglob("*.py"):
        relative = source.relative_to(stdlib)
        if "site-packages" in relative.parts:
            continue
        target = root / "stdlib" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        count += 1
    package = root / "llmapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "clients.py").write_text(CLIENTS)
    sdk_files = [package / "clients.py"]
    # Real SDK-using modules hold other code too: each generated one carries a stdlib module's code.
    bodies = [p.read_text(encoding="utf-8") for p in sorted(stdlib.glob("*.py")) if 200 < len(p.read_text(encoding="utf-8").splitlines()) < 1500]
    for n in range(max(1, count // 50)):
        path = package / f"feature_{n}.py"
        path.write_text(PATTERNS[n % len(PATTERNS)].format(n=n) + "\n\n" + bodies[n % len(bodies)])
        sdk_files.append(path)
    (root / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
    return count + len(sdk_files) + 1, sdk_files


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median(command: list[str], cwd: Path, runs: int) -> float:
    return statistics.median(timed(command, cwd) for _ in range(runs))


def parse_script(files: list[Path], metadata: bool) -> list[str]:
    """A Python command that parses the files (and resolves qualified names when asked)."""
    listing = "\n".join(str(f) for f in files)
    body = textwrap.dedent(
        f"""
        import libcst as cst
        from libcst.metadata import MetadataWrapper, QualifiedNameProvider
        for name in {listing!r}.splitlines():
            try:
                module = cst.parse_module(open(name, 'rb').read())
                if {metadata}:
                    MetadataWrapper(module).resolve(QualifiedNameProvider)
            except Exception:
                pass
        """
    )
    return [sys.executable, "-c", body]


def in_process(root: Path, files: list[Path], runs: int) -> tuple[float, float]:
    """Medians, in this process, of parsing the files and of checking them as a project: the
    pre-pass (parse, walk), then resolution, every rule and the positions of the findings."""
    import libcst as cst
    from rich.console import Console

    from qwen_migrate import runner
    from qwen_migrate.settings import load

    sources = [p.read_bytes() for p in files]
    settings = load(None, root)

    def parse_all() -> float:
        started = time.perf_counter()
        for data in sources:
            cst.parse_module(data)
        return time.perf_counter() - started

    def check_all() -> float:
        started = time.perf_counter()
        project, found = runner.prepare([root], settings, 1, Console(stderr=True))
        runner.check_files(found, settings, project, 1, False, Console(quiet=True))
        return time.perf_counter() - started

    return statistics.median(parse_all() for _ in range(runs)), statistics.median(check_all() for _ in range(runs))


def peak_rss_mb(command: list[str], cwd: Path) -> float:
    """Max RSS of the largest process of a command, measured from a fresh wrapper process."""
    wrapper = (
        "import resource, subprocess, sys; "
        f"subprocess.run({command!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    output = subprocess.run([sys.executable, "-c", wrapper], cwd=cwd, capture_output=True, text=True).stdout
    return int(output.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--metadata-sample", type=int, default=10, help="measure metadata on every Nth file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files, sdk_files = build_tree(root)
        all_files = sorted(root.rglob("*.py"))
        lines = sum(len(p.read_bytes().splitlines()) for p in all_files)
        print(f"tree: {files} files ({len(sdk_files)} use the SDK), {lines:,} lines; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")

        grep = median(["grep", "-rl", "openai", "."], root, args.runs)
        parse_all = median(parse_script(all_files, False), root, args.runs)
        sample = all_files[:: args.metadata_sample]
        metadata = median(parse_script(sample, True), root, 1) * len(all_files) / len(sample)
        check_one_job = median([*CHECK, "--jobs", "1", "."], root, args.runs)
        check_jobs = median([*CHECK, "."], root, args.runs)
        outside = root.parent / f"{root.name}-alone"
        outside.mkdir()
        small = outside / "small.py"
        small.write_text("import openai\n")
        startup = median([*CHECK, "--jobs", "1", str(small)], outside, args.runs)
        inside = median([*CHECK, "--jobs", "1", str(sdk_files[1])], root, args.runs)
        bare_import = median([sys.executable, "-c", "import libcst"], root, args.runs)
        memory = peak_rss_mb([*CHECK, "--jobs", "1", "."], root)
        sdk_root = outside / "sdk"
        shutil.copytree(root / "llmapp", sdk_root / "llmapp")
        (sdk_root / "pyproject.toml").write_text("[tool.qwen-migrate]\n")
        sdk_copies = sorted((sdk_root / "llmapp").glob("*.py"))
        sdk_parse = median(parse_script(sdk_copies, False), sdk_root, args.runs)
        sdk_check = median([*CHECK, "--jobs", "1", "."], sdk_root, args.runs)
        sdk_import = median([sys.executable, "-c", "import qwen_migrate.cli, libcst"], root, args.runs)
        in_process_parse, in_process_check = in_process(sdk_root, sdk_copies, args.runs)
        sdk_lines = sum(len(p.read_bytes().splitlines()) for p in sdk_copies)
        shutil.rmtree(outside)

    rows = [
        ("grep -rl openai (floor)", grep),
        ("libcst.parse_module, every file", parse_all),
        ("parse + QualifiedNameProvider, every file (scaled)", metadata),
        ("qwen-migrate check --jobs 1", check_one_job),
        (f"qwen-migrate check (default jobs: {os.cpu_count()})", check_jobs),
        ("qwen-migrate check, one small file outside a project", startup),
        ("qwen-migrate check, one file inside the tree", inside),
        ('python -c "import libcst"', bare_import),
        ("SDK files: bare parse", sdk_parse),
        ("SDK files: qwen-migrate check --jobs 1", sdk_check),
    ]
    for label, seconds in rows:
        print(f"{label:55} {seconds:8.3f} s")
    print(f"{'peak memory, qwen-migrate check --jobs 1':55} {memory:8.1f} MB")
    print()
    best = min(check_one_job, check_jobs)
    print(f"whole tree: check / grep floor             {best / grep:6.2f}x  (target <= 5x)")
    print(f"whole tree: check / parse every file       {best / parse_all:6.3f}x  (target <= 0.05x, 1/20)")
    print(f"whole tree: check / parse + metadata       {best / metadata:6.3f}x")
    print(f"start-up: check one file / import libcst   {startup / bare_import:6.2f}x  (target <= 2.5x)")
    print(f"one file inside the tree / import libcst   {inside / bare_import:6.2f}x  (the project pre-pass included)")
    print(f"peak memory                                {memory:6.1f} MB  (target < 250 MB)")
    work = max(sdk_check - sdk_import, 0.0)
    print(f"SDK files: check / bare parse              {sdk_check / sdk_parse:6.2f}x  (whole processes)")
    print(f"SDK files: check work / parse work         {work / max(sdk_parse - bare_import, 1e-9):6.2f}x  (start-up taken out)")
    print(f"SDK files, in one process: check / parse   {in_process_check / in_process_parse:6.2f}x  (target <= 2x)")
    print(f"SDK files: {len(sdk_copies)} files, {sdk_lines:,} lines")


if __name__ == "__main__":
    main()

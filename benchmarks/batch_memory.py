"""Peak memory of `qwen-migrate check-batch` on a batch input file at DashScope's 500 MB limit.

Run: python benchmarks/batch_memory.py [--megabytes 500]

Builds the file in a temporary folder (50,000 requests of about 10 KB each, so that the request
limit and the size limit are both reached), then measures in the same run the peak resident memory
(max RSS) of the baseline, a Python process that imports qwen-migrate and exits, and of check-batch
on the file. It prints both, their ratio and the time taken. Streaming shows as a check whose peak
stays near the baseline whatever the file size.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUESTS = 50_000


def write_batch(path: Path, megabytes: int) -> None:
    padding = "x" * max(0, megabytes * 1024 * 1024 // REQUESTS - 220)
    with path.open("w", encoding="utf-8") as stream:
        for number in range(1, REQUESTS + 1):
            body = {"model": "qwen3.6-plus", "messages": [{"role": "user", "content": f"Question {number}: {padding}"}]}
            stream.write(json.dumps({"custom_id": f"req-{number}", "method": "POST", "url": "/v1/chat/completions", "body": body}) + "\n")


def peak_rss_mb(command: list[str]) -> tuple[float, float, int]:
    """(max RSS in MB, seconds, exit code) of one child process."""
    started = time.perf_counter()
    code = subprocess.run(command, stdout=subprocess.DEVNULL).returncode
    elapsed = time.perf_counter() - started
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run the smaller process first.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, elapsed, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "batch.jsonl"
        write_batch(path, args.megabytes)
        size = path.stat().st_size / 1024 / 1024
        baseline, baseline_time, _ = peak_rss_mb([sys.executable, "-c", "import qwen_migrate.cli, qwen_migrate.batch"])
        checked, check_time, code = peak_rss_mb([sys.executable, "-m", "qwen_migrate", "check-batch", "--format", "json", str(path)])
    print(f"batch file:                 {size:,.0f} MB, {REQUESTS:,} requests")
    print(f"baseline (import only):     {baseline:,.1f} MB max RSS, {baseline_time:.2f} s")
    print(f"check-batch:                {checked:,.1f} MB max RSS, {check_time:.2f} s, exit {code}")
    print(f"ratio check-batch/baseline: {checked / baseline:.2f}x memory; file size / extra memory: {size / max(checked - baseline, 0.1):,.0f}x")


if __name__ == "__main__":
    main()

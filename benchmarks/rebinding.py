"""How the resolution of names grows with their bindings (issue 15 review, item 4): the analysis of
one module (its walk and resolution, not the parse) of 1,000 pairs of lines that rebind the same
two names, `resp = client.chat.completions.create(...)` then `text = resp...strip().lower()`.
Each use of a name sees the bindings that reach it; they must be found without going over all the
name's bindings at every use.

Run: python benchmarks/rebinding.py [LABEL]; to time another version, put a checkout of it first on
the import path: PYTHONPATH=/path/to/checkout python benchmarks/rebinding.py before.
"""
import sys
import time

import libcst as cst

from qwen_migrate.analysis.flow import resolve

PAIRS = 1000

lines = ["from openai import OpenAI", "", 'client = OpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key="x")']
for i in range(PAIRS):
    lines.append(f'resp = client.chat.completions.create(model="qwen-plus", messages=[{{"role": "user", "content": "q{i}"}}])')
    lines.append("text = resp.choices[0].message.content.strip().lower()")
module = cst.parse_module("\n".join(lines) + "\n")
times = []
for _ in range(3):
    start = time.perf_counter()
    calls = len(resolve(module).calls)
    times.append(time.perf_counter() - start)
label = sys.argv[1] if len(sys.argv) > 1 else "this version"
print(f"{label}: {len(lines)} lines, {calls} SDK calls, best of 3: {min(times):.2f} s")

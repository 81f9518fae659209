"""Time of `resilint check` on the CPython stdlib per output format, measured in the same run.

JSON and SARIF carry each finding's fix (computed with libcst after the analysis); the target is
JSON within 1.3x of the text output. Runs alternate between the formats so that a change in the
machine's load hits them alike.

Usage: python bench/output_formats.py [--repeat 3] [--formats text,json,sarif]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stdlib_corpus import materialize  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--formats", default="text,json,sarif")
    args = ap.parse_args()
    formats = args.formats.split(",")
    work = Path(tempfile.mkdtemp(prefix="resilint-bench-"))
    corpus, n_files, n_lines = materialize(work / "stdlib")
    exe = [sys.executable, "-m", "resilint.server.cli", "check", str(corpus), "--exit-zero"]
    env = {**os.environ, "RESILINT_CACHE_DIR": str(work / "cache")}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"corpus: {n_files} files, {n_lines} lines")
    times: dict[str, list[float]] = {f: [] for f in formats}
    sizes: dict[str, int] = {}
    for _ in range(args.repeat):
        for fmt in formats:
            t0 = time.perf_counter()
            out = subprocess.run([*exe, "--output-format", fmt], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, env=env, check=False).stdout
            times[fmt].append(time.perf_counter() - t0)
            sizes[fmt] = len(out)
            if fmt == "json":
                items = json.loads(out)
                with_fix = sum(1 for i in items if i["fix"])
                sizes["findings"], sizes["with_fix"] = len(items), with_fix
    base = statistics.median(times[formats[0]])
    for fmt in formats:
        med = statistics.median(times[fmt])
        runs = ", ".join(f"{t:.1f}" for t in times[fmt])
        print(f"{fmt:>6}: median {med:6.2f} s  ({med / base:.2f}x {formats[0]})  runs: {runs}  output {sizes[fmt]} bytes")
    if "findings" in sizes:
        print(f"json: {sizes['findings']} findings, {sizes['with_fix']} with a fix")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

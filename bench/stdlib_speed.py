"""Whole-process time of `resilint check` on the CPython stdlib vs. a bare parse+walk floor and bandit.

Usage: python bench/stdlib_speed.py [--repeat 3] [--no-bandit]
Prints files/s, the ratio to the floor (target ≤ 3× single process) and the ratio to bandit;
then the results cache in the same run: a cold run (empty cache), a warm re-run of the
unchanged tree (target ≤ 15 % of cold) and a run after one edited file (target: that file
alone analysed, as `--statistics` reports). The timing rows above run with `--no-cache`.
"""
from __future__ import annotations

import argparse
import os
import re
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stdlib_corpus import materialize  # noqa: E402

FLOOR = r"""
import ast, sys, pathlib
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    try:
        tree = ast.parse(p.read_bytes(), str(p))
    except (SyntaxError, ValueError):
        continue
    for _ in ast.walk(tree):
        pass
"""


def timed(cmd: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def cached_run(cmd: list[str], cache: Path) -> tuple[float, int, int]:
    """(seconds, files analysed, files from the cache) of one run with the results cache."""
    env = dict(os.environ, RESILINT_CACHE_DIR=str(cache))
    t0 = time.perf_counter()
    r = subprocess.run([*cmd, "--statistics"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       check=False, env=env)
    elapsed = time.perf_counter() - t0
    m = re.search(r"(\d+) files? analysed, (\d+) from the cache", r.stderr)
    return elapsed, int(m.group(1)) if m else -1, int(m.group(2)) if m else -1


def cache_rows(exe: list[str], corpus: Path, work: Path) -> None:
    cmd = [*exe, "check", str(corpus), "--exit-zero", "--output-format", "json"]
    cache = work / "results-cache"
    cold = cached_run(cmd, cache)
    warm = cached_run(cmd, cache)
    edited_file = sorted(corpus.rglob("*.py"))[len(list(corpus.rglob("*.py"))) // 2]
    with edited_file.open("a", encoding="utf-8") as fh:
        fh.write("\n# edited by the benchmark\n")
    edited = cached_run(cmd, cache)
    print(f"\nresults cache (index on, same run; {edited_file.relative_to(corpus)} edited):")
    for name, (secs, analysed, cached) in (("cold", cold), ("warm", warm), ("one file edited", edited)):
        print(f"  {name:<16} {secs:>7.2f} s   {analysed} analysed, {cached} from the cache")
    print(f"target: warm ≤ 15% of cold → {'MET' if warm[0] <= 0.15 * cold[0] else 'MISSED'} ({warm[0] / cold[0]:.0%})")
    print(f"target: one edited file re-checked alone → {'MET' if edited[1] == 1 else 'MISSED'} ({edited[1]} analysed)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-bandit", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="resilint-bench-"))
    corpus, n_files, n_lines = materialize(work / "stdlib")
    exe = [sys.executable, "-m", "resilint.server.cli"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"corpus: {n_files} files, {n_lines} lines (CPython {platform.python_version()} stdlib, no tests)")
    rows = []
    floor = timed([sys.executable, "-c", FLOOR, str(corpus)], args.repeat)
    rows.append(("ast.parse + ast.walk (floor)", floor))
    single = timed([*exe, "check", str(corpus), "--jobs", "1", "--exit-zero", "--output-format", "json", "--no-index", "--no-cache"], args.repeat)
    rows.append(("resilint check --jobs 1", single))
    multi = timed([*exe, "check", str(corpus), "--exit-zero", "--output-format", "json", "--no-index", "--no-cache"], args.repeat)
    rows.append((f"resilint check (all {os.cpu_count()} cores)", multi))
    bandit = None
    if not args.no_bandit and shutil.which("bandit"):
        bandit = timed(["bandit", "-r", str(corpus), "-q", "-f", "json", "-o", os.devnull], 1)
        rows.append(("bandit -r (1 run)", bandit))
    print(f"\n{'command':<36} {'seconds':>8} {'files/s':>8} {'× floor':>8} {'bandit ×':>9}")
    for name, secs in rows:
        vs_bandit = f"{bandit / secs:>8.1f}×" if bandit else "      n/a"
        print(f"{name:<36} {secs:>8.2f} {n_files / secs:>8.0f} {secs / floor:>7.2f}× {vs_bandit}")
    print(f"\ntarget: single-process ≤ 3.00× floor → {'MET' if single <= 3 * floor else 'MISSED'} ({single / floor:.2f}×)")
    if bandit:
        print(f"target: ≥ 5× faster than bandit → {'MET' if bandit >= 5 * single else 'MISSED'} ({bandit / single:.1f}×)")
    cache_rows(exe, corpus, work)
    print(f"load average: {os.getloadavg()[0]:.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

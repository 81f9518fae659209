"""Instruction counts (valgrind callgrind) of the CLI check and of the editor's edit path, for one
or more installs of resilint: a before/after comparison that a busy shared machine cannot skew.

    python bench/instructions.py --python /path/to/before/.venv/bin/python --python .venv/bin/python

Each `--python` is an interpreter with resilint installed (for example a worktree of the older
commit with its own venv). Two workloads, both deterministic (PYTHONHASHSEED=0):

* check: `resilint check --jobs 1 --no-index` over the first `--files` stdlib modules (sorted);
* edits: `bench/incremental.py --edits N --no-check` of that install (`_pydecimal.py`, all
  rules), i.e. one full analysis then N incremental updates.

Wall-clock figures come from bench/stdlib_speed.py and bench/lsp_latency.py; this script is the
tie-breaker when the machine's load makes those noisy.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def instructions(cmd: list[str], cwd: Path | None = None) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0", "RESILINT_NO_STARTUP_CACHE": "1"}
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        capture_output=True, text=True, env=env, cwd=cwd, check=False,
    )
    found = COLLECTED.search(run.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from {cmd}:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", action="append", required=True, help="an interpreter with resilint installed")
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--edits", type=int, default=30)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.glob("*.py"))[: args.files]
    work = Path(tempfile.mkdtemp(prefix="resilint-instr-"))
    for p in files:
        shutil.copy(p, work / p.name)
    print(f"check: {len(files)} stdlib files ({sum(p.stat().st_size for p in files) // 1024} KiB); "
          f"edits: {args.edits} on _pydecimal.py")
    print(f"{'interpreter':<48} {'check (G instr)':>16} {'edits (G instr)':>16}")
    for python in args.python:
        py = Path(python)
        check = instructions([str(py), "-m", "resilint.server.cli", "check", str(work), "--jobs", "1",
                              "--no-index", "--exit-zero", "--output-format", "json"])
        code = ("import resilint.rules, pathlib, sys; "
                "print(pathlib.Path(resilint.rules.__path__[0]).resolve().parent)")
        root = Path(subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=True).stdout.strip())
        edits = instructions([str(py), str(root / "bench" / "incremental.py"), "--edits", str(args.edits), "--no-check"])
        print(f"{str(py):<48} {check / 1e9:>16.3f} {edits / 1e9:>16.3f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

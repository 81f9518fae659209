"""`workspace/diagnostic` against `resilint check` on the same tree, cold and warm, with memory.

The CPython stdlib (bench/stdlib_corpus.py, optionally copied N times into `copyK/` folders
to reach a size like 8,000 files) with a `[tool.resilint]` pyproject, so the CLI's project
root and the server's workspace folder are the same folder. Each cold run gets an empty
`RESILINT_CACHE_DIR` (results cache and index cache both cold); each warm run reuses it.

    python bench/workspace_speed.py [--copies 1] [--jobs N] [--bytecode]

`--bytecode` runs every process with resilint's modules compiled to bytecode first (into a
temporary PYTHONPYCACHEPREFIX), as a `pip install` leaves them: without it, a machine that sets
PYTHONDONTWRITEBYTECODE=1 with an editable install compiles resilint's own modules from source
at every start, which no installed copy does. Both are worth reading; the note says which.

Rows (`--repeat N`: the median of N runs, each cold run on an empty cache and its warm run on
that cache; memory: the largest of the N): CLI cold / warm (process time), server cold / warm after a restart (process start to
the workspace/diagnostic response, the index build included), the server's peak RSS
(VmHWM of the parent) and the largest worker's, the sum over the process tree (sampled), and
the load average. Targets (issue 15): server cold <= 1.2x CLI cold, server warm <= 15 % of
server cold, server parent peak <= 118 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from probe import load_probe  # noqa: E402
from stdlib_corpus import materialize  # noqa: E402

SERVER = [sys.executable, "-m", "resilint.server.serve"]
CLI = [sys.executable, "-m", "resilint.server.cli", "check", ".", "--exit-zero", "--output-format", "json"]


def build_tree(work: Path, copies: int) -> tuple[Path, int]:
    root = work / "ws"
    first, n, _ = materialize(work / "stdlib")
    root.mkdir()
    for k in range(copies):
        shutil.copytree(first, root / f"copy{k}")
    (root / "pyproject.toml").write_text("[tool.resilint]\n")
    return root, n * copies


def cli(root: Path, cache: Path, jobs: int | None) -> tuple[float, str]:
    env = dict(os.environ, RESILINT_CACHE_DIR=str(cache))
    t0 = time.perf_counter()
    r = subprocess.run([*CLI, "--statistics", *(["--jobs", str(jobs)] if jobs else [])], cwd=root, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - t0
    line = next((ln for ln in r.stderr.splitlines() if "analysed" in ln), r.stderr[-300:])
    return elapsed, line


class TreeMemory:
    """Peak VmRSS of each process in the server's tree (the parent and its workers)."""

    def __init__(self, probe, pid: int) -> None:
        self.probe, self.pid = probe, pid
        self.peaks: dict[int, int] = {}
        self.total_peak = 0
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop.is_set():
            pids, todo = [], [self.pid]
            while todo:
                pids.append(pid := todo.pop())
                try:
                    for tid in os.listdir(f"/proc/{pid}/task"):
                        todo += map(int, Path(f"/proc/{pid}/task/{tid}/children").read_text().split())
                except OSError:
                    pass
            total = 0
            for pid in pids:
                rss = self.probe.proc_status(pid, "VmRSS") or 0
                total += rss
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            self.total_peak = max(self.total_peak, total)
            time.sleep(0.05)


def server(probe, root: Path, cache: Path) -> dict:
    env_backup = os.environ.get("RESILINT_CACHE_DIR")
    os.environ["RESILINT_CACHE_DIR"] = str(cache)
    try:
        t0 = time.perf_counter()
        c = probe.Client(SERVER, str(root), (root / "pyproject.toml").as_uri(), 900)
    finally:
        if env_backup is None:
            os.environ.pop("RESILINT_CACHE_DIR", None)
        else:
            os.environ["RESILINT_CACHE_DIR"] = env_backup
    memory = TreeMemory(probe, c.proc.pid)
    caps = {"textDocument": {"diagnostic": {"dynamicRegistration": False}},
            "window": {"workDoneProgress": False},
            "workspace": {"configuration": True, "workspaceFolders": True, "diagnostics": {"refreshSupport": False}},
            "general": {"positionEncodings": ["utf-16"]}}
    c.call("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": caps,
                          "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}]})
    c.notify("initialized", {})
    _, report = c.call("workspace/diagnostic", {"previousResultIds": []})
    elapsed = time.perf_counter() - t0
    items = (report or {}).get("items") or []
    parent_hwm = probe.proc_status(c.proc.pid, "VmHWM") or 0
    memory.stop.set()
    c.shutdown()
    workers = [kb for pid, kb in memory.peaks.items() if pid != c.proc.pid]
    return {"seconds": elapsed, "files": len(items), "problems": sum(len(i.get("items") or []) for i in items),
            "parent_mb": parent_hwm / 1024, "workers": len(workers),
            "worker_max_mb": max(workers, default=0) / 1024, "tree_mb": memory.total_peak / 1024}


def median_run(runs: list, seconds) -> Any:
    """The run of median time (memory rows take the largest peak of all runs instead)."""
    return sorted(runs, key=seconds)[len(runs) // 2]


def compile_bytecode(prefix: Path) -> None:
    """Children compile nothing at start: resilint's modules are compiled into `prefix` now."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(prefix)
    code = ("import compileall, os, resilint, resilint.rules, resilint.server\n"
            "for p in {*resilint.__path__, *resilint.rules.__path__, *resilint.server.__path__}:\n"
            "    if os.path.isdir(p):  # an editable install's finder hook is not a folder\n"
            "        compileall.compile_dir(p, quiet=1)\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=1, help="copies of the stdlib (11 ≈ 8,000 files)")
    ap.add_argument("--jobs", type=int, default=None, help="CLI --jobs (default: all cores)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="cold+warm pairs per side; the rows show medians (the VM's speed drifts run to run)")
    ap.add_argument("--bytecode", action="store_true", help="resilint compiled to bytecode first (as installed)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    probe = load_probe()
    work = Path(tempfile.mkdtemp(prefix="resilint-ws-bench-"))
    try:
        root, n_files = build_tree(work, args.copies)
        if args.bytecode:
            compile_bytecode(work / "pycache")
        load0 = os.getloadavg()
        runs: dict[str, list] = {"cli_cold": [], "cli_warm": [], "cold": [], "warm": []}
        for i in range(args.repeat):  # each pair on a cache of its own: cold, then warm on it
            runs["cli_cold"].append(cli(root, work / f"cli-cache-{i}", args.jobs))
            runs["cli_warm"].append(cli(root, work / f"cli-cache-{i}", args.jobs))
            runs["cold"].append(server(probe, root, work / f"server-cache-{i}"))
            runs["warm"].append(server(probe, root, work / f"server-cache-{i}"))
        load1 = os.getloadavg()
        cli_cold, cli_cold_line = median_run(runs["cli_cold"], lambda r: r[0])
        cli_warm, cli_warm_line = median_run(runs["cli_warm"], lambda r: r[0])
        cold = {**median_run(runs["cold"], lambda r: r["seconds"]),
                "parent_mb": max(r["parent_mb"] for r in runs["cold"]), "all": [r["seconds"] for r in runs["cold"]]}
        warm = {**median_run(runs["warm"], lambda r: r["seconds"]),
                "parent_mb": max(r["parent_mb"] for r in runs["warm"]), "all": [r["seconds"] for r in runs["warm"]]}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {"files": n_files, "cores": os.cpu_count(), "python": platform.python_version(), "bytecode": args.bytecode,
              "load_before": load0, "load_after": load1,
              "cli_cold_s": cli_cold, "cli_warm_s": cli_warm, "cli_cold": cli_cold_line, "cli_warm": cli_warm_line,
              "server_cold": cold, "server_warm": warm}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"tree: {n_files} files (stdlib x{args.copies}), {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{'resilint compiled to bytecode first' if args.bytecode else 'bytecode as the environment has it'}"
          + (f"; medians of {args.repeat} runs" if args.repeat > 1 else ""))
    print(f"load average before {load0[0]:.2f} / after {load1[0]:.2f}")
    print(f"CLI cold      {cli_cold:7.2f} s   ({cli_cold_line})")
    print(f"CLI warm      {cli_warm:7.2f} s   ({cli_warm_line}; {cli_warm / cli_cold:.0%} of cold)")
    for name, r in (("server cold", cold), ("server warm", warm)):
        print(f"{name}   {r['seconds']:7.2f} s   {r['files']} files, {r['problems']} problems; parent peak "
              f"{r['parent_mb']:.0f} MB, {r['workers']} workers (largest {r['worker_max_mb']:.0f} MB), "
              f"tree peak {r['tree_mb']:.0f} MB" + (f"; runs {', '.join(f'{x:.2f}' for x in r['all'])} s"
                                                     if args.repeat > 1 else ""))
    ratio, warm_ratio = cold["seconds"] / cli_cold, warm["seconds"] / cold["seconds"]
    print(f"target: server cold <= 1.2x CLI cold -> {'MET' if ratio <= 1.2 else 'MISSED'} ({ratio:.2f}x)")
    print(f"target: server warm <= 15% of cold -> {'MET' if warm_ratio <= 0.15 else 'MISSED'} ({warm_ratio:.0%})")
    peak = max(cold["parent_mb"], warm["parent_mb"])
    print(f"target: server parent peak <= 118 MB -> {'MET' if peak <= 118 else 'MISSED'} ({peak:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Workspace index speed: a synthetic 1,000-file workspace, cold and warm builds.

The workspace is made of stdlib modules copied into a package tree (`ws/pkgNN/modNNN.py`),
plus a few first-party cross-module links (a `requests.Session()` in one module used in
others) so the join has work to do. Cold = empty cache folder (every file parsed); warm =
the same tree again (every file read and hashed, none parsed).

    python bench/index_speed.py [--files 1000] [--jobs N] [--keep DIR]

Targets: cold <= 10 s, warm <= 1 s. Exit 1 if a target is missed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from resilint.rules.index import WorkspaceIndex

COLD_TARGET = 10.0
WARM_TARGET = 1.0


def stdlib_files(limit: int) -> list[Path]:
    lib = Path(sysconfig.get_paths()["stdlib"])
    out: list[Path] = []
    for folder, dirs, files in os.walk(lib):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "test", "tests", "idlelib", "__pycache__"))
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder) / name
                if path.stat().st_size < 400_000:
                    out.append(path)
    return out[:limit]


def make_workspace(root: Path, count: int) -> int:
    available = stdlib_files(count)
    sources = [available[i % len(available)] for i in range(count)]  # repeat when the stdlib is short
    total = 0
    for i, src in enumerate(sources):
        pkg = root / "ws" / f"pkg{i // 50:02d}"
        pkg.mkdir(parents=True, exist_ok=True)
        (pkg / "__init__.py").touch()
        data = src.read_bytes()
        if i % 100 == 0:
            data += b"\n\nimport requests as _rq\nshared_session = _rq.Session()\n"
        elif i % 100 == 1:
            data += f"\n\nfrom ws.pkg{i // 50:02d}.mod{i - 1:04d} import shared_session\n".encode()
            data += b"def _bench_use(u):\n    return shared_session.get(u)\n"
        (pkg / f"mod{i:04d}.py").write_bytes(data)
        total += len(data)
    (root / "ws" / "__init__.py").touch()
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="resilint-index-bench-"))
    try:
        root = base / "project"
        if not root.exists():
            size = make_workspace(root, args.files)
        else:
            size = sum(p.stat().st_size for p in root.rglob("*.py"))
        cache = base / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        files = sorted(root.rglob("*.py"))

        t0 = time.perf_counter()
        cold = WorkspaceIndex.build(root, files, cache_dir=cache, jobs=args.jobs)
        view = cold.view()
        t_cold = time.perf_counter() - t0

        t0 = time.perf_counter()
        warm = WorkspaceIndex.build(root, files, cache_dir=cache, jobs=args.jobs)
        warm.view()
        t_warm = time.perf_counter() - t0
        warm_parsed, warm_hits = warm.stats.parsed + warm.stats.skipped, warm.stats.cache_hits

        t0, c0 = time.perf_counter(), time.process_time()
        seq = WorkspaceIndex.build(root, files, use_cache=False, jobs=1)
        seq.view()
        t_seq, c_seq = time.perf_counter() - t0, time.process_time() - c0

        t0 = time.perf_counter()
        target = files[len(files) // 2]
        warm.update_file(target, target.read_text(encoding="utf-8", errors="replace") + "\nx_bench = 1\n")
        warm.view()
        t_update = time.perf_counter() - t0

        cache_size = (cache / "index.json").stat().st_size
        print(f"workspace: {len(files)} files, {size / 1e6:.1f} MB (stdlib copies) in {root}")
        print(f"cold build (cache empty, jobs={args.jobs or os.cpu_count()}): {t_cold:6.2f} s  "
              f"parsed={cold.stats.parsed} prefiltered={cold.stats.skipped}  target <= {COLD_TARGET:.0f} s")
        print(f"cold build (no cache, sequential):      {t_seq:6.2f} s  parsed={seq.stats.parsed}  "
              f"(CPU {c_seq:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"warm build (cache hit):                 {t_warm:6.2f} s  parsed={warm_parsed} "
              f"hits={warm_hits}  target <= {WARM_TARGET:.0f} s")
        print(f"update_file + view (one edit):          {t_update * 1000:6.1f} ms")
        print(f"cache file: {cache_size / 1e6:.2f} MB; cross-module instances: {len(view.instances)}, "
              f"factories: {len(view.factories)}, uses: {sum(len(v) for v in view.uses.values())}")
        ok = t_cold <= COLD_TARGET and t_warm <= WARM_TARGET and warm_parsed == 0
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

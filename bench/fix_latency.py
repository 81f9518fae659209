"""Latency of computing one fix (a code action's `resolve`) on a large file.

    python bench/fix_latency.py [--rounds 5] [--json]

The stdlib's `_pydecimal.py` (~6,400 lines; `libcst.parse_module` of it takes seconds) with
resilience snippets injected between its top-level statements near the start, the middle and
the end (RES001/RES004 calls, RES030 in an `async def`, RES010/011/012 on a tenacity
`@retry`, RES022 in an `except`). The file is analysed once (not measured); then for every
fixable finding `compute_fix` is timed:

  * ``cold``: caches cleared before each call (the scan of the file's statement boundaries
    and the libcst parse of the view are redone: the first resolve on a new version);
  * ``warm``: a second resolve of the same finding on the same text.

Wall time and (``cold_cpu_ms``) CPU time of the process are both shown: on a loaded machine
the wall time grows with the load average (printed too) while the CPU time does not.

Target: p95 of ``cold`` ≤ 100 ms. ``--whole`` also times the old whole-file parse once.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import time
from pathlib import Path

from resilint.rules.engine import analyze
from resilint.rules.fixes import FixDocument, compute_fix, fixable
from resilint.rules.fixes import chunks as _chunks
from resilint.rules.fixes import document as _document
from resilint.rules.settings import FileSettings, Options

SNIPPETS = (
    '''
import requests as _bench_requests
import subprocess as _bench_subprocess


def _bench_io_{n}(url, cmd):
    _bench_subprocess.run(cmd)
    return _bench_requests.post(
        url,
        json={{}},  # payload
    )
''',
    '''
import time as _bench_time


async def _bench_async_{n}():
    _bench_time.sleep(1)
''',
    '''
from tenacity import retry as _bench_retry


@_bench_retry
def _bench_retry_{n}():
    import logging
    try:
        pass
    except Exception:
        logging.error("failed")
''',
)


def corpus() -> tuple[str, str]:
    path = os.path.join(os.path.dirname(ast.__file__), "_pydecimal.py")
    return Path(path).read_text(encoding="utf-8"), path


def inject(text: str) -> str:
    """The snippets before the top-level statements at 5%, 50% and 95% of the file."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    body = tree.body
    picks = sorted({max(1, int(len(body) * f)) for f in (0.05, 0.5, 0.95)}, reverse=True)
    for k, i in enumerate(picks):
        stmt = body[i]
        at = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])]) - 1
        block = "".join(s.format(n=k).lstrip("\n") + "\n\n" for s in SNIPPETS)
        lines[at:at] = [block]
    return "".join(lines)


def clear_caches() -> None:
    _chunks.chunks_of.cache_clear()
    _document._parse.cache_clear()
    _document._parse_view.cache_clear()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--whole", action="store_true", help="also time one whole-file libcst parse")
    args = ap.parse_args()
    text, path = corpus()
    text = inject(text)
    settings = FileSettings(Options.model_validate({"select": ["ALL"]}))
    findings = [f for f in analyze(text, path, settings).findings if fixable(f)]
    cold: list[float] = []
    cold_cpu: list[float] = []
    warm: list[float] = []
    fixed = 0
    for _ in range(args.rounds):
        for finding in findings:
            clear_caches()
            t0, c0 = time.perf_counter(), time.process_time()
            fix = compute_fix(finding, text, path, settings)
            cold.append((time.perf_counter() - t0) * 1000)
            cold_cpu.append((time.process_time() - c0) * 1000)
            t0 = time.perf_counter()
            compute_fix(finding, text, path, settings)
            warm.append((time.perf_counter() - t0) * 1000)
            fixed += fix is not None
    result = {
        "file": f"{path} (+{text.count(chr(10)) - corpus()[0].count(chr(10))} injected lines)",
        "lines": text.count("\n"),
        "fixable_findings": len(findings),
        "fixes_computed": fixed // max(args.rounds, 1),
        "cold_ms": {"p50": round(statistics.median(cold), 1), "p95": round(pct(cold, 0.95), 1), "max": round(max(cold), 1)},
        "cold_cpu_ms": {"p50": round(statistics.median(cold_cpu), 1), "p95": round(pct(cold_cpu, 0.95), 1)},
        "warm_ms": {"p50": round(statistics.median(warm), 1), "p95": round(pct(warm, 0.95), 1), "max": round(max(warm), 1)},
    }
    if args.whole:
        clear_caches()
        t0 = time.perf_counter()
        doc = FixDocument(text, path, settings, partial=False)
        _ = doc.module
        result["whole_parse_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    try:
        result["load_average"] = os.getloadavg()[0]
    except OSError:
        pass
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

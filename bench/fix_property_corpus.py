"""The fix property test (tests/fix_property_checks.py) over a whole corpus, not the CI sample.

    python bench/fix_property_corpus.py --all                 # every stdlib file, with injections
    python bench/fix_property_corpus.py                       # the CI sample only (150 files)
    python bench/fix_property_corpus.py --paths DIR ...       # any trees (no injection by default)
    python bench/fix_property_corpus.py --packages [NAME ...] # releases of bench/real_corpus.py
        [--cache /tmp/resilint-corpus] [--limit 10] [--inject | --no-inject] [--jobs N] [--out DIR]

Every file is checked exactly as the CI test checks its sample: each offered fix alone (parses,
finding gone, nothing else appears, edits minimal, partial parse == whole parse) and all fixes
together (`fix_all` converges). The stdlib files get one of the CI injections appended (the same
choice as the CI test: by position), so every file has fixable findings; a tree's own findings are
checked too. Every violation is printed as found and listed in OUT/fix_property_corpus.json
(with per-rule and per-package counts); the exit status is 1 when there is any.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from fix_property_checks import check_file, inject, stdlib_sample
from real_corpus import DEFAULT_CACHE, PACKAGES, download, unpack
from stdlib_corpus import stdlib_files


def check_path(job: tuple[str, str, int]) -> dict:
    """One file: (group, path, injection index or -1) -> counts and failures (a pool task)."""
    group, path, injection = job
    t0 = time.process_time()
    out: dict = {"group": group, "path": path, "skipped": False}
    try:
        text = Path(path).read_text(encoding="utf-8")
        ast.parse(text)
    except (UnicodeDecodeError, SyntaxError, ValueError):
        out["skipped"] = True  # not Python 3 this interpreter reads: nothing to fix
        return out
    first_line = None
    if injection >= 0:
        text, first_line = inject(text, injection)
    try:
        result = check_file(text, path, injected_from_line=first_line)
    except Exception as exc:  # noqa: BLE001 - the analysis itself failed: a failure like any other
        out.update(parses=True, findings=0, offered={}, unfixed={}, applied=0,
                   failures=[f"{path}: check crashed: {type(exc).__name__}: {exc}"])
    else:
        out.update(parses=result.parses, findings=result.findings, offered=dict(result.offered),
                   unfixed=dict(result.unfixed), applied=result.applied, failures=result.failures,
                   too_deep=result.too_deep)
    out["cpu_seconds"] = round(time.process_time() - t0, 3)
    return out


def jobs_for(args: argparse.Namespace) -> list[tuple[str, str, int]]:
    jobs: list[tuple[str, str, int]] = []
    explicit = args.inject
    if args.all or not (args.paths or args.packages is not None):
        files = stdlib_files() if args.all else stdlib_sample()
        inject_it = explicit is not False
        jobs += [("stdlib", str(p), i if inject_it else -1) for i, p in enumerate(files)]
    for root in args.paths or []:
        for i, p in enumerate(sorted(Path(root).rglob("*.py"))):
            jobs.append((str(root), str(p), i if explicit else -1))
    if args.packages is not None:
        chosen = [pkg for pkg in PACKAGES if not args.packages or pkg[0] in args.packages][: args.limit]
        for name, version, _what, subdirs in chosen:
            src = args.cache / "src" / name
            if not src.exists():
                unpack(download(name, version, args.cache / "dist"), src, subdirs)
            for i, p in enumerate(sorted(src.rglob("*.py"))):
                jobs.append((f"{name}=={version}", str(p), i if explicit else -1))
    return jobs


def summarize(results: list[dict]) -> dict:
    groups: dict[str, dict] = {}
    rules: Counter[str] = Counter()
    unfixed: Counter[str] = Counter()
    failures: list[str] = []
    too_deep: list[str] = []
    for r in results:
        g = groups.setdefault(r["group"], {"files": 0, "skipped": 0, "unparsable": 0, "findings": 0,
                                           "fixes_checked": 0, "fix_all_applied": 0, "failures": 0})
        if r["skipped"]:
            g["skipped"] += 1
            continue
        g["files"] += 1
        g["unparsable"] += not r["parses"]
        g["findings"] += r["findings"]
        g["fixes_checked"] += sum(r["offered"].values())
        g["fix_all_applied"] += r["applied"]
        g["failures"] += len(r["failures"])
        rules.update(r["offered"])
        unfixed.update(r["unfixed"])
        failures += r["failures"]
        too_deep += r.get("too_deep", [])
    return {"groups": groups, "fixes_checked_per_rule": dict(sorted(rules.items())),
            "fixable_without_fix_per_rule": dict(sorted(unfixed.items())), "failures": failures,
            "libcst_too_deep": too_deep}


def markdown(report: dict) -> str:
    lines = ["| corpus | files | findings | fixes checked alone | fixes applied by fix_all | failures |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, g in report["groups"].items():
        lines.append(f"| {name} | {g['files']} | {g['findings']} | {g['fixes_checked']} | "
                     f"{g['fix_all_applied']} | {g['failures']} |")
    lines += ["", "| rule | fixes checked alone | fixable findings without a fix |", "| --- | ---: | ---: |"]
    per_rule, unfixed = report["fixes_checked_per_rule"], report["fixable_without_fix_per_rule"]
    for code in sorted(set(per_rule) | set(unfixed)):
        lines.append(f"| {code} | {per_rule.get(code, 0)} | {unfixed.get(code, 0)} |")
    if report["libcst_too_deep"]:
        lines += ["", "Not checked (libcst recursion limit): " + ", ".join(report["libcst_too_deep"])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="every stdlib file (default: the CI sample)")
    ap.add_argument("--paths", nargs="+", type=Path, help="check every .py file under these trees")
    ap.add_argument("--packages", nargs="*", default=None, help="releases of bench/real_corpus.py (none: all)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many packages")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--inject", action=argparse.BooleanOptionalAction, default=None,
                    help="append a CI injection to each file (default: stdlib yes, trees no)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("/tmp/resilint-fix-corpus"))
    args = ap.parse_args(argv)
    jobs = jobs_for(args)
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    results: list[dict] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for n, r in enumerate(pool.map(check_path, jobs, chunksize=1), 1):
            results.append(r)
            for failure in r.get("failures", []):
                print(f"FAIL {failure}", file=sys.stderr, flush=True)
            if n % 50 == 0 or n == len(jobs):
                print(f"{n}/{len(jobs)} files, {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    report = summarize(results)
    report["machine"] = {"cpus": os.cpu_count(), "jobs": args.jobs, "python": sys.version.split()[0],
                         "seconds": round(time.perf_counter() - t0, 1),
                         "cpu_seconds": round(sum(r.get("cpu_seconds", 0) for r in results), 1),
                         "loadavg_start": load_start, "loadavg_end": os.getloadavg()[0]}
    report["slowest"] = sorted(((r.get("cpu_seconds", 0), r["path"]) for r in results), reverse=True)[:10]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fix_property_corpus.json").write_text(json.dumps(report, indent=1) + "\n")
    (args.out / "fix_property_corpus.md").write_text(markdown(report))
    print(markdown(report))
    print(json.dumps(report["machine"]))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

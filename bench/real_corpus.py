"""Real third-party code as a precision corpus: download pinned PyPI releases, run every rule, count.

Usage:
    python bench/real_corpus.py [--cache ~/.cache/resilint-corpus] [--out DIR] [--only NAME ...]
                                [--sample 10 --seed 4] [--jobs N]

For each pinned release below it
  1. `pip download --no-deps --no-binary :none:` into CACHE/dist (whatever pip gets: a wheel
     is fine, it carries the .py sources), skipped when the file is already there;
  2. unpacks only the .py files (of the listed sub-folders, for the big ones; no `tests/` folder)
     into CACHE/src/NAME;
  3. runs `resilint check --select ALL --output-format json --exit-zero` on that folder, timing it,
     and keeps the raw findings in CACHE/findings/NAME.json.
It writes OUT/real_corpus.json (per-package and per-rule counts, files, lines, seconds) and
OUT/real_corpus.md (the same as markdown tables); OUT defaults to CACHE.
With --sample N it also writes OUT/sample.json: up to N findings per rule, drawn with
random.Random(seed) from all packages, the input for the hand review in docs/precision.md.

Each release is marked library or application (APPLICATIONS below): the precision targets of
docs/precision.md hold on the application packages on their own. The downloaded code is only
unpacked and read by resilint, never imported or run.

Nothing here is used by the test suite; it needs network access to PyPI for the first run only.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections import Counter
from pathlib import Path

DEFAULT_CACHE = Path(os.environ.get("RESILINT_CORPUS", Path.home() / ".cache" / "resilint-corpus"))

# (distribution, pinned version, what it exercises, sub-folders to keep: None = the whole release)
PACKAGES: list[tuple[str, str, str, list[str] | None]] = [
    ("requests-oauthlib", "2.0.0", "requests sessions, OAuth flows", None),
    ("httpie", "3.2.4", "requests-based CLI application", None),
    ("django-allauth", "65.21.1", "Django app: views, models, migrations, outbound HTTP", None),
    ("alembic", "1.20.1", "migrations tool: templates, ops, SQLAlchemy", None),
    ("celery", "5.7.0", "task queue: retries, workers, brokers", None),
    ("kombu", "5.7.0", "messaging: redis/amqp/sqlalchemy transports", None),
    ("tenacity", "9.2.1", "retry library", None),
    ("backoff", "2.2.1", "retry library", None),
    ("sqlalchemy-utils", "0.43.0", "SQLAlchemy helpers, DDL", None),
    ("flask-security-too", "5.9.2", "Flask app extension: views, auth, tokens", None),
    ("apache-airflow-providers-http", "6.3.0", "requests/aiohttp hook and operators, tenacity", None),
    ("pip-audit", "2.10.1", "requests + subprocess CLI", None),
    ("sentry-sdk", "2.75.0", "HTTP transport, many framework integrations", None),
    ("slack-sdk", "3.48.0", "HTTP API client (urllib/aiohttp), retry handlers", None),
    ("openai-agents", "0.24.0", "LLM agent framework (openai)", None),
    ("langchain-community", "0.4.2", "LLM integrations (sampled)",
     ["langchain_community/utilities", "langchain_community/llms",
      "langchain_community/chat_message_histories", "langchain_community/tools/requests"]),
    ("litellm", "1.110.2", "LLM gateway + FastAPI proxy (sampled)",
     ["litellm/caching", "litellm/integrations", "litellm/router_utils",
      "litellm/proxy/management_endpoints", "litellm/proxy/auth"]),
    # Application code (issue 14): services, workers, bots, CLIs and agent apps, not libraries.
    ("sqlite-utils", "4.2.1", "CLI over sqlite3: SQL built from table and column names", None),
    ("datasette", "0.65.5", "ASGI web app publishing SQLite databases", None),
    ("flower", "2.2.0", "Tornado web app monitoring Celery workers", None),
    ("changedetection.io", "0.60.10", "Flask service with fetch workers and notifications", None),
    ("aider-chat", "0.86.2", "LLM coding agent CLI (litellm, git, subprocess)", None),
    ("gpt-engineer", "0.3.1", "LLM code-generation agent CLI", None),
    ("open-interpreter", "0.4.3", "LLM agent app that runs code locally", None),
    ("shell-gpt", "1.5.1", "LLM CLI (openai), shell execution", None),
    ("llm", "0.36", "LLM CLI with SQLite logging and plugins", None),
    ("errbot", "6.2.1", "chatbot daemon with plugins and backends", None),
]

# Releases that are application code (the rest are libraries and frameworks). httpie and pip-audit
# were already in the corpus: both are end-user CLIs.
APPLICATIONS: frozenset[str] = frozenset({
    "httpie", "pip-audit", "sqlite-utils", "datasette", "flower", "changedetection.io", "aider-chat",
    "gpt-engineer", "open-interpreter", "shell-gpt", "llm", "errbot",
})


def kind(name: str) -> str:
    return "application" if name in APPLICATIONS else "library"


def _norm(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


def download(name: str, version: str, dist: Path) -> Path:
    dist.mkdir(parents=True, exist_ok=True)
    stem = _norm(f"{name}-{version}")
    for found in sorted(dist.iterdir()):
        if _norm(found.name).startswith(stem) and found.suffix in {".whl", ".gz", ".zip"}:
            return found
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":none:",
         "--disable-pip-version-check", "-q", "-d", str(dist), f"{name}=={version}"],
        check=True,
    )
    for found in sorted(dist.iterdir()):
        if _norm(found.name).startswith(stem):
            return found
    raise FileNotFoundError(f"pip download of {name}=={version} left no file in {dist}")


def _keep(member: str, subdirs: list[str] | None) -> bool:
    # A test suite shipped inside a release (changedetection.io's) is left out: teams lint tests
    # under other settings, and the review is about the code that runs in production.
    if not member.endswith(".py") or {"tests", "test"} & set(Path(member).parts[:-1]):
        return False
    return subdirs is None or any(member == d or member.startswith(d.rstrip("/") + "/") for d in subdirs)


def unpack(archive: Path, target: Path, subdirs: list[str] | None) -> None:
    """Extract the .py files (under `subdirs`, relative to the package root) into `target`."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if archive.suffix in {".whl", ".zip"}:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = info.filename
                if archive.suffix == ".zip":  # sdist zip: drop the NAME-VERSION/ prefix
                    name = name.split("/", 1)[1] if "/" in name else name
                if _keep(name, subdirs) and ".." not in Path(name).parts:
                    dest = target / name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(zf.read(info))
    else:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                if not member.isfile():
                    continue
                name = member.name.split("/", 1)[1] if "/" in member.name else member.name
                if _keep(name, subdirs) and ".." not in Path(name).parts:
                    dest = target / name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    fh = tf.extractfile(member)
                    if fh is not None:
                        dest.write_bytes(fh.read())


def measure(src: Path) -> tuple[int, int]:
    files = sorted(src.rglob("*.py"))
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


def check(src: Path | list[Path], jobs: int | None) -> tuple[list[dict], float, float]:
    """(findings, wall seconds, CPU seconds of resilint and its workers: steadier on a shared machine)."""
    paths = [str(p) for p in src] if isinstance(src, list) else [str(src)]
    cmd = [sys.executable, "-m", "resilint.server.cli", "check", *paths, "--select", "ALL",
           "--output-format", "json", "--exit-zero"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"resilint failed on {src} ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout or "[]"), elapsed, cpu


def markdown(report: dict) -> str:
    codes = sorted(report["rules"])
    lines = ["## Per package", "",
             "| package | version | kind | files | lines | seconds | CPU seconds | findings |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for p in report["packages"]:
        lines.append(f"| {p['name']} | {p['version']} | {p.get('kind', kind(p['name']))} | {p['files']} | {p['lines']} | {p['seconds']:.2f} | "
                     f"{p['cpu_seconds']:.2f} | {p['total']} |")
    t = report["totals"]
    lines.append(f"| **total** (sum of runs) | | | {t['files']} | {t['lines']} | {t['seconds']:.2f} | {t['cpu_seconds']:.2f} | "
                 f"{t['findings']} |")
    if "one_run_seconds" in t:
        lines.append(f"| **all packages, one run** | | | {t['files']} | {t['lines']} | {t['one_run_seconds']:.2f} | "
                     f"{t['one_run_cpu_seconds']:.2f} | {t['one_run_findings']} |")
    lines += ["", "## Per rule", "", "| rule | findings | packages with findings | per 10k lines |",
              "| --- | ---: | ---: | ---: |"]
    for code in codes:
        n = report["rules"][code]
        spread = sum(1 for p in report["packages"] if p["counts"].get(code))
        lines.append(f"| {code} | {n} | {spread} | {n * 10000 / max(t['lines'], 1):.1f} |")
    lines += ["", "## Rule × package", ""]
    names = [p["name"] for p in report["packages"]]
    lines.append("| rule | " + " | ".join(names) + " |")
    lines.append("| --- |" + " ---: |" * len(names))
    for code in codes:
        lines.append(f"| {code} | " + " | ".join(str(p["counts"].get(code, 0) or "") for p in report["packages"]) + " |")
    return "\n".join(lines) + "\n"


def sample(cache: Path, report: dict, per_rule: int, seed: int) -> dict[str, list[dict]]:
    """Up to `per_rule` findings per rule over all packages, drawn with a fixed seed (stable order first)."""
    by_code: dict[str, list[dict]] = {}
    for p in report["packages"]:
        src = cache / "src" / p["name"]
        for f in json.loads((cache / "findings" / f"{p['name']}.json").read_text()):
            rel = Path(f["filename"]).resolve().relative_to(src.resolve()).as_posix()
            by_code.setdefault(f["code"], []).append(
                {"package": p["name"], "file": rel, "line": f["location"]["row"], "message": f["message"]})
    out = {}
    for code in sorted(by_code):
        items = sorted(by_code[code], key=lambda d: (d["package"], d["file"], d["line"], d["message"]))
        rng = random.Random(f"{seed}:{code}")
        out[code] = sorted(rng.sample(items, min(per_rule, len(items))),
                           key=lambda d: (d["package"], d["file"], d["line"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=None, help="where the reports go (default: the cache)")
    ap.add_argument("--only", nargs="*", default=None, help="distribution names to run (default: all)")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--sample", type=int, default=0, help="findings per rule to draw for review")
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args(argv)
    cache: Path = args.cache
    out: Path = args.out or cache
    out.mkdir(parents=True, exist_ok=True)
    (cache / "findings").mkdir(parents=True, exist_ok=True)
    report: dict = {"packages": [], "rules": {}, "totals": {}, "machine": {
        "cpus": os.cpu_count(), "python": sys.version.split()[0], "jobs": args.jobs or "all cores",
        "loadavg_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }}
    rules: Counter[str] = Counter()
    for name, version, what, subdirs in PACKAGES:
        if args.only and name not in args.only:
            continue
        archive = download(name, version, cache / "dist")
        src = cache / "src" / name
        unpack(archive, src, subdirs)
        n_files, n_lines = measure(src)
        try:
            findings, seconds, cpu = check(src, args.jobs)
        except RuntimeError as first:  # the tree under test may be mid-edit: one retry, then record it
            try:
                findings, seconds, cpu = check(src, args.jobs)
            except RuntimeError as exc:
                print(f"{name}: {first}", file=sys.stderr)
                report["packages"].append({"name": name, "version": version, "what": what, "error": str(exc)[-500:]})
                continue
        (cache / "findings" / f"{name}.json").write_text(json.dumps(findings, indent=1))
        counts = Counter(f["code"] for f in findings)
        rules.update(counts)
        report["packages"].append({
            "name": name, "version": version, "kind": kind(name), "what": what, "archive": archive.name,
            "subdirs": subdirs, "files": n_files, "lines": n_lines, "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "total": len(findings), "counts": dict(sorted(counts.items())),
        })
        print(f"{name}=={version}: {n_files} files, {n_lines} lines, {seconds:.2f}s ({cpu:.2f}s CPU), {len(findings)} findings",
              file=sys.stderr)
    report["rules"] = dict(sorted(rules.items()))
    errors = [p for p in report["packages"] if "error" in p]
    report["packages"] = [p for p in report["packages"] if "error" not in p]
    report["errors"] = errors
    report["totals"] = {
        "packages": len(report["packages"]),
        "files": sum(p["files"] for p in report["packages"]),
        "lines": sum(p["lines"] for p in report["packages"]),
        "seconds": round(sum(p["seconds"] for p in report["packages"]), 3),
        "cpu_seconds": round(sum(p["cpu_seconds"] for p in report["packages"]), 3),
        "findings": sum(rules.values()),
    }
    if len(report["packages"]) > 1:  # the whole corpus in one process: no per-package start-up cost
        try:
            whole, seconds, cpu = check([cache / "src" / p["name"] for p in report["packages"]], args.jobs)
        except RuntimeError as exc:
            print(f"one run over all packages: {exc}", file=sys.stderr)
        else:
            report["totals"]["one_run_seconds"] = round(seconds, 3)
            report["totals"]["one_run_cpu_seconds"] = round(cpu, 3)
            report["totals"]["one_run_findings"] = len(whole)
    if hasattr(os, "getloadavg"):
        report["machine"]["loadavg_end"] = os.getloadavg()[0]
    (out / "real_corpus.json").write_text(json.dumps(report, indent=1) + "\n")
    (out / "real_corpus.md").write_text(markdown(report))
    if args.sample:
        (out / "sample.json").write_text(json.dumps(sample(cache, report, args.sample, args.seed), indent=1) + "\n")
    print(markdown(report))
    for p in errors:
        print(f"ERROR {p['name']}: {p['error']}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

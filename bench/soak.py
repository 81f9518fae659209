"""Soak test: N minutes of random edits, hovers and code actions on real stdlib files.

    python bench/soak.py --minutes 20          # default
    python bench/soak.py --minutes 5 --seed 1

Drives the real server (`python -m resilint.server.serve`) over stdio with the raw client of
tests/lsp/rawrpc.py. Every 10 s it samples the server's RSS and thread count (from /proc);
every minute it prints the latency percentiles (p50/p95/p99/max, ms) of hovers, code actions
and of "edit -> diagnostics for that version", and at the end a JSON summary.

The workspace is a temporary folder holding copies of just those files (under their stdlib
paths): the server indexes its workspace, and the parent folder of a stdlib file would be the
whole stdlib (13,000 files), a one-off build that would drown the steady state being measured.
Each document stays within --slack characters of its original size (an edit that would grow it
further deletes a line instead), so the RSS figure measures the server, not ever-larger documents.
Any error response counts in "errors" (none is expected).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "lsp"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from rawrpc import RawClient
from stdlib_corpus import stdlib_files

INSERTS = ("requests.get(url)\n", "time.sleep(1)\n", "x = 1\n", "(", ")", "# noqa\n", "subprocess.run(cmd)\n",
           "try:\n    pass\nexcept Exception:\n    pass\n", "'", "\n", "    ")


def proc_stats(pid: int) -> tuple[float, int]:
    rss_kb, threads = 0, 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
        elif line.startswith("Threads:"):
            threads = int(line.split()[1])
    return rss_kb / 1024, threads


def pct(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    v = sorted(values)
    at = lambda q: v[min(len(v) - 1, int(q * len(v)))]
    return {"n": len(v), "p50": round(at(0.5), 1), "p95": round(at(0.95), 1), "p99": round(at(0.99), 1),
            "max": round(v[-1], 1), "mean": round(statistics.fmean(v), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--files", type=int, default=20, help="stdlib files kept open")
    parser.add_argument("--slack", type=int, default=2_000, help="max characters a document may grow")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    files = [p for p in stdlib_files() if 2_000 < p.stat().st_size < 60_000]
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    root = Path(tempfile.mkdtemp(prefix="resilint-soak-"))
    copies = []
    for p in rng.sample(files, args.files):
        copy = root / p.relative_to(stdlib)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, copy)
        copies.append(copy)
    files = copies
    client = RawClient(env={"RESILINT_DEBOUNCE_MS": "50"})
    client.initialize(root.as_uri(), capabilities={"general": {"positionEncodings": ["utf-16"]}})
    docs: dict[str, dict] = {}
    for p in files:
        uri = p.as_uri()
        text = p.read_text(encoding="utf-8", errors="replace")
        docs[uri] = {"lines": text.split("\n"), "version": 1, "size": len(text), "limit": len(text) + args.slack}
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                               "text": text}})
    lat: dict[str, list[float]] = {"hover": [], "codeAction": [], "diagnostics": []}
    samples: list[dict] = []
    minutes: list[dict] = []
    start = time.monotonic()
    end = start + args.minutes * 60
    next_sample, next_minute = start, start + 60
    ops = 0
    errors: list[dict] = []
    while time.monotonic() < end:
        uri = rng.choice(list(docs))
        doc = docs[uri]
        lines = doc["lines"]
        line = rng.randrange(len(lines))
        col = rng.randint(0, len(lines[line]))
        op = rng.random()
        if op < 0.5:  # an incremental edit; every 10th waits for its diagnostics
            text = rng.choice(INSERTS)
            doc["version"] += 1
            if doc["size"] + len(text) > doc["limit"] and line + 1 < len(lines):
                doc["size"] -= len(lines[line]) + 1
                del lines[line]
                lo, hi = {"line": line, "character": 0}, {"line": line + 1, "character": 0}
                text = ""
            else:
                doc["size"] += len(text)
                new = (lines[line][:col] + text + lines[line][col:]).split("\n")
                lines[line:line + 1] = new
                lo = hi = {"line": line, "character": len(lines[line][:col].encode("utf-16-le")) // 2}
            t0 = time.perf_counter()
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": doc["version"]},
                "contentChanges": [{"range": {"start": lo, "end": hi}, "text": text}]})
            if ops % 10 == 0:
                client.diagnostics(uri, doc["version"], timeout=60)
                lat["diagnostics"].append((time.perf_counter() - t0) * 1000)
        elif op < 0.8:
            t0 = time.perf_counter()
            reply = client.call("textDocument/hover", {"textDocument": {"uri": uri},
                                                       "position": {"line": line, "character": 0}}, timeout=60)
            lat["hover"].append((time.perf_counter() - t0) * 1000)
        else:
            t0 = time.perf_counter()
            rng_line = {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}
            reply = client.call("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": rng_line,
                                                            "context": {"diagnostics": []}}, timeout=60)
            lat["codeAction"].append((time.perf_counter() - t0) * 1000)
        if op >= 0.5 and "error" in reply:
            errors.append(reply)
        ops += 1
        if len(client.messages) > 20_000:  # keep the client's memory flat
            with client._cond:
                del client.messages[:10_000]
        now = time.monotonic()
        if now >= next_sample:
            rss, threads = proc_stats(client.proc.pid)
            samples.append({"t": round(now - start), "rss_mb": round(rss, 1), "threads": threads})
            next_sample += 10
        if now >= next_minute:
            row = {"minute": len(minutes) + 1, "ops": ops, **{k: pct(v) for k, v in lat.items()},
                   "rss_mb": samples[-1]["rss_mb"], "threads": samples[-1]["threads"], "errors": len(errors),
                   "doc_chars": sum(d["size"] for d in docs.values())}
            minutes.append(row)
            print(json.dumps(row), flush=True)
            lat = {k: [] for k in lat}
            next_minute += 60
    rss, threads = proc_stats(client.proc.pid)
    code = client.close()
    shutil.rmtree(root, ignore_errors=True)
    summary = {"minutes": args.minutes, "ops": ops, "rss_first_mb": samples[0]["rss_mb"] if samples else None,
               "rss_last_mb": round(rss, 1), "rss_max_mb": max(s["rss_mb"] for s in samples) if samples else None,
               "threads_max": max(s["threads"] for s in samples) if samples else None, "threads_last": threads,
               "exit_code": code, "errors": len(errors), "first_errors": errors[:3],
               "stderr_tracebacks": sum(b"Traceback" in line for line in client.stderr),
               "doc_chars": sum(d["size"] for d in docs.values()), "rss_samples": [s["rss_mb"] for s in samples]}
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

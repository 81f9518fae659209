"""Latency of code actions on a large file: list and resolve through the real server.

    python bench/fix_latency.py [--requests 100] [--json]      # through `resilint serve`
    python bench/fix_latency.py --in-process [--rounds 5]       # `compute_fix` alone, in process

The stdlib's `_pydecimal.py` (~6,400 lines) with resilience snippets injected between its
top-level statements near the start, the middle and the end (RES001/RES004 calls, RES030 in an
`async def`, RES010/011/012 on a tenacity `@retry`, RES022 in an `except`, and outbound calls
with no finding).

Server mode (the default) starts `python -m resilint.server.serve` over stdio (the stdlib
client of /work/shared/tools/lsp_probe.py), opens the file, waits for its diagnostics, then
times `textDocument/codeAction` (list) and `codeAction/resolve` (of the first quick fix, or
the first refactor) at three kinds of cursor, at least `--requests` of each:

  * ``finding``: the range of a fixable finding, its diagnostic in the context;
  * ``call``: an empty range at a plain call of `_pydecimal` (no finding, no refactor: the
    list only);
  * ``outbound``: an empty range at an HTTP call with no finding (refactors offered; the
    first one, "Retry with tenacity", is resolved);

in two situations: ``steady`` (the same document version throughout: what a client asking
again while the cursor moves sees) and ``edited`` (a change at the end of the file before each
list: every list and resolve meets a new version, caches cold). Each request is timed from
sending to its response; the load average and the server's mean CPU time per request (from
/proc, 10 ms ticks summed over all requests: what a quiet machine would show) are printed too.

Targets (issue 4): list p95 ≤ 30 ms, resolve p95 ≤ 100 ms.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from probe import load_probe  # noqa: E402

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
def _bench_calls_{n}(url):
    first = _bench_requests.get(url, timeout=5)
    second = _bench_requests.post(url, json={{}}, timeout=5)
    return first, second
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
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


# ----- through the server ------------------------------------------------------------------------------
CAPABILITIES = {
    "textDocument": {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"versionSupport": True},
        "codeAction": {"dataSupport": True, "resolveSupport": {"properties": ["edit"]},
                       "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                           "quickfix", "refactor", "refactor.rewrite", "source", "source.fixAll"]}}},
    },
    "workspace": {"configuration": True, "workspaceFolders": True},
    "general": {"positionEncodings": ["utf-16"]},
}


def cursors(text: str, path: str, n: int) -> dict[str, list[dict]]:
    """Cursors by kind: LSP ranges (+ the diagnostic for findings), each list cycled to at
    least `n` entries. Columns are code points: the file is ASCII."""
    settings = FileSettings(Options.model_validate({"select": ["ALL"]}))
    findings = [f for f in analyze(text, path, settings).findings if fixable(f)]
    found = []
    for f in findings:
        rng = {"start": {"line": f.span.line, "character": f.span.col},
               "end": {"line": f.span.end_line, "character": f.span.end_col}}
        found.append({"range": rng, "diagnostics": [
            {"range": rng, "code": f.code, "source": "resilint", "message": f.message, "severity": 2}]})
    busy = {line for f in analyze(text, path, settings).findings for line in range(f.span.line, f.span.end_line + 1)}
    calls = sorted({(c.lineno - 1, c.col_offset, ast.unparse(c.func).startswith("_bench_requests."))
                    for c in ast.walk(ast.parse(text)) if isinstance(c, ast.Call) and c.lineno - 1 not in busy})

    def at(ln: int, col: int) -> dict:
        return {"range": {"start": {"line": ln, "character": col}, "end": {"line": ln, "character": col}},
                "diagnostics": []}

    plain = [(ln, col) for ln, col, outbound in calls if not outbound]
    plain = [at(ln, col) for ln, col in plain[::max(1, len(plain) // n)][:n]]
    outbound = [at(ln, col) for ln, col, out in calls if out]

    def cycled(items: list[dict]) -> list[dict]:
        return (items * (n // max(len(items), 1) + 1))[:max(n, len(items))] if items else []

    return {"finding": cycled(found), "call": cycled(plain), "outbound": cycled(outbound)}


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process used so far: unlike wall time, load does not inflate it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def server_latency(text: str, requests: int, edited: bool, cmd: list[str]) -> dict:
    """List and resolve latencies (ms) at finding and call cursors, through one server process."""
    lp = load_probe()
    with tempfile.TemporaryDirectory(prefix="resilint-fix-latency-") as tmp:
        file = Path(tmp) / "_pydecimal.py"
        file.write_text(text, encoding="utf-8")
        client = lp.Client(cmd, tmp, file.as_uri(), 300)
        out: dict = {}
        try:
            client.call("initialize", {"processId": os.getpid(), "rootUri": Path(tmp).as_uri(),
                                       "workspaceFolders": [{"uri": Path(tmp).as_uri(), "name": "bench"}],
                                       "capabilities": CAPABILITIES, "initializationOptions": {"debounce": 0}})
            client.notify("initialized", {})
            t_open = client.notify("textDocument/didOpen", {"textDocument": {
                "uri": file.as_uri(), "languageId": "python", "version": 1, "text": text}})
            client.diagnostics("push", t_open, 1)
            version, current = 1, text
            by_kind = cursors(text, str(file), requests)
            # the server's first code action imports libcst (once per process): timed apart
            first = by_kind["finding"][0]
            out["first_list_ms"] = round(client.call("textDocument/codeAction", {
                "textDocument": {"uri": file.as_uri()}, "range": first["range"],
                "context": {"diagnostics": first["diagnostics"], "triggerKind": 1}})[0] * 1000, 1)
            for kind, items in by_kind.items():
                lists, resolves, empty = [], [], 0
                cpu = {"list": 0.0, "resolve": 0.0}  # server CPU over all requests (10 ms ticks)
                for i, cursor in enumerate(items):
                    if edited:
                        version += 1
                        current = text + f"# edit {i}\n" * (i % 2)  # lines above the cursor never move
                        t_change = client.notify("textDocument/didChange", {
                            "textDocument": {"uri": file.as_uri(), "version": version},
                            "contentChanges": [{"text": current}]})
                        client.diagnostics("push", t_change, version)
                    params = {"textDocument": {"uri": file.as_uri()}, "range": cursor["range"],
                              "context": {"diagnostics": cursor["diagnostics"], "triggerKind": 1}}
                    c0 = cpu_ms(client.proc.pid)
                    dt, actions = client.call("textDocument/codeAction", params)
                    cpu["list"] += cpu_ms(client.proc.pid) - c0
                    lists.append(dt * 1000)
                    wanted = [a for a in actions or [] if (a.get("data") or {}).get("kind") in ("fix", "refactor")]
                    if not wanted:
                        empty += 1
                        continue
                    c0 = cpu_ms(client.proc.pid)
                    dt, resolved = client.call("codeAction/resolve", wanted[0])
                    cpu["resolve"] += cpu_ms(client.proc.pid) - c0
                    resolves.append(dt * 1000)
                    empty += not (resolved or {}).get("edit")
                out[kind] = {"requests": len(items), "list_ms": _stats(lists), "resolve_ms": _stats(resolves),
                             "without_edit": empty,
                             "server_cpu_ms_mean": {k: round(v / max(len(lists if k == "list" else resolves), 1), 1)
                                                    for k, v in cpu.items()}}
        finally:
            out["shutdown"] = client.shutdown()
    return out


def _stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": round(statistics.median(values), 1), "p95": round(pct(values, 0.95), 1),
            "max": round(max(values), 1)}


def in_process(args: argparse.Namespace, text: str, path: str) -> dict:
    """`compute_fix` alone per fixable finding: cold (caches cleared) and warm."""
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
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100, help="cursors of each kind (server mode)")
    ap.add_argument("--situations", nargs="+", choices=["steady", "edited"], default=["steady", "edited"])
    ap.add_argument("--server-cmd", help="server command (default: python -m resilint.server.serve)")
    ap.add_argument("--in-process", action="store_true", help="time compute_fix in process instead")
    ap.add_argument("--rounds", type=int, default=5, help="rounds over the findings (--in-process)")
    ap.add_argument("--whole", action="store_true", help="also time one whole-file libcst parse (--in-process)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    text, path = corpus()
    text = inject(text)
    load_start = os.getloadavg()[0]
    if args.in_process:
        result = in_process(args, text, path)
    else:
        cmd = args.server_cmd.split() if args.server_cmd else [sys.executable, "-m", "resilint.server.serve"]
        result = {"file": f"_pydecimal.py + snippets, {text.count(chr(10))} lines", "requests_per_kind": args.requests}
        for situation in args.situations:
            result[situation] = server_latency(text, args.requests, situation == "edited", cmd)
    result["load_average"] = {"start": load_start, "end": os.getloadavg()[0]}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            if isinstance(value, dict) and "finding" in value:
                for kind in ("finding", "call", "outbound"):
                    r = value[kind]
                    print(f"{key:>8} {kind:<8} list {r['list_ms']}  resolve {r['resolve_ms']}  "
                          f"(no edit: {r['without_edit']}; mean server CPU ms {r['server_cpu_ms_mean']})")
            else:
                print(f"{key:>18}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

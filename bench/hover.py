"""Hover latency on a large file (stdlib `_pydecimal.py`, ~6,400 lines).

    python bench/hover.py [--positions 300] [--no-server] [--json]

Core (`rules.explain.hover_at`, in process):
  * ``cold``: the first hover on a new version of the text (parse + module pass, once per text);
  * ``warm``: hovers at identifier positions spread over the file, text unchanged (p50/p95/max);
  * two texts: ``_pydecimal.py`` as is (no resilience import: the API path is skipped by a
    cheap import pre-filter) and ``_pydecimal.py`` + ``import requests`` and a call at the
    end (every hover resolves its name with the engine's scopes), plus hovers on findings.

Server (``python -m resilint.server.serve`` over stdio, using the Client of
/work/shared/tools/lsp_probe.py, which has no hover mode of its own): round trip of
``textDocument/hover`` from request to response, same positions.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from probe import load_probe  # noqa: E402



def corpus() -> tuple[str, str]:
    path = os.path.join(os.path.dirname(ast.__file__), "_pydecimal.py")
    return Path(path).read_text(encoding="utf-8"), path


def with_requests(text: str) -> str:
    return ("import requests\n" + text
            + "\n\ndef fetch_all(urls):\n    return [requests.get(u) for u in urls]\n")


def positions(text: str, n: int, seed: int = 5) -> list[tuple[int, int]]:
    """Identifier positions (line, char col) spread over the file, deterministic."""
    out = []
    for i, line in enumerate(text.split("\n")):
        for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*", line):
            out.append((i, m.start() + len(m.group(0)) // 2))
    rng = random.Random(seed)
    return sorted(rng.sample(out, min(n, len(out))))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, int(round(q * (len(values) - 1)))))
    return values[k]


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(pct(ms, 0.5), 3), "p95_ms": round(pct(ms, 0.95), 3),
            "max_ms": round(max(ms), 3) if ms else None, "mean_ms": round(statistics.fmean(ms), 3) if ms else None}


def bench_core(n: int) -> dict:
    from resilint.rules import explain
    from resilint.rules.engine import analyze

    text0, path = corpus()
    results: dict = {"lines": text0.count("\n")}
    for name, text in (("pydecimal", text0), ("pydecimal+requests", with_requests(text0))):
        findings = analyze(text, path).findings
        pos = positions(text, n)
        explain.clear_cache()
        t0 = time.perf_counter()
        explain.hover_at(text, path, *pos[len(pos) // 2], findings=findings, settings=None, locale="en", guides=())
        cold = (time.perf_counter() - t0) * 1000
        # a cold API resolution on an edited copy (new text: parse + module pass again)
        edited = text + "\n# edit\n"
        elines = edited.split("\n")
        last = len(elines) - 4
        gcol = elines[last].find("requests.get") + 10  # on `get`
        api = {}
        if gcol >= 10:
            t0 = time.perf_counter()
            md = explain.hover_at(edited, path, last, gcol, findings=[], settings=None, locale="en", guides=())
            api["cold_api_hover_after_edit_ms"] = round((time.perf_counter() - t0) * 1000, 2)
            api["api_hover_ok"] = bool(md and "requests.get" in md)
            warm_api = []
            for k in (-1, 0, 1, 2):  # distinct positions on the same name: no per-position cache hit
                t0 = time.perf_counter()
                explain.hover_at(edited, path, last, gcol + k, findings=[], settings=None, locale="en", guides=())
                warm_api.append((time.perf_counter() - t0) * 1000)
            api["warm_api_hover"] = summary(warm_api)
        warm, hits = [], 0
        for line, col in pos:
            t0 = time.perf_counter()
            md = explain.hover_at(text, path, line, col, findings=findings, settings=None, locale="en", guides=())
            warm.append((time.perf_counter() - t0) * 1000)
            hits += md is not None
        again = []
        for line, col in pos[:100]:  # the same positions again (per-position cache)
            t0 = time.perf_counter()
            explain.hover_at(text, path, line, col, findings=findings, settings=None, locale="en", guides=())
            again.append((time.perf_counter() - t0) * 1000)
        on_findings = []
        for f in findings:
            t0 = time.perf_counter()
            explain.hover_at(text, path, f.span.line, f.span.col, findings=findings, settings=None,
                             locale="pt-BR", guides=())
            on_findings.append((time.perf_counter() - t0) * 1000)
        results[name] = {
            "cold_first_hover_ms": round(cold, 2),
            **api,
            "warm": summary(warm),
            "repeat": summary(again),
            "findings": summary(on_findings) if on_findings else None,
            "hovers_with_content": hits,
        }
    return results


def bench_server(n: int) -> dict:
    probe = load_probe()
    text0, _ = corpus()
    text = with_requests(text0)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "big.py"
        file.write_text(text, encoding="utf-8")
        uri = file.as_uri()
        client = probe.Client([sys.executable, "-m", "resilint.server.serve"], tmp, uri, 120.0)
        try:
            rid, _ = client.request("initialize", {
                "processId": os.getpid(), "rootUri": Path(tmp).as_uri(), "locale": "en",
                "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown"]},
                                                  "publishDiagnostics": {}}},
                "workspaceFolders": [{"uri": Path(tmp).as_uri(), "name": "bench"}]})
            assert client.pump(lambda: rid in client.responses), "no initialize response"
            caps = client.responses[rid][1]["result"]["capabilities"]
            if not caps.get("hoverProvider"):
                return {"skipped": "server does not advertise hoverProvider"}
            client.notify("initialized", {})
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "python", "version": 1, "text": text}})
            assert client.pump(lambda: any(v == 1 for _, v, _ in client.pushes)), "no diagnostics"

            def hover(line: int, col: int) -> tuple[float, dict | None]:
                hid, t0 = client.request("textDocument/hover", {
                    "textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
                assert client.pump(lambda: hid in client.responses), "no hover response"
                t1, msg = client.responses.pop(hid)
                return (t1 - t0) * 1000, msg.get("result")

            pos = positions(text, n)
            first, _ = hover(*pos[len(pos) // 2])
            times, hits = [], 0
            for line, col in pos:
                ms, res = hover(line, col)
                times.append(ms)
                hits += res is not None
            last = len(text.split("\n")) - 2
            ms_api, res = hover(last, text.split("\n")[last].index("requests.get") + 10)
            return {"first_hover_ms": round(first, 2), "round_trip": summary(times),
                    "hovers_with_content": hits,
                    "api_hover_ms": round(ms_api, 2), "api_hover_ok": bool(res)}
        finally:
            try:
                sid, _ = client.request("shutdown", None)
                client.pump(lambda: sid in client.responses, timeout=5)
                client.notify("exit", None)
                client.proc.wait(timeout=5)
            except Exception:
                client.proc.kill()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--positions", type=int, default=300)
    ap.add_argument("--no-server", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    out = {"core": bench_core(args.positions)}
    if not args.no_server:
        try:
            out["server"] = bench_server(args.positions)
        except Exception as exc:  # the server is optional for this benchmark
            out["server"] = {"error": f"{type(exc).__name__}: {exc}"}
    try:
        out["load_avg"] = os.getloadavg()
    except OSError:
        pass
    print(json.dumps(out, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

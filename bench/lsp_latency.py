"""LSP latency: `resilint serve` vs `ruff server`, side by side.

Runs /work/shared/tools/lsp_probe.py (a stdlib LSP client) on copies of the stdlib's
`_pydecimal.py` (~6,400 lines) and `subprocess.py` (~2,200 lines): initialize, didOpen ->
diagnostics, N incremental edits -> diagnostics (p50/p95), peak RSS. resilint runs with
debounce 0 (initializationOptions). Then opens 100 documents in one server of each kind and
reports the resident memory once all their diagnostics arrived.

    python bench/lsp_latency.py [--edits 100] [--mode auto|push|pull] [--docs 100] [--repeat 3] [--select RES]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from probe import PROBE, load_probe  # noqa: E402

# The probe lives in the workspace's shared/ folder, beside the repository.
STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = ["_pydecimal.py", "subprocess.py"]


def servers(args) -> dict[str, list[str]]:
    out = {"resilint": args.resilint_cmd.split() if args.resilint_cmd
           else [sys.executable, "-m", "resilint.server.serve"]}
    ruff = shutil.which("ruff")
    if ruff and not args.no_ruff:
        out["ruff"] = [ruff, "server"]
    return out


def probe(cmd: list[str], file: Path, edits: int, mode: str, init: dict | None) -> dict:
    argv = [sys.executable, str(PROBE), "--file", str(file), "--edits", str(edits), "--json",
            "--mode", mode, "--timeout", "120"]
    if init is not None:
        argv += ["--init-options", json.dumps(init)]
    proc = subprocess.run(argv + ["--", *cmd], capture_output=True, text=True, timeout=1800, check=False)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"ok": False, "error": (proc.stdout + proc.stderr)[-500:]}


def ms(value) -> str:
    return f"{value * 1000:.1f}" if isinstance(value, (int, float)) else "n/a"


def median_run(runs: list[dict]) -> dict:
    """One result whose timings are the medians over `runs` (the first failure, if any run failed)."""
    failed = [r for r in runs if not r.get("ok")]
    if failed or len(runs) == 1:
        return failed[0] if failed else runs[0]
    out = dict(runs[0], runs=len(runs))
    for key in ("initialize_s", "open_to_diagnostics_s", "peak_rss_mb"):
        out[key] = statistics.median(r[key] for r in runs)
    out["edit_latency_s"] = {k: statistics.median(r["edit_latency_s"][k] for r in runs)
                             for k in ("p50", "p95", "max", "min")}
    return out


def many_documents(cmd: list[str], files: list[Path], root: Path, init: dict | None) -> dict:
    """Open every file in one server (push mode), wait for all diagnostics, read RSS."""
    lp = load_probe()
    client = lp.Client(cmd, str(root), files[0].as_uri(), 300)
    res: dict = {"docs": len(files)}
    try:
        caps = {"textDocument": {"synchronization": {"didSave": True},
                                 "publishDiagnostics": {"versionSupport": True}},
                "workspace": {"configuration": True, "workspaceFolders": True},
                "general": {"positionEncodings": ["utf-16"]}}
        params = {"processId": os.getpid(), "rootUri": root.as_uri(),
                  "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}], "capabilities": caps}
        if init is not None:
            params["initializationOptions"] = init
        client.call("initialize", params)
        client.notify("initialized", {})
        before = lp.proc_status(client.proc.pid, "VmRSS")
        waiting = {f.as_uri() for f in files}
        t0 = time.perf_counter()
        for f in files:
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": f.as_uri(), "languageId": "python", "version": 1, "text": f.read_text("utf-8")}})
        deadline = time.perf_counter() + 300
        while waiting and time.perf_counter() < deadline:
            _t, msg = client.q.get(timeout=max(0.0, deadline - time.perf_counter()))
            if msg is None:
                raise RuntimeError("server exited")
            if msg.get("method") == "textDocument/publishDiagnostics":
                waiting.discard(msg["params"]["uri"])
        res["all_diagnostics_s"] = time.perf_counter() - t0
        res["missing"] = len(waiting)
        res["rss_before_mb"] = round((before or 0) / 1024, 1)
        res["rss_after_mb"] = round((lp.proc_status(client.proc.pid, "VmRSS") or 0) / 1024, 1)
        res["peak_rss_mb"] = round((lp.proc_status(client.proc.pid, "VmHWM") or 0) / 1024, 1)
        res["ok"] = not waiting
    except Exception as exc:
        res["ok"], res["error"] = False, f"{type(exc).__name__}: {exc}"
    finally:
        client.shutdown()
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--mode", choices=["auto", "push", "pull"], default="auto")
    ap.add_argument("--docs", type=int, default=100, help="documents for the memory run (0 = skip)")
    ap.add_argument("--resilint-cmd", help="server command (default: python -m resilint.server.serve)")
    ap.add_argument("--no-ruff", action="store_true")
    ap.add_argument("--json", action="store_true", help="also print the raw results as JSON")
    ap.add_argument("--select", help="resilint rule selection, e.g. RES (default: the default selection)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per file and server; each figure is the median over the runs")
    args = ap.parse_args(argv)
    if not PROBE.is_file():
        sys.exit(f"probe not found: {PROBE} (set LSP_PROBE)")
    cmds = servers(args)
    inits = {"resilint": {"debounce": 0, **({"select": args.select.split(",")} if args.select else {})},
             "ruff": None}
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="resilint-lsp-bench-") as tmp:
        root = Path(tmp)
        for name in FILES:
            shutil.copy(STDLIB / name, root / name)
        for file in FILES:
            for server, cmd in cmds.items():
                runs = [probe(cmd, root / file, args.edits, args.mode, inits.get(server)) for _ in range(args.repeat)]
                r = median_run(runs)
                results[(file, server)] = r
                print(f"  {file:<14} {server:<9} done ({'ok' if r.get('ok') else r.get('error')})",
                      file=sys.stderr)
        print()
        head = (f"{'file':<24} {'server':<9} {'mode':<5} {'init ms':>8} {'open->diag':>11} "
                f"{'edit p50':>9} {'edit p95':>9} {'edit max':>9} {'diags':>6} {'peak RSS MB':>12}")
        print(head)
        print("-" * len(head))
        for (file, server), r in results.items():
            e = r.get("edit_latency_s") or {}
            lines = r.get("lines", "?")
            print(f"{file + f' ({lines})':<24} {server:<9} {r.get('mode')!s:<5} {ms(r.get('initialize_s')):>8} "
                  f"{ms(r.get('open_to_diagnostics_s')):>11} {ms(e.get('p50')):>9} {ms(e.get('p95')):>9} "
                  f"{ms(e.get('max')):>9} {r.get('open_diagnostics')!s:>6} {r.get('peak_rss_mb')!s:>12}"
                  + ("" if r.get("ok") else f"  ERROR {r.get('error')}"))
        if args.docs:
            docs_dir = root / "many"
            docs_dir.mkdir()
            sources = sorted(p for p in STDLIB.glob("*.py") if 300 < p.stat().st_size < 120_000)[: args.docs]
            copies = []
            for p in sources:
                shutil.copy(p, docs_dir / p.name)
                copies.append(docs_dir / p.name)
            total_lines = sum(len(p.read_text("utf-8", "replace").splitlines()) for p in copies)
            print(f"\n{len(copies)} open documents ({total_lines} lines of stdlib), push diagnostics:")
            print(f"{'server':<9} {'RSS before MB':>14} {'RSS after MB':>13} {'peak MB':>8} {'all diags s':>12}")
            for server, cmd in cmds.items():
                r = many_documents(cmd, copies, docs_dir, inits.get(server))
                results[("many", server)] = r
                print(f"{server:<9} {r.get('rss_before_mb', 'n/a'):>14} {r.get('rss_after_mb', 'n/a'):>13} "
                      f"{r.get('peak_rss_mb', 'n/a'):>8} "
                      f"{(format(r['all_diagnostics_s'], '.2f') if r.get('ok') else 'n/a'):>12}"
                      + ("" if r.get("ok") else f"  ERROR {r.get('error')} missing={r.get('missing')}"))
    if args.json:
        print(json.dumps({f"{k[0]}|{k[1]}": v for k, v in results.items()}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`resilint check` computes the report's fixes in its analysis workers and the results cache
keeps them (issue 15, item 2): a cold text run stores each finding's fix with it, so a warm JSON
run shows the same `fix` objects and counts with every file served from the cache."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

OTHER = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RESILINT_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(root.parent / "xdg")
    r = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", ".", "--exit-zero", "--statistics",
                        *args], cwd=root, capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    return r


def test_a_text_run_caches_the_fixes_and_a_warm_json_run_serves_them(tmp_path: Path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.resilint]\n")
    (root / "other.py").write_text(OTHER)
    cold = _run(root)
    assert "[*]" in cold.stdout
    cached = [json.loads(p.read_text()) for p in (root / ".resilint_cache").rglob("*.json")]
    stored = [f for data in cached for entry in data.get("files", data).values() if isinstance(entry, dict)
              for f in entry.get("findings", [])]
    res001 = [f for f in stored if f.get("code") == "RES001"]
    assert res001 and all("fix" in f for f in res001), stored  # computed in the worker, cached
    warm = _run(root, "--output-format", "json")
    assert re.search(r"0 files analysed, 1 from the cache", warm.stderr), warm.stderr
    items = [i for i in json.loads(warm.stdout) if i["code"] == "RES001"]
    assert items and items[0]["fix"] is not None and items[0]["fix"]["edits"]
    assert _run(root).stdout.splitlines()[-1] == cold.stdout.splitlines()[-1]  # same counts, warm

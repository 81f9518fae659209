"""server/startup.py: the attrs code cache that speeds up `resilint serve` start-up.

Each case runs a fresh interpreter (the cache only acts on the first import of lsprotocol)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, resilint.server.startup as s
enabled = s.enable()
import lsprotocol.types, pygls.lsp.server
from lsprotocol import types
assert types.Position(line=1, character=2) == types.Position(line=1, character=2)
new = s.finish()
print(json.dumps({"enabled": enabled, "new": new, "hits": s.stats["hits"], "file": str(s.cache_file())}))
"""


def run(cache: Path, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "RESILINT_NO_STARTUP_CACHE"}
    environ.update(RESILINT_CACHE_DIR=str(cache), **env)
    out = subprocess.run([sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_start_compiles_from_the_cache(tmp_path: Path) -> None:
    first = run(tmp_path)
    assert first["enabled"] and first["new"] > 300 and first["hits"] == 0
    assert Path(first["file"]).is_file() and Path(first["file"]).parent == tmp_path
    second = run(tmp_path)
    assert second["hits"] > 300 and second["new"] * 20 < second["hits"], second


def test_a_broken_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = Path(run(tmp_path)["file"])
    path.write_bytes(b"\x00not marshal data")
    again = run(tmp_path)
    assert again["enabled"] and again["hits"] == 0 and again["new"] > 300
    assert run(tmp_path)["hits"] > 300  # rewritten


def test_an_unwritable_cache_directory_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run(blocker / "sub")
    assert result["enabled"] and result["new"] > 300


def test_can_be_turned_off(tmp_path: Path) -> None:
    result = run(tmp_path, RESILINT_NO_STARTUP_CACHE="1")
    assert not result["enabled"] and result["hits"] == 0
    assert not any(tmp_path.iterdir())

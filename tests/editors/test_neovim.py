"""A real Neovim (headless) drives `resilint serve` through editors/nvim/lsp/resilint.lua.

Needs `nvim` (0.7+) on PATH: `.ci/system-deps` installs it in CI (apt `neovim`). This test does
not skip when nvim is missing: it fails, so CI can never silently stop testing the editor path.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from editors_common import RES001_LINE, SOURCE, demo_workspace

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "editors" / "nvim" / "lsp" / "resilint.lua"
SCRIPT = Path(__file__).resolve().parent / "nvim_check.lua"



@pytest.fixture(scope="module")
def nvim() -> str:
    path = shutil.which("nvim")
    if path is None:
        pytest.fail("nvim is not installed: run `bash .ci/system-deps` (apt-get install -y neovim)")
    return path


def test_neovim_headless_diagnostics(nvim: str, tmp_path: Path) -> None:
    ws = demo_workspace(tmp_path)
    source = ws / "client.py"
    source.write_text(SOURCE)
    result = tmp_path / "result.txt"
    env = {
        **os.environ,
        # keep nvim's state, shada and lsp.log out of $HOME
        "XDG_CONFIG_HOME": str(tmp_path / "xdg" / "config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg" / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg" / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "xdg" / "state"),
        "RESILINT_PY": sys.executable,
        "RESILINT_CONFIG": str(CONFIG),
        "LSP_FILE": str(source),
        "LSP_OUT": str(result),
        "EXPECT_LINE": str(RES001_LINE),
        "RESILINT_DEBOUNCE_MS": "0",
    }
    proc = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {SCRIPT}"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ws,
    )
    report = result.read_text() if result.exists() else ""
    detail = f"exit {proc.returncode}\n--- result\n{report}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    assert proc.returncode == 0, detail
    assert "RESULT: PASS" in report, detail
    assert "code=RES001" in report, detail


def test_neovim_snippets_are_valid_lua() -> None:
    """Every shipped Lua file parses (luac-free: `loadfile` in nvim, or a brace/keyword sanity check)."""
    nvim_path = shutil.which("nvim")
    files = sorted((REPO / "editors" / "nvim").rglob("*.lua"))
    assert CONFIG in files
    if nvim_path is None:
        pytest.fail("nvim is not installed: run `bash .ci/system-deps`")
    for f in files:
        proc = subprocess.run(
            [nvim_path, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c",
             f"lua local f, e = loadfile([[{f}]]); if not f then io.stderr:write(e) vim.cmd('cquit!') end",
             "-c", "qall!"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
        )
        assert proc.returncode == 0, f"{f}: {proc.stderr}"

"""A real Neovim 0.7+ (push diagnostics only) runs `:ResilintCheckWorkspace` from
editors/nvim/legacy.lua: files never opened get their diagnostics, with $/progress.

Needs `nvim` on PATH (`.ci/system-deps`); like test_neovim.py it fails rather than skips without it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from editors_common import SOURCE, demo_workspace

REPO = Path(__file__).resolve().parents[2]
LEGACY = REPO / "editors" / "nvim" / "legacy.lua"
SCRIPT = Path(__file__).resolve().parent / "nvim_workspace_check.lua"


def test_neovim_check_workspace_command(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.fail("nvim is not installed: run `bash .ci/system-deps` (apt-get install -y neovim)")
    ws = demo_workspace(tmp_path)
    (ws / "open.py").write_text(SOURCE)
    others = {"dirty_a.py": SOURCE, "dirty_b.py": SOURCE, "clean.py": "x = 1\n"}
    for name, text in others.items():
        (ws / name).write_text(text)
    result = tmp_path / "result.txt"
    env = {
        **os.environ,
        # legacy.lua runs `resilint serve` from PATH: the one installed with this interpreter
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg" / "config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg" / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg" / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "xdg" / "state"),
        "LEGACY": str(LEGACY),
        "LSP_FILE": str(ws / "open.py"),
        "LSP_OTHERS": ",".join(str(ws / name) for name in others),
        "LSP_OUT": str(result),
        "RESILINT_DEBOUNCE_MS": "0",
    }
    proc = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {SCRIPT}"],
        check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, env=env, cwd=ws,
    )
    report = result.read_text() if result.exists() else ""
    detail = f"exit {proc.returncode}\n--- result\n{report}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    assert proc.returncode == 0 and "RESULT: PASS" in report, detail
    lines = report.splitlines()
    assert "NOTIFY resilint: checked 4 files, 3 problems" in lines, detail
    assert "OTHER dirty_a.py codes=RES001" in lines, detail
    assert "OTHER dirty_b.py codes=RES001" in lines, detail
    assert "OTHER clean.py codes=" in lines, detail
    assert any(line.startswith("PROGRESS resilint-workspace-") and "title=resilint: checking the workspace" in line
               and line.endswith("done=true") for line in lines), detail

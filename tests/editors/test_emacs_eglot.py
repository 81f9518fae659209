"""Batch Emacs + eglot drive `resilint serve` (the configuration of docs/editors/emacs.md).

Needs `emacs` and eglot (Debian: emacs-nox elpa-eglot, installed by `.ci/system-deps`). Like the
Neovim test it fails, rather than skips, when they are missing.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from editors_common import RES001_LINE, SOURCE, demo_workspace

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("recipe", ["interpreter", "project-venv"])
def test_emacs_eglot_batch(tmp_path: Path, recipe: str) -> None:
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.fail("emacs is not installed: run `bash .ci/system-deps` (emacs-nox elpa-eglot)")
    ws = demo_workspace(tmp_path)
    (ws / ".git").mkdir()  # eglot's project root
    extra = {}
    if recipe == "project-venv":  # the project's venv holds resilint: the test's own, linked in
        (ws / ".venv" / "bin").mkdir(parents=True)
        (ws / ".venv" / "bin" / "resilint").symlink_to(Path(sys.executable).parent / "resilint")
        extra["RESILINT_VENV_RECIPE"] = "1"
    source = ws / "client.py"
    source.write_text(SOURCE)
    env = {
        **os.environ,
        "HOME": str(tmp_path),  # no ~/.emacs.d, no eglot events buffer files in $HOME
        "RESILINT_PY": sys.executable,
        "LSP_FILE": str(source),
        "EXPECT_LINE": str(RES001_LINE + 1),
        "RESILINT_DEBOUNCE_MS": "0",
        **extra,
    }
    proc = subprocess.run(
        [emacs, "--batch", "-Q", "-l", str(HERE / "eglot_check.el")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, env=env, cwd=ws,
    )
    detail = f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, detail
    assert "RESULT: PASS" in proc.stdout, detail

"""Shared bits of the real-editor tests (tests/editors/)."""
from __future__ import annotations

import textwrap
from pathlib import Path

SOURCE = textwrap.dedent(
    """\
    import requests


    def fetch(url):
        return requests.get(url)
    """
)
RES001_LINE = 4  # 0-based: `return requests.get(url)`


def demo_workspace(tmp_path: Path) -> Path:
    """An empty project folder (`ws/` with a pyproject.toml) for an editor to open."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    return ws

"""Facts about the user's project read as data (never imported): pinned dependency versions."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path

_PIN = re.compile(r"""(?ix)^\s*["']?redis\s*(?:\[[^\]]*\])?\s*(?:==|~=|===)\s*v?([0-9]+(?:\.[0-9]+)*)""")
_LOCK = re.compile(r'(?ms)^name\s*=\s*"redis"\s*\nversion\s*=\s*"([0-9.]+)"')


def parse_version(text: str) -> tuple[int, ...] | None:
    parts = re.findall(r"\d+", text)
    return tuple(int(p) for p in parts[:3]) if parts else None


@lru_cache(maxsize=64)
def _pinned_in(root: Path) -> tuple[int, ...] | None:
    candidates = [root / "pyproject.toml", *sorted(root.glob("requirements*.txt")), *sorted(root.glob("requirements/*.txt"))]
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            m = _PIN.match(line.strip().rstrip(",").strip())
            if m:
                return parse_version(m.group(1))
    for lock in ("poetry.lock", "uv.lock", "pdm.lock"):
        try:
            text = (root / lock).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        m = _LOCK.search(text)
        if m:
            return parse_version(m.group(1))
    return None


def redis_version(configured: str | None, root: Path | None) -> tuple[int, ...] | None:
    """redis-py's version for RES003: config, then pins, then the running environment; else None."""
    if configured:
        return parse_version(configured)
    if root is not None:
        pinned = _pinned_in(root)
        if pinned is not None:
            return pinned
    try:
        return parse_version(metadata.version("redis"))
    except metadata.PackageNotFoundError:
        return None


#: Folders never walked (the CLI's discovery, the index, the server's workspace check).
DEFAULT_EXCLUDES = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "build", "dist",
                    "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".eggs",
                    ".ipynb_checkpoints")  # Jupyter's autosaved copies of each notebook, as ruff excludes

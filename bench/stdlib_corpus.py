"""The CPython stdlib as a benchmark/test corpus: the library itself, without tests and site-packages."""
from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

SKIP_PARTS = {"site-packages", "dist-packages", "test", "tests", "idle_test", "__pycache__"}


def stdlib_files() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(
        p for p in root.rglob("*.py")
        if not SKIP_PARTS.intersection(p.relative_to(root).parts[:-1]) and p.is_file()
    )


def materialize(target: Path) -> tuple[Path, int, int]:
    """Copy the corpus into `target` (so every tool sees the same files); returns (dir, files, lines)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    if target.exists():
        shutil.rmtree(target)
    n_files = n_lines = 0
    for path in stdlib_files():
        dest = target / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        dest.write_bytes(data)
        n_files += 1
        n_lines += data.count(b"\n")
    return target, n_files, n_lines

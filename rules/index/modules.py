"""Module names of a project's files: source roots, dotted names, relative imports made absolute."""
from __future__ import annotations

import os
from pathlib import Path


# ----- module names ------------------------------------------------------------------------------
def source_roots(root: Path) -> list[Path]:
    """Where top-level packages live: `src/` (when present) and the project root."""
    roots = []
    src = root / "src"
    if src.is_dir():
        roots.append(src)
    roots.append(root)
    return roots


def module_name(path: Path, root: Path) -> str | None:
    """`app/http.py` -> "app.http", `src/app/__init__.py` -> "app"; None outside the roots."""
    path = Path(os.path.realpath(path))
    for base in source_roots(Path(os.path.realpath(root))):
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        parts = list(rel.parts)
        if not parts or not parts[-1].endswith(".py"):
            return None
        parts[-1] = parts[-1][:-3]
        if parts[-1] == "__init__":
            parts.pop()
        if not parts or not all(p.isidentifier() for p in parts):
            return None
        return ".".join(parts)
    return None


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str | None:
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        if level - 1 > len(parts):
            return None
        parts = parts[: len(parts) - (level - 1)]
    if target:
        parts.extend(target.split("."))
    return ".".join(parts) if parts else None

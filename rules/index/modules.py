"""Module names of a project's files: source roots, dotted names, relative imports made absolute."""
from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Any

#: Bounds on the uses of a first-party name recorded per module (summary) and shown per name (view).
MAX_USES_PER_NAME = 20
MAX_USES_PER_MODULE = 400


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
    return module_in(os.path.realpath(path), real_roots(root))


def real_roots(root: Path) -> list[str]:
    """`source_roots(root)` with links resolved, for `module_in` (computed once per build)."""
    return [os.path.realpath(base) for base in source_roots(Path(os.path.realpath(root)))]


def module_in(real: str, bases: list[str]) -> str | None:
    """The module name of the real path `real` under the first of `bases` that holds it."""
    for base in bases:
        prefix = base.rstrip(os.sep) + os.sep
        if not real.startswith(prefix):
            continue
        parts = real[len(prefix):].split(os.sep)
        if not parts[-1].endswith(".py"):
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


def relative_target(view: Any, path: str, node: ast.ImportFrom, local: str) -> str | None:
    """The absolute qualname that `local`, bound by the relative import `node` in `path`, names
    (`view`: an `IndexView`, which knows each path's module)."""
    module = view.module_of(path)
    if module is None:
        return None
    base = _absolute(module, view.is_package(path), node.level, node.module)
    if base is None:
        return None
    for alias in node.names:
        if (alias.asname or alias.name) == local and alias.name != "*":
            return f"{base}.{alias.name}"
    return None

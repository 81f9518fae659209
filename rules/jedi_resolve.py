"""Settle imports the workspace index cannot: re-exports of installed packages, with jedi.

`from httpkit import Client` where the installed `httpkit` does `from requests import Session
as Client`: the index only knows first-party modules and the client libraries by name, so
`httpkit.Client` stays unknown. jedi follows the import statically (it reads source, never
imports it; `load_unsafe_extensions=False` keeps it from loading compiled modules of the
project) and tells us it is `requests.sessions.Session`.

This is slow (hundreds of ms for a cold jedi cache), so it is never on the first-publish path:
the server calls `settle_imports()` after the first diagnostics went out, within a per-document
time budget, and hands the result to `WorkspaceIndex.set_aliases(path, aliases)`; the next
analysis resolves those names (`FileContext.resolve` -> `IndexView.remap`). jedi is optional:
without it, `available()` is False and nothing changes.
"""
from __future__ import annotations

import ast
import sys
import time
from pathlib import Path
from typing import Any

from .index.summary import _LIBS, _OUTBOUND_FUNCTIONS, _STDLIB, KNOWN_CONSTRUCTORS

#: Default time budget per document (seconds).
BUDGET = 0.5
#: What an alias may settle to: names the rules know.
_KNOWN = frozenset({*KNOWN_CONSTRUCTORS, *_OUTBOUND_FUNCTIONS})


def available() -> bool:
    try:
        import jedi  # noqa: F401
    except ImportError:
        return False
    return True


class JediResolver:
    """One jedi project per workspace root; `settle_imports` per document."""

    def __init__(self, root: Path | str, environment: Any = None, added_sys_path: tuple[str, ...] = (),
                 budget: float = BUDGET) -> None:
        import jedi

        self.budget = budget
        self.first_party: frozenset[str] = frozenset()
        self.project = jedi.Project(
            str(root), load_unsafe_extensions=False, smart_sys_path=False, added_sys_path=tuple(added_sys_path),
        )
        # The default: the running interpreter's environment, inspected in a subprocess for
        # compiled modules (jedi never imports the user's source).
        self.environment = environment if environment is not None else jedi.get_default_environment()

    def settle_imports(self, path: str, text: str, first_party: frozenset[str] | None = None,
                       budget: float | None = None) -> dict[str, str]:
        """`{imported qualname: known qualname}` for the module-level `from X import Y` of
        installed, non-first-party, not-already-known modules that jedi resolves to a client
        constructor or an outbound function. Stops when the budget is spent (partial result)."""
        import jedi

        deadline = time.monotonic() + (self.budget if budget is None else budget)
        first_party = first_party if first_party is not None else self.first_party
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return {}
        wanted: list[tuple[str, int, int]] = []
        for stmt in tree.body:
            if not isinstance(stmt, ast.ImportFrom) or stmt.level or not stmt.module:
                continue
            top = stmt.module.split(".", 1)[0]
            if top in _STDLIB or top in _LIBS or top in first_party:
                continue
            for alias in stmt.names:
                if alias.name != "*" and hasattr(alias, "lineno"):
                    wanted.append((f"{stmt.module}.{alias.name}", alias.lineno, alias.col_offset))
        if not wanted:
            return {}
        out: dict[str, str] = {}
        try:
            script = jedi.Script(text, path=path, project=self.project, environment=self.environment)
            for qualname, line, col in wanted:
                if time.monotonic() > deadline:
                    break
                names = script.goto(line, col, follow_imports=True)
                full = {n.full_name for n in names if n.full_name}
                if len(full) == 1:
                    target = _known(full.pop())
                    if target is not None:
                        out[qualname] = target
        except Exception as exc:  # jedi must never cost the user the diagnostics
            print(f"resilint: jedi could not settle imports of {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return out


def _known(full_name: str) -> str | None:
    """jedi's full name of a definition -> the spelling the rules use, when they know it."""
    if full_name in _KNOWN:
        return full_name
    # `requests.sessions.Session` is known; `requests.api.get` -> `requests.get`.
    parts = full_name.split(".")
    short = f"{parts[0]}.{parts[-1]}"
    return short if short in _KNOWN else None

"""Fixes: computed on demand with libcst and emitted as minimal text edits.

libcst is never imported on the diagnostics path (`resilint.rules.engine`); only code
actions (`resolve`) and `--fix` import this package. A rule offers a fix by defining the
classmethod hook ``make_fix(cls, finding, doc) -> Fix | None`` (see docs/fixes.md).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FixDocument", "apply_edits", "compute_fix", "fix_all", "fixable", "rule_fix_hook"]

if TYPE_CHECKING:
    from .apply import apply_edits, compute_fix, fix_all, fixable, rule_fix_hook
    from .document import FixDocument

# The names load on first use (PEP 562): importing a submodule that needs no libcst
# (`fixes.hooks`) must not import libcst through this package's __init__.
_WHERE = {"FixDocument": "document", "apply_edits": "apply", "compute_fix": "apply", "fix_all": "apply",
          "fixable": "hooks", "rule_fix_hook": "hooks"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value

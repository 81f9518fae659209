"""Fixes: computed on demand with libcst and emitted as minimal text edits.

libcst is never imported on the diagnostics path (`resilint.rules.engine`); only code
actions (`resolve`) and `--fix` import this package. A rule offers a fix by defining the
classmethod hook ``make_fix(cls, finding, doc) -> Fix | None`` (see docs/fixes.md).
"""
from __future__ import annotations

from .apply import apply_edits, compute_fix, fix_all, fixable, rule_fix_hook
from .document import FixDocument

__all__ = ["FixDocument", "apply_edits", "compute_fix", "fix_all", "fixable", "rule_fix_hook"]

"""Which findings may have a fix: the rules' `make_fix` hooks, looked up without libcst.

A run served from the results cache and a CLI report of findings without fixes only need to know
*whether* a rule offers a fix; this module answers that with the registry alone, so that libcst
(~0.2 s of start-up) is imported only when a fix is really computed (rules/fixes/apply.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..model import Finding, Fix
from ..registry import get_rule

if TYPE_CHECKING:
    from .document import FixDocument

FixHook = Callable[[Finding, "FixDocument"], "Fix | None"]


def rule_fix_hook(code: str) -> FixHook | None:
    """The `make_fix` classmethod of the rule behind `code`, or None when it has none."""
    rule = get_rule(code)
    if rule is None:
        return None
    hook = getattr(rule, "make_fix", None)
    if hook is None or not callable(hook):
        return None
    return hook


def fixable(finding: Finding) -> bool:
    """Whether the finding's rule may offer a fix (cheap: no parsing)."""
    return rule_fix_hook(finding.code) is not None

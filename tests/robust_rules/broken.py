"""Rules that fail in every way a rule can, to check that the engine isolates them.

Each class raises from one hook; `analyze()` must still return every other rule's
findings plus exactly one RES998 that names the broken rule. Used through
`settings_with(...)`, a real FileSettings whose rule list has the broken rule appended.
"""
from __future__ import annotations

import ast

from resilint.rules.model import Rule, Severity
from resilint.rules.settings import FileSettings, Options, selected_codes


class _Base(Rule):
    name = "broken-test-rule"
    message = "never reported"
    severity = Severity.WARNING
    default_enabled = False


class BrokenVisit(_Base):
    code = "RES991"

    def visit_Call(self, node: ast.Call) -> None:
        raise ValueError("boom in visit_Call")


class BrokenLeave(_Base):
    code = "RES992"

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        raise KeyError("boom in leave_FunctionDef")


class BrokenFinish(_Base):
    code = "RES993"

    def finish(self) -> None:
        raise RuntimeError("boom in finish")


class BrokenCallee(_Base):
    code = "RES994"
    callees = frozenset({"requests.get", "requests.post"})

    def check_call(self, call: ast.Call, callee) -> None:
        raise AttributeError("boom in check_call")


class BrokenInit(_Base):
    code = "RES995"

    def __init__(self, ctx) -> None:
        raise TypeError("boom in __init__")


class RunawayRecursion(_Base):
    code = "RES996"

    def visit_Call(self, node: ast.Call) -> None:
        def down(n: int) -> int:
            return down(n + 1) + 1

        down(0)


class BadReport(_Base):
    """Reports a node that has no position: the failure is inside ctx.report."""

    code = "RES997"

    def visit_Call(self, node: ast.Call) -> None:
        self.report(ast.Pass())


BROKEN = (BrokenVisit, BrokenLeave, BrokenFinish, BrokenCallee, BrokenInit, RunawayRecursion, BadReport)


class _WithExtraRules(FileSettings):
    extra: tuple[type[Rule], ...] = ()

    def rule_classes(self) -> list[type[Rule]]:
        return [*super().rule_classes(), *self.extra]


def settings_with(*extra: type[Rule], **options) -> FileSettings:
    """All real rules (select ALL) plus `extra` (enabled too), which the registry never sees."""
    opts = Options.model_validate({"select": ["ALL"], **options})
    settings = _WithExtraRules(opts, enabled=selected_codes(opts) | {rule.code for rule in extra})
    settings.extra = extra
    return settings

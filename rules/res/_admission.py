"""Is every `put` on a queue held in `self.<attr>` admitted by a capacity counter? (RES033)

    if self._backlog >= self._capacity:
        return False
    self._backlog += 1
    self._pending.put(item)

Such a queue cannot grow past the capacity even without `maxsize`. Only a queue whose every use
is visible in its class counts: any use other than put/get/size calls (passing it on) may put
unchecked, so the answer is no.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..names import is_self_attribute

if TYPE_CHECKING:
    from ..context import FileContext

_PUTS = frozenset({"put", "put_nowait"})
_READS = frozenset({"get", "get_nowait", "task_done", "join", "qsize", "empty", "full"})
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BODIES = ("body", "orelse", "finalbody")


def puts_admitted_by_counter(ctx: "FileContext", call: ast.Call) -> bool:
    parent = ctx.parent
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and is_self_attribute(parent.targets[0])):
        return False
    cls = ctx.enclosing_class()
    if cls is None:
        return False
    attr = parent.targets[0].attr  # type: ignore[union-attr]
    admitted: set[int] = set()
    for method in cls.body:
        if isinstance(method, _FUNCS):
            _scan(method.body, attr, set(), False, admitted)
    puts = 0
    for method in cls.body:
        if not isinstance(method, _FUNCS):
            continue
        for node in ast.walk(method):
            if not isinstance(node, ast.Attribute) or not is_self_attribute(node.value, attr):
                continue
            if node.attr in _PUTS:
                if id(node) not in admitted:
                    return False
                puts += 1
            elif node.attr not in _READS:
                return False
        loads = sum(1 for n in ast.walk(method) if is_self_attribute(n, attr) and isinstance(n.ctx, ast.Load))
        methods = sum(1 for n in ast.walk(method) if isinstance(n, ast.Attribute) and is_self_attribute(n.value, attr))
        if loads != methods:
            return False  # `self._q` used bare: passed on or returned
    return puts > 0


def _scan(body: list[ast.stmt], attr: str, checked: set[str], counted: bool, admitted: set[int]) -> None:
    """Mark the `self.<attr>.put` attributes that follow `if <n> >= <cap>: return` and `<n> += ...`."""
    checked = set(checked)
    for stmt in body:
        counter = _capacity_check(stmt) if isinstance(stmt, ast.If) else None
        if counter is not None:
            checked.add(counter)
            continue
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add) and ast.unparse(stmt.target) in checked:
            counted = True
            continue
        nested = [getattr(stmt, f) for f in _BODIES if isinstance(getattr(stmt, f, None), list)]
        nested += [h.body for h in getattr(stmt, "handlers", [])]
        if nested and not isinstance(stmt, (*_FUNCS, ast.ClassDef)):
            for block in nested:
                _scan(block, attr, checked, counted, admitted)
            if isinstance(stmt, (ast.With, ast.AsyncWith)):
                continue
        if counted:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Attribute) and node.attr in _PUTS and is_self_attribute(node.value, attr):
                    admitted.add(id(node))


def _capacity_check(stmt: ast.If) -> str | None:
    """`if <n> >= <cap>: return/raise ...` -> the dump of <n>."""
    test = stmt.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.GtE, ast.Gt))):
        return None
    if not stmt.body or not isinstance(stmt.body[-1], (ast.Return, ast.Raise)):
        return None
    return ast.unparse(test.left)


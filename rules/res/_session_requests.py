"""Does every request made through an `aiohttp.ClientSession` pass its own `timeout=`? (RES003)

A session without a session-wide timeout is harmless when each request bounds itself. That can
only be proven when every use of the session is visible: the `async with ... as s` body or the
function holding `s = ClientSession()`, or the class holding `self.x = ClientSession()` (also
through a private method returning `self.x`). Any other use (passed on, returned from a public
method, stored elsewhere) is a request we cannot see, so the answer is no.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..context import is_none
from ..names import is_self_attribute

if TYPE_CHECKING:
    from ..context import FileContext

_REQUESTS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect"})
#: Uses that make no request and leak nothing.
_HARMLESS = frozenset({"close", "closed", "detach", "cookie_jar", "headers"})
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_NODES = 20000


def all_requests_bounded(ctx: "FileContext", call: ast.Call) -> bool:
    parents = ctx.parents
    parent = parents[-1] if parents else None
    if isinstance(parent, (ast.With, ast.AsyncWith)):  # the walk enters `with` items without a withitem parent
        item = next((i for i in parent.items if i.context_expr is call), None)
        var = item.optional_vars if item is not None else None
        return isinstance(var, ast.Name) and _name_uses_bounded(parent, var.id)
    if not (isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1):
        return False
    target = parent.targets[0]
    if isinstance(target, ast.Name) and isinstance(ctx.function, _FUNCS):
        return _name_uses_bounded(ctx.function, target.id)
    if is_self_attribute(target):
        cls = ctx.enclosing_class()
        return cls is not None and _attribute_uses_bounded(cls, target.attr)
    return False


def _walk(root: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
    """(node, parent) pairs under `root`, bounded."""
    stack = [(root, child) for child in ast.iter_child_nodes(root)]
    count = 0
    while stack and count < _MAX_NODES:
        parent, node = stack.pop()
        count += 1
        yield node, parent
        stack.extend((node, child) for child in ast.iter_child_nodes(node))


def _parents(root: ast.AST) -> dict[int, ast.AST]:
    return {id(node): parent for node, parent in _walk(root)}


def _use_is_bounded(expr: ast.AST, up: dict[int, ast.AST]) -> bool | None:
    """For one load of the session: True a bounded request, None harmless, False anything else."""
    attr = up.get(id(expr))
    if isinstance(attr, ast.Compare):
        return None  # `self._http is None`
    if not (isinstance(attr, ast.Attribute) and attr.value is expr):
        return False
    if attr.attr in _HARMLESS:
        return None
    request = up.get(id(attr))
    if attr.attr not in _REQUESTS or not (isinstance(request, ast.Call) and request.func is attr):
        return False
    return any(k.arg is None or (k.arg == "timeout" and not is_none(k.value)) for k in request.keywords)


def _name_uses_bounded(root: ast.AST, name: str) -> bool:
    up = _parents(root)
    seen = False
    for node, _ in _walk(root):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            verdict = _use_is_bounded(node, up)
            if verdict is False:
                return False
            seen = seen or verdict is True
    return seen


def _attribute_uses_bounded(cls: ast.ClassDef, attr: str) -> bool:
    getters: set[str] = set()
    for method in cls.body:
        private = isinstance(method, _FUNCS) and method.name.startswith("_") and not method.name.startswith("__")
        if private and any(isinstance(n, ast.Return) and is_self_attribute(n.value, attr) for n, _ in _walk(method)):
            getters.add(method.name)
    seen = False
    for method in cls.body:
        if not isinstance(method, _FUNCS):
            continue
        up = _parents(method)
        for node, parent in _walk(method):
            if is_self_attribute(node, attr) and isinstance(node.ctx, ast.Load):
                if isinstance(parent, ast.Return) and method.name in getters:
                    continue
                verdict = _use_is_bounded(node, up)
            elif isinstance(node, ast.Call) and is_self_attribute(node.func, getters):
                verdict = _getter_result_bounded(node, parent, method, up)
            else:
                continue
            if verdict is False:
                return False
            seen = seen or verdict is True
    return seen


def _getter_result_bounded(call: ast.Call, parent: ast.AST, method: ast.AST, up: dict[int, ast.AST]) -> bool | None:
    """`http = self._session()` then `http.post(..., timeout=...)`, or `self._session().get(..., timeout=...)`."""
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return _name_uses_bounded(method, parent.targets[0].id) or False
    return _use_is_bounded(call, up)


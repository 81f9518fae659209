"""Building a function's def-use table for `flow` (one bounded walk per function, cached on
the file context), and the scope chain its queries look names up in."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator

from . import flow_sources as S

if TYPE_CHECKING:
    from .context import FileContext



_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

# Kinds of local definitions.
VALUE = "value"    # name = expr
AUG = "aug"        # name op= expr
PART = "part"      # a piece of expr (tuple unpacking, for target, starred)
OPAQUE = "opaque"  # with-as, except-as, import, global/nonlocal, nested def: not followed

_CACHE_ATTR = "_resilint_flow_cache"
_MAX_DEPTH = 40


class FunctionFlow:
    """Local bindings of one function (or of the module's top-level statements)."""

    __slots__ = ("node", "defs", "params", "handler_params", "request_params", "_taint", "_const", "_dyn",
                 "_strish", "_prefix", "_fold")

    def __init__(self, node: ast.AST | None) -> None:
        self.node = node
        self.defs: dict[str, list[tuple[str, ast.AST | None, ast.AST | None]]] = {}
        self.params: dict[str, ast.arg] = {}
        #: parameters that are request input (route handler of a known framework)
        self.handler_params: set[str] = set()
        #: parameters that are request objects (Django/Starlette `request`)
        self.request_params: set[str] = set()
        self._taint: dict[str, tuple[str, ...]] = {}
        self._const: dict[str, bool] = {}
        self._dyn: dict[str, bool] = {}
        self._strish: dict[str, bool] = {}
        self._prefix: dict[str, str] = {}
        self._fold: dict[str, str | None] = {}

    def add(self, name: str, kind: str, value: ast.AST | None, extra: ast.AST | None = None) -> None:
        self.defs.setdefault(name, []).append((kind, value, extra))

    def binds(self, name: str) -> bool:
        return name in self.defs or name in self.params


# ----- building ------------------------------------------------------------------------------
def flow_for(ctx: "FileContext", func: ast.AST | None = None) -> FunctionFlow:
    """The flow of `func` (cached per function node; None = module level, built per query)."""
    if func is None:
        return ModuleFlow(ctx)
    cache: dict[int, FunctionFlow] | None = getattr(ctx, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(ctx, _CACHE_ATTR, cache)
    flow = cache.get(id(func))
    if flow is None:
        flow = cache[id(func)] = _build(ctx, func)
    return flow


class ModuleFlow(FunctionFlow):
    """The module's top-level bindings, read name by name from the binder table."""

    __slots__ = ()

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(None)
        self.defs = _ModuleDefs(ctx)  # type: ignore[assignment]

    def binds(self, name: str) -> bool:
        return name in self.defs


class _ModuleDefs:
    """`FunctionFlow.defs` for the module: a name's definitions come from the statements that
    bound it (assignments, defs, classes); a name bound otherwise (import, `for`, `with`) is opaque."""

    __slots__ = ("ctx", "loaded")

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx
        self.loaded: dict[str, list] = {}

    def get(self, name: str, default=()):  # type: ignore[no-untyped-def]
        found = self.loaded.get(name)
        if found is None:
            found = self.loaded[name] = self._load(name)
        return found or default

    def __contains__(self, name: str) -> bool:
        return bool(self.get(name))

    def _load(self, name: str) -> list:
        scope = self.ctx.module_scope
        if name not in scope.names:
            return []
        flow = FunctionFlow(None)
        for node, _direct in scope.binders.get(name, ()):
            if isinstance(node, _SCOPES):
                flow.add(name, OPAQUE, None)
            else:
                _record(flow, node)
        return flow.defs.get(name) or [(OPAQUE, None, None)]


def _build(ctx: "FileContext", func: ast.AST) -> FunctionFlow:
    flow = FunctionFlow(func)
    args = func.args  # type: ignore[attr-defined]
    for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if a is not None:
            flow.params[a.arg] = a
    if isinstance(func, _FUNCS):
        _classify_params(ctx, func, flow)
        _walk_body(flow, func.body)
    else:  # lambda
        _walk_body(flow, [func.body])  # type: ignore[attr-defined]
    return flow


def _walk_body(flow: FunctionFlow, body: list[ast.AST]) -> None:
    """One bounded walk of a function body; nested scopes are not entered."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        cls = node.__class__
        if cls in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            flow.add(node.name, OPAQUE, None)  # type: ignore[attr-defined]
            continue
        if cls is ast.Lambda:
            continue
        _record(flow, node)
        stack.extend(ast.iter_child_nodes(node))


def _record(flow: FunctionFlow, node: ast.AST) -> None:
    cls = node.__class__
    if cls is ast.Assign:
        for target in node.targets:  # type: ignore[attr-defined]
            _bind_target(flow, target, node.value)  # type: ignore[attr-defined]
    elif cls is ast.AnnAssign:
        if node.value is not None and isinstance(node.target, ast.Name):  # type: ignore[attr-defined]
            flow.add(node.target.id, VALUE, node.value)  # type: ignore[attr-defined]
    elif cls is ast.AugAssign:
        if isinstance(node.target, ast.Name):  # type: ignore[attr-defined]
            flow.add(node.target.id, AUG, node.value, node.op)  # type: ignore[attr-defined]
    elif cls is ast.NamedExpr:
        flow.add(node.target.id, VALUE, node.value)  # type: ignore[attr-defined]
    elif cls in (ast.For, ast.AsyncFor):
        _bind_part(flow, node.target, node.iter)  # type: ignore[attr-defined]
    elif cls is ast.comprehension:
        _bind_part(flow, node.target, node.iter)  # type: ignore[attr-defined]
    elif cls in (ast.With, ast.AsyncWith):
        for item in node.items:  # type: ignore[attr-defined]
            if item.optional_vars is not None:
                for name in _names(item.optional_vars):
                    flow.add(name, OPAQUE, None)
    elif cls is ast.ExceptHandler:
        if node.name:  # type: ignore[attr-defined]
            flow.add(node.name, OPAQUE, None)  # type: ignore[attr-defined]
    elif cls in (ast.Global, ast.Nonlocal):
        for name in node.names:  # type: ignore[attr-defined]
            flow.add(name, OPAQUE, None)
    elif cls in (ast.Import, ast.ImportFrom):
        for alias in node.names:  # type: ignore[attr-defined]
            flow.add((alias.asname or alias.name).split(".")[0], OPAQUE, None)


def _bind_target(flow: FunctionFlow, target: ast.AST, value: ast.AST) -> None:
    if isinstance(target, ast.Name):
        flow.add(target.id, VALUE, value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        if (
            isinstance(value, (ast.Tuple, ast.List))
            and len(value.elts) == len(target.elts)
            and not any(isinstance(e, ast.Starred) for e in (*value.elts, *target.elts))
        ):
            for t, v in zip(target.elts, value.elts):
                _bind_target(flow, t, v)
        else:
            _bind_part(flow, target, value)
    elif isinstance(target, ast.Starred):
        _bind_part(flow, target.value, value)


def _bind_part(flow: FunctionFlow, target: ast.AST, value: ast.AST) -> None:
    for name in _names(target):
        flow.add(name, PART, value)


def _names(target: ast.AST) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for e in target.elts:
            yield from _names(e)
    elif isinstance(target, ast.Starred):
        yield from _names(target.value)


def _classify_params(ctx: "FileContext", func: ast.FunctionDef | ast.AsyncFunctionDef, flow: FunctionFlow) -> None:
    for name, arg in flow.params.items():
        ann = ctx.qualname(arg.annotation) if arg.annotation is not None else None
        if name in S.REQUEST_PARAM_NAMES or (ann is not None and ann in S.REQUEST_ANNOTATIONS):
            flow.request_params.add(name)
    if not func.decorator_list or not _is_route_handler(ctx, func):
        return
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults: dict[str, ast.expr] = {}
    for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults):
        defaults[a.arg] = d
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        if d is not None:
            defaults[a.arg] = d
    for name, arg in flow.params.items():
        if name in ("self", "cls"):
            continue
        ann = ctx.qualname(arg.annotation) if arg.annotation is not None else None
        if ann is not None and ann in S.NON_INPUT_ANNOTATIONS:
            continue
        if _annotation_is_framework_object(ctx, arg.annotation):
            continue
        d = defaults.get(name)
        if isinstance(d, ast.Call) and ctx.qualname(d.func) in S.NON_INPUT_DEFAULTS:
            continue
        flow.handler_params.add(name)


def _annotation_is_framework_object(ctx: "FileContext", ann: ast.AST | None) -> bool:
    # Annotated[Session, Depends(...)] and friends
    if isinstance(ann, ast.Subscript):
        for node in ast.walk(ann.slice):
            if isinstance(node, ast.Call) and ctx.qualname(node.func) in S.NON_INPUT_DEFAULTS:
                return True
    return False


def _is_route_handler(ctx: "FileContext", func: ast.AST) -> bool:
    for dec in func.decorator_list:  # type: ignore[attr-defined]
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = ctx.qualname(target)
        if name is None:
            continue
        owner, _, method = name.rpartition(".")
        if method in S.ROUTE_METHODS and owner in S.ROUTE_OWNERS:
            return True
    return False


# ----- scope chain -----------------------------------------------------------------------------
def _chain(ctx: "FileContext", func: ast.AST | None) -> list[FunctionFlow]:
    """Flows to look a name up in, innermost first (enclosing functions, then the module)."""
    if func is None:
        func = ctx.function
    flows: list[FunctionFlow] = []
    if func is not None:
        functions = ctx.functions
        if func in functions:
            for f in reversed(functions[: functions.index(func) + 1]):
                flows.append(flow_for(ctx, f))
        else:
            flows.append(flow_for(ctx, func))
    flows.append(flow_for(ctx, None))
    return flows


def _lookup(chain: list[FunctionFlow], name: str) -> tuple[FunctionFlow, list[FunctionFlow]] | None:
    for i, flow in enumerate(chain):
        if flow.binds(name):
            return flow, chain[i:]
    return None

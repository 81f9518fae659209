"""Intra-function def-use for rules: "is this string built from non-literal parts?" and
"does this value come from untrusted input?".

Everything is computed lazily: the first query about a function does ONE bounded walk of
that function's body (nested defs, classes and lambdas are not entered) collecting every
local binding, and the result is cached on the file context keyed by the function node's
id. Module-level names are read one at a time from the walk's binder table (`Scope.binders`:
the module-level statements that bound the name), never by walking the module's body, so that
incremental analysis tracks them as ordinary module-name reads; nothing about module-level
names is memoised beyond one query, since the binders grow during the module-level walk.

Flow-insensitive on purpose: a local name stands for the union of everything assigned to
it in the function (assignment, augmented assignment, tuple unpacking, walrus, `for`
targets). "Dynamic" needs one dynamic definition; "constant" needs all definitions constant.

Public API (all take the rule's `ctx`; the function is `ctx.function` unless given):
  is_constant(ctx, expr)        value fully known at analysis time (literals, module string
                                constants, locals assigned only those, folded through + % f"" join)
  is_dynamic_string(ctx, expr)  f-string / % / .format / + / str.join with a non-constant part,
                                or a local assigned from one
  constant_string(ctx, expr)    the folded str value, or None
  literal_prefix(ctx, expr)     the leading literal text of a (possibly dynamic) string
  taint_sources(ctx, expr)      labels of the untrusted-input sources the value derives from
  flow_for(ctx, func)           the cached FunctionFlow (defs, params, route-handler params)
Building the def-use table and the scope chain live in `flow_build` (re-exported here: rules
import from `flow` only).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from . import flow_sources as S
from .flow_build import AUG, OPAQUE, PART, VALUE, _MAX_DEPTH, FunctionFlow, _chain, _lookup, flow_for

if TYPE_CHECKING:
    from .context import FileContext

__all__ = [
    "AUG", "OPAQUE", "PART", "VALUE", "FunctionFlow", "flow_for", "constant_string",
    "is_constant", "is_dynamic_string", "literal_prefix", "only_value", "taint_sources",
]


def definitions(ctx: "FileContext", name: str, func: ast.AST | None = None) -> list[tuple[str, ast.AST | None, ast.AST | None]]:
    """The definitions (kind, value, extra) of local or module-level `name` seen from the walk's position."""
    found = _lookup(_chain(ctx, func), name)
    return list(found[0].defs.get(name, ())) if found is not None else []


def only_value(ctx: "FileContext", name: str, func: ast.AST | None = None) -> ast.AST | None:
    """The value of `name` when it has exactly one definition, a plain `name = value` (local, else
    module-level); None when it is bound several times or in another way."""
    defs = definitions(ctx, name, func)
    return defs[0][1] if len(defs) == 1 and defs[0][0] == VALUE else None


# ----- constants ---------------------------------------------------------------------------------
def is_constant(ctx: "FileContext", expr: ast.AST, func: ast.AST | None = None) -> bool:
    """True when the value is fully known: literals and names bound only to them."""
    return _is_const(ctx, expr, _chain(ctx, func), 0)


def _is_const(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow], depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    cls = expr.__class__
    if cls is ast.Constant:
        return True
    if cls is ast.JoinedStr:
        return all(_is_const(ctx, v, chain, depth + 1) for v in expr.values)  # type: ignore[attr-defined]
    if cls is ast.FormattedValue:
        return _is_const(ctx, expr.value, chain, depth + 1)  # type: ignore[attr-defined]
    if cls is ast.BinOp:
        return _is_const(ctx, expr.left, chain, depth + 1) and _is_const(ctx, expr.right, chain, depth + 1)  # type: ignore[attr-defined]
    if cls is ast.UnaryOp:
        return _is_const(ctx, expr.operand, chain, depth + 1)  # type: ignore[attr-defined]
    if cls in (ast.Tuple, ast.List, ast.Set):
        return all(_is_const(ctx, e, chain, depth + 1) for e in expr.elts)  # type: ignore[attr-defined]
    if cls is ast.Name:
        return _name_const(ctx, expr.id, chain, depth)  # type: ignore[attr-defined]
    if cls is ast.Call:
        return _const_call(ctx, expr, chain, depth)  # type: ignore[arg-type]
    return False


def _const_call(ctx: "FileContext", call: ast.Call, chain: list[FunctionFlow], depth: int) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("format", "join", "strip", "upper", "lower", "replace"):
        if not _is_strish_const(ctx, func.value, chain, depth + 1):
            return False
        return all(_is_const(ctx, a, chain, depth + 1) for a in call.args) and all(
            kw.arg is not None and _is_const(ctx, kw.value, chain, depth + 1) for kw in call.keywords
        )
    return False


def _is_strish_const(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow], depth: int) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, (str, bytes))
    return _is_const(ctx, expr, chain, depth)


def _name_const(ctx: "FileContext", name: str, chain: list[FunctionFlow], depth: int) -> bool:
    found = _lookup(chain, name)
    if found is None:
        return False
    flow, sub = found
    if name in flow.params:
        return False
    memo = flow._const.get(name)
    if memo is not None:
        return memo
    flow._const[name] = False  # cycle guard
    result = True
    for kind, value, _ in flow.defs.get(name, ()):
        if kind == VALUE:
            ok = _is_const(ctx, value, sub, depth + 1)  # type: ignore[arg-type]
        elif kind == AUG:
            ok = _is_const(ctx, value, sub, depth + 1)  # type: ignore[arg-type]
        elif kind == PART:
            ok = _is_const(ctx, value, sub, depth + 1)  # type: ignore[arg-type]
        else:
            ok = False
        if not ok:
            result = False
            break
    flow._const[name] = result
    return result


def constant_string(ctx: "FileContext", expr: ast.AST, func: ast.AST | None = None) -> str | None:
    """The folded value of a constant string expression, else None."""
    return _fold(ctx, expr, _chain(ctx, func), 0)


def _fold(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow], depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Constant):
        return expr.value if isinstance(expr.value, str) else None
    if isinstance(expr, ast.JoinedStr):
        parts = []
        for v in expr.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            elif isinstance(v, ast.FormattedValue) and v.conversion == -1 and v.format_spec is None:
                s = _fold(ctx, v.value, chain, depth + 1)
                if s is None:
                    return None
                parts.append(s)
            else:
                return None
        return "".join(parts)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        a = _fold(ctx, expr.left, chain, depth + 1)
        b = _fold(ctx, expr.right, chain, depth + 1) if a is not None else None
        return a + b if b is not None else None  # type: ignore[operator]
    if isinstance(expr, ast.Name):
        found = _lookup(chain, expr.id)
        if found is None:
            return None
        flow, sub = found
        if expr.id in flow._fold:
            return flow._fold[expr.id]
        defs = flow.defs.get(expr.id, ())
        if expr.id in flow.params or len(defs) != 1 or defs[0][0] != VALUE:
            return None
        flow._fold[expr.id] = None  # cycle guard
        result = flow._fold[expr.id] = _fold(ctx, defs[0][1], sub, depth + 1)  # type: ignore[arg-type]
        return result
    return None


def literal_prefix(ctx: "FileContext", expr: ast.AST, func: ast.AST | None = None) -> str:
    """The literal text a string value starts with ('' when unknown)."""
    return _prefix(ctx, expr, _chain(ctx, func), 0)


def _prefix(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow], depth: int) -> str:
    if depth > _MAX_DEPTH:
        return ""
    full = _fold(ctx, expr, chain, depth + 1)
    if full is not None:
        return full
    if isinstance(expr, ast.JoinedStr):
        out = []
        for v in expr.values:
            if isinstance(v, ast.Constant):
                out.append(str(v.value))
                continue
            if isinstance(v, ast.FormattedValue) and v.conversion == -1 and v.format_spec is None:
                s = _fold(ctx, v.value, chain, depth + 1)
                if s is not None:
                    out.append(s)
                    continue
            break
        return "".join(out)
    if isinstance(expr, ast.BinOp):
        if isinstance(expr.op, ast.Add):
            left = _fold(ctx, expr.left, chain, depth + 1)
            if left is None:
                return _prefix(ctx, expr.left, chain, depth + 1)
            return left + _prefix(ctx, expr.right, chain, depth + 1)
        if isinstance(expr.op, ast.Mod):
            s = _fold(ctx, expr.left, chain, depth + 1)
            if s is not None:
                return s.split("%", 1)[0]
        return ""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        s = _fold(ctx, expr.func.value, chain, depth + 1)
        if s is not None:
            return s.split("{", 1)[0]
        return ""
    if isinstance(expr, ast.Name):
        found = _lookup(chain, expr.id)
        if found is None:
            return ""
        flow, sub = found
        memo = flow._prefix.get(expr.id)
        if memo is not None:
            return memo
        flow._prefix[expr.id] = ""  # cycle guard
        result = flow._prefix[expr.id] = _name_prefix(ctx, expr.id, flow, sub, depth)
        return result
    return ""


def _name_prefix(ctx: "FileContext", name: str, flow: FunctionFlow, sub: list[FunctionFlow], depth: int) -> str:
    defs = flow.defs.get(name, ())
    values = [d for d in defs if d[0] == VALUE]
    if name in flow.params or not values or any(d[0] in (PART, OPAQUE) for d in defs):
        return ""
    # The common prefix of every assignment (augmented ones only append).
    prefixes = [_prefix(ctx, v[1], sub, depth + 1) for v in values]  # type: ignore[arg-type]
    first = prefixes[0]
    for p in prefixes[1:]:
        n = 0
        while n < min(len(first), len(p)) and first[n] == p[n]:
            n += 1
        first = first[:n]
    return first


# ----- dynamic strings -------------------------------------------------------------------------
def is_dynamic_string(ctx: "FileContext", expr: ast.AST, func: ast.AST | None = None) -> bool:
    """True when `expr` is a string built (here or in a local it came from) by f-string,
    `%`, `.format`, `+` or `str.join` from at least one non-constant part."""
    return _is_dyn(ctx, expr, _chain(ctx, func), 0)


def _is_dyn(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow], depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    cls = expr.__class__
    if cls is ast.JoinedStr:
        return any(
            isinstance(v, ast.FormattedValue) and not _is_const(ctx, v.value, chain, depth + 1)
            for v in expr.values  # type: ignore[attr-defined]
        )
    if cls is ast.BinOp:
        op = expr.op  # type: ignore[attr-defined]
        left, right = expr.left, expr.right  # type: ignore[attr-defined]
        if isinstance(op, ast.Add):
            if not (_is_strish(ctx, left, chain, depth + 1) or _is_strish(ctx, right, chain, depth + 1)):
                return False
            return not (_is_const(ctx, left, chain, depth + 1) and _is_const(ctx, right, chain, depth + 1))
        if isinstance(op, ast.Mod):
            if not _is_strish(ctx, left, chain, depth + 1):
                return False
            return not (_is_const(ctx, left, chain, depth + 1) and _is_const(ctx, right, chain, depth + 1))
        return False
    if cls is ast.Call:
        func = expr.func  # type: ignore[attr-defined]
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join", "format_map"):
            if not _is_strish(ctx, func.value, chain, depth + 1):
                return False
            if _is_dyn(ctx, func.value, chain, depth + 1):
                return True
            args = [*expr.args, *(kw.value for kw in expr.keywords)]  # type: ignore[attr-defined]
            return any(not _is_const(ctx, a, chain, depth + 1) for a in args)
        return False
    if cls is ast.IfExp:
        return _is_dyn(ctx, expr.body, chain, depth + 1) or _is_dyn(ctx, expr.orelse, chain, depth + 1)  # type: ignore[attr-defined]
    if cls is ast.Name:
        return _name_dyn(ctx, expr.id, chain, depth)  # type: ignore[attr-defined]
    return False


def _name_dyn(ctx: "FileContext", name: str, chain: list[FunctionFlow], depth: int) -> bool:
    found = _lookup(chain, name)
    if found is None:
        return False
    flow, sub = found
    memo = flow._dyn.get(name)
    if memo is not None:
        return memo
    flow._dyn[name] = False  # cycle guard
    result = False
    defs = flow.defs.get(name, ())
    strish = any(k == VALUE and _is_strish(ctx, v, sub, depth + 1) for k, v, _ in defs)  # type: ignore[arg-type]
    for kind, value, op in defs:
        if kind == VALUE and _is_dyn(ctx, value, sub, depth + 1):  # type: ignore[arg-type]
            result = True
        elif kind == AUG and strish and isinstance(op, (ast.Add, ast.Mod)) and not _is_const(ctx, value, sub, depth + 1):  # type: ignore[arg-type]
            result = True
        elif kind == AUG and _is_dyn(ctx, value, sub, depth + 1):  # type: ignore[arg-type]
            result = True
        if result:
            break
    flow._dyn[name] = result
    return result


def _is_strish(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow], depth: int) -> bool:
    """The expression is visibly a string (literal, f-string, string formatting, a local bound to one)."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr):
        return True
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return _is_strish(ctx, expr.left, chain, depth + 1) or (
            isinstance(expr.op, ast.Add) and _is_strish(ctx, expr.right, chain, depth + 1)
        )
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in ("format", "join"):
        return _is_strish(ctx, expr.func.value, chain, depth + 1)
    if isinstance(expr, ast.Name):
        found = _lookup(chain, expr.id)
        if found is None:
            return False
        flow, sub = found
        memo = flow._strish.get(expr.id)
        if memo is None:
            flow._strish[expr.id] = False  # cycle guard
            memo = flow._strish[expr.id] = any(
                k == VALUE and _is_strish(ctx, v, sub, depth + 1)  # type: ignore[arg-type]
                for k, v, _ in flow.defs.get(expr.id, ())
            )
        return memo
    return False


# ----- taint -------------------------------------------------------------------------------------
def taint_sources(ctx: "FileContext", expr: ast.AST, func: ast.AST | None = None) -> tuple[str, ...]:
    """Labels of the untrusted-input sources `expr` is derived from (empty: none known)."""
    out: list[str] = []
    _taint(ctx, expr, _chain(ctx, func), 0, out)
    return tuple(dict.fromkeys(out))


def _source_of_qualname(name: str | None) -> str | None:
    if name is None:
        return None
    for prefix, label in S.QUALNAME_SOURCES.items():
        if name == prefix or name.startswith((prefix + ".", prefix + "(", prefix + "[")):
            return label
    return None


def _taint(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow], depth: int, out: list[str]) -> None:
    if depth > _MAX_DEPTH:
        return
    cls = expr.__class__
    if cls is ast.Constant or cls is ast.Lambda:
        return
    if cls is ast.Name:
        _name_taint(ctx, expr.id, chain, depth, out)  # type: ignore[attr-defined]
        return
    if cls is ast.Attribute:
        label = _source_of_qualname(ctx.qualname(expr))
        if label is not None:
            out.append(label)
            return
        attr = expr.attr  # type: ignore[attr-defined]
        if attr in S.REQUEST_ATTRIBUTES and _is_request_object(ctx, expr.value, chain):  # type: ignore[attr-defined]
            out.append(S.REQUEST_ATTRIBUTES[attr])
            return
        _taint(ctx, expr.value, chain, depth + 1, out)  # type: ignore[attr-defined]
        return
    if cls is ast.Call:
        callee = ctx.qualname(expr.func)  # type: ignore[attr-defined]
        if callee is not None:
            label = S.CALL_SOURCES.get(callee) or _source_of_qualname(callee)
            if label is not None:
                out.append(label)
                return
    for child in ast.iter_child_nodes(expr):
        if isinstance(child, (ast.expr, ast.keyword, ast.comprehension)):
            _taint(ctx, child, chain, depth + 1, out)


def _is_request_object(ctx: "FileContext", expr: ast.AST, chain: list[FunctionFlow]) -> bool:
    if isinstance(expr, ast.Name):
        found = _lookup(chain, expr.id)
        return found is not None and expr.id in found[0].request_params and not found[0].defs.get(expr.id)
    # Django class-based views: self.request.GET
    return (
        isinstance(expr, ast.Attribute)
        and expr.attr == "request"
        and isinstance(expr.value, ast.Name)
        and expr.value.id == "self"
    )


def _name_taint(ctx: "FileContext", name: str, chain: list[FunctionFlow], depth: int, out: list[str]) -> None:
    found = _lookup(chain, name)
    if found is None:
        return
    flow, sub = found
    memo = flow._taint.get(name)
    if memo is None:
        flow._taint[name] = ()  # cycle guard
        labels: list[str] = []
        if name in flow.handler_params:
            labels.append(f"handler parameter `{name}`")
        for kind, value, _ in flow.defs.get(name, ()):
            if kind != OPAQUE and value is not None:
                _taint(ctx, value, sub, depth + 1, labels)
        memo = flow._taint[name] = tuple(dict.fromkeys(labels))
    out.extend(memo)


__all__ = [
    "FunctionFlow",
    "flow_for",
    "is_constant",
    "is_dynamic_string",
    "constant_string",
    "literal_prefix",
    "taint_sources",
]

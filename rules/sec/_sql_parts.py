"""What the non-literal parts of a SQL string are (SEC003's tiers, RULES.md "From application code").

Each interpolated part of the SQL text (f-string field, `%` / `.format` argument, `+` operand,
followed through local assignments) is one of:
- *safe*: passed through a function whose name says it escapes or quotes (`escape_*`, `quote_*`,
  `*_identifier`, `psycopg.sql.Identifier`, `quote_ident`), a `.join` of such calls, a placeholder
  list (`", ".join("?" * n)`), or a loop variable over a constant collection of literals;
- *identifier*: it stands where SQL names a table or column (after FROM / INTO / UPDATE / TABLE /
  JOIN, inside `"..."` / `` `...` `` / `[...]` quoting, before a `.`), or its name says it is one
  (`table`, `*_table`, `column`, `schema`): the review tier;
- *value*: anything else. A value between hand-written `'...'` (a string literal built by
  formatting) or from outside the process is SEC003's default tier; other values (SQL fragments
  such as a `where` clause, numbers, values of unknown origin) are its review tier.
"""
from __future__ import annotations

import ast
import re
import string
from typing import TYPE_CHECKING, Iterator, Literal

from ..flow import AUG, PART, VALUE, definitions, is_constant, only_value

if TYPE_CHECKING:
    from ..context import FileContext

Kind = Literal["safe", "identifier", "value"]

_SANITIZER = re.compile(r"^(escape|quote|sanitize)|(identifier|_ident|quote|escape|escaped|quoted)$", re.IGNORECASE)
_IDENT_NAME = re.compile(r"(^|_)(table|tables|tablename|table_name|column|columns|col|cols|schema|"
                         r"identifier|ident|index|view|field|fields|order_by|sort|prefix)($|_)", re.IGNORECASE)
_IDENT_KEYWORD = re.compile(r"\b(FROM|INTO|UPDATE|TABLE|JOIN|EXISTS|INDEX|VIEW|TRIGGER|DATABASE|SCHEMA)\s+$",
                            re.IGNORECASE)
_MAX_DEPTH = 8


def sql_kind(ctx: "FileContext", sql: ast.expr) -> Kind:
    """The worst kind among the dynamic parts of `sql` (value > identifier > safe)."""
    worst: Kind = "safe"
    for part, before in _parts(ctx, sql, 0):
        kind = _kind(ctx, part, before)
        if kind == "value":
            return "value"
        if kind == "identifier":
            worst = "identifier"
    return worst


def quoted_value(ctx: "FileContext", sql: ast.expr) -> bool:
    """A value part sits right after a hand-written `'`: the SQL builds a string literal by
    formatting (`WHERE email = '{email}'`), the textbook case for a bound parameter."""
    return any(before.endswith("'") and _kind(ctx, part, before) == "value" for part, before in _parts(ctx, sql, 0))


def formatted_parts(ctx: "FileContext", expr: ast.expr) -> Iterator[tuple[ast.expr, str]]:
    """The non-constant parts of a formatted string, each with the literal text just before it
    (f-string fields, `%` / `.format` arguments, `+` operands; local variables followed). Shared
    with SEC002, which asks whether a part sits between hand-written quotes."""
    return _parts(ctx, expr, 0)


def _parts(ctx: "FileContext", expr: ast.expr, depth: int, before: str = "") -> Iterator[tuple[ast.expr, str]]:
    """(non-constant part, the literal text just before it) pairs."""
    if depth > _MAX_DEPTH:
        yield expr, before
        return
    if isinstance(expr, ast.Constant):
        return
    if isinstance(expr, ast.JoinedStr):
        text = ""
        for v in expr.values:
            if isinstance(v, ast.Constant):
                text += str(v.value)
            elif isinstance(v, ast.FormattedValue):
                if not is_constant(ctx, v.value):
                    yield from _parts(ctx, v.value, depth + 1, text)  # `{where}`: a string built above
                text = ""
        return
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        yield from _parts(ctx, expr.left, depth + 1, before)
        yield from _parts(ctx, expr.right, depth + 1, _literal_suffix(expr.left))
        return
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        yield from _parts(ctx, expr.left, depth + 1, before)
        fmt = expr.left.value if isinstance(expr.left, ast.Constant) and isinstance(expr.left.value, str) else None
        args = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        pieces = re.split(r"%[sdr]", fmt) if fmt is not None else []
        for i, arg in enumerate(args):
            if not is_constant(ctx, arg):
                yield arg, pieces[i] if i < len(pieces) else ""
        return
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        yield from _parts(ctx, expr.func.value, depth + 1, before)
        base = expr.func.value
        fields = _format_fields(base.value) if isinstance(base, ast.Constant) and isinstance(base.value, str) else {}
        for i, arg in enumerate(expr.args):
            if not is_constant(ctx, arg):
                yield arg, fields.get(i, "")
        for kw in expr.keywords:
            if kw.arg is not None and not is_constant(ctx, kw.value):
                yield kw.value, fields.get(kw.arg, "")
        return
    if isinstance(expr, ast.IfExp):
        yield from _parts(ctx, expr.body, depth + 1, before)
        yield from _parts(ctx, expr.orelse, depth + 1, before)
        return
    if isinstance(expr, ast.Name):
        defs = definitions(ctx, expr.id)
        if defs and all(kind in (VALUE, AUG) and value is not None for kind, value, _ in defs):
            for _kind_, value, _ in defs:
                yield from _parts(ctx, value, depth + 1, before)  # type: ignore[arg-type]
            return
    yield expr, before


def _format_fields(template: str) -> dict[int | str, str]:
    """`str.format` fields -> the literal text just before each one's first use: positional
    (`{}`, `{0}`) by index, named (`{table}`, `{row.id}`) by name."""
    out: dict[int | str, str] = {}
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return out
    for literal, field, _spec, _conv in parsed:
        if field is None:
            continue
        head = re.split(r"[.\[]", field, maxsplit=1)[0]
        key: int | str
        if head == "":
            key, auto = auto, auto + 1
        elif head.isdigit():
            key = int(head)
        else:
            key = head
        out.setdefault(key, literal)
    return out


def _literal_suffix(expr: ast.expr) -> str:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr) and expr.values and isinstance(expr.values[-1], ast.Constant):
        return str(expr.values[-1].value)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _literal_suffix(expr.right)
    return ""


def _kind(ctx: "FileContext", part: ast.expr, before: str) -> Kind:
    if _sanitized(ctx, part):
        return "safe"
    if before.endswith(('"', "`", "[", ".")) or _IDENT_KEYWORD.search(before):
        return "identifier"
    name = _name_of(part)
    if name is not None and _IDENT_NAME.search(name):
        return "identifier"
    return "value"


def _sanitized(ctx: "FileContext", part: ast.expr) -> bool:
    if isinstance(part, ast.Call):
        func = part.func
        callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if _SANITIZER.search(callee) or callee == "Identifier":
            return True
        if callee == "join" and part.args:
            arg = part.args[0]
            if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
                return _sanitized(ctx, arg.elt) or is_constant(ctx, arg.elt)
            if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mult):  # ", ".join("?" * n)
                return is_constant(ctx, arg.left)
            if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "map" and arg.args:
                return _sanitized_callee(arg.args[0])
        return False
    if isinstance(part, ast.Name):
        defs = definitions(ctx, part.id)
        # A loop variable over a module-level constant collection of literals is a literal.
        return bool(defs) and all(kind == PART and value is not None and _constant_collection(ctx, value)
                                  for kind, value, _ in defs)
    return False


def _sanitized_callee(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return bool(_SANITIZER.search(name))


def _constant_collection(ctx: "FileContext", value: ast.AST) -> bool:
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(e, ast.Constant) for e in value.elts)
    if isinstance(value, ast.Name):
        bound = only_value(ctx, value.id)
        return bound is not None and _constant_collection(ctx, bound)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("sorted", "enumerate", "reversed") and value.args:
        return _constant_collection(ctx, value.args[0])
    return False


def _name_of(part: ast.expr) -> str | None:
    if isinstance(part, ast.Name):
        return part.id
    if isinstance(part, ast.Attribute):
        return part.attr
    if isinstance(part, ast.Subscript):
        key = part.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None

"""Does a value come from outside the process? (the default tier of SEC002, SEC005, SEC013)

Outside means an attacker can write it: request input (`rules.flow.taint_sources`: Flask,
Django, FastAPI/Starlette handler input, `sys.argv`, `input()`) or the body of an HTTP response
(`requests`, `httpx`, `urllib`, `aiohttp`, `urllib3` calls and what is read from them), followed
through local variables. Parameters of unknown origin, configuration, environment variables and
files the program names itself are not known to be outside: those findings are the review tier.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..flow import definitions, taint_sources
from ..flow_sources import CALL_SOURCES, QUALNAME_SOURCES

if TYPE_CHECKING:
    from ..context import FileContext

#: The terminal user's own input (SEC002 does not count it: running their command is the feature).
OWN_INPUT = frozenset({QUALNAME_SOURCES["sys.argv"], CALL_SOURCES["builtins.input"]})
#: Calls whose result is an HTTP response (or its body).
_NETWORK_ROOTS = ("requests.", "httpx.", "urllib.request.urlopen", "aiohttp.", "urllib3.")
_MAX_DEPTH = 12


def outside_source(ctx: "FileContext", expr: ast.expr, own_input: bool = True) -> str | None:
    """A label for where `expr`'s value comes from outside the process, or None."""
    for label in taint_sources(ctx, expr):
        if own_input or label not in OWN_INPUT:
            return label
    return _network(ctx, expr, 0, set())


def _network(ctx: "FileContext", expr: ast.AST, depth: int, seen: set[str]) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Call):
        qual = ctx.qualname(expr.func)
        if qual is not None and qual.startswith(_NETWORK_ROOTS):
            return f"the HTTP response of `{qual.replace('()', '')}`"
        if qual is None and isinstance(expr.func, ast.Name):
            return None  # a local helper's result: what it returns is not known here (no guessing)
    elif isinstance(expr, ast.Name):
        if not isinstance(expr.ctx, ast.Load) or expr.id in seen:
            return None
        seen.add(expr.id)
        for _kind, value, _extra in definitions(ctx, expr.id):
            found = _network(ctx, value, depth + 1, seen) if value is not None else None
            if found is not None:
                return found
        return None
    elif isinstance(expr, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return None
    for child in ast.iter_child_nodes(expr):
        found = _network(ctx, child, depth + 1, seen)
        if found is not None:
            return found
    return None

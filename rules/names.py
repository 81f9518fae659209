"""Qualified-name resolution over scopes, built during the engine's single walk.

A binding maps a local name to what it stands for:
  - a dotted path (`import requests as r` -> "requests"; `from x import y as z` -> "x.y");
  - an instance, spelled with "()" (`s = requests.Session()` -> "requests.Session()"),
    remembering the constructor call so rules can read its keyword arguments;
  - UNKNOWN (parameters, local defs, anything else) which shadows outer bindings.
Resolution never matches text: `my_obj.get` only resolves if `my_obj` is bound to an import.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Binding:
    qualname: str | None
    origin: ast.Call | None = None


UNKNOWN = Binding(None)


#: One statement that binds a name in a scope: (the statement, is it a direct child of the scope's node).
Binder = tuple[ast.AST, bool]


class Scope:
    __slots__ = ("kind", "node", "names", "parent_scopes", "_self_attrs", "binders")

    def __init__(self, kind: str, node: ast.AST | None) -> None:
        self.kind = kind  # "module" | "class" | "function" | "lambda" | "comprehension"
        self.node = node
        self.names: dict[str, Binding] = {}
        self._self_attrs: dict[str, Binding] | None = None
        #: name -> the statements that bound it so far, in walk order (see FileContext.record_binder):
        #: every def / async def / class of the scope, and in the module scope also the
        #: `NAME = ...` (under every name its targets mention), `NAME: T = ...` and `NAME += ...`
        #: statements. Values are tuples, replaced (never mutated).
        self.binders: dict[str, tuple[Binder, ...]] = {}


def import_bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, Binding]]:
    out: list[tuple[str, Binding]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                out.append((alias.asname, Binding(alias.name)))
            else:
                top = alias.name.split(".", 1)[0]
                out.append((top, Binding(top)))
        return out
    if node.level:  # into the user's own package: unknown here, but the import is kept for the index
        for alias in node.names:
            if alias.name != "*":
                out.append((alias.asname or alias.name, Binding(None, node)))  # type: ignore[arg-type]
        return out
    module = node.module or ""
    for alias in node.names:
        if alias.name == "*":
            continue
        out.append((alias.asname or alias.name, Binding(f"{module}.{alias.name}")))
    return out


def target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names: list[str] = []
        for elt in target.elts:
            names.extend(target_names(elt))
        return names
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return []


def is_self_attribute(node: ast.AST | None, attrs: str | frozenset[str] | set[str] | None = None) -> bool:
    """`self.<attr>` (with `attr` one of `attrs`, or any attribute when None)."""
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
            and (attrs is None or (node.attr == attrs if isinstance(attrs, str) else node.attr in attrs)))


def dotted(expr: ast.expr) -> list[str] | None:
    """`a.b.c` -> ["a", "b", "c"]; None when the chain does not start at a Name."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        parts.reverse()
        return parts
    return None


# ----- identifiers as words (name-based checks: SEC006, SEC009, SEC010, LLM prompts) -----
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEP = re.compile(r"[^A-Za-z0-9]+")


def words(name: str) -> list[str]:
    """`apiKey` / `API_KEY` / `api-key` -> ["api", "key"]."""
    out: list[str] = []
    for part in _SEP.split(name):
        if part:
            out.extend(w.lower() for w in _CAMEL.split(part) if w)
    return out

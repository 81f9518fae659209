"""Adding what a fix needs to a module's imports, exactly once and in the file's own style.

`ensure_import(tree, "tenacity", "stop_after_attempt")` returns the new tree and how the
fixed code must spell the name:

- `from tenacity import stop_after_attempt [as s]` already there → `stop_after_attempt` / `s`;
- `import tenacity [as t]` already there → `tenacity.stop_after_attempt` / `t.stop_after_attempt`;
- `from tenacity import retry` there → that statement is extended (`retry, stop_after_attempt`);
- otherwise `from tenacity import stop_after_attempt` is added (or `import tenacity` and the
  dotted spelling when the bare name is already taken by something else in the module).

`ensure_import(tree, "asyncio")` (no name) returns the local spelling of the module itself.
Only module-level imports count. New statements go after the module docstring and any
`from __future__` imports, into the import block: in sorted position when the block is
sorted (isort/ruff style: stdlib section, then the others; `import x` before `from x import`
or sorted by module), else at the end of the matching section.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import libcst as cst

from .elements import insert_element

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__"}


def _dotted(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _alias_local(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    name = alias.asname.name
    return name.value if isinstance(name, cst.Name) else None


def _import_only(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and bool(stmt.body)
        and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)
    )


def _is_future(stmt: cst.CSTNode) -> bool:
    return _import_only(stmt) and all(
        isinstance(s, cst.ImportFrom) and not s.relative and _dotted(s.module) == "__future__"
        for s in stmt.body  # type: ignore[attr-defined]
    )


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


@dataclass
class _Scan:
    modules: dict[str, str] = field(default_factory=dict)  # "a.b" -> local spelling
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (module, name) -> local
    from_stmts: dict[str, tuple[int, int]] = field(default_factory=dict)  # module -> (stmt, item)
    star: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)  # every module-level name


def _scan(module: cst.Module) -> _Scan:
    scan = _Scan()
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            scan.bound.add(stmt.name.value)
            continue
        if not isinstance(stmt, cst.SimpleStatementLine):
            _bound_in_compound(stmt, scan.bound)
            continue
        for j, small in enumerate(stmt.body):
            if isinstance(small, cst.Import):
                for alias in small.names:
                    full = _dotted(alias.name)
                    local = _alias_local(alias)
                    scan.modules.setdefault(full, local or full)
                    scan.bound.add(local or full.split(".")[0])
            elif isinstance(small, cst.ImportFrom):
                if small.relative or small.module is None:
                    if isinstance(small.names, cst.ImportStar):
                        continue
                    for alias in small.names:
                        scan.bound.add(_alias_local(alias) or _dotted(alias.name))
                    continue
                mod = _dotted(small.module)
                if isinstance(small.names, cst.ImportStar):
                    scan.star.add(mod)
                    continue
                for alias in small.names:
                    name = _dotted(alias.name)
                    local = _alias_local(alias) or name
                    scan.names.setdefault((mod, name), local)
                    scan.bound.add(local)
                if mod != "__future__":
                    scan.from_stmts.setdefault(mod, (i, j))
            elif isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                targets = (
                    [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                )
                for target in targets:
                    _bound_targets(target, scan.bound)
    return scan


def _bound_targets(target: cst.CSTNode, bound: set[str]) -> None:
    if isinstance(target, cst.Name):
        bound.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            _bound_targets(el.value, bound)
    elif isinstance(target, cst.StarredElement):
        _bound_targets(target.value, bound)


class _Binder(cst.CSTVisitor):
    """Names bound at module level inside `if`/`try`/`with`/`for` blocks (not in defs)."""

    def __init__(self, bound: set[str]) -> None:
        self.bound = bound

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.bound.add(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.bound.add(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        self.bound.add(_alias_local(node) or _dotted(node.name).split(".")[0])

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        _bound_targets(node.target, self.bound)

    def visit_AsName(self, node: cst.AsName) -> None:
        _bound_targets(node.name, self.bound)

    def visit_For(self, node: cst.For) -> None:
        _bound_targets(node.target, self.bound)


def _bound_in_compound(stmt: cst.CSTNode, bound: set[str]) -> None:
    stmt.visit(_Binder(bound))


def ensure_import(
    module: cst.Module, mod: str, name: str | None = None, *, extra_bound: frozenset[str] | set[str] = frozenset()
) -> tuple[cst.Module, str]:
    """Make `mod` (or `mod.name`) usable at module level; returns (new tree, local spelling).

    `extra_bound`: module-level names bound outside `module` (a partial view of a file)."""
    scan = _scan(module)
    scan.bound |= set(extra_bound)
    if name is None:
        if mod in scan.modules:
            return module, scan.modules[mod]
        parent, _, last = mod.rpartition(".")
        if parent and (parent, last) in scan.names:
            return module, scan.names[(parent, last)]
        return _add_statement(module, f"import {mod}", mod, is_from=False), mod
    if (mod, name) in scan.names:
        return module, scan.names[(mod, name)]
    if mod in scan.modules:
        return module, f"{scan.modules[mod]}.{name}"
    if name not in scan.bound:
        if mod in scan.from_stmts:
            i, j = scan.from_stmts[mod]
            return _extend_from(module, i, j, name), name
        if mod in scan.star:
            return module, name
        return _add_statement(module, f"from {mod} import {name}", mod, is_from=True), name
    # the bare name is taken by something else: import the module and spell it dotted
    top = mod.split(".")[0]
    if top in scan.bound and mod not in scan.modules:
        alias = "_" + mod.replace(".", "_")
        return _add_statement(module, f"import {mod} as {alias}", mod, is_from=False), f"{alias}.{name}"
    return _add_statement(module, f"import {mod}", mod, is_from=False), f"{mod}.{name}"


# ----- extending `from x import a` -------------------------------------------------------------
def _extend_from(module: cst.Module, i: int, j: int, name: str) -> cst.Module:
    stmt = module.body[i]
    assert isinstance(stmt, cst.SimpleStatementLine)
    node = stmt.body[j]
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    aliases = list(node.names)
    keys = [_dotted(a.name) for a in aliases]
    if keys == sorted(keys, key=_alias_key):
        k = next((x for x, key in enumerate(keys) if _alias_key(key) > _alias_key(name)), len(keys))
    else:
        k = len(keys)
    new_alias = cst.ImportAlias(name=cst.Name(name))
    if node.lpar is not None:
        opening = node.lpar.whitespace_after
        closing = node.rpar.whitespace_before if node.rpar is not None else None
        items, new_closing = insert_element(aliases, k, new_alias, opening, closing)
        new_node = node.with_changes(names=items)
        if node.rpar is not None and new_closing is not None:
            new_node = new_node.with_changes(rpar=node.rpar.with_changes(whitespace_before=new_closing))
    else:
        items, _ = insert_element(aliases, k, new_alias, cst.SimpleWhitespace(""))
        # without parentheses the statement must stay on one line
        items = [
            a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            if isinstance(a.comma, cst.Comma) and idx < len(items) - 1 and not isinstance(a.comma.whitespace_after, cst.SimpleWhitespace)
            else a
            for idx, a in enumerate(items)
        ]
        new_node = node.with_changes(names=items)
    body = list(stmt.body)
    body[j] = new_node
    new_body = list(module.body)
    new_body[i] = stmt.with_changes(body=body)
    return module.with_changes(body=new_body)


def _alias_key(name: str) -> tuple[int, str]:
    # isort's default "force_sort_within_sections=False, case_sensitive=False" order:
    # CONSTANTS, Classes, functions
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, name.lower())


# ----- adding a statement ------------------------------------------------------------------------
def _stmt_modules(stmt: cst.SimpleStatementLine) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for small in stmt.body:
        if isinstance(small, cst.Import):
            out.extend((0, _dotted(a.name)) for a in small.names)
        elif isinstance(small, cst.ImportFrom):
            out.append((1, "." * len(small.relative) + _dotted(small.module)))
    return out


def _is_std(module_name: str) -> bool:
    return module_name.split(".")[0] in _STDLIB


def _blank_count(stmt: cst.CSTNode) -> int:
    lines = getattr(stmt, "leading_lines", ())
    return sum(1 for line in lines if line.comment is None)


def _split_leading(lines: tuple[cst.EmptyLine, ...] | list) -> tuple[list, list]:
    """Blank lines before the first comment, and the rest (comments stay with their code)."""
    lines = list(lines)
    k = 0
    while k < len(lines) and lines[k].comment is None:
        k += 1
    return lines[:k], lines[k:]


def _add_statement(module: cst.Module, code: str, mod: str, *, is_from: bool) -> cst.Module:
    new = cst.parse_statement(code)
    assert isinstance(new, cst.SimpleStatementLine)
    body = list(module.body)
    start = 0
    if body and _is_docstring(body[0]):
        start = 1
    while start < len(body) and _is_future(body[start]):
        start += 1
    first_import = next((i for i in range(start, len(body)) if _import_only(body[i])), None)
    if first_import is None:
        return _insert_fresh(module, body, start, new)
    end = first_import
    while end < len(body) and _import_only(body[end]):
        end += 1
    block = list(range(first_import, end))
    # sections: a blank line (or a comment line) before an import starts a new one
    sections: list[list[int]] = []
    for i in block:
        if not sections or body[i].leading_lines:
            sections.append([])
        sections[-1].append(i)
    new_std = _is_std(mod)

    def section_is_std(sec: list[int]) -> bool:
        mods = [m for i in sec for _, m in _stmt_modules(body[i])]  # type: ignore[arg-type]
        return bool(mods) and all(_is_std(m) for m in mods)

    target = next((s for s in sections if section_is_std(s) == new_std), None)
    if target is None:
        if new_std:  # a new stdlib section above the others
            at = sections[0][0]
            first = body[at]
            blanks, rest = _split_leading(first.leading_lines)
            new = new.with_changes(leading_lines=blanks + rest)
            body[at] = first.with_changes(leading_lines=[cst.EmptyLine()])
            body.insert(at, new)
        else:  # a new section after the stdlib one(s)
            body.insert(sections[-1][-1] + 1, new.with_changes(leading_lines=[cst.EmptyLine()]))
        return module.with_changes(body=body)
    key_new_a = (1 if is_from else 0, mod.lower())
    keys_a = [min(_stmt_modules(body[i]), default=(0, "")) for i in target]  # type: ignore[arg-type]
    keys_a = [(k, m.lower()) for k, m in keys_a]
    keys_b = [m for _, m in keys_a]
    if keys_a == sorted(keys_a):
        pos = next((x for x, key in enumerate(keys_a) if key > key_new_a), len(target))
    elif keys_b == sorted(keys_b):
        pos = next((x for x, key in enumerate(keys_b) if key > mod.lower()), len(target))
    else:
        pos = len(target)
    if pos < len(target):
        at = target[pos]
        old = body[at]
        new = new.with_changes(leading_lines=old.leading_lines)
        body[at] = old.with_changes(leading_lines=())
        body.insert(at, new)
    else:
        body.insert(target[-1] + 1, new)
    return module.with_changes(body=body)


def _insert_fresh(module: cst.Module, body: list, at: int, new: cst.SimpleStatementLine) -> cst.Module:
    """No import block yet: the new import goes after the docstring / `__future__` imports."""
    if at < len(body):
        nxt = body[at]
        blanks, rest = _split_leading(nxt.leading_lines)
        if at == 0:
            blanks = []  # the module header keeps the lines above the first statement
        new = new.with_changes(leading_lines=blanks[:1])
        wanted = 2 if isinstance(nxt, (cst.FunctionDef, cst.ClassDef)) else 1
        body[at] = nxt.with_changes(leading_lines=[cst.EmptyLine()] * max(wanted, len(blanks)) + rest)
    elif at > 0:
        new = new.with_changes(leading_lines=[cst.EmptyLine()])
    was_empty = not body
    body.insert(at, new)
    if was_empty:
        return module.with_changes(body=body, has_trailing_newline=True)
    return module.with_changes(body=body)


def local_modules(module: cst.Module) -> dict[str, str]:
    """Module-level import bindings: local name → what it stands for (`r` → `requests`,
    `get` → `requests.get`, `urllib` → `urllib`)."""
    scan = _scan(module)
    out: dict[str, str] = {}
    for full, local in scan.modules.items():
        top = local.split(".")[0]
        out.setdefault(top, full if local != full else full.split(".")[0])
    for (mod, name), local in scan.names.items():
        out.setdefault(local, f"{mod}.{name}")
    return out

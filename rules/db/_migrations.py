"""Shared by the DB rules: is this module an Alembic revision, a Django migration, or neither?

The classification looks at module-level statements only (never a walk of the tree) and is
computed once per file, on the first node a DB rule cares about, then cached on the context.
"""
from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Span

if TYPE_CHECKING:
    from ..context import FileContext

ALEMBIC = "alembic"
DJANGO = "django"

_CACHE_KEY = "_resilint_db_migration"

# ----- API names -------------------------------------------------------------------------
ALEMBIC_OP = "alembic.op."
BATCH = "alembic.op.batch_alter_table()."

SA_COLUMN = frozenset({"sqlalchemy.Column", "sqlalchemy.schema.Column", "sqlalchemy.sql.schema.Column"})
# Positional `Column(...)` items that fill the column for existing rows.
SA_FILLERS = frozenset(
    f"{mod}.{name}"
    for mod in ("sqlalchemy", "sqlalchemy.schema", "sqlalchemy.sql.schema")
    for name in ("Computed", "Identity", "DefaultClause", "FetchedValue")
)

_DJANGO_OPS = ("django.db.migrations.", "django.db.migrations.operations.")


def django_names(name: str, submodule: str) -> frozenset[str]:
    """`migrations.X` however it is imported (`django.db.migrations[.operations[.<sub>]].X`)."""
    return frozenset({*(f"{p}{name}" for p in _DJANGO_OPS), f"django.db.migrations.operations.{submodule}.{name}"})


DJANGO_MIGRATION_BASES = frozenset({"django.db.migrations.Migration", "django.db.migrations.migration.Migration"})


@dataclass(frozen=True, slots=True)
class MigrationInfo:
    kind: str | None  # ALEMBIC | DJANGO | None
    upgrade: ast.FunctionDef | None = None
    downgrade: ast.FunctionDef | None = None


NOT_A_MIGRATION = MigrationInfo(None)


def migration(ctx: FileContext) -> MigrationInfo:
    """The module's kind (cached on the context: computed at most once per file)."""
    info = ctx.__dict__.get(_CACHE_KEY)
    if info is None:
        info = ctx.__dict__[_CACHE_KEY] = _classify(ctx)
    return info


#: Every Alembic revision assigns `revision`; every Django migration defines `class Migration`.
_MIGRATION_MARKERS = ("revision", "Migration")


def _classify(ctx: FileContext) -> MigrationInfo:
    if not ctx.text_has(_MIGRATION_MARKERS):
        return NOT_A_MIGRATION
    assigned: set[str] = set()
    defs: dict[str, ast.FunctionDef] = {}
    django_classes: list[ast.ClassDef] = []
    for stmt in ctx.tree.body:
        cls = stmt.__class__
        if cls is ast.Assign:
            for target in stmt.targets:  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    assigned.add(target.id)
        elif cls is ast.AnnAssign:
            if isinstance(stmt.target, ast.Name):  # type: ignore[attr-defined]
                assigned.add(stmt.target.id)  # type: ignore[attr-defined]
        elif cls is ast.FunctionDef:
            defs[stmt.name] = stmt  # type: ignore[attr-defined,assignment]
        elif cls is ast.ClassDef and stmt.name == "Migration":  # type: ignore[attr-defined]
            django_classes.append(stmt)  # type: ignore[arg-type]
    if "revision" in assigned and "down_revision" in assigned and ("upgrade" in defs or "downgrade" in defs):
        return MigrationInfo(ALEMBIC, defs.get("upgrade"), defs.get("downgrade"))
    module_scope = [ctx.module_scope]
    for node in django_classes:
        for base in node.bases:
            resolved = ctx.resolve(base, module_scope)
            if resolved is not None and resolved.qualname in DJANGO_MIGRATION_BASES:
                return MigrationInfo(DJANGO)
    return NOT_A_MIGRATION


def in_alembic(ctx: FileContext) -> bool:
    return migration(ctx).kind == ALEMBIC


def in_django(ctx: FileContext) -> bool:
    return migration(ctx).kind == DJANGO


# ----- arguments ---------------------------------------------------------------------------
class _Maybe:
    """An argument that may be hidden in `*args` / `**kwargs`: present, value unknown."""

    def __repr__(self) -> str:
        return "MAYBE"


MAYBE = _Maybe()


def argument(call: ast.Call, name: str, position: int | None = None) -> ast.expr | _Maybe | None:
    """The expression passed for `name` (keyword or position), MAYBE behind `*`/`**`, else None."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if position is not None:
        for i, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                return MAYBE
            if i == position:
                return arg
    if any(kw.arg is None for kw in call.keywords):
        return MAYBE
    return None


def literal_str(expr: object) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def is_literal(expr: object, value: object) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is value


# ----- ranges ------------------------------------------------------------------------------
def def_header_span(ctx: FileContext, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Span:
    """`def name(...):` up to and including the colon (decorators excluded)."""
    start = ctx.span_of(node)
    lines = ctx.index.lines
    first = start.line
    fallback = Span(first, start.col, first, start.col + len(ctx.index.line(first)[start.col:].split("(", 1)[0]))
    it = iter(lines[first:])

    def readline() -> str:
        return next(it, "") + "\n"

    depth = 0
    try:
        for tok in tokenize.generate_tokens(readline):
            if tok.type != tokenize.OP:
                continue
            if tok.string in "([{":
                depth += 1
            elif tok.string in ")]}":
                depth -= 1
            elif tok.string == ":" and depth == 0:
                line, col = tok.end
                return Span(start.line, start.col, first + line - 1, col)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return fallback

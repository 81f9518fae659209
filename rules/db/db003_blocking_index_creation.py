"""DB003 blocking-index-creation."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Confidence, Finding, Fix, Rule, Severity
from ..names import Binding
from ._migrations import (
    ALEMBIC,
    BATCH,
    DJANGO,
    MAYBE,
    argument,
    django_names,
    is_literal,
    literal_str,
    migration,
)

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

CREATE_INDEX = "alembic.op.create_index"
BATCH_CREATE_INDEX = BATCH + "create_index"
CREATE_TABLE = "alembic.op.create_table"
ADD_INDEX = django_names("AddIndex", "models")
CREATE_MODEL = django_names("CreateModel", "models")

_UNKNOWN = object()  # a table/model name that is not a string literal
#: A Django migration that uses one of these shows the project runs on Postgres.
_POSTGRES = frozenset({"django.contrib.postgres"})


class BlockingIndexCreation(Rule):
    code = "DB003"
    name = "blocking-index-creation"
    message = "`{callee}` builds the index without `CONCURRENTLY`: Postgres blocks writes to the table until it is built"
    severity = Severity.INFO
    refs = ("PB4", "RF4")
    fix_applicability = "unsafe"
    fix_title = "Build the index concurrently (`postgresql_concurrently=True` / `AddIndexConcurrently`)"
    callees = frozenset({CREATE_INDEX, BATCH_CREATE_INDEX, CREATE_TABLE, *ADD_INDEX, *CREATE_MODEL})

    docs = """
## What it does
Checks migrations that build an index on an existing table in the blocking way:

- Alembic `op.create_index(...)` without `postgresql_concurrently=True`;
- Django `migrations.AddIndex(...)` (instead of
  `django.contrib.postgres.operations.AddIndexConcurrently`).

An index on a table created in the same migration (`op.create_table("t", ...)`, Django
`CreateModel`) does not fire: the table is new and empty. Only Alembic revision files and
Django migration modules are checked.

A Django `AddIndex` is the default tier when the migration module imports from
`django.contrib.postgres` (its operations, indexes or fields): the project runs on Postgres.
Otherwise it is the review tier (below).

## Why is this bad?
A plain `CREATE INDEX` takes a lock that blocks every `INSERT`, `UPDATE` and `DELETE` on the
table for as long as the build runs: minutes on a large table, during which writes queue up,
pools drain and requests time out. `CREATE INDEX CONCURRENTLY` builds it without blocking
writes (guide: PB4 Postgres playbook, "build indexes concurrently"; RF4 heavy migrations at peak
time).

## Example
```python
from alembic import op

revision = "5d2e8f1a0c3b"
down_revision = "3c1f0d2a9b7e"


def upgrade():
    op.create_index("ix_order_customer_id", "order", ["customer_id"])


def downgrade():
    op.drop_index("ix_order_customer_id", table_name="order")
```

## Use instead
```python
from alembic import op

revision = "5d2e8f1a0c3b"
down_revision = "3c1f0d2a9b7e"


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_order_customer_id", "order", ["customer_id"], postgresql_concurrently=True
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index("ix_order_customer_id", table_name="order", postgresql_concurrently=True)
```

For Django, use `AddIndexConcurrently` in a migration with `atomic = False`.

## Fix safety
For Alembic, the fix sets `postgresql_concurrently=True`. It is **unsafe**: `CREATE INDEX
CONCURRENTLY` cannot run inside a transaction, so the call must also move into
`with op.get_context().autocommit_block():`, and a failed concurrent build leaves an `INVALID`
index that has to be dropped by hand. Django `AddIndex` has no automatic fix: replace it with
`django.contrib.postgres.operations.AddIndexConcurrently` and set `atomic = False` on the
migration.

## References
- [PostgreSQL: Building indexes concurrently](https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY)
- [Alembic: create_index](https://alembic.sqlalchemy.org/en/latest/ops.html#alembic.operations.Operations.create_index)
- [Django: AddIndexConcurrently](https://docs.djangoproject.com/en/stable/ref/contrib/postgres/operations/#concurrent-index-operations)
- Guide: PB4 (Postgres playbook), RF4
"""

    review_tier = """
- Django `migrations.AddIndex` in a migration that imports nothing from `django.contrib.postgres`.
  `AddIndexConcurrently` exists only on Postgres (it fails on SQLite and MySQL), so a reusable app
  that supports several databases cannot use it, and whether the table is large enough to matter is
  the site's concern. Django projects on Postgres with large tables should opt in.
"""

    _HEAD = "from alembic import op\nimport sqlalchemy as sa\nrevision = 'b2'\ndown_revision = 'a1'\n"
    _DJ = "from django.db import migrations, models\n"

    valid = (
        _HEAD + "def upgrade():\n    with op.get_context().autocommit_block():\n"
        "        op.create_index('ix_a_x', 'a', ['x'], postgresql_concurrently=True)\n",
        _HEAD + "def upgrade():\n    op.create_table('a', sa.Column('id', sa.Integer(), primary_key=True),"
        " sa.Column('x', sa.Integer()))\n    op.create_index('ix_a_x', 'a', ['x'])\n",
        _HEAD + "def upgrade():\n    op.create_index('ix_a_x', 'a', ['x'], **INDEX_OPTIONS)\n",
        # Not a migration module.
        "from alembic import op\nop.create_index('ix_a_x', 'a', ['x'])\n",
        "from django.db import migrations, models\nfrom django.contrib.postgres.operations import AddIndexConcurrently\n"
        "class Migration(migrations.Migration):\n    atomic = False\n"
        "    operations = [AddIndexConcurrently('order', models.Index(fields=['created'], name='order_created_idx'))]\n",
        _DJ + "class Migration(migrations.Migration):\n    operations = [\n"
        "        migrations.CreateModel(name='Order', fields=[('id', models.AutoField(primary_key=True))]),\n"
        "        migrations.AddIndex(model_name='order', index=models.Index(fields=['id'], name='o_idx')),\n    ]\n",
        # A look-alike AddIndex.
        _DJ + "def AddIndex(*a): ...\nclass Migration(migrations.Migration):\n"
        "    operations = [AddIndex('order', None)]\n",
    )
    invalid = (
        _HEAD + "def upgrade():\n    op.create_index('ix_a_x', 'a', ['x'])\n",
        _HEAD + "def upgrade():\n    op.create_index('ix_a_x', 'a', ['x'], unique=True, postgresql_concurrently=False)\n",
        "from alembic.op import create_index as ci\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    ci(op_name, table_name='a', columns=['x'])\n",
        _HEAD + "def upgrade():\n    with op.batch_alter_table('a') as batch_op:\n"
        "        batch_op.create_index('ix_a_x', ['x'])\n",
        _HEAD + "def upgrade():\n    op.create_table('b', sa.Column('id', sa.Integer()))\n"
        "    op.create_index('ix_a_x', 'a', ['x'])\n",
        _DJ + "from django.contrib.postgres.indexes import GinIndex\nclass Migration(migrations.Migration):\n"
        "    operations = [migrations.AddIndex(model_name='order', index=GinIndex(fields=['tags'], name='o_tags'))]\n",
        "from django.db import migrations as m, models\nfrom django.db.migrations.operations import AddIndex\n"
        "from django.contrib.postgres import fields\n"
        "class Migration(m.Migration):\n    operations = [AddIndex('order', models.Index(fields=['x'], name='x_idx'))]\n",
    )
    review_examples = (
        # A reusable app's migration (django-allauth): nothing says the database is Postgres.
        _DJ + "class Migration(migrations.Migration):\n    operations = [migrations.AddIndex("
        "model_name='order', index=models.Index(fields=['created'], name='order_created_idx'))]\n",
        "from django.db import migrations as m, models\nfrom django.db.migrations.operations import AddIndex\n"
        "class Migration(m.Migration):\n    operations = [AddIndex('order', models.Index(fields=['x'], name='x_idx'))]\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix

        if finding.data.get("callee", "").startswith("migrations."):
            return None  # Django: AddIndexConcurrently needs its import and `atomic = False`
        return keyword_fix(finding, doc, "postgresql_concurrently", "True", "unsafe",
                           "Add `postgresql_concurrently=True` (run it in an autocommit block)")

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._created: set[object] = set()  # tables / models created in this migration
        self._indexes: list[tuple[ast.AST, object, str, bool]] = []  # (node, table, callee, review tier)

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        kind = migration(self.ctx).kind
        if kind == ALEMBIC and name in (CREATE_INDEX, BATCH_CREATE_INDEX, CREATE_TABLE):
            self._alembic(call, callee)
        elif kind == DJANGO and name in ADD_INDEX:
            model = argument(call, "model_name", 0)
            if model is not MAYBE:
                # Without Postgres in sight the fix may not apply: the review tier (docs above).
                self._indexes.append((call.func, _name(model), "migrations.AddIndex", not self._uses_postgres()))
        elif kind == DJANGO and name in CREATE_MODEL:
            self._created.add(_name(argument(call, "name", 0)))

    def _alembic(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        if name == CREATE_TABLE:
            self._created.add(_name(argument(call, "table_name", 0), lower=False))
            return
        if any(kw.arg is None for kw in call.keywords):
            return  # **kwargs may hold postgresql_concurrently
        node: ast.AST = call.func
        for kw in call.keywords:
            if kw.arg == "postgresql_concurrently":
                if not is_literal(kw.value, False):
                    return
                node = kw
        if name == BATCH_CREATE_INDEX:
            origin = callee.origin
            table = _name(argument(origin, "table_name", 0), lower=False) if origin is not None else _UNKNOWN
            shown = "batch_op.create_index"
        else:
            table = _name(argument(call, "table_name", 1), lower=False)
            shown = "op.create_index"
        self._indexes.append((node, table, shown, False))

    def _uses_postgres(self) -> bool:
        """The migration module imports something from `django.contrib.postgres` (its operations,
        indexes or fields): the project runs on Postgres, where `AddIndexConcurrently` applies."""
        return self.ctx.binds_module(_POSTGRES, [self.ctx.scopes[0]])

    def finish(self) -> None:
        created = self._created
        for node, table, shown, review in self._indexes:
            if table in created or (created and (table is _UNKNOWN or _UNKNOWN in created)):
                continue  # created in this migration (or cannot tell)
            self.report(node, confidence=Confidence.MEDIUM if review else None, callee=shown)


def _name(expr: object, lower: bool = True) -> object:
    value = literal_str(expr)
    if value is None:
        return _UNKNOWN
    return value.lower() if lower else value

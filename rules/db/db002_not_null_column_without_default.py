"""DB002 not-null-column-without-default."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._migrations import (
    ALEMBIC,
    BATCH,
    DJANGO,
    SA_COLUMN,
    SA_FILLERS,
    argument,
    django_names,
    is_literal,
    migration,
)

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

ALEMBIC_ADD_COLUMN = "alembic.op.add_column"
BATCH_ADD_COLUMN = BATCH + "add_column"
ADD_FIELD = django_names("AddField", "fields")

_FIELD_MODULES = ("django.db.models.", "django.contrib.postgres.fields.", "django.contrib.gis.db.models.")
# Fields that add no column, or fill it for existing rows themselves.
_SILENT_FIELDS = frozenset({
    "ManyToManyField", "ForeignObject", "GeneratedField",
    "AutoField", "BigAutoField", "SmallAutoField", "NullBooleanField",
})
# Django fills existing rows with "" when these are `blank=True` (schema_editor.effective_default).
_EMPTY_STRING_FIELDS = frozenset({
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField",
    "FileField", "ImageField", "BinaryField",
})


class NotNullColumnWithoutDefault(Rule):
    code = "DB002"
    name = "not-null-column-without-default"
    message = "`{callee}` adds a NOT NULL column with no `{default}`: the migration fails on a table that already has rows"
    severity = Severity.WARNING
    refs = ("PB9", "P7")
    fix_applicability = "unsafe"
    fix_title = "Add the column as nullable (`nullable=True` / `null=True`), enforce NOT NULL after a backfill"
    callees = frozenset({ALEMBIC_ADD_COLUMN, BATCH_ADD_COLUMN, *ADD_FIELD})

    docs = """
## What it does
Checks migrations that add a `NOT NULL` column to an existing table without a default the
database can fill existing rows with:

- Alembic `op.add_column(table, sa.Column(..., nullable=False))` (also `batch_op.add_column`)
  with no `server_default` (a Python-side `default=` does not reach the `ALTER TABLE`);
- Django `migrations.AddField(..., field=models.X(...))` whose field is not `null=True`
  (`null` omitted means `null=False`) and has no `default`/`db_default`. Every `AddField`
  is taken to target an existing model. Fields that add no column or that Django fills for
  existing rows itself (`ManyToManyField`, `GeneratedField`, auto fields, `auto_now`/
  `auto_now_add` dates, text fields with `blank=True`, which get `""`) are not checked.

Only Alembic revision files and Django migration modules are checked.

## Why is this bad?
`ALTER TABLE ... ADD COLUMN ... NOT NULL` with no default fails as soon as the table has a
row, so the migration that passed on an empty dev database breaks the production deploy, often
half-way through. The zero-downtime way is expand/contract: add the column nullable (or with a
server default), backfill in batches, switch the code, and only then enforce `NOT NULL`
(guide: PB9 migration playbook; P7 "every SQL shortcut pages someone later").

## Example
```python
from alembic import op
import sqlalchemy as sa

revision = "3c1f0d2a9b7e"
down_revision = "9a8b7c6d5e4f"


def upgrade():
    op.add_column("invoice", sa.Column("currency", sa.String(3), nullable=False))


def downgrade():
    op.drop_column("invoice", "currency")
```

## Use instead
```python
from alembic import op
import sqlalchemy as sa

revision = "3c1f0d2a9b7e"
down_revision = "9a8b7c6d5e4f"


def upgrade():
    # Expand: nullable first; backfill, then enforce NOT NULL in a later revision.
    op.add_column("invoice", sa.Column("currency", sa.String(3), nullable=True))
    # or: sa.Column("currency", sa.String(3), nullable=False, server_default="EUR")


def downgrade():
    op.drop_column("invoice", "currency")
```

## Fix safety
The fix adds the column as nullable (`nullable=True` for Alembic, `null=True` for Django): the
expand phase of expand/contract. It is **unsafe**: it changes the schema the migration produces,
and the code must then cope with `NULL` until a later migration backfills and enforces
`NOT NULL`.

## References
- [Alembic: add_column](https://alembic.sqlalchemy.org/en/latest/ops.html#alembic.operations.Operations.add_column)
- [Django: AddField](https://docs.djangoproject.com/en/stable/ref/migration-operations/#addfield)
- [PostgreSQL: ALTER TABLE ADD COLUMN](https://www.postgresql.org/docs/current/sql-altertable.html)
- Guide: PB9 (migration playbook), P7
"""

    _HEAD = "from alembic import op\nimport sqlalchemy as sa\nrevision = 'b2'\ndown_revision = 'a1'\n"
    _DJ = "from django.db import migrations, models\n"

    valid = (
        _HEAD + "def upgrade():\n    op.add_column('user', sa.Column('bio', sa.Text()))\n",
        _HEAD + "def upgrade():\n    op.add_column('user', sa.Column('bio', sa.Text(), nullable=True))\n",
        _HEAD + "def upgrade():\n    op.add_column('user', sa.Column('active', sa.Boolean(), nullable=False,"
        " server_default=sa.true()))\n",
        _HEAD + "def upgrade():\n    op.add_column('user', sa.Column('n', sa.Integer(), sa.Identity(), nullable=False))\n",
        _DJ + "class Migration(migrations.Migration):\n    operations = [migrations.AddField("
        "model_name='user', name='bio', field=models.TextField(null=True))]\n",
        _DJ + "class Migration(migrations.Migration):\n    operations = [migrations.AddField("
        "model_name='user', name='active', field=models.BooleanField(default=True))]\n",
        _DJ + "class Migration(migrations.Migration):\n    operations = [migrations.AddField("
        "'user', 'tags', models.ManyToManyField(to='blog.tag'))]\n",
        _DJ + "class Migration(migrations.Migration):\n    operations = [migrations.AddField("
        "'user', 'nickname', models.CharField(max_length=30, blank=True))]\n",
        # Not a migration module.
        "from alembic import op\nimport sqlalchemy as sa\nop.add_column('user', sa.Column('x', sa.Text(), nullable=False))\n",
        # A column held in a variable: cannot tell.
        _HEAD + "def upgrade():\n    op.add_column('user', COLUMN)\n",
    )
    invalid = (
        _HEAD + "def upgrade():\n    op.add_column('user', sa.Column('bio', sa.Text(), nullable=False))\n",
        "from alembic import op\nfrom sqlalchemy import Column as C, String\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    op.add_column('user', column=C('code', String(8), nullable=False, default='x'))\n",
        _HEAD + "def upgrade():\n    with op.batch_alter_table('user') as batch_op:\n"
        "        batch_op.add_column(sa.Column('bio', sa.Text(), nullable=False))\n",
        "import alembic.op as ops\nimport sqlalchemy\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    ops.add_column('user', sqlalchemy.Column('n', sqlalchemy.Integer, nullable=False,"
        " server_default=None))\n",
        _DJ + "class Migration(migrations.Migration):\n    operations = [migrations.AddField("
        "model_name='user', name='bio', field=models.TextField())]\n",
        _DJ + "class Migration(migrations.Migration):\n    operations = [migrations.AddField("
        "model_name='user', name='bio', field=models.CharField(max_length=20, null=False))]\n",
        "from django.db import migrations as m\nfrom django.db.models import ForeignKey, CASCADE\n"
        "class Migration(m.Migration):\n    operations = [m.AddField('order', 'owner', ForeignKey('auth.user', CASCADE))]\n",
        "from django.db import migrations, models\nfrom django.db.migrations import AddField as Add\n"
        "class Migration(migrations.Migration):\n    operations = [Add(model_name='user', name='age', "
        "field=models.IntegerField(blank=True))]\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        import libcst as cst

        from ..fixes.transforms import keyword_arg, set_keyword, value_fix

        if finding.data.get("default") == "server_default":  # Alembic: the `nullable=False` keyword
            return value_fix(finding, doc, "True", "unsafe", "Add the column with `nullable=True` (backfill, then enforce)")
        call = doc.call_at(finding.span)  # Django `migrations.AddField(...)`
        if call is None:
            return None
        field = keyword_arg(call, "field")
        if field is None:
            positional = [a for a in call.args if a.keyword is None]
            if len(positional) < 3 or any(a.star for a in positional[:3]):
                return None
            field = positional[2]
        field_call = field.value
        if not isinstance(field_call, cst.Call):
            return None
        return doc.replace(field_call, set_keyword(field_call, "null", "True"),
                           "Add the field with `null=True` (backfill, then enforce)", "unsafe")

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        kind = migration(self.ctx).kind
        if callee.qualname in ADD_FIELD:
            if kind == DJANGO:
                self._django(call)
        elif kind == ALEMBIC:
            self._alembic(call, callee)

    def _alembic(self, call: ast.Call, callee: Binding) -> None:
        batch = callee.qualname == BATCH_ADD_COLUMN
        column = argument(call, "column", 0 if batch else 1)
        if not isinstance(column, ast.Call):
            return
        resolved = self.ctx.resolve(column.func)
        if resolved is None or resolved.qualname not in SA_COLUMN:
            return
        nullable = None
        for kw in column.keywords:
            if kw.arg is None:
                return  # **kwargs: cannot tell
            if kw.arg == "server_default" and not is_literal(kw.value, None):
                return
            if kw.arg == "nullable":
                nullable = kw
        if nullable is None or not is_literal(nullable.value, False):
            return
        for arg in column.args:
            if isinstance(arg, ast.Starred):
                return
            if isinstance(arg, ast.Call):
                filler = self.ctx.resolve(arg.func)
                if filler is not None and filler.qualname in SA_FILLERS:
                    return
        shown = "batch_op.add_column" if batch else "op.add_column"
        self.report(nullable, callee=shown, default="server_default")

    def _django(self, call: ast.Call) -> None:
        field = argument(call, "field", 2)
        if not isinstance(field, ast.Call):
            return
        resolved = self.ctx.resolve(field.func)
        if resolved is None or resolved.qualname is None:
            return
        qualname = resolved.qualname
        if not qualname.startswith(_FIELD_MODULES) or "()" in qualname:
            return
        last = qualname.rsplit(".", 1)[-1]
        if last in _SILENT_FIELDS or not (last.endswith("Field") or last == "ForeignKey"):
            return
        for kw in field.keywords:
            if kw.arg is None or kw.arg in ("default", "db_default"):
                return
            if kw.arg == "null" and not is_literal(kw.value, False):
                return
            if kw.arg in ("primary_key", "auto_now", "auto_now_add") and not is_literal(kw.value, False):
                return  # auto_now(_add): Django fills existing rows with now()
            if kw.arg == "blank" and last in _EMPTY_STRING_FIELDS and not is_literal(kw.value, False):
                return  # Django fills existing rows with ""
        if any(isinstance(a, ast.Starred) for a in field.args):
            return
        self.report(call.func, callee="migrations.AddField", default="default")

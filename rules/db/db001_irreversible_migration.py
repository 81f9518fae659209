"""DB001 irreversible-migration."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._migrations import (
    ALEMBIC_OP,
    DJANGO,
    MAYBE,
    argument,
    def_header_span,
    django_names,
    is_literal,
    migration,
)

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

RUN_PYTHON = django_names("RunPython", "special")
RUN_SQL = django_names("RunSQL", "special")


def _is_empty_body(body: list[ast.stmt]) -> bool:
    """Only `pass`, `...` and string constants (docstrings)."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and (
            stmt.value.value is Ellipsis or isinstance(stmt.value.value, str)
        ):
            continue
        return False
    return True


class IrreversibleMigration(Rule):
    code = "DB001"
    name = "irreversible-migration"
    message = "{problem}: this migration cannot be rolled back when a deploy goes wrong"
    severity = Severity.WARNING
    refs = ("QB-reversible-migrations", "RF4")
    fix_applicability = "unsafe"
    fix_title = "Add `reverse_code=migrations.RunPython.noop` (or `reverse_sql=migrations.RunSQL.noop`)"
    callees = frozenset({*RUN_PYTHON, *RUN_SQL})

    docs = """
## What it does
Checks migrations that have no way back:

- an Alembic revision whose `downgrade()` body is only `pass`, `...` or a docstring while its
  `upgrade()` changes the schema (any `op.*` call counts as a schema change);
- a Django `migrations.RunPython(forward)` with no `reverse_code`, or a
  `migrations.RunSQL(sql)` with no `reverse_sql` (an explicit `None` is the same thing).

Only Alembic revision files (module-level `revision`/`down_revision` plus `upgrade()`) and
Django migration modules (`class Migration(migrations.Migration)`) are checked.

## Why is this bad?
When a deploy goes wrong the quickest safe move is to roll the code *and* the schema back.
An empty `downgrade()` silently does nothing, leaving the schema ahead of the code you rolled
back to; Django refuses to unapply a `RunPython`/`RunSQL` without a reverse
(`IrreversibleError`), so the whole rollback stops there (guide: quality bar "reversible
migrations"; red flag RF4, heavy migrations without a tested rollback path).

## Example
```python
from django.db import migrations


def fill_slugs(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    for article in Article.objects.filter(slug=""):
        article.slug = str(article.pk)
        article.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("blog", "0007_article_slug")]
    operations = [migrations.RunPython(fill_slugs)]
```

## Use instead
```python
from django.db import migrations


def fill_slugs(apps, schema_editor):
    ...


class Migration(migrations.Migration):
    dependencies = [("blog", "0007_article_slug")]
    # Nothing to undo: the previous migration's reverse drops the column.
    operations = [migrations.RunPython(fill_slugs, reverse_code=migrations.RunPython.noop)]
```

For Alembic, write the real inverse in `downgrade()` (`op.drop_column(...)` for an
`op.add_column(...)`, and so on).

## Fix safety
For Django only, the fix adds `reverse_code=migrations.RunPython.noop` (or
`reverse_sql=migrations.RunSQL.noop`). It is **unsafe** and only a suggestion: a no-op reverse
makes the migration *unapplyable*, not *undone*; it is right only when the forward step leaves
nothing that needs undoing. Writing the real reverse is preferred. Alembic downgrades get no fix.

## References
- [Alembic: Create a migration script](https://alembic.sqlalchemy.org/en/latest/tutorial.html#create-a-migration-script)
- [Django: RunPython](https://docs.djangoproject.com/en/stable/ref/migration-operations/#runpython)
- [Django: RunSQL](https://docs.djangoproject.com/en/stable/ref/migration-operations/#runsql)
- Guide: quality bar "reversible migrations", RF4
"""

    valid = (
        # A real downgrade.
        "from alembic import op\nimport sqlalchemy as sa\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    op.add_column('user', sa.Column('bio', sa.Text()))\n"
        "def downgrade():\n    op.drop_column('user', 'bio')\n",
        # Nothing to undo: upgrade() does not touch the schema.
        "from alembic import op\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    pass\ndef downgrade():\n    pass\n",
        "from django.db import migrations\ndef forward(apps, schema_editor): ...\n"
        "def backward(apps, schema_editor): ...\nclass Migration(migrations.Migration):\n"
        "    operations = [migrations.RunPython(forward, backward)]\n",
        "from django.db import migrations\ndef forward(apps, schema_editor): ...\n"
        "class Migration(migrations.Migration):\n"
        "    operations = [migrations.RunPython(forward, reverse_code=migrations.RunPython.noop)]\n",
        "from django.db import migrations as m\nclass Migration(m.Migration):\n"
        "    operations = [m.RunSQL('CREATE EXTENSION citext', reverse_sql='DROP EXTENSION citext')]\n",
        "from django.db.migrations import RunSQL as SQL\nfrom django.db import migrations\n"
        "class Migration(migrations.Migration):\n    operations = [SQL('SELECT 1', migrations.RunSQL.noop)]\n",
        # Not a migration module: a script that happens to call RunPython.
        "from django.db import migrations\nop = migrations.RunPython(print)\n",
        # A look-alike RunPython.
        "from django.db import migrations\nclass RunPython:\n    def __init__(self, f): ...\n"
        "class Migration(migrations.Migration):\n    operations = [RunPython(print)]\n",
    )
    invalid = (
        "from alembic import op\nimport sqlalchemy as sa\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    op.add_column('user', sa.Column('bio', sa.Text()))\n"
        "def downgrade():\n    pass\n",
        "import alembic.op as op\nrevision: str = 'b2'\ndown_revision: str | None = 'a1'\n"
        "def upgrade() -> None:\n    op.execute('CREATE INDEX ix_a ON a (x)')\n"
        "def downgrade() -> None:\n    '''Not supported.'''\n    ...\n",
        "from alembic.op import drop_table\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    drop_table('legacy')\ndef downgrade():\n    pass\n",
        "from alembic import op\nrevision = 'b2'\ndown_revision = 'a1'\n"
        "def upgrade():\n    with op.batch_alter_table('user') as batch_op:\n        batch_op.drop_column('bio')\n"
        "def downgrade():\n    pass\n",
        "from django.db import migrations\ndef forward(apps, schema_editor): ...\n"
        "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(forward)]\n",
        "from django.db import migrations as m\nclass Migration(m.Migration):\n"
        "    operations = [m.RunSQL('UPDATE blog_post SET draft = false')]\n",
        "from django.db import migrations\nfrom django.db.migrations import RunPython as Py\n"
        "class Migration(migrations.Migration):\n    operations = [Py(lambda apps, se: None, reverse_code=None)]\n",
        "from django.db import migrations\nfrom django.db.migrations.operations import RunSQL\n"
        "class Migration(migrations.Migration):\n    operations = [RunSQL(['ALTER TABLE a DROP COLUMN b'], None)]\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix, value_fix

        kwarg, op = finding.data.get("keyword"), finding.data.get("operation")
        if kwarg is None or op is None:
            return None  # Alembic: the downgrade has to be written by hand
        value = "{0}.%s.noop" % op
        title = f"Add `{kwarg}=migrations.{op}.noop` (only if nothing needs undoing)"
        imports = [("django.db", "migrations")]
        if doc.call_at(finding.span) is not None:
            return keyword_fix(finding, doc, kwarg, value, "unsafe", title, imports)
        return value_fix(finding, doc, value, "unsafe", title, imports)  # `reverse_code=None` / positional None

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._saw_downgrade = False

    # ----- Alembic ----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name == "downgrade" and len(self.ctx.scopes) == 1:
            self._saw_downgrade = True

    def finish(self) -> None:
        if not self._saw_downgrade:
            return
        info = migration(self.ctx)
        down, up = info.downgrade, info.upgrade
        if down is None or up is None or not _is_empty_body(down.body):
            return
        if not self._changes_schema(up):
            return
        self.report(def_header_span(self.ctx, down), problem="`downgrade()` is empty while `upgrade()` changes the schema")

    def _changes_schema(self, fn: ast.FunctionDef) -> bool:
        """Any `op.*` call in `upgrade()` (a bounded walk of that one function)."""
        ctx = self.ctx
        module = [ctx.module_scope]
        for node in ast.walk(fn):
            if isinstance(node, ast.Call):
                resolved = ctx.resolve(node.func, module)
                if resolved is not None and (resolved.qualname or "").startswith(ALEMBIC_OP):
                    return True
        return False

    # ----- Django -----------------------------------------------------------------------------
    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if migration(self.ctx).kind != DJANGO:
            return
        python = callee.qualname in RUN_PYTHON
        kwarg, op = ("reverse_code", "RunPython") if python else ("reverse_sql", "RunSQL")
        value = argument(call, kwarg, 1)
        if value is MAYBE:
            return
        if value is None:
            self.report(call.func, problem=f"`migrations.{op}` has no `{kwarg}`", keyword=kwarg, operation=op)
        elif is_literal(value, None):
            node: ast.AST = value
            for kw in call.keywords:
                if kw.arg == kwarg:
                    node = kw
            self.report(node, problem=f"`migrations.{op}` has `{kwarg}=None`", keyword=kwarg, operation=op)

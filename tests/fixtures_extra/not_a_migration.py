"""Not a migration: a maintenance script and a helper module using the same APIs.

No DB rule fires outside Alembic revision files and Django migration modules.
"""
import sqlalchemy as sa
from alembic import op
from django.db import migrations, models

revision = "not-an-alembic-file"  # no down_revision, no upgrade()


def add_flag(table):
    op.add_column(table, sa.Column("flag", sa.Boolean(), nullable=False))
    op.create_index(f"ix_{table}_flag", table, ["flag"])


def downgrade():
    pass


def backfill(apps, schema_editor):
    ...


COMMON_OPERATIONS = [
    migrations.RunPython(backfill),
    migrations.AddField("order", "flag", models.BooleanField()),
    migrations.AddIndex("order", models.Index(fields=["flag"], name="order_flag_idx")),
]


class Migration:  # not django's
    operations = COMMON_OPERATIONS

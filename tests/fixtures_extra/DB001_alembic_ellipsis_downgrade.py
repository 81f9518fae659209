"""drop legacy sessions table

Revision ID: 77aa01b2c3d4
Revises: 3c1f0d2a9b7e
Create Date: 2024-04-02 16:40:05.118201

"""
from alembic import op

revision = "77aa01b2c3d4"
down_revision = "3c1f0d2a9b7e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("legacy_session") as batch_op:
        batch_op.drop_column("payload")
    op.execute("DROP TABLE legacy_session_archive")


def downgrade(  # expect: DB001
):
    ...

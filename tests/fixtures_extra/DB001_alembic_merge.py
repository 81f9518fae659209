"""merge heads

Revision ID: 0f9e8d7c6b5a
Revises: 3c1f0d2a9b7e, 77aa01b2c3d4
Create Date: 2024-04-03 08:00:00.000000

"""
from alembic import op  # noqa: F401

revision = "0f9e8d7c6b5a"
down_revision = ("3c1f0d2a9b7e", "77aa01b2c3d4")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""add invoice currency

Revision ID: 3c1f0d2a9b7e
Revises: 9a8b7c6d5e4f
Create Date: 2024-03-18 10:02:11.512933

"""
import sqlalchemy as sa
from alembic import op

revision = "3c1f0d2a9b7e"
down_revision = "9a8b7c6d5e4f"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("invoice", sa.Column("currency", sa.String(length=3), nullable=True))


def downgrade():
    op.drop_column("invoice", "currency")

"""add order priority

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    op.add_column("orders", sa.Column("priority", sa.Integer(), nullable=False))
    op.create_index("ix_orders_priority", "orders", ["priority"])


def downgrade():
    pass

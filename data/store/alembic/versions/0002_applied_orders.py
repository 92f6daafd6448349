"""Schema 2: the purchase order lines of applied plans (``applied_orders``).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applied_orders",
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("week", sa.Text, nullable=False),
        sa.Column("po_id", sa.Text, nullable=False),
        sa.Column("supplier_id", sa.Text, nullable=False),
        sa.Column("sku", sa.Text, nullable=False),
        sa.Column("quantity", sa.Float, nullable=False),
        sa.Column("order_date", sa.Text, nullable=False),
        sa.Column("arrival_date", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("po_id", "sku"),
    )

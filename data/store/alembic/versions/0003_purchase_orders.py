"""Schema 3: purchase orders with their own ids, status and history replace applied_orders.

Every applied line of schema 2 becomes an open purchase order with a ``migrated`` event.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MIGRATED_BY = "salesflow migration"
"""Who the ``migrated`` events name."""


def upgrade() -> None:
    orders = op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("po_id", sa.Text, nullable=False),
        sa.Column("supplier_id", sa.Text, nullable=False),
        sa.Column("sku", sa.Text, nullable=False),
        sa.Column("week", sa.Text, nullable=False),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("quantity", sa.Float, nullable=False),
        sa.Column("unit_price", sa.Float, nullable=True),
        sa.Column("order_date", sa.Text, nullable=False),
        sa.Column("arrival_date", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("received_quantity", sa.Float, nullable=False, server_default="0"),
        sa.Column("cancelled_quantity", sa.Float, nullable=False, server_default="0"),
        sa.Column("issued_at", sa.Text, nullable=False),
        sa.Column("issued_by", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
        sa.UniqueConstraint("po_id", "sku", name="purchase_orders_po_sku"),
        sa.CheckConstraint(
            "status IN ('open', 'received', 'cancelled')", name="purchase_orders_status_check"
        ),
        sqlite_autoincrement=True,
    )
    events = op.create_table(
        "purchase_order_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.Integer, sa.ForeignKey("purchase_orders.id"),
                  nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("quantity", sa.Float, nullable=False),
        sa.Column("previous_quantity", sa.Float, nullable=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("by", sa.Text, nullable=False),
        sa.CheckConstraint(
            "kind IN ('issued', 'amended', 'received', 'cancelled', 'migrated')",
            name="purchase_order_events_kind_check",
        ),
        sqlite_autoincrement=True,
    )
    assert orders is not None and events is not None
    applied = sa.table(
        "applied_orders", *(sa.column(name) for name in (
            "plan_id", "week", "po_id", "supplier_id", "sku", "quantity", "order_date",
            "arrival_date")),
    )
    conn = op.get_bind()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    old = conn.execute(sa.select(applied).order_by(
        applied.c.order_date, applied.c.po_id, applied.c.sku)).all()
    for row in old:
        key = conn.execute(sa.insert(orders).values(
            po_id=row.po_id, supplier_id=row.supplier_id, sku=row.sku, week=row.week,
            plan_id=row.plan_id, quantity=row.quantity, unit_price=None,
            order_date=row.order_date, arrival_date=row.arrival_date, status="open",
            received_quantity=0.0, cancelled_quantity=0.0, issued_at=now,
            issued_by=MIGRATED_BY, updated_at=now, updated_by=MIGRATED_BY,
        )).inserted_primary_key
        assert key is not None
        conn.execute(sa.insert(events).values(
            order_id=key[0], kind="migrated", plan_id=row.plan_id, quantity=row.quantity,
            previous_quantity=None, at=now, by=MIGRATED_BY))
    op.drop_table("applied_orders")

"""The plan store's tables, as of :data:`~salesflow.data.store.migrations.SCHEMA_VERSION`.

``meta`` holds the schema version and the store's creation time; ``plans`` one row per plan
version; ``plan_files`` the plans' output files (contents included: the database is the source
of truth, ``plans/<id>/`` a copy); ``purchase_orders`` the purchase order lines issued by
applying plans, each with its own id and status, and ``purchase_order_events`` their history
(who issued, amended, received or cancelled what, when). Changes to these tables come with
an Alembic revision in ``data/store/alembic/versions`` (see
:mod:`salesflow.data.store.migrations`).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
plans_table = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("week", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("data_dir", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("applied_at", sa.Text, nullable=True),
    sa.CheckConstraint(
        "status IN ('draft', 'applied', 'superseded')", name="plans_status_check"
    ),
    sqlite_autoincrement=True,  # ids are never reused, so plans/<id> can never be ambiguous
)
files_table = sa.Table(
    "plan_files",
    metadata,
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.PrimaryKeyConstraint("plan_id", "name"),
)



purchase_orders_table = sa.Table(
    "purchase_orders",
    metadata,
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
    sqlite_autoincrement=True,  # an order id, once shown to a planner, is never reused
)
"""Purchase order lines issued by applying plans (or carried over from schema 2's
``applied_orders``): one row per line with its own id and status. ``quantity`` is the ordered
quantity after amendments; the open quantity is ``quantity - received_quantity -
cancelled_quantity``."""

order_events_table = sa.Table(
    "purchase_order_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.Integer, sa.ForeignKey("purchase_orders.id"), nullable=False),
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
"""What happened to a purchase order line, who did it and when: ``issued`` (quantity issued),
``amended`` (a re-applied plan changed the line's quantity from ``previous_quantity`` to
``quantity``; the amendment references the original order), ``received`` and ``cancelled``
(the quantity received or cancelled), ``migrated`` (carried over from ``applied_orders``)."""

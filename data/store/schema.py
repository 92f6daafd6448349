"""The plan store's tables, as of :data:`~salesflow.data.store.migrations.SCHEMA_VERSION`.

``meta`` holds the schema version and the store's creation time; ``plans`` one row per plan
version; ``plan_files`` the plans' output files (contents included: the database is the source
of truth, ``plans/<id>/`` a copy); ``applied_orders`` the purchase order lines of applied
plans. Changes to these tables come with a step in :mod:`salesflow.data.store.migrations`.
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


applied_orders_table = sa.Table(
    "applied_orders",
    metadata,
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
"""Purchase order lines of applied plans: the open orders that later runs see."""

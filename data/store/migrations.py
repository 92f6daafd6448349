"""The plan store's schema version: reading it, creating a store, migrating an older one.

A store records its schema version in the ``meta`` table. :func:`prepare` creates the tables
of :mod:`salesflow.data.store.schema` in an empty database, or runs the steps of
:data:`MIGRATIONS` up to :data:`SCHEMA_VERSION`, inside the caller's write transaction. A
database with foreign ``plans``/``meta`` tables, or one written by a newer salesflow, is
refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesflow.data.errors import StoreError
from salesflow.data.store.checks import utc_text
from salesflow.data.store.schema import (
    meta_table,
    metadata,
    order_events_table,
    purchase_orders_table,
)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 3
"""Version of the database schema this code writes and reads (2: applied purchase orders;
3: purchase orders with their own ids, status and history)."""

MIGRATED_BY = "salesflow migration"
"""Who the ``migrated`` events of schema 3's step name."""

_legacy = sa.MetaData()
_applied_orders_v2 = sa.Table(
    "applied_orders",
    _legacy,
    sa.Column("plan_id", sa.Integer, nullable=False),
    sa.Column("week", sa.Text, nullable=False),
    sa.Column("po_id", sa.Text, nullable=False),
    sa.Column("supplier_id", sa.Text, nullable=False),
    sa.Column("sku", sa.Text, nullable=False),
    sa.Column("quantity", sa.Float, nullable=False),
    sa.Column("order_date", sa.Text, nullable=False),
    sa.Column("arrival_date", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("po_id", "sku"),
)
"""Schema 2's table of applied purchase lines (replaced by ``purchase_orders`` in 3)."""


def _migrate_to_2(conn: Connection) -> None:
    _applied_orders_v2.create(conn)


def _migrate_to_3(conn: Connection) -> None:
    """Purchase orders with ids and status; every applied line of schema 2 becomes open."""
    purchase_orders_table.create(conn)
    order_events_table.create(conn)
    now = utc_text(None)
    old = conn.execute(sa.select(_applied_orders_v2).order_by(
        _applied_orders_v2.c.order_date, _applied_orders_v2.c.po_id,
        _applied_orders_v2.c.sku)).all()
    for row in old:
        key = conn.execute(sa.insert(purchase_orders_table).values(
            po_id=row.po_id, supplier_id=row.supplier_id, sku=row.sku, week=row.week,
            plan_id=row.plan_id, quantity=row.quantity, unit_price=None,
            order_date=row.order_date, arrival_date=row.arrival_date, status="open",
            received_quantity=0.0, cancelled_quantity=0.0, issued_at=now,
            issued_by=MIGRATED_BY, updated_at=now, updated_by=MIGRATED_BY,
        )).inserted_primary_key
        assert key is not None
        conn.execute(sa.insert(order_events_table).values(
            order_id=key[0], kind="migrated", plan_id=row.plan_id, quantity=row.quantity,
            previous_quantity=None, at=now, by=MIGRATED_BY))
    conn.execute(sa.text("DROP TABLE applied_orders"))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _migrate_to_2, 3: _migrate_to_3}
"""``MIGRATIONS[n]`` upgrades a store at schema ``n - 1`` to schema ``n`` (inside a transaction)."""


def read_version(conn: Connection, where: str) -> int | None:
    """Return the store's schema version, ``None`` if the database is empty.

    ``where`` names the database in messages.

    Raises
    ------
    StoreError
        The database is not a plan store, or a newer salesflow wrote it.
    """
    tables = set(sa.inspect(conn).get_table_names())
    if "meta" not in tables and "plans" not in tables:
        return None
    value = None
    if "meta" in tables:
        value = conn.scalar(
            sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
        )
    try:
        version = int(value) if value is not None else None
    except ValueError:
        version = None
    if version is None:
        raise StoreError(
            f"{where} is not a salesflow plan store (it has a 'plans' or 'meta' table "
            "but no schema_version)"
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{where} was written by a newer salesflow (schema {version}, this version "
            f"reads up to {SCHEMA_VERSION}); upgrade salesflow"
        )
    return version


def is_outdated(version: int | None) -> bool:
    """Whether a store at ``version`` (``None``: no store) needs :func:`prepare` to migrate."""
    return version is not None and version < SCHEMA_VERSION


def prepare(conn: Connection, where: str, display: str) -> None:
    """Inside a write transaction: create the schema or migrate it to :data:`SCHEMA_VERSION`.

    ``where`` names the database in errors, ``display`` the store in log messages.

    Raises
    ------
    StoreError
        See :func:`read_version`; or a migration step is missing.
    """
    version = read_version(conn, where)
    if version is None:
        metadata.create_all(conn)
        conn.execute(
            sa.insert(meta_table),
            [
                {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                {"key": "created_at", "value": utc_text(None)},
            ],
        )
        logger.info("created plan store %s (schema %d)", display, SCHEMA_VERSION)
        return
    if version == SCHEMA_VERSION:
        return
    for target in range(version + 1, SCHEMA_VERSION + 1):
        step = MIGRATIONS.get(target)
        if step is None:
            raise StoreError(f"no migration from schema {target - 1} to {target}")
        logger.info("migrating plan store %s to schema %d", display, target)
        step(conn)
    conn.execute(
        sa.update(meta_table)
        .where(meta_table.c.key == "schema_version")
        .values(value=str(SCHEMA_VERSION))
    )

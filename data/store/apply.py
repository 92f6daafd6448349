"""Applying a plan: its purchase lines become open orders, its exports are written.

One transaction marks the plan ``applied`` (the one applied before becomes ``superseded``),
replaces the applied order lines of its week and, before it commits, puts the plan's export
folder in place (replacing that of an earlier apply). Any failure leaves the database and the
folders as they were. :meth:`salesflow.data.store.PlanStore.apply_plan` is the entry point.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from salesflow.data.atomic import staged_folder
from salesflow.data.errors import StoreError, UserError
from salesflow.data.store.checks import check_file_name, utc_text
from salesflow.data.store.records import ApplyOutcome, PlanRecord, read_records
from salesflow.data.store.schema import applied_orders_table, plans_table

if TYPE_CHECKING:
    from salesflow.data.store.database import StoreDatabase

logger = logging.getLogger(__name__)

ORDER_FIELDS = ("po_id", "supplier_id", "sku", "quantity", "order_date", "arrival_date")
"""The fields of a purchase order line handed to :func:`apply_plan`."""


def order_row(plan: PlanRecord, order: Mapping[str, Any]) -> dict[str, Any]:
    """A row of ``applied_orders`` from a purchase line of ``plan``.

    Raises
    ------
    UserError
        The line lacks one of :data:`ORDER_FIELDS`.
    """
    missing = [f for f in ORDER_FIELDS if f not in order]
    if missing:
        raise UserError(f"purchase line of plan {plan.id} lacks {', '.join(missing)}")
    row = {f: order[f] for f in ORDER_FIELDS}
    row["quantity"] = float(row["quantity"])
    for key in ("order_date", "arrival_date"):
        value = row[key]
        row[key] = value.isoformat() if isinstance(value, date) else str(value)
    return {"plan_id": plan.id, "week": plan.week, **row}


def apply_plan(
    database: StoreDatabase,
    plan: PlanRecord,
    *,
    export_dir: Path,
    orders: list[Mapping[str, Any]],
    exports: Mapping[str, bytes],
    force: bool,
    now: datetime | None,
    after_rename: Callable[[Path], None],
) -> ApplyOutcome:
    """Apply the draft or superseded ``plan`` (see :meth:`PlanStore.apply_plan`).

    ``export_dir`` receives ``exports``; ``after_rename`` is called with it once the new
    folder is in place, before the commit (a test hook).

    Raises
    ------
    UserError
        A newer plan is applied and ``force`` is not set, or an order line or an export file
        name is malformed.
    StoreError
        The store cannot be written; nothing changed then.
    """
    rows = [order_row(plan, order) for order in orders]
    files = [(check_file_name(name), exports[name]) for name in exports]
    applied_at = utc_text(now)
    try:
        with staged_folder(export_dir.parent, files, remove_new_parent=True) as swap, \
                database.connect(write=True) as conn, conn.begin():
            database.prepare(conn)
            current = conn.execute(
                sa.select(plans_table.c.id, plans_table.c.week)
                .where(plans_table.c.status == "applied")).all()
            newer = [r for r in current if (r.week, r.id) > (plan.week, plan.id)]
            if newer and not force:
                raise UserError(
                    f"plan {newer[0].id} (week {newer[0].week}) is applied and newer than "
                    f"plan {plan.id} (week {plan.week}); use --force to apply the older "
                    "plan over it")
            superseded = tuple(r.id for r in current)
            if superseded:
                conn.execute(sa.update(plans_table)
                             .where(plans_table.c.id.in_(superseded))
                             .values(status="superseded"))
            conn.execute(sa.update(plans_table).where(plans_table.c.id == plan.id)
                         .values(status="applied", applied_at=applied_at))
            conn.execute(sa.delete(applied_orders_table)
                         .where(applied_orders_table.c.week == plan.week))
            if rows:
                conn.execute(sa.insert(applied_orders_table), rows)
            after_rename(swap.install(export_dir))
            record = read_records(conn, plan.id)[0]
    except OSError as exc:
        raise StoreError(f"cannot write plan exports under {export_dir}: {exc}") from exc
    logger.info("applied plan %d (superseded %s)", plan.id, superseded)
    return ApplyOutcome(record, True, superseded, export_dir)


def applied_orders(database: StoreDatabase) -> list[dict[str, Any]]:
    """Every purchase order line of applied plans, by arrival date, po_id and SKU."""
    with database.reading() as conn:
        if conn is None:
            return []
        query = (sa.select(applied_orders_table)
                 .order_by(applied_orders_table.c.arrival_date,
                           applied_orders_table.c.po_id, applied_orders_table.c.sku))
        return [dict(row._mapping) for row in conn.execute(query)]

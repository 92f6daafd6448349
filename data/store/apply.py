"""Applying a plan: its purchase lines are issued as purchase orders, its exports are written.

One write transaction marks the plan ``applied`` (the one applied before becomes
``superseded``), issues the plan's purchase lines of its week by the rules of
:mod:`salesflow.data.store.orders` (only the difference against the orders already issued for
the week: new lines and amendments; nothing issued is cancelled) and, before it commits, puts
the plan's export folder in place (replacing that of an earlier apply). The folder's
``purchase_orders_erp.csv`` holds only what has to be sent: the new lines and the amended
ones. Any failure leaves the database and the folders as they were.

Two applies racing on one store: the store's state (the plan's status and the last order
event) is read before the write lock is requested and compared once it is held; if another
process changed it in between, the apply stops with :class:`ApplyConflictError` and changes
nothing. :meth:`salesflow.data.store.PlanStore.apply_plan` is the entry point.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesflow.data.atomic import staged_folder
from salesflow.data.errors import StoreError, UserError
from salesflow.data.i18n import _
from salesflow.data.outputs.writers import csv_bytes
from salesflow.data.store.checks import check_file_name, utc_text
from salesflow.data.store.orders import (
    ORDER_FIELDS,
    IssueResult,
    current_user,
    issue_lines,
    orders_for_planning,
)
from salesflow.data.store.records import ApplyOutcome, PlanRecord, read_records
from salesflow.data.store.schema import order_events_table, plans_table

if TYPE_CHECKING:
    from salesflow.data.store.database import StoreDatabase

__all__ = ["ERP_FILE", "ORDER_FIELDS", "AppliedPlan", "ApplyConflictError", "StoreState",
           "apply_plan", "orders_for_planning", "store_state"]

logger = logging.getLogger(__name__)

ERP_FILE = "purchase_orders_erp.csv"
"""The export file of an apply with the order lines to send to the ERP."""

ERP_COLUMNS = ("order_id", "action", "po_id", "supplier_id", "sku", "quantity",
               "previous_quantity", "unit_price", "order_date", "arrival_date")
"""Columns of :data:`ERP_FILE`: ``action`` is ``new`` or ``amend`` (``previous_quantity`` is
then the quantity sent before)."""


class ApplyConflictError(UserError):
    """Another process changed the store between this apply's read and its write lock."""


@dataclass(frozen=True)
class StoreState:
    """What an apply read before asking for the write lock: the plan's status and the id of
    the store's last purchase order event (0: none)."""

    plan_status: str
    last_event: int


@dataclass(frozen=True)
class AppliedPlan(ApplyOutcome):
    """:class:`ApplyOutcome` plus what issuing the plan's lines did (``None``: the plan was
    already applied and nothing was issued)."""

    issued: IssueResult | None = None


def _last_event(conn: Connection) -> int:
    return int(conn.scalar(sa.select(sa.func.max(order_events_table.c.id))) or 0)


def store_state(database: StoreDatabase, plan: PlanRecord) -> StoreState:
    """The :class:`StoreState` an apply of ``plan`` compares once it holds the lock."""
    with database.reading() as conn:
        return StoreState(plan.status, 0 if conn is None else _last_event(conn))


def erp_bytes(issued: IssueResult) -> bytes:
    """:data:`ERP_FILE` of what was issued: new lines, then amended ones, by po_id and SKU."""
    rows: list[dict[str, Any]] = []
    for action, orders in (("new", [(o, None) for o in issued.new]),
                           ("amend", issued.amended)):
        for order, previous in sorted(orders, key=lambda x: (x[0].po_id, x[0].sku)):
            rows.append({"order_id": order.id, "action": action, "po_id": order.po_id,
                         "supplier_id": order.supplier_id, "sku": order.sku,
                         "quantity": order.quantity, "previous_quantity": previous,
                         "unit_price": order.unit_price, "order_date": order.order_date,
                         "arrival_date": order.arrival_date})
    return csv_bytes(pd.DataFrame(rows, columns=list(ERP_COLUMNS)))


def apply_plan(
    database: StoreDatabase,
    plan: PlanRecord,
    *,
    export_dir: Path,
    orders: Sequence[Mapping[str, Any]],
    exports: Mapping[str, bytes],
    force: bool,
    now: datetime | None,
    after_rename: Callable[[Path], None],
    seen: StoreState | None = None,
    by: str | None = None,
) -> AppliedPlan:
    """Apply the draft or superseded ``plan`` (see :meth:`PlanStore.apply_plan`).

    ``orders`` are its purchase lines of its week; ``export_dir`` receives ``exports`` plus
    :data:`ERP_FILE`; ``after_rename`` is called with it once the new folder is in place,
    before the commit (a test hook). ``seen`` is the state read before (default: read now);
    ``by`` who applies (default :func:`~salesflow.data.store.orders.current_user`).

    Raises
    ------
    ApplyConflictError
        Another process applied a plan or changed an order since ``seen`` was read.
    UserError
        A newer plan is applied and ``force`` is not set, or an order line or an export file
        name is malformed.
    StoreError
        The store cannot be written; nothing changed then.
    """
    files = [(check_file_name(name), exports[name]) for name in exports if name != ERP_FILE]
    applied_at = utc_text(now)
    who = by or current_user()
    seen = seen or store_state(database, plan)
    logger.info("apply of plan %d: waiting for the store's write lock", plan.id)
    try:
        with database.writing() as conn:
            transaction = conn.get_transaction()
            assert transaction is not None
            status = conn.scalar(sa.select(plans_table.c.status)
                                 .where(plans_table.c.id == plan.id))
            if status != seen.plan_status or _last_event(conn) != seen.last_event:
                text = (_("another salesflow process applied plan {plan_id} while this apply "
                          "of it waited for the store; nothing was changed by this one. Check "
                          "`salesflow plans list` and `salesflow orders list`, then apply "
                          "again if still wanted") if status == "applied" else
                        _("another salesflow process changed the store's plans or orders "
                          "while this apply of plan {plan_id} waited for the store; nothing "
                          "was changed by this one. Check `salesflow plans list` and "
                          "`salesflow orders list`, then apply again if still wanted"))
                raise ApplyConflictError(text.format(plan_id=plan.id))
            current = conn.execute(
                sa.select(plans_table.c.id, plans_table.c.week)
                .where(plans_table.c.status == "applied")).all()
            newer = [r for r in current if (r.week, r.id) > (plan.week, plan.id)]
            if newer and not force:
                raise UserError(_(
                    "plan {newer} (week {newer_week}) is applied and newer than plan "
                    "{plan_id} (week {week}); use --force to apply the older plan over it")
                    .format(newer=newer[0].id, newer_week=newer[0].week, plan_id=plan.id,
                            week=plan.week))
            superseded = tuple(r.id for r in current)
            if superseded:
                conn.execute(sa.update(plans_table)
                             .where(plans_table.c.id.in_(superseded))
                             .values(status="superseded"))
            conn.execute(sa.update(plans_table).where(plans_table.c.id == plan.id)
                         .values(status="applied", applied_at=applied_at))
            issued = issue_lines(conn, plan, orders, at=applied_at, by=who)
            files.append((ERP_FILE, erp_bytes(issued)))
            with staged_folder(export_dir.parent, files, remove_new_parent=True) as swap:
                after_rename(swap.install(export_dir))
                record = read_records(conn, plan.id)[0]
                transaction.commit()  # inside: a failed commit puts the old folder back
    except OSError as exc:
        raise StoreError(_("cannot write plan exports under {folder}: {error}").format(
            folder=export_dir, error=exc)) from exc
    logger.info("applied plan %d (superseded %s): %s", plan.id, superseded,
                issued.sentence())
    return AppliedPlan(record, True, superseded, export_dir, issued)

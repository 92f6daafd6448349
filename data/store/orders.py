"""Purchase orders issued by applying plans: ids, status, history, and what a plan nets.

Applying a plan *issues* its purchase lines of the plan week (:func:`issue_lines`): each
becomes a row of ``purchase_orders`` with its own id and status ``open``. A later apply for
the same week (a re-plan) issues only the difference against the orders already issued for
that week, matched by supplier, SKU and order date:

* a line no issued order matches is issued as a new order (new id, new ``po_id``);
* a line whose open order has another quantity amends that order (same id and ``po_id``, an
  ``amended`` event recording the previous quantity);
* a line whose order has the same quantity, or is received, is unchanged;
* issued orders the new plan does not list stay as they are: superseding a plan never cancels
  what was issued (``orders cancel ID`` does).

An order is ``open`` until it is received in full (``received``) or cancelled
(``cancelled``, which cancels what is still open of it). Its open quantity is
``quantity - received_quantity - cancelled_quantity``; a plan for week W nets the open
quantity of every open order placed (``order_date``) before W begins
(:func:`orders_for_planning`). Every change is an event naming who made it and when.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesflow.data.errors import UserError
from salesflow.data.i18n import N_, _
from salesflow.data.store.checks import utc_text
from salesflow.data.store.schema import order_events_table, purchase_orders_table

if TYPE_CHECKING:
    from salesflow.data.store.database import StoreDatabase
    from salesflow.data.store.records import PlanRecord

ORDER_FIELDS = ("po_id", "supplier_id", "sku", "quantity", "order_date", "arrival_date")
"""The fields of a purchase order line handed to :func:`issue_lines` (``unit_price``
optional)."""

ORDER_STATUSES = ("open", "received", "cancelled")
"""A purchase order's possible statuses."""

QUANTITY_TOLERANCE = 1e-6
"""Quantities closer than this are equal (a re-plan's unchanged line)."""


class OrderNotFoundError(UserError, KeyError):
    """No purchase order has the given id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def current_user() -> str:
    """Who the store records as making a change: ``$SALESFLOW_USER``, else the login name."""
    name = os.environ.get("SALESFLOW_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


@dataclass(frozen=True)
class PurchaseOrder:
    """One issued purchase order line as stored."""

    id: int
    po_id: str
    supplier_id: str
    sku: str
    week: str
    plan_id: int | None
    quantity: float
    unit_price: float | None
    order_date: str
    arrival_date: str
    status: str
    received_quantity: float
    cancelled_quantity: float
    issued_at: str
    issued_by: str
    updated_at: str
    updated_by: str

    @property
    def open_quantity(self) -> float:
        """What is still awaited: ordered minus received minus cancelled (0 unless open)."""
        if self.status != "open":
            return 0.0
        return max(self.quantity - self.received_quantity - self.cancelled_quantity, 0.0)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with ``open_quantity``."""
        return {**asdict(self), "open_quantity": self.open_quantity}


@dataclass
class IssueResult:
    """What issuing a plan's lines did: new orders, amended orders and their previous
    quantities, how many lines were unchanged, and the week's issued open orders the plan does
    not list (left open)."""

    new: list[PurchaseOrder] = field(default_factory=list)
    amended: list[tuple[PurchaseOrder, float]] = field(default_factory=list)
    unchanged: int = 0
    not_in_plan: list[PurchaseOrder] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """``{"new": .., "amended": .., "unchanged": .., "not_in_plan": ..}``."""
        return {"new": len(self.new), "amended": len(self.amended),
                "unchanged": self.unchanged, "not_in_plan": len(self.not_in_plan)}

    def sentence(self) -> str:
        """``issued 9 new lines, amended 2, 180 unchanged``."""
        text = (f"issued {len(self.new)} new line{'s' * (len(self.new) != 1)}, "
                f"amended {len(self.amended)}, {self.unchanged} unchanged")
        if self.not_in_plan:
            text += (f"; {len(self.not_in_plan)} issued open line"
                     f"{'s' * (len(self.not_in_plan) != 1)} of the week not in this plan "
                     "stay open (salesflow orders cancel ID cancels one)")
        return text


def _text_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def check_line(plan_id: int, line: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a purchase line, dates as ``YYYY-MM-DD`` text.

    Raises
    ------
    UserError
        The line lacks one of :data:`ORDER_FIELDS` or its quantity is not a number above 0.
    """
    missing = [f for f in ORDER_FIELDS if f not in line]
    if missing:
        raise UserError(_("purchase line of plan {plan_id} lacks {fields}").format(
            plan_id=plan_id, fields=", ".join(missing)))
    row = {f: line[f] for f in ORDER_FIELDS}
    try:
        row["quantity"] = float(row["quantity"])
    except (TypeError, ValueError):
        row["quantity"] = float("nan")
    if not row["quantity"] > 0:
        raise UserError(_("purchase line {po_id}/{sku} of plan {plan_id}: quantity must be a "
                          "number above 0, got {value}").format(
                              po_id=line["po_id"], sku=line["sku"], plan_id=plan_id,
                              value=repr(line["quantity"])))
    for key in ("po_id", "supplier_id", "sku"):
        row[key] = str(row[key])
    row["order_date"] = _text_date(row["order_date"])
    row["arrival_date"] = _text_date(row["arrival_date"])
    price = line.get("unit_price")
    row["unit_price"] = None if price is None else float(price)
    return row


def _record(row: Any) -> PurchaseOrder:
    data = dict(row._mapping)
    return PurchaseOrder(**{k: data[k] for k in PurchaseOrder.__dataclass_fields__})


def _event(conn: Connection, order_id: int, kind: str, quantity: float, *, at: str, by: str,
           plan_id: int | None = None, previous: float | None = None) -> None:
    conn.execute(sa.insert(order_events_table).values(
        order_id=order_id, kind=kind, plan_id=plan_id, quantity=quantity,
        previous_quantity=previous, at=at, by=by))


def _free_po_id(conn: Connection, po_id: str, sku: str) -> str:
    """``po_id``, or ``po_id-2``, ``-3``... if that line id is taken (a cancelled line)."""
    table = purchase_orders_table
    candidate, n = po_id, 1
    while conn.scalar(sa.select(sa.func.count()).select_from(table).where(
            table.c.po_id == candidate, table.c.sku == sku)):
        n += 1
        candidate = f"{po_id}-{n}"
    return candidate


def issue_lines(conn: Connection, plan: PlanRecord, lines: Sequence[Mapping[str, Any]], *,
                at: str, by: str) -> IssueResult:
    """Inside a write transaction: issue ``plan``'s purchase lines of its week (see the
    module's rules) and return what was done."""
    table = purchase_orders_table
    rows = [check_line(plan.id, line) for line in lines]
    existing = [_record(r) for r in conn.execute(
        sa.select(table).where(table.c.week == plan.week, table.c.status != "cancelled")
        .order_by(table.c.id))]
    by_key: dict[tuple[str, str, str], PurchaseOrder] = {}
    for known in existing:
        by_key.setdefault((known.supplier_id, known.sku, known.order_date), known)
    result = IssueResult()
    matched: set[int] = set()
    for row in rows:
        order = by_key.get((row["supplier_id"], row["sku"], row["order_date"]))
        if order is not None and order.id not in matched:
            matched.add(order.id)
            done = order.received_quantity + order.cancelled_quantity
            quantity = max(row["quantity"], done)
            if order.status != "open" or abs(quantity - order.quantity) <= QUANTITY_TOLERANCE:
                result.unchanged += 1
                continue
            conn.execute(sa.update(table).where(table.c.id == order.id).values(
                quantity=quantity, arrival_date=row["arrival_date"], updated_at=at,
                updated_by=by, **({"unit_price": row["unit_price"]}
                                  if row["unit_price"] is not None else {})))
            _event(conn, order.id, "amended", quantity, at=at, by=by, plan_id=plan.id,
                   previous=order.quantity)
            result.amended.append((_get(conn, order.id), order.quantity))
            if quantity - done <= QUANTITY_TOLERANCE:  # amended down to what is received
                _set_status(conn, order.id, "received", at=at, by=by)
            continue
        po_id = _free_po_id(conn, row["po_id"], row["sku"])
        order_id = conn.execute(sa.insert(table).values(
            **dict(row, po_id=po_id), week=plan.week, plan_id=plan.id, status="open",
            received_quantity=0.0, cancelled_quantity=0.0, issued_at=at, issued_by=by,
            updated_at=at, updated_by=by)).inserted_primary_key
        assert order_id is not None
        _event(conn, int(order_id[0]), "issued", row["quantity"], at=at, by=by,
               plan_id=plan.id)
        result.new.append(_get(conn, int(order_id[0])))
    result.not_in_plan.extend(o for o in existing
                              if o.id not in matched and o.status == "open")
    return result


def _get(conn: Connection, order_id: int) -> PurchaseOrder:
    row = conn.execute(sa.select(purchase_orders_table)
                       .where(purchase_orders_table.c.id == order_id)).first()
    if row is None:
        raise OrderNotFoundError(_("no purchase order with id {order_id} (salesflow orders "
                                   "list shows the ids)").format(order_id=order_id))
    return _record(row)


def _set_status(conn: Connection, order_id: int, status: str, *, at: str, by: str) -> None:
    conn.execute(sa.update(purchase_orders_table)
                 .where(purchase_orders_table.c.id == order_id)
                 .values(status=status, updated_at=at, updated_by=by))


def list_orders(database: StoreDatabase, status: str | None = None) -> list[PurchaseOrder]:
    """The store's purchase orders (``status``: only those), by order date, po_id and SKU."""
    table = purchase_orders_table
    with database.reading() as conn:
        if conn is None:
            return []
        query = sa.select(table).order_by(table.c.order_date, table.c.po_id, table.c.sku)
        if status is not None:
            query = query.where(table.c.status == status)
        return [_record(r) for r in conn.execute(query)]


def orders_for_planning(database: StoreDatabase, week_start: date) -> list[dict[str, Any]]:
    """The open orders a plan for the week starting ``week_start`` nets: status ``open``,
    placed before ``week_start``; each as ``po_id``, ``supplier_id``, ``sku``, ``quantity``
    (the open quantity), ``order_date``, ``arrival_date``."""
    start = week_start.isoformat()
    return [{"po_id": o.po_id, "supplier_id": o.supplier_id, "sku": o.sku,
             "quantity": o.open_quantity, "order_date": o.order_date,
             "arrival_date": o.arrival_date}
            for o in list_orders(database, "open")
            if o.order_date < start and o.open_quantity > QUANTITY_TOLERANCE]


def _change(database: StoreDatabase, order_id: int, kind: str,
            quantity: float | None, at: str | None, by: str | None) -> PurchaseOrder:
    when, who = utc_text(None) if at is None else at, by or current_user()
    table = purchase_orders_table
    with database.writing() as conn:
        order = _get(conn, order_id)
        if order.status != "open":
            text = (N_("purchase order {order_id} ({po_id}, {sku}) is {status}; only open "
                       "orders can be cancelled") if kind == "cancelled" else
                    N_("purchase order {order_id} ({po_id}, {sku}) is {status}; only open "
                       "orders can be received"))
            raise UserError(_(text).format(order_id=order_id, po_id=order.po_id,
                                           sku=order.sku, status=order.status))
        left = order.open_quantity
        amount = left if quantity is None else float(quantity)
        if kind == "cancelled":
            conn.execute(sa.update(table).where(table.c.id == order_id).values(
                cancelled_quantity=order.cancelled_quantity + left))
            _event(conn, order_id, "cancelled", left, at=when, by=who)
            _set_status(conn, order_id, "cancelled", at=when, by=who)
        else:
            if not 0 < amount <= left + QUANTITY_TOLERANCE:
                raise UserError(_("--quantity {quantity} for purchase order {order_id}: must be "
                                  "above 0 and at most its open quantity {left}").format(
                                      quantity=f"{quantity:g}", order_id=order_id,
                                      left=f"{left:g}"))
            amount = min(amount, left)
            conn.execute(sa.update(table).where(table.c.id == order_id).values(
                received_quantity=order.received_quantity + amount))
            _event(conn, order_id, "received", amount, at=when, by=who)
            _set_status(conn, order_id,
                        "received" if left - amount <= QUANTITY_TOLERANCE else "open",
                        at=when, by=who)
        return _get(conn, order_id)


def cancel_order(database: StoreDatabase, order_id: int, *, at: str | None = None,
                 by: str | None = None) -> PurchaseOrder:
    """Cancel what is still open of order ``order_id``; return the order as it is now.

    Raises
    ------
    OrderNotFoundError
        No such order.
    UserError
        The order is not open.
    """
    return _change(database, order_id, "cancelled", None, at, by)


def receive_order(database: StoreDatabase, order_id: int, quantity: float | None = None, *,
                  at: str | None = None, by: str | None = None) -> PurchaseOrder:
    """Record ``quantity`` (default: all that is open) of order ``order_id`` as received; the
    order is ``received`` once nothing is open. Return the order as it is now.

    Raises
    ------
    OrderNotFoundError
        No such order.
    UserError
        The order is not open, or ``quantity`` is not above 0 and at most the open quantity.
    """
    return _change(database, order_id, "received", quantity, at, by)


def order_events(database: StoreDatabase, order_id: int | None = None) -> list[dict[str, Any]]:
    """The history of one order (or of all), oldest first."""
    table = order_events_table
    with database.reading() as conn:
        if conn is None:
            return []
        query = sa.select(table).order_by(table.c.id)
        if order_id is not None:
            query = query.where(table.c.order_id == order_id)
        return [dict(r._mapping) for r in conn.execute(query)]

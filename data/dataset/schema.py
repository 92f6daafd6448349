"""The planning dataset's tables, in one place (DESIGN §3).

Every table lists its columns with type, whether the column must be present, whether a value
may be blank, bounds, keys and references to other tables. The loader
(:func:`salesflow.data.dataset.load_dataset`) reads and checks a dataset against these
specifications; nothing else in salesflow re-checks input.

Parsed representations
----------------------
``STRING``       str (surrounding whitespace removed)
``INTEGER``      int64 (a value such as ``12.0`` is accepted, ``12.5`` is not)
``FLOAT``        float64, finite
``DATE``         ``datetime64[ns]`` at midnight, written ``YYYY-MM-DD``
``TIME``         int64 minutes after midnight, written ``HH:MM`` (``24:00`` is 1440)
``BOOL``         bool; ``1/0``, ``true/false``, ``yes/no`` (any case)
``STRING_LIST``  tuple of str, written ``a;b;c``
``DATE_LIST``    tuple of ``datetime.date``, written ``2026-01-05;2026-01-06``
``WEEKDAY_LIST`` tuple of int (Monday = 0), written ``Mon;Thu``
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ColumnType(Enum):
    STRING = "string"
    INTEGER = "integer"
    FLOAT = "number"
    DATE = "date (YYYY-MM-DD)"
    TIME = "time (HH:MM)"
    BOOL = "boolean (1/0, true/false, yes/no)"
    STRING_LIST = "list (a;b;c)"
    DATE_LIST = "list of dates (YYYY-MM-DD;YYYY-MM-DD)"
    WEEKDAY_LIST = "list of weekdays (Mon;Tue;...)"


S, INT, F = ColumnType.STRING, ColumnType.INTEGER, ColumnType.FLOAT
D, T, B = ColumnType.DATE, ColumnType.TIME, ColumnType.BOOL

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``required`` columns must be present and have a value in every row. Optional columns may
    be absent or blank; blanks take ``default`` (``None`` leaves them missing, to be filled by
    the consumer from ``config.toml``). Bounds apply to numbers (INTEGER, FLOAT).
    """

    name: str
    type: ColumnType
    required: bool = True
    default: object = None
    min: float | None = None
    min_inclusive: bool = True
    max: float | None = None
    max_inclusive: bool = True
    references: tuple[str, str] | None = None
    doc: str = ""

    def bound_text(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"{'>=' if self.min_inclusive else '>'} {self.min:g}")
        if self.max is not None:
            parts.append(f"{'<=' if self.max_inclusive else '<'} {self.max:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Table:
    """One table of the dataset. ``key`` columns must be unique together."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = True
    non_empty: bool = False
    doc: str = ""
    row_noun: str = "row"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _money(name: str, doc: str = "", required: bool = True, default: object = None) -> Column:
    return Column(name, F, required=required, default=default, min=0, doc=doc)


SALES = Table(
    "sales",
    (
        Column("order_id", S,
               doc="customer order; every line of an order has its date and customer"),
        Column("order_date", D),
        Column("customer_id", S, references=("customers", "customer_id")),
        Column("sku", S, references=("skus", "sku")),
        Column("quantity", F, min=0, doc="units sold on this line"),
        _money("unit_price", required=False),
        Column("order_time", T, required=False, doc="time the order was received"),
        Column("promo", B, required=False, default=False, doc="line sold under a promotion"),
    ),
    non_empty=True,
    row_noun="order line",
    doc="order lines of the sales history",
)

SKUS = Table(
    "skus",
    (
        Column("sku", S),
        Column("name", S),
        Column("category", S),
        Column("supplier_id", S, references=("suppliers", "supplier_id")),
        _money("unit_cost", doc="purchase price below the first price break"),
        Column("unit_volume_m3", F, min=0),
        Column("unit_weight_kg", F, min=0),
        Column("pack_size", INT, min=1, doc="units per pack; orders are whole packs"),
        Column("moq", INT, min=0, doc="minimum order quantity in units (0 = none)"),
        Column("holding_rate", F, required=False, min=0, max=10,
               doc="yearly holding cost as a fraction of unit_cost; blank = config default"),
        Column("service_level", F, required=False, min=0, min_inclusive=False, max=1,
               max_inclusive=False, doc="target fill rate; blank = by ABC class from config"),
    ),
    key=("sku",),
    non_empty=True,
    row_noun="SKU",
)

SUPPLIERS = Table(
    "suppliers",
    (
        Column("supplier_id", S),
        Column("name", S),
        Column("lead_time_days", INT, min=0),
        _money("order_cost", doc="fixed cost of one purchase order"),
        _money("min_order_value", required=False, default=0.0),
        Column("order_weekdays", ColumnType.WEEKDAY_LIST, required=False,
               doc="weekdays the supplier accepts orders (blank = any)"),
    ),
    key=("supplier_id",),
    non_empty=True,
    row_noun="supplier",
)

PRICE_BREAKS = Table(
    "price_breaks",
    (
        Column("sku", S, references=("skus", "sku")),
        Column("min_qty", F, min=0, min_inclusive=False),
        _money("unit_price", doc="all-units price when the line quantity is >= min_qty"),
    ),
    key=("sku", "min_qty"),
    required=False,
    doc="all-units discounts; per SKU listed by increasing min_qty with non-rising price",
)

INVENTORY = Table(
    "inventory",
    (
        Column("sku", S, references=("skus", "sku")),
        Column("on_hand", F, min=0),
    ),
    key=("sku",),
    doc="stock on hand now; a SKU not listed has none",
)

OPEN_ORDERS = Table(
    "open_orders",
    (
        Column("po_id", S),
        Column("sku", S, references=("skus", "sku")),
        Column("quantity", F, min=0, min_inclusive=False),
        Column("arrival_date", D),
    ),
    key=("po_id", "sku"),
    required=False,
)

CUSTOMERS = Table(
    "customers",
    (
        Column("customer_id", S),
        Column("name", S),
        Column("lat", F, min=-90, max=90),
        Column("lon", F, min=-180, max=180),
        Column("window_start", T),
        Column("window_end", T),
        Column("service_minutes", F, min=0),
    ),
    key=("customer_id",),
    non_empty=True,
    row_noun="customer",
)

DELIVERIES = Table(
    "deliveries",
    (
        Column("order_id", S),
        Column("customer_id", S, references=("customers", "customer_id")),
        Column("delivery_date", D),
        Column("weight_kg", F, min=0),
        Column("volume_m3", F, min=0),
    ),
    key=("order_id",),
    required=False,
)

DEPOTS = Table(
    "depots",
    (
        Column("depot_id", S),
        Column("name", S),
        Column("lat", F, min=-90, max=90),
        Column("lon", F, min=-180, max=180),
        Column("open", T),
        Column("close", T),
        Column("capacity_m3", F, required=False, min=0, min_inclusive=False),
    ),
    key=("depot_id",),
    non_empty=True,
    row_noun="depot",
)

VEHICLES = Table(
    "vehicles",
    (
        Column("vehicle_id", S),
        Column("depot_id", S, references=("depots", "depot_id")),
        Column("capacity_kg", F, min=0, min_inclusive=False),
        Column("capacity_m3", F, min=0, min_inclusive=False),
        _money("fixed_cost", doc="per day used"),
        _money("cost_per_km"),
        _money("cost_per_hour"),
        Column("shift_start", T),
        Column("shift_end", T),
    ),
    key=("vehicle_id",),
    non_empty=True,
    row_noun="vehicle",
)

EMPLOYEES = Table(
    "employees",
    (
        Column("employee_id", S),
        Column("name", S),
        Column("skills", ColumnType.STRING_LIST),
        _money("hourly_cost"),
        Column("min_hours_week", F, min=0, max=168),
        Column("max_hours_week", F, min=0, max=168),
        Column("unavailable", ColumnType.DATE_LIST, required=False),
    ),
    key=("employee_id",),
    non_empty=True,
    row_noun="employee",
)

SHIFTS = Table(
    "shifts",
    (
        Column("shift_id", S),
        Column("start", T),
        Column("end", T, doc="an end before the start means the shift crosses midnight"),
        Column("break_minutes", F, min=0),
    ),
    key=("shift_id",),
    non_empty=True,
    row_noun="shift type",
)

PROCESS_STEPS = Table(
    "process_steps",
    (
        Column("step", S),
        Column("minutes_per_order", F, min=0),
        Column("skill", S),
    ),
    key=("step",),
    required=False,
    doc="order-handling steps; when absent, the manual's five steps (NOTES.md)",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        SALES, SKUS, SUPPLIERS, PRICE_BREAKS, INVENTORY, OPEN_ORDERS, CUSTOMERS, DELIVERIES,
        DEPOTS, VEHICLES, EMPLOYEES, SHIFTS, PROCESS_STEPS,
    )
}

# The manual's order-handling steps (2.1, NOTES.md), used when a dataset has no process_steps.
MANUAL_PROCESS_STEPS: tuple[tuple[str, float, str], ...] = (
    ("receive_order", 5.0, "sales_admin"),
    ("review_confirm", 15.0, "sales_admin"),
    ("allocate_pick", 30.0, "picker"),
    ("pack_qc", 20.0, "packer"),
    ("consolidate_ship", 10.0, "shipper"),
)

FILE_FORMATS = ("csv", "parquet", "xlsx")

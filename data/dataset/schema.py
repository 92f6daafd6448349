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

from salesflow.data.i18n import N_, _


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
    the consumer from ``config.toml``). Bounds apply to numbers (INTEGER, FLOAT). ``unit`` and
    ``example`` (a value as written in a CSV cell, valid together with the other tables'
    examples) serve the explanations and ``salesflow template``.
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
    unit: str = ""
    example: str = ""

    def bound_text(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"{'>=' if self.min_inclusive else '>'} {self.min:g}")
        if self.max is not None:
            parts.append(f"{'<=' if self.max_inclusive else '<'} {self.max:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Table:
    """One table of the dataset. ``key`` columns must be unique together.

    A ``required`` table must be given (as ``<name>.csv``, ``.parquet`` or ``.xlsx``); a
    ``non_empty`` one must have rows. An optional table may be absent or have a header only:
    both mean no rows, and ``when_absent`` says what planning does then. Each pair of
    ``together`` columns is given whole or left blank whole in every row.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = True
    non_empty: bool = False
    doc: str = ""
    row_noun: str = "row"
    when_absent: str = ""
    together: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _money(name: str, doc: str = "", required: bool = True, default: object = None,
           unit: str = "currency", example: str = "") -> Column:
    return Column(name, F, required=required, default=default, min=0, doc=doc, unit=unit,
                  example=example)


SALES = Table(
    "sales",
    (
        Column("order_id", S, example="SO0001",
               doc="customer order; every line of an order has its date and customer"),
        Column("order_date", D, example="2026-11-16"),
        Column("customer_id", S, references=("customers", "customer_id"), example="C001",
               doc="checked against customers when that table is given"),
        Column("sku", S, references=("skus", "sku"), example="SKU001"),
        Column("quantity", F, min=0, doc="units sold on this line", unit="units",
               example="12"),
        _money("unit_price", required=False, unit="currency per unit", example="5.49",
               doc="price charged per unit"),
        Column("order_time", T, required=False, doc="time the order was received",
               example="09:30"),
        Column("promo", B, required=False, default=False, doc="line sold under a promotion",
               example="no"),
    ),
    non_empty=True,
    row_noun="order line",
    doc="order lines of the sales history",
)

SKUS = Table(
    "skus",
    (
        Column("sku", S, example="SKU001"),
        Column("name", S, example="Masking tape 50 mm x 50 m"),
        Column("category", S, example="paint"),
        Column("supplier_id", S, references=("suppliers", "supplier_id"), example="SUP01"),
        _money("unit_cost", doc="purchase price below the first price break",
               unit="currency per unit", example="4.11"),
        Column("unit_volume_m3", F, min=0, unit="m3 per unit", example="0.000278"),
        Column("unit_weight_kg", F, min=0, unit="kg per unit", example="0.225"),
        Column("pack_size", INT, min=1, doc="units per pack; orders are whole packs",
               unit="units", example="6"),
        Column("moq", INT, min=0, doc="minimum order quantity in units (0 = none)",
               unit="units", example="0"),
        Column("holding_rate", F, required=False, min=0, max=10, unit="per year",
               doc="yearly holding cost as a fraction of unit_cost; blank = config default",
               example="0.25"),
        Column("service_level", F, required=False, min=0, min_inclusive=False, max=1,
               max_inclusive=False, doc="target fill rate; blank = by ABC class from config",
               example="0.95"),
    ),
    key=("sku",),
    non_empty=True,
    row_noun="SKU",
    doc="the products sold and bought",
)

SUPPLIERS = Table(
    "suppliers",
    (
        Column("supplier_id", S, example="SUP01"),
        Column("name", S, example="Kraft Hygiene S.p.A."),
        Column("lead_time_days", INT, min=0, unit="days", example="5",
               doc="days from order to arrival"),
        _money("order_cost", doc="fixed cost of one purchase order", unit="currency per order",
               example="39.74"),
        _money("min_order_value", required=False, default=0.0, example="0",
               doc="smallest order value the supplier accepts (blank = 0)"),
        Column("order_weekdays", ColumnType.WEEKDAY_LIST, required=False, example="Mon;Thu",
               doc="weekdays the supplier accepts orders (blank = any)"),
    ),
    key=("supplier_id",),
    non_empty=True,
    row_noun="supplier",
    doc="the suppliers of the SKUs",
)

PRICE_BREAKS = Table(
    "price_breaks",
    (
        Column("sku", S, references=("skus", "sku"), example="SKU001"),
        Column("min_qty", F, min=0, min_inclusive=False, unit="units", example="120",
               doc="smallest line quantity getting this price"),
        _money("unit_price", doc="all-units price when the line quantity is >= min_qty",
               unit="currency per unit", example="3.95"),
    ),
    key=("sku", "min_qty"),
    required=False,
    doc="all-units discounts; per SKU listed by increasing min_qty with non-rising price",
    when_absent=N_("no quantity discounts: every SKU is bought at its unit_cost"),
)

INVENTORY = Table(
    "inventory",
    (
        Column("sku", S, references=("skus", "sku"), example="SKU001"),
        Column("on_hand", F, min=0, unit="units", example="47"),
    ),
    key=("sku",),
    required=False,
    doc="stock on hand now; a SKU not listed has none",
    when_absent=N_("stock taken as 0"),
)

OPEN_ORDERS = Table(
    "open_orders",
    (
        Column("po_id", S, example="PO0001", doc="purchase order"),
        Column("sku", S, references=("skus", "sku"), example="SKU001"),
        Column("quantity", F, min=0, min_inclusive=False, unit="units", example="60"),
        Column("arrival_date", D, example="2026-11-25"),
    ),
    key=("po_id", "sku"),
    required=False,
    doc="purchase order lines ordered and not yet received",
    when_absent=N_("nothing on the way: no purchase order is awaited"),
)

CUSTOMERS = Table(
    "customers",
    (
        Column("customer_id", S, example="C001"),
        Column("name", S, example="Neugraben Electrics GmbH"),
        Column("lat", F, required=False, min=-90, max=90, unit="degrees", example="53.53122",
               doc="latitude; blank is accepted, but routing needs it (or a distance matrix)"),
        Column("lon", F, required=False, min=-180, max=180, unit="degrees", example="9.90221",
               doc="longitude; blank is accepted, but routing needs it (or a distance matrix)"),
        Column("window_start", T, example="08:00", doc="delivery window opens"),
        Column("window_end", T, example="16:00", doc="delivery window closes"),
        Column("service_minutes", F, min=0, unit="minutes", example="10",
               doc="time spent at the customer per delivery"),
    ),
    key=("customer_id",),
    required=False,
    row_noun="customer",
    together=(("lat", "lon"),),
    doc="delivery points",
    when_absent=N_("no delivery routes (routing skipped); sales customer_ids are not checked"),
)

DELIVERIES = Table(
    "deliveries",
    (
        Column("order_id", S, example="SO0001"),
        Column("customer_id", S, references=("customers", "customer_id"), example="C001"),
        Column("delivery_date", D, example="2026-11-24"),
        Column("weight_kg", F, min=0, unit="kg", example="2.7"),
        Column("volume_m3", F, min=0, unit="m3", example="0.0033"),
    ),
    key=("order_id",),
    required=False,
    doc="customer orders to deliver",
    when_absent=N_("deliveries estimated from the sales history"),
)

DEPOTS = Table(
    "depots",
    (
        Column("depot_id", S, example="D1"),
        Column("name", S, example="Depot Billbrook"),
        Column("lat", F, min=-90, max=90, unit="degrees", example="53.43019"),
        Column("lon", F, min=-180, max=180, unit="degrees", example="10.12378"),
        Column("open", T, example="05:00"),
        Column("close", T, example="22:00"),
        Column("capacity_m3", F, required=False, min=0, min_inclusive=False, unit="m3",
               example="320", doc="storage volume; blank = unlimited"),
    ),
    key=("depot_id",),
    required=False,
    row_noun="depot",
    doc="warehouses the vehicles start from",
    when_absent=N_("no delivery routes (routing skipped) and no warehouse volume limit"),
)

VEHICLES = Table(
    "vehicles",
    (
        Column("vehicle_id", S, example="V01"),
        Column("depot_id", S, references=("depots", "depot_id"), example="D1"),
        Column("capacity_kg", F, min=0, min_inclusive=False, unit="kg", example="3000"),
        Column("capacity_m3", F, min=0, min_inclusive=False, unit="m3", example="18"),
        _money("fixed_cost", doc="per day used", unit="currency per day", example="107.85"),
        _money("cost_per_km", unit="currency per km", example="0.54"),
        _money("cost_per_hour", unit="currency per hour", example="33.68"),
        Column("shift_start", T, example="06:00"),
        Column("shift_end", T, example="16:00"),
    ),
    key=("vehicle_id",),
    required=False,
    row_noun="vehicle",
    doc="the delivery fleet",
    when_absent=N_("no delivery routes (routing skipped)"),
)

EMPLOYEES = Table(
    "employees",
    (
        Column("employee_id", S, example="E001"),
        Column("name", S, example="Clara Demir"),
        Column("skills", ColumnType.STRING_LIST, example="picker;packer",
               doc="skills as named in process_steps (for example picker;packer)"),
        _money("hourly_cost", unit="currency per hour", example="20.47"),
        Column("min_hours_week", F, min=0, max=168, unit="hours per week", example="20"),
        Column("max_hours_week", F, min=0, max=168, unit="hours per week", example="40"),
        Column("unavailable", ColumnType.DATE_LIST, required=False, example="2026-11-27",
               doc="days off (holidays, leave)"),
    ),
    key=("employee_id",),
    required=False,
    row_noun="employee",
    doc="warehouse staff",
    when_absent=N_("no roster (staffing skipped)"),
)

SHIFTS = Table(
    "shifts",
    (
        Column("shift_id", S, example="early"),
        Column("start", T, example="06:00"),
        Column("end", T, doc="an end before the start means the shift crosses midnight",
               example="14:00"),
        Column("break_minutes", F, min=0, unit="minutes", example="30"),
    ),
    key=("shift_id",),
    required=False,
    row_noun="shift type",
    doc="shift types a roster is made of",
    when_absent=N_("no roster (staffing skipped)"),
)

# The manual's order-handling steps (2.1, NOTES.md), used when a dataset has no process_steps.
MANUAL_PROCESS_STEPS: tuple[tuple[str, float, str], ...] = (
    ("receive_order", 5.0, "sales_admin"),
    ("review_confirm", 15.0, "sales_admin"),
    ("allocate_pick", 30.0, "picker"),
    ("pack_qc", 20.0, "packer"),
    ("consolidate_ship", 10.0, "shipper"),
)

PROCESS_STEPS = Table(
    "process_steps",
    (
        Column("step", S, example="receive_order"),
        Column("minutes_per_order", F, min=0, unit="minutes per order", example="5"),
        Column("skill", S, example="sales_admin", doc="skill an employee needs for the step"),
    ),
    key=("step",),
    required=False,
    doc="order-handling steps; when absent, the manual's five steps (NOTES.md)",
    when_absent="the manual's order-handling steps: " + ", ".join(
        f"{step} {minutes:g}" for step, minutes, _ in MANUAL_PROCESS_STEPS) + " minutes per order",
)

FORECAST_OVERRIDES = Table(
    "forecast_overrides",
    (
        Column("sku", S, required=False, example="SKU001",
               doc="the SKU (of skus) whose forecast is overridden; blank when category is "
                   "given"),
        Column("category", S, required=False, example="",
               doc="every SKU of this skus.category; blank when sku is given (a sku row wins "
                   "over a category row for the same week)"),
        Column("week", S, example="2026-W48",
               doc="ISO week YYYY-Www the override is for; not before the week planned"),
        Column("quantity", F, required=False, min=0, unit="units", example="",
               doc="demand of the week replacing the statistical forecast (give quantity or "
                   "factor, not both)"),
        Column("factor", F, required=False, min=0, example="1.5",
               doc="multiplies the statistical forecast and its quantiles (give quantity or "
                   "factor, not both)"),
        Column("reason", S, required=False, example="promotion flyer in week 48",
               doc="why the forecast is overridden (shown in the plan's report)"),
        Column("author", S, required=False, example="A. Planner",
               doc="who decided the override"),
    ),
    required=False,
    row_noun="override",
    doc="planner overrides applied on top of the statistical forecast",
    when_absent=N_("no planner overrides: the statistical forecast is planned"),
)

def when_absent(spec: Table) -> str:
    """What planning does without rows of ``spec`` (``spec.when_absent``), in the reader's
    language."""
    if spec.name == "process_steps":
        return _("the manual's order-handling steps: {steps} minutes per order").format(
            steps=", ".join(f"{step} {minutes:g}" for step, minutes, _skill in
                            MANUAL_PROCESS_STEPS))
    return _(spec.when_absent) if spec.when_absent else ""


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        SALES, SKUS, SUPPLIERS, PRICE_BREAKS, INVENTORY, OPEN_ORDERS, CUSTOMERS, DELIVERIES,
        DEPOTS, VEHICLES, EMPLOYEES, SHIFTS, PROCESS_STEPS, FORECAST_OVERRIDES,
    )
}

STAGE_TABLES: dict[str, tuple[str, ...]] = {
    "routing": ("customers", "depots", "vehicles"),
    "staffing": ("employees", "shifts"),
}
"""Optional tables a weekly stage cannot run without (each needs at least one row)."""

FILE_FORMATS = ("csv", "parquet", "xlsx")

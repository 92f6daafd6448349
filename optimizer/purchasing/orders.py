"""The plan week's lines as purchase orders: one per supplier and order date, with its lines
and totals (quantity, value, the minimum-order-value surcharge the supplier bills when the
order stays below it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem

TOLERANCE = 1e-6


@dataclass(frozen=True)
class SupplierOrder:
    """One purchase order: a supplier's lines of one order date."""

    supplier_id: str
    supplier_name: str
    order_date: dt.date
    delivery_date: dt.date
    lines: tuple[PurchaseLine, ...]
    min_order_value: float

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def value(self) -> float:
        return sum(line.line_cost for line in self.lines)

    @property
    def surcharge(self) -> float:
        """What the supplier bills for the minimum order value not reached (0 if reached)."""
        short = self.min_order_value - self.value
        return short if short > TOLERANCE else 0.0

    @property
    def total(self) -> float:
        return self.value + self.surcharge

    def to_dict(self) -> dict[str, object]:
        return {"supplier_id": self.supplier_id, "supplier_name": self.supplier_name,
                "order_date": self.order_date.isoformat(),
                "delivery_date": self.delivery_date.isoformat(), "lines": len(self.lines),
                "quantity": self.quantity, "value": round(self.value, 2),
                "min_order_value": round(self.min_order_value, 2),
                "surcharge": round(self.surcharge, 2), "total": round(self.total, 2)}


ORDER_SUMMARY_COLUMNS = ["supplier_id", "supplier_name", "order_date", "delivery_date",
                         "lines", "quantity", "value", "min_order_value", "surcharge", "total"]


def week_orders(problem: PurchaseProblem, plan: PurchasePlan, week: int = 0
                ) -> list[SupplierOrder]:
    """The purchase orders placed in horizon week ``week`` (0: the plan week), by order date
    and supplier id; lines by SKU."""
    first, end = problem.week_date(week), problem.week_date(week + 1)
    grouped: dict[tuple[dt.date, str], list[PurchaseLine]] = {}
    for line in plan.lines:
        if first <= line.order_date < end:
            grouped.setdefault((line.order_date, line.supplier_id), []).append(line)
    out = []
    for (day, supplier), lines in sorted(grouped.items()):
        terms = problem.suppliers[supplier]
        out.append(SupplierOrder(supplier, terms.name, day,
                                 max(line.arrival_date for line in lines),
                                 tuple(sorted(lines, key=lambda x: x.sku)),
                                 terms.min_order_value))
    return out


def orders_frame(orders: list[SupplierOrder]) -> pd.DataFrame:
    """One row per purchase order with its totals."""
    return pd.DataFrame([o.to_dict() for o in orders], columns=ORDER_SUMMARY_COLUMNS)

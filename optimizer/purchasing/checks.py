"""The rules a purchase plan must keep, checked from the lines alone (no solver).

Line rules (whole packs, MOQ, the supplier's order weekdays, lead time) are reported without a
price: no salesflow policy breaks them. Capacity rules (minimum order value, truck, warehouse,
receiving, budget) are reported with the amount over the limit and priced with the problem's
:class:`~salesflow.optimizer.purchasing.problem.ViolationRates`, so that a plan for infeasible
data still has a cost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from salesflow.data.i18n import N_, _

if TYPE_CHECKING:
    from salesflow.optimizer.purchasing.plan import PurchaseLine
    from salesflow.optimizer.purchasing.problem import PurchaseProblem

TOLERANCE = 1e-6

CONSTRAINT_LABELS: dict[str, str] = {
    "pack size": N_("pack size"), "MOQ": N_("minimum order quantity"),
    "order weekday": N_("order weekday"), "lead time": N_("lead time"),
    "minimum order value": N_("minimum order value"), "truck capacity": N_("truck capacity"),
    "warehouse capacity": N_("warehouse capacity"),
    "receiving capacity": N_("receiving capacity"), "budget": N_("budget"),
}
"""The rules of :mod:`~salesflow.optimizer.purchasing.checks` in words."""


def constraint_label(constraint: str) -> str:
    """A rule of the checks in words, in the current language."""
    return _(CONSTRAINT_LABELS[constraint]) if constraint in CONSTRAINT_LABELS else constraint


@dataclass(frozen=True)
class Violation:
    """One rule a plan breaks.

    Attributes
    ----------
    constraint:
        ``pack size``, ``MOQ``, ``order weekday``, ``lead time``, ``minimum order value``,
        ``truck capacity``, ``warehouse capacity``, ``receiving capacity`` or ``budget``.
    sku, supplier_id:
        Whom it concerns (``None`` for a whole-warehouse rule).
    week:
        Monday of the week concerned (order week for orders and budget, else stock week).
    amount, limit:
        How much the plan needs and what the rule allows (units of the rule).
    cost:
        The price of the excess in the plan's cost (0 for line rules).
    """

    constraint: str
    sku: str | None
    supplier_id: str | None
    week: dt.date
    amount: float
    limit: float
    cost: float

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["week"] = self.week.isoformat()
        out["amount"], out["limit"], out["cost"] = (round(self.amount, 4),
                                                    round(self.limit, 4), round(self.cost, 2))
        return out


def _monday(problem: PurchaseProblem, day: dt.date) -> dt.date:
    return problem.week_date(problem.week_of(day))


def line_violations(problem: PurchaseProblem, lines: Sequence[PurchaseLine]) -> list[Violation]:
    """Pack size, MOQ, order weekday and lead time of every line."""
    index = {item.sku: item for item in problem.items}
    found = []
    for line in lines:
        item = index[line.sku]
        terms = problem.suppliers[line.supplier_id]
        broken: list[tuple[str, float, float]] = []
        if line.quantity % item.pack_size:
            broken.append(("pack size", line.quantity, item.pack_size))
        if line.quantity < max(item.moq, 1):
            broken.append(("MOQ", line.quantity, max(item.moq, 1)))
        if terms.order_weekdays and line.order_date.weekday() not in terms.order_weekdays:
            broken.append(("order weekday", line.order_date.weekday(),
                           terms.order_weekdays[0]))
        lead = (line.arrival_date - line.order_date).days
        if lead < terms.lead_time_days:
            broken.append(("lead time", lead, terms.lead_time_days))
        if broken:  # the week only for a line that breaks a rule (most break none)
            week = _monday(problem, line.order_date)
            found += [Violation(rule, line.sku, line.supplier_id, week, value, limit, 0.0)
                      for rule, value, limit in broken]
    return found


def order_totals(problem: PurchaseProblem, lines: Sequence[PurchaseLine]
                 ) -> dict[tuple[str, dt.date], tuple[float, float]]:
    """Value and volume (m³) of every supplier order ``lines`` make, by supplier and order
    date."""
    index = {item.sku: item for item in problem.items}
    value: dict[tuple[str, dt.date], float] = defaultdict(float)
    volume: dict[tuple[str, dt.date], float] = defaultdict(float)
    for line in lines:
        item = index[line.sku]
        value[line.supplier_id, line.order_date] += line.quantity * item.unit_price(line.quantity)
        volume[line.supplier_id, line.order_date] += line.quantity * item.unit_volume_m3
    return {key: (total, volume[key]) for key, total in value.items()}


def one_order_violations(problem: PurchaseProblem, supplier: str, day: dt.date, value: float,
                         volume: float) -> list[Violation]:
    """Minimum order value and truck capacity of one supplier order of ``value`` and
    ``volume``."""
    rates = problem.rates
    terms = problem.suppliers[supplier]
    week = _monday(problem, day)
    found = []
    short = terms.min_order_value - value
    if short > TOLERANCE:
        found.append(Violation("minimum order value", None, supplier, week, value,
                               terms.min_order_value,
                               short * rates.min_order_value_per_currency))
    cap = terms.truck_capacity_m3
    if cap is not None and volume - cap > TOLERANCE:
        found.append(Violation("truck capacity", None, supplier, week, volume, cap,
                               (volume - cap) * rates.truck_per_m3))
    return found


def order_violations(problem: PurchaseProblem, lines: Sequence[PurchaseLine]) -> list[Violation]:
    """Minimum order value and truck capacity of every supplier order."""
    found = []
    for (supplier, day), (value, volume) in sorted(order_totals(problem, lines).items()):
        found += one_order_violations(problem, supplier, day, value, volume)
    return found


def stock_violations(problem: PurchaseProblem, lines: Sequence[PurchaseLine],
                     peak_stock: np.ndarray, line_weeks: np.ndarray) -> list[Violation]:
    """Warehouse volume, receiving capacity and budget per week.

    Parameters
    ----------
    peak_stock:
        items × weeks stock after each week's receipts (``max(0, I[t-1] + arrivals[t])``).
    line_weeks:
        Per line, the horizon week of its arrival.
    """
    rates = problem.rates
    found = []
    if problem.warehouse_m3 is not None:
        volume = np.array([item.unit_volume_m3 for item in problem.items])
        used = (peak_stock * volume[:, None]).sum(axis=0)
        for t in np.flatnonzero(used - problem.warehouse_m3 > TOLERANCE):
            over = used[t] - problem.warehouse_m3
            found.append(Violation("warehouse capacity", None, None, problem.week_date(int(t)),
                                   float(used[t]), problem.warehouse_m3,
                                   float(over * rates.warehouse_per_m3_week)))
    index = {item.sku: item for item in problem.items}
    if problem.receiving_capacity is not None:
        used = np.zeros(problem.weeks)
        for line, t in zip(lines, line_weeks, strict=True):
            if 0 <= t < problem.weeks:
                item = index[line.sku]
                used[t] += item.receiving_per_unit * line.quantity + item.receiving_per_line
        for t in np.flatnonzero(used - problem.receiving_capacity > TOLERANCE):
            limit = float(problem.receiving_capacity[t])
            found.append(Violation("receiving capacity", None, None, problem.week_date(int(t)),
                                   float(used[t]), limit,
                                   float((used[t] - limit) * rates.receiving_per_unit_week)))
    if problem.budget is not None:
        spend = np.zeros(problem.weeks)
        for line in lines:
            w = problem.week_of(line.order_date)
            if 0 <= w < problem.weeks:
                spend[w] += line.quantity * index[line.sku].unit_price(line.quantity)
        for t in np.flatnonzero(spend - problem.budget > TOLERANCE):
            limit = float(problem.budget[t])
            found.append(Violation("budget", None, None, problem.week_date(int(t)),
                                   float(spend[t]), limit,
                                   float((spend[t] - limit) * rates.budget_per_currency)))
    return found

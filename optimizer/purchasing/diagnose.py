"""Data that no plan can satisfy, said before solving: which SKU, supplier, week and rule.

The solver still returns a plan (every limit is soft and priced); these findings say why that
plan breaks a limit, so that the buyer can fix the data (a smaller MOQ, more space, a larger
budget) rather than wonder about the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from salesflow.data.i18n import _
from salesflow.optimizer.purchasing.checks import constraint_label
from salesflow.optimizer.purchasing.model import net_requirements
from salesflow.optimizer.purchasing.problem import PurchaseProblem


@dataclass(frozen=True)
class Infeasibility:
    """One reason the data cannot be met in full."""

    constraint: str
    sku: str | None
    supplier_id: str | None
    week: dt.date
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {"constraint": self.constraint, "sku": self.sku, "supplier_id": self.supplier_id,
                "week": self.week.isoformat(), "detail": self.detail}

    def __str__(self) -> str:
        who = [_("SKU {sku}").format(sku=self.sku)] if self.sku else []
        if self.supplier_id:
            who.append(_("supplier {supplier}").format(supplier=self.supplier_id))
        return _("{rule} (week of {week}{who}): {detail}").format(
            rule=constraint_label(self.constraint), week=self.week.isoformat(),
            who="".join(", " + x for x in who), detail=self.detail)


def _first_order_week(problem: PurchaseProblem, supplier: str) -> int | None:
    return next((w for w, a in enumerate(problem.arrival_weeks(supplier))
                 if a < problem.weeks), None)


def lot_limits(problem: PurchaseProblem) -> list[Infeasibility]:
    """SKUs whose smallest lot (MOQ in whole packs) exceeds the warehouse, a truck or the
    receiving capacity of every week."""
    found = []
    for i, item in enumerate(problem.items):
        if net_requirements(problem, i).max(initial=0.0) <= 1e-9:
            continue  # never needs an order
        w = _first_order_week(problem, item.supplier_id)
        if w is None:
            continue
        week = problem.week_date(w)
        lot = item.min_packs * item.pack_size
        volume = lot * item.unit_volume_m3
        if problem.warehouse_m3 is not None and volume > problem.warehouse_m3 + 1e-9:
            found.append(Infeasibility(
                "warehouse capacity", item.sku, item.supplier_id, week,
                _("the smallest lot ({lot} units, MOQ {moq}, pack {pack}) takes {volume:.2f} "
                  "m³; the warehouse holds {capacity:.2f} m³").format(
                    lot=lot, moq=item.moq, pack=item.pack_size, volume=volume,
                    capacity=problem.warehouse_m3)))
        truck = problem.suppliers[item.supplier_id].truck_capacity_m3
        if truck is not None and volume > truck + 1e-9:
            found.append(Infeasibility(
                "truck capacity", item.sku, item.supplier_id, week,
                _("the smallest lot takes {volume:.2f} m³; a truck of the supplier holds "
                  "{truck:.2f} m³").format(volume=volume, truck=truck)))
        if problem.receiving_capacity is not None:
            use = item.receiving_per_unit * lot + item.receiving_per_line
            if use > float(np.max(problem.receiving_capacity)) + 1e-9:
                found.append(Infeasibility(
                    "receiving capacity", item.sku, item.supplier_id, week,
                    _("receiving the smallest lot takes {use:g}; no week has more than "
                      "{capacity:g}").format(
                        use=use, capacity=float(np.max(problem.receiving_capacity)))))
    return found


def stock_over_capacity(problem: PurchaseProblem) -> list[Infeasibility]:
    """Weeks in which the stock on hand and on order alone overfill the warehouse."""
    if problem.warehouse_m3 is None:
        return []
    volume = np.array([item.unit_volume_m3 for item in problem.items])
    on_hand = np.array([item.on_hand for item in problem.items])
    before = on_hand[:, None] + np.cumsum(problem.open_arrivals - problem.demand, axis=1) \
        + problem.demand  # stock after each week's receipts, no new orders
    used = (np.maximum(before, 0.0) * volume[:, None]).sum(axis=0)
    return [Infeasibility("warehouse capacity", None, None, problem.week_date(int(t)),
                          _("stock on hand and on order already take {used:.2f} m³ of "
                            "{capacity:.2f} m³").format(used=used[t],
                                                         capacity=problem.warehouse_m3))
            for t in np.flatnonzero(used > problem.warehouse_m3 + 1e-9)]


def _cumulative_value(problem: PurchaseProblem, with_safety_stock: bool) -> np.ndarray:
    """items × order weeks: the least value that must be ordered by each order week."""
    out = np.zeros((len(problem.items), problem.weeks))
    for i, item in enumerate(problem.items):
        need = net_requirements(problem, i)
        if not with_safety_stock:
            need = need - problem.safety_stock_matrix[i]
        cover = np.maximum.accumulate(np.maximum(need, 0.0))
        lowest = item.lowest_price
        for w, a in enumerate(problem.arrival_weeks(item.supplier_id)):
            out[i, w] = cover[min(a, problem.weeks - 1)] * lowest
    return out


def budget_shortfalls(problem: PurchaseProblem) -> list[Infeasibility]:
    """The first order week by which the cheapest purchases that demand and safety stock need
    exceed the budget so far (every SKU at its lowest price)."""
    if problem.budget is None:
        return []
    budget = np.cumsum(problem.budget)
    needed = _cumulative_value(problem, True)
    plain = _cumulative_value(problem, False).sum(axis=0)
    total = needed.sum(axis=0)
    for w in np.flatnonzero(total > budget + 1e-6):
        i = int(np.argmax(needed[:, w]))
        item = problem.items[i]
        text = _("the demand to be ordered by this week needs at least {total:,.2f} (most "
                 "for {sku}: {most:,.2f}); the budget up to this week is {budget:,.2f}") \
            if plain[w] > budget[w] + 1e-6 else \
            _("the safety stock to be ordered by this week needs at least {total:,.2f} (most "
              "for {sku}: {most:,.2f}); the budget up to this week is {budget:,.2f}")
        return [Infeasibility(
            "budget", item.sku, item.supplier_id, problem.week_date(int(w)),
            text.format(total=total[w], sku=item.sku, most=needed[i, w], budget=budget[w]))]
    return []


def diagnose(problem: PurchaseProblem) -> list[Infeasibility]:
    """Everything in the data that no plan can meet."""
    return lot_limits(problem) + stock_over_capacity(problem) + budget_shortfalls(problem)

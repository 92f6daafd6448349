"""Purchasing baselines that ERPs ship. Each respects pack size and MOQ.

``lot_for_lot``: order exactly the net requirement of each week (rounded up to whole packs and
to the MOQ), as late as the lead time allows, no safety stock.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem


def _lot_for_lot_item(problem: PurchaseProblem, i: int, item: PurchaseItem) -> list[PurchaseLine]:
    supplier = problem.suppliers[item.supplier_id]
    lead = dt.timedelta(days=supplier.lead_time_days)
    order_days = problem.order_days(item.supplier_id)
    arrival_weeks = [problem.week_of(day + lead) for day in order_days]
    if arrival_weeks[0] >= problem.weeks:
        return []  # nothing ordered now can arrive within the horizon
    # Cumulative net requirement: demand not covered by stock and open orders by week t.
    requirement = np.cumsum(problem.demand[i] - problem.open_arrivals[i]) - item.on_hand
    committed = 0.0
    lines = []
    for t in range(problem.weeks):
        need = requirement[t] - committed
        if need <= 1e-9:
            continue
        in_time = [w for w in range(problem.weeks) if arrival_weeks[w] <= t]
        week = in_time[-1] if in_time else 0
        quantity = item.order_quantity(need)
        reasons = ["lot-for-lot"]
        if quantity >= item.moq > need:
            reasons.append(f"MOQ {item.moq}")
        if not in_time:
            reasons.append("late: lead time longer than the time to need")
        committed += quantity
        lines.append(PurchaseLine(item.sku, item.supplier_id, order_days[week],
                                  order_days[week] + lead, quantity,
                                  item.unit_price(quantity), "; ".join(reasons)))
    return lines


def lot_for_lot(problem: PurchaseProblem) -> PurchasePlan:
    """Lot-for-lot plan for every SKU of ``problem``."""
    lines: list[PurchaseLine] = []
    for i, item in enumerate(problem.items):
        lines.extend(_lot_for_lot_item(problem, i, item))
    return PurchasePlan(tuple(lines), policy="lot_for_lot")

"""A lower bound on the cost of any plan, in closed form (no solver).

Per SKU: the stock on hand and on order is held until it is used (no plan holds less), the
backlog before the first week any order can arrive is unavoidable, and the units needed after
it must be bought: whatever lines buy them, their value is at least the cheapest all-units
cost of one lot of that size (prices only fall with quantity), since missing a unit costs more
than buying it. Per supplier: one order cost if any of its SKUs needs anything. The MIP's LP
bound is tighter; this one is what a part has when its MIP had no time for its LP.
"""

from __future__ import annotations

import math

import numpy as np

from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem


def cheapest_lot_cost(item: PurchaseItem, units: float) -> float:
    """Least ``q × price(q)`` over orderable quantities ``q >= units`` (whole packs, MOQ)."""
    if units <= 1e-9:
        return 0.0
    candidates = [item.order_quantity(units)]
    candidates += [item.order_quantity(max(units, q)) for q, _ in item.breaks if q > units]
    return min(q * item.unit_price(q) for q in candidates)


def lower_bound(problem: PurchaseProblem) -> float:
    """A lower bound on the model objective of every plan (and on the evaluated cost of every
    plan that keeps the service rule: no avoidable shortage)."""
    total = 0.0
    needing: set[str] = set()
    first = {s: next((a for a in problem.arrival_weeks(s) if a < problem.weeks), problem.weeks)
             for s in problem.suppliers}
    for i, item in enumerate(problem.items):
        stock = item.on_hand + np.cumsum(problem.open_arrivals[i] - problem.demand[i])
        total += item.holding_cost_per_week * float(np.maximum(stock, 0.0).sum())
        e = first[item.supplier_id]
        total += problem.shortage_penalty * float(np.maximum(-stock[:e], 0.0).sum())
        if e < problem.weeks:
            need = float(np.maximum(-stock[e:], 0.0).max(initial=0.0))
            if need > 1e-9:
                needing.add(item.supplier_id)
                total += cheapest_lot_cost(item, need)
    total += sum(problem.suppliers[s].order_cost for s in needing)
    return total if math.isfinite(total) else 0.0

"""A lower bound on the cost of any plan, in closed form (no solver).

Per SKU: the stock on hand and on order is held until it is used (no plan holds less), the
backlog before the first week any order can arrive is unavoidable, and the units the horizon's
demand needs beyond that stock must be bought and used (a backlog left at the end costs its
unit cost): at least the lowest price each, since stock left at the end is credited at the
price paid for it (:class:`~salesflow.optimizer.purchasing.model.ModelTerms`); stock from
before the plan left at the end is credited at its unit cost, up to the credit's cap. Per
supplier: one order cost if any of its SKUs needs anything after the first arrival, since
missing a unit costs more than ordering it. The MIP's LP bound is tighter; this one is what
a part has when its MIP had no time for its LP.
"""

from __future__ import annotations

import math

import numpy as np

from salesflow.optimizer.purchasing.model import credit_caps
from salesflow.optimizer.purchasing.problem import PurchaseProblem


def lower_bound(problem: PurchaseProblem) -> float:
    """A lower bound on the model objective of every plan (see the module docstring)."""
    total = 0.0
    needing: set[str] = set()
    first = {s: next((a for a in problem.arrival_weeks(s) if a < problem.weeks), problem.weeks)
             for s in problem.suppliers}
    caps = credit_caps(problem)
    for i, item in enumerate(problem.items):
        stock = item.on_hand + np.cumsum(problem.open_arrivals[i] - problem.demand[i])
        total += item.holding_cost_per_week * float(np.maximum(stock, 0.0).sum())
        e = first[item.supplier_id]
        total += problem.shortage_penalty * float(np.maximum(-stock[:e], 0.0).sum())
        if e < problem.weeks and float(np.maximum(-stock[e:], 0.0).max(initial=0.0)) > 1e-9:
            needing.add(item.supplier_id)
        if len(stock):
            total += item.lowest_price * max(-float(stock[-1]), 0.0) \
                - item.unit_cost * min(max(float(stock[-1]), 0.0), float(caps[i]))
    total += sum(problem.suppliers[s].order_cost for s in needing)
    return total if math.isfinite(total) else 0.0

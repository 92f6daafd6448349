"""Trigeiro's capacitated lot sizing read as purchasing, and its own checker.

Each item is a SKU with its own supplier (so the supplier's order cost is the item's setup
cost), lead time 0, packs of one, no price breaks, unit cost 1 with the holding rate set so
that a unit-week of stock costs ``h``; the shared capacity is a weekly receiving capacity that
each unit uses ``b`` of and each order line ``st``. Backorders are priced far above any saving,
so the plan has none when the instance allows it; the capacity is hard (an infinite violation
rate), as in the model the optima refer to. The published optimum is then the plan's
ordering + holding cost (purchase is the fixed total demand).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from salesflow.data.instances.lotsizing import LotSizingInstance
from salesflow.optimizer.purchasing.plan import PurchasePlan
from salesflow.optimizer.purchasing.problem import (
    PurchaseItem,
    PurchaseProblem,
    SupplierTerms,
    ViolationRates,
)

FIRST_MONDAY = dt.date(2024, 1, 1)


def lotsizing_problem(instance: LotSizingInstance) -> PurchaseProblem:
    """The purchasing problem equivalent to ``instance``."""
    n, periods = instance.items, instance.periods
    items = tuple(
        PurchaseItem(sku=f"I{i + 1:02d}", supplier_id=f"S{i + 1:02d}", unit_cost=1.0,
                     unit_volume_m3=0.0, pack_size=1, moq=0,
                     holding_rate=float(instance.holding[i]) * 365.0 / 7.0,
                     service_level=0.5, on_hand=0.0, breaks=(),
                     receiving_per_unit=float(instance.unit_use[i]),
                     receiving_per_line=float(instance.setup_time[i]))
        for i in range(n))
    suppliers = {f"S{i + 1:02d}": SupplierTerms(f"S{i + 1:02d}", 0,
                                                float(instance.setup_cost[i]), 0.0, ())
                 for i in range(n)}
    penalty = 10.0 * (float(instance.setup_cost.max(initial=0.0))
                      + float(instance.holding.max(initial=0.0)) * periods + 1.0)
    return PurchaseProblem(FIRST_MONDAY, periods, items, suppliers,
                           instance.demand.astype(float), np.zeros((n, periods)), penalty,
                           receiving_capacity=np.full(periods, instance.capacity),
                           rates=ViolationRates(receiving_per_unit_week=math.inf))


@dataclass(frozen=True)
class LotSizingCheck:
    """A plan checked against the CLST model itself: feasible or why not, and its cost
    ``sum(sc * y + h * I)``."""

    feasible: bool
    cost: float
    problems: tuple[str, ...]


def check_lotsizing(instance: LotSizingInstance, plan: PurchasePlan,
                    tolerance: float = 1e-6) -> LotSizingCheck:
    """Recompute a plan's CLST cost and check it: no backlog, capacity in every period,
    integral periods, known items. Shares no code with the evaluator or the solver."""
    n, periods = instance.items, instance.periods
    x = np.zeros((n, periods))
    problems = []
    for line in plan.lines:
        i = int(line.sku[1:]) - 1
        t = (line.arrival_date - FIRST_MONDAY).days // 7
        if not (0 <= i < n) or not 0 <= t < periods:
            problems.append(f"line {line.sku} arriving {line.arrival_date} is outside the "
                            "instance")
            continue
        x[i, t] += line.quantity
    y = x > 0
    stock = np.cumsum(x - instance.demand, axis=1)
    for i, t in zip(*np.nonzero(stock < -tolerance), strict=True):
        problems.append(f"item {i + 1} short by {-stock[i, t]:g} in period {t + 1}")
    use = (instance.unit_use[:, None] * x + instance.setup_time[:, None] * y).sum(axis=0)
    for period in np.flatnonzero(use > instance.capacity + tolerance):
        problems.append(f"period {period + 1} uses {use[period]:g} of capacity "
                        f"{instance.capacity:g}")
    cost = float((instance.setup_cost[:, None] * y).sum()
                 + (instance.holding[:, None] * np.maximum(stock, 0.0)).sum())
    return LotSizingCheck(not problems, cost, tuple(problems))

"""Why each recommended line is what it is, in a buyer's words.

A reason names what made the quantity or the timing: the price break it reaches, the MOQ that
set it, the safety stock it builds, the supplier order it joins, and how many weeks of demand
it covers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem


def _weeks_covered(problem: PurchaseProblem, i: int, line: PurchaseLine,
                   arrivals: list[int]) -> int:
    """Weeks from this line's arrival until the SKU's next line arrives (or the horizon ends)."""
    start = problem.week_of(line.arrival_date)
    later = [a for a in arrivals if a > start]
    end = min(later) if later else problem.weeks
    return max(0, min(end, problem.weeks) - max(start, 0))


def explain(problem: PurchaseProblem, lines: list[PurchaseLine]) -> list[PurchaseLine]:
    """``lines`` with their ``reason`` written (input order kept)."""
    index = {item.sku: i for i, item in enumerate(problem.items)}
    order_size = Counter((line.supplier_id, line.order_date) for line in lines)
    arrivals: dict[str, list[int]] = {}
    for line in lines:
        arrivals.setdefault(line.sku, []).append(problem.week_of(line.arrival_date))
    target = problem.safety_stock_matrix
    out = []
    for line in lines:
        i = index[line.sku]
        item = problem.items[i]
        reasons = []
        reached = [q for q, _ in item.breaks if line.quantity >= q]
        if reached:
            reasons.append(f"price break at {reached[-1]:g}")
        if item.moq > item.pack_size and line.quantity == item.min_packs * item.pack_size:
            reasons.append(f"MOQ {item.moq}")
        start = max(problem.week_of(line.arrival_date), 0)
        if start < problem.weeks and np.any(target[i, start:] > 0):
            reasons.append("safety stock")
        n = order_size[line.supplier_id, line.order_date]
        if n > 1:
            reasons.append(f"joins supplier order of {n} SKUs")
        weeks = _weeks_covered(problem, i, line, arrivals[line.sku])
        reasons.append(f"covers {weeks} week{'s' if weeks != 1 else ''} of demand")
        out.append(replace(line, reason="; ".join(reasons)))
    return out


def explained_plan(problem: PurchaseProblem, plan: PurchasePlan) -> PurchasePlan:
    """``plan`` with every line's reason written."""
    return PurchasePlan(tuple(explain(problem, list(plan.lines))), plan.policy)

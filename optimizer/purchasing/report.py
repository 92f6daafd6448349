"""Tables for purchasing: the baseline comparison and the per-supplier summary.

Every figure comes from :func:`~salesflow.optimizer.purchasing.plan.evaluate_plan`, the one
cost formula of every policy. The procurement cost change is the plan's cost against each
baseline's, with the manual's target (−5 %) beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from salesflow.optimizer.purchasing.plan import PlanEvaluation, PurchaseLine, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem

COMPARISON_COLUMNS = [
    "policy", "purchase", "ordering", "holding", "shortage", "total", "change_vs_plan",
    "plan_change", "target", "target_met", "shortage_unit_weeks", "fill_rate",
    "inventory_turnover_per_month", "supplier_orders", "lines", "violations", "penalties",
]


def best_baseline(evaluations: Mapping[str, PlanEvaluation]) -> str:
    """Name of the baseline with the lowest cost (the issue's formula)."""
    return min(evaluations, key=lambda name: evaluations[name].total)


def comparison_frame(plan: tuple[PurchasePlan, PlanEvaluation],
                     baselines: Mapping[str, tuple[PurchasePlan, PlanEvaluation]],
                     target: float) -> pd.DataFrame:
    """One row per policy, the plan first.

    ``plan_change`` is (plan − policy) / policy for a baseline row: the procurement cost change
    the plan achieves against it; ``target_met`` says whether it is at or below ``target``.
    """
    own = plan[1]
    rows = []
    for name, (policy_plan, e) in [(plan[0].policy, plan), *baselines.items()]:
        change = (own.total - e.total) / e.total if e.total > 0 and e is not own else None
        rows.append({
            "policy": name, "purchase": round(e.purchase, 2), "ordering": round(e.ordering, 2),
            "holding": round(e.holding, 2), "shortage": round(e.shortage, 2),
            "total": round(e.total, 2),
            "change_vs_plan": None if e is own or own.total <= 0
            else round((e.total - own.total) / own.total, 4),
            "plan_change": None if change is None else round(change, 4),
            "target": None if e is own else target,
            "target_met": None if change is None else bool(change <= target + 1e-12),
            "shortage_unit_weeks": round(e.shortage_units, 2),
            "fill_rate": round(e.fill_rate, 4),
            "inventory_turnover_per_month": None if e.inventory_turnover_per_month is None
            else round(e.inventory_turnover_per_month, 3),
            "supplier_orders": e.supplier_orders, "lines": len(policy_plan.lines),
            "violations": len(e.violations), "penalties": round(e.penalties, 2),
        })
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def supplier_summary_frame(problem: PurchaseProblem, plan: PurchasePlan) -> pd.DataFrame:
    """Per supplier: orders, lines, SKUs, units and value over the horizon and in the plan
    week, the first order date and whether each order reaches the minimum order value."""
    week_end = problem.week_date(1)
    rows: list[dict[str, Any]] = []
    by_supplier: dict[str, list[PurchaseLine]] = {}
    for line in plan.lines:
        by_supplier.setdefault(line.supplier_id, []).append(line)
    for supplier, lines in sorted(by_supplier.items()):
        terms = problem.suppliers[supplier]
        values: dict[dt.date, float] = {}
        for line in lines:
            values[line.order_date] = values.get(line.order_date, 0.0) + line.line_cost
        this_week = [x for x in lines if x.order_date < week_end]
        rows.append({
            "supplier_id": supplier, "supplier_name": terms.name, "orders": len(values),
            "lines": len(lines),
            "skus": len({x.sku for x in lines}),
            "units": sum(x.quantity for x in lines),
            "value": round(sum(x.line_cost for x in lines), 2),
            "first_order_date": min(values).isoformat(),
            "lines_this_week": len(this_week),
            "value_this_week": round(sum(x.line_cost for x in this_week), 2),
            "order_cost": terms.order_cost, "min_order_value": terms.min_order_value,
            "orders_below_min_value": sum(v < terms.min_order_value - 1e-6
                                          for v in values.values()),
        })
    columns = ["supplier_id", "supplier_name", "orders", "lines", "skus", "units", "value",
               "first_order_date", "lines_this_week", "value_this_week", "order_cost",
               "min_order_value", "orders_below_min_value"]
    return pd.DataFrame(rows, columns=columns)


def violations_frame(evaluation: PlanEvaluation) -> pd.DataFrame:
    """The rules the plan breaks, one row each (empty when it keeps them all)."""
    columns = ["constraint", "sku", "supplier_id", "week", "amount", "limit", "cost"]
    return pd.DataFrame([v.to_dict() for v in evaluation.violations], columns=columns)

"""What the purchase model minimises, in parts: the plan's cost, then the prices the model
adds for what a cost does not show (broken limits, minimum-order-value surcharges, safety
stock shortfall, avoidable lateness), less the value of the stock the horizon leaves behind
(first in first out, as the procurement accounting values it, up to one more horizon's
demand: a lot bought for its price break is not charged for the units the next weeks will
sell, and stock no demand is in sight for earns nothing). The solver's objective is
their sum, recomputed here from the lines alone, so that every output can say how the
objective and the cost differ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from salesflow.optimizer.purchasing.model import (
    credit_caps,
    safety_stock_penalty,
    service_penalty,
)
from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.valuation import end_stock_value

SURCHARGE = "minimum order value"
"""The violation that is a surcharge the supplier bills, not a broken limit."""


@dataclass(frozen=True)
class ObjectiveParts:
    """The model's objective of a plan, part by part.

    ``cost``: purchase + ordering + holding + shortage (the plan's cost, ``PlanEvaluation.
    total``); ``surcharges``: minimum order values not reached (billed by the supplier);
    ``limit_penalties``: the price of broken capacities and budget; ``safety_stock``: the
    price of stock below its safety target; ``lateness``: the price of backorders a timely
    order could have avoided; ``end_stock_value``: what the stock left at the horizon's end is
    worth (first in first out, up to ``model.credit_caps`` units per SKU; a backlog left
    counts at unit cost, negative), subtracted."""

    cost: float
    surcharges: float
    limit_penalties: float
    safety_stock: float
    lateness: float
    end_stock_value: float = 0.0

    @property
    def total(self) -> float:
        return self.cost + self.surcharges + self.limit_penalties + self.safety_stock \
            + self.lateness - self.end_stock_value

    def to_dict(self) -> dict[str, float]:
        return {"cost": round(self.cost, 2), "surcharges": round(self.surcharges, 2),
                "limit_penalties": round(self.limit_penalties, 2),
                "safety_stock_penalties": round(self.safety_stock, 2),
                "lateness_penalties": round(self.lateness, 2),
                "end_stock_value": round(self.end_stock_value, 2),
                "objective": round(self.total, 2)}


def objective_parts(problem: PurchaseProblem, lines: Sequence[PurchaseLine]) -> ObjectiveParts:
    """The parts of what the model minimises for a plan of ``lines`` (the evaluator's cost
    and violations, ``service_penalty`` per unit-week backordered from the first week an
    order of the SKU's supplier can arrive, ``safety_stock_penalty`` per unit-week below a
    positive safety stock target, the end stock's value by
    :func:`~salesflow.optimizer.valuation.end_stock_value`)."""
    evaluation = evaluate_plan(problem, PurchasePlan(tuple(lines), "score"))
    surcharges = float(sum(v.cost for v in evaluation.violations if v.constraint == SURCHARGE))
    limits = float(sum(v.cost for v in evaluation.violations if v.constraint != SURCHARGE))
    lateness = 0.0
    backlog = np.maximum(-evaluation.inventory, 0.0)
    if backlog.any():
        first = {s: next((a for a in problem.arrival_weeks(s) if a < problem.weeks),
                         problem.weeks) for s in problem.suppliers}
        for i in np.flatnonzero(backlog.sum(axis=1) > 0):
            late = backlog[i, first[problem.items[i].supplier_id]:].sum()
            if late > 0:
                lateness += float(late) * service_penalty(problem, int(i))
    safety = 0.0
    if problem.safety_stock is not None:
        target = problem.safety_stock
        below = np.where(target > 0, np.maximum(target - evaluation.inventory, 0.0), 0.0)
        price = [safety_stock_penalty(problem, i) for i in range(len(problem.items))]
        safety = float((below.sum(axis=1) * np.array(price)).sum())
    end = end_stock_value([x.sku for x in problem.items], [x.unit_cost for x in problem.items],
                          evaluation.inventory[:, -1], lines, credit_caps(problem)) \
        if problem.weeks else 0.0
    return ObjectiveParts(evaluation.total, surcharges, limits, safety, lateness, end)

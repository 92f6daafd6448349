"""A purchase plan (order lines) and its evaluation by the one cost formula of every policy.

Plan cost (issue 4): purchase (quantity × all-units price) + ordering (the supplier's
``order_cost`` once per supplier and order date) + holding (``max(0, I[t]) × unit_cost ×
holding_rate × 7/365`` per SKU and week) + shortage (``max(0, -I[t]) × shortage_penalty``,
backorders), with ``I[t] = I[t-1] + arrivals[t] - demand[t]`` from ``on_hand``.

The same pass checks the plan's rules (:mod:`~salesflow.optimizer.purchasing.checks`): broken
capacities, budget and minimum order values are listed and priced separately (``penalties``),
so that ``total`` stays the issue's procurement cost and ``total_with_penalties`` is what a
plan for infeasible data really costs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.optimizer.purchasing.checks import (
    Violation,
    line_violations,
    order_violations,
    stock_violations,
)
from salesflow.optimizer.purchasing.problem import PurchaseProblem


@dataclass(frozen=True)
class PurchaseLine:
    sku: str
    supplier_id: str
    order_date: dt.date
    arrival_date: dt.date
    quantity: int
    unit_price: float
    reason: str
    primary_reason: str = ""  # the decisive reason's code (see ``reasons.PRIMARY_REASONS``)

    @property
    def line_cost(self) -> float:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class PurchasePlan:
    lines: tuple[PurchaseLine, ...]
    policy: str


@dataclass(frozen=True)
class PlanEvaluation:
    """Costs and service of a plan, recomputed from the problem and the lines only."""

    purchase: float
    ordering: float
    holding: float
    shortage: float
    inventory: np.ndarray  # items × weeks, end-of-week stock (negative = backorder)
    fill_rate: float
    inventory_turnover_per_month: float | None
    supplier_orders: int
    violations: tuple[Violation, ...] = ()
    safety_stock_shortfall: float = 0.0  # unit-weeks of end stock below a positive target

    @property
    def total(self) -> float:
        """Purchase + ordering + holding + shortage: the issue's cost of a plan."""
        return self.purchase + self.ordering + self.holding + self.shortage

    @property
    def penalties(self) -> float:
        """Price of the capacity, budget and minimum-order-value violations."""
        return float(sum(v.cost for v in self.violations))

    @property
    def total_with_penalties(self) -> float:
        return self.total + self.penalties

    @property
    def shortage_units(self) -> float:
        """Unit-weeks backordered (shortage cost / penalty, independent of the penalty)."""
        return float(np.maximum(-self.inventory, 0.0).sum())

    def to_dict(self) -> dict[str, float | int | None]:
        return {"purchase": round(self.purchase, 2), "ordering": round(self.ordering, 2),
                "holding": round(self.holding, 2), "shortage": round(self.shortage, 2),
                "total": round(self.total, 2), "fill_rate": round(self.fill_rate, 4),
                "inventory_turnover_per_month": None if self.inventory_turnover_per_month is None
                else round(self.inventory_turnover_per_month, 3),
                "supplier_orders": self.supplier_orders,
                "shortage_unit_weeks": round(self.shortage_units, 2),
                "safety_stock_shortfall": round(self.safety_stock_shortfall, 2),
                "penalties": round(self.penalties, 2),
                "violations": len(self.violations)}


def plan_arrivals(problem: PurchaseProblem, lines: Sequence[PurchaseLine]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Units arriving per SKU and horizon week, the open orders' and ``lines``' (a line due
    before the horizon counts in its first week, one due after it not at all), and each
    line's arrival week (0 before the horizon).

    Raises
    ------
    KeyError
        If a line names a SKU that is not in the problem.
    """
    index = {item.sku: i for i, item in enumerate(problem.items)}
    arrivals = problem.open_arrivals.copy()
    line_weeks = np.empty(len(lines), dtype=int)
    week_of: dict[dt.date, int] = {}  # a plan's lines arrive on a few dozen dates
    for k, line in enumerate(lines):
        week = week_of.get(line.arrival_date)
        if week is None:
            week = week_of[line.arrival_date] = problem.week_of(line.arrival_date)
        line_weeks[k] = max(week, 0)
        if 0 <= week < problem.weeks:
            arrivals[index[line.sku], week] += line.quantity
        elif week < 0:
            arrivals[index[line.sku], 0] += line.quantity
    return arrivals, line_weeks


def projected_stock(problem: PurchaseProblem, arrivals: np.ndarray) -> np.ndarray:
    """End-of-week stock per SKU and horizon week (negative: backordered) with
    ``arrivals`` (:func:`plan_arrivals`)."""
    on_hand = np.array([item.on_hand for item in problem.items])
    return on_hand[:, None] + np.cumsum(arrivals - problem.demand, axis=1)


def evaluate_plan(problem: PurchaseProblem, plan: PurchasePlan) -> PlanEvaluation:
    """Cost, projected stock, fill rate, turnover and broken rules of ``plan`` on ``problem``.

    Raises
    ------
    KeyError
        If a line names a SKU or supplier that is not in the problem.
    """
    index = {item.sku: i for i, item in enumerate(problem.items)}
    purchase = 0.0
    for line in plan.lines:
        purchase += line.quantity * problem.items[index[line.sku]].unit_price(line.quantity)
    arrivals, line_weeks = plan_arrivals(problem, plan.lines)
    orders = {(line.supplier_id, line.order_date) for line in plan.lines}
    ordering = math.fsum(problem.suppliers[s].order_cost for s, _ in orders)

    on_hand = np.array([item.on_hand for item in problem.items])
    unit_cost = np.array([item.unit_cost for item in problem.items])
    holding_rate = np.array([item.holding_cost_per_week for item in problem.items])
    inventory = projected_stock(problem, arrivals)
    before = np.concatenate([on_hand[:, None], inventory[:, :-1]], axis=1)
    available = np.maximum(before + arrivals, 0.0)
    served = np.minimum(problem.demand, available)
    holding = float((np.maximum(inventory, 0.0) * holding_rate[:, None]).sum())
    shortage = float(np.maximum(-inventory, 0.0).sum() * problem.shortage_penalty)
    total_demand = problem.demand.sum()
    fill_rate = float(served.sum() / total_demand) if total_demand > 0 else 1.0
    stock_value = (np.maximum(inventory, 0.0) * unit_cost[:, None]).sum(axis=0).mean()
    cogs = float((served * unit_cost[:, None]).sum())
    months = problem.weeks * 7 / 30.4375
    turnover = cogs / stock_value / months if stock_value > 0 else None
    violations = (line_violations(problem, plan.lines) + order_violations(problem, plan.lines)
                  + stock_violations(problem, plan.lines, available, line_weeks))
    target = problem.safety_stock_matrix
    below = np.where(target > 0, np.maximum(target - inventory, 0.0), 0.0)
    return PlanEvaluation(purchase, float(ordering), holding, shortage, inventory, fill_rate,
                          turnover, len(orders), tuple(violations), float(below.sum()))


ORDER_COLUMNS = ["supplier_id", "sku", "supplier_name", "sku_name", "order_date",
                 "arrival_date", "packs", "quantity", "unit_price", "line_cost",
                 "primary_reason", "reason"]
"""The columns of ``purchase_orders.csv`` (stable English identifiers; names after the ids,
``primary_reason`` a code, ``reason`` in the plan's language)."""


def purchase_orders_frame(problem: PurchaseProblem, plan: PurchasePlan) -> pd.DataFrame:
    """``purchase_orders.csv``: one row per line, by order date, supplier and SKU."""
    items = {item.sku: item for item in problem.items}
    rows = [{"supplier_id": line.supplier_id, "sku": line.sku,
             "supplier_name": problem.suppliers[line.supplier_id].name,
             "sku_name": items[line.sku].name,
             "order_date": line.order_date.isoformat(),
             "arrival_date": line.arrival_date.isoformat(),
             "packs": line.quantity // items[line.sku].pack_size, "quantity": line.quantity,
             "unit_price": round(line.unit_price, 4), "line_cost": round(line.line_cost, 2),
             "primary_reason": line.primary_reason, "reason": line.reason}
            for line in plan.lines]
    frame = pd.DataFrame(rows, columns=ORDER_COLUMNS)
    return frame.sort_values(["order_date", "supplier_id", "sku"], kind="stable",
                             ignore_index=True)

"""The one procurement accounting: every procurement cost, change against the baseline,
inventory turnover and fill rate that salesflow states (``purchase``, ``weekly``, ``kpis.json``,
the report, the purchase workbook, ``tradeoff``) comes from :func:`procurement_account`.

One definition, one horizon (the plan's, ``[planning] horizon_weeks``):

* **cost** of a policy: purchase + ordering + holding + shortage over the horizon, by the
  evaluator's formula (:func:`~salesflow.optimizer.purchasing.plan.evaluate_plan`), **net of
  the change in stock value**: a policy that ends the horizon with stock it will sell next has
  paid for goods it still holds, one that runs its stock down has consumed goods bought before.
  The start stock counts at each SKU's ``unit_cost``, the end stock first in first out
  (:func:`~salesflow.optimizer.valuation.fifo_value`).
* **procurement cost change**: (plan's net cost − baseline's) / baseline's, against **the
  company's current rule** named in ``config.toml`` ``[baseline]`` (the same rule every week),
  never against whichever rule happens to be cheapest; the cheapest rule of the week is kept
  beside it, labelled as such.
* **inventory turnover** per month: projected cost of goods sold ÷ average stock value over the
  horizon ÷ months; **fill rate**: projected demand met from stock ÷ demand.

A figure that cannot mean anything is ``None`` with the reason beside it (``why``): no demand
forecast, a baseline that costs nothing, a plan that holds no stock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from salesflow.optimizer.purchasing.baselines import BaselineRule, baseline_plan
from salesflow.optimizer.purchasing.plan import PlanEvaluation, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.valuation import end_stock_value

if TYPE_CHECKING:
    from salesflow.optimizer.purchasing.stage import PurchasingResult

NO_DEMAND = "not meaningful (no demand forecast)"
NO_ORDERS = "not meaningful (no orders forecast)"
NO_STOCK = "not meaningful (the plan holds no stock)"


def _cents(value: float) -> float:
    return round(float(value), 2)


def stock_value_change(problem: PurchaseProblem, plan: PurchasePlan,
                       evaluation: PlanEvaluation) -> float:
    """End stock value (first in, first out) − start stock value (at ``unit_cost``)."""
    if not problem.items or not problem.weeks:
        return 0.0
    end = end_stock_value([x.sku for x in problem.items], [x.unit_cost for x in problem.items],
                          evaluation.inventory[:, -1], plan.lines)
    return float(end - sum(max(x.on_hand, 0.0) * x.unit_cost for x in problem.items))


BILLED_TERMS = frozenset({"minimum order value"})
"""Supplier terms a plan may fall short of by paying for it: an order below the minimum order
value is billed the missing value (``ViolationRates.min_order_value_per_currency``). Its cost is
in the plan's ordering cost; it is not a rule broken."""


@dataclass(frozen=True)
class PolicyFigures:
    """One policy's procurement figures over the horizon (see the module doc)."""

    policy: str
    purchase: float
    ordering: float
    holding: float
    shortage: float
    stock_change: float
    fill_rate: float | None
    turnover_per_month: float | None
    average_stock_value: float
    supplier_orders: int
    lines: int
    rules_broken: int
    why: dict[str, str] = field(default_factory=dict)  # figure -> why it is None

    @property
    def cost(self) -> float:
        """Purchase + ordering + holding + shortage (before the stock value change)."""
        return self.purchase + self.ordering + self.holding + self.shortage

    @property
    def net_cost(self) -> float:
        """The cost net of the change in stock value: what the −5 % target is about."""
        return self.cost - self.stock_change

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "purchase": _cents(self.purchase),
                "ordering": _cents(self.ordering), "holding": _cents(self.holding),
                "shortage": _cents(self.shortage), "cost": _cents(self.cost),
                "stock_change": _cents(self.stock_change), "net_cost": _cents(self.net_cost),
                "fill_rate": None if self.fill_rate is None else round(self.fill_rate, 4),
                "inventory_turnover_per_month": None if self.turnover_per_month is None
                else round(self.turnover_per_month, 3),
                "average_stock_value": _cents(self.average_stock_value),
                "supplier_orders": self.supplier_orders, "lines": self.lines,
                "rules_broken": self.rules_broken, "why": dict(self.why)}


def policy_figures(problem: PurchaseProblem, plan: PurchasePlan,
                   evaluation: PlanEvaluation | None = None) -> PolicyFigures:
    """The figures of ``plan`` on ``problem`` (evaluated here unless ``evaluation`` is
    given)."""
    evaluation = evaluation or evaluate_plan(problem, plan)
    demand = float(problem.demand.sum()) if problem.weeks else 0.0
    unit_cost = np.array([item.unit_cost for item in problem.items])
    stock = (np.maximum(evaluation.inventory, 0.0) * unit_cost[:, None]).sum(axis=0) \
        if problem.items and problem.weeks else np.zeros(1)
    why: dict[str, str] = {}
    fill: float | None = evaluation.fill_rate
    turnover = evaluation.inventory_turnover_per_month
    if demand <= 0:
        fill, turnover = None, None
        why["fill_rate"] = why["inventory_turnover_per_month"] = NO_DEMAND
    elif turnover is None:
        why["inventory_turnover_per_month"] = NO_STOCK
    return PolicyFigures(plan.policy, float(evaluation.purchase), float(evaluation.ordering),
                         float(evaluation.holding), float(evaluation.shortage),
                         stock_value_change(problem, plan, evaluation), fill, turnover,
                         float(stock.mean()), evaluation.supplier_orders, len(plan.lines),
                         sum(v.constraint not in BILLED_TERMS for v in evaluation.violations),
                         why)


def cost_change(plan: PolicyFigures, baseline: PolicyFigures) -> tuple[float | None, str]:
    """(plan − baseline) / baseline on net cost, or ``None`` and why."""
    if baseline.net_cost <= 0:
        return None, (f"not meaningful (the baseline's net cost is "
                      f"{baseline.net_cost:,.2f}: nothing to save on this forecast)")
    return (round(plan.net_cost, 2) - round(baseline.net_cost, 2)) \
        / round(baseline.net_cost, 2), ""


@dataclass(frozen=True)
class ProcurementAccount:
    """The plan, the company's rule and every rule on one problem, by the one accounting."""

    week_start: dt.date
    horizon_weeks: int
    plan: PolicyFigures
    baseline: PolicyFigures
    baseline_rule: BaselineRule
    rules: dict[str, PolicyFigures]
    demand_units: float

    @property
    def cheapest(self) -> PolicyFigures | None:
        """The rule with the lowest net cost this week among those that keep every hard rule
        (among all when none does): shown beside the baseline, never instead of it."""
        lawful = [f for f in self.rules.values() if f.rules_broken == 0] \
            or list(self.rules.values())
        return min(lawful, key=lambda f: f.net_cost) if lawful else None

    @property
    def change(self) -> float | None:
        """The procurement cost change against the company's rule (``None``: see ``why``)."""
        if self.demand_units <= 0:
            return None
        return cost_change(self.plan, self.baseline)[0]

    @property
    def change_why(self) -> str:
        if self.demand_units <= 0:
            return NO_DEMAND
        return cost_change(self.plan, self.baseline)[1]

    def change_vs(self, figures: PolicyFigures) -> float | None:
        return cost_change(self.plan, figures)[0]

    def to_dict(self) -> dict[str, Any]:
        cheapest = self.cheapest
        return {
            "definition": "purchase + ordering + holding + shortage over the horizon, net of "
                          "the change in stock value (end stock first in first out)",
            "week_start": self.week_start.isoformat(), "horizon_weeks": self.horizon_weeks,
            "baseline_rule": self.baseline_rule.describe(),
            "plan": self.plan.to_dict(), "baseline": self.baseline.to_dict(),
            "procurement_cost_change": None if self.change is None
            else round(self.change, 4),
            "procurement_cost_change_why": self.change_why,
            "cheapest_rule_of_the_week": None if cheapest is None else {
                "policy": cheapest.policy, "net_cost": _cents(cheapest.net_cost),
                "plan_change": None if (c := self.change_vs(cheapest)) is None
                else round(c, 4)},
            "rules": {name: f.to_dict() for name, f in self.rules.items()},
        }


def procurement_account(problem: PurchaseProblem, plan: PurchasePlan,
                        evaluation: PlanEvaluation | None,
                        baselines: dict[str, tuple[PurchasePlan, PlanEvaluation]],
                        rule: BaselineRule) -> ProcurementAccount:
    """The account of ``plan`` on ``problem``: against the company's ``rule`` (taken from
    ``baselines`` when it is that rule with its default parameters, else simulated here),
    with every rule of ``baselines`` beside it."""
    rules = {name: policy_figures(problem, p, e) for name, (p, e) in baselines.items()}
    if rule.is_default and rule.rule in rules:
        base = rules[rule.rule]
    else:
        base = policy_figures(problem, baseline_plan(problem, rule))
    demand = float(problem.demand.sum()) if problem.weeks else 0.0
    return ProcurementAccount(problem.week_start, problem.weeks,
                              policy_figures(problem, plan, evaluation), base, rule, rules,
                              demand)


def account_of(result: PurchasingResult, rule: BaselineRule) -> ProcurementAccount:
    """:func:`procurement_account` of a purchasing stage's result."""
    return procurement_account(result.problem, result.plan, result.evaluation,
                               result.baselines, rule)


COMPARISON_COLUMNS = [
    "policy", "role", "purchase", "ordering", "holding", "shortage", "cost", "stock_change",
    "net_cost", "plan_change", "target", "target_met", "fill_rate",
    "inventory_turnover_per_month", "average_stock_value", "supplier_orders", "lines",
    "rules_broken",
]


def comparison_frame(account: ProcurementAccount, target: float) -> pd.DataFrame:
    """``purchase_comparison.csv`` and the workbook's Comparison sheet: the plan first, then
    every rule, each with its role (the company's rule, the cheapest rule of the week) and
    the plan's change against it by the one accounting."""
    cheapest = account.cheapest
    rows: list[tuple[PolicyFigures, str]] = [(account.plan, "plan")]
    company = account.baseline_rule
    for name, figures in account.rules.items():
        roles: list[str] = []
        if company.is_default and name == company.rule:
            roles.append("company's rule (config.toml [baseline])")
        if cheapest is not None and name == cheapest.policy:
            roles.append("cheapest rule of the week")
        rows.append((figures, "; ".join(roles) or "other rule"))
    if not company.is_default:
        rows.insert(1, (account.baseline, f"company's rule: {company.describe()}"))
    out = []
    for figures, role in rows:
        values = figures.to_dict()
        change = None if figures is account.plan else account.change_vs(figures)
        out.append({**{k: values[k] for k in COMPARISON_COLUMNS if k in values},
                    "role": role, "plan_change": None if change is None else round(change, 4),
                    "target": None if figures is account.plan else target,
                    "target_met": None if change is None else bool(round(change, 4) <= target)})
    return pd.DataFrame(out, columns=COMPARISON_COLUMNS)

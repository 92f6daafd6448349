"""The weekly cycle's purchasing stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.optimizer.purchasing.baselines import lot_for_lot
from salesflow.optimizer.purchasing.plan import PlanEvaluation, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseProblem, build_purchase_problem


@dataclass(frozen=True)
class PurchasingResult:
    problem: PurchaseProblem
    plan: PurchasePlan
    evaluation: PlanEvaluation

    def arrival_dates(self) -> list[dt.date]:
        """Arrival date of every purchase line of the plan (for receiving work)."""
        return [line.arrival_date for line in self.plan.lines]


def purchasing_stage(dataset: Dataset, history: pd.DataFrame, demand: pd.DataFrame,
                     week_start: dt.date) -> PurchasingResult:
    """Lot-for-lot purchase lines against the forecast mean, evaluated by the cost formula.

    Parameters
    ----------
    history:
        The sales lines before ``week_start`` (for the ABC classes).
    demand:
        The forecast stage's long frame (``unique_id``, ``ds``, ``forecast``, quantiles).
    """
    expected = demand.rename(columns={"unique_id": "sku", "ds": "week_start",
                                      "forecast": "quantity"})
    problem = build_purchase_problem(dataset, expected, week_start,
                                     dataset.config.planning.horizon_weeks, history=history)
    plan = lot_for_lot(problem)
    return PurchasingResult(problem, plan, evaluate_plan(problem, plan))

"""The weekly cycle's purchasing stage: the optimized plan and the baselines beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.baselines import BASELINES
from salesflow.optimizer.purchasing.builder import build_purchase_problem
from salesflow.optimizer.purchasing.diagnose import Infeasibility, diagnose
from salesflow.optimizer.purchasing.plan import PlanEvaluation, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.report import best_baseline, comparison_frame
from salesflow.optimizer.purchasing.solve import (
    BACKEND,
    ProgressCallback,
    PurchaseSolution,
    solve_purchasing,
)

if TYPE_CHECKING:
    from salesflow.optimizer.context import PlanningContext


@dataclass(frozen=True)
class PurchasingResult:
    """The plan (the optimized one), its evaluation, how the solve went, every baseline's
    plan and evaluation on the same problem, and what in the data cannot be met."""

    problem: PurchaseProblem
    plan: PurchasePlan
    evaluation: PlanEvaluation
    solution: PurchaseSolution | None = None
    baselines: dict[str, tuple[PurchasePlan, PlanEvaluation]] = field(default_factory=dict)
    infeasibilities: tuple[Infeasibility, ...] = ()

    def arrival_dates(self) -> list[dt.date]:
        """Arrival date of every purchase line of the plan (for receiving work)."""
        return [line.arrival_date for line in self.plan.lines]

    def best_baseline(self) -> str | None:
        """Name of the cheapest baseline (``None`` without baselines)."""
        if not self.baselines:
            return None
        return best_baseline({name: e for name, (_, e) in self.baselines.items()})

    def comparison(self, target: float) -> pd.DataFrame:
        """The plan and every baseline side by side (see ``report.comparison_frame``)."""
        return comparison_frame((self.plan, self.evaluation), self.baselines, target)


REPLAY_SECONDS = 10.0
"""A sensible per-week time limit for :func:`optimized_plan` on the bundled sample (200 SKUs):
the solve reaches a gap below 1 % within it."""


def optimized_plan(problem: PurchaseProblem, time_limit_seconds: float = REPLAY_SECONDS,
                   seed: int = 0) -> PurchasePlan:
    """The optimized plan of ``problem`` alone (no baselines, no diagnosis): the "salesflow"
    purchaser of a replay, ``purchaser(problem) -> PurchasePlan``.

    Raises
    ------
    ValueError
        If ``time_limit_seconds`` is not positive or ``seed`` is negative.
    """
    limits = SolveLimits(time_limit_seconds=time_limit_seconds, seed=seed)
    return solve_purchasing(problem, limits).plan


@dataclass(frozen=True)
class PurchaseOptions:
    """What a buyer may set beyond the dataset: the MIP backend and extra capacities.

    Attributes
    ----------
    backend:
        ``highs``, ``scip`` or ``cp-sat`` (OR-Tools MathOpt).
    weekly_budget:
        Purchase value that may be ordered per week (``None``: no limit).
    receiving_lines:
        Purchase lines the warehouse can receive per week (``None``: no limit).
    truck_m3:
        Volume of one supplier delivery in m³ (``None``: no limit).
    """

    backend: str = BACKEND
    weekly_budget: float | None = None
    receiving_lines: int | None = None
    truck_m3: float | None = None


def plan_purchases(problem: PurchaseProblem, limits: SolveLimits,
                   progress: ProgressCallback | None = None,
                   backend: str = BACKEND) -> PurchasingResult:
    """Optimize ``problem``, run every baseline on it and evaluate all with the one formula.

    Raises
    ------
    ValueError
        If ``backend`` names an unknown solver.
    """
    solution = solve_purchasing(problem, limits, progress, backend=backend)
    baselines = {}
    for name, policy in BASELINES.items():
        plan = policy(problem)
        baselines[name] = (plan, evaluate_plan(problem, plan))
    return PurchasingResult(problem, solution.plan, evaluate_plan(problem, solution.plan),
                            solution, baselines, tuple(diagnose(problem)))


def purchasing_stage(dataset: Dataset, context: PlanningContext, demand: pd.DataFrame,
                     progress: ProgressCallback | None = None,
                     options: PurchaseOptions | None = None) -> PurchasingResult:
    """Optimized purchase lines against ``demand`` over the context's horizon, with the
    baselines beside them.

    Parameters
    ----------
    context:
        Plan week, horizon, history (for the ABC classes) and solver limits.
    demand:
        ``sku, week_start, quantity`` [+ quantile columns for safety stock]: the forecast's
        (see :func:`~salesflow.optimizer.purchasing.builder.purchase_demand`) or a given one.
    options:
        Backend and extra capacities (default :class:`PurchaseOptions`).

    Raises
    ------
    InvalidInputError
        If ``demand`` stops short of the horizon.
    """
    options = options or PurchaseOptions()
    weeks = context.horizon_weeks
    problem = build_purchase_problem(
        dataset, demand, context.week_start, weeks, history=context.history,
        budget=None if options.weekly_budget is None else np.full(weeks, options.weekly_budget),
        receiving_capacity=None if options.receiving_lines is None
        else np.full(weeks, float(options.receiving_lines)))
    if options.truck_m3 is not None:
        problem = replace(problem, suppliers={
            s: replace(t, truck_capacity_m3=options.truck_m3)
            for s, t in problem.suppliers.items()})
    return plan_purchases(problem, context.limits, progress, options.backend)

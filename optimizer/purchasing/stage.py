"""The weekly cycle's purchasing stage: the optimized plan and the baselines beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.dataset.config import PlanningConfig
from salesflow.optimizer.purchasing.baselines import BASELINES
from salesflow.optimizer.purchasing.diagnose import Infeasibility, diagnose
from salesflow.optimizer.purchasing.plan import PlanEvaluation, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseProblem, build_purchase_problem
from salesflow.optimizer.purchasing.report import best_baseline, comparison_frame
from salesflow.optimizer.purchasing.solve import (
    ProgressCallback,
    PurchaseSolution,
    SolveLimits,
    solve_purchasing,
)


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


def solve_limits(config: PlanningConfig, time_limit: float | None = None) -> SolveLimits:
    """Solver limits from ``config.toml`` (``time_limit`` overrides the configured one)."""
    return SolveLimits(time_limit_seconds=time_limit or config.solver.time_limit_seconds,
                       workers=config.solver.workers, seed=config.planning.seed)


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


def plan_purchases(problem: PurchaseProblem, limits: SolveLimits,
                   progress: ProgressCallback | None = None) -> PurchasingResult:
    """Optimize ``problem``, run every baseline on it and evaluate all with the one formula.

    Raises
    ------
    ValueError
        If ``limits`` names an unknown solver.
    """
    solution = solve_purchasing(problem, limits, progress)
    baselines = {}
    for name, policy in BASELINES.items():
        plan = policy(problem)
        baselines[name] = (plan, evaluate_plan(problem, plan))
    return PurchasingResult(problem, solution.plan, evaluate_plan(problem, solution.plan),
                            solution, baselines, tuple(diagnose(problem)))


def purchasing_stage(dataset: Dataset, history: pd.DataFrame, demand: pd.DataFrame,
                     week_start: dt.date,
                     progress: ProgressCallback | None = None) -> PurchasingResult:
    """Optimized purchase lines against the forecast (safety stock from its quantiles).

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
    return plan_purchases(problem, solve_limits(dataset.config), progress)

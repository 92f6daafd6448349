"""The turnover trade-off of a purchase plan, as ``salesflow tradeoff`` and ``salesflow weekly
--tradeoff`` trace it: one function, so that both give the same frontier for the same plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from salesflow.optimizer.accounting import account_of
from salesflow.optimizer.limits import TRADEOFF_POINT_SECONDS, SolveLimits
from salesflow.optimizer.purchasing.baselines import BaselineRule
from salesflow.optimizer.tradeoff import Frontier, frontier, target_fill_rate

if TYPE_CHECKING:
    from salesflow.data.dataset.config import PlanningConfig
    from salesflow.optimizer.purchasing.stage import PurchasingResult

DEFAULT_POINTS = 6


def point_limits(config: PlanningConfig, time_limit: float | None = None) -> SolveLimits:
    """The limits of each point's solve: ``time_limit`` if given, else
    :data:`~salesflow.optimizer.limits.TRADEOFF_POINT_SECONDS` or
    ``solver.time_limit_seconds`` if lower."""
    seconds = time_limit if time_limit is not None else \
        min(TRADEOFF_POINT_SECONDS, config.solver.time_limit_seconds)
    return SolveLimits.from_config(config, seconds)


def plan_frontier(config: PlanningConfig, result: PurchasingResult, limits: SolveLimits, *,
                  points: int = DEFAULT_POINTS,
                  progress: Callable[[str], None] | None = None) -> Frontier:
    """The frontier from ``result``'s plan (today's) to the turnover target of ``[targets]``
    and beyond, against the company's rule of ``[baseline]`` by the one accounting."""
    account = account_of(result, BaselineRule.from_config(config.baseline))
    return frontier(result.problem, limits, account.baseline,
                    config.targets.inventory_turnover_per_month, points=points,
                    today=result.plan, target_fill_rate=target_fill_rate(result.problem),
                    progress=progress)

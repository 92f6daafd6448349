"""The policies a replay compares: salesflow's engines and the baselines ERPs ship.

salesflow forecasts with the forecasting engine (model chosen per SKU by backtest, quantiles
for safety stock) and buys with the purchase optimizer. Each baseline forecasts with the
seasonal naive (the "before" of most ERPs) and buys with one ERP rule: lot-for-lot, EOQ with a
reorder point, or min/max (s, S); every rule respects packs and MOQs.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.forecasting.baseline import seasonal_naive_forecast
from salesflow.forecasting.series import weekly_demand
from salesflow.forecasting.stage import demand_forecast
from salesflow.optimizer.context import planning_horizon
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.baselines import BASELINES
from salesflow.optimizer.purchasing.plan import PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.solve import solve_purchasing
from salesflow.optimizer.replay import ReplayPolicy


def seasonal_naive_demand(dataset: Dataset, history: pd.DataFrame,
                          week_start: dt.date) -> pd.DataFrame:
    """The "before" forecast: each SKU's demand of the same week a season ago."""
    config = dataset.config
    series = weekly_demand(history, dataset.skus["sku"].sort_values(), week_start)
    return seasonal_naive_forecast(series, planning_horizon(dataset),
                                   config.forecast.season_length, "7D",
                                   config.forecast.quantiles)


def engine_demand(dataset: Dataset, history: pd.DataFrame, week_start: dt.date) -> pd.DataFrame:
    """salesflow's forecast: the engine's weekly demand per SKU with its quantiles."""
    return demand_forecast(dataset, history, week_start, planning_horizon(dataset)).demand


class OptimizedPurchaser:
    """The purchase optimizer with fixed limits, as a replay purchaser."""

    def __init__(self, limits: SolveLimits) -> None:
        self.limits = limits

    def __call__(self, problem: PurchaseProblem) -> PurchasePlan:
        return solve_purchasing(problem, self.limits).plan


def replay_policies(dataset: Dataset, time_limit: float | None = None) -> list[ReplayPolicy]:
    """salesflow first, then each baseline (seasonal-naive forecast + an ERP rule).

    Parameters
    ----------
    time_limit:
        Seconds for each week's purchase solve (default: ``solver.time_limit_seconds``).
    """
    limits = SolveLimits.from_config(dataset.config, time_limit)
    policies = [ReplayPolicy("salesflow", engine_demand, OptimizedPurchaser(limits),
                             is_baseline=False)]
    policies += [ReplayPolicy(name, seasonal_naive_demand, rule)
                 for name, rule in BASELINES.items()]
    return policies

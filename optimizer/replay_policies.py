"""The policies a replay compares: salesflow's engines and the baselines ERPs ship."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.forecasting.baseline import seasonal_naive_forecast
from salesflow.forecasting.series import weekly_demand
from salesflow.optimizer.purchasing.baselines import lot_for_lot
from salesflow.optimizer.replay import ReplayPolicy


def seasonal_naive_demand(dataset: Dataset, history: pd.DataFrame,
                          week_start: dt.date) -> pd.DataFrame:
    """The "before" forecast: each SKU's demand of the same week a season ago."""
    config = dataset.config
    series = weekly_demand(history, dataset.skus["sku"].sort_values(), week_start)
    return seasonal_naive_forecast(series, config.planning.horizon_weeks,
                                   config.forecast.season_length, "7D",
                                   config.forecast.quantiles)


def replay_policies(dataset: Dataset) -> list[ReplayPolicy]:
    """salesflow first, then each baseline (seasonal-naive forecast + an ERP rule)."""
    return [ReplayPolicy("lot_for_lot", seasonal_naive_demand, lot_for_lot)]

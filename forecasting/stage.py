"""The weekly cycle's forecast stage: demand per SKU and week, orders per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.forecasting.baseline import seasonal_naive_forecast
from salesflow.forecasting.series import daily_orders, weekly_demand


@dataclass(frozen=True)
class ForecastResult:
    """What the later stages plan on.

    Attributes
    ----------
    demand:
        Long frame ``unique_id`` (the SKU), ``ds`` (Monday of the week), ``forecast``,
        ``model`` and one column per quantile (``p10``, ...), for the planning horizon.
    orders_per_day:
        Expected distinct orders on each day of the plan week (index: dates).
    """

    demand: pd.DataFrame
    orders_per_day: pd.Series


def forecast_stage(dataset: Dataset, history: pd.DataFrame, week_start: dt.date) -> ForecastResult:
    """Seasonal-naive demand per SKU and week, and orders per day of the plan week.

    Parameters
    ----------
    history:
        The sales lines before ``week_start`` (the only ones the forecast may see).
    """
    config = dataset.config
    series = weekly_demand(history, dataset.skus["sku"].sort_values(), week_start)
    demand = seasonal_naive_forecast(series, config.planning.horizon_weeks,
                                     config.forecast.season_length, "7D",
                                     config.forecast.quantiles)
    orders = daily_orders(history, week_start)
    daily = seasonal_naive_forecast(orders, 7, 7, "D", ())
    orders_per_day = pd.Series(daily["forecast"].to_numpy(), index=daily["ds"].dt.date,
                               name="orders")
    return ForecastResult(demand, orders_per_day)

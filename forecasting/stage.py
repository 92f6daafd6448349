"""The weekly cycle's forecast stage: demand per SKU and week, orders per day.

The engine (:class:`~salesflow.forecasting.engine.Forecaster`) forecasts every SKU's weekly
demand (order lines summed per Monday week, zero-filled) with the global gradient-boosting
model among the candidates (price and promotion as features), and the daily order count with
a weekly season. ``policy="baseline"`` keeps the seasonal-naive forecast, the "before".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.dataset.overrides_input import planner_overrides
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _
from salesflow.forecasting.baseline import seasonal_naive_forecast
from salesflow.forecasting.engine import Forecaster
from salesflow.forecasting.overrides import apply_overrides, empty_applied
from salesflow.forecasting.pooled_run import POOL_COLUMNS
from salesflow.forecasting.series import daily_orders, weekly_demand, weekly_features

POLICIES = ("engine", "baseline")
SERIES_COLUMNS = ("unique_id", "demand_class", "model", "backtest_mase", "backtest_wape")
#: Backtest of the weekly demand: windows and weeks between their cut-offs.
DEMAND_WINDOWS, DEMAND_STEP = 2, 4
ProgressCallback = Callable[[int, int], None]


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("unique_id", "demand_class",
                                                            "model") else "float64")
                         for c in SERIES_COLUMNS})


def _empty_pools() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("series", "chosen_on")
                                      else object) for c in POOL_COLUMNS})


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
    series:
        Per SKU: ``unique_id``, ``demand_class`` (smooth, erratic, intermittent, lumpy,
        no_demand), the chosen ``model`` and its backtest errors ``backtest_mase`` and
        ``backtest_wape`` (``nan`` for the baseline, which is not backtested).
    policy:
        ``engine`` or ``baseline``.
    overrides:
        The planner's overrides applied to ``demand`` (engine policy), one row per SKU and
        week with the statistical forecast beside the final one
        (:data:`~salesflow.forecasting.overrides.APPLIED_COLUMNS`).
    pools:
        Per pool of the pooled model choice (engine policy): its demand ``classes``,
        ``candidates``, ``series``, the series it chose on (``chosen_on``: a seeded random
        sample of a large pool, else all) and the chosen ``model``.
    """

    demand: pd.DataFrame
    orders_per_day: pd.Series
    series: pd.DataFrame = field(default_factory=_empty_series)
    policy: str = "engine"
    overrides: pd.DataFrame = field(default_factory=empty_applied)
    pools: pd.DataFrame = field(default_factory=_empty_pools)


class DemandForecast(NamedTuple):
    """The engine's weekly demand forecast: the long frame, the per-SKU summary and the
    pools of the model choice (see :class:`ForecastResult`)."""

    demand: pd.DataFrame
    series: pd.DataFrame
    pools: pd.DataFrame


def _season_for(n_weeks: int, season_length: int) -> int:
    """The configured season if the history holds two of them, else none."""
    return season_length if n_weeks >= 2 * season_length else 1


def demand_forecast(dataset: Dataset, history: pd.DataFrame, week_start: dt.date,
                    horizon: int | None = None, quantiles: Sequence[float] | None = None,
                    n_jobs: int | None = None, progress: ProgressCallback | None = None) \
        -> DemandForecast:
    """Weekly demand forecast per SKU with the engine.

    Returns
    -------
    The long forecast frame (``unique_id, ds, forecast, model, p10, ...``), the per-SKU
    summary (see :attr:`ForecastResult.series`) and the pools of the model choice
    (:attr:`ForecastResult.pools`).

    Raises
    ------
    InvalidInputError
        If the sales history before ``week_start`` is shorter than the horizon.
    """
    config = dataset.config
    steps = horizon or config.planning.horizon_weeks
    skus = dataset.skus["sku"].sort_values()
    series = weekly_demand(history, skus, week_start)
    n_weeks = int(series["ds"].nunique())
    if n_weeks < steps:
        raise InvalidInputError([Problem(
            dataset.files["sales"], None, "order_date", None,
            _("only {weeks} weeks of sales before {start}, fewer than the {horizon}-week "
              "horizon; shorten planning.horizon_weeks or add history").format(
                  weeks=n_weeks, start=week_start, horizon=steps))])
    weeks = pd.DatetimeIndex(sorted(series["ds"].unique()))
    features = weekly_features(history, skus, week_start, weeks)
    frame = series.merge(features, on=["unique_id", "ds"], how="left")
    del series, features  # 0.7 GB on 100,000 SKUs; the engine needs only the frame
    windows = DEMAND_WINDOWS if n_weeks >= steps + DEMAND_STEP * (DEMAND_WINDOWS - 1) + 8 \
        else 1 if n_weeks >= steps + 4 else 0
    engine = Forecaster(
        horizon=steps, season_length=_season_for(n_weeks, config.forecast.season_length),
        quantiles=tuple(quantiles or config.forecast.quantiles), n_windows=windows,
        step=DEMAND_STEP, global_model=True, nonnegative=True, freq="7D",
        n_jobs=n_jobs or config.solver.workers, random_state=config.planning.seed,
        progress=progress, source=dataset.files["sales"])
    demand = engine.forecast(frame)
    summary = engine.series_[list(SERIES_COLUMNS)].reset_index(drop=True)
    return DemandForecast(demand, summary, engine.pools_)


def _orders_per_day(history: pd.DataFrame, week_start: dt.date, policy: str) -> pd.Series:
    orders = daily_orders(history, week_start)
    if policy == "engine" and len(orders) >= 28:
        daily = Forecaster(horizon=7, season_length=7, quantiles=(), n_windows=3,
                           nonnegative=True, freq="D").forecast(orders)
    else:
        daily = seasonal_naive_forecast(orders, 7, 7, "D", ())
    return pd.Series(daily["forecast"].to_numpy(), index=daily["ds"].dt.date, name="orders")


def forecast_stage(dataset: Dataset, history: pd.DataFrame, week_start: dt.date,
                   policy: str = "engine", progress: ProgressCallback | None = None,
                   horizon: int | None = None) -> ForecastResult:
    """Demand per SKU and week, and orders per day of the plan week.

    Parameters
    ----------
    history:
        The sales lines before ``week_start`` (the only ones the forecast may see).
    policy:
        ``engine`` (default) or ``baseline`` (seasonal naive, the "before").
    horizon:
        Weeks ahead (default: ``planning.horizon_weeks``).

    Raises
    ------
    ValueError
        If ``policy`` is unknown.
    InvalidInputError
        If the history is shorter than the horizon, or a planner override breaks a rule
        (engine policy).
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}; got {policy!r}")
    if policy == "baseline":
        return baseline_forecast_stage(dataset, history, week_start, horizon)
    rules = planner_overrides(dataset, week_start)  # checked before the engine runs
    demand, series, pools = demand_forecast(dataset, history, week_start, horizon,
                                            progress=progress)
    demand, applied = apply_overrides(demand, rules, dataset.skus.set_index("sku")["category"])
    return ForecastResult(demand, _orders_per_day(history, week_start, policy), series,
                          policy, applied, pools)


def baseline_forecast_stage(dataset: Dataset, history: pd.DataFrame,
                            week_start: dt.date, horizon: int | None = None) -> ForecastResult:
    """Seasonal-naive demand per SKU and week and orders per day: the "before"."""
    config = dataset.config
    series = weekly_demand(history, dataset.skus["sku"].sort_values(), week_start)
    demand = seasonal_naive_forecast(series, horizon or config.planning.horizon_weeks,
                                     config.forecast.season_length, "7D",
                                     config.forecast.quantiles)
    summary = demand.drop_duplicates("unique_id")[["unique_id", "model"]].assign(
        demand_class=None, backtest_mase=float("nan"), backtest_wape=float("nan"))
    return ForecastResult(demand, _orders_per_day(history, week_start, "baseline"),
                          summary[list(SERIES_COLUMNS)].reset_index(drop=True), "baseline")

"""Forecast every series of a long frame with the seasonal naive baseline."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesflow.forecasting.base import check_horizon, check_levels, check_season_length
from salesflow.forecasting.naive import repeat_season, residual_bands


def quantile_column(level: float) -> str:
    """Column name of a quantile level: 0.1 -> ``p10``, 0.025 -> ``p2.5``."""
    return f"p{level * 100:g}"


def seasonal_naive_forecast(series: pd.DataFrame, horizon: int, season_length: int,
                            freq: str, quantiles: Sequence[float] = (0.1, 0.5, 0.9),
                            nonnegative: bool = True) -> pd.DataFrame:
    """Forecast each ``unique_id`` of ``series`` ``horizon`` steps ahead.

    The same numbers as :class:`~salesflow.forecasting.naive.SeasonalNaive` fitted on each
    series (its functions, on a row per series; ``tests/test_forecast_baseline.py`` checks
    it), for all series of one length at once: 100,000 SKUs take seconds, not minutes.

    Parameters
    ----------
    series:
        Long frame ``unique_id, ds, y`` sorted by ``ds`` within each series, regular in time.
    freq:
        pandas offset of one step (``"7D"`` for Monday weeks, ``"D"`` for days).
    nonnegative:
        Clip forecasts and quantiles at zero (demand cannot be negative).

    Returns
    -------
    Long frame ``unique_id, ds, forecast, model`` and one column per quantile (``p10``, ...),
    quantiles sorted in level order so they never cross; series in order of first appearance.

    Raises
    ------
    ValueError
        If ``horizon`` or ``season_length`` is not a positive integer, a level is outside
        (0, 1), or a ``y`` is not finite.
    """
    steps = check_horizon(horizon)
    season = check_season_length(season_length)
    levels = sorted(check_levels(quantiles))
    columns = ["unique_id", "ds", "forecast", "model", *(quantile_column(q) for q in levels)]
    if series.empty:
        return pd.DataFrame(columns=columns)
    codes, uniques = pd.factorize(series["unique_id"], sort=False)
    order = np.argsort(codes, kind="stable")
    y = series["y"].to_numpy(dtype=np.float64)[order]
    if not np.isfinite(y).all():
        raise ValueError("y must hold finite numbers only")
    counts = np.bincount(codes, minlength=len(uniques))
    ends = np.cumsum(counts)
    starts = ends - counts
    mean = np.empty((len(uniques), steps))
    bands = np.empty((len(levels), len(uniques), steps))
    naive = np.zeros(len(uniques), dtype=bool)
    for length in np.unique(counts):
        rows = np.flatnonzero(counts == length)
        values = y[starts[rows, None] + np.arange(length)]
        m = season if length >= season else 1
        naive[rows] = m == 1
        mean[rows] = repeat_season(values[:, -m:], steps)
        by_level = residual_bands(mean[rows], values[:, m:] - values[:, :-m], levels, m)
        for k, level in enumerate(levels):
            bands[k, rows] = by_level[level]
    bands = np.sort(bands, axis=0)
    last = series["ds"].to_numpy()[order][ends - 1]
    offset = pd.tseries.frequencies.to_offset(freq)
    dates = None
    for day in pd.unique(last):
        span = pd.date_range(pd.Timestamp(day) + offset, periods=steps, freq=freq)
        if dates is None:
            dates = np.empty((len(uniques), steps), dtype=span.values.dtype)
        dates[last == day] = span.values
    out = {"unique_id": pd.Index(uniques).repeat(steps),
           "ds": np.asarray(dates).ravel(), "forecast": mean.ravel(),
           "model": np.repeat(np.where(naive, "naive", "seasonal_naive"), steps)}
    for level, values in zip(levels, bands, strict=True):
        out[quantile_column(level)] = values.ravel()
    result = pd.DataFrame(out)[columns]
    if nonnegative:
        numeric = ["forecast", *(quantile_column(q) for q in levels)]
        result[numeric] = result[numeric].clip(lower=0.0)
    return result

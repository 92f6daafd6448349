"""Forecast every series of a long frame with the seasonal naive baseline."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesflow.forecasting.naive import SeasonalNaive


def quantile_column(level: float) -> str:
    """Column name of a quantile level: 0.1 -> ``p10``, 0.025 -> ``p2.5``."""
    return f"p{level * 100:g}"


def seasonal_naive_forecast(series: pd.DataFrame, horizon: int, season_length: int,
                            freq: str, quantiles: Sequence[float] = (0.1, 0.5, 0.9),
                            nonnegative: bool = True) -> pd.DataFrame:
    """Forecast each ``unique_id`` of ``series`` ``horizon`` steps ahead.

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
    quantiles sorted in level order so they never cross.
    """
    levels = sorted(quantiles)
    frames = []
    for uid, group in series.groupby("unique_id", sort=False):
        model = SeasonalNaive(season_length).fit(group["y"].to_numpy())
        pred = model.predict(horizon, levels)
        start = group["ds"].iloc[-1] + pd.tseries.frequencies.to_offset(freq)
        out = {"unique_id": uid,
               "ds": pd.date_range(start, periods=horizon, freq=freq),
               "forecast": pred.mean,
               "model": model.model_name_}
        stacked = (np.sort(np.vstack([pred.quantile(q) for q in levels]), axis=0) if levels
                   else np.empty((0, horizon)))
        for level, values in zip(levels, stacked, strict=True):
            out[quantile_column(level)] = values
        frames.append(pd.DataFrame(out))
    columns = ["unique_id", "ds", "forecast", "model", *(quantile_column(q) for q in levels)]
    if not frames:
        return pd.DataFrame(columns=columns)
    result = pd.concat(frames, ignore_index=True)[columns]
    if nonnegative:
        numeric = ["forecast", *(quantile_column(q) for q in levels)]
        result[numeric] = result[numeric].clip(lower=0.0)
    return result

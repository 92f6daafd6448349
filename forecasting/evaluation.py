"""Score forecasts against held-out actuals, series by series (benchmarks and backtests).

Per series: sMAPE (M3 definition), MASE (scale: in-sample mean absolute seasonal difference),
and, when the forecast has the two quantile columns, the share of actuals inside the band.
Aggregates are means over series, as in the M3 literature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.forecasting.metrics import coverage, mase, mase_scale, pinball, smape


@dataclass(frozen=True)
class Scores:
    """Mean scores over series.

    Attributes
    ----------
    smape:
        Mean sMAPE in percent.
    mase:
        Mean MASE over series with a defined scale.
    coverage:
        Share of all test points inside the band (``nan`` without quantile columns).
    n_series:
        Series scored.
    """

    smape: float
    mase: float
    coverage: float
    n_series: int


def score_forecasts(forecast: pd.DataFrame, test: pd.DataFrame, train: pd.DataFrame,
                    season_length: int, column: str = "forecast",
                    band: tuple[str, str] | None = ("p10", "p90")) -> tuple[Scores, pd.DataFrame]:
    """Scores of ``forecast[column]`` on ``test`` (both long frames keyed by
    ``unique_id, ds``).

    Returns
    -------
    The mean scores and a frame per series (``unique_id, smape, mase, coverage``).

    Raises
    ------
    ValueError
        If a test point has no forecast.
    """
    merged = test.merge(forecast, on=["unique_id", "ds"], how="left", validate="one_to_one")
    if merged[column].isna().any():
        missing = merged.loc[merged[column].isna(), "unique_id"].iloc[0]
        raise ValueError(f"series {missing!r} has test points without a forecast")
    histories = {uid: g.to_numpy() for uid, g in train.groupby("unique_id")["y"]}
    has_band = band is not None and all(c in merged.columns for c in band)
    rows = []
    for uid, group in merged.groupby("unique_id", sort=True):
        y, f = group["y"].to_numpy(), group[column].to_numpy()
        rows.append({
            "unique_id": uid,
            "smape": smape(y, f),
            "mase": mase(y, f, histories[uid], season_length),
            "coverage": coverage(y, group[band[0]], group[band[1]]) if has_band and band
            else float("nan"),
            "points": y.size,
        })
    per_series = pd.DataFrame(rows)
    inside = float(np.average(per_series["coverage"], weights=per_series["points"])) \
        if has_band else float("nan")
    scores = Scores(float(per_series["smape"].mean()), float(per_series["mase"].mean()),
                    inside, len(per_series))
    return scores, per_series.drop(columns="points")


#: Quantile columns scored by :func:`score_quantiles` and the band they make.
PINBALL_LEVELS: tuple[tuple[str, float], ...] = (("p10", 0.1), ("p50", 0.5), ("p90", 0.9))


@dataclass(frozen=True)
class QuantileScores:
    """Mean scores over series of a point forecast and its p10/p50/p90.

    Attributes
    ----------
    mase:
        Mean absolute error over the in-sample mean absolute one-step difference.
    rmsse:
        Root mean squared error over the root in-sample mean squared one-step difference.
    pinball:
        Scaled pinball loss: the pinball loss of each quantile divided by the MASE scale,
        averaged over the three levels.
    pinball_by_level:
        The same per level (``p10``, ``p50``, ``p90``).
    coverage:
        Share of all test points inside p10-p90.
    n_series:
        Series scored.
    """

    mase: float
    rmsse: float
    pinball: float
    pinball_by_level: dict[str, float]
    coverage: float
    n_series: int


def score_quantiles(forecast: pd.DataFrame, test: pd.DataFrame, train: pd.DataFrame,
                    column: str = "forecast") -> tuple[QuantileScores, pd.DataFrame]:
    """Point and quantile scores on the one-step naive scale (the same for every method).

    ``forecast`` has ``column`` and ``p10``, ``p50``, ``p90`` (a method without a median
    gives its point forecast as ``p50``). Series whose scale is 0 are not scored.

    Returns
    -------
    The mean scores and a frame per series (``unique_id, mase, rmsse, pinball, p10, p50,
    p90, coverage``).

    Raises
    ------
    ValueError
        If a test point has no forecast.
    """
    merged = test.merge(forecast, on=["unique_id", "ds"], how="left", validate="one_to_one")
    needed = [column, *(name for name, _ in PINBALL_LEVELS)]
    if merged[needed].isna().any().any():
        missing = merged.loc[merged[needed].isna().any(axis=1), "unique_id"].iloc[0]
        raise ValueError(f"series {missing!r} has test points without a forecast")
    histories = {uid: g.to_numpy() for uid, g in train.groupby("unique_id")["y"]}
    rows = []
    for uid, group in merged.groupby("unique_id", sort=True):
        history = histories[uid]
        scale = mase_scale(history, 1)
        if not np.isfinite(scale) or scale == 0:
            continue
        squared_scale = float(np.mean(np.diff(history) ** 2))
        y, f = group["y"].to_numpy(), group[column].to_numpy()
        row = {"unique_id": uid, "mase": float(np.mean(np.abs(y - f))) / scale,
               "rmsse": float(np.sqrt(np.mean((y - f) ** 2) / squared_scale)),
               "coverage": coverage(y, group["p10"], group["p90"]), "points": y.size}
        for name, level in PINBALL_LEVELS:
            row[name] = pinball(y, group[name].to_numpy(), level) / scale
        row["pinball"] = float(np.mean([row[name] for name, _ in PINBALL_LEVELS]))
        rows.append(row)
    per_series = pd.DataFrame(rows)
    scores = QuantileScores(
        float(per_series["mase"].mean()), float(per_series["rmsse"].mean()),
        float(per_series["pinball"].mean()),
        {name: float(per_series[name].mean()) for name, _ in PINBALL_LEVELS},
        float(np.average(per_series["coverage"], weights=per_series["points"])),
        len(per_series))
    return scores, per_series.drop(columns="points")


@dataclass(frozen=True)
class EngineRun:
    """salesflow's engine on one train/test split.

    Attributes
    ----------
    forecast:
        The forecast frame.
    series:
        The engine's per-series summary joined with the per-series scores.
    scores:
        Mean scores.
    seconds:
        Wall time of fit, selection and forecast.
    """

    forecast: pd.DataFrame
    series: pd.DataFrame
    scores: Scores
    seconds: float


def run_engine(train: pd.DataFrame, test: pd.DataFrame, horizon: int, season_length: int,
               n_jobs: int = 1, n_windows: int = 1, progress: object = None) -> EngineRun:
    """Forecast ``train`` with the engine's defaults and score on ``test`` (p10-p90 band).

    Raises
    ------
    InvalidInputError
        If the training frame is malformed or a series is too short.
    """
    import time

    from salesflow.forecasting.engine import Forecaster

    engine = Forecaster(horizon=horizon, season_length=season_length,
                        quantiles=(0.1, 0.5, 0.9), n_windows=n_windows, n_jobs=n_jobs,
                        progress=progress)  # type: ignore[arg-type]
    started = time.perf_counter()
    forecast = engine.forecast(train)
    seconds = time.perf_counter() - started
    scores, per_series = score_forecasts(forecast, test, train, season_length)
    series = engine.series_.merge(per_series, on="unique_id", how="left")
    return EngineRun(forecast, series, scores, seconds)

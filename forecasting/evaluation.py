"""Score forecasts against held-out actuals, series by series (benchmarks and backtests).

Per series: sMAPE (M3 definition), MASE (scale: in-sample mean absolute seasonal difference),
and, when the forecast has the two quantile columns, the share of actuals inside the band.
Aggregates are means over series, as in the M3 literature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.forecasting.metrics import coverage, mase, smape


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

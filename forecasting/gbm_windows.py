"""The global model's fits for the engine: one per backtest window and one on the whole history.

The fits are independent, so they run as parallel tasks (:func:`~salesflow.forecasting.
parallel.map_parts`): the series travel once per worker as the shared input
(:class:`GBMInputs`) and each task is only a :class:`GBMWindow` (how many periods it holds
out, and whether it is the final fit). Every fit uses the same seed and the same inputs as one
after the other in one process, so the forecasts are the same with any number of workers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.forecasting.classify import classify_demand
from salesflow.forecasting.frame import SeriesSet
from salesflow.forecasting.gbm import EXOG_COLUMNS, GlobalGBM
from salesflow.forecasting.parallel import MIN_PARALLEL_ITEMS, map_parts
from salesflow.forecasting.series_fit import ExternalForecast, FitSettings

Forecast = tuple[np.ndarray, np.ndarray]
"""``(mean, sd)`` of every series, each ``n_series x horizon``."""


@dataclass(frozen=True)
class GBMInputs:
    """What every fit of the global model reads (sent once to each worker).

    Attributes
    ----------
    values:
        The whole series.
    phases:
        Position in the season of each series' first value.
    exog:
        The ``price`` and ``promo`` arrays per series that are given (aligned with ``values``).
    season_length, horizon, random_state:
        The model's season, the steps to forecast and its seed.
    keep_model:
        Return the fitted model of the final fit (for a later ``predict`` at another horizon).
    """

    values: tuple[np.ndarray, ...]
    phases: tuple[int, ...]
    exog: Mapping[str, tuple[np.ndarray, ...]]
    season_length: int
    horizon: int
    random_state: int
    keep_model: bool = False


@dataclass(frozen=True)
class GBMWindow:
    """One fit: the last ``offset`` values of every series held out (0: none); ``final`` is
    the fit on the whole history whose forecast is the model's answer."""

    offset: int
    final: bool = False


def fit_window(window: GBMWindow, inputs: GBMInputs) -> tuple[Forecast, GlobalGBM | None]:
    """Fit the global model on the series without their last ``window.offset`` values and
    forecast ``inputs.horizon`` steps; the fitted model too for the final fit when
    ``inputs.keep_model`` (a task of :func:`map_parts`: no side effects)."""
    cut = window.offset
    values = list(inputs.values) if cut == 0 else [v[:-cut] for v in inputs.values]
    exog = {k: arrays if cut == 0 else tuple(a[:-cut] for a in arrays)
            for k, arrays in inputs.exog.items()}
    model = GlobalGBM(season_length=inputs.season_length,
                      random_state=inputs.random_state).fit(values, list(inputs.phases), exog)
    forecast = model.predict(inputs.horizon)
    return forecast, model if window.final and inputs.keep_model else None


def season_phase(series: SeriesSet, index: int, season_length: int) -> int:
    """Position in the season of a series' first value, from its calendar date."""
    first = series.first[index]
    if series.freq is None or season_length <= 1:
        return 0
    stamp = pd.Timestamp(first)
    freq = series.freq.upper()
    if season_length == 52 and freq.startswith(("W", "7D")):
        return int(stamp.isocalendar()[1] - 1) % 52
    if season_length == 12 and freq.startswith("M"):
        return stamp.month - 1
    if season_length == 4 and freq.startswith("Q"):
        return (stamp.month - 1) // 3
    if season_length == 7 and freq == "D":
        return stamp.day_of_week
    return 0


def global_forecasts(series: SeriesSet, settings: FitSettings, random_state: int,
                     n_jobs: int | None = 1) \
        -> tuple[dict[int, dict[str, ExternalForecast]], GlobalGBM | None]:
    """Backtest and final forecasts of the global model (``"gbm"``) for the series whose
    demand class has it among its candidates, by series index; and the final model when
    ``settings.keep_models``. The window fits and the final fit run as ``n_jobs`` parallel
    tasks."""
    wanted = {label for label, names in settings.candidates.items() if "gbm" in names}
    users = [i for i, v in enumerate(series.values) if classify_demand(v).label in wanted]
    if not users:
        return {}, None
    offsets = [settings.horizon + settings.step * (settings.n_windows - 1 - w)
               for w in range(settings.n_windows)]
    n_min = min(v.size for v in series.values)
    offsets = [o for o in offsets if n_min - o >= settings.min_train]
    inputs = GBMInputs(
        values=tuple(series.values),
        phases=tuple(season_phase(series, i, settings.season_length)
                     for i in range(len(series.ids))),
        exog={k: v for k, v in series.exog.items() if k in EXOG_COLUMNS},
        season_length=settings.season_length, horizon=settings.horizon,
        random_state=random_state, keep_model=settings.keep_models)
    # The final fit first: with fewer workers than fits it is no shorter than the others.
    parts = [GBMWindow(0, final=True), *(GBMWindow(o) for o in offsets)]
    # As few series as map_chunks keeps here are fitted here too: workers would cost more.
    small = len(series.values) < MIN_PARALLEL_ITEMS
    # Before the per-series chunks running beside them (``Forecaster._fit_alongside_global``):
    # the longest tasks first, and the chunks waiting for their forecasts are finished as
    # they arrive rather than all after the map.
    (final, model), *rest = map_parts(fit_window, parts, inputs, n_jobs=n_jobs,
                                      min_parallel=len(parts) + 1 if small else 2,
                                      priority=1)
    windows = [forecast for forecast, _ in rest]
    mean, sd = final
    external = {}
    for i in users:
        if any(series.values[i].size - o < settings.min_train for o in offsets):
            continue
        external[i] = {"gbm": ExternalForecast(
            tuple((w_mean[i], w_sd[i]) for w_mean, w_sd in windows), (mean[i], sd[i]))}
    return external, model

"""One series from history to forecast: classify, backtest the candidates, choose, refit.

This is the unit of work the engine maps over series in parallel. It is a pure function of
the series and the settings, so the result does not depend on which process runs it.

Backtest: rolling origin with ``n_windows`` cut-offs ``step`` apart, the last one ``horizon``
before the end; every candidate is refitted at each cut-off and forecasts ``horizon`` steps.
Ranking for ``select`` and ``combine``: mean absolute error for regular demand, mean squared
error for intermittent demand. Choice: the best candidate (``select``), the median of the
``top_k`` best (``combine``), or ``pooled`` (also ``auto``): every candidate is fitted and the
engine then picks, for all series with the same candidates, the combination (median of a
non-empty subset of the candidates) with the lowest backtest sMAPE averaged over them, or for
intermittent and lumpy series the lowest backtest MASE, their quantiles coming from the
candidate with the lowest pinball loss (:mod:`salesflow.forecasting.pooled_choice`,
:mod:`salesflow.forecasting.pooling`): one choice learnt from many series is far less noisy
than one per series, above all for series with a handful of demands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from salesflow.forecasting.base import LocalForecaster, Prediction
from salesflow.forecasting.candidates import GLOBAL_MODELS, make_model
from salesflow.forecasting.classify import DemandClass, classify_demand
from salesflow.forecasting.medians import median_of
from salesflow.forecasting.metrics import mase_scale
from salesflow.forecasting.options import Option, PackedOptions, pack_options, repack

STRATEGIES = ("auto", "select", "combine", "pooled")
_MODEL_ERRORS = (ValueError, ArithmeticError, np.linalg.LinAlgError)


@dataclass(frozen=True)
class FitSettings:
    """How every series is fitted (validated by the engine)."""

    horizon: int
    season_length: int
    levels: tuple[float, ...]
    candidates: Mapping[str, tuple[str, ...]]
    strategy: str = "auto"
    top_k: int | None = None
    n_windows: int = 1
    step: int = 1
    nonnegative: bool = False
    keep_models: bool = False
    min_train: int = 4


@dataclass(frozen=True)
class ExternalForecast:
    """A global model's forecasts for one series: ``(mean, sd)`` per backtest window (in
    cut-off order) and for the final forecast."""

    windows: tuple[tuple[np.ndarray, np.ndarray], ...]
    final: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class SeriesTask:
    """One series to fit: its id, values and any global models' forecasts."""

    unique_id: object
    y: np.ndarray
    external: Mapping[str, ExternalForecast] = field(default_factory=dict)


@dataclass(frozen=True)
class Backtest:
    """The chosen forecast at every cut-off (rows) and step (columns)."""

    cutoffs: tuple[int, ...]
    actual: np.ndarray
    forecast: np.ndarray
    sd: np.ndarray


@dataclass(frozen=True)
class SeriesFit:
    """What the engine keeps of one series.

    Attributes
    ----------
    model:
        The chosen model, or ``median(a,b,...)`` for a combination.
    prediction:
        The final forecast ``horizon`` steps ahead (quantiles only for models with their own
        distribution; the engine calibrates the others).
    backtest:
        The chosen forecast at each cut-off, ``None`` if the series is too short for one.
    scores:
        Backtest error per candidate (MAE, or MSE for intermittent demand).
    failed:
        Candidates that could not be fitted to this series.
    fitted:
        The fitted members (only with ``keep_models``).
    options:
        With the ``pooled`` strategy until the pool's choice is applied (:func:`~salesflow.
        forecasting.pooled_choice.apply_choices`): every fitted
        candidate's final forecast, backtest forecasts and (with ``keep_models``) model.
    """

    unique_id: object
    n_obs: int
    demand: DemandClass
    model: str
    members: tuple[str, ...]
    prediction: Prediction
    backtest: Backtest | None
    backtest_mase: float
    backtest_wape: float
    scores: Mapping[str, float]
    failed: tuple[str, ...]
    fitted: tuple[LocalForecaster, ...] | None = None
    options: PackedOptions = field(default_factory=PackedOptions)


@dataclass(frozen=True)
class LocalFit:
    """What :func:`fit_local` works out of one series before the global models' forecasts
    join it (``pooled`` strategy).

    Attributes
    ----------
    demand, cutoffs:
        The series' demand class and backtest cut-offs.
    scores:
        Backtest error of every local candidate backtested at every cut-off.
    failed:
        Local candidates that failed at a cut-off.
    final_failed:
        Backtested local candidates that failed on the whole history.
    options:
        Every local candidate that failed nowhere: its final forecast, its forecasts at the
        cut-offs and (with ``keep_models``) its fitted model.
    """

    unique_id: object
    n_obs: int
    demand: DemandClass
    cutoffs: tuple[int, ...]
    scores: Mapping[str, float]
    failed: tuple[str, ...]
    final_failed: tuple[str, ...]
    options: PackedOptions


def cutoffs_for(n_obs: int, settings: FitSettings) -> list[int]:
    """Training lengths of the backtest windows that leave at least ``min_train`` points."""
    h, step = settings.horizon, settings.step
    ends = [n_obs - h - step * (settings.n_windows - 1 - w) for w in range(settings.n_windows)]
    return [c for c in ends if c >= settings.min_train]


def combine(predictions: Sequence[Prediction]) -> Prediction:
    """Median of the members' means and standard deviations (and own quantiles, if every
    member has them)."""
    if len(predictions) == 1:
        return predictions[0]
    mean = median_of([p.mean for p in predictions])
    sd = median_of([p.sd for p in predictions])
    quantiles: dict[float, np.ndarray] = {}
    if all(p.quantiles for p in predictions):
        for level in predictions[0].quantiles:
            quantiles[level] = median_of([p.quantiles[level] for p in predictions])
    return Prediction(mean, sd, quantiles)


def clip_at_zero(prediction: Prediction) -> Prediction:
    """The prediction with its mean and quantiles clipped at zero."""
    return Prediction(np.maximum(prediction.mean, 0.0), prediction.sd,
                      {q: np.maximum(v, 0.0) for q, v in prediction.quantiles.items()})


def _fit_predict(name: str, y: np.ndarray, horizon: int, levels: Sequence[float],
                 season_length: int) -> tuple[LocalForecaster, Prediction]:
    model = make_model(name, season_length).fit(y)
    return model, model.predict(horizon, levels)


def _final_fit(name: str, y: np.ndarray, settings: FitSettings) \
        -> tuple[LocalForecaster, Prediction] | None:
    """A local candidate fitted on the whole history and its forecast; ``None`` if it fails."""
    try:
        return _fit_predict(name, y, settings.horizon, settings.levels, settings.season_length)
    except _MODEL_ERRORS:
        return None


def label_of(members: Sequence[str]) -> str:
    return members[0] if len(members) == 1 else f"median({','.join(members)})"


def _backtest_candidates(task: SeriesTask, names: Sequence[str], cutoffs: list[int],
                         settings: FitSettings, levels: Sequence[float] = ()) \
        -> tuple[dict[str, list[Prediction]], list[str]]:
    """Each candidate's forecast at each cut-off; candidates that fail anywhere are dropped."""
    out: dict[str, list[Prediction]] = {}
    failed = []
    for name in names:
        if name in GLOBAL_MODELS:
            external = task.external.get(name)
            if external is None or len(external.windows) != len(cutoffs):
                failed.append(name)
                continue
            out[name] = [Prediction(mean, sd) for mean, sd in external.windows]
            continue
        try:
            out[name] = [_fit_predict(name, task.y[:c], settings.horizon, levels,
                                      settings.season_length)[1] for c in cutoffs]
        except _MODEL_ERRORS:
            failed.append(name)
    return out, failed


def _strategy(settings: FitSettings, demand: DemandClass) -> str:
    return "pooled" if settings.strategy == "auto" else settings.strategy


def _choose(names: Sequence[str], scores: Mapping[str, float], demand: DemandClass,
            settings: FitSettings) -> list[str]:
    strategy = _strategy(settings, demand)
    usable = [n for n in names if n in scores] or list(names)
    ranked = sorted(usable, key=lambda n: (scores.get(n, np.inf), usable.index(n)))
    if strategy == "select":
        return ranked[:1]
    if strategy == "pooled":
        return usable
    keep = set(ranked[:settings.top_k] if settings.top_k else ranked)
    return [n for n in usable if n in keep]


def _scores(y: np.ndarray, backtests: Mapping[str, Sequence[Prediction]],
            cutoffs: Sequence[int], settings: FitSettings, squared: bool) -> dict[str, float]:
    """Each backtested candidate's ranking error: mean squared error for intermittent demand
    (``squared``), else mean absolute error."""
    scores: dict[str, float] = {}
    for name, predictions in backtests.items():
        errors = np.concatenate([
            y[c:c + settings.horizon] - (np.maximum(p.mean, 0.0) if settings.nonnegative
                                         else p.mean)
            for c, p in zip(cutoffs, predictions, strict=True)])
        scores[name] = float(np.mean(errors ** 2 if squared else np.abs(errors)))
    return scores


def fit_series(task: SeriesTask, settings: FitSettings) -> SeriesFit:
    """Classify, backtest, choose and refit one series (see the module docstring).

    With the ``pooled`` strategy this is :func:`fit_local` then :func:`finish_pooled`: the
    engine may run the two apart, the global model's fits alongside the first."""
    y = np.asarray(task.y, dtype=np.float64)
    demand = classify_demand(y)
    if _strategy(settings, demand) == "pooled":
        return finish_pooled(fit_local(task, settings), y, task.external, settings)
    names = settings.candidates[demand.label]
    cutoffs = cutoffs_for(y.size, settings)
    backtests, failed = _backtest_candidates(task, names, cutoffs, settings) \
        if cutoffs else ({}, [])
    scores = _scores(y, backtests, cutoffs, settings, demand.intermittent)
    candidates = [n for n in names if n not in failed]
    members = _choose(candidates or ["naive"], scores, demand, settings)

    final: list[Prediction] = []
    fitted: list[LocalForecaster] = []
    used: list[str] = []
    for name in members:
        if name in GLOBAL_MODELS:
            external = task.external.get(name)
            if external is not None:
                final.append(Prediction(*external.final))
                used.append(name)
            continue
        fit = _final_fit(name, y, settings)
        if fit is None:
            failed.append(name)
            continue
        fitted.append(fit[0])
        final.append(fit[1])
        used.append(name)
    if not final:
        model, prediction = _fit_predict("naive", y, settings.horizon, settings.levels, 1)
        final, fitted, used = [prediction], [model], ["naive"]
    prediction = combine(final)
    if settings.nonnegative:
        prediction = clip_at_zero(prediction)
    backtest, b_mase, b_wape = backtest_of(
        y, used, {n: windows_of(backtests[n]) for n in used if n in backtests}, cutoffs,
        settings)
    return SeriesFit(task.unique_id, y.size, demand, label_of(used), tuple(used), prediction,
                     backtest, b_mase, b_wape, scores, tuple(failed),
                     tuple(fitted) if settings.keep_models else None)


def fit_local(task: SeriesTask, settings: FitSettings) -> LocalFit:
    """The ``pooled`` strategy's work on one series that needs no global model: classify,
    backtest every local candidate and fit each one that backtested on the whole history
    (``task.external`` is not read)."""
    y = np.asarray(task.y, dtype=np.float64)
    demand = classify_demand(y)
    local = [n for n in settings.candidates[demand.label] if n not in GLOBAL_MODELS]
    cutoffs = cutoffs_for(y.size, settings)
    # intermittent pools also choose their quantiles on the backtest: keep the candidates' own
    levels = settings.levels if demand.intermittent else ()
    backtests, failed = _backtest_candidates(task, local, cutoffs, settings, levels) \
        if cutoffs else ({}, [])
    options: dict[str, Option] = {}
    final_failed = []
    for name in local:
        if name in failed:
            continue
        fit = _final_fit(name, y, settings)
        if fit is None:
            final_failed.append(name)
            continue
        options[name] = (fit[1], tuple(backtests.get(name, ())),
                         fit[0] if settings.keep_models else None)
    return LocalFit(task.unique_id, y.size, demand, tuple(cutoffs),
                    _scores(y, backtests, cutoffs, settings, demand.intermittent),
                    tuple(failed), tuple(final_failed), pack_options(options))


def finish_pooled(local: LocalFit, y: np.ndarray, external: Mapping[str, ExternalForecast],
                  settings: FitSettings) -> SeriesFit:
    """One series' fit for the ``pooled`` strategy from its :func:`fit_local` and the global
    models' forecasts ``external`` (by model name; a model missing from it, or with another
    number of backtest windows, counts as failed): every candidate that could be fitted is a
    member until the pool chooses (:mod:`salesflow.forecasting.pooled_choice`)."""
    y = np.asarray(y, dtype=np.float64)
    names = settings.candidates[local.demand.label]
    cutoffs = list(local.cutoffs)
    # the global models' backtests as predictions; the local ones stay packed in local.options
    given_backtests: dict[str, Sequence[Prediction]] = {}
    scores: dict[str, float] = {}
    failed: list[str] = []
    for name in names if cutoffs else ():
        if name not in GLOBAL_MODELS:
            if name in local.failed:
                failed.append(name)
                continue
            scores[name] = local.scores[name]
            continue
        given = external.get(name)
        if given is None or len(given.windows) != len(cutoffs):
            failed.append(name)
            continue
        given_backtests[name] = [Prediction(mean, sd) for mean, sd in given.windows]
        scores.update(_scores(y, {name: given_backtests[name]}, cutoffs, settings,
                              local.demand.intermittent))
    candidates = [n for n in names if n not in failed]
    members = _choose(candidates or ["naive"], scores, local.demand, settings)
    final: list[Prediction] = []
    models: dict[str, LocalForecaster | None] = {}
    for name in members:
        if name in GLOBAL_MODELS:
            given = external.get(name)
            if given is not None:
                final.append(Prediction(*given.final))
                models[name] = None
        elif name in local.options:
            final.append(local.options.final(name))
            models[name] = local.options.model(name)
        elif name in local.final_failed:
            failed.append(name)
        else:  # the naive forecast when every candidate failed: not among those fitted
            fit = _final_fit(name, y, settings)
            if fit is None:
                failed.append(name)
                continue
            models[name], prediction = fit
            final.append(prediction)
    if not final:
        model, prediction = _fit_predict("naive", y, settings.horizon, settings.levels, 1)
        final, models = [prediction], {"naive": model}
    used = list(models)
    prediction = combine(final)
    if settings.nonnegative:
        prediction = clip_at_zero(prediction)
    keep = settings.keep_models
    # a local candidate's packed rows (its final forecast, and one per cut-off) are taken as
    # they came from the worker; a global model's and the fallback's are packed anew
    entries: list[tuple[str, Option | PackedOptions]] = [
        (n, local.options) if n in local.options
        else (n, (p, tuple(given_backtests.get(n, ())), models[n] if keep else None))
        for n, p in zip(used, final, strict=True)]
    options = repack(entries)
    windows = {n: options.backtest_windows(n) for n in used if options.backtest_count(n)}
    backtest, b_mase, b_wape = backtest_of(y, used, windows, cutoffs, settings)
    fitted = tuple(m for n, m in models.items() if n not in GLOBAL_MODELS and m is not None)
    return SeriesFit(local.unique_id, local.n_obs, local.demand, label_of(used), tuple(used),
                     prediction, backtest, b_mase, b_wape, scores, tuple(failed),
                     fitted if keep else None, options)


Windows = tuple[np.ndarray, np.ndarray]
"""A candidate's means and standard deviations at the backtest cut-offs, ``cut-offs x steps``."""


def windows_of(predictions: Sequence[Prediction]) -> Windows:
    """``predictions`` (one per cut-off) as :data:`Windows`."""
    return np.vstack([p.mean for p in predictions]), np.vstack([p.sd for p in predictions])


def backtest_of(y: np.ndarray, used: Sequence[str], backtests: Mapping[str, Windows],
                cutoffs: Sequence[int], settings: FitSettings) \
        -> tuple[Backtest | None, float, float]:
    """The combination of ``used`` at every cut-off (the median of the members' windows, as
    :func:`combine` gives it window by window), its MASE and WAPE (``None``, ``nan`` when a
    member has no backtest or there is no cut-off)."""
    if not cutoffs or not all(n in backtests for n in used):
        return None, float("nan"), float("nan")
    count = len(cutoffs)
    forecast = median_of([backtests[n][0][:count] for n in used])
    sd = median_of([backtests[n][1][:count] for n in used])
    if settings.nonnegative:
        forecast = np.maximum(forecast, 0.0)
    actual = np.vstack([y[c:c + settings.horizon] for c in cutoffs])
    backtest = Backtest(tuple(cutoffs), actual, forecast, sd)
    abs_error = np.abs(actual - forecast)
    scale = mase_scale(y[:cutoffs[0]], settings.season_length)
    b_mase = float(abs_error.mean() / scale) if np.isfinite(scale) and scale > 0 \
        else float("nan")
    total = float(np.abs(actual).sum())
    b_wape = float(abs_error.sum() / total) if total > 0 else float("nan")
    return backtest, b_mase, b_wape


def fit_many(tasks: Sequence[SeriesTask], settings: FitSettings) -> list[SeriesFit]:
    """:func:`fit_series` over ``tasks``, in order (one chunk of the parallel map)."""
    return [fit_series(task, settings) for task in tasks]


def fit_local_many(tasks: Sequence[SeriesTask], settings: FitSettings) -> list[LocalFit]:
    """:func:`fit_local` over ``tasks``, in order (one chunk of the parallel map)."""
    return [fit_local(task, settings) for task in tasks]

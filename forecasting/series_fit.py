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
candidate with the lowest pinball loss (:func:`choose_pooled`,
:mod:`salesflow.forecasting.pooling`): one choice learnt from many series is far less noisy
than one per series, above all for series with a handful of demands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from salesflow.forecasting.base import LocalForecaster, Prediction
from salesflow.forecasting.candidates import GLOBAL_MODELS, make_model
from salesflow.forecasting.classify import DemandClass, classify_demand
from salesflow.forecasting.metrics import mase_scale
from salesflow.forecasting.options import PackedOptions, pack_options
from salesflow.forecasting.pooled_smape import best_smape_subset
from salesflow.forecasting.pooling import POINT, choose_sparse

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
        With the ``pooled`` strategy until :func:`choose_pooled` has run: every fitted
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
    mean = np.median(np.vstack([p.mean for p in predictions]), axis=0)
    sd = np.median(np.vstack([p.sd for p in predictions]), axis=0)
    quantiles: dict[float, np.ndarray] = {}
    if all(p.quantiles for p in predictions):
        for level in predictions[0].quantiles:
            quantiles[level] = np.median(np.vstack([p.quantiles[level] for p in predictions]),
                                         axis=0)
    return Prediction(mean, sd, quantiles)


def clip_at_zero(prediction: Prediction) -> Prediction:
    """The prediction with its mean and quantiles clipped at zero."""
    return Prediction(np.maximum(prediction.mean, 0.0), prediction.sd,
                      {q: np.maximum(v, 0.0) for q, v in prediction.quantiles.items()})


def _fit_predict(name: str, y: np.ndarray, horizon: int, levels: Sequence[float],
                 season_length: int) -> tuple[LocalForecaster, Prediction]:
    model = make_model(name, season_length).fit(y)
    return model, model.predict(horizon, levels)


def _label(members: Sequence[str]) -> str:
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


def fit_series(task: SeriesTask, settings: FitSettings) -> SeriesFit:
    """Classify, backtest, choose and refit one series (see the module docstring)."""
    y = np.asarray(task.y, dtype=np.float64)
    demand = classify_demand(y)
    names = settings.candidates[demand.label]
    cutoffs = cutoffs_for(y.size, settings)
    # intermittent pools also choose their quantiles on the backtest: keep the candidates' own
    levels = settings.levels if demand.intermittent and _strategy(settings, demand) == "pooled" \
        else ()
    backtests, failed = _backtest_candidates(task, names, cutoffs, settings, levels) \
        if cutoffs else ({}, [])
    squared = demand.intermittent
    scores: dict[str, float] = {}
    for name, predictions in backtests.items():
        errors = np.concatenate([
            y[c:c + settings.horizon] - (np.maximum(p.mean, 0.0) if settings.nonnegative
                                         else p.mean)
            for c, p in zip(cutoffs, predictions, strict=True)])
        scores[name] = float(np.mean(errors ** 2 if squared else np.abs(errors)))
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
        try:
            model, prediction = _fit_predict(name, y, settings.horizon, settings.levels,
                                             settings.season_length)
        except _MODEL_ERRORS:
            failed.append(name)
            continue
        final.append(prediction)
        fitted.append(model)
        used.append(name)
    if not final:
        model, prediction = _fit_predict("naive", y, settings.horizon, settings.levels, 1)
        final, fitted, used = [prediction], [model], ["naive"]
    prediction = combine(final)
    if settings.nonnegative:
        prediction = clip_at_zero(prediction)
    backtest, b_mase, b_wape = _backtest_of(y, used, backtests, cutoffs, settings)
    options = PackedOptions()
    if _strategy(settings, demand) == "pooled":
        models = dict(zip([n for n in used if n not in GLOBAL_MODELS], fitted, strict=True))
        options = pack_options({n: (p, tuple(backtests.get(n, ())),
                                    models.get(n) if settings.keep_models else None)
                                for n, p in zip(used, final, strict=True)})
    return SeriesFit(task.unique_id, y.size, demand, _label(used), tuple(used), prediction,
                     backtest, b_mase, b_wape, scores, tuple(failed),
                     tuple(fitted) if settings.keep_models else None, options)


def _backtest_of(y: np.ndarray, used: Sequence[str],
                 backtests: Mapping[str, Sequence[Prediction]], cutoffs: Sequence[int],
                 settings: FitSettings) -> tuple[Backtest | None, float, float]:
    """The combination of ``used`` at every cut-off, its MASE and WAPE (``None``, ``nan``
    when a member has no backtest or there is no cut-off)."""
    if not cutoffs or not all(n in backtests for n in used):
        return None, float("nan"), float("nan")
    rows = [combine([backtests[n][w] for n in used]) for w in range(len(cutoffs))]
    rows = [clip_at_zero(r) if settings.nonnegative else r for r in rows]
    actual = np.vstack([y[c:c + settings.horizon] for c in cutoffs])
    forecast = np.vstack([r.mean for r in rows])
    backtest = Backtest(tuple(cutoffs), actual, forecast, np.vstack([r.sd for r in rows]))
    abs_error = np.abs(actual - forecast)
    scale = mase_scale(y[:cutoffs[0]], settings.season_length)
    b_mase = float(abs_error.mean() / scale) if np.isfinite(scale) and scale > 0 \
        else float("nan")
    total = float(np.abs(actual).sum())
    b_wape = float(abs_error.sum() / total) if total > 0 else float("nan")
    return backtest, b_mase, b_wape


def choose_pooled(fits: Sequence[SeriesFit], values: Sequence[np.ndarray],
                  settings: FitSettings) -> list[SeriesFit]:
    """Finish the ``pooled`` strategy. Series whose demand classes have the same candidates
    form a pool (smooth and erratic by default; intermittent and lumpy by default). Per
    regular pool: the subset of candidates whose median has the lowest backtest sMAPE averaged
    over the windows of the pool's series
    (:func:`~salesflow.forecasting.pooled_smape.best_smape_subset`); per intermittent pool:
    the subset with the lowest pooled backtest MASE and the candidate with the lowest
    pinball loss for the quantiles
    (:func:`~salesflow.forecasting.pooling.choose_sparse`). Only series where every candidate
    was fitted and backtested vote; ties go to the earlier subset, smaller first. Then every
    series of the pool is recombined from those members (from all it has, if it lacks them).
    Fits without options pass through unchanged.
    """
    out = list(fits)
    pools: dict[tuple[bool, tuple[str, ...]], list[int]] = {}
    for i, fit in enumerate(fits):
        if fit.options:
            key = (fit.demand.intermittent, tuple(settings.candidates[fit.demand.label]))
            pools.setdefault(key, []).append(i)
    for (sparse, names), indices in pools.items():
        voting = [i for i in indices if _can_vote(fits[i], names)]
        best: Sequence[str] = names
        sources: dict[float, str] = {}
        if sparse:
            choice = choose_sparse([fits[i] for i in voting], [values[i] for i in voting],
                                   names, settings)
            best, sources = choice.members, choice.quantile_sources
        elif voting:
            best = best_smape_subset([fits[i] for i in voting], names, settings.nonnegative)
        for i in indices:
            out[i] = _recombine(fits[i], values[i], best, settings, sources)
    return out


def _can_vote(fit: SeriesFit, names: Sequence[str]) -> bool:
    """Whether every candidate in ``names`` was fitted and backtested on all of ``fit``'s
    cut-offs."""
    backtest = fit.backtest
    return backtest is not None and all(
        n in fit.options and fit.options.backtest_count(n) == len(backtest.cutoffs)
        for n in names)


def _recombine(fit: SeriesFit, y: np.ndarray, members: Sequence[str],
               settings: FitSettings, quantile_sources: Mapping[float, str] | None = None
               ) -> SeriesFit:
    used = [n for n in members if n in fit.options] or list(fit.options)
    prediction = combine([fit.options.final(n) for n in used])
    quantiles = _sourced_quantiles(fit, prediction, quantile_sources or {}, settings)
    if quantiles is not None:
        prediction = replace(prediction, quantiles=quantiles)
    if settings.nonnegative:
        prediction = clip_at_zero(prediction)
    backtests = {n: fit.options.backtests(n) for n in used if fit.options.backtest_count(n)}
    cutoffs = cutoffs_for(len(y), settings)
    backtest, b_mase, b_wape = _backtest_of(np.asarray(y, dtype=np.float64), used, backtests,
                                            cutoffs, settings)
    models = (fit.options.model(n) for n in used)
    fitted = tuple(m for m in models if m is not None) if settings.keep_models else None
    return replace(fit, model=_label(used), members=tuple(used), prediction=prediction,
                   backtest=backtest, backtest_mase=b_mase, backtest_wape=b_wape,
                   fitted=fitted, options=PackedOptions())


def _sourced_quantiles(fit: SeriesFit, prediction: Prediction,
                       sources: Mapping[float, str],
                       settings: FitSettings) -> dict[float, np.ndarray] | None:
    """Each level's quantile from its source (a candidate's own quantile, or the point
    forecast for :data:`~salesflow.forecasting.pooling.POINT`); ``None`` unless every level
    has a source this series has."""
    out = {}
    finals: dict[str, Prediction] = {}
    for level in settings.levels:
        source = sources.get(level)
        if source == POINT:
            out[level] = prediction.mean.copy()
            continue
        if source is None or source not in fit.options:
            return None
        if source not in finals:
            finals[source] = fit.options.final(source)
        if level not in finals[source].quantiles:
            return None
        out[level] = finals[source].quantiles[level]
    return out if out else None


def fit_many(tasks: Sequence[SeriesTask], settings: FitSettings) -> list[SeriesFit]:
    """:func:`fit_series` over ``tasks``, in order (one chunk of the parallel map)."""
    return [fit_series(task, settings) for task in tasks]

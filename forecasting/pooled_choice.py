"""The pooled choice: one combination of candidates for all series with the same candidates.

After every series has been fitted with all its candidates (:func:`~salesflow.forecasting.
series_fit.fit_series` with the ``pooled`` strategy), :func:`choose_pooled` picks per pool the
subset whose median forecasts best on the pooled backtests, and recombines every series of
the pool from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from salesflow.forecasting.base import Prediction
from salesflow.forecasting.options import PackedOptions
from salesflow.forecasting.pooled_smape import best_smape_subset
from salesflow.forecasting.pooling import POINT, SparseChoice, choose_sparse
from salesflow.forecasting.series_fit import (
    FitSettings,
    SeriesFit,
    backtest_of,
    clip_at_zero,
    combine,
    cutoffs_for,
    label_of,
)


def choose_pooled(fits: Sequence[SeriesFit], values: Sequence[np.ndarray],
                  settings: FitSettings) -> list[SeriesFit]:
    """Finish the ``pooled`` strategy. Series whose demand classes have the same candidates
    form a pool (smooth and erratic by default; intermittent and lumpy by default). Per
    regular pool: the subset of candidates whose median has the lowest backtest sMAPE averaged
    over the windows of the pool's series
    (:func:`~salesflow.forecasting.pooled_smape.best_smape_subset`); per intermittent pool:
    the subset with the lowest pooled backtest MASE and, per quantile level, the source with
    the lowest pinball loss, chosen per demand class where the class is large enough
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
        choice: SparseChoice | None = None
        if sparse:
            choice = choose_sparse([fits[i] for i in voting], [values[i] for i in voting],
                                   names, settings, [fits[i].demand.label for i in voting])
            best = choice.members
        elif voting:
            best = best_smape_subset([fits[i] for i in voting], names, settings.nonnegative)
        for i in indices:
            sources = choice.sources_for(fits[i].demand.label) if choice is not None else {}
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
    backtests = {n: fit.options.backtest_windows(n) for n in used
                 if fit.options.backtest_count(n)}
    cutoffs = cutoffs_for(len(y), settings)
    backtest, b_mase, b_wape = backtest_of(np.asarray(y, dtype=np.float64), used, backtests,
                                            cutoffs, settings)
    models = (fit.options.model(n) for n in used)
    fitted = tuple(m for m in models if m is not None) if settings.keep_models else None
    return replace(fit, model=label_of(used), members=tuple(used), prediction=prediction,
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

"""The pooled choice: one combination of candidates for all series with the same candidates.

After every series has been fitted with all its candidates (:func:`~salesflow.forecasting.
series_fit.fit_series` with the ``pooled`` strategy), :func:`pool_choices` picks per pool the
subset whose median forecasts best on the pooled backtests, and :func:`apply_choices`
recombines every series of the pool from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from salesflow.forecasting.base import Prediction
from salesflow.forecasting.classify import DemandClass
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

PoolKey = tuple[bool, tuple[str, ...]]
"""A pool: whether its demand is intermittent, and its candidates."""


def pool_key(demand: DemandClass, settings: FitSettings) -> PoolKey:
    """The pool of a series of class ``demand``: series whose classes have the same candidates
    (and are all intermittent or all regular) are chosen for together."""
    return demand.intermittent, tuple(settings.candidates[demand.label])


@dataclass(frozen=True)
class PoolChoice:
    """What one pool chose: the members whose median is the point forecast and, for an
    intermittent pool, the quantile sources (``sparse``)."""

    members: tuple[str, ...]
    sparse: SparseChoice | None = None

    def sources_for(self, demand_class: str) -> dict[float, str]:
        """The quantile sources of a series of ``demand_class`` (empty for a regular pool:
        calibrated quantiles)."""
        return self.sparse.sources_for(demand_class) if self.sparse is not None else {}

    def needs(self, demand_class: str) -> set[str]:
        """The candidates a series of ``demand_class`` uses: the members and its quantile
        sources."""
        sources = self.sources_for(demand_class).values()
        return set(self.members) | {s for s in sources if s != POINT}


def pool_choices(fits: Sequence[SeriesFit], values: Sequence[np.ndarray],
                 settings: FitSettings) -> dict[PoolKey, PoolChoice]:
    """The choice of every pool with fits that have options (:func:`pool_key`; smooth and
    erratic series form one by default, intermittent and lumpy another). Per regular pool:
    the subset of candidates whose median has the lowest backtest sMAPE averaged over the
    windows of the pool's series (:func:`~salesflow.forecasting.pooled_smape.
    best_smape_subset`); per intermittent pool: the subset with the lowest pooled backtest
    MASE and, per quantile level, the source with the lowest pinball loss, chosen per demand
    class where the class is large enough (:func:`~salesflow.forecasting.pooling.
    choose_sparse`). Only series where every candidate was fitted and backtested vote; ties
    go to the earlier subset, smaller first; without a voter, every candidate."""
    pools: dict[PoolKey, list[int]] = {}
    for i, fit in enumerate(fits):
        if fit.options:
            pools.setdefault(pool_key(fit.demand, settings), []).append(i)
    choices = {}
    for key, indices in pools.items():
        sparse, names = key
        voting = [i for i in indices if _can_vote(fits[i], names)]
        if sparse:
            choice = choose_sparse([fits[i] for i in voting], [values[i] for i in voting],
                                   names, settings, [fits[i].demand.label for i in voting])
            choices[key] = PoolChoice(choice.members, choice)
        else:
            best = best_smape_subset([fits[i] for i in voting], names, settings.nonnegative) \
                if voting else names
            choices[key] = PoolChoice(tuple(best))
    return choices


def apply_choices(fits: Sequence[SeriesFit], values: Sequence[np.ndarray],
                  settings: FitSettings, choices: Mapping[PoolKey, PoolChoice]
                  ) -> list[SeriesFit]:
    """Every fit with options recombined from its pool's choice (from all the candidates it
    has if it lacks the members; the median of all of them for a pool without a choice);
    fits without options pass through unchanged."""
    out = list(fits)
    for i, fit in enumerate(fits):
        if not fit.options:
            continue
        key = pool_key(fit.demand, settings)
        choice = choices.get(key) or PoolChoice(key[1])
        out[i] = _recombine(fit, values[i], choice.members, settings,
                            choice.sources_for(fit.demand.label))
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

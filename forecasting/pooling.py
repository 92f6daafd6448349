"""The pooled choice for intermittent and lumpy demand: one choice learnt from many series.

A sporadic series has too few demands for its own backtest to tell its candidates apart, so
the choice is made once for all such series with the same candidates (a pool), on their
backtests together, with losses that fit the use of each output:

* the point forecast (what the purchase plan orders) is the median of the subset of the
  candidates with the lowest backtest MASE: the mean absolute error of each series divided by
  its mean absolute one-step change, averaged over the series of the pool (scale-free, so a
  fast mover does not outvote the rest);
* each quantile (what safety stock is set from) is, per level, that of the candidate with its
  own distribution, or the point forecast itself, with the lowest pooled backtest pinball
  loss at that level (scaled the same way): the median is often the point forecast, which
  was chosen on the absolute error, the pinball loss of level 0.5. The quantiles describe the
  shape of demand, which differs between the classes of a pool (lumpy demand varies in size,
  intermittent demand does not), so each class with at least :data:`MIN_CLASS_SERIES` series
  with a backtest chooses its own sources; a smaller class takes the pool's.

The arrays are stacked once, candidates first, and every subset is scored in one vectorised
median of its members' arrays, so the choice costs little beside the fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from salesflow.forecasting.metrics import mase_scale
from salesflow.forecasting.pooled_smape import member_median

if TYPE_CHECKING:
    from salesflow.forecasting.series_fit import FitSettings, SeriesFit


#: Quantile source meaning the point forecast (the median of the chosen members).
POINT = "forecast"
#: Series with a backtest a demand class needs in a pool to choose its own quantile sources.
MIN_CLASS_SERIES = 30


@dataclass(frozen=True)
class SparseChoice:
    """What a pool of intermittent series uses.

    Attributes
    ----------
    members:
        Candidates whose median is the point forecast.
    quantile_sources:
        Per quantile level, the candidate whose own quantile is used, or :data:`POINT` for
        the point forecast (empty without a backtest: calibrated quantiles).
    mase:
        Pooled backtest MASE of the chosen median.
    class_sources:
        Per demand class with its own choice (:data:`MIN_CLASS_SERIES`), its quantile
        sources; the other classes use ``quantile_sources``.
    """

    members: tuple[str, ...]
    quantile_sources: dict[float, str]
    mase: float
    class_sources: dict[str, dict[float, str]] = field(default_factory=dict)

    def sources_for(self, demand_class: str) -> dict[float, str]:
        """The quantile sources of a series of ``demand_class``."""
        return self.class_sources.get(demand_class, self.quantile_sources)


def _stack(voters: Sequence[SeriesFit], values: Sequence[np.ndarray],
           names: Sequence[str], settings: FitSettings) \
        -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int], np.ndarray]:
    """Backtest forecasts ``candidates x rows x horizon``, actuals ``rows x horizon``, row
    weights (one row per series and window; weight 1 / (scale * windows of the series)), the
    positions in ``voters`` of the series used (those with a backtest and a positive
    in-sample scale) and each row's position in ``voters``."""
    means: list[np.ndarray] = []
    actuals, weights, used, owners = [], [], [], []
    for position, (fit, y) in enumerate(zip(voters, values, strict=True)):
        backtest = fit.backtest
        scale = mase_scale(y, 1)
        if backtest is None or not np.isfinite(scale) or scale <= 0:
            continue
        n = len(backtest.cutoffs)
        used.append(position)
        owners.extend([position] * n)
        for w in range(n):
            means.extend(fit.options.backtest_mean(name, w) for name in names)
            actuals.append(backtest.actual[w])
            weights.append(1.0 / (scale * n))
    if not actuals:
        empty = np.empty((len(names), 0, settings.horizon))
        return empty, np.empty((0, settings.horizon)), np.empty(0), [], np.empty(0, np.intp)
    stacked = np.ascontiguousarray(
        np.array(means).reshape(len(actuals), len(names), -1).transpose(1, 0, 2))
    if settings.nonnegative:
        stacked = np.maximum(stacked, 0.0)
    return stacked, np.vstack(actuals), np.asarray(weights), used, np.asarray(owners, np.intp)


def _pinball_sources(used: Sequence[SeriesFit], names: Sequence[str], point: np.ndarray,
                     actuals: np.ndarray, weights: np.ndarray,
                     settings: FitSettings) -> dict[float, str]:
    """Per quantile level, the source with the lowest pooled scaled pinball loss: a candidate
    with its own quantiles (at every level, in every window of every series in ``used``, the
    series with rows in :func:`_stack`) or the point forecast (:data:`POINT`, whose backtest
    is ``point``, rows as in :func:`_stack`)."""
    levels = settings.levels
    if not levels:  # a forecast without quantiles (orders per day): nothing to choose
        return {}
    losses: dict[str, np.ndarray] = {}

    def pinball(quantiles: np.ndarray) -> np.ndarray:
        """Weighted pinball per level of ``quantiles`` (levels x rows x horizon)."""
        q = np.asarray(levels)[:, None, None]
        diff = actuals[None, :, :] - quantiles
        per_row = np.maximum(q * diff, (q - 1.0) * diff).mean(axis=2)
        return per_row @ weights

    losses[POINT] = pinball(np.repeat(point[None, :, :], len(levels), axis=0))
    for name in names:
        blocks = [fit.options.backtest_quantiles(name, levels) for fit in used]
        own = [block for block in blocks if block is not None]
        if len(own) != len(blocks) or sum(len(block) for block in own) != actuals.shape[0]:
            continue
        stacked = np.ascontiguousarray(np.concatenate(own).transpose(1, 0, 2))
        if settings.nonnegative:
            stacked = np.maximum(stacked, 0.0)
        losses[name] = pinball(stacked)
    order = [POINT, *names]
    return {level: min((n for n in order if n in losses), key=lambda n: losses[n][i])
            for i, level in enumerate(levels)}


def choose_sparse(voters: Sequence[SeriesFit], values: Sequence[np.ndarray],
                  names: Sequence[str], settings: FitSettings,
                  classes: Sequence[str] | None = None) -> SparseChoice:
    """The pooled choice for ``voters`` (series where every candidate in ``names`` was fitted
    and backtested; ``values`` their histories; ``classes`` their demand classes, for the
    quantile sources per class). Ties go to the earlier subset, smaller first; without a
    usable backtest the median of all ``names``."""
    forecasts, actuals, weights, positions, owners = _stack(voters, values, names, settings)
    if weights.size == 0:
        return SparseChoice(tuple(names), {}, float("nan"))
    used = [voters[p] for p in positions]
    best: tuple[int, ...] = tuple(range(len(names)))
    best_loss = np.inf
    for k in range(1, len(names) + 1):
        for subset in combinations(range(len(names)), k):
            median = member_median(forecasts, subset)
            loss = float(weights @ np.abs(actuals - median).mean(axis=1)) / len(used)
            if loss < best_loss:
                best, best_loss = subset, loss
    point = member_median(forecasts, best)
    sources = _pinball_sources(used, names, point, actuals, weights, settings)
    by_class: dict[str, dict[float, str]] = {}
    if classes is not None:
        labels = [classes[p] for p in positions]
        row_labels = np.asarray(classes, dtype=object)[owners]
        for label in sorted(set(labels)):
            members = [fit for fit, own in zip(used, labels, strict=True) if own == label]
            if len(members) < MIN_CLASS_SERIES or len(members) == len(used):
                continue
            rows = row_labels == label
            by_class[label] = _pinball_sources(members, names, point[rows], actuals[rows],
                                               weights[rows], settings)
    return SparseChoice(tuple(names[i] for i in best), sources, best_loss, by_class)

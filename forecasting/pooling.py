"""The pooled choice for intermittent and lumpy demand: one choice learnt from many series.

A sporadic series has too few demands for its own backtest to tell its candidates apart, so
the choice is made once for all such series with the same candidates (a pool), on their
backtests together, with losses that fit the use of each output:

* the point forecast (what the purchase plan orders) is the median of the subset of the
  candidates with the lowest backtest MASE: the mean absolute error of each series divided by
  its mean absolute one-step change, averaged over the series of the pool (scale-free, so a
  fast mover does not outvote the rest);
* the quantiles (what safety stock is set from) are those of the candidate with its own
  distribution that has the lowest scaled pinball loss summed over the quantile levels.

The arrays are stacked once and every subset is scored in one vectorised median, so the
choice costs little beside the fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from salesflow.forecasting.metrics import mase_scale

if TYPE_CHECKING:
    from salesflow.forecasting.series_fit import FitSettings, SeriesFit


@dataclass(frozen=True)
class SparseChoice:
    """What a pool of intermittent series uses.

    Attributes
    ----------
    members:
        Candidates whose median is the point forecast.
    quantile_source:
        Candidate whose own quantiles are used (``None``: calibrated ones).
    mase:
        Pooled backtest MASE of the chosen median.
    """

    members: tuple[str, ...]
    quantile_source: str | None
    mase: float


def _stack(voters: Sequence[SeriesFit], values: Sequence[np.ndarray],
           names: Sequence[str], settings: FitSettings) \
        -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Backtest forecasts ``rows x candidates x horizon``, actuals ``rows x horizon``, row
    weights (one row per series and window; weight 1 / (scale * windows of the series)) and
    the number of series with rows."""
    forecasts, actuals, weights = [], [], []
    n_series = 0
    for fit, y in zip(voters, values, strict=True):
        backtest = fit.backtest
        scale = mase_scale(y, 1)
        if backtest is None or not np.isfinite(scale) or scale <= 0:
            continue
        n = len(backtest.cutoffs)
        n_series += 1
        for w in range(n):
            forecasts.append(np.vstack([fit.options[name][1][w].mean for name in names]))
            actuals.append(backtest.actual[w])
            weights.append(1.0 / (scale * n))
    if not forecasts:
        empty = np.empty((0, len(names), settings.horizon))
        return empty, np.empty((0, settings.horizon)), np.empty(0), 0
    stacked = np.stack(forecasts)
    if settings.nonnegative:
        stacked = np.maximum(stacked, 0.0)
    return stacked, np.vstack(actuals), np.asarray(weights), n_series


def _pinball_source(voters: Sequence[SeriesFit], values: Sequence[np.ndarray],
                    names: Sequence[str], settings: FitSettings) -> str | None:
    """The candidate with its own quantiles at every level and the lowest pooled scaled
    pinball loss (``None`` if no candidate has its own quantiles)."""
    levels = settings.levels
    best, best_loss = None, np.inf
    for name in names:
        total, any_row = 0.0, False
        for fit, y in zip(voters, values, strict=True):
            backtest = fit.backtest
            scale = mase_scale(y, 1)
            if backtest is None or not np.isfinite(scale) or scale <= 0:
                continue
            windows = fit.options[name][1]
            if not all(all(q in p.quantiles for q in levels) for p in windows):
                total = np.inf
                break
            for w, p in enumerate(windows):
                diff = backtest.actual[w][None, :] - np.vstack(
                    [np.maximum(p.quantiles[q], 0.0) if settings.nonnegative
                     else p.quantiles[q] for q in levels])
                q = np.asarray(levels)[:, None]
                total += float(np.mean(np.maximum(q * diff, (q - 1.0) * diff))) \
                    / (scale * len(windows))
                any_row = True
        if any_row and total < best_loss:
            best, best_loss = name, total
    return best if levels else None


def choose_sparse(voters: Sequence[SeriesFit], values: Sequence[np.ndarray],
                  names: Sequence[str], settings: FitSettings) -> SparseChoice:
    """The pooled choice for ``voters`` (series where every candidate in ``names`` was fitted
    and backtested; ``values`` their histories). Ties go to the earlier subset, smaller
    first; without a usable backtest the median of all ``names``."""
    forecasts, actuals, weights, n_series = _stack(voters, values, names, settings)
    if weights.size == 0:
        return SparseChoice(tuple(names), None, float("nan"))
    best: tuple[str, ...] = tuple(names)
    best_loss = np.inf
    for k in range(1, len(names) + 1):
        for subset in combinations(range(len(names)), k):
            median = np.median(forecasts[:, list(subset), :], axis=1)
            loss = float(weights @ np.abs(actuals - median).mean(axis=1)) / n_series
            if loss < best_loss:
                best, best_loss = tuple(names[i] for i in subset), loss
    return SparseChoice(best, _pinball_source(voters, values, names, settings), best_loss)

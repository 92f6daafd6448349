"""ADIDA and IMAPA: intermittent demand forecast by temporal aggregation.

* ADIDA (Nikolopoulos et al. 2011): sum the series in non-overlapping buckets of ``k``
  periods (``k`` the mean interval between demands, rounded; the oldest periods that do not
  fill a bucket are dropped), forecast the bucket sums by simple exponential smoothing and
  spread the forecast evenly over the ``k`` periods of a bucket. Aggregation removes most of
  the zeros, so the smoothing sees a series it can follow.
* IMAPA (Petropoulos & Kourentzes 2015): the mean of the ADIDA forecasts at every
  aggregation level from 1 to ``k``.

The smoothing constant of each aggregate series minimises its one-step squared errors on a
grid from 0.1 to 0.3 (statsforecast's bounds), unless ``alpha`` is given. The forecast distribution
is the intermittent models' mixture (:mod:`salesflow.forecasting.intermittent`): a demand with
the observed share of periods with demand, sized so that the mean is the forecast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import signal

from salesflow.forecasting.base import as_series
from salesflow.forecasting.intermittent import _check_rate, _Intermittent, demand_intervals

#: Smoothing constants tried on the aggregate series: 0.1 to 0.3 (statsforecast's bounds) in
#: steps of 0.01.
ALPHA_GRID = np.round(np.linspace(0.1, 0.3, 21), 2)


def _ses_levels(x: np.ndarray, alpha: float) -> np.ndarray:
    """Levels of simple exponential smoothing started at the first value (``l_0 = x_0``)."""
    if x.size == 1:
        return x.astype(np.float64)
    rest, _ = signal.lfilter([alpha], [1.0, alpha - 1.0], x[1:], zi=[(1.0 - alpha) * x[0]])
    return np.concatenate((x[:1], rest))


def best_alpha(x: np.ndarray) -> float:
    """The smoothing constant of :data:`ALPHA_GRID` with the least one-step squared error of
    simple exponential smoothing on ``x`` (the first on ties; the lowest with fewer than three
    values)."""
    if x.size < 3:
        return float(ALPHA_GRID[0])
    level = np.full(ALPHA_GRID.size, float(x[0]))
    sse = np.zeros(ALPHA_GRID.size)
    for value in x[1:]:
        error = value - level
        sse += error * error
        level = level + ALPHA_GRID * error
    return float(ALPHA_GRID[int(np.argmin(sse))])


def ses_forecast(x: np.ndarray, alpha: float | None = None) -> float:
    """Simple exponential smoothing's forecast of ``x`` (``alpha`` ``None``:
    :func:`best_alpha`)."""
    return float(_ses_levels(x, best_alpha(x) if alpha is None else alpha)[-1])


def aggregate(y: np.ndarray, level: int) -> np.ndarray:
    """Sums of non-overlapping buckets of ``level`` periods, aligned on the last period."""
    cut = y[y.size % level:]
    return cut.reshape(-1, level).sum(axis=1)


def aggregation_level(y: np.ndarray) -> int:
    """The mean interval between demands, rounded half to even (at least 1, at most the
    series' length)."""
    return _level_of(demand_intervals(y)[1], y.size)


def _level_of(intervals: np.ndarray, n_obs: int) -> int:
    """:func:`aggregation_level` from the series' intervals between demands."""
    if intervals.size == 0:
        return 1
    return int(min(max(round(float(intervals.mean())), 1), n_obs))


class ADIDA(_Intermittent):
    """Aggregate-disaggregate intermittent demand approach.

    Parameters
    ----------
    alpha:
        Smoothing constant of the aggregate series in (0, 1]; ``None`` to choose it on
        :data:`ALPHA_GRID`.
    """

    name = "adida"

    def __init__(self, alpha: float | None = None) -> None:
        self.alpha = alpha

    def _levels(self, k: int) -> list[int]:
        return [k]

    def fit(self, y: Sequence[float] | np.ndarray) -> ADIDA:
        """Aggregate ``y`` and smooth the bucket sums.

        Raises
        ------
        ValueError
            If ``y`` is empty, not finite or negative, or ``alpha`` is outside (0, 1].
        """
        alpha = None if self.alpha is None else _check_rate("alpha", self.alpha)
        values = as_series(y)
        if (values < 0).any():
            raise ValueError("intermittent demand models need non-negative y")
        share = float((values != 0).mean())
        if share == 0.0:
            self.aggregation_level_ = 1
            self.forecast_ = 0.0
            self._finish(values, 0.0, 0.0)
            return self
        sizes, intervals = demand_intervals(values)
        k = _level_of(intervals, values.size)
        self.aggregation_level_ = k
        self.forecast_ = float(np.mean([ses_forecast(aggregate(values, level), alpha) / level
                                        for level in self._levels(k)]))
        self._finish(values, share, self.forecast_ / share, sizes)
        return self


class IMAPA(ADIDA):
    """Intermittent multiple aggregation prediction algorithm: the mean of the ADIDA
    forecasts at aggregation levels ``1..k``.

    Parameters
    ----------
    alpha:
        Smoothing constant of the aggregate series in (0, 1]; ``None`` to optimise it.
    """

    name = "imapa"

    def _levels(self, k: int) -> list[int]:
        return list(range(1, k + 1))

"""Croston, SBA and TSB: forecasts for intermittent demand (many periods without any).

* Croston (1972): simple exponential smoothing of the non-zero demand sizes and of the
  intervals between them (both started at their first value); forecast = size / interval.
* SBA (Syntetos & Boylan 2005): Croston times ``1 - alpha / 2``, removing Croston's bias.
* TSB (Teunter, Syntetos & Babai 2011): smooths the probability of a demand every period
  (so an item that stops selling decays towards zero) and the size when a demand occurs;
  forecast = probability * size.

The forecast distribution of one period is a mixture: no demand with probability ``1 - p``,
else a size drawn from the observed non-zero sizes rescaled to the smoothed mean size. Its
quantiles (exact for that mixture, zero below ``1 - p``) are the models' own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import signal

from salesflow.forecasting.base import LocalForecaster, as_series, linear_quantiles


def ses_last(values: np.ndarray, alpha: float) -> float:
    """Last level of simple exponential smoothing started at the first value."""
    if values.size == 1:
        return float(values[0])
    levels, _ = signal.lfilter([alpha], [1.0, alpha - 1.0], values[1:],
                               zi=[(1.0 - alpha) * values[0]])
    return float(levels[-1])


def demand_intervals(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-zero sizes and the periods since the previous demand (the first counts from the
    start of the series: a first demand in period 3 has interval 3)."""
    where = np.flatnonzero(y != 0)
    return y[where], np.diff(np.concatenate(([-1], where))).astype(np.float64)


def _check_rate(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ValueError(f"{name} must be a number in (0, 1]; got {value!r}")
    return float(value)


class _Intermittent(LocalForecaster):
    """Shared mixture distribution: ``probability_``, ``mean_size_`` and ``sizes_``."""

    def _finish(self, y: np.ndarray, probability: float, mean_size: float,
                sizes: np.ndarray | None = None) -> None:
        """Keep the mixture: ``sizes`` are ``y``'s non-zero demands (computed when not
        given)."""
        self.sizes_ = demand_intervals(y)[0] if sizes is None else sizes
        self.probability_ = float(min(max(probability, 0.0), 1.0))
        self.mean_size_ = float(mean_size)
        self.n_obs_ = y.size

    def _point(self) -> float:
        return self.probability_ * self.mean_size_

    def _predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        mean = np.full(horizon, self._point())
        p = self.probability_
        if self.sizes_.size == 0 or p == 0.0:
            return mean, np.zeros(horizon)
        scaled = self.sizes_ * (self.mean_size_ / self.sizes_.mean()) \
            if self.sizes_.mean() != 0 else self.sizes_
        variance = p * np.mean(scaled ** 2) - (p * np.mean(scaled)) ** 2
        return mean, np.full(horizon, np.sqrt(max(variance, 0.0)))

    def _quantiles(self, mean: np.ndarray, levels: list[float]) -> dict[float, np.ndarray]:
        p = self.probability_
        values = dict.fromkeys(levels, 0.0)
        sized = [level for level in levels
                 if not (self.sizes_.size == 0 or p == 0.0 or level <= 1.0 - p)]
        if sized:  # numpy's quantiles of the sizes, number for number
            average = self.sizes_.mean()
            ratio = self.mean_size_ / average if average != 0 else 1.0
            within = [min((level - (1.0 - p)) / p, 1.0) for level in sized]
            ordered = sorted(self.sizes_.tolist())
            for level, size in zip(sized, linear_quantiles(ordered, within), strict=True):
                values[level] = float(size) * ratio
        return {level: np.full(mean.size, values[level]) for level in levels}


class Croston(_Intermittent):
    """Croston's method.

    Parameters
    ----------
    alpha:
        Smoothing constant of both the sizes and the intervals, in (0, 1].
    """

    name = "croston"
    _bias_correction = False

    def __init__(self, alpha: float = 0.1) -> None:
        self.alpha = alpha

    def fit(self, y: Sequence[float] | np.ndarray) -> Croston:
        """Smooth the sizes and intervals of ``y``.

        Raises
        ------
        ValueError
            If ``y`` is empty, not finite or negative, or ``alpha`` is outside (0, 1].
        """
        alpha = _check_rate("alpha", self.alpha)
        values = as_series(y)
        if (values < 0).any():
            raise ValueError("intermittent demand models need non-negative y")
        sizes, intervals = demand_intervals(values)
        if sizes.size == 0:
            self.size_, self.interval_ = 0.0, float(values.size)
            self._finish(values, 0.0, 0.0, sizes)
            return self
        self.size_ = ses_last(sizes, alpha)
        self.interval_ = max(ses_last(intervals, alpha), 1.0)
        factor = 1.0 - alpha / 2.0 if self._bias_correction else 1.0
        self._finish(values, 1.0 / self.interval_, self.size_ * factor, sizes)
        return self


class SBA(Croston):
    """The Syntetos-Boylan approximation: Croston times ``1 - alpha / 2``.

    Parameters
    ----------
    alpha:
        Smoothing constant of both the sizes and the intervals, in (0, 1].
    """

    name = "sba"
    _bias_correction = True


class TSB(_Intermittent):
    """Teunter-Syntetos-Babai: smoothed demand probability times smoothed size.

    Parameters
    ----------
    alpha_size:
        Smoothing constant of the size (updated in periods with demand), in (0, 1].
    alpha_probability:
        Smoothing constant of the demand probability (updated every period), in (0, 1].
    """

    name = "tsb"

    def __init__(self, alpha_size: float = 0.1, alpha_probability: float = 0.1) -> None:
        self.alpha_size = alpha_size
        self.alpha_probability = alpha_probability

    def fit(self, y: Sequence[float] | np.ndarray) -> TSB:
        """Smooth the probability (started at the share of periods with demand) and the size
        (started at the first demand).

        Raises
        ------
        ValueError
            If ``y`` is empty, not finite or negative, or a smoothing constant is outside
            (0, 1].
        """
        a_size = _check_rate("alpha_size", self.alpha_size)
        a_prob = _check_rate("alpha_probability", self.alpha_probability)
        values = as_series(y)
        if (values < 0).any():
            raise ValueError("intermittent demand models need non-negative y")
        occurred = (values != 0).astype(np.float64)
        start = float(occurred.mean())
        probability = ses_last(np.concatenate(([start], occurred)), a_prob)
        sizes, _ = demand_intervals(values)
        self.size_ = ses_last(sizes, a_size) if sizes.size else 0.0
        self._finish(values, probability, self.size_, sizes)
        return self

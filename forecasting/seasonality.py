"""Seasonality test and classical decomposition, as the Theta method uses them.

A series is called seasonal with period ``m`` when its autocorrelation at lag ``m`` is
significant at 90 % (two-sided) under Bartlett's formula, tested only with more than two full
seasons of data (Assimakopoulos & Nikolopoulos 2000; ``forecast::thetaf``). Seasonal series are
adjusted by the indices of a classical decomposition: multiplicative when every value is
positive, additive otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_Z_90 = 1.6448536269514722  # standard normal 0.95 quantile


def acf(y: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocorrelations at lags ``1..max_lag`` (biased estimator, as in R's acf)."""
    centred = y - y.mean()
    denominator = float(centred @ centred)
    if denominator == 0.0:
        return np.zeros(max_lag)
    return np.array([centred[lag:] @ centred[:-lag] for lag in range(1, max_lag + 1)]) \
        / denominator


def is_seasonal(y: np.ndarray, season_length: int) -> bool:
    """Whether ``y`` shows a significant autocorrelation at lag ``season_length``.

    Needs ``len(y) > 2 * season_length``; shorter series are treated as not seasonal.
    """
    n = y.size
    if season_length <= 1 or n <= 2 * season_length:
        return False
    r = acf(y, season_length)
    limit = _Z_90 * np.sqrt((1.0 + 2.0 * np.sum(r[:-1] ** 2)) / n)
    return bool(abs(r[-1]) > limit)


def _centred_moving_average(y: np.ndarray, m: int) -> np.ndarray:
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.full(y.size, np.nan)
    half = (weights.size - 1) // 2
    trend[half:half + y.size - weights.size + 1] = np.convolve(y, weights, mode="valid")
    return trend


@dataclass(frozen=True)
class SeasonalAdjustment:
    """Seasonal indices of a fitted series; ``kind`` ``"none"`` leaves values unchanged.

    Attributes
    ----------
    kind:
        ``"multiplicative"``, ``"additive"`` or ``"none"``.
    indices:
        One index per position in the season, position 0 being the series' first point.
    """

    kind: str
    indices: np.ndarray

    def _at(self, start: int, length: int) -> np.ndarray:
        return self.indices[(start + np.arange(length)) % self.indices.size]

    def adjust(self, y: np.ndarray) -> np.ndarray:
        """The seasonally adjusted series (``y`` starts at position 0)."""
        if self.kind == "multiplicative":
            return y / self._at(0, y.size)
        if self.kind == "additive":
            return y - self._at(0, y.size)
        return y

    def restore(self, values: np.ndarray, start: int) -> np.ndarray:
        """Put the season back on ``values`` that start at position ``start``."""
        if self.kind == "multiplicative":
            return values * self._at(start, values.size)
        if self.kind == "additive":
            return values + self._at(start, values.size)
        return values

    def scale(self, values: np.ndarray, start: int) -> np.ndarray:
        """Rescale spreads (standard deviations) of adjusted values back to the data."""
        if self.kind == "multiplicative":
            return values * self._at(start, values.size)
        return values


NO_SEASON = SeasonalAdjustment("none", np.ones(1))


def seasonal_adjustment(y: np.ndarray, season_length: int, test: bool = True) \
        -> SeasonalAdjustment:
    """Classical decomposition indices of ``y`` if it is seasonal, else :data:`NO_SEASON`.

    Parameters
    ----------
    test:
        Apply :func:`is_seasonal` first; with ``False`` any series of two full seasons or
        more is decomposed.
    """
    m = season_length
    if m <= 1 or y.size < 2 * m or (test and not is_seasonal(y, m)):
        return NO_SEASON
    trend = _centred_moving_average(y, m)
    multiplicative = bool(np.all(y > 0))
    detrended = y / trend if multiplicative else y - trend
    position = np.arange(y.size) % m
    indices = np.array([np.nanmean(detrended[position == p]) for p in range(m)])
    if not np.all(np.isfinite(indices)):
        return NO_SEASON
    if multiplicative:
        if np.any(indices <= 0):
            return NO_SEASON
        return SeasonalAdjustment("multiplicative", indices / indices.mean())
    return SeasonalAdjustment("additive", indices - indices.mean())

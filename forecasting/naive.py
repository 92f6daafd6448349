"""Naive and seasonal naive forecasting: the last value, or the value one season ago.

The baselines every other forecaster must beat. Quantiles add the empirical quantile of the
one-season-ahead errors to the point forecast, widened by the square root of the number of
seasons ahead (the seasonal-naive "before" of the weekly plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from salesflow.forecasting.base import (
    LocalForecaster,
    as_series,
    check_season_length,
    linear_quantiles,
    residual_sd,
)


def repeat_season(last_season: np.ndarray, horizon: int) -> np.ndarray:
    """The point forecast: the last season (along the last axis) repeated ``horizon`` steps."""
    return last_season[..., np.arange(horizon) % last_season.shape[-1]]


def seasons_ahead(season_length: int, horizon: int) -> np.ndarray:
    """Square root of the number of seasons ahead of each step: how the errors widen."""
    return np.sqrt(np.arange(horizon) // season_length + 1.0)


def residual_bands(mean: np.ndarray, residuals: np.ndarray, levels: Sequence[float],
                   season_length: int) -> dict[float, np.ndarray]:
    """Quantiles per level: ``mean`` plus the level's empirical quantile of the
    one-season-ahead ``residuals`` (none: 0), widened by :func:`seasons_ahead`. Works on one
    series (1-D) or on a row per series (2-D, all of one season length), the same numbers."""
    widen = seasons_ahead(season_length, mean.shape[-1])
    levels = list(levels)
    if residuals.ndim == 1 and residuals.size and levels and \
            not np.signbit(residuals[residuals == 0]).any():
        # one series: numpy's quantiles on Python floats (a sort cannot tell a negative
        # zero from a zero where numpy's partition would have picked one of them)
        shifts: Any = linear_quantiles(sorted(residuals.tolist()), levels)
    else:  # one call for every level (numpy's quantiles, element by element)
        shifts = np.quantile(residuals, levels, axis=-1) if residuals.shape[-1] and levels \
            else np.zeros((len(levels), *residuals.shape[:-1]))
    return {level: mean + np.asarray(shift)[..., None] * widen
            for level, shift in zip(levels, shifts, strict=True)}


class SeasonalNaive(LocalForecaster):
    """Forecast ``y[t+h] = y[t+h-m]``; with fewer than ``m`` observations, the last value.

    Parameters
    ----------
    season_length:
        Observations per season ``m`` (52 for weekly data with a yearly cycle, 7 for daily
        data with a weekly cycle, 1 for the plain naive forecast).
    """

    name = "seasonal_naive"

    def __init__(self, season_length: int = 1) -> None:
        self.season_length = season_length

    def fit(self, y: Sequence[float] | np.ndarray) -> SeasonalNaive:
        """Learn the last season and the one-season-ahead errors.

        Raises
        ------
        ValueError
            If ``y`` is empty or not finite, or ``season_length`` is not a positive integer.
        """
        m = check_season_length(self.season_length)
        values = as_series(y)
        m = m if values.size >= m else 1
        self.season_length_ = m
        self.last_season_ = values[-m:].copy()
        self.residuals_ = values[m:] - values[:-m]
        self.model_name_ = "seasonal_naive" if m > 1 else "naive"
        self.n_obs_ = values.size
        return self

    def _predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        mean = repeat_season(self.last_season_, horizon)
        return mean, residual_sd(self.residuals_) * seasons_ahead(self.season_length_, horizon)

    def _quantiles(self, mean: np.ndarray, levels: list[float]) -> dict[float, np.ndarray]:
        return residual_bands(mean, self.residuals_, levels, self.season_length_)


class Naive(SeasonalNaive):
    """The last value, repeated (seasonal naive with a season of one)."""

    name = "naive"

    def __init__(self) -> None:
        pass

    @property
    def season_length(self) -> int:  # type: ignore[override]
        """Always 1."""
        return 1

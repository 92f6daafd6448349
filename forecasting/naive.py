"""Naive and seasonal naive forecasting: the last value, or the value one season ago.

The baselines every other forecaster must beat. Quantiles add the empirical quantile of the
one-season-ahead errors to the point forecast, widened by the square root of the number of
seasons ahead (the seasonal-naive "before" of the weekly plan).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from salesflow.forecasting.base import (
    LocalForecaster,
    as_series,
    check_season_length,
    residual_sd,
)


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

    def _seasons_ahead(self, horizon: int) -> np.ndarray:
        return np.sqrt(np.arange(horizon) // self.season_length_ + 1.0)

    def _predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        mean = self.last_season_[np.arange(horizon) % self.season_length_]
        return mean, residual_sd(self.residuals_) * self._seasons_ahead(horizon)

    def _quantiles(self, mean: np.ndarray, levels: list[float]) -> dict[float, np.ndarray]:
        widen = self._seasons_ahead(mean.size)
        out = {}
        for level in levels:
            shift = float(np.quantile(self.residuals_, level)) if self.residuals_.size else 0.0
            out[level] = mean + shift * widen
        return out


class Naive(SeasonalNaive):
    """The last value, repeated (seasonal naive with a season of one)."""

    name = "naive"

    def __init__(self) -> None:
        pass

    @property
    def season_length(self) -> int:  # type: ignore[override]
        """Always 1."""
        return 1

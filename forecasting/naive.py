"""Seasonal naive forecasting: the value one season ago, with empirical quantiles.

The baseline every other forecaster must beat. Follows scikit-learn's estimator rules:
``__init__`` stores arguments, ``fit`` returns ``self`` and learns attributes ending in ``_``,
``predict`` before ``fit`` raises :class:`~salesflow.data.errors.NotFittedError`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator

from salesflow.data.errors import NotFittedError


class SeasonalNaive(BaseEstimator):
    """Forecast ``y[t+h] = y[t+h-m]``; with fewer than ``m`` observations, the last value.

    Parameters
    ----------
    season_length:
        Observations per season ``m`` (52 for weekly data with a yearly cycle, 7 for daily
        data with a weekly cycle, 1 for the plain naive forecast).
    """

    def __init__(self, season_length: int = 1) -> None:
        self.season_length = season_length

    def fit(self, y: Sequence[float] | np.ndarray) -> SeasonalNaive:
        """Learn the last season and the one-season-ahead errors.

        Raises
        ------
        ValueError
            If ``y`` is empty or not finite, or ``season_length`` is not a positive integer.
        """
        if not isinstance(self.season_length, int | np.integer) or self.season_length < 1:
            raise ValueError(
                f"season_length must be a positive integer; got {self.season_length!r}")
        values = np.asarray(y, dtype=np.float64)
        if values.ndim != 1 or values.size == 0:
            raise ValueError("y must be a non-empty one-dimensional series")
        if not np.isfinite(values).all():
            raise ValueError("y must hold finite numbers only")
        m = int(self.season_length) if values.size >= self.season_length else 1
        self.season_length_ = m
        self.last_season_ = values[-m:].copy()
        self.residuals_ = values[m:] - values[:-m]
        self.model_name_ = "seasonal_naive" if m > 1 else "naive"
        return self

    def predict(self, horizon: int, quantiles: Sequence[float] = ()) -> dict[str, np.ndarray]:
        """Point forecast (``"mean"``) and one array per quantile level (key: the level).

        Quantiles add the empirical quantile of the one-season-ahead errors to the point
        forecast, widened by the square root of the number of seasons ahead.
        """
        if not hasattr(self, "last_season_"):
            raise NotFittedError("SeasonalNaive is not fitted yet; call fit(y) first")
        if horizon < 1:
            raise ValueError(f"horizon must be >= 1; got {horizon}")
        m = self.season_length_
        steps = np.arange(horizon)
        mean = self.last_season_[steps % m]
        out: dict[str, np.ndarray] = {"mean": mean}
        seasons_ahead = np.sqrt(steps // m + 1.0)
        for level in quantiles:
            if not 0 < level < 1:
                raise ValueError(f"quantile levels must lie in (0, 1); got {level}")
            shift = float(np.quantile(self.residuals_, level)) if self.residuals_.size else 0.0
            out[str(level)] = mean + shift * seasons_ahead
        return out

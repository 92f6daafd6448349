"""What every local (one series at a time) forecasting model shares.

Models follow scikit-learn's estimator rules: ``__init__`` only stores its arguments, ``fit(y)``
returns ``self`` and learns attributes ending in ``_``, ``predict`` before ``fit`` raises
:class:`~salesflow.data.errors.NotFittedError`. ``predict(horizon, quantiles)`` returns a
:class:`Prediction`: the point forecast, a standard deviation per step and, where the model
has a distribution of its own (the intermittent models), explicit quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator

from salesflow.data.errors import NotFittedError


@dataclass(frozen=True)
class Prediction:
    """A forecast ``horizon`` steps ahead.

    Attributes
    ----------
    mean:
        Point forecast per step.
    sd:
        Standard deviation of the forecast error per step (analytic where the model has a
        formula, else from the in-sample one-step residuals grown with the square root of the
        step). Always finite and non-negative.
    quantiles:
        Quantile level -> values per step, for models with their own error distribution;
        empty otherwise (then :meth:`quantile` uses a normal distribution around ``mean``).
    """

    mean: np.ndarray
    sd: np.ndarray
    quantiles: Mapping[float, np.ndarray] = field(default_factory=dict)

    def quantile(self, level: float) -> np.ndarray:
        """Values at quantile ``level`` per step (the model's own, else normal)."""
        if level in self.quantiles:
            return self.quantiles[level]
        return self.mean + self.sd * float(stats.norm.ppf(level))


def as_series(y: Sequence[float] | np.ndarray, min_length: int = 1) -> np.ndarray:
    """``y`` as a finite one-dimensional float array.

    Raises
    ------
    ValueError
        If ``y`` is not one-dimensional, shorter than ``min_length`` or not finite.
    """
    values = np.asarray(y, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("y must be a non-empty one-dimensional series")
    if values.size < min_length:
        raise ValueError(f"y must hold at least {min_length} observations; got {values.size}")
    if not np.isfinite(values).all():
        raise ValueError("y must hold finite numbers only")
    return values


def check_horizon(horizon: int) -> int:
    """``horizon`` as a positive int.

    Raises
    ------
    ValueError
        If it is not a positive integer.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer; got {horizon!r}")
    return int(horizon)


def check_levels(quantiles: Sequence[float]) -> list[float]:
    """Quantile levels as floats in (0, 1).

    Raises
    ------
    ValueError
        If a level is outside (0, 1).
    """
    levels = [float(q) for q in quantiles]
    for level in levels:
        if not 0 < level < 1:
            raise ValueError(f"quantile levels must lie in (0, 1); got {level}")
    return levels


def check_season_length(season_length: object) -> int:
    """``season_length`` as a positive int.

    Raises
    ------
    ValueError
        If it is not a positive integer.
    """
    if isinstance(season_length, bool) or not isinstance(season_length, int | np.integer) \
            or season_length < 1:
        raise ValueError(f"season_length must be a positive integer; got {season_length!r}")
    return int(season_length)


def linear_quantiles(ordered: Sequence[float], probabilities: Sequence[float]) -> list[float]:
    """``np.quantile(values, probabilities)`` (its default, linear interpolation: method 7
    of Hyndman and Fan) of the finite ``values`` (no negative zero) sorted ascending as
    ``ordered``, on Python floats: the same arithmetic step by step (the virtual index
    ``(n - 1) * p``, the lower neighbour's share, numpy's ``_lerp``), hence the same numbers,
    without numpy's cost of about 0.2 ms a call on the few demand sizes of a slow mover."""
    n = len(ordered)
    out = []
    for p in probabilities:
        virtual = (n - 1) * p
        if virtual >= n - 1:  # numpy takes the last value, its weight counted from -1
            below = above = n - 1
            gamma = virtual + 1.0
        elif virtual < 0:
            below = above = 0
            gamma = virtual
        else:
            below = math.floor(virtual)
            above = below + 1
            gamma = virtual - below
        a, b = ordered[below], ordered[above]
        step = b - a
        out.append(b - step * (1 - gamma) if gamma >= 0.5 else a + step * gamma)
    return out


def residual_sd(residuals: np.ndarray) -> float:
    """Root mean square of the finite ``residuals`` (0 when there are none)."""
    finite = residuals[np.isfinite(residuals)]
    return float(np.sqrt(np.mean(finite ** 2))) if finite.size else 0.0


class LocalForecaster(BaseEstimator):
    """Base of the one-series models: fitted check and the :meth:`predict` wrapper.

    Subclasses implement ``fit(y)`` (setting at least ``n_obs_``) and
    ``_predict(horizon) -> (mean, sd)``; models with a distribution of their own also
    override ``_quantiles(mean, levels)``.
    """

    #: Short name used in the forecast's ``model`` column.
    name = "model"

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_obs_"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet; call fit(y) before predict")

    def _predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _quantiles(self, mean: np.ndarray, levels: list[float]) -> dict[float, np.ndarray]:
        return {}

    def predict(self, horizon: int, quantiles: Sequence[float] = ()) -> Prediction:
        """Forecast ``horizon`` steps after the end of the fitted series.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        ValueError
            If ``horizon`` is not a positive integer or a level is outside (0, 1).
        """
        self._check_fitted()
        steps = check_horizon(horizon)
        levels = check_levels(quantiles)
        mean, sd = self._predict(steps)
        sd = np.maximum(np.asarray(sd, dtype=np.float64), 0.0)
        if not np.isfinite(sd).all():  # NaN to 0, inf to the largest float
            sd = np.nan_to_num(sd)
        return Prediction(np.asarray(mean, dtype=np.float64), sd, self._quantiles(mean, levels))

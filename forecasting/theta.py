"""The Theta method and its optimised variants, in the state-space form of Fiorucci et al.

Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler (2016), "Models for optimising the theta
method and their relationship to state space models", IJF 32:1151-1161. Seasonality is removed
first by classical decomposition when the series tests seasonal (as the original method does).

One-step predictions, with ``A_t``/``B_t`` the intercept and slope of the least-squares line
through ``y_1..y_t`` (dynamic) or through the whole series (static)::

    mu_{t+1} = l_t + (1 - 1/theta) * ((1-alpha)^t A_t + (1 - (1-alpha)^{t+1}) / alpha * B_t)
    l_t      = alpha y_t + (1 - alpha) l_{t-1}

For a given ``alpha`` the predictions are linear in the initial level ``l_0`` and in
``w = 1 - 1/theta``, so those two come from a least-squares solve and only ``alpha`` is searched
(grid, then bounded Brent): the whole fit costs about a millisecond.

* :class:`Theta`: the standard method (``theta = 2``, static line), the M3 winner.
* :class:`OptimizedTheta`: ``theta >= 1`` estimated too; ``dynamic=True`` (the default) is the
  dynamic optimised Theta model (DOTM), ``dynamic=False`` the optimised Theta model (OTM).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import optimize, signal

from salesflow.forecasting.base import LocalForecaster, as_series, check_season_length
from salesflow.forecasting.seasonality import seasonal_adjustment

ALPHA_BOUNDS = (0.1, 0.99)
#: One-step errors left out of the fit: the first few lines through 1-3 points are too noisy
#: to judge the parameters by (as statsforecast does).
BURN_IN = 3


def regression_path(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intercept ``A_t`` and slope ``B_t`` of the least-squares line through ``y_1..y_t``,
    for every ``t`` (time index starting at 1; the slope of a single point is 0)."""
    t = np.arange(1, y.size + 1, dtype=np.float64)
    sum_y, sum_ty = np.cumsum(y), np.cumsum(t * y)
    sum_t, sum_tt = np.cumsum(t), np.cumsum(t * t)
    denominator = t * sum_tt - sum_t * sum_t
    safe = np.where(denominator > 0, denominator, 1.0)
    slope = np.where(denominator > 0, (t * sum_ty - sum_t * sum_y) / safe, 0.0)
    intercept = sum_y / t - slope * (t + 1.0) / 2.0
    return intercept, slope


def _ses_without_start(y: np.ndarray, alpha: float) -> np.ndarray:
    """Levels of simple exponential smoothing started from 0 (add ``(1-alpha)^t l_0``)."""
    levels, _ = _linear_filter(np.array([alpha]), np.array([1.0, alpha - 1.0]), y, -1,
                               np.zeros(1))
    return levels


def _scipy_linear_filter(b: np.ndarray, a: np.ndarray, x: np.ndarray, axis: int,
                         zi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return signal.lfilter(b, a, x, axis, zi)


try:  # the C filter behind ``scipy.signal.lfilter``, without its checks (a third of a call)
    from scipy.signal._sigtools import _linear_filter
except ImportError:  # pragma: no cover - another scipy layout: the public function
    _linear_filter = _scipy_linear_filter


class _OneStepErrors:
    """The one-step errors of a series as a function of ``alpha``: everything that does not
    depend on ``alpha`` (times, regression lines, the burn-in cut) prepared once per fit."""

    def __init__(self, z: np.ndarray, intercept: np.ndarray, slope: np.ndarray,
                 fixed_theta: float | None) -> None:
        skip = min(BURN_IN - 1, max(z.size - 3, 0))
        t = np.arange(1, z.size, dtype=np.float64)
        self.skip, self.fixed_theta = skip, fixed_theta
        self.z_head = z[:-1]
        self.times = t[skip:]
        self.times_next = (t + 1.0)[skip:]
        self.intercept = intercept[:-1][skip:]
        self.slope = slope[:-1][skip:]
        self.target = z[1:][skip:]

    def solve(self, alpha: float) -> tuple[float, float, float]:
        """Sum of squared one-step errors, ``l_0`` and ``w`` for one ``alpha``."""
        decay = (1.0 - alpha) ** self.times
        drift = decay * self.intercept \
            + (1.0 - (1.0 - alpha) ** self.times_next) / alpha * self.slope
        # the levels before each step: a causal filter on z[:-1] is the one on z, cut
        rest = self.target - _ses_without_start(self.z_head, alpha)[self.skip:]
        if self.fixed_theta is not None:
            w = 1.0 - 1.0 / self.fixed_theta
            level0 = float(decay @ (rest - w * drift) / (decay @ decay))
        else:
            design = np.column_stack([decay, drift])
            (level0, w), *_ = np.linalg.lstsq(design, rest, rcond=None)
            if not 0.0 <= w <= 1.0:
                w = min(max(float(w), 0.0), 1.0)
                level0 = float(decay @ (rest - w * drift) / (decay @ decay))
        errors = rest - level0 * decay - w * drift
        return float(errors @ errors), float(level0), float(w)


class _ThetaModel(LocalForecaster):
    """Shared fit and forecast of the Theta family (see the module docstring)."""

    _dynamic = False
    _fixed_theta: float | None = None

    def __init__(self, season_length: int = 1) -> None:
        self.season_length = season_length

    def fit(self, y: Sequence[float] | np.ndarray) -> _ThetaModel:
        """Estimate ``alpha``, ``l_0`` (and ``theta``) by least squares of one-step errors.

        Raises
        ------
        ValueError
            If ``y`` is empty or not finite, or ``season_length`` is not a positive integer.
        """
        m = check_season_length(self.season_length)
        values = as_series(y)
        adjustment = seasonal_adjustment(values, m)
        z = adjustment.adjust(values)
        intercept, slope = regression_path(z)
        if not self._dynamic:
            intercept = np.full(z.size, intercept[-1])
            slope = np.full(z.size, slope[-1])
        if z.size < 3:
            alpha, level0, w, sse = 0.5, float(z[0]), 0.0, 0.0
        else:
            errors = _OneStepErrors(z, intercept, slope, self._fixed_theta)
            grid = np.linspace(*ALPHA_BOUNDS, 12)
            losses = [errors.solve(a)[0] for a in grid]
            best = int(np.argmin(losses))
            low, high = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
            refined = optimize.minimize_scalar(
                lambda a: errors.solve(a)[0], bounds=(low, high),
                method="bounded", options={"xatol": 1e-4})
            alpha = float(refined.x) if refined.fun <= losses[best] else float(grid[best])
            sse, level0, w = errors.solve(alpha)
        n = z.size
        self.adjustment_ = adjustment
        self.alpha_ = alpha
        self.level0_ = level0
        self.theta_ = 1.0 / (1.0 - w) if w < 1.0 else float("inf")
        self.weight_ = w
        self.level_ = float(_ses_without_start(z, alpha)[-1] + (1.0 - alpha) ** n * level0)
        self.intercept_ = float(intercept[-1])
        self.slope_ = float(slope[-1])
        self.sigma_ = float(np.sqrt(sse / max(n - BURN_IN, 1)))
        self.n_obs_ = n
        return self

    def _predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        n, alpha = self.n_obs_, self.alpha_
        steps = np.arange(1, horizon + 1, dtype=np.float64)
        drift = (1.0 - alpha) ** n * self.intercept_ \
            + ((steps - 1.0) + (1.0 - (1.0 - alpha) ** (n + 1)) / alpha) * self.slope_
        mean = self.level_ + self.weight_ * drift
        sd = self.sigma_ * np.sqrt(1.0 + alpha ** 2 * (steps - 1.0))
        return self.adjustment_.restore(mean, n), self.adjustment_.scale(sd, n)


class Theta(_ThetaModel):
    """The standard Theta method (theta = 2 line, optimised ``alpha`` and ``l_0``).

    Parameters
    ----------
    season_length:
        Observations per season; 1 for none. Seasonal series (tested) are adjusted by a
        classical decomposition first.
    """

    name = "theta"
    _fixed_theta = 2.0


class OptimizedTheta(_ThetaModel):
    """Theta with ``theta`` estimated; dynamic (DOTM) or static (OTM) regression line.

    Parameters
    ----------
    season_length:
        Observations per season; 1 for none.
    dynamic:
        Update the regression line with every observation (DOTM) instead of fitting it once
        on the whole series (OTM).
    """

    def __init__(self, season_length: int = 1, dynamic: bool = True) -> None:
        self.season_length = season_length
        self.dynamic = dynamic

    @property
    def name(self) -> str:  # type: ignore[override]
        return "dotm" if self.dynamic else "otm"

    @property
    def _dynamic(self) -> bool:  # type: ignore[override]
        return bool(self.dynamic)

"""ARIMA with automatic order search (Hyndman & Khandakar 2008), on statsmodels.

The differencing order ``d`` comes from repeated KPSS tests (5 %); ``p`` and ``q`` from a
stepwise search by AICc starting at (2, d, 2), (0, d, 0), (1, d, 0) and (0, d, 1), moving one
order at a time and toggling the constant (drift when ``d = 1``) until no neighbour improves or
``max_models`` fits were tried. Seasonality is removed by classical decomposition first
(``seasonal="decompose"``, the default: statsmodels' seasonal ARIMA is slow), or modelled with
one seasonal difference and seasonal orders up to 1 (``seasonal="native"``).

Not in the engine's default candidate sets: statsmodels' state-space fitting costs 0.05-1 s per
model, about 10-30 models per series. Ask for it with ``candidates={"smooth": (..., "arima")}``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from salesflow.forecasting.base import LocalForecaster, as_series, check_season_length
from salesflow.forecasting.seasonality import NO_SEASON, is_seasonal, seasonal_adjustment


def kpss_differences(y: np.ndarray, max_d: int) -> int:
    """Number of differences after which the KPSS test no longer rejects level stationarity
    at 5 % (at most ``max_d``)."""
    from statsmodels.tsa.stattools import kpss

    d, z = 0, y
    while d < max_d and z.size > 8 and np.ptp(z) > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p_value = kpss(z, regression="c", nlags="auto")[1]
        if p_value >= 0.05:
            break
        z = np.diff(z)
        d += 1
    return d


class AutoARIMA(LocalForecaster):
    """ARIMA with ``d`` by KPSS and ``p``, ``q`` by a stepwise AICc search.

    Parameters
    ----------
    season_length:
        Observations per season; 1 for none.
    seasonal:
        ``"decompose"`` or ``"native"`` (see the module docstring).
    max_p, max_q, max_d:
        Largest orders searched.
    max_models:
        Most models fitted per series (the search's time bound).
    maxiter:
        Optimizer iterations per model.
    """

    name = "arima"

    def __init__(self, season_length: int = 1, seasonal: str = "decompose", max_p: int = 3,
                 max_q: int = 3, max_d: int = 2, max_models: int = 30,
                 maxiter: int = 50) -> None:
        self.season_length = season_length
        self.seasonal = seasonal
        self.max_p = max_p
        self.max_q = max_q
        self.max_d = max_d
        self.max_models = max_models
        self.maxiter = maxiter

    def _fit_order(self, z: np.ndarray, p: int, d: int, q: int, constant: bool,
                   seasonal_order: tuple[int, int, int, int]) -> object | None:
        from statsmodels.tsa.arima.model import ARIMA

        trend = "n"
        if constant and d + seasonal_order[1] == 0:
            trend = "c"
        elif constant and d + seasonal_order[1] == 1:
            trend = "t"
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                model = ARIMA(z, order=(p, d, q), seasonal_order=seasonal_order, trend=trend)
                result = model.fit(method_kwargs={"maxiter": self.maxiter})
        except (ValueError, np.linalg.LinAlgError, IndexError):
            return None
        return result if np.isfinite(result.aicc) else None

    def fit(self, y: Sequence[float] | np.ndarray) -> AutoARIMA:
        """Search the orders and keep the model with the smallest AICc.

        Raises
        ------
        ValueError
            If ``y`` is shorter than 4 values or not finite, ``seasonal`` is invalid, or no
            model could be fitted.
        """
        m = check_season_length(self.season_length)
        if self.seasonal not in ("decompose", "native"):
            raise ValueError(f"seasonal must be 'decompose' or 'native'; got {self.seasonal!r}")
        values = as_series(y, min_length=4)
        native = self.seasonal == "native" and m > 1 and is_seasonal(values, m)
        adjustment = NO_SEASON if native else seasonal_adjustment(values, m)
        z = adjustment.adjust(values)
        big_d = 1 if native else 0
        base = np.diff(z, n=m) if native and z.size > m else z
        d = kpss_differences(base if native else z, self.max_d)
        seasonal_order = (1, 1, 1, m) if native else (0, 0, 0, 0)
        tried: dict[tuple[int, int, bool], object | None] = {}

        def score(key: tuple[int, int, bool]) -> float:
            if key not in tried:
                tried[key] = self._fit_order(z, key[0], d, key[1], key[2], seasonal_order)
            result = tried[key]
            return float(result.aicc) if result is not None else np.inf  # type: ignore[attr-defined]

        allow_constant = d + big_d <= 1
        starts = [(2, 2), (0, 0), (1, 0), (0, 1)]
        best = min(((p, q, allow_constant) for p, q in starts
                    if p <= self.max_p and q <= self.max_q), key=score)
        improved = True
        while improved and len(tried) < self.max_models:
            improved = False
            p, q, c = best
            neighbours = [(p + dp, q + dq, c) for dp, dq in
                          ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1))]
            if allow_constant:
                neighbours.append((p, q, not c))
            for key in neighbours:
                if not (0 <= key[0] <= self.max_p and 0 <= key[1] <= self.max_q):
                    continue
                if len(tried) >= self.max_models:
                    break
                if score(key) < score(best):
                    best, improved = key, True
        result = tried.get(best)
        if result is None:
            raise ValueError("no ARIMA model could be fitted to this series")
        self.adjustment_ = adjustment
        self.order_ = (best[0], d, best[1])
        self.seasonal_order_ = seasonal_order
        self.constant_ = best[2]
        self.aicc_ = float(result.aicc)  # type: ignore[attr-defined]
        self.result_ = result
        self.models_tried_ = len(tried)
        self.n_obs_ = values.size
        return self

    def _predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        forecast = self.result_.get_forecast(horizon)  # type: ignore[attr-defined]
        mean = np.asarray(forecast.predicted_mean, dtype=np.float64)
        sd = np.asarray(forecast.se_mean, dtype=np.float64)
        n = self.n_obs_
        return self.adjustment_.restore(mean, n), self.adjustment_.scale(sd, n)

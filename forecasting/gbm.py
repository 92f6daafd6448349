"""A global gradient-boosting model: one scikit-learn regressor trained across all series.

Each training row is one (series, period): the target is the value divided by the series'
scale (its mean absolute value), the features are scaled lags, rolling means, standard
deviation and share of zero periods over the recent past, the position in the season (the
calendar week or month when the engine knows the dates) and, where given, the price relative
to the series' median price and the promotion share. Forecasts are recursive: each step's
prediction becomes the next step's lag. In the future the price stays at its last value and
there is no promotion. Training uses one thread (OpenMP threads spin on a busy machine; the
engine's parallelism is over series).

The spread per step is the series' in-sample residual root mean square times the square root
of the step; the engine calibrates it on backtest errors like any other.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from salesflow.data.errors import NotFittedError
from salesflow.forecasting.base import check_horizon, check_season_length

EXOG_COLUMNS = ("price", "promo")


def _right_aligned(values: Sequence[np.ndarray], width: int) -> np.ndarray:
    out = np.full((len(values), width), np.nan)
    for i, v in enumerate(values):
        out[i, width - v.size:] = v
    return out


class GlobalGBM(BaseEstimator):
    """Gradient boosting across series (see the module docstring).

    Parameters
    ----------
    season_length:
        Observations per season (the calendar feature's period).
    lags:
        Lags used as features (scaled by the series' scale).
    windows:
        Window lengths of the rolling mean, and of the standard deviation and zero share
        (the longest only).
    max_iter, learning_rate, min_samples_leaf:
        Passed to :class:`~sklearn.ensemble.HistGradientBoostingRegressor`.
    max_rows:
        Training rows kept (the most recent ones) when there are more.
    random_state:
        Seed of the regressor.
    """

    def __init__(self, season_length: int = 1,
                 lags: Sequence[int] = (1, 2, 3, 4, 6, 8, 13, 26, 52),
                 windows: Sequence[int] = (4, 13), max_iter: int = 100,
                 learning_rate: float = 0.1, min_samples_leaf: int = 40,
                 max_rows: int = 400_000, random_state: int = 0) -> None:
        self.season_length = season_length
        self.lags = lags
        self.windows = windows
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.min_samples_leaf = min_samples_leaf
        self.max_rows = max_rows
        self.random_state = random_state

    def _features(self, scaled: np.ndarray, column: int, phase: np.ndarray,
                  price: np.ndarray | None, promo: np.ndarray | None) -> np.ndarray:
        """Features of every series for predicting ``scaled[:, column]``."""
        parts = []
        for lag in self.lags:
            parts.append(scaled[:, column - lag] if column - lag >= 0
                         else np.full(scaled.shape[0], np.nan))
        longest = scaled[:, max(column - max(self.windows), 0):column]
        # A series that starts after a window (NaN before its first date) has no value in it:
        # its feature is NaN, without numpy's "Mean of empty slice" on the user's terminal.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for w in self.windows:
                past = scaled[:, max(column - w, 0):column]
                parts.append(np.nanmean(past, axis=1) if past.shape[1] else
                             np.full(scaled.shape[0], np.nan))
            if longest.shape[1]:
                parts.append(np.nanstd(longest, axis=1))
                counted = np.sum(np.isfinite(longest), axis=1)
                zeros = np.sum(longest == 0, axis=1)
                parts.append(np.where(counted > 0, zeros / np.maximum(counted, 1), np.nan))
            else:
                parts.extend([np.full(scaled.shape[0], np.nan)] * 2)
        parts.append(((phase + column) % self.season_length_).astype(np.float64))
        if price is not None:
            parts.append(price[:, column])
        if promo is not None:
            parts.append(promo[:, column])
        return np.column_stack(parts)

    @staticmethod
    def _rows_of(scaled: np.ndarray, column: int) -> np.ndarray:
        """The series with a target in ``column`` and a value just before it."""
        return np.flatnonzero(np.isfinite(scaled[:, column])
                              & np.isfinite(scaled[:, column - 1]))

    def _training_columns(self, scaled: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """The training rows as ``(period, series)`` pairs in time order: the most recent
        ``max_rows`` rows (the first period kept may give only its last series)."""
        picked: list[tuple[int, np.ndarray]] = []
        room = int(self.max_rows)
        for column in range(scaled.shape[1] - 1, 0, -1):
            if room <= 0:
                break
            ok = self._rows_of(scaled, column)
            if ok.size:
                ok = ok[max(ok.size - room, 0):]
                picked.append((column, ok))
                room -= ok.size
        return picked[::-1]

    def fit(self, values: Sequence[np.ndarray], phases: Sequence[int] | None = None,
            exog: Mapping[str, Sequence[np.ndarray]] | None = None) -> GlobalGBM:
        """Train on every series at once.

        Parameters
        ----------
        values:
            The series (any lengths; aligned at their ends).
        phases:
            Position in the season of each series' first value (default 0).
        exog:
            Optional ``price`` and ``promo`` per series, aligned with ``values``.

        Raises
        ------
        ValueError
            If there are no series or no training rows, or settings are invalid.
        """
        self.season_length_ = check_season_length(self.season_length)
        if isinstance(self.max_rows, bool) or int(self.max_rows) < 1:
            raise ValueError(f"max_rows must be a positive integer; got {self.max_rows!r}")
        if not values:
            raise ValueError("GlobalGBM needs at least one series")
        lengths = np.array([v.size for v in values])
        width = int(lengths.max())
        y = _right_aligned(values, width)
        scale = np.nanmean(np.abs(y), axis=1)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        scaled = y / scale[:, None]
        start = width - lengths
        phase = (np.zeros(len(values), dtype=np.int64) if phases is None
                 else np.asarray(phases, dtype=np.int64)) - start
        exog = exog or {}
        price = promo = None
        if "price" in exog:
            raw = _right_aligned(list(exog["price"]), width)
            with warnings.catch_warnings():  # a series without any price: all-NaN, then 1.0
                warnings.simplefilter("ignore", RuntimeWarning)
                median = np.nanmedian(np.where(raw > 0, raw, np.nan), axis=1)
            median = np.where(np.isfinite(median) & (median > 0), median, 1.0)
            price = raw / median[:, None]
        if "promo" in exog:
            promo = _right_aligned(list(exog["promo"]), width)
        picked = self._training_columns(scaled)
        if not picked:
            raise ValueError("GlobalGBM needs series of at least two observations")
        features = np.vstack([self._features(scaled, column, phase, price, promo)[ok]
                              for column, ok in picked])
        target = np.concatenate([scaled[ok, column] for column, ok in picked])
        # A lag longer than the history has no value anywhere: scikit-learn cannot bin a
        # column with no value, so such columns are left out (in predict as well).
        self.columns_ = np.isfinite(features).any(axis=0)
        regressor = HistGradientBoostingRegressor(
            loss="squared_error", max_iter=self.max_iter, learning_rate=self.learning_rate,
            min_samples_leaf=self.min_samples_leaf, early_stopping=False,
            random_state=self.random_state)
        # One OpenMP thread (its threads spin badly on a shared machine), limited once for the
        # fit and every period's prediction: each limit scans the loaded libraries (about
        # 10 ms), which had cost more than the fit itself on small data.
        sums = np.zeros(len(values))
        counts = np.zeros(len(values), dtype=np.int64)
        with threadpool_limits(1):
            regressor.fit(features[:, self.columns_], target)
            del features
            # The in-sample residuals of every period, one period at a time: all periods'
            # features at once were 10 million rows (1.3 GB) on 100,000 series.
            for column in range(1, width):
                ok = self._rows_of(scaled, column)
                if ok.size:
                    period = self._features(scaled, column, phase, price, promo)[ok]
                    residual = (scaled[ok, column] - regressor.predict(
                        period[:, self.columns_])) * scale[ok]
                    sums[ok] += residual ** 2
                    counts[ok] += 1
        self.regressor_ = regressor
        self.scale_ = scale
        self.sigma_ = np.sqrt(np.where(counts > 0, sums / np.maximum(counts, 1), 0.0))
        self.scaled_ = scaled
        self.phase_ = phase
        self.price_ = price
        self.promo_ = promo
        self.n_series_ = len(values)
        return self

    def predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """Recursive forecasts: ``(mean, sd)``, each ``n_series x horizon``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        if not hasattr(self, "regressor_"):
            raise NotFittedError("GlobalGBM is not fitted yet; call fit(values) first")
        steps = check_horizon(horizon)
        width = self.scaled_.shape[1]
        scaled = np.hstack([self.scaled_, np.full((self.n_series_, steps), np.nan)])

        def extend(matrix: np.ndarray | None, future: float | None) -> np.ndarray | None:
            if matrix is None:
                return None
            fill = matrix[:, -1:] if future is None else np.full((matrix.shape[0], 1), future)
            return np.hstack([matrix, np.repeat(fill, steps, axis=1)])

        price, promo = extend(self.price_, None), extend(self.promo_, 0.0)
        with threadpool_limits(1):
            for k in range(steps):
                features = self._features(scaled, width + k, self.phase_, price,
                                          promo)[:, self.columns_]
                scaled[:, width + k] = self.regressor_.predict(features)
        mean = scaled[:, width:] * self.scale_[:, None]
        sd = self.sigma_[:, None] * np.sqrt(np.arange(1, steps + 1))[None, :]
        return mean, sd

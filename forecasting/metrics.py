"""Forecast accuracy measures on arrays (one series, or stacked with ``axis``).

sMAPE follows the M3 definition (percent, ``200 |y - f| / (|y| + |f|)``, 0 where both are 0);
MASE divides the mean absolute error by the in-sample mean absolute seasonal difference.
"""

from __future__ import annotations

import numpy as np


def _smape_terms(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """``200 |y - f| / (|y| + |f|)`` elementwise, 0 where both are 0 (C-contiguous)."""
    y, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    denominator = np.abs(y) + np.abs(f)
    terms = np.where(denominator > 0, 200.0 * np.abs(y - f) / np.where(denominator > 0,
                                                                          denominator, 1.0), 0.0)
    return np.require(terms, requirements="C")


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Symmetric mean absolute percentage error in percent (M3 definition)."""
    return float(np.mean(_smape_terms(actual, forecast)))


def smape_rows(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """:func:`smape` of every row of ``rows x steps`` arrays: each the same float as
    :func:`smape` of that row alone (a C-contiguous row is summed pairwise, as a 1-D array
    is)."""
    return np.mean(_smape_terms(actual, forecast), axis=-1)


def mase_scale(history: np.ndarray, season_length: int = 1) -> float:
    """Mean absolute seasonal difference of ``history`` (lag ``season_length``, falling back
    to lag 1 when the history is shorter than a season plus one); ``nan`` if undefined."""
    y = np.asarray(history, dtype=float)
    m = season_length if y.size > season_length else 1
    if y.size <= m:
        return float("nan")
    return float(np.mean(np.abs(y[m:] - y[:-m])))


def mase(actual: np.ndarray, forecast: np.ndarray, history: np.ndarray,
         season_length: int = 1) -> float:
    """Mean absolute scaled error; ``nan`` when the in-sample scale is 0 or undefined."""
    scale = mase_scale(history, season_length)
    if not np.isfinite(scale) or scale == 0:
        return float("nan")
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(forecast, float))) / scale)


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Weighted absolute percentage error: sum |y - f| / sum |y| (``nan`` if sum |y| = 0)."""
    y, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    total = float(np.sum(np.abs(y)))
    return float(np.sum(np.abs(y - f)) / total) if total > 0 else float("nan")


def bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean forecast minus actual (positive: over-forecast)."""
    return float(np.mean(np.asarray(forecast, float) - np.asarray(actual, float)))


def pinball(actual: np.ndarray, quantile: np.ndarray, level: float) -> float:
    """Mean pinball (quantile) loss of ``quantile`` at ``level``."""
    diff = np.asarray(actual, float) - np.asarray(quantile, float)
    return float(np.mean(np.maximum(level * diff, (level - 1.0) * diff)))


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actual values inside ``[lower, upper]``."""
    y = np.asarray(actual, float)
    return float(np.mean((y >= np.asarray(lower, float)) & (y <= np.asarray(upper, float))))

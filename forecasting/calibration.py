"""Quantiles calibrated on backtest errors, pooled across series.

For forecasts without a distribution of their own (combinations, the global model), every
backtest error is standardised by the forecast's own standard deviation at that step,
``z = (y - f) / sd``. The empirical quantiles of ``z`` per step (pooled across series; across
all steps when a step has fewer than ``min_per_step`` errors) give each level's multiplier:
``quantile = forecast + sd * multiplier``. Without enough errors the multipliers are the
normal ones. This corrects both the width and any systematic bias of the model-based spreads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_PER_STEP = 100
MIN_POOLED = 20


@dataclass(frozen=True)
class IntervalCalibration:
    """Multiplier of the standard deviation per quantile level (rows) and step (columns).

    Attributes
    ----------
    levels:
        The quantile levels, ascending.
    multipliers:
        Array ``len(levels) x horizon``.
    source:
        ``"per-step"``, ``"pooled"`` or ``"normal"`` (not enough backtest errors).
    n_errors:
        Number of standardised errors used.
    """

    levels: tuple[float, ...]
    multipliers: np.ndarray
    source: str
    n_errors: int

    def quantiles(self, mean: np.ndarray, sd: np.ndarray) -> dict[float, np.ndarray]:
        """Quantiles per level for one forecast (steps beyond the calibrated horizon reuse the
        last step's multiplier); non-crossing by construction of sorted multipliers."""
        steps = np.minimum(np.arange(mean.size), self.multipliers.shape[1] - 1)
        return {level: mean + sd * self.multipliers[i, steps]
                for i, level in enumerate(self.levels)}


def normal_calibration(levels: Sequence[float], horizon: int) -> IntervalCalibration:
    """Gaussian multipliers (no backtest errors to learn from)."""
    ordered = tuple(sorted(levels))
    z = np.array([stats.norm.ppf(q) for q in ordered], dtype=np.float64).reshape(-1, 1)
    return IntervalCalibration(ordered, np.repeat(z, max(horizon, 1), axis=1), "normal", 0)


def calibrate(errors: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
              levels: Sequence[float], horizon: int,
              min_per_step: int = MIN_PER_STEP, min_pooled: int = MIN_POOLED) \
        -> IntervalCalibration:
    """Learn the multipliers from backtests.

    Parameters
    ----------
    errors:
        Per series, arrays ``(actual, forecast, sd)`` of shape ``windows x horizon``.
    """
    columns: list[list[np.ndarray]] = [[] for _ in range(horizon)]
    for actual, forecast, sd in errors:
        steps = min(actual.shape[1], horizon)
        for k in range(steps):
            ok = sd[:, k] > 0
            if ok.any():
                columns[k].append((actual[ok, k] - forecast[ok, k]) / sd[ok, k])
    per_step = [np.concatenate(c) if c else np.empty(0) for c in columns]
    ordered = tuple(sorted(levels))
    total = sum(z.size for z in per_step)
    if total < min_pooled:
        return normal_calibration(ordered, horizon)
    pooled = np.concatenate(per_step)
    if all(z.size >= min_per_step for z in per_step):
        table = np.column_stack([np.quantile(z, ordered) for z in per_step])
        source = "per-step"
    else:
        table = np.repeat(np.quantile(pooled, ordered).reshape(-1, 1), horizon, axis=1)
        source = "pooled"
    table = np.sort(table, axis=0)
    return IntervalCalibration(ordered, table, source, int(total))

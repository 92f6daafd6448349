"""The pooled choice for regular demand: the subset of candidates whose median has the lowest
backtest sMAPE over a pool of series.

For every non-empty subset of the candidates (smaller subsets first, each size in
:func:`itertools.combinations` order) the loss is the mean, over every backtest window of every
voting series (series in the given order, then windows in cut-off order), of the sMAPE
(:func:`~salesflow.forecasting.metrics.smape`) of the median of the subset's forecasts in that
window, clipped at zero with ``nonnegative``; the subset with the lowest loss wins, ties going
to the earlier subset.

The backtests are stacked once, ``candidates x windows x steps``, and each subset is then one
elementwise median of its members' arrays (:func:`~salesflow.forecasting.medians.median_of`):
the same medians as one median per window (a single member is taken as it is), the same
per-window sMAPE (a C-contiguous row is summed pairwise like a 1-D array), and the same list
of them in the same order for the final mean, so the losses are the very floats a loop over
series and windows gives, at a small part of its cost (a pool of 10,000 series used to take
over half a minute in that loop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from salesflow.forecasting.medians import median_of
from salesflow.forecasting.metrics import smape_rows

if TYPE_CHECKING:
    from salesflow.forecasting.series_fit import SeriesFit


@dataclass(frozen=True)
class _Windows:
    """The backtest windows of one length: their positions among all windows, actuals
    ``windows x steps`` and forecasts ``candidates x windows x steps`` (each candidate's
    array contiguous)."""

    positions: np.ndarray
    actuals: np.ndarray
    forecasts: np.ndarray


def _stack(voters: Sequence[SeriesFit], names: Sequence[str]) -> tuple[list[_Windows], int]:
    """Every voter's backtest windows, grouped by length, and the number of windows (a voter
    needs every candidate in ``names`` backtested on each of its windows)."""
    groups: dict[int, tuple[list[int], list[np.ndarray], list[np.ndarray]]] = {}
    count = 0
    for fit in voters:
        if fit.backtest is None:
            continue
        for w, actual in enumerate(fit.backtest.actual):
            positions, actuals, means = groups.setdefault(len(actual), ([], [], []))
            positions.append(count)
            actuals.append(actual)
            means.extend(fit.options.backtest_mean(name, w) for name in names)
            count += 1
    stacked = []
    for length, (positions, actuals, means) in groups.items():
        forecasts = np.array(means, dtype=np.float64).reshape(len(positions), len(names), length)
        stacked.append(_Windows(np.asarray(positions, dtype=np.intp),
                                np.array(actuals, dtype=np.float64),
                                np.ascontiguousarray(forecasts.transpose(1, 0, 2))))
    return stacked, count


def member_median(forecasts: np.ndarray, members: Sequence[int]) -> np.ndarray:
    """The median over the first axis (candidates) of ``forecasts`` restricted to
    ``members``: the member itself for one (as :func:`~salesflow.forecasting.series_fit.
    combine` takes it), a C-contiguous array of the other axes."""
    if len(members) == 1:
        return np.ascontiguousarray(forecasts[members[0]])
    return median_of([forecasts[m] for m in members])


def _loss(windows: Sequence[_Windows], count: int, members: Sequence[int],
          nonnegative: bool) -> float:
    """Mean sMAPE over all windows of the median of the candidates at ``members``."""
    if not count:
        return float("inf")
    losses = np.empty(count)
    for group in windows:
        median = member_median(group.forecasts, members)
        if nonnegative:
            median = np.maximum(median, 0.0)
        losses[group.positions] = smape_rows(group.actuals, median)
    return float(np.mean(losses))


def pooled_smapes(voters: Sequence[SeriesFit], names: Sequence[str],
                  nonnegative: bool) -> list[tuple[tuple[str, ...], float]]:
    """Every non-empty subset of ``names`` (smaller first) with the backtest sMAPE of its
    median averaged over the windows of ``voters`` (``inf`` without any window)."""
    windows, count = _stack(voters, names)
    return [(tuple(names[i] for i in subset), _loss(windows, count, subset, nonnegative))
            for k in range(1, len(names) + 1) for subset in combinations(range(len(names)), k)]


def best_smape_subset(voters: Sequence[SeriesFit], names: Sequence[str],
                      nonnegative: bool) -> tuple[str, ...]:
    """The subset of ``names`` with the lowest :func:`pooled_smapes` loss, the earlier subset
    on a tie."""
    scored = pooled_smapes(voters, names, nonnegative)
    return scored[int(np.argmin([loss for _, loss in scored]))][0]

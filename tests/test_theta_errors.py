"""The Theta family's one-step errors for one ``alpha``, against the recursion of the module
docstring run step by step, and the filter behind the smoothing against scipy's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from salesflow.forecasting.theta import (
    BURN_IN,
    _linear_filter,
    _OneStepErrors,
    regression_path,
)

SERIES = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=3, max_size=60)
ALPHAS = st.floats(0.1, 0.99)


def _errors_by_recursion(z: np.ndarray, intercept: np.ndarray, slope: np.ndarray,
                         alpha: float, level0: float, w: float) -> float:
    """Sum of squared one-step errors after the burn-in, step by step:
    ``mu_{t+1} = l_t + w((1-a)^t A_t + (1-(1-a)^{t+1})/a B_t)``, ``l_t = a y_t + (1-a) l_{t-1}``
    with ``l_0`` given."""
    level, total = level0, 0.0
    skip = min(BURN_IN - 1, max(z.size - 3, 0))
    for t in range(1, z.size):  # predict z[t] (the (t+1)-th value) from z[:t]
        level = alpha * z[t - 1] + (1 - alpha) * level
        drift = (1 - alpha) ** t * intercept[t - 1] \
            + (1 - (1 - alpha) ** (t + 1)) / alpha * slope[t - 1]
        if t - 1 >= skip:
            total += (z[t] - level - w * drift) ** 2
    return total


@settings(max_examples=80, deadline=None)
@given(SERIES, ALPHAS, st.booleans(), st.sampled_from([None, 2.0, 3.0]))
def test_one_step_errors_are_those_of_the_recursion(values: list[float], alpha: float,
                                                    dynamic: bool,
                                                    theta: float | None) -> None:
    z = np.asarray(values)
    intercept, slope = regression_path(z)
    if not dynamic:
        intercept, slope = np.full(z.size, intercept[-1]), np.full(z.size, slope[-1])
    sse, level0, w = _OneStepErrors(z, intercept, slope, theta).solve(alpha)
    assert 0.0 <= w <= 1.0
    if theta is not None:
        assert w == pytest.approx(1.0 - 1.0 / theta)
    scale = max(1.0, float(np.sum(z * z)))
    by_steps = _errors_by_recursion(z, intercept, slope, alpha, level0, w)
    assert sse == pytest.approx(by_steps, rel=1e-7, abs=1e-9 * scale)
    # l_0 (and w where free) minimise the errors: a nudge never lowers them
    for d_level, d_w in ((1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)):
        moved_w = w + d_w if theta is None else w
        if not 0.0 <= moved_w <= 1.0:
            continue
        nudged = _errors_by_recursion(z, intercept, slope, alpha, level0 + d_level * scale ** .5,
                                      moved_w)
        assert nudged >= by_steps - 1e-7 * scale


@settings(max_examples=60, deadline=None)
@given(SERIES, ALPHAS)
def test_the_smoothing_filter_is_scipys_lfilter(values: list[float], alpha: float) -> None:
    y = np.asarray(values)
    ours, final = _linear_filter(np.array([alpha]), np.array([1.0, alpha - 1.0]), y, -1,
                                 np.zeros(1))
    theirs, their_final = signal.lfilter([alpha], [1.0, alpha - 1.0], y, zi=[0.0])
    assert np.array_equal(ours, theirs) and np.array_equal(final, their_final)

"""The intermittent models' quantiles: numpy's linear quantiles on Python floats."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.forecasting.base import linear_quantiles
from salesflow.forecasting.intermittent import TSB, Croston

VALUES = st.lists(st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: x + 0.0),  # no negative zero
    st.sampled_from([1.0, 2.0, 3.0, 0.1, 7.5])), min_size=1, max_size=40)
PROBABILITIES = st.lists(st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.5, 1.0])),
                         min_size=1, max_size=6)


def _bits(values: object) -> bytes:
    return np.asarray(values, dtype=np.float64).tobytes()


@settings(max_examples=400, deadline=None)
@given(values=VALUES, probabilities=PROBABILITIES)
def test_linear_quantiles_equal_numpys_to_the_bit(values: list[float],
                                                  probabilities: list[float]) -> None:
    got = linear_quantiles(sorted(values), probabilities)
    assert _bits(got) == _bits(np.quantile(np.array(values), probabilities))


def test_linear_quantiles_interpolate_between_neighbours() -> None:
    # n = 5: p = 0.3 is virtual index 1.2, a fifth of the way from 2 to 4; p = 0.9 is 3.6,
    # three fifths of the way from 8 to 16 (computed from the upper neighbour)
    assert linear_quantiles([1.0, 2.0, 4.0, 8.0, 16.0], [0.0, 0.3, 0.9, 1.0]) == \
        pytest.approx([1.0, 2.4, 12.8, 16.0], rel=1e-15)
    assert linear_quantiles([5.0], [0.1, 0.9]) == [5.0, 5.0]


@settings(max_examples=60, deadline=None)
@given(y=st.lists(st.sampled_from([0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 12.0]), min_size=2,
                  max_size=60),
       levels=st.lists(st.sampled_from([0.05, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99]), min_size=1,
                       max_size=4, unique=True))
def test_mixture_quantiles_are_the_sizes_numpy_quantiles(y: list[float],
                                                         levels: list[float]) -> None:
    """Below the no-demand share a quantile is 0, above it the size at the level within
    the demands, rescaled to the smoothed mean size (numpy's quantile of the sizes)."""
    for model in (Croston(), TSB()):
        fitted = model.fit(np.array(y))
        got = fitted.predict(3, levels).quantiles
        p, sizes = fitted.probability_, fitted.sizes_
        for level in levels:
            if sizes.size == 0 or p == 0.0 or level <= 1.0 - p:
                expected = 0.0
            else:
                ratio = fitted.mean_size_ / sizes.mean()
                expected = float(np.quantile(sizes, min((level - (1.0 - p)) / p, 1.0))) * ratio
            assert _bits(got[level]) == _bits([expected] * 3)


@settings(max_examples=200, deadline=None)
@given(residuals=st.lists(st.sampled_from([-3.0, -1.0, 0.0, -0.0, 0.5, 2.0, 7.0]),
                          min_size=1, max_size=30),
       mean=st.lists(st.floats(0.0, 50.0), min_size=1, max_size=8),
       levels=st.lists(st.sampled_from([0.1, 0.5, 0.9, 0.25]), min_size=1, max_size=3,
                       unique=True),
       season=st.integers(1, 4))
def test_residual_bands_of_one_series_are_numpys(residuals: list[float], mean: list[float],
                                                 levels: list[float], season: int) -> None:
    """The seasonal naive's quantiles of one series (Python floats) equal the rows of the
    many-series path (numpy's quantile), negative zeros among the residuals included."""
    from salesflow.forecasting.naive import residual_bands

    one = residual_bands(np.array(mean), np.array(residuals), levels, season)
    many = residual_bands(np.array([mean]), np.array([residuals]), levels, season)
    for level in levels:
        assert _bits(one[level]) == _bits(many[level][0])

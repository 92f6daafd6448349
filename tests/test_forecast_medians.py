"""The elementwise median of a few arrays gives numpy.median's numbers, on both of its paths
(the sorting network for large arrays and three members or fewer, one sort otherwise)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from salesflow.forecasting.medians import NETWORK_MIN_ELEMENTS, median_of

VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1.0, 1.0 + 2 ** -52, np.nan, np.inf, -np.inf]))


@st.composite
def members(draw: st.DrawFn) -> list[np.ndarray]:
    count = draw(st.integers(1, 9))
    # up to 40 values a member (a series' forecast) and beyond the network's threshold
    size = draw(st.one_of(st.integers(0, 40),
                          st.integers(NETWORK_MIN_ELEMENTS // 2, NETWORK_MIN_ELEMENTS)))
    return [draw(arrays(np.float64, size, elements=VALUES)) for _ in range(count)]


@settings(max_examples=300)
@given(members())
def test_the_median_is_numpys(given_members: list[np.ndarray]) -> None:
    with np.errstate(all="ignore"):  # inf - inf, as numpy's own mean of the two
        expected = np.median(np.stack(given_members), axis=0)
        got = median_of(given_members)
    np.testing.assert_array_equal(got, expected)  # NaN where numpy has NaN, -0.0 == 0.0
    assert got.dtype == np.float64 and got.shape == expected.shape


def test_the_median_of_an_even_count_halves_the_two_middle_values() -> None:
    a, b, c, d = (np.array([v]) for v in (0.1, 0.2, 0.7, 5.0))
    assert median_of([d, a, c, b])[0] == (0.2 + 0.7) / 2
    assert median_of([a, d])[0] == (0.1 + 5.0) / 2


def test_the_median_is_a_new_array_of_the_stacked_shape() -> None:
    rows = np.arange(24.0).reshape(3, 2, 4)
    got = median_of([rows[0], rows[2], rows[1]])
    assert got.shape == (2, 4) and np.array_equal(got, rows[1])
    got[:] = -1.0
    assert rows.min() == 0.0  # the members are untouched
    single = median_of([rows[0]])
    single[:] = -1.0
    assert rows.min() == 0.0


def test_the_median_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no arrays"):
        median_of([])

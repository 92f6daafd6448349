"""split_series: the numpy split of regular series equals the series-by-series check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.data.errors import InvalidInputError
from salesflow.forecasting import frame as frame_module
from salesflow.forecasting.frame import SeriesSet, split_series


@st.composite
def long_frames(draw: st.DrawFn) -> tuple[pd.DataFrame, str | None]:
    """A shuffled long frame of 1-6 series, dates (a fixed step or month starts) or whole
    numbers, a carried column with gaps and text, and now and then a hole in a series."""
    kind = draw(st.sampled_from(["7D", "D", "MS", "int1", "int3"]))
    rows = []
    for k in range(draw(st.integers(1, 6))):
        n = draw(st.integers(1, 8))
        if kind.startswith("int"):
            start = draw(st.integers(-5, 5))
            ds: list[object] = [start + int(kind[3:]) * i for i in range(n)]
        else:
            ds = list(pd.date_range("2024-01-01", periods=n, freq=kind)
                      + pd.Timedelta(days=draw(st.integers(0, 3)) if kind != "MS" else 0))
        if n > 2 and draw(st.booleans()) and draw(st.booleans()):
            del ds[1]  # a gap
        for d in ds:
            price = draw(st.one_of(st.none(), st.floats(0, 100), st.just("n/a")))
            rows.append((f"S{k}", d, draw(st.floats(0, 50)), price))
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y", "price"])
    frame = frame.sample(frac=1.0, random_state=draw(st.integers(0, 99)))
    return frame, None if kind.startswith("int") else kind


def _looped(frame: pd.DataFrame, freq: str | None) -> SeriesSet | str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frame_module, "_split_regular", lambda *args: None)
        return _split(frame, freq)


def _split(frame: pd.DataFrame, freq: str | None) -> SeriesSet | str:
    try:
        return split_series(frame, "t.csv", freq, exog=("price",))
    except InvalidInputError as exc:
        return str(exc)


@settings(max_examples=150, deadline=None)
@given(case=long_frames())
def test_regular_series_split_at_once_equal_the_series_by_series_check(
        case: tuple[pd.DataFrame, str | None]) -> None:
    frame, freq = case
    fast, slow = _split(frame, freq), _looped(frame, freq)
    if isinstance(slow, str):
        assert fast == slow  # irregular: the same messages
        return
    assert isinstance(fast, SeriesSet)
    assert (fast.ids, fast.freq, fast.step) == (slow.ids, slow.freq, slow.step)
    assert fast.first == slow.first
    assert [type(x) for x in fast.first] == [type(x) for x in slow.first]
    for mine, theirs in [(fast.values, slow.values), *zip(fast.exog.values(),
                                                         slow.exog.values(), strict=True)]:
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs, strict=True):
            assert a.dtype == b.dtype == np.float64
            np.testing.assert_array_equal(a, b)
    # each series its own array, as the series-by-series check gives them
    arrays = [*fast.values, *(a for column in fast.exog.values() for a in column)]
    assert not any(np.shares_memory(a, b) for i, a in enumerate(arrays) for b in arrays[i + 1:])

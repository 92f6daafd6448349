"""The report's sales history: the weeks it shows of weekly_demand, read from those weeks'
lines alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.forecasting.series import weekly_demand
from salesflow.optimizer.report_data import HISTORY_WEEKS_SHOWN, recent_history

START = dt.date(2025, 1, 6)


def _sales(days: list[int], skus: list[str], quantities: list[float]) -> pd.DataFrame:
    return pd.DataFrame({
        "order_date": pd.to_datetime([START + dt.timedelta(days=d) for d in days]),
        "sku": skus, "quantity": quantities})


def _expected(sales: pd.DataFrame, skus: list[str], end: dt.date) -> pd.DataFrame:
    full = weekly_demand(sales, skus, end)
    cutoff = pd.Timestamp(end) - pd.Timedelta(weeks=HISTORY_WEEKS_SHOWN)
    return full[full["ds"] >= cutoff].reset_index(drop=True)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.tuples(st.integers(0, 600), st.sampled_from(["A", "B", "C"]),
                                st.floats(0.5, 50.0)), max_size=40),
       end_week=st.integers(-2, 100), wanted=st.sampled_from([["A"], ["B", "A"], ["A", "Z"]]))
def test_the_shown_weeks_equal_weekly_demand_of_the_whole_table(
        lines: list[tuple[int, str, float]], end_week: int, wanted: list[str]) -> None:
    sales = _sales([d for d, _, _ in lines], [s for _, s, _ in lines],
                   [q for _, _, q in lines])
    end = START + dt.timedelta(weeks=end_week)
    got = recent_history(sales, wanted, end)
    expected = _expected(sales, wanted, end)
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize("days", [[3, 10, 400], [3, 10], [300, 301, 420]])
def test_weeks_without_recent_lines_are_zero_from_the_tables_first_week(days: list[int]) -> None:
    """No line since the cutoff, or a table that starts after it: the weeks shown are still
    those of the whole table's grid, zero where nothing sold."""
    sales = _sales(days, ["A"] * len(days), [2.0] * len(days))
    end = START + dt.timedelta(weeks=64)
    got = recent_history(sales, ["A", "B"], end)
    pd.testing.assert_frame_equal(got, _expected(sales, ["A", "B"], end))
    assert np.isfinite(got["y"]).all()

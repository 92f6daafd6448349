"""Price and promotion per SKU and week: the counting path equals the pandas group-by."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.forecasting.series import _weekly_features_grouped, weekly_features

DAY0 = pd.Timestamp("2025-12-29")  # a Monday
PRICES = st.one_of(st.none(), st.sampled_from([0.0, 1.25, 3.1, 9.99, 120.0]))
LINE = st.tuples(st.integers(0, 90), st.sampled_from(["A", "B", "C", "X"]),
                 st.integers(-3, 40), PRICES, st.sampled_from([True, False, None]))


def _sales(rows: list[tuple[int, str, int, float | None, bool | None]],
           fractional: bool) -> pd.DataFrame:
    return pd.DataFrame({
        "order_date": [DAY0 + pd.Timedelta(days=d) for d, *_ in rows],
        "sku": [s for _, s, *_ in rows],
        "quantity": [q + (0.3 if fractional else 0.0) for _, _, q, *_ in rows],
        "unit_price": pd.array([p for *_, p, _ in rows], dtype="Float64").astype("float64"),
        "promo": pd.array([b for *_, b in rows], dtype="boolean")})


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(LINE, min_size=1, max_size=50),
       catalogue=st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=4,
                          unique=True),
       first_week=st.integers(0, 4), n_weeks=st.integers(1, 14), fractional=st.booleans(),
       categorical=st.booleans())
def test_weekly_features_equal_the_group_by(rows: list, catalogue: list[str], first_week: int,
                                            n_weeks: int, fractional: bool,
                                            categorical: bool) -> None:
    """SKUs outside the catalogue and weeks off the grid dropped, lines without a price left
    out of the mean price, prices carried forward and back, promotion shares of the units
    (0 in weeks without sales, and where returns net the units to zero or less): the same
    numbers to the bit as grouping by SKU text and week."""
    sales = _sales(rows, fractional)
    if categorical:
        sales["sku"] = sales["sku"].astype("category")
    weeks = pd.date_range(DAY0 + pd.Timedelta(weeks=first_week), periods=n_weeks, freq="7D")
    end = (weeks[-1] + pd.Timedelta(days=7)).date()
    got = weekly_features(sales, catalogue, end, weeks)
    lines = sales.loc[sales["order_date"] < pd.Timestamp(end),
                      ["order_date", "sku", "quantity", "unit_price", "promo"]]
    expected = _weekly_features_grouped(lines, pd.Index(catalogue, name="unique_id"),
                                        pd.DatetimeIndex(weeks, name="ds"),
                                        ["unit_price", "promo"])
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_prices_carry_forward_and_back_and_promotions_are_unit_shares() -> None:
    sales = _sales([(7, "A", 2, 10.0, True), (8, "A", 2, 13.0, False),
                    (21, "A", 1, None, True), (22, "B", 4, 5.0, None)], fractional=False)
    weeks = pd.date_range(DAY0, periods=4, freq="7D")
    got = weekly_features(sales, ["A", "B"], (weeks[-1] + pd.Timedelta(days=7)).date(), weeks)
    a, b = got[got["unique_id"] == "A"], got[got["unique_id"] == "B"]
    # week 1: (2 x 10 + 2 x 13) / 4; weeks 0 (back), 2 and 3 (forward) carry it
    assert a["price"].tolist() == [11.5, 11.5, 11.5, 11.5]
    assert a["promo"].tolist() == [0.0, 0.5, 0.0, 1.0]
    assert b["price"].tolist() == [5.0] * 4 and b["promo"].tolist() == [0.0] * 4


def test_no_price_or_promo_column_gives_zeros() -> None:
    sales = pd.DataFrame({"order_date": [DAY0], "sku": ["A"], "quantity": [1.0]})
    weeks = pd.date_range(DAY0, periods=2, freq="7D")
    got = weekly_features(sales, ["A"], dt.date(2026, 1, 12), weeks)
    assert got.columns.tolist() == ["unique_id", "ds", "price", "promo"]
    assert got["price"].tolist() == [0.0, 0.0] and got["promo"].tolist() == [0.0, 0.0]
    assert np.array_equal(got["ds"].to_numpy(), weeks.to_numpy())

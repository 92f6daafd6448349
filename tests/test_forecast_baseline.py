"""Seasonal naive baseline and the demand series it runs on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.data.errors import NotFittedError
from salesflow.forecasting.baseline import quantile_column, seasonal_naive_forecast
from salesflow.forecasting.naive import SeasonalNaive
from salesflow.forecasting.series import daily_orders, weekly_demand


def test_estimator_rules() -> None:
    model = SeasonalNaive(season_length=4)
    assert model.get_params() == {"season_length": 4}
    with pytest.raises(NotFittedError):
        model.predict(3)
    assert model.fit(np.arange(10.0)) is model
    learned = [name for name in vars(model) if name != "season_length"]
    assert learned and all(name.endswith("_") for name in learned)


def test_repeats_the_last_season() -> None:
    y = np.array([1, 2, 3, 4, 10, 20, 30, 40], dtype=float)
    pred = SeasonalNaive(4).fit(y).predict(6)
    assert pred.mean.tolist() == [10, 20, 30, 40, 10, 20]


def test_short_series_falls_back_to_naive() -> None:
    model = SeasonalNaive(52).fit([3.0, 5.0])
    assert model.model_name_ == "naive"
    assert model.predict(3).mean.tolist() == [5.0, 5.0, 5.0]


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        SeasonalNaive(4).fit([])
    with pytest.raises(ValueError, match="finite"):
        SeasonalNaive(4).fit([1.0, np.nan])
    with pytest.raises(ValueError, match="season_length"):
        SeasonalNaive(0).fit([1.0])


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=60), st.integers(1, 13),
       st.integers(1, 30))
def test_quantiles_bracket_the_median_and_never_cross(values: list[float], m: int,
                                                      h: int) -> None:
    series = pd.DataFrame({"unique_id": "a",
                           "ds": pd.date_range("2024-01-01", periods=len(values), freq="7D"),
                           "y": values})
    out = seasonal_naive_forecast(series, h, m, "7D", (0.9, 0.1, 0.5))
    assert len(out) == h
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
    assert (out[["forecast", "p10", "p50", "p90"]] >= 0).all().all()
    assert out["ds"].iloc[0] == series["ds"].iloc[-1] + pd.Timedelta(days=7)


def test_quantile_column_names() -> None:
    assert [quantile_column(q) for q in (0.1, 0.5, 0.9, 0.025)] == ["p10", "p50", "p90", "p2.5"]


def _sales(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["order_id", "order_date", "sku", "quantity"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame


def test_weekly_demand_is_monday_based_and_zero_filled() -> None:
    sales = _sales([("o1", "2026-01-05", "A", 2), ("o2", "2026-01-11", "A", 3),  # Mon, Sun
                    ("o3", "2026-01-19", "A", 1), ("o4", "2026-01-26", "B", 5)])
    frame = weekly_demand(sales, ["A", "B", "C"], dt.date(2026, 1, 26))
    wide = frame.pivot(index="ds", columns="unique_id", values="y")
    assert wide.index.tolist() == list(pd.to_datetime(["2026-01-05", "2026-01-12",
                                                        "2026-01-19"]))
    assert wide["A"].tolist() == [5, 0, 1]
    assert wide["B"].tolist() == [0, 0, 0]  # its sale is in the planning week: excluded
    assert wide["C"].tolist() == [0, 0, 0]


def test_daily_orders_counts_distinct_orders() -> None:
    sales = _sales([("o1", "2026-01-05", "A", 2), ("o1", "2026-01-05", "B", 1),
                    ("o2", "2026-01-07", "A", 3)])
    frame = daily_orders(sales, dt.date(2026, 1, 8))
    assert frame["y"].tolist() == [1, 0, 1]


def _one_at_a_time(series: pd.DataFrame, horizon: int, season: int, freq: str,
                   levels: list[float]) -> pd.DataFrame:
    """The baseline as SeasonalNaive fitted on each series, one by one (the reference)."""
    frames = []
    for uid, group in series.groupby("unique_id", sort=False):
        model = SeasonalNaive(season).fit(group["y"].to_numpy())
        pred = model.predict(horizon, levels)
        start = group["ds"].iloc[-1] + pd.tseries.frequencies.to_offset(freq)
        out = {"unique_id": uid, "ds": pd.date_range(start, periods=horizon, freq=freq),
               "forecast": pred.mean, "model": model.model_name_}
        stacked = (np.sort(np.vstack([pred.quantile(q) for q in sorted(levels)]), axis=0)
                   if levels else np.empty((0, horizon)))
        for level, values in zip(sorted(levels), stacked, strict=True):
            out[quantile_column(level)] = values
        frames.append(pd.DataFrame(out))
    result = pd.concat(frames, ignore_index=True)
    numeric = ["forecast", *(quantile_column(q) for q in sorted(levels))]
    result[numeric] = result[numeric].clip(lower=0.0)
    return result


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(1, 30), min_size=1, max_size=6),
       season=st.integers(1, 8), horizon=st.integers(1, 10),
       levels=st.lists(st.sampled_from([0.05, 0.1, 0.5, 0.8, 0.9]), max_size=3, unique=True),
       freq=st.sampled_from(["7D", "D", "W-MON"]), seed=st.integers(0, 1000))
def test_all_series_at_once_equal_one_model_per_series(
        lengths: list[int], season: int, horizon: int, levels: list[float], freq: str,
        seed: int) -> None:
    """The vectorised baseline gives, to the bit, what one SeasonalNaive per series gives:
    series of different lengths (shorter than a season: naive), in shuffled id order."""
    rng = np.random.default_rng(seed)
    frames = []
    for k, n in enumerate(lengths):
        end = pd.Timestamp("2026-03-02") - pd.Timedelta(days=7 * int(rng.integers(0, 3)))
        frames.append(pd.DataFrame({
            "unique_id": f"sku{(k * 7919) % 101:03d}-{k}",
            "ds": pd.date_range(end=end, periods=n, freq="7D" if freq != "D" else "D"),
            "y": rng.poisson(3.0, n) * rng.choice([0.0, 1.0, 2.5], n) - (k == 1)}))
    series = pd.concat(frames, ignore_index=True)
    got = seasonal_naive_forecast(series, horizon, season, freq, levels)
    pd.testing.assert_frame_equal(got, _one_at_a_time(series, horizon, season, freq, levels),
                                  check_exact=True)


def test_a_series_with_a_missing_value_is_refused() -> None:
    series = pd.DataFrame({"unique_id": ["a", "a", "b"], "ds": pd.to_datetime(
        ["2026-01-05", "2026-01-12", "2026-01-05"]), "y": [1.0, float("nan"), 2.0]})
    with pytest.raises(ValueError, match="finite"):
        seasonal_naive_forecast(series, 2, 1, "7D")


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 120), st.sampled_from(["A", "B", "C", "X"]),
                               st.integers(-3, 40)), min_size=1, max_size=40),
       catalogue=st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=4,
                          unique=True),
       end_offset=st.integers(0, 140), fractional=st.booleans())
def test_weekly_demand_equals_the_group_by(rows: list[tuple[int, str, int]],
                                           catalogue: list[str], end_offset: int,
                                           fractional: bool) -> None:
    """The counting path of weekly_demand gives the pandas group-by's table: SKUs outside
    the catalogue (X) dropped, returns (negative quantities) netted, weeks zero-filled."""
    from salesflow.forecasting.series import _weekly_demand_grouped, week_monday

    day0 = pd.Timestamp("2025-12-29")  # a Monday
    sales = pd.DataFrame({"order_id": [f"o{k}" for k in range(len(rows))],
                          "order_date": [day0 + pd.Timedelta(days=d) for d, _, _ in rows],
                          "sku": [s for _, s, _ in rows],
                          "quantity": [q + (0.25 if fractional else 0) for _, _, q in rows]})
    end = (day0 + pd.Timedelta(days=7 * (end_offset // 7))).date()
    got = weekly_demand(sales, catalogue, end)
    before = sales[sales["order_date"] < pd.Timestamp(end)]
    if before.empty:
        assert got.empty
        return
    weeks = pd.date_range(week_monday(before["order_date"]).min(),
                          pd.Timestamp(end) - pd.Timedelta(days=7), freq="7D", name="ds")
    expected = _weekly_demand_grouped(before, pd.Index(catalogue, name="unique_id"), weeks)
    pd.testing.assert_frame_equal(got, expected, check_exact=not fractional)


def test_weekly_demand_reads_categorical_skus_as_strings() -> None:
    sales = _sales([("o1", "2026-01-05", "B", 2), ("o2", "2026-01-13", "Z", 3),
                    ("o3", "2026-01-19", "A", 1)])
    as_text = weekly_demand(sales, ["A", "B"], dt.date(2026, 1, 26))
    sales["sku"] = sales["sku"].astype("category")
    pd.testing.assert_frame_equal(weekly_demand(sales, ["A", "B"], dt.date(2026, 1, 26)),
                                  as_text, check_exact=True)
    assert as_text["y"].tolist() == [0, 0, 1, 2, 0, 0]

"""The weekly pipeline's forecast stage on the engine, and the seasonal-naive "before"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.forecasting.candidates import DEFAULT_CANDIDATES
from salesflow.forecasting.stage import forecast_stage

INTERMITTENT_MODELS = {*DEFAULT_CANDIDATES["intermittent"], "gbm"}
#: Models only intermittent and lumpy series are offered.
SPORADIC_ONLY = {"croston", "sba", "tsb", "adida", "imapa"}


def _members(model: str) -> set[str]:
    return set(model.removeprefix("median(").rstrip(")").split(","))


@pytest.fixture(scope="module")
def tiny_stage(tiny_master: Path) -> tuple:
    dataset = load_dataset(tiny_master)
    week_start = dataset.plan_week_start(None)
    history = dataset.sales[dataset.sales["order_date"] < pd.Timestamp(week_start)]
    return dataset, history, week_start, forecast_stage(dataset, history, week_start)


def test_intermittent_skus_are_forecast_by_intermittent_models(tiny_stage: tuple) -> None:
    dataset, _, _, result = tiny_stage
    series = result.series
    assert sorted(series["unique_id"]) == sorted(dataset.skus["sku"])
    sporadic = series[series["demand_class"].isin(["intermittent", "lumpy"])]
    regular = series[series["demand_class"].isin(["smooth", "erratic"])]
    assert len(sporadic) > 0 and len(regular) > 0
    assert all(_members(m) <= INTERMITTENT_MODELS for m in sporadic["model"])
    assert not any(_members(m) & SPORADIC_ONLY for m in regular["model"])
    # the demand frame carries the same model per SKU
    models = result.demand.drop_duplicates("unique_id").set_index("unique_id")["model"]
    assert (models.loc[sporadic["unique_id"]].to_numpy() == sporadic["model"].to_numpy()).all()


def test_demand_frame_keeps_its_contract(tiny_stage: tuple) -> None:
    dataset, _, week_start, result = tiny_stage
    demand = result.demand
    horizon = dataset.config.planning.horizon_weeks
    assert list(demand.columns) == ["unique_id", "ds", "forecast", "model", "p10", "p50", "p90"]
    assert len(demand) == len(dataset.skus) * horizon
    assert demand["ds"].min() == pd.Timestamp(week_start)
    assert (demand["ds"].dt.day_of_week == 0).all()
    numbers = demand[["forecast", "p10", "p50", "p90"]]
    assert (numbers >= 0).all().all()
    assert (demand["p10"] <= demand["p50"]).all() and (demand["p50"] <= demand["p90"]).all()
    assert result.series["backtest_mase"].notna().all()
    assert len(result.orders_per_day) == 7
    assert result.orders_per_day.index[0] == week_start
    assert (result.orders_per_day >= 0).all()


def test_baseline_policy_is_the_seasonal_naive_before(tiny_stage: tuple) -> None:
    dataset, history, week_start, _ = tiny_stage
    before = forecast_stage(dataset, history, week_start, policy="baseline")
    assert before.policy == "baseline"
    assert set(before.demand["model"]) <= {"seasonal_naive", "naive"}
    assert before.series["backtest_mase"].isna().all()
    with pytest.raises(ValueError, match="policy"):
        forecast_stage(dataset, history, week_start, policy="best")


def test_same_dataset_same_forecast(tiny_stage: tuple) -> None:
    dataset, history, week_start, result = tiny_stage
    again = forecast_stage(dataset, history, week_start)
    pd.testing.assert_frame_equal(result.demand, again.demand)
    pd.testing.assert_series_equal(result.orders_per_day, again.orders_per_day)

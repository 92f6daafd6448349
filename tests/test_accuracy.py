"""``salesflow accuracy`` (issue 16 part 5): past plans' forecasts against the sales that
arrived, per week, lead, class and model; final vs statistical vs seasonal naive; weeks
without sales named, never scored as zero; one figure recomputed by hand from the files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from salesflow.cli.main import cli
from salesflow.data.dataset import sample_data_dir
from salesflow.forecasting.accuracy import PastForecast, forecast_accuracy, plan_forecast_frame

CI_WEEKS = ("2026-W45", "2026-W46")
REPLAY_WEEKS = tuple(f"2026-W{w}" for w in range(36, 48))  # the sample's last 12 weeks


def _invoke(*args: object) -> dict:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _replay(folder: Path, store: Path, weeks: tuple[str, ...]) -> None:
    for week in weeks:
        _invoke("weekly", "--data", folder, "--week", week, "--store", store,
                "--time-limit", 1, "--json")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample with one planner override (SKU001, week 46) and plans for two past weeks."""
    root = tmp_path_factory.mktemp("accuracy")
    folder = root / "data"
    shutil.copytree(sample_data_dir(), folder)
    (folder / "forecast_overrides.csv").write_text(
        "sku,category,week,quantity,factor,reason,author\n"
        "SKU001,,2026-W46,,3,flyer,ann\n", encoding="utf-8")
    store = root / "store"
    _replay(folder, store, CI_WEEKS)
    return folder, store


def _weekly_sales(folder: Path) -> pd.DataFrame:
    """Units per SKU and Monday week straight from sales.csv, zero-filled from the first
    week with any sale (by hand, without salesflow)."""
    sales = pd.read_csv(folder / "sales.csv", dtype={"sku": str}, parse_dates=["order_date"])
    monday = sales["order_date"] - pd.to_timedelta(sales["order_date"].dt.day_of_week, unit="D")
    table = (sales.groupby(["sku", monday])["quantity"].sum().astype("float64")
             .unstack(fill_value=0.0))
    weeks = pd.date_range(table.columns.min(), table.columns.max(), freq="7D")
    skus = pd.read_csv(folder / "skus.csv", dtype={"sku": str})["sku"]
    return table.reindex(index=skus, columns=weeks, fill_value=0.0)


def test_accuracy_of_two_past_weeks_recomputed_by_hand(replayed: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    folder, store = replayed
    out = tmp_path / "accuracy.html"
    payload = _invoke("accuracy", "--data", folder, "--store", store, "--out", out, "--json")
    assert [row["plan_week"] for row in payload["by_week"]] == list(CI_WEEKS)
    for row in payload["by_week"]:
        assert row["points"] == 200
        for key in ("mase", "wape", "bias", "mase_statistical", "mase_naive",
                    "fva_overrides", "fva_statistical"):
            assert np.isfinite(row[key]), key

    # plan for W46 by hand: its forecast.csv, its overrides file and sales.csv
    plan = next(r for r in payload["by_week"] if r["plan_week"] == "2026-W46")
    files = store / "plans" / str(plan["plan_id"])
    forecast = pd.read_csv(files / "forecast.csv", dtype={"sku": str})
    week = pd.Timestamp("2026-11-09")
    forecast = forecast[forecast["week_start"] == "2026-11-09"].set_index("sku")["forecast"]
    weekly = _weekly_sales(folder)
    actual = weekly[week].reindex(forecast.index)
    errors = (forecast - actual).abs()
    assert plan["wape"] == pytest.approx(errors.sum() / actual.sum(), rel=1e-9)
    assert plan["bias"] == pytest.approx((forecast - actual).mean(), rel=1e-9)
    history = weekly.loc[forecast.index, weekly.columns < week]
    scale = history.diff(axis=1).abs().iloc[:, 1:].mean(axis=1)
    scored = scale > 0
    assert plan["mase"] == pytest.approx((errors[scored] / scale[scored]).mean(), rel=1e-9)
    # the override tripled SKU001's week: its statistical forecast is in the applied file
    applied = pd.read_csv(files / "forecast_overrides_applied.csv", dtype={"sku": str})
    assert applied[["sku", "week_start"]].values.tolist() == [["SKU001", "2026-11-09"]]
    statistical = forecast.copy()
    statistical["SKU001"] = applied["statistical_forecast"].iloc[0]
    assert forecast["SKU001"] == pytest.approx(3 * statistical["SKU001"], abs=0.02)  # 2 dp
    stat_errors = (statistical - actual).abs()
    assert plan["mase_statistical"] == pytest.approx(
        (stat_errors[scored] / scale[scored]).mean(), rel=1e-9)
    assert plan["fva_overrides"] == pytest.approx(plan["mase_statistical"] - plan["mase"])
    assert plan["overridden"] == 1

    # weeks after the last sale (2026-11-21) are named, not scored as zero
    pending = {row["week"]: row for row in payload["pending"]}
    assert "2026-W48" in pending and pending["2026-W48"]["status"] == "no sales yet"
    assert "2026-W47" not in pending  # the week of the last sale counts as arrived
    assert all(row["lead"] <= 8 for row in payload["by_lead"])
    assert {row["demand_class"] for row in payload["by_class"]} <= {
        "smooth", "erratic", "intermittent", "lumpy", "no_demand"}
    page = out.read_text(encoding="utf-8")
    assert "By plan week" in page and "week 2026-W48: no sales yet" in page


def test_accuracy_table_and_since(replayed: tuple[Path, Path], tmp_path: Path,
                                  run_cli: Callable[..., object]) -> None:
    folder, store = replayed
    result = run_cli("accuracy", "--data", folder, "--store", store, "--since", "2026-W46",
                     "--out", tmp_path / "a.html")
    assert result.exit_code == 0, result.output
    assert "2026-W46" in result.stdout and "2026-W45     " not in result.stdout
    assert "week 2026-W48: no sales yet" in result.stdout
    bad = run_cli("accuracy", "--store", store, "--since", "46", "--out", tmp_path / "b.html")
    assert bad.exit_code == 2 and "ISO week" in bad.output + bad.stderr


def test_a_plan_whose_week_has_no_sales_is_listed_not_scored() -> None:
    days = pd.date_range("2026-01-05", "2026-03-01", freq="D")  # Mon .. Sun, 8 weeks
    sales = pd.DataFrame({"order_date": days, "sku": "A", "quantity": 1.0})
    sales.loc[sales["order_date"].dt.day_of_week == 0, "quantity"] = 3.0  # 9 units a week
    future = pd.DataFrame({"sku": ["A", "A"], "week_start": ["2026-03-02", "2026-03-09"],
                           "forecast": [9.0, 9.0], "model": ["theta", "theta"]})
    past = pd.DataFrame({"sku": ["A", "A"], "week_start": ["2026-02-16", "2026-02-23"],
                         "forecast": [11.0, 6.0], "model": ["theta", "theta"]})
    plans = [PastForecast(1, "2026-W08", plan_forecast_frame(past, None)),
             PastForecast(2, "2026-W10", plan_forecast_frame(future, None))]
    report = forecast_accuracy(sales, ["A"], plans, season_length=52)
    assert report.by_week["plan_week"].tolist() == ["2026-W08"]
    assert report.pending_lines() == ["week 2026-W10: no sales yet (plan 2)",
                                      "week 2026-W11: no sales yet (plan 2)"]
    # the history is 9 units every week: no scale, MASE undefined; WAPE and bias are not
    row = report.overall.iloc[0]
    assert np.isnan(row["mase"]) and row["points"] == 2
    assert row["wape"] == pytest.approx((2 + 3) / 18) and row["bias"] == pytest.approx(-0.5)
    assert row["wape_naive"] == 0.0  # the seasonal naive repeats last week: exact here
    assert report.notes == []
    gone = PastForecast(3, "2026-W08", plan_forecast_frame(past.assign(sku="B"), None))
    report = forecast_accuracy(sales, ["A"], [gone], season_length=52)
    assert report.by_week.empty and report.notes == [
        "plan 3 (2026-W08): 1 SKU(s) not in the dataset's skus, not scored (first: B)"]


def test_overrides_in_a_plan_give_forecast_value_added() -> None:
    days = pd.date_range("2026-01-05", "2026-02-22", freq="D")  # 7 weeks
    rng = np.random.default_rng(3)
    sales = pd.DataFrame({"order_date": days, "sku": "A",
                          "quantity": rng.integers(0, 5, len(days)).astype(float)})
    forecast = pd.DataFrame({"sku": ["A"], "week_start": ["2026-02-16"], "forecast": [20.0],
                             "model": ["ets"]})
    applied = pd.DataFrame({"sku": ["A"], "week_start": ["2026-02-16"],
                            "statistical_forecast": [10.0]})
    frame = plan_forecast_frame(forecast, applied)
    assert frame[["forecast", "statistical_forecast", "overridden"]].values.tolist() == \
        [[20.0, 10.0, True]]
    report = forecast_accuracy(sales, ["A"], [PastForecast(7, "2026-W08", frame)], 52)
    week = sales[sales["order_date"] >= "2026-02-16"]["quantity"].sum()
    weekly = sales.groupby(sales["order_date"].dt.isocalendar().week)["quantity"].sum()
    scale = np.abs(np.diff(weekly.to_numpy()[:-1])).mean()
    row = report.by_week.iloc[0]
    assert row["mase"] == pytest.approx(abs(week - 20.0) / scale)
    assert row["mase_statistical"] == pytest.approx(abs(week - 10.0) / scale)
    assert row["fva_overrides"] == pytest.approx((abs(week - 10.0) - abs(week - 20.0)) / scale)


@pytest.mark.slow
def test_accuracy_on_a_replay_of_the_last_12_weeks(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _replay(sample_data_dir(), store, REPLAY_WEEKS)
    payload = _invoke("accuracy", "--store", store, "--out", tmp_path / "a.html", "--json")
    assert [row["plan_week"] for row in payload["by_week"]] == list(REPLAY_WEEKS)
    assert all(np.isfinite(row[k]) for row in payload["by_week"]
               for k in ("mase", "wape", "bias", "fva_overrides", "fva_statistical"))
    assert payload["overall"][0]["points"] > 12 * 200

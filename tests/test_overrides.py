"""Planner overrides (issue 16 part 4): quantity and factor rules by SKU and by category,
their checks (exit 2 naming the row), and the plan keeping both forecasts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import read_csv_text

from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.overrides_input import empty_rules, planner_overrides
from salesflow.data.errors import InvalidInputError
from salesflow.forecasting.overrides import APPLIED_COLUMNS, apply_overrides
from salesflow.forecasting.stage import forecast_stage
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.pipeline import purchase_run

HEADER = "sku,category,week,quantity,factor,reason,author\n"
W1, W2 = pd.Timestamp("2026-11-23"), pd.Timestamp("2026-11-30")


def _demand() -> pd.DataFrame:
    """Two weeks of three SKUs: A and B in category x, C in y; C forecasts 0 in week 1."""
    return pd.DataFrame({
        "unique_id": ["A", "A", "B", "B", "C", "C"],
        "ds": [W1, W2] * 3,
        "forecast": [10.0, 12.0, 30.0, 30.0, 0.0, 4.0],
        "model": ["theta"] * 6,
        "p10": [6.0, 8.0, 20.0, 20.0, 0.0, 1.0],
        "p50": [9.0, 11.0, 29.0, 29.0, 0.0, 4.0],
        "p90": [15.0, 17.0, 42.0, 42.0, 2.0, 8.0],
    })


CATEGORIES = pd.Series({"A": "x", "B": "x", "C": "y"})


def _rules(*rows: tuple[str, str, pd.Timestamp, float | None, float | None]) -> pd.DataFrame:
    frame = pd.DataFrame([{"row": i + 2, "by": by, "target": target, "week_start": week,
                           "quantity": np.nan if q is None else q,
                           "factor": np.nan if f is None else f, "reason": "r", "author": "a"}
                          for i, (by, target, week, q, f) in enumerate(rows)])
    return pd.concat([empty_rules(), frame], ignore_index=True).astype(empty_rules().dtypes)


def _cell(frame: pd.DataFrame, sku: str, week: pd.Timestamp, column: str) -> float:
    return float(frame.loc[(frame["unique_id"] == sku) & (frame["ds"] == week), column].iloc[0])


def test_quantity_by_sku_replaces_the_forecast_and_scales_its_quantiles() -> None:
    demand = _demand()
    final, applied = apply_overrides(demand, _rules(("sku", "A", W1, 25.0, None)), CATEGORIES)
    assert _cell(final, "A", W1, "forecast") == 25.0
    for column in ("p10", "p50", "p90"):  # scaled by q / f = 2.5
        assert _cell(final, "A", W1, column) == pytest.approx(2.5 * _cell(demand, "A", W1,
                                                                            column))
    untouched = (final["unique_id"] != "A") | (final["ds"] != W1)
    pd.testing.assert_frame_equal(final[untouched], demand[untouched])
    assert list(applied.columns) == list(APPLIED_COLUMNS)
    assert applied[["sku", "statistical_forecast", "forecast", "override_by"]].values.tolist() \
        == [["A", 10.0, 25.0, "sku"]]


def test_quantity_on_a_zero_forecast_shifts_the_quantiles() -> None:
    final, _ = apply_overrides(_demand(), _rules(("sku", "C", W1, 5.0, None)), CATEGORIES)
    assert _cell(final, "C", W1, "forecast") == 5.0
    assert [_cell(final, "C", W1, c) for c in ("p10", "p50", "p90")] == [5.0, 5.0, 7.0]


def test_factor_by_category_multiplies_every_sku_of_it() -> None:
    demand = _demand()
    final, applied = apply_overrides(demand, _rules(("category", "x", W2, None, 1.5)),
                                     CATEGORIES)
    for sku in ("A", "B"):
        for column in ("forecast", "p10", "p50", "p90"):
            assert _cell(final, sku, W2, column) == pytest.approx(
                1.5 * _cell(demand, sku, W2, column))
    assert _cell(final, "C", W2, "forecast") == 4.0  # another category
    assert _cell(final, "A", W1, "forecast") == 10.0  # another week
    assert sorted(applied["sku"]) == ["A", "B"]
    assert set(applied["override_by"]) == {"category"}


def test_sku_rule_wins_over_its_category_and_category_quantity_is_shared() -> None:
    rules = _rules(("category", "x", W1, 80.0, None), ("sku", "A", W1, None, 0.0))
    final, applied = apply_overrides(_demand(), rules, CATEGORIES)
    assert _cell(final, "A", W1, "forecast") == 0.0  # its own rule: factor 0 (lost customer)
    assert _cell(final, "B", W1, "forecast") == 80.0  # the category's total, B alone left
    rules = _rules(("category", "x", W2, 84.0, None))
    final, _ = apply_overrides(_demand(), rules, CATEGORIES)
    # shared in proportion to the statistical forecasts 12 : 30
    assert _cell(final, "A", W2, "forecast") == pytest.approx(84.0 * 12 / 42)
    assert _cell(final, "B", W2, "forecast") == pytest.approx(84.0 * 30 / 42)
    assert len(applied) == 2


def test_rules_outside_the_horizon_change_nothing() -> None:
    demand = _demand()
    final, applied = apply_overrides(
        demand, _rules(("sku", "A", pd.Timestamp("2027-03-01"), 9.0, None)), CATEGORIES)
    pd.testing.assert_frame_equal(final, demand)
    assert applied.empty and list(applied.columns) == list(APPLIED_COLUMNS)


def _write(folder: Path, body: str) -> Path:
    path = folder / "forecast_overrides.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "row", "column", "value", "words"), [
    ("SKU01,,2026-W48,10,,promo,ann\nSKU99,,2026-W48,10,,typo,ann\n", 3, "sku", "SKU99",
     "unknown sku"),
    ("SKU01,,2026-W40,10,,late,ann\n", 2, "week", "2026-W40", "before the week planned"),
    (",garden,2026-W48,,1.2,,\n", 2, "category", "garden", "unknown category"),
    ("SKU01,,2026-W48,10,1.5,,\n", 2, "factor", "1.5", "not both"),
    ("SKU01,,2026-W48,,,,\n", 2, "quantity", "", "give the quantity"),
    ("SKU01,paint,2026-W48,10,,,\n", 2, "category", "paint", "not both"),
    ("SKU01,,48,10,,,\n", 2, "week", "48", "ISO week"),
    ("SKU01,,2026-W48,10,,,\nSKU01,,2026-W48,12,,,\n", 3, "week", "2026-W48",
     "overridden twice"),
])
def test_broken_override_exits_2_naming_the_row(tiny_dir: Path, tmp_path: Path,
                                                run_cli: Callable[..., object], body: str,
                                                row: int, column: str, value: str,
                                                words: str) -> None:
    path = _write(tiny_dir, body)
    result = run_cli("weekly", "--data", tiny_dir, "--week", "2026-W48", "--store",
                     tmp_path / "store", "--json")
    assert result.exit_code == 2, result.output
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["file"] == str(path) and problem["row"] == row
    assert problem["column"] == column and problem["value"] == value
    assert words in problem["rule"]
    assert not (tmp_path / "store" / "plans").exists()  # nothing stored


def test_negative_quantity_is_refused_at_load(tiny_dir: Path,
                                              run_cli: Callable[..., object]) -> None:
    _write(tiny_dir, "SKU01,,2026-W48,-5,,,\n")
    result = run_cli("validate", "--data", tiny_dir)
    assert result.exit_code == 2
    assert "forecast_overrides.csv, row 2, column quantity: value '-5': must be >= 0" \
        in result.stderr


def test_checks_name_the_row_as_the_user_sees_it(tiny_dir: Path) -> None:
    _write(tiny_dir, "SKU01,,2026-W48,10,,,\n\nSKU02,,2026-W47,10,,,\n")  # a blank line
    dataset = load_dataset(tiny_dir)
    with pytest.raises(InvalidInputError) as caught:
        planner_overrides(dataset, pd.Timestamp("2026-11-23").date())
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "week")]


def test_forecast_stage_applies_the_rules_on_the_engine_forecast(tiny_dir: Path) -> None:
    week = pd.Timestamp("2026-11-23").date()
    plain = load_dataset(tiny_dir)
    history = plain.history_before(week)
    before = forecast_stage(plain, history, week, horizon=2)
    _write(tiny_dir, "SKU01,,2026-W48,40,,promotion,ann\n,fasteners,2026-W49,,2,fair,bob\n")
    after = forecast_stage(load_dataset(tiny_dir), history, week, horizon=2)
    fasteners = plain.skus.loc[plain.skus["category"] == "fasteners", "sku"].tolist()
    expected = before.demand.copy()
    hit = (expected["unique_id"] == "SKU01") & (expected["ds"] == pd.Timestamp(week))
    expected.loc[hit, "forecast"] = 40.0
    cat = expected["unique_id"].isin(fasteners) & (expected["ds"] == W2)
    expected.loc[cat, "forecast"] *= 2
    np.testing.assert_allclose(after.demand["forecast"], expected["forecast"])
    applied = after.overrides.set_index(["sku", "week_start"])
    stat = before.demand.set_index(["unique_id", "ds"])["forecast"]
    assert len(applied) == 1 + len(fasteners)
    np.testing.assert_allclose(applied["statistical_forecast"],
                               stat.reindex(applied.index).to_numpy())


def test_the_plan_keeps_both_forecasts_and_purchases_on_the_final_one(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    _write(tiny_dir, "SKU01,,2026-W48,400,,trade fair order,ann\n")
    result = run_cli("weekly", "--data", tiny_dir, "--week", "2026-W48", "--store",
                     tmp_path / "store", "--time-limit", "1", "--json")
    assert result.exit_code == 0, result.output
    folder = Path(json.loads(result.stdout)["folder"])
    forecast = read_csv_text(folder / "forecast.csv")
    applied = read_csv_text(folder / "forecast_overrides_applied.csv")
    assert applied[["sku", "week_start", "forecast", "override_quantity", "reason"]].values \
        .tolist() == [["SKU01", "2026-11-23", "400.0", "400.0", "trade fair order"]]
    statistical = float(applied["statistical_forecast"].iloc[0])
    assert statistical != 400.0
    row = forecast[(forecast["sku"] == "SKU01") & (forecast["week_start"] == "2026-11-23")]
    assert float(row["forecast"].iloc[0]) == 400.0
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Forecasts overridden by planners" in report and "trade fair order" in report

    run = purchase_run(load_dataset(tiny_dir), SolveLimits(time_limit_seconds=1.0),
                       week="2026-W48")
    problem = run.result.problem
    index = [item.sku for item in problem.items].index("SKU01")
    assert problem.demand[index, 0] == pytest.approx(400.0)


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def test_forecast_command_applies_overrides_and_writes_rounded_units(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    _write(tiny_dir, "SKU01,,2026-W48,12.3456,,promotion,ann\n")
    out = tmp_path / "fc.csv"
    result = run_cli("forecast", "--data", tiny_dir, "--horizon", 2, "--workers", 1,
                     "--out", out, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["overrides_applied"] == 1
    frame = read_csv_text(out)
    row = frame[(frame["sku"] == "SKU01") & (frame["week_start"] == "2026-11-23")]
    assert row["forecast"].tolist() == ["12.35"]
    for column in ("forecast", "p10", "p50", "p90"):
        assert frame[column].map(_decimals).max() <= 2, column
    assert frame["backtest_mase"].map(_decimals).max() <= 4
    applied = read_csv_text(tmp_path / "fc_overrides_applied.csv")
    assert applied["sku"].tolist() == ["SKU01"] and applied["forecast"].tolist() == ["12.35"]


def test_series_forecast_keeps_six_significant_digits(tmp_path: Path,
                                                      run_cli: Callable[..., object]) -> None:
    rng = np.random.default_rng(1)
    series = pd.DataFrame({"unique_id": "tiny", "ds": np.arange(40),
                           "y": 0.001 + 0.0001 * rng.random(40)})
    path = tmp_path / "series.csv"
    series.to_csv(path, index=False)
    out = tmp_path / "out.csv"
    result = run_cli("forecast", "--series", path, "--horizon", 3, "--out", out)
    assert result.exit_code == 0, result.output
    frame = read_csv_text(out)
    values = frame["forecast"].astype(float)
    assert (values > 0.0009).all()  # not rounded away to 0.00
    digits = frame["forecast"].str.replace("0.00", "", n=1, regex=False).str.replace(
        ".", "", regex=False).str.lstrip("0")
    assert digits.str.len().max() <= 6

"""``salesflow purchase``: files, JSON, errors and infeasible data, end to end."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from helpers import edit_table, read_csv_text

from salesflow.data.i18n import format_date

ORDER_COLUMNS = ["supplier_id", "sku", "supplier_name", "sku_name", "order_date",
                 "arrival_date", "packs", "quantity", "unit_price", "line_cost",
                 "primary_reason", "reason"]


def _demand_file(folder: Path, target: Path) -> Path:
    from salesflow.data.dataset import load_dataset
    from salesflow.data.dataset.demand_input import demand_from_history

    dataset = load_dataset(folder)
    demand = demand_from_history(dataset.sales, dataset.plan_week_start(), 6)
    demand.to_csv(target, index=False)
    return target


def test_purchase_with_demand_writes_orders_comparison_and_workbook(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    demand = _demand_file(tiny_dir, tmp_path / "demand.csv")
    out = tmp_path / "po"
    result = run_cli("purchase", "--data", tiny_dir, "--demand", demand, "--out", out,
                     "--time-limit", "10", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["weeks"] == 6 and summary["solve"]["bound"] is not None
    assert summary["time_limit_s"] == 10 and summary["planning_time_s"] > 0
    assert set(summary["baselines"]) == {"lot_for_lot", "eoq_reorder_point", "min_max"}
    # Never worse than the best baseline in what the model minimises (cost and penalties less
    # the stock left's credit): test_purchase_outputs checks that on the objective itself.
    parts = summary["solve"]["objective_parts"]
    assert parts["objective"] == pytest.approx(
        parts["cost"] + parts["surcharges"] + parts["limit_penalties"]
        + parts["safety_stock_penalties"] + parts["lateness_penalties"]
        - parts["end_stock_value"], abs=0.05)
    orders = read_csv_text(out / "purchase_orders.csv")
    assert list(orders.columns) == ORDER_COLUMNS
    assert len(orders) == summary["lines"] and (orders["reason"] != "").all()
    skus = pd.read_csv(tiny_dir / "skus.csv").set_index("sku")["pack_size"]
    assert all(int(r.packs) * skus[r.sku] == int(r.quantity) for r in orders.itertuples())
    comparison = read_csv_text(out / "purchase_comparison.csv")
    assert comparison["policy"].tolist() == ["optimized", "lot_for_lot", "eoq_reorder_point",
                                             "min_max"]
    from openpyxl import load_workbook

    book = load_workbook(out / "purchase_plan.xlsx")
    assert book.sheetnames == ["Plan", "Purchase orders", "Order this week", "All lines",
                               "Suppliers", "Comparison", "Issues"]
    assert {"supplier_summary.csv", "purchase_issues.csv"} <= {p.name for p in out.iterdir()}


def test_purchase_on_the_forecast_prints_the_comparison(
        tiny_dir: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("purchase", "--data", tiny_dir, "--time-limit", "10")
    assert result.exit_code == 0, result.output
    assert "| lot-for-lot" in result.stdout
    assert "Procurement cost change vs the company's rule (min/max)" in result.stdout
    # A rule that breaks limits says how many beside its name (the cheapest rule of the week
    # is taken among those that keep every limit).
    account = json.loads(run_cli("purchase", "--data", tiny_dir, "--time-limit", "10",
                                 "--json").stdout)["accounting"]
    for name, label in (("lot_for_lot", "lot-for-lot"), ("eoq_reorder_point", "EOQ")):
        broken = account["rules"][name]["rules_broken"]
        row = next(line for line in result.stdout.splitlines() if line.startswith(f"  | {label}"))
        assert (f"(breaks {broken} limit" in row) == (broken > 0), row


def test_bad_demand_file_exits_2_naming_file_row_and_column(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    sku = pd.read_csv(tiny_dir / "skus.csv")["sku"].iloc[0]
    bad = tmp_path / "demand.csv"
    bad.write_text(f"sku,week_start,quantity\n{sku},2026-11-25,4\n", encoding="utf-8")
    result = run_cli("purchase", "--data", tiny_dir, "--demand", bad)
    assert result.exit_code == 2
    assert f"{bad}, row 2, column week_start: value '2026-11-25': must be a Monday" \
        in result.stderr
    week = run_cli("purchase", "--data", tiny_dir, "--demand", bad, "--week", "2026-W48")
    assert week.exit_code == 2


def test_infeasible_data_is_reported_and_a_plan_still_made(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    demand = _demand_file(tiny_dir, tmp_path / "demand.csv")
    first = pd.read_csv(demand)["sku"].iloc[0]

    def huge_moq(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame["sku"] == first, ["moq", "unit_volume_m3"]] = ["5000", "1.0"]
        return frame

    edit_table(tiny_dir, "skus", huge_moq)
    result = run_cli("purchase", "--data", tiny_dir, "--demand", demand, "--time-limit", "10",
                     "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    found = [x for x in summary["infeasibilities"] if x["constraint"] == "warehouse capacity"]
    assert found and found[0]["sku"] == first and found[0]["supplier_id"]
    assert found[0]["week"] == summary["week_start"]
    assert summary["lines"] > 0
    text = run_cli("purchase", "--data", tiny_dir, "--demand", demand, "--time-limit", "10")
    line = next(x for x in text.stdout.splitlines() if "Cannot be met: warehouse capacity" in x)
    week = format_date(dt.date.fromisoformat(summary["week_start"]))
    assert f"(week of {week}, SKU " in line and f" ({first}), supplier " in line  # names too


def test_budget_below_what_is_needed_is_reported(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    demand = _demand_file(tiny_dir, tmp_path / "demand.csv")
    result = run_cli("purchase", "--data", tiny_dir, "--demand", demand, "--time-limit", "10",
                     "--weekly-budget", "10", "--receiving-lines", "3", "--truck-m3", "0.5",
                     "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    budget = [x for x in summary["infeasibilities"] if x["constraint"] == "budget"]
    assert budget and budget[0]["sku"] and budget[0]["supplier_id"] and budget[0]["week"]
    broken = {v["constraint"] for v in summary["violations"]}
    assert "budget" in broken or summary["plan"]["shortage"] > 0
    priced = sum(v["cost"] for v in summary["violations"])  # each rounded to cents
    assert abs(summary["plan"]["penalties"] - priced) <= 0.01 * len(summary["violations"]) + 0.01


def test_the_solve_gets_the_time_limit_given(tiny_dir: Path, run_cli: Callable[..., object],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from salesflow.optimizer.purchasing import stage

    seen = []
    real = stage.solve_purchasing

    def spy(problem, limits, progress=None, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((limits.time_limit_seconds, kwargs.get("backend")))
        return real(problem, limits, progress, **kwargs)

    monkeypatch.setattr(stage, "solve_purchasing", spy)
    result = run_cli("purchase", "--data", tiny_dir, "--time-limit", "7", "--solver", "scip")
    assert result.exit_code == 0, result.output
    assert seen == [(7.0, "scip")]

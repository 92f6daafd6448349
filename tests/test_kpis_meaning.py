"""KPIs that cannot mean anything say so (issue 18 part 3, issue 14 part 1): a KPI computed on
zero orders or zero demand is "not meaningful (...)", never "met"; a value that cannot be
computed says why, never a bare n/a."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from salesflow.optimizer.accounting import NO_DEMAND, NO_ORDERS


@pytest.fixture(scope="module")
def quiet_week(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tiny dataset's plan week as a week with no forecast orders: the forecast engine
    runs, then every forecast (units, quantiles, orders per day) is zero; purchasing,
    staffing and routing plan on it as usual."""
    from salesflow.data.dataset import load_dataset
    from salesflow.data.generator import generate_dataset, write_dataset
    from salesflow.optimizer import weekly
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.limits import SolveLimits

    folder = tmp_path_factory.mktemp("quiet-week")
    write_dataset(generate_dataset("tiny", 0), folder, "csv")
    dataset = load_dataset(folder)
    real = weekly.forecast_for

    def nothing(dataset: Any, context: Any) -> Any:
        result = real(dataset, context)
        demand = result.demand.copy()
        numbers = [c for c in demand.columns if c == "forecast" or c.startswith("p")]
        demand[numbers] = 0.0
        return replace(result, demand=demand, orders_per_day=result.orders_per_day * 0.0)

    patch = pytest.MonkeyPatch()
    patch.setattr(weekly, "forecast_for", nothing)
    try:
        context = PlanningContext.build(dataset, limits=SolveLimits(time_limit_seconds=5))
        return weekly.run_weekly(dataset, context)
    finally:
        patch.undo()


def test_kpis_on_a_week_with_no_forecast_orders_are_not_meaningful_never_met(
        quiet_week: Any) -> None:
    assert quiet_week.forecast.orders_per_day.sum() == 0
    rows = {t["kpi"]: t for t in quiet_week.kpis["targets"]}
    for kpi in ("order_cycle_days", "unit_order_operating_cost"):
        assert rows[kpi]["status"] == NO_ORDERS == "not meaningful (no orders forecast)", kpi
        assert rows[kpi]["met"] is None and rows[kpi]["value"] is None
    for kpi in ("procurement_cost_change", "inventory_turnover_per_month", "fill_rate"):
        assert rows[kpi]["status"] == NO_DEMAND, kpi
        assert rows[kpi]["met"] is None and rows[kpi]["value"] is None
    advice = quiet_week.kpis["staffing"]["cycle_target"]
    assert advice["stopped_by"] == "no orders forecast"
    assert "not meaningful (no orders forecast)" in advice["sentence"]
    assert "met" not in advice["sentence"].replace("meaningful", "")
    for row in rows.values():
        assert row["status"] != "n/a" and row["status"]
        if row["value"] is None:
            assert row["met"] is None and not row["status"].startswith("met"), row


def test_the_report_and_the_summary_show_why(quiet_week: Any, tmp_path: Path) -> None:
    from salesflow.cli.kpi_summary import _kpi_lines
    from salesflow.data.dataset import load_dataset
    from salesflow.data.generator import generate_dataset, write_dataset
    from salesflow.data.outputs.report import render_report
    from salesflow.optimizer.report_data import report_data

    write_dataset(generate_dataset("tiny", 0), tmp_path, "csv")
    dataset = load_dataset(tmp_path)
    html = render_report(report_data(dataset, quiet_week))
    assert "<td>not meaningful: no orders forecast</td>" in html
    assert "procurement cost change not meaningful: no demand forecast" in html
    lines = "\n".join(_kpi_lines(quiet_week.kpis))
    assert ("| Order processing cycle | — | — | ≤ 1.00 days | not meaningful: no orders "
            "forecast |") in lines


def test_a_cycle_that_never_ends_says_why() -> None:
    from salesflow.optimizer.kpis import _target, cycle_why
    from salesflow.optimizer.staffing.cycle import CycleTime

    stuck = CycleTime(mean_hours=math.inf, p90_hours=math.inf, within_target=0.0,
                      target_hours=24.0, met=False, bottleneck_step="review_confirm",
                      bottleneck_skill="sales", bottleneck_hours=(),
                      waiting_order_hours={"review_confirm": 10.0}, unfinished_orders=149.0)
    why = cycle_why(stuck, "the fixed roster")
    assert why == ("the fixed roster never clears the queue: cycle > 14 days (149 orders "
                   "still waiting at review_confirm two weeks after the plan week)")
    row = _target("order_cycle_days", None, None, 1.0, False, "", why=why)
    assert row["status"] == why and row["met"] is None
    assert _target("x", None, None, None, True, "")["status"] == "no target"


def test_a_baseline_without_a_value_shows_why_in_the_report_and_the_summary() -> None:
    from salesflow.cli.kpi_summary import _kpi_lines
    from salesflow.data.outputs.report import targets_table
    from salesflow.optimizer.kpis import _target

    row = _target("order_cycle_days", None, 2.5, 1.0, False, "note",
                  baseline_why="> 14 days")
    assert row["baseline_why"] == "> 14 days" and row["status"] == "missed"
    html = targets_table([{**row, "plan": row["value"]}])
    assert "<td>over 14 days</td><td>2.50 days</td>" in html and "n/a" not in html
    kpis = {"purchasing": {"lines_this_week": 0, "value_this_week": 0.0,
                           "cost": {k: 0.0 for k in ("total", "purchase", "ordering",
                                                     "holding", "shortage")}},
            "staffing": {"not_planned": "x"}, "routing": {"not_planned": "y"},
            "forecast": {"skus": 1, "horizon_weeks": 1, "units_plan_week": 1.0,
                         "orders_plan_week": 1.0},
            "targets": [row]}
    assert "| Order processing cycle | over 14 days | 2.50 days | ≤ 1.00 days | missed |" \
        in "\n".join(_kpi_lines(kpis))

"""The weekly staffing stage on the tiny dataset: requirements (orders, receiving, service desk),
the CP-SAT roster against the fixed pattern, the cycle time of both."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.optimizer.context import PlanningContext
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.check import check_roster
from salesflow.optimizer.staffing.report import cycle_figures, plan_figures
from salesflow.optimizer.staffing.stage import staffing_stage


@pytest.fixture(scope="module")
def result(tiny_master):
    dataset = load_dataset(tiny_master)
    week = dataset.plan_week_start()
    history = dataset.sales[dataset.sales["order_date"] < pd.Timestamp(week)]
    days = [week + dt.timedelta(days=i) for i in range(7)]
    orders = pd.Series([12.0, 10, 9, 8, 7, 3, 0], index=days)
    # A deterministic budget (3 units) far inside a generous wall-clock limit: the search
    # ends on a proof or on that budget, so the result does not depend on the machine's load.
    limits = SolveLimits(300.0, 2, 0, work_limit=3.0)
    context = PlanningContext(week, 8, history, limits)
    return dataset, days, staffing_stage(dataset, context, orders, [days[1], days[1]])


def test_requirements_hold_orders_receiving_and_the_desk(result) -> None:
    dataset, _days, res = result
    skills = set(res.requirements["skill"])
    assert {"sales_admin", "picker", "packer", "shipper", "receiving",
            "customer_service"} <= skills
    receiving = res.requirements[res.requirements["skill"] == "receiving"]
    config = dataset.config.staffing
    # Two lines on Tuesday, 15 minutes each, over the opening hours, / productivity.
    assert receiving["required"].sum() == pytest.approx(
        2 * config.receiving_minutes_per_line / 60 / config.productivity)
    desk = res.requirements[res.requirements["skill"] == "customer_service"]
    assert desk["required"].sum() == res.service_desk["agents"].sum()
    assert (res.service_desk["service_level"] >= 0.8).all()


def test_roster_is_checked_and_no_worse_than_the_baseline(result) -> None:
    dataset, days, res = result
    plan = res.plan
    assert plan.solution.status in ("optimal", "feasible")
    assert plan.solution.stopped_by in ("proof", "deterministic limit")
    assert check_roster(res.roster, dataset["employees"], dataset["shifts"], days) == []
    assert plan.violations == ()
    assert plan.cost.total <= plan.baseline_cost.total + 1e-6
    assert res.labour_cost == pytest.approx(plan.cost.labour)
    assert res.baseline is plan.baseline
    figures = plan_figures(plan)
    assert figures["solver"]["bound"] <= figures["solver"]["objective"] + 1e-6
    assert figures["cost_ratio_to_baseline"] <= 1.0


def test_cycle_time_is_reported_with_target_or_bottleneck(result) -> None:
    _, _, res = result
    for cycle in (res.cycle, res.baseline_cycle):
        assert cycle is not None and cycle.target_hours == 24.0
        assert cycle.met or cycle.bottleneck_step in {
            "receive_order", "review_confirm", "allocate_pick", "pack_qc", "consolidate_ship"}
    figures = cycle_figures(res.cycle)
    assert set(figures) >= {"mean_hours", "met", "bottleneck_step", "bottleneck_hours"}

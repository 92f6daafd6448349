"""Targets as decisions (issue 14 part 2): the turnover target as a limit on average stock
value, hard or priced, and ``salesflow tradeoff``'s frontier of feasible plans, each re-checked
and re-costed by the one accounting."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from test_accounting import _formula_net, _set_config

TARGET = 2.0  # a turnover the tiny dataset can reach keeping its safety stock


def _independent_check(problem: Any, plan: Any) -> list[str]:
    """The plan's line rules re-checked from the problem's data alone: whole packs, MOQ,
    the supplier's order weekdays and lead time, SKUs of their own supplier."""
    items = {item.sku: item for item in problem.items}
    wrong = []
    for line in plan.lines:
        item = items[line.sku]
        terms = problem.suppliers[line.supplier_id]
        if line.quantity % item.pack_size or line.quantity < item.moq or line.quantity <= 0:
            wrong.append(f"{line.sku}: {line.quantity} not whole packs >= MOQ")
        if terms.order_weekdays and line.order_date.weekday() not in terms.order_weekdays:
            wrong.append(f"{line.sku}: ordered on a day {line.supplier_id} takes no orders")
        if (line.arrival_date - line.order_date).days != terms.lead_time_days:
            wrong.append(f"{line.sku}: arrival not the lead time after the order")
        if item.supplier_id != line.supplier_id:
            wrong.append(f"{line.sku}: bought from {line.supplier_id}")
        if line.unit_price != item.unit_price(line.quantity):
            wrong.append(f"{line.sku}: price {line.unit_price} is not the break's")
    return wrong


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from salesflow.data.dataset import load_dataset
    from salesflow.data.generator import generate_dataset, write_dataset
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.pipeline import purchase_run

    folder = tmp_path_factory.mktemp("tiny-tradeoff")
    write_dataset(generate_dataset("tiny", 7), folder, "csv")
    dataset = load_dataset(folder)
    limits = SolveLimits.from_config(dataset.config, 3.0)
    return folder, dataset, limits, purchase_run(dataset, limits).result


def test_the_frontier_has_six_feasible_points_rising_in_turnover_and_cost(
        tiny_run: Any) -> None:
    from salesflow.optimizer.accounting import account_of, policy_figures
    from salesflow.optimizer.purchasing.baselines import BaselineRule
    from salesflow.optimizer.tradeoff import frontier, target_fill_rate

    _, _, limits, result = tiny_run
    account = account_of(result, BaselineRule())
    traced = frontier(result.problem, limits, account.baseline, TARGET, points=6,
                      today=result.plan, target_fill_rate=target_fill_rate(result.problem))
    points = traced.points
    assert len(points) >= 6
    assert points[0].plan is result.plan and traced.chosen == 0
    turnovers = [p.turnover for p in points]
    costs = [p.figures.net_cost for p in points]
    assert all(a < b for a, b in pairwise(turnovers))
    assert all(a < b for a, b in pairwise(costs[1:]))
    assert turnovers[-1] >= TARGET  # to the target and beyond
    k = traced.target_point
    assert k is not None and turnovers[k] >= TARGET > turnovers[k - 1]
    for point in points:
        assert point.rules_broken == 0 and _independent_check(result.problem, point.plan) == []
        again = policy_figures(result.problem, point.plan)  # re-costed on the real problem
        assert point.figures.net_cost == pytest.approx(again.net_cost, abs=1e-6)
        assert point.figures.net_cost == pytest.approx(
            _formula_net(result.problem, point.plan), abs=0.01)
    out = traced.to_dict()
    assert out["points"][k]["label"].startswith("target")
    assert out["points"][0]["label"] == "today's plan, chosen"
    change = (costs[k] - costs[0]) / costs[0]
    assert out["sentence"].startswith(f"turnover {TARGET:g} costs {change:+.2%}"[:-1] + " %")
    assert f"fill rate {points[k].figures.fill_rate:.2%}"[:-1] + " %" in out["sentence"]


def test_hard_and_priced_turnover_targets_decide_the_plan(tiny_run: Any) -> None:
    from salesflow.optimizer.accounting import policy_figures
    from salesflow.optimizer.tradeoff import pursue_turnover, stock_value_limit

    _, _, limits, result = tiny_run
    problem = result.problem
    limit = stock_value_limit(problem, TARGET)
    assert limit is not None
    today = policy_figures(problem, result.plan).average_stock_value
    assert today > limit  # today's plan misses the target
    hard = pursue_turnover(problem, limits, TARGET, "hard", 0.0, result.plan, rounds=3)
    assert hard.reached and hard.price > 0
    assert policy_figures(problem, hard.plan).average_stock_value <= limit + 1e-6
    assert _independent_check(problem, hard.plan) == []
    cheap = pursue_turnover(problem, limits, TARGET, "priced", 1e-5, result.plan, rounds=3)
    assert not cheap.reached and cheap.price == 1e-5  # the limit is not worth its price
    assert "above the limit" in cheap.note
    kept = pursue_turnover(problem, limits, TARGET, "report", 0.0, result.plan)
    assert kept.plan is result.plan


def test_the_stock_value_row_of_the_joint_mip_keeps_the_limit(tiny_run: Any) -> None:
    from salesflow.optimizer.accounting import policy_figures
    from salesflow.optimizer.tradeoff import (
        joint_limit_plan,
        pursue_turnover,
        stock_value_limit,
    )

    _, _, limits, result = tiny_run
    problem = result.problem
    limit = stock_value_limit(problem, TARGET)
    assert limit is not None
    start = pursue_turnover(problem, limits, TARGET, "hard", 0.0, result.plan, rounds=2).plan
    plan = joint_limit_plan(problem, limits, limit, float("inf"), start)
    assert plan is not None and plan.lines
    assert policy_figures(problem, plan).average_stock_value <= limit + 1e-6
    assert _independent_check(problem, plan) == []
    # priced at nothing, the row does not bind: the plan holds today's stock or more
    free = joint_limit_plan(problem, limits, limit, 0.0, result.plan)
    assert free is not None
    assert policy_figures(problem, free).average_stock_value > limit


def test_turnover_mode_hard_in_config_makes_weekly_keep_the_limit(
        tiny_run: Any, tmp_path: Path) -> None:
    from salesflow.data.dataset import load_dataset
    from salesflow.optimizer.accounting import policy_figures
    from salesflow.optimizer.pipeline import purchase_run
    from salesflow.optimizer.tradeoff import stock_value_limit

    folder, _, limits, _ = tiny_run
    shutil.copytree(folder, tmp_path / "d")
    _set_config(tmp_path / "d", "targets", turnover_mode='"hard"',
                inventory_turnover_per_month=str(TARGET))
    dataset = load_dataset(tmp_path / "d")
    result = purchase_run(dataset, limits).result
    limit = stock_value_limit(result.problem, TARGET)
    assert limit is not None
    assert policy_figures(result.problem, result.plan).average_stock_value <= limit + 1e-6


def test_tradeoff_command_writes_table_json_and_chart(
        tiny_run: Any, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    folder, *_ = tiny_run
    shutil.copytree(folder, tmp_path / "d")
    _set_config(tmp_path / "d", "targets", inventory_turnover_per_month=str(TARGET))
    result = run_cli("tradeoff", "--data", tmp_path / "d", "--store", tmp_path / "s",
                     "--time-limit", "3", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["points"]) >= 6 and all(p["feasible"] for p in out["points"])
    assert out["target_point"] is not None and out["chosen"] == 0
    saved = Path(out["folder"])
    assert json.loads((saved / "tradeoff.json").read_text())["points"] == out["points"]
    html = (saved / "tradeoff.html").read_text()
    assert "<svg" in html and "<script" not in html.lower()
    from salesflow.data.outputs.report_tradeoff import tradeoff_sentence

    sentence = tradeoff_sentence(out)  # the page and the terminal say the same
    assert sentence.startswith("Turnover 2.0 costs") and sentence.replace("'", "&#x27;") in html
    text = run_cli("tradeoff", "--data", tmp_path / "d", "--store", tmp_path / "s",
                   "--time-limit", "3", "--points", "2")
    assert text.exit_code == 0 and "| 0 |" in text.stdout
    assert "Turnover 2.0 costs" in text.stdout

    # weekly --tradeoff: the same frontier from the same plan, stored with it and in its report
    weekly = run_cli("weekly", "--data", tmp_path / "d", "--store", tmp_path / "s",
                     "--week", out["week"], "--time-limit", "3", "--tradeoff", "--json")
    assert weekly.exit_code == 0, weekly.output
    plan = json.loads(weekly.stdout)
    assert plan["tradeoff"]["points"] == out["points"]
    assert "tradeoff" in [stage["stage"] for stage in plan["stages"]]
    stored = Path(plan["folder"])
    assert json.loads((stored / "tradeoff.json").read_text())["points"] == out["points"]
    assert (stored / "tradeoff.csv").read_text().count("\n") == len(out["points"]) + 1
    report = (stored / "report.html").read_text()
    assert "<h2>Turnover trade-off</h2>" in report
    assert sentence.replace("'", "&#x27;") in report
    section = report.split("<h2>Turnover trade-off</h2>")[1].split("</section>")[0]
    assert "<svg" in section


@pytest.mark.slow
@pytest.mark.parametrize("size", ["sample", "medium"])
def test_tradeoff_on_the_sample_and_medium(size: str, tmp_path: Path,
                                           run_cli: Callable[..., Any]) -> None:
    args: list[Any] = []
    if size == "medium":
        from salesflow.data.generator import generate_dataset, write_dataset

        write_dataset(generate_dataset("medium", 7), tmp_path / "d", "csv")
        args = ["--data", tmp_path / "d"]
    result = run_cli("tradeoff", *args, "--store", tmp_path / "s", "--time-limit", "20",
                     "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    points = out["points"]
    assert len(points) >= 6 and all(p["feasible"] for p in points)
    turnovers = [p["turnover_per_month"] for p in points]
    assert all(a < b for a, b in pairwise(turnovers))


def test_a_target_only_rule_breaking_plans_reach_is_named_as_a_conflict() -> None:
    import datetime as dt

    from salesflow.optimizer.accounting import PolicyFigures
    from salesflow.optimizer.purchasing.plan import PurchasePlan
    from salesflow.optimizer.tradeoff import Frontier, FrontierPoint

    def point(price: float, turnover: float, broken: tuple[str, ...] = ()) -> FrontierPoint:
        figures = PolicyFigures("p", 100.0, 0.0, 0.0, 0.0, 0.0, 0.99, turnover, 10.0, 1, 1,
                                len(broken))
        return FrontierPoint(price, PurchasePlan((), "p"), figures, len(broken), "", broken)

    kept = (point(0.0, 1.0), point(0.1, 2.38))
    frontier = Frontier(dt.date(2026, 11, 23), 8, 4.0, 1.0, kept[0].figures, kept, 0, 0.95,
                        (point(1.0, 4.5, ("minimum order value",)),))
    assert frontier.target_point is None
    assert frontier.conflicts() == [
        "turnover 4 conflicts with minimum order value: the plans reaching it break 1 or "
        "more of these rules; keeping every rule, the highest reachable turnover is 2.38"]
    assert frontier.sentence() == frontier.conflicts()[0]
    assert frontier.to_dict()["dropped_for_broken_rules"][0]["rules"] == ["minimum order value"]
    unreachable = Frontier(dt.date(2026, 11, 23), 8, 4.0, 1.0, kept[0].figures, kept, 0, 0.95)
    assert unreachable.conflicts()[0].startswith("turnover 4 is out of reach: the highest "
                                                 "reachable turnover is 2.38")


def test_an_order_below_the_minimum_order_value_is_topped_up(tiny_run: Any) -> None:
    import datetime as dt
    from dataclasses import replace

    from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan, evaluate_plan
    from salesflow.optimizer.tradeoff import topped_up

    _, _, _, result = tiny_run
    item = result.problem.items[0]
    quantity = item.min_packs * item.pack_size
    floor = 2.5 * quantity * item.unit_price(quantity)  # the line is 40 % of the minimum
    terms = replace(result.problem.suppliers[item.supplier_id], min_order_value=floor)
    problem = replace(result.problem,
                      suppliers={**result.problem.suppliers, item.supplier_id: terms})
    day = problem.order_days(item.supplier_id)[0]
    line = PurchaseLine(item.sku, item.supplier_id, day,
                        day + dt.timedelta(days=terms.lead_time_days), quantity,
                        item.unit_price(quantity), "test")
    small = PurchasePlan((line,), "p")

    def below(plan: PurchasePlan) -> list[Any]:
        return [v for v in evaluate_plan(problem, plan).violations
                if v.constraint == "minimum order value"]

    assert below(small)
    fixed = topped_up(problem, small)
    assert below(fixed) == [] and fixed.lines[0].quantity % item.pack_size == 0
    assert fixed.lines[0].line_cost >= floor - 1e-6
    assert "topped up to the minimum order value" in fixed.lines[0].reason
    # an order that would have to more than triple is left as it is (the surcharge is cheaper)
    far = replace(terms, min_order_value=10 * quantity * item.unit_cost)
    problem = replace(problem, suppliers={**problem.suppliers, item.supplier_id: far})
    assert topped_up(problem, small) is small

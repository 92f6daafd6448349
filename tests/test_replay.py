"""Replay: each week sees only its past, demand is the actual one, costs add up."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.data.errors import InvalidInputError
from salesflow.optimizer.purchasing.baselines import lot_for_lot
from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.replay import ReplayPolicy, run_replay
from salesflow.optimizer.replay_policies import seasonal_naive_demand
from salesflow.optimizer.valuation import fifo_value

W44, W47 = dt.date(2026, 10, 26), dt.date(2026, 11, 16)


def test_a_policy_that_never_buys_only_serves_from_its_stock(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    never = ReplayPolicy("never", seasonal_naive_demand,
                         lambda problem: PurchasePlan((), "never"))
    outcome = run_replay(dataset, W44, W47, [never]).outcomes[0]
    stock = dataset["inventory"].set_index("sku")["on_hand"]
    sales = dataset.sales[(dataset.sales["order_date"] >= pd.Timestamp(W44))
                          & (dataset.sales["order_date"] < pd.Timestamp(W47 + dt.timedelta(7)))]
    demand = sales.groupby("sku")["quantity"].sum().reindex(stock.index, fill_value=0)
    served = np.minimum(demand, stock)
    assert outcome.purchase == 0 and outcome.ordering == 0 and outcome.supplier_orders == 0
    assert outcome.fill_rate == pytest.approx(served.sum() / demand.sum())
    cost = dataset.skus.set_index("sku")["unit_cost"].reindex(stock.index)
    assert outcome.stock_change == pytest.approx(-(demand * cost).sum())


def test_each_week_sees_only_its_past(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    seen: list[tuple[dt.date, pd.Timestamp]] = []

    def spy(data: object, history: pd.DataFrame, week: dt.date) -> pd.DataFrame:
        seen.append((week, history["order_date"].max()))
        return seasonal_naive_demand(dataset, history, week)

    run_replay(dataset, W44, W47, [ReplayPolicy("spy", spy, lot_for_lot)])
    assert [w for w, _ in seen] == [W44 + dt.timedelta(days=7 * i) for i in range(4)]
    assert all(last < pd.Timestamp(week) for week, last in seen)


def test_replay_is_deterministic_and_orders_arrive(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    policy = ReplayPolicy("lot_for_lot", seasonal_naive_demand, lot_for_lot)
    first = run_replay(dataset, W44, W47, [policy]).outcomes[0]
    assert first == run_replay(dataset, W44, W47, [policy]).outcomes[0]
    assert first.purchase > 0 and 0 < first.fill_rate <= 1
    assert first.holding >= 0 and first.shortage >= 0


def test_replay_weeks_are_checked(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    policy = ReplayPolicy("lot_for_lot", seasonal_naive_demand, lot_for_lot)
    with pytest.raises(InvalidInputError, match="--to"):
        run_replay(dataset, W47, W44, [policy])
    with pytest.raises(InvalidInputError, match="actual sales"):
        run_replay(dataset, W47, dt.date(2026, 12, 7), [policy])
    with pytest.raises(InvalidInputError, match="history"):
        run_replay(dataset, dt.date(2024, 11, 25), W44, [policy])


def test_replay_cli(tiny_dir: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("replay", "--data", tiny_dir, "--from", "2026-W46", "--to", "2026-W47",
                     "--time-limit", "5", "--bound", "10", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["weeks"] == 2 and payload["policies"]
    bound = payload["foresight_bound"]  # no policy replays below the perfect-foresight bound
    assert bound["weeks"] == 2 and bound["parts"] >= 1
    assert all(row["cost"] >= bound["bound"] - 0.01 for row in payload["policies"])
    bad = run_cli("replay", "--data", tiny_dir, "--from", "2026-46", "--to", "2026-W47")
    assert bad.exit_code == 2 and "ISO week" in bad.stderr


def test_end_stock_is_valued_at_the_prices_paid_for_the_latest_lots() -> None:
    lots = [(10.0, 5.0), (4.0, 4.0)]  # oldest first: 10 at 5.00, then 4 at 4.00
    assert fifo_value(3.0, lots, 6.0) == pytest.approx(3 * 4.0)
    assert fifo_value(9.0, lots, 6.0) == pytest.approx(4 * 4.0 + 5 * 5.0)
    assert fifo_value(20.0, lots, 6.0) == pytest.approx(4 * 4.0 + 10 * 5.0 + 6 * 6.0)
    assert fifo_value(-2.0, lots, 6.0) == pytest.approx(-12.0)
    assert fifo_value(0.0, [], 6.0) == 0.0


def test_a_lot_bought_at_a_break_price_is_credited_at_that_price(tiny_dir: Path) -> None:
    # The same plans, except one extra lot at a price-break in the last week: its stock is
    # still held at the end, so the cost must not go down (valued at list price it would).
    dataset = load_dataset(tiny_dir)
    extra_price = []

    def hoard(problem: PurchaseProblem) -> PurchasePlan:
        plan = lot_for_lot(problem)
        if problem.week_start != W47:
            return plan
        item = next(x for x in problem.items if x.breaks)
        quantity = item.order_quantity(item.breaks[-1][0])
        extra_price.append((item.unit_price(quantity), item.unit_cost))
        extra = PurchaseLine(item.sku, item.supplier_id, W47, W47 + dt.timedelta(days=30),
                             quantity, item.unit_price(quantity), "test")
        return PurchasePlan((*plan.lines, extra), "hoard")

    plain, hoarder = run_replay(dataset, W44, W47, [
        ReplayPolicy("lot_for_lot", seasonal_naive_demand, lot_for_lot),
        ReplayPolicy("hoard", seasonal_naive_demand, hoard)]).outcomes
    assert extra_price and extra_price[0][0] < extra_price[0][1]
    assert hoarder.purchase > plain.purchase
    assert hoarder.procurement_cost >= plain.procurement_cost - 1e-6


def test_a_baseline_whose_stock_overflows_the_warehouse_is_not_the_best(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)

    def overflow(problem: PurchaseProblem) -> PurchasePlan:
        assert problem.warehouse_m3 is not None
        item = max(problem.items, key=lambda x: x.unit_volume_m3)
        quantity = item.order_quantity(2 * problem.warehouse_m3 / item.unit_volume_m3)
        line = PurchaseLine(item.sku, item.supplier_id, problem.week_start, problem.week_start,
                            quantity, 0.0, "test")  # free goods: the cheapest policy by far
        return PurchasePlan((line,), "overflow")

    result = run_replay(dataset, W44, W44 + dt.timedelta(days=7), [
        ReplayPolicy("lot_for_lot", seasonal_naive_demand, lot_for_lot),
        ReplayPolicy("overflow", seasonal_naive_demand, overflow)])
    plain, flooded = result.outcomes
    assert flooded.weeks_over_capacity == 2 and plain.weeks_over_capacity == 0
    assert result.best_baseline() is plain

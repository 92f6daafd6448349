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
from salesflow.optimizer.purchasing.plan import PurchasePlan
from salesflow.optimizer.replay import ReplayPolicy, run_replay
from salesflow.optimizer.replay_policies import seasonal_naive_demand

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
                     "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["weeks"] == 2 and payload["policies"]
    bad = run_cli("replay", "--data", tiny_dir, "--from", "2026-46", "--to", "2026-W47")
    assert bad.exit_code == 2 and "ISO week" in bad.stderr

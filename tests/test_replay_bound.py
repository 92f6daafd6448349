"""The perfect-foresight bound: below every policy's replay cost, and tight for its own plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from salesflow.data.dataset import load_dataset
from salesflow.data.errors import InvalidInputError
from salesflow.optimizer.purchasing.baselines import BASELINES
from salesflow.optimizer.purchasing.plan import PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.replay import ReplayPolicy, run_replay
from salesflow.optimizer.replay_bound import captured_share, foresight_bound, foresight_problem
from salesflow.optimizer.replay_policies import seasonal_naive_demand

W44, W47 = dt.date(2026, 10, 26), dt.date(2026, 11, 16)


def _oracle(lines: tuple) -> ReplayPolicy:
    """A policy that places, each week, the foresight plan's lines ordered that week."""

    def buy(problem: PurchaseProblem) -> PurchasePlan:
        return PurchasePlan(tuple(x for x in lines if x.order_date >= problem.week_start),
                            "oracle")

    return ReplayPolicy("oracle", seasonal_naive_demand, buy)


def test_no_policy_replays_below_the_bound(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    bound = foresight_bound(dataset, W44, W47, time_limit_seconds=20)
    assert bound.optimal_parts == bound.parts and bound.lines  # tiny: solved to proof
    policies = [ReplayPolicy(name, seasonal_naive_demand, rule)
                for name, rule in BASELINES.items()]
    policies.append(ReplayPolicy("never", seasonal_naive_demand,
                                 lambda problem: PurchasePlan((), "never")))
    policies.append(_oracle(bound.lines))
    outcomes = {o.policy: o for o in run_replay(dataset, W44, W47, policies).outcomes}
    for outcome in outcomes.values():
        assert outcome.procurement_cost >= bound.bound - 1e-6 * abs(bound.bound), outcome.policy
    # The foresight plan replayed costs what the model said, up to the model's freedom to
    # assign the stock left to any purchase (the replay takes the latest first) and the gap.
    oracle = outcomes["oracle"].procurement_cost
    assert bound.bound <= oracle <= bound.best + 1e-3 * abs(bound.best) + 1e-6
    assert oracle <= min(o.procurement_cost for name, o in outcomes.items() if name != "oracle")
    # The captured share: 0 for the baseline itself, at most 1 for any policy (none beats the
    # bound), the formula on the costs in cents, and the oracle closes the most of the gap.
    base = outcomes["min_max"]
    assert captured_share(base, base, bound) == 0.0
    shares = {name: captured_share(o, base, bound) for name, o in outcomes.items()}
    assert all(share is not None and share <= 1.0 for share in shares.values())
    never = outcomes["never"]
    expected = (round(base.procurement_cost, 2) - round(never.procurement_cost, 2)) / (
        round(base.procurement_cost, 2) - round(bound.bound, 2))
    assert shares["never"] == pytest.approx(expected)
    assert shares["oracle"] == max(shares.values())


def test_the_foresight_problem_is_the_actual_demand_from_the_dataset_stock(
        tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    problem = foresight_problem(dataset, W44, W47)
    sales = dataset.sales[(dataset.sales["order_date"] >= dt.datetime(2026, 10, 26))
                          & (dataset.sales["order_date"] < dt.datetime(2026, 11, 23))]
    assert problem.weeks == 4
    assert problem.demand.sum() == pytest.approx(sales["quantity"].sum())
    assert problem.open_arrivals.sum() == 0 and problem.warehouse_m3 is None
    stock = dataset["inventory"].groupby("sku")["on_hand"].sum()
    assert {x.sku: x.on_hand for x in problem.items} == {
        sku: float(stock.get(sku, 0.0)) for sku in dataset.skus["sku"]}


def test_weeks_without_actual_sales_are_refused(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    with pytest.raises(InvalidInputError, match="--to"):
        foresight_bound(dataset, W44, W47 + dt.timedelta(days=70))


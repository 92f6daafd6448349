"""The cost evaluator (the one formula of every policy) and the lot-for-lot baseline."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.purchasing.baselines import lot_for_lot
from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms

MONDAY = dt.date(2026, 11, 23)


def _item(**changes: object) -> PurchaseItem:
    base = dict(sku="A", supplier_id="S", unit_cost=10.0, unit_volume_m3=0.01, pack_size=1,
                moq=0, holding_rate=0.365, service_level=0.95, on_hand=0.0, breaks=())
    base.update(changes)
    return PurchaseItem(**base)  # type: ignore[arg-type]


def _problem(demand: list[float], item: PurchaseItem | None = None, lead: int = 0,
             order_cost: float = 50.0, open_arrivals: list[float] | None = None,
             weekdays: tuple[int, ...] = ()) -> PurchaseProblem:
    item = item or _item()
    weeks = len(demand)
    return PurchaseProblem(
        MONDAY, weeks, (item,), {"S": SupplierTerms("S", lead, order_cost, 0.0, weekdays)},
        np.array([demand], dtype=float),
        np.array([open_arrivals or [0.0] * weeks], dtype=float), shortage_penalty=3.0)


def test_unit_price_is_all_units() -> None:
    item = _item(breaks=((100.0, 9.0), (500.0, 8.0)))
    assert [item.unit_price(q) for q in (99, 100, 499, 500, 10_000)] == [10, 9, 9, 8, 8]


def test_order_quantity_respects_pack_and_moq() -> None:
    item = _item(pack_size=6, moq=20)
    assert [item.order_quantity(n) for n in (1, 20, 25, 0.5)] == [24, 24, 30, 24]


def test_evaluator_by_hand() -> None:
    # on hand 5, demand 10 / 10 / 10; one line of 12 arriving in week 1 (ordered Monday of wk 0)
    problem = _problem([10, 10, 10], _item(on_hand=5.0, breaks=((10.0, 9.5),)), lead=7)
    line = PurchaseLine("A", "S", MONDAY, MONDAY + dt.timedelta(days=7), 12, 9.5, "test")
    result = evaluate_plan(problem, PurchasePlan((line,), "test"))
    # inventory: 5-10 = -5, -5+12-10 = -3, -3-10 = -13
    assert result.inventory[0].tolist() == [-5, -3, -13]
    assert result.purchase == pytest.approx(12 * 9.5)
    assert result.ordering == 50.0
    assert result.holding == 0.0
    assert result.shortage == pytest.approx((5 + 3 + 13) * 3.0)
    # met from stock: week 0 min(10, 5) = 5; week 1 available max(-5 + 12, 0) = 7; week 2: 0
    assert result.fill_rate == pytest.approx(12 / 30)


def test_holding_cost_formula() -> None:
    problem = _problem([0, 0], _item(on_hand=100.0))
    result = evaluate_plan(problem, PurchasePlan((), "none"))
    assert result.holding == pytest.approx(2 * 100 * 10.0 * 0.365 * 7 / 365)


def test_one_ordering_cost_per_supplier_and_date() -> None:
    problem = _problem([5, 5])
    lines = (PurchaseLine("A", "S", MONDAY, MONDAY, 5, 10.0, ""),
             PurchaseLine("A", "S", MONDAY, MONDAY, 5, 10.0, ""),
             PurchaseLine("A", "S", MONDAY + dt.timedelta(days=1), MONDAY, 1, 10.0, ""))
    assert evaluate_plan(problem, PurchasePlan(lines, "x")).ordering == 100.0


def test_lot_for_lot_orders_each_week_as_late_as_possible() -> None:
    problem = _problem([0, 10, 0, 7], lead=10)  # 10 days: order in week t-2 for week t
    plan = lot_for_lot(problem)
    assert [(line.order_date, line.quantity) for line in plan.lines] == [
        (MONDAY, 10), (MONDAY + dt.timedelta(days=14), 7)]
    assert evaluate_plan(problem, plan).shortage == 0.0


def test_lot_for_lot_uses_stock_open_orders_and_packs() -> None:
    problem = _problem([10, 10, 10], _item(on_hand=12.0, pack_size=6, moq=12),
                       open_arrivals=[0, 5, 0])
    plan = lot_for_lot(problem)
    # need: week 1: 20-12-5 = 3 -> 12 (MOQ); week 2: 30-17-12 = 1 -> 12 (MOQ)
    assert [line.quantity for line in plan.lines] == [12, 12]
    assert all("MOQ" in line.reason for line in plan.lines)


def test_lot_for_lot_respects_supplier_order_weekdays() -> None:
    plan = lot_for_lot(_problem([5, 5], weekdays=(3,)))  # Thursdays only, lead 0
    assert {line.order_date.weekday() for line in plan.lines} == {3}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=10), st.integers(0, 20),
       st.integers(1, 12), st.integers(0, 30), st.integers(0, 40))
def test_lot_for_lot_invariants(demand: list[int], lead: int, pack: int, moq: int,
                                on_hand: int) -> None:
    problem = _problem([float(d) for d in demand],
                       _item(pack_size=pack, moq=moq, on_hand=float(on_hand)), lead=lead)
    plan = lot_for_lot(problem)
    inventory = evaluate_plan(problem, plan).inventory[0]
    lot = max(pack, -(-moq // pack) * pack)
    for line in plan.lines:
        assert line.quantity % pack == 0 and line.quantity >= moq
    first_arrival = problem.week_of(MONDAY + dt.timedelta(days=lead))
    # From the first week an order can arrive, never short; and never more than one lot over.
    assert (inventory[first_arrival:] >= -1e-9).all()
    if plan.lines:
        assert inventory[-1] < lot + max(on_hand - sum(demand), 0) + 1e-9
    else:
        assert (inventory[first_arrival:] >= 0).all()


def test_eoq_with_price_breaks_by_hand() -> None:
    from salesflow.optimizer.purchasing.baselines import eoq_with_breaks

    # D = 52.14 * 10 a year, K 50, h = 0.365 * price: plain EOQ sqrt(2*521.4*50/3.65) ~ 120
    item = _item()
    assert eoq_with_breaks(item, 10.0, 50.0) == 120
    # a break at 200 units for 8 % off: the yearly saving (~417) beats the extra holding
    cheap = _item(breaks=((200.0, 9.2),))
    assert eoq_with_breaks(cheap, 10.0, 50.0) == 200
    packed = _item(pack_size=24, moq=48)
    assert eoq_with_breaks(packed, 10.0, 50.0) % 24 == 0


def test_eoq_reorder_point_orders_whole_lots_below_the_safety_stock() -> None:
    from dataclasses import replace

    from salesflow.optimizer.purchasing.baselines import eoq_reorder_point

    problem = replace(_problem([10.0] * 8, _item(on_hand=25.0)),
                      safety_stock=np.full((1, 8), 5.0))
    plan = eoq_reorder_point(problem)
    inventory = evaluate_plan(problem, plan).inventory[0]
    assert (inventory >= 5.0 - 1e-9).all()
    assert len({line.quantity for line in plan.lines}) == 1  # always the same lot
    assert all("safety stock" in line.reason for line in plan.lines)


def test_min_max_orders_up_to_the_maximum() -> None:
    from salesflow.optimizer.purchasing.baselines import min_max

    problem = _problem([10.0] * 6, _item(on_hand=5.0))
    plan = min_max(problem)
    first = plan.lines[0]
    # below the minimum (0) in week 0: up to min + plain EOQ (120) from -5
    assert first.order_date == MONDAY and first.quantity == 125
    assert evaluate_plan(problem, plan).shortage == 0


def test_baselines_top_up_to_the_minimum_order_value() -> None:
    from salesflow.optimizer.purchasing.baselines import BASELINES

    problem = PurchaseProblem(
        MONDAY, 3, (_item(pack_size=5),),
        {"S": SupplierTerms("S", 0, 50.0, 300.0, ())}, np.array([[8.0, 8.0, 8.0]]),
        np.zeros((1, 3)), shortage_penalty=3.0)
    for name, policy in BASELINES.items():
        evaluation = evaluate_plan(problem, policy(problem))
        assert not evaluation.violations, name
        assert all(line.quantity % 5 == 0 for line in policy(problem).lines)


def test_top_up_leaves_an_absurd_minimum_to_the_surcharge() -> None:
    problem = PurchaseProblem(
        MONDAY, 2, (_item(),), {"S": SupplierTerms("S", 0, 50.0, 1e9, ())},
        np.array([[8.0, 8.0]]), np.zeros((1, 2)), shortage_penalty=3.0)
    evaluation = evaluate_plan(problem, lot_for_lot(problem))
    assert [v.constraint for v in evaluation.violations] == ["minimum order value"] * 2

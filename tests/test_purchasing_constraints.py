"""Each constraint family of the optimizer: kept when the data allows it; when it does not,
reported (SKU, supplier, week, rule) and the plan still made with the violation priced."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.checks import line_violations
from salesflow.optimizer.purchasing.diagnose import diagnose
from salesflow.optimizer.purchasing.plan import evaluate_plan
from salesflow.optimizer.purchasing.problem import (
    PurchaseItem,
    PurchaseProblem,
    SupplierTerms,
    ViolationRates,
)
from salesflow.optimizer.purchasing.solve import solve_purchasing

MONDAY = dt.date(2026, 11, 23)
LIMITS = SolveLimits(time_limit_seconds=20, relative_gap=1e-6, workers=1)


def _item(sku: str, supplier: str = "S", **changes: object) -> PurchaseItem:
    base = dict(sku=sku, supplier_id=supplier, unit_cost=10.0, unit_volume_m3=0.1, pack_size=1,
                moq=0, holding_rate=0.5, service_level=0.95, on_hand=0.0, breaks=())
    base.update(changes)
    return PurchaseItem(**base)  # type: ignore[arg-type]


def _problem(demand: list[list[float]], items: list[PurchaseItem] | None = None,
             suppliers: list[SupplierTerms] | None = None, **changes: object) -> PurchaseProblem:
    items = items or [_item("A")]
    suppliers = suppliers or [SupplierTerms("S", 0, 50.0, 0.0, ())]
    weeks = len(demand[0])
    problem = PurchaseProblem(MONDAY, weeks, tuple(items), {s.supplier_id: s for s in suppliers},
                              np.array(demand, float), np.zeros((len(items), weeks)), 5.0)
    return replace(problem, **changes)


def _solve(problem: PurchaseProblem):  # -> (plan, evaluation)
    plan = solve_purchasing(problem, LIMITS).plan
    return plan, evaluate_plan(problem, plan)


def _names(evaluation) -> set[str]:
    return {v.constraint for v in evaluation.violations}


# --- lines: whole packs and MOQ ------------------------------------------------------------

def test_lines_are_whole_packs_above_the_moq() -> None:
    problem = _problem([[7, 3, 11, 0, 4]], [_item("A", pack_size=6, moq=15)])
    plan, evaluation = _solve(problem)
    assert plan.lines and all(x.quantity % 6 == 0 and x.quantity >= 15 for x in plan.lines)
    assert not line_violations(problem, plan.lines)
    assert evaluation.shortage == 0


def test_moq_above_the_warehouse_is_reported_and_priced() -> None:
    problem = _problem([[5, 5, 5]], [_item("A", moq=100, unit_volume_m3=1.0)], warehouse_m3=50.0)
    found = diagnose(problem)
    assert [(x.constraint, x.sku, x.supplier_id, x.week) for x in found] == [
        ("warehouse capacity", "A", "S", MONDAY)]
    assert "100 units" in found[0].detail and "50.00 m³" in found[0].detail
    plan, evaluation = _solve(problem)  # still a plan: buy and overfill, or fall short
    assert evaluation.penalties > 0 or evaluation.shortage > 0
    if plan.lines:
        over = [v for v in evaluation.violations if v.constraint == "warehouse capacity"]
        assert over and all(v.cost == pytest.approx((v.amount - 50.0) * 1_000) for v in over)


# --- supplier orders: one order cost per supplier and week; truck ---------------------------

def test_skus_of_a_supplier_share_its_orders() -> None:
    problem = _problem([[10, 10, 10], [5, 0, 5]], [_item("A"), _item("B")],
                       [SupplierTerms("S", 0, 400.0, 0.0, ())])
    plan, evaluation = _solve(problem)
    assert {x.order_date for x in plan.lines} == {MONDAY}  # one order for both SKUs
    assert evaluation.ordering == 400.0
    assert any("joins the supplier's order of 2 SKUs" in x.reason for x in plan.lines)


def test_truck_smaller_than_a_lot_is_reported_and_priced() -> None:
    terms = SupplierTerms("S", 0, 50.0, 0.0, (), truck_capacity_m3=2.0)
    problem = _problem([[30, 0, 0]], [_item("A", moq=30, unit_volume_m3=0.1)], [terms])
    assert [(x.constraint, x.sku) for x in diagnose(problem)] == [("truck capacity", "A")]
    _plan, evaluation = _solve(problem)
    truck = [v for v in evaluation.violations if v.constraint == "truck capacity"]
    assert truck and truck[0].cost == pytest.approx((3.0 - 2.0) * 1_000)
    assert evaluation.total_with_penalties == pytest.approx(evaluation.total + truck[0].cost)


def test_truck_capacity_splits_orders() -> None:
    terms = SupplierTerms("S", 0, 10.0, 0.0, (), truck_capacity_m3=2.0)
    problem = _problem([[10, 10, 10, 10]], [_item("A", unit_volume_m3=0.1)], [terms])
    plan, evaluation = _solve(problem)
    assert not evaluation.violations
    assert all(x.quantity * 0.1 <= 2.0 + 1e-9 for x in plan.lines) and len(plan.lines) >= 2


# --- minimum order value ----------------------------------------------------------------------

def test_orders_reach_the_minimum_order_value() -> None:
    terms = SupplierTerms("S", 0, 20.0, 300.0, ())
    problem = _problem([[5, 5, 5, 5, 5, 5]], [_item("A", holding_rate=0.1)], [terms])
    plan, evaluation = _solve(problem)
    assert not evaluation.violations
    values: dict[dt.date, float] = {}
    for x in plan.lines:
        values[x.order_date] = values.get(x.order_date, 0) + x.line_cost
    assert values and min(values.values()) >= 300.0


def test_unreachable_minimum_order_value_is_priced() -> None:
    terms = SupplierTerms("S", 0, 20.0, 5_000.0, ())  # 50 times what is needed
    problem = _problem([[5, 5]], [_item("A")], [terms])
    plan, evaluation = _solve(problem)
    # The 10 units of demand and, since the surcharge makes them free, the 10 units of the next
    # horizon (stock left is credited up to one more horizon's demand); no more: stock beyond
    # that earns nothing, so filling the order to 5,000 would only add holding.
    assert sum(x.quantity for x in plan.lines) == 20
    mov = [v for v in evaluation.violations if v.constraint == "minimum order value"]
    assert mov and mov[0].amount == 200.0
    assert mov[0].cost == pytest.approx(4_800.0 * problem.rates.min_order_value_per_currency)
    assert evaluation.total_with_penalties == pytest.approx(evaluation.total + mov[0].cost)


# --- warehouse volume -------------------------------------------------------------------------

def test_warehouse_capacity_shapes_the_plan() -> None:
    demand = [[20, 20, 20, 20]]
    free = _problem(demand, [_item("A", unit_volume_m3=0.1)],
                    [SupplierTerms("S", 0, 200.0, 0.0, ())])
    plan, evaluation = _solve(free)
    assert len(plan.lines) == 1  # one big order when space is free
    tight = replace(free, warehouse_m3=4.5)  # at most 45 units after receipts
    plan, evaluation = _solve(tight)
    assert not evaluation.violations and len(plan.lines) >= 2
    assert evaluation.shortage == 0


def test_stock_over_the_warehouse_is_reported() -> None:
    problem = _problem([[1, 1]], [_item("A", on_hand=100.0, unit_volume_m3=1.0)],
                       warehouse_m3=10.0)
    found = diagnose(problem)
    assert {(x.constraint, x.week) for x in found} == {
        ("warehouse capacity", MONDAY), ("warehouse capacity", MONDAY + dt.timedelta(days=7))}
    plan, evaluation = _solve(problem)
    assert not plan.lines
    assert "warehouse capacity" in _names(evaluation) and evaluation.penalties > 0


def test_suppliers_coupled_by_the_warehouse_are_solved_together() -> None:
    items = [_item("A", "S1", unit_volume_m3=0.1), _item("B", "S2", unit_volume_m3=0.1)]
    suppliers = [SupplierTerms("S1", 0, 300.0, 0.0, ()), SupplierTerms("S2", 0, 300.0, 0.0, ())]
    problem = _problem([[10, 10, 10, 10], [10, 10, 10, 10]], items, suppliers,
                       warehouse_m3=6.0)
    solution = solve_purchasing(problem, LIMITS)
    evaluation = evaluate_plan(problem, solution.plan)
    assert not evaluation.violations and evaluation.shortage == 0
    assert not solution.decomposed  # each alone would buy 40 units at once: 8 m³ together


# --- receiving capacity -----------------------------------------------------------------------

def test_receiving_capacity_is_kept() -> None:
    problem = _problem([[30, 30, 30]], [_item("A", receiving_per_unit=1.0,
                                              receiving_per_line=5.0)],
                       [SupplierTerms("S", 0, 500.0, 0.0, ())],
                       receiving_capacity=np.array([70.0, 70.0, 70.0]))
    plan, evaluation = _solve(problem)
    assert not evaluation.violations and evaluation.shortage == 0
    assert all(x.quantity + 5 <= 70 for x in plan.lines)


def test_lot_above_receiving_capacity_is_reported() -> None:
    problem = _problem([[30, 30]], [_item("A", moq=100, receiving_per_unit=1.0)],
                       receiving_capacity=np.array([50.0, 50.0]))
    assert [(x.constraint, x.sku, x.supplier_id) for x in diagnose(problem)] == [
        ("receiving capacity", "A", "S")]
    _plan, evaluation = _solve(problem)
    assert "receiving capacity" in _names(evaluation) or evaluation.shortage > 0


def test_hard_receiving_capacity_is_kept_or_no_plan_is_claimed() -> None:
    hard = ViolationRates(receiving_per_unit_week=math.inf)
    problem = _problem([[30, 30, 30]], [_item("A", receiving_per_unit=1.0,
                                              receiving_per_line=5.0)],
                       [SupplierTerms("S", 0, 500.0, 0.0, ())],
                       receiving_capacity=np.array([70.0, 40.0, 40.0]), rates=hard)
    solution = solve_purchasing(problem, LIMITS)
    evaluation = evaluate_plan(problem, solution.plan)
    assert solution.status == "optimal" and not evaluation.violations
    assert evaluation.shortage == 0 and solution.objective == pytest.approx(evaluation.total)
    # a lot of 100 can never be received: reported, and the plan backorders rather than
    # break the hard limit (every start breaks it, so the MIP's plan is the plan)
    problem = replace(problem, items=(_item("A", moq=100, receiving_per_unit=1.0),))
    assert [x.constraint for x in diagnose(problem)] == ["receiving capacity"]
    solution = solve_purchasing(problem, LIMITS)
    evaluation = evaluate_plan(problem, solution.plan)
    assert not solution.plan.lines and not evaluation.violations
    assert evaluation.shortage_units == 30 + 60 + 90
    assert solution.bound is not None and solution.objective is not None
    assert solution.bound <= solution.objective + 1e-6


# --- budget -------------------------------------------------------------------------------------

def test_budget_spreads_purchases() -> None:
    problem = _problem([[20, 20, 20]], [_item("A", holding_rate=0.01)],
                       [SupplierTerms("S", 0, 100.0, 0.0, ())],
                       budget=np.array([250.0, 250.0, 250.0]))
    plan, evaluation = _solve(problem)
    assert not evaluation.violations and evaluation.shortage == 0
    assert len({x.order_date for x in plan.lines}) >= 3


def test_budget_below_safety_stock_is_reported_with_sku_supplier_week() -> None:
    safety = np.array([[50.0, 50.0, 50.0]])
    problem = _problem([[10, 10, 10]], [_item("A")], budget=np.array([150.0, 100.0, 100.0]),
                       safety_stock=safety)
    found = diagnose(problem)
    assert [(x.constraint, x.sku, x.supplier_id, x.week) for x in found] == [
        ("budget", "A", "S", MONDAY)]
    assert "safety stock" in found[0].detail
    _plan, evaluation = _solve(problem)  # a plan anyway: over budget or short of the target
    assert evaluation.safety_stock_shortfall > 0 or "budget" in _names(evaluation)


# --- safety stock -------------------------------------------------------------------------------

def test_safety_stock_is_held() -> None:
    safety = np.full((1, 4), 15.0)
    problem = _problem([[10, 10, 10, 10]], [_item("A", on_hand=30.0)], safety_stock=safety)
    plan, evaluation = _solve(problem)
    assert (evaluation.inventory[0] >= 15.0 - 1e-9).all()
    assert evaluation.safety_stock_shortfall == 0
    assert any("safety stock" in x.reason for x in plan.lines)


def test_safety_stock_out_of_reach_before_the_lead_time() -> None:
    safety = np.full((1, 4), 15.0)
    problem = _problem([[10, 10, 10, 10]], [_item("A")], [SupplierTerms("S", 7, 50.0, 0.0, ())],
                       safety_stock=safety)
    _plan, evaluation = _solve(problem)
    # nothing arrives in week 0: short there; from week 1 on the target is met
    assert evaluation.inventory[0, 0] == -10
    assert (evaluation.inventory[0, 1:] >= 15.0 - 1e-9).all()


# --- service rule, lead time, weekdays, open orders ---------------------------------------------

def test_no_avoidable_shortage_even_when_the_penalty_is_cheap() -> None:
    problem = _problem([[0, 0, 8]], [_item("A", unit_cost=200.0)])  # penalty 5 < price 200
    plan, evaluation = _solve(problem)
    assert evaluation.shortage == 0 and sum(x.quantity for x in plan.lines) == 8


def test_lead_time_weekdays_and_open_orders() -> None:
    terms = SupplierTerms("S", 9, 50.0, 0.0, (3,))  # Thursdays, 9 days
    problem = replace(_problem([[10, 10, 10, 10]], [_item("A", on_hand=15.0)], [terms]),
                      open_arrivals=np.array([[0.0, 12.0, 0.0, 0.0]]))
    plan, evaluation = _solve(problem)
    assert not line_violations(problem, plan.lines)
    assert all(x.order_date.weekday() == 3 for x in plan.lines)
    assert all((x.arrival_date - x.order_date).days == 9 for x in plan.lines)
    # 15 on hand + 12 on order cover weeks 0-1 (and 7 of week 2): the plan adds 13
    assert sum(x.quantity for x in plan.lines) == 13
    assert evaluation.shortage == 0


def test_same_seed_same_plan() -> None:
    rng = np.random.default_rng(4)
    items = [_item(f"K{k}", f"S{k % 3}", pack_size=int(rng.integers(1, 5)),
                   breaks=((40.0, 9.2),)) for k in range(9)]
    suppliers = [SupplierTerms(f"S{k}", 7 * k, 80.0, 100.0, ()) for k in range(3)]
    problem = _problem(rng.integers(0, 30, (9, 6)).astype(float).tolist(), items, suppliers)
    first = solve_purchasing(problem, LIMITS).plan
    second = solve_purchasing(problem, LIMITS).plan
    assert first == second


def test_one_order_week_within_the_horizon() -> None:
    # A lead time of three weeks on a four-week horizon leaves one order week whose lines
    # arrive in time: the order-pattern heuristic has nothing to move and the plan orders there.
    from salesflow.optimizer.purchasing.heuristic import pattern_plan

    terms = SupplierTerms("S", 21, 50.0, 0.0, ())
    problem = _problem([[5, 5, 5, 5]], [_item("A", on_hand=20.0)], [terms])
    assert [line.order_date for line in pattern_plan(problem)] in ([], [MONDAY])
    plan, evaluation = _solve(problem)
    assert all(line.order_date == MONDAY for line in plan.lines)
    assert not evaluation.violations

"""The evaluator's rule checks: each broken rule is listed with whom, when and how much, and
capacity rules are priced into ``total_with_penalties`` (``total`` stays the issue's cost)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms

MONDAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


def _problem(**changes: object) -> PurchaseProblem:
    items = (PurchaseItem("A", "S", 10.0, 0.25, 4, 8, 0.365, 0.95, 0.0, ((100.0, 9.0),),
                          receiving_per_unit=1.0, receiving_per_line=10.0),
             PurchaseItem("B", "S", 2.0, 0.1, 1, 0, 0.365, 0.95, 0.0, ()))
    terms = SupplierTerms("S", 2, 30.0, 500.0, (0, 3), truck_capacity_m3=20.0)
    problem = PurchaseProblem(MONDAY, 2, items, {"S": terms}, np.array([[20.0, 20.0],
                                                                       [5.0, 5.0]]),
                              np.zeros((2, 2)), 1.0)
    return replace(problem, **changes)


def _line(sku: str, quantity: int, day: dt.date = MONDAY, lead: int = 2) -> PurchaseLine:
    return PurchaseLine(sku, "S", day, day + dt.timedelta(days=lead), quantity, 0.0, "")


def _found(problem: PurchaseProblem, *lines: PurchaseLine) -> list[tuple]:
    evaluation = evaluate_plan(problem, PurchasePlan(lines, "test"))
    return [(v.constraint, v.sku, v.supplier_id, v.week, v.amount, v.limit, v.cost)
            for v in evaluation.violations]


def test_a_plan_keeping_every_rule_has_no_violations() -> None:
    problem = _problem()
    assert _found(problem, _line("A", 48), _line("B", 10)) == []


def test_line_rules_are_listed_unpriced() -> None:
    problem = replace(_problem(), suppliers={"S": replace(_problem().suppliers["S"],
                                                          min_order_value=0.0)})
    found = _found(problem, _line("A", 6, MONDAY + DAY, lead=1))
    assert ("pack size", "A", "S", MONDAY, 6, 4, 0.0) in found
    assert ("MOQ", "A", "S", MONDAY, 6, 8, 0.0) in found
    assert ("order weekday", "A", "S", MONDAY, 1, 0, 0.0) in found
    assert ("lead time", "A", "S", MONDAY, 1, 2, 0.0) in found


def test_minimum_order_value_and_truck_are_priced() -> None:
    problem = _problem()
    # 44 A at 10 = 440 < 500: 60 missing, billed as such
    assert _found(problem, _line("A", 44)) == [
        ("minimum order value", None, "S", MONDAY, 440.0, 500.0, pytest.approx(60.0))]
    # 84 A take 21 m³ of a 20 m³ truck: 1 m³ over at 1,000 per m³
    assert _found(problem, _line("A", 84)) == [
        ("truck capacity", None, "S", MONDAY, 21.0, 20.0, pytest.approx(1_000.0))]


def test_warehouse_receiving_and_budget_are_priced() -> None:
    problem = _problem(warehouse_m3=10.0, receiving_capacity=np.array([50.0, 50.0]),
                       budget=np.array([300.0, 1e6]))
    evaluation = evaluate_plan(problem, PurchasePlan((_line("A", 48), _line("B", 10)), "t"))
    found = {v.constraint: v for v in evaluation.violations}
    # week 0: 48 A (12 m³) + 10 B (1 m³) after receipts = 13 m³ > 10; week 1: 7.5 m³ fits
    room = [v for v in evaluation.violations if v.constraint == "warehouse capacity"]
    assert [(v.week, v.amount, v.cost) for v in room] == [
        (MONDAY, pytest.approx(13.0), pytest.approx(3.0 * 1_000))]
    # receiving: 48 units + 10 per A line; B uses nothing: 58 > 50
    assert found["receiving capacity"].amount == pytest.approx(58.0)
    # budget of the order week: 480 + 20 = 500 > 300, priced 10 per unit of currency over
    assert found["budget"].cost == pytest.approx(200.0 * 10)
    assert evaluation.penalties == pytest.approx(sum(v.cost for v in evaluation.violations))
    assert evaluation.total_with_penalties == pytest.approx(evaluation.total
                                                            + evaluation.penalties)


def test_all_units_price_is_charged_whatever_the_line_says() -> None:
    problem = _problem()
    evaluation = evaluate_plan(problem, PurchasePlan((_line("A", 100), _line("B", 10)), "t"))
    assert evaluation.purchase == pytest.approx(100 * 9.0 + 10 * 2.0)


def test_the_ordering_cost_is_the_exact_sum_of_the_orders_whatever_their_order() -> None:
    """The distinct orders (supplier, day) are a set, whose order of iteration follows the
    strings' hashes, which change from one process to the next: their costs are summed
    exactly (``math.fsum``), so the figure is the same to the bit in every run."""
    import math

    costs = [0.1, 0.7, 1e16, 0.3, -1e16, 0.2]  # a plain sum depends on the order
    suppliers = {f"S{k}": SupplierTerms(f"S{k}", 0, cost, 0.0, ()) for k, cost in
                 enumerate(costs)}
    items = tuple(PurchaseItem(f"A{k}", f"S{k}", 1.0, 0.0, 1, 0, 0.0, 0.95, 0.0, ())
                  for k in range(len(costs)))
    problem = PurchaseProblem(MONDAY, 1, items, suppliers, np.zeros((len(costs), 1)),
                              np.zeros((len(costs), 1)), 1.0)
    lines = [PurchaseLine(f"A{k}", f"S{k}", MONDAY, MONDAY, 1, 1.0, "")
             for k in range(len(costs))]
    exact = math.fsum(costs)
    assert exact != sum(costs)
    for shift in range(len(lines)):
        turned = tuple(lines[shift:] + lines[:shift])
        assert evaluate_plan(problem, PurchasePlan(turned, "test")).ordering == exact

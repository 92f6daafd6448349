"""Break lots: a SKU's lines bought at once at a price break when that scores less."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.purchasing.break_lots import SplitScore, with_break_lots
from salesflow.optimizer.purchasing.plan import PurchaseLine
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms
from salesflow.optimizer.purchasing.score import objective_parts

MONDAY = dt.date(2026, 11, 23)


def _problem(holding_rate: float) -> PurchaseProblem:
    item = PurchaseItem("A", "S", 10.0, 0.01, 1, 0, holding_rate, 0.95, 0.0,
                        ((50.0, 9.0), (80.0, 8.5)))
    return PurchaseProblem(MONDAY, 3, (item,), {"S": SupplierTerms("S", 0, 20.0, 0.0, ())},
                           np.array([[20.0, 15.0, 30.0]]), np.zeros((1, 3)), 5.0)


def _line(week: int, quantity: int) -> PurchaseLine:
    day = MONDAY + dt.timedelta(days=7 * week)
    price = 10.0 if quantity < 50 else (9.0 if quantity < 80 else 8.5)
    return PurchaseLine("A", "S", day, day, quantity, price, "")


def _score(problem: PurchaseProblem, lines: list[PurchaseLine]) -> float:
    return objective_parts(problem, lines).total


def test_two_list_price_lots_become_one_break_lot() -> None:
    problem = _problem(0.5)
    lines = [_line(0, 35), _line(2, 30)]
    before = _score(problem, lines)
    after_lines, after = with_break_lots(problem, lines, before)
    # 65 units needed: 50 or 65 at 9.00, or 80 at 8.50 with 15 left credited at 8.50; the
    # scorer picks among the breaks the one that scores least, all on the first order date.
    assert [(x.order_date, x.quantity, x.unit_price) for x in after_lines] == \
        [(MONDAY, 80, 8.5)]
    assert after == pytest.approx(_score(problem, after_lines)) and after < before


def test_a_break_that_does_not_pay_leaves_the_lines() -> None:
    problem = _problem(300.0)  # holding eats any price saving
    lines = [_line(0, 20), _line(1, 15), _line(2, 30)]
    before = _score(problem, lines)
    assert with_break_lots(problem, lines, before) == (lines, before)


def test_a_coupled_part_is_scored_whole() -> None:
    problem = replace(_problem(0.5), warehouse_m3=0.5)  # 50 units at most
    lines = [_line(0, 35), _line(2, 30)]
    before = _score(problem, lines)
    with pytest.raises(ValueError, match="does not split"):
        SplitScore(problem, lines)
    after_lines, after = with_break_lots(problem, lines, before)
    assert after == _score(problem, after_lines) and after <= before


@st.composite
def _parts(draw: st.DrawFn) -> tuple[PurchaseProblem, list[PurchaseLine]]:
    """A coupling-free part: 1-2 suppliers (order costs, minimum order values, trucks), 1-4
    SKUs with price breaks, MOQs and packs, and lines on random weeks."""
    weeks = draw(st.integers(2, 5))
    suppliers = {}
    for s in ("S", "T")[:draw(st.integers(1, 2))]:
        suppliers[s] = SupplierTerms(
            s, draw(st.sampled_from([0, 7])), draw(st.sampled_from([0.0, 15.0])),
            draw(st.sampled_from([0.0, 300.0, 900.0])), (),
            draw(st.sampled_from([None, 0.5, 2.0])))
    items = []
    for k in range(draw(st.integers(1, 4))):
        price = draw(st.sampled_from([4.0, 10.0]))
        breaks = tuple((float(q), price * f) for q, f in
                       [(draw(st.sampled_from([20, 40])), 0.9), (draw(st.sampled_from([60, 90])),
                                                                  0.8)][:draw(st.integers(0, 2))])
        items.append(PurchaseItem(f"K{k}", draw(st.sampled_from(sorted(suppliers))), price,
                                  draw(st.sampled_from([0.0, 0.01])),
                                  draw(st.sampled_from([1, 5])), draw(st.sampled_from([0, 10])),
                                  draw(st.sampled_from([0.2, 5.0])), 0.95,
                                  float(draw(st.integers(0, 30))), breaks))
    demand = np.array([[draw(st.integers(0, 40)) for _ in range(weeks)] for _ in items], float)
    safety = np.full(demand.shape, 5.0) if draw(st.booleans()) else None
    problem = PurchaseProblem(MONDAY, weeks, tuple(items), suppliers, demand,
                              np.zeros(demand.shape), 7.0, safety_stock=safety)
    lines = []
    for item in items:
        lead = suppliers[item.supplier_id].lead_time_days
        for w in sorted(draw(st.sets(st.integers(0, weeks - 1), max_size=3))):
            day = MONDAY + dt.timedelta(days=7 * w)
            quantity = item.order_quantity(draw(st.integers(1, 70)))
            lines.append(PurchaseLine(item.sku, item.supplier_id, day,
                                      day + dt.timedelta(days=lead), quantity,
                                      item.unit_price(quantity), ""))
    return problem, lines


@settings(max_examples=150, deadline=None)
@given(part=_parts(), pick=st.integers(0, 3), week=st.integers(0, 4), units=st.integers(1, 120))
def test_split_score_changes_are_the_whole_scores_differences(
        part: tuple[PurchaseProblem, list[PurchaseLine]], pick: int, week: int,
        units: int) -> None:
    problem, lines = part
    i = pick % len(problem.items)
    item = problem.items[i]
    own = [x for x in lines if x.sku == item.sku]
    day = MONDAY + dt.timedelta(days=7 * (week % problem.weeks))
    quantity = item.order_quantity(units)
    new = [PurchaseLine(item.sku, item.supplier_id, day, day, quantity,
                        item.unit_price(quantity), "")]
    after = [x for x in lines if x.sku != item.sku] + new
    split = SplitScore(problem, lines)
    change, term = split.change(i, own, split.sku_term(i, own), new)
    whole = _score(problem, after) - _score(problem, lines)
    assert change == pytest.approx(whole, rel=1e-9, abs=1e-6)
    assert term == pytest.approx(split.sku_term(i, new))
    split.replace(own, new)  # the orders' totals follow: changing back undoes it
    back, _ = split.change(i, new, term, own)
    assert back == pytest.approx(-whole, rel=1e-9, abs=1e-6)


def _break_lots_scored_whole(part: PurchaseProblem, lines: list[PurchaseLine], score: float
                             ) -> tuple[list[PurchaseLine], float]:
    """The break-lot search with every candidate scored whole: the same part with a
    warehouse limit no plan reaches (it scores the same, but no longer splits)."""
    return with_break_lots(replace(part, warehouse_m3=1e12), lines, score)


@settings(max_examples=150, deadline=None)
@given(part=_parts())
def test_break_lots_by_split_score_are_those_scored_whole(
        part: tuple[PurchaseProblem, list[PurchaseLine]]) -> None:
    problem, lines = part
    before = _score(problem, lines)
    expected_lines, expected = _break_lots_scored_whole(problem, lines, before)
    got_lines, got = with_break_lots(problem, lines, before)
    assert got_lines == expected_lines
    assert got == pytest.approx(expected, rel=1e-12) and got == _score(problem, got_lines)

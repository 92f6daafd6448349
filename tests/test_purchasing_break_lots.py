"""Break lots: a SKU's lines bought at once at a price break when that scores less."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from salesflow.optimizer.purchasing.break_lots import with_break_lots
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
    after_lines, after = with_break_lots(problem, lines, before, _score)
    # 65 units needed: 50 or 65 at 9.00, or 80 at 8.50 with 15 left credited at 8.50; the
    # scorer picks among the breaks the one that scores least, all on the first order date.
    assert [(x.order_date, x.quantity, x.unit_price) for x in after_lines] == \
        [(MONDAY, 80, 8.5)]
    assert after == pytest.approx(_score(problem, after_lines)) and after < before


def test_a_break_that_does_not_pay_leaves_the_lines() -> None:
    problem = _problem(300.0)  # holding eats any price saving
    lines = [_line(0, 20), _line(1, 15), _line(2, 30)]
    before = _score(problem, lines)
    assert with_break_lots(problem, lines, before, _score) == (lines, before)

"""The per-SKU dynamic program's bound: never above the optimum, as tight as the LP it replaces.

Small random problems (one to three suppliers, packs, MOQs well above a week's demand, several
all-units price breaks, lead times that leave weeks before the first arrival, stock, open
orders, safety stock) are solved exactly over all SKUs, and each SKU's relaxed model (its share
of the order cost, no supplier minimums) alone. The model credits stock left at the end to the
lines it likes best (a relaxation of first in first out), so an optimum is the score of the
exact solve's plan. The bound must be at most each SKU's relaxed optimum (so its sum is at
most the whole optimum) and, where the cells are one pack wide (as on these problems), at
least the relaxed model's LP bound: between the LP it replaces and the optimum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.decompose import sku_bounds, sku_lp_bound, sku_terms
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms
from salesflow.optimizer.purchasing.sku_dp import MAX_STATES, cells_needed
from salesflow.optimizer.purchasing.solve import solve_purchasing

MONDAY = dt.date(2026, 11, 23)
EXACT = SolveLimits(time_limit_seconds=30, relative_gap=0.0, workers=1)


def random_problem(seed: int, suppliers: int, skus: int, weeks: int) -> PurchaseProblem:
    rng = np.random.default_rng(seed)
    terms = {f"S{s}": SupplierTerms(f"S{s}", int(rng.choice([0, 3, 7, 12, 20])),
                                    float(rng.uniform(10, 200)),
                                    float(rng.choice([0.0, 300.0])), (int(rng.integers(0, 5)),))
             for s in range(suppliers)}
    items = []
    for s in range(suppliers):
        for k in range(skus):
            cost = float(rng.uniform(1, 40))
            pack = int(rng.choice([1, 4, 10, 25]))
            levels = int(rng.integers(0, 4))
            mins = np.sort(rng.choice(np.arange(2, 20), size=levels, replace=False)) * pack
            prices = cost * np.cumprod(rng.uniform(0.85, 0.99, size=levels))
            breaks = tuple((float(q), round(float(p), 2)) for q, p in zip(mins, prices,
                                                                           strict=True))
            moq = int(rng.choice([0, pack * 2, pack * 8]))
            items.append(PurchaseItem(f"P{s}{k}", f"S{s}", cost, 0.01, pack, moq,
                                      float(rng.uniform(0.1, 0.5)), 0.95,
                                      float(rng.integers(0, 40)), breaks))
    n = len(items)
    demand = rng.integers(0, 30, size=(n, weeks)).astype(float) \
        * (rng.random((n, 1)) < 0.9)  # now and then a SKU without demand
    arrivals = np.where(rng.random((n, weeks)) < 0.1, 20.0, 0.0)
    safety = np.where(rng.random((n, 1)) < 0.6, rng.uniform(0, 25, size=(n, weeks)), 0.0)
    return PurchaseProblem(MONDAY, weeks, tuple(items), terms, demand, arrivals,
                           float(rng.uniform(2, 8)), safety_stock=safety)


def _relaxed(problem: PurchaseProblem, i: int) -> PurchaseProblem:
    """SKU ``i`` alone with its share of the order cost and no supplier minimums: the
    problem whose optimum is its relaxed model's (:func:`sku_terms`)."""
    alone = problem.restricted([i], couplings=False)
    supplier = alone.items[0].supplier_id
    terms = alone.suppliers[supplier]
    share = sku_terms(problem, i).order_cost_share
    return replace(alone, suppliers={supplier: replace(
        terms, order_cost=terms.order_cost * share, min_order_value=0.0,
        truck_capacity_m3=None)})


def _optimum(problem: PurchaseProblem, i: int | None = None) -> float:
    """The score of the exact solve's plan of the whole problem, or of SKU ``i``'s relaxed
    model: at least its optimum (no plan scores less), on these problems mostly equal."""
    part = problem if i is None else _relaxed(problem, i)
    solution = solve_purchasing(part, EXACT)
    assert solution.objective is not None
    return solution.objective


problems = st.builds(random_problem, st.integers(0, 2**31), st.integers(1, 2),
                     st.integers(1, 2), st.integers(2, 6))


@settings(max_examples=15, deadline=None)
@given(problems)
def test_dp_bound_is_between_the_lp_and_the_optimum(problem: PurchaseProblem) -> None:
    bounds = sku_bounds(problem, range(len(problem.items)))
    optimum = _optimum(problem)
    assert bounds.sum() <= optimum + 1e-6 * max(1.0, optimum)
    exact_cells = cells_needed(problem, range(len(problem.items))) < MAX_STATES
    for i, bound in enumerate(bounds):
        exact = _optimum(problem, i)
        assert bound <= exact + 1e-6 * max(1.0, exact)
        if exact_cells[i]:  # cells one pack wide: at least the LP it replaces
            lp = sku_lp_bound(problem, i)
            assert lp is not None
            assert bound >= lp - 1e-6 * max(1.0, lp)


@pytest.mark.parametrize("seed", range(3))
def test_dp_bound_counts_the_moq_lot_and_its_holding(seed: int) -> None:
    # A MOQ of 20 weeks' demand: every plan buys the whole lot and holds what it does not use
    # within the horizon; the bound counts the whole lot less what the end credits.
    problem = random_problem(seed, 1, 1, 6)
    item = problem.items[0]
    item = replace(item, moq=200 * item.pack_size, breaks=(), on_hand=0.0)
    demand = np.full((1, 6), 10.0)
    problem = replace(problem, items=(item,), demand=demand, safety_stock=None,
                      open_arrivals=np.zeros((1, 6)),
                      suppliers={"S0": replace(problem.suppliers["S0"], lead_time_days=0)})
    exact = _optimum(problem, 0)
    lot = 200 * item.pack_size
    order = problem.suppliers["S0"].order_cost
    held = sum(lot - 10 * (t + 1) for t in range(6))
    # One order of the lot; 60 units used, 60 more credited (one more horizon's demand), the
    # rest paid for and held.
    paid = (lot - 60) * item.unit_cost
    assert exact == pytest.approx(order + paid + item.holding_cost_per_week * held)
    bound = float(sku_bounds(problem, [0])[0])
    assert order + paid <= bound <= exact + 1e-6 * exact


def test_bound_is_the_same_in_any_order_and_batch() -> None:
    # SKUs are grouped by cell count and run in blocks: the bound of a SKU does not depend on
    # which other SKUs are bounded with it.
    problem = random_problem(5, 3, 3, 6)
    together = sku_bounds(problem, range(len(problem.items)))
    alone = np.array([sku_bounds(problem, [i])[0] for i in range(len(problem.items))])
    reverse = sku_bounds(problem, range(len(problem.items) - 1, -1, -1))[::-1]
    assert np.array_equal(together, alone)
    assert np.array_equal(together, reverse)


@pytest.mark.parametrize("seed", range(4))
def test_supplier_start_keeps_the_line_rules_and_never_loses_to_the_heuristic(seed: int) -> None:
    # The program's lines (same order weeks as the heuristic's) replace the heuristic's only
    # when the supplier's score falls; every line keeps packs, MOQ and prices; the bound
    # stays at most the supplier's optimum.
    from salesflow.optimizer.purchasing.checks import line_violations
    from salesflow.optimizer.purchasing.solve import _model_score, best_start, start_part

    problem = random_problem(100 + seed, 1, 4, 6)
    start = start_part(problem)
    assert line_violations(problem, start.lines) == []
    assert start.score == pytest.approx(_model_score(problem, list(start.lines)))
    assert start.score <= _model_score(problem, best_start(problem)) + 1e-9
    assert start.bound <= _optimum(problem) + 1e-6 * max(1.0, start.score)
    assert start_part(problem) == start  # the same start every time

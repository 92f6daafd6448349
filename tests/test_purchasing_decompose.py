"""The decomposed purchase solve: same optimum as the monolithic MIP, a valid bound, the same
plan twice.

Small random problems (two or three suppliers, packs, MOQ, all-units price breaks, minimum
order values, lead times, stock, safety stock) are solved to optimality by one MIP over all
SKUs; the decomposed solve (supplier MIPs, per-SKU dynamic-program bounds) must reach the
same cost, its plan must keep the line rules when re-checked from the lines alone and cost
what the formula says, and every bound it states must be at most that optimum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.checks import line_violations
from salesflow.optimizer.purchasing.decompose import sku_bound, sku_bounds, sku_floor
from salesflow.optimizer.purchasing.mip import solve_mip
from salesflow.optimizer.purchasing.model import build_model
from salesflow.optimizer.purchasing.plan import evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms
from salesflow.optimizer.purchasing.solve import solve_purchasing

MONDAY = dt.date(2026, 11, 23)
EXACT = SolveLimits(time_limit_seconds=60, relative_gap=0.0, workers=1)


def _random_problem(seed: int, suppliers: int = 2, skus: int = 2, weeks: int = 5,
                    warehouse: float | None = None) -> PurchaseProblem:
    rng = np.random.default_rng(seed)
    terms = {f"S{s}": SupplierTerms(f"S{s}", int(rng.choice([0, 3, 7])),
                                    float(rng.uniform(20, 150)),
                                    float(rng.choice([0.0, 300.0])), (int(rng.integers(0, 5)),))
             for s in range(suppliers)}
    items = []
    for s in range(suppliers):
        for k in range(skus):
            cost = float(rng.uniform(2, 30))
            pack = int(rng.choice([1, 5, 10]))
            breaks = ((float(pack * rng.integers(4, 10)), round(cost * 0.9, 2)),) \
                if rng.random() < 0.7 else ()
            items.append(PurchaseItem(f"P{s}{k}", f"S{s}", cost, float(rng.uniform(0.01, 0.1)),
                                      pack, int(rng.choice([0, pack * 2])), 0.3, 0.95,
                                      float(rng.integers(0, 20)), breaks))
    n = len(items)
    demand = rng.integers(0, 25, size=(n, weeks)).astype(float)
    safety = np.where(rng.random((n, weeks)) < 0.5, 3.0, 0.0)
    return PurchaseProblem(MONDAY, weeks, tuple(items), terms, demand, np.zeros((n, weeks)),
                           5.0, safety_stock=safety, warehouse_m3=warehouse)


def _monolithic(problem: PurchaseProblem) -> float:
    """The optimum of one MIP over every SKU and supplier."""
    outcome = solve_mip(build_model(problem).builder, solver="highs", time_limit=60, seed=0,
                        relative_gap=0.0)
    assert outcome.status == "optimal" and outcome.objective is not None
    return outcome.objective


def _check_plan(problem: PurchaseProblem, solution) -> None:
    """Line rules re-checked from the lines; purchase and ordering cost by the formula."""
    lines = solution.plan.lines
    assert line_violations(problem, lines) == []
    evaluation = evaluate_plan(problem, solution.plan)
    price = {item.sku: item for item in problem.items}
    purchase = sum(x.quantity * price[x.sku].unit_price(x.quantity) for x in lines)
    ordering = sum(problem.suppliers[s].order_cost
                   for s, _ in {(x.supplier_id, x.order_date) for x in lines})
    assert evaluation.purchase == pytest.approx(purchase)
    assert evaluation.ordering == pytest.approx(ordering)


@pytest.mark.parametrize("seed", range(6))
def test_decomposed_solve_reaches_the_monolithic_optimum(seed: int) -> None:
    problem = _random_problem(seed)
    optimum = _monolithic(problem)
    solution = solve_purchasing(problem, EXACT)
    assert solution.decomposed
    assert solution.objective == pytest.approx(optimum, rel=1e-6, abs=1e-4)
    assert solution.bound is not None and solution.bound <= optimum + 1e-4
    _check_plan(problem, solution)


@pytest.mark.parametrize("seed", range(6))
def test_per_sku_bounds_never_exceed_the_optimum(seed: int) -> None:
    problem = _random_problem(seed, suppliers=2, skus=3, weeks=6)
    optimum = _monolithic(problem)
    bounds = sku_bounds(problem, range(len(problem.items)))
    assert bounds.sum() <= optimum + 1e-4
    for positions in problem.supplier_groups().values():  # and per supplier
        part = problem.restricted(positions, couplings=False)
        assert bounds[positions].sum() <= _monolithic(part) + 1e-4
    floors = [sku_floor(problem, i) for i in range(len(problem.items))]
    assert all(b >= f - 1e-6 for b, f in zip(bounds, floors, strict=True))


def test_bound_stays_valid_when_the_warehouse_binds() -> None:
    # The bound drops the warehouse row: still at most the optimum of the coupled problem.
    problem = _random_problem(3, suppliers=2, skus=2, weeks=4, warehouse=1.5)
    optimum = _monolithic(problem)
    solution = solve_purchasing(problem, EXACT)
    assert solution.bound is not None and solution.bound <= optimum + 1e-4
    assert solution.objective is not None and solution.objective >= optimum - 1e-4
    assert sku_bounds(problem, range(len(problem.items))).sum() <= optimum + 1e-4


def test_sku_bound_counts_a_share_of_the_order_cost() -> None:
    # One SKU alone, demand only in week 0 and no stock: it must order once; its bound holds
    # 1/n of the order cost (n = the supplier's SKUs), not the whole order cost.
    problem = _random_problem(1, suppliers=1, skus=4, weeks=3)
    items = tuple(replace(x, on_hand=0.0, breaks=(), moq=0, pack_size=1) for x in problem.items)
    demand = np.zeros_like(problem.demand)
    demand[0, 0] = 10.0
    problem = replace(problem, items=items, demand=demand, safety_stock=None,
                      suppliers={"S0": replace(problem.suppliers["S0"], lead_time_days=0,
                                               min_order_value=0.0)})
    order_cost = problem.suppliers["S0"].order_cost
    expected = 10 * items[0].unit_cost + order_cost / 4
    assert sku_bound(problem, 0) == pytest.approx(expected, rel=1e-6)
    assert sku_bound(problem, 1) == pytest.approx(0.0, abs=1e-6)


def test_same_inputs_same_plan() -> None:
    # Every part ends by its gap well before the clock (HiGHS has no work limit that MathOpt
    # passes on, so a part stopped by the clock may differ between runs on a busy machine).
    problem = _random_problem(11, suppliers=3, skus=5, weeks=8)
    limits = SolveLimits(time_limit_seconds=120, workers=2, seed=0)
    first = solve_purchasing(problem, limits)
    second = solve_purchasing(problem, limits)
    assert first.plan.lines == second.plan.lines
    assert first.objective == second.objective
    assert all(part.status == "optimal" for part in first.parts)
    _check_plan(problem, first)


@pytest.mark.parametrize("seed", range(4))
def test_per_sku_bounds_hold_under_the_replay_accounting(seed: int) -> None:
    # End stock credited at the price paid, no service term (the foresight bound's terms).
    from salesflow.optimizer.purchasing.decompose import sku_lp_bound
    from salesflow.optimizer.replay_bound import TERMS

    problem = replace(_random_problem(seed, suppliers=2, skus=3, weeks=6), safety_stock=None)
    outcome = solve_mip(build_model(problem, TERMS).builder, solver="highs", time_limit=60,
                        seed=0, relative_gap=0.0)
    assert outcome.status == "optimal" and outcome.objective is not None
    bounds = [sku_lp_bound(problem, i, TERMS) for i in range(len(problem.items))]
    assert all(b is not None for b in bounds)
    assert sum(b for b in bounds if b is not None) <= outcome.objective + 1e-4

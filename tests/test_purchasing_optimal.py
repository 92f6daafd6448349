"""The optimizer is exact on small cases: Wagner–Whitin, and a brute force over every order plan
with packs, MOQ, all-units price breaks, lead times, stock and open orders."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.bounds import lower_bound
from salesflow.optimizer.purchasing.plan import evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms
from salesflow.optimizer.purchasing.score import objective_parts
from salesflow.optimizer.purchasing.solve import solve_purchasing
from salesflow.optimizer.purchasing.wagner_whitin import wagner_whitin

MONDAY = dt.date(2026, 11, 23)
EXACT = SolveLimits(time_limit_seconds=20, relative_gap=0.0, workers=1)


def _problem(demand: list[float], *, order_cost: float = 100.0, unit_cost: float = 10.0,
             holding_rate: float = 0.5, pack: int = 1, moq: int = 0,
             breaks: tuple[tuple[float, float], ...] = (), lead: int = 0, on_hand: float = 0.0,
             open_arrivals: list[float] | None = None) -> PurchaseProblem:
    item = PurchaseItem("A", "S", unit_cost, 0.01, pack, moq, holding_rate, 0.95, on_hand,
                        breaks)
    weeks = len(demand)
    return PurchaseProblem(MONDAY, weeks, (item,), {"S": SupplierTerms("S", lead, order_cost,
                                                                       0.0, ())},
                           np.array([demand], float),
                           np.array([open_arrivals or [0.0] * weeks], float), 5.0)


def test_wagner_whitin_by_hand() -> None:
    # K 100, h 1: one order of 20 (100 + 10 held a week) beats two (200); with K 5, two.
    once = wagner_whitin([10, 10], 100.0, 1.0, 2.0)
    assert once.orders == (20.0, 0.0)
    assert once.total == pytest.approx(2 * 20 + 100 + 10)
    twice = wagner_whitin([10, 10], 5.0, 1.0, 2.0)
    assert twice.orders == (10.0, 10.0)
    assert twice.total == pytest.approx(2 * 20 + 10)
    stocked = wagner_whitin([10, 10], 5.0, 1.0, 2.0, on_hand=15.0)  # 5 held a week, 5 bought
    assert stocked.orders == (0.0, 5.0)
    assert stocked.total == pytest.approx(2 * 5 + 5 + 5)


def _wagner_whitin_by_enumeration(demand: list[float], k: float, h: float) -> float:
    """Every choice of order weeks (each order covering until the next)."""
    best = np.inf
    weeks = len(demand)
    for mask in itertools.product([0, 1], repeat=weeks):
        if sum(demand) > 0 and (not mask[0] and demand[0] > 0):
            continue
        cost, stock = 0.0, 0.0
        starts = [t for t in range(weeks) if mask[t]] + [weeks]
        ok = True
        for t in range(weeks):
            if mask[t]:
                end = next(s for s in starts if s > t)
                stock += sum(demand[t:end])
                cost += k if sum(demand[t:end]) > 0 else 0.0
            stock -= demand[t]
            if stock < -1e-9:
                ok = False
                break
            cost += h * stock
        if ok:
            best = min(best, cost)
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=7), st.floats(1, 200),
       st.floats(0.01, 5))
def test_wagner_whitin_matches_enumeration(demand: list[int], k: float, h: float) -> None:
    result = wagner_whitin([float(d) for d in demand], k, h, 0.0)
    assert result.ordering + result.holding == pytest.approx(
        _wagner_whitin_by_enumeration([float(d) for d in demand], k, h), rel=1e-9, abs=1e-9)


def test_wagner_whitin_rejects_negative_input() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        wagner_whitin([1, -1], 10, 1, 1)


def _random_ww_problem(rng: np.random.Generator) -> PurchaseProblem:
    weeks = int(rng.integers(3, 13))
    demand = rng.integers(0, 80, weeks).astype(float)
    demand[rng.random(weeks) < 0.3] = 0
    return _problem(list(demand), order_cost=float(rng.uniform(10, 400)),
                    unit_cost=float(rng.uniform(1, 50)), holding_rate=float(rng.uniform(0.1, 2)),
                    on_hand=float(rng.integers(0, 40)))


@pytest.mark.parametrize("seed", range(25))
def test_plan_equals_wagner_whitin(seed: int) -> None:
    problem = _random_ww_problem(np.random.default_rng(seed))
    item = problem.items[0]
    cost = evaluate_plan(problem, solve_purchasing(problem, EXACT).plan).total
    exact = wagner_whitin(problem.demand[0], problem.suppliers["S"].order_cost,
                          item.holding_cost_per_week, item.unit_cost, item.on_hand).total
    assert abs(cost - exact) <= 1e-6 * exact


@pytest.mark.slow
def test_plan_equals_wagner_whitin_on_200_instances() -> None:
    for seed in range(1000, 1200):
        problem = _random_ww_problem(np.random.default_rng(seed))
        item = problem.items[0]
        cost = evaluate_plan(problem, solve_purchasing(problem, EXACT).plan).total
        exact = wagner_whitin(problem.demand[0], problem.suppliers["S"].order_cost,
                              item.holding_cost_per_week, item.unit_cost, item.on_hand).total
        assert abs(cost - exact) <= 1e-6 * exact, seed


def _brute_force(problem: PurchaseProblem) -> float:
    """Least model objective (evaluated cost less the end stock's value, first in first out, up
    to one more horizon's demand) over every plan of whole-pack lines (>= MOQ) with no
    shortage from the first week an order can arrive (the service rule), all plans at
    once."""
    item = problem.items[0]
    terms = problem.suppliers["S"]
    arrival = problem.arrival_weeks("S")
    slots = [w for w in range(problem.weeks) if arrival[w] < problem.weeks]
    top = int(problem.demand.sum() + max([q for q, _ in item.breaks], default=0)) \
        // item.pack_size + 1
    packs = np.array([0, *range(item.min_packs, top + 1)])
    units = packs * item.pack_size
    value = np.array([q * item.unit_price(q) for q in units])
    grids = np.meshgrid(*[np.arange(len(packs))] * len(slots), indexing="ij")
    choice = [g.ravel() for g in grids]
    stock = item.on_hand + np.cumsum(problem.open_arrivals[0] - problem.demand[0])
    level = np.repeat(stock[None, :], len(choice[0]), axis=0)
    cost = np.zeros(len(choice[0]))
    for w, pick in zip(slots, choice, strict=True):
        level[:, arrival[w]:] += units[pick][:, None]
        cost += value[pick] + terms.order_cost * (pick > 0)
    cost += item.holding_cost_per_week * np.maximum(level, 0).sum(axis=1)
    cost += problem.shortage_penalty * np.maximum(-level, 0).sum(axis=1)
    # The end stock's value: the latest lines' units first, then the start stock at unit cost,
    # up to one more horizon's demand.
    left = level[:, -1].copy()
    cost -= np.minimum(left, 0.0) * item.unit_cost
    left = np.clip(left, 0.0, problem.demand[0].sum())
    for pick in reversed(choice):
        take = np.minimum(left, units[pick])
        cost -= take * np.where(units[pick] > 0, value[pick] / np.maximum(units[pick], 1), 0.0)
        left -= take
    cost -= left * item.unit_cost
    first = arrival[slots[0]] if slots else problem.weeks
    allowed = (level[:, first:] >= -1e-9).all(axis=1)
    return float(cost[allowed].min())


CASES = [
    # (demand, keyword arguments)
    ([20, 15, 30], dict(breaks=((50.0, 9.0), (80.0, 8.5)))),  # a break pays for the stock
    ([20, 15, 30], dict(breaks=((60.0, 9.9),), holding_rate=20.0)),  # it does not
    ([7, 0, 9], dict(pack=6, moq=12)),  # packs and MOQ round the lots up
    ([10, 10, 10], dict(lead=10, on_hand=12)),  # 10 days: order in week t for week t+2
    ([12, 5, 18], dict(open_arrivals=[0, 20, 0], pack=4, breaks=((16.0, 9.5),))),
    ([0, 0, 25], dict(moq=30, order_cost=20.0, breaks=((40.0, 7.0),))),
]


@pytest.mark.parametrize(("demand", "kwargs"), CASES)
def test_plan_equals_brute_force(demand: list[float], kwargs: dict) -> None:
    problem = _problem([float(d) for d in demand], **kwargs)
    plan = solve_purchasing(problem, EXACT).plan
    evaluation = evaluate_plan(problem, plan)
    assert objective_parts(problem, plan.lines).total == pytest.approx(_brute_force(problem),
                                                                       rel=1e-9)
    assert not evaluation.violations


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=3), st.integers(1, 5),
       st.integers(0, 12), st.integers(0, 20), st.floats(10, 300), st.booleans())
def test_plan_equals_brute_force_random(demand: list[int], pack: int, moq: int, on_hand: int,
                                        order_cost: float, discount: bool) -> None:
    breaks = ((float(sum(demand) // 2 + 1), 9.0), (float(sum(demand) + 5), 8.0)) \
        if discount else ()
    problem = _problem([float(d) for d in demand], pack=pack, moq=moq, on_hand=float(on_hand),
                       order_cost=order_cost, breaks=breaks)
    plan = solve_purchasing(problem, EXACT).plan
    assert objective_parts(problem, plan.lines).total == pytest.approx(_brute_force(problem),
                                                                       rel=1e-7, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_lower_bound_is_below_the_optimum(seed: int) -> None:
    problem = _random_ww_problem(np.random.default_rng(seed))
    solution = solve_purchasing(problem, EXACT)
    assert lower_bound(problem) <= objective_parts(problem, solution.plan.lines).total + 1e-6
    assert solution.bound is not None and solution.bound <= solution.objective + 1e-6


def test_reasons_name_the_price_break_and_the_weeks_covered() -> None:
    # 65 units are needed; 80 at 8.50 leave 15 worth 127.50 at the end (credited at the price
    # paid), so the break lot costs 80 × 8.5 − 127.5 + holding instead of 65 × 9.
    problem = _problem([20.0, 15.0, 30.0], breaks=((50.0, 9.0), (80.0, 8.5)))
    (line,) = solve_purchasing(problem, EXACT).plan.lines
    assert line.quantity == 80 and line.primary_reason == "price_break"
    assert line.reason == ("price break at 80 units (8.50 each); "
                           "covers 3 weeks of demand to the next order")
    # With a holding cost that eats the credit, the need alone at the first break.
    costly = _problem([20.0, 15.0, 30.0], breaks=((50.0, 9.0), (80.0, 8.5)), holding_rate=5.0)
    (line,) = solve_purchasing(costly, EXACT).plan.lines
    assert line.quantity == 65 and line.primary_reason == "covers_demand_to_next_order"
    assert line.reason == ("covers 3 weeks of demand to the next order; "
                           "price break at 50 units (9.00 each)")


def test_limits_are_checked_and_the_solver_named() -> None:
    with pytest.raises(ValueError, match="time_limit_seconds must be > 0"):
        SolveLimits(time_limit_seconds=0)
    with pytest.raises(ValueError, match="backend must be one of highs, scip, cp-sat"):
        solve_purchasing(_problem([1.0]), backend="gurobi")
    with pytest.raises(ValueError, match="relative_gap"):
        SolveLimits(relative_gap=1.5)


@pytest.mark.parametrize("solver", ["scip", "cp-sat"])
def test_other_solvers_reach_the_same_optimum(solver: str) -> None:
    problem = _problem([20.0, 15.0, 30.0, 0.0, 12.0], breaks=((50.0, 9.0),), pack=5)
    highs = evaluate_plan(problem, solve_purchasing(problem, EXACT).plan).total
    other = solve_purchasing(problem, EXACT, backend=solver)
    assert evaluate_plan(problem, other.plan).total == \
        pytest.approx(highs, rel=1e-6)


def test_replay_purchaser_gives_the_optimal_plan() -> None:
    from salesflow.optimizer.purchasing.stage import optimized_plan

    problem = _random_ww_problem(np.random.default_rng(7))
    item = problem.items[0]
    plan = optimized_plan(problem, time_limit_seconds=20, seed=3)
    exact = wagner_whitin(problem.demand[0], problem.suppliers["S"].order_cost,
                          item.holding_cost_per_week, item.unit_cost, item.on_hand).total
    assert abs(evaluate_plan(problem, plan).total - exact) <= 1e-2 * exact
    assert plan == optimized_plan(problem, time_limit_seconds=20, seed=3)
    with pytest.raises(ValueError, match="time_limit_seconds"):
        optimized_plan(problem, time_limit_seconds=0)

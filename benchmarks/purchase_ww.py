"""Benchmark (a): the optimizer against Wagner–Whitin on random single-SKU instances.

Lead time 0, packs of one, no price breaks, no capacity: the exact optimum is the Wagner–Whitin
dynamic program (``optimizer/purchasing/wagner_whitin.py``), which shares no code with the MIP.
Every instance is evaluated by the one cost formula and compared with the DP's cost.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import numpy as np

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.plan import evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms
from salesflow.optimizer.purchasing.solve import solve_purchasing
from salesflow.optimizer.purchasing.wagner_whitin import wagner_whitin

MONDAY = dt.date(2026, 1, 5)


def random_instance(rng: np.random.Generator) -> PurchaseProblem:
    """One single-SKU uncapacitated instance (4-20 weeks, lumpy demand, some stock)."""
    weeks = int(rng.integers(4, 21))
    demand = rng.integers(0, 120, weeks).astype(float)
    demand[rng.random(weeks) < 0.25] = 0.0
    unit_cost = float(np.round(rng.uniform(1, 80), 2))
    item = PurchaseItem(
        sku="A", supplier_id="S", unit_cost=unit_cost, unit_volume_m3=0.001, pack_size=1,
        moq=0, holding_rate=float(np.round(rng.uniform(0.1, 2.0), 3)), service_level=0.95,
        on_hand=float(rng.integers(0, 60)) if rng.random() < 0.5 else 0.0, breaks=())
    terms = SupplierTerms("S", 0, float(np.round(rng.uniform(10, 600), 2)), 0.0, ())
    return PurchaseProblem(MONDAY, weeks, (item,), {"S": terms}, demand[None, :],
                           np.zeros((1, weeks)), shortage_penalty=5.0)


@dataclass(frozen=True)
class WagnerWhitinRow:
    instance: int
    weeks: int
    plan_cost: float
    optimum: float
    relative_difference: float
    runtime: float


def run_wagner_whitin(count: int = 200, seed: int = 0,
                      time_limit: float = 10.0) -> list[WagnerWhitinRow]:
    """Solve ``count`` random instances and compare each with the Wagner–Whitin optimum."""
    rng = np.random.default_rng(seed)
    limits = SolveLimits(time_limit_seconds=time_limit, relative_gap=0.0, workers=1, seed=seed)
    rows = []
    for k in range(count):
        problem = random_instance(rng)
        item = problem.items[0]
        started = time.perf_counter()
        plan = solve_purchasing(problem, limits).plan
        runtime = time.perf_counter() - started
        cost = evaluate_plan(problem, plan).total
        exact = wagner_whitin(problem.demand[0], problem.suppliers["S"].order_cost,
                              item.holding_cost_per_week, item.unit_cost, item.on_hand).total
        rows.append(WagnerWhitinRow(k, problem.weeks, cost, exact,
                                    abs(cost - exact) / max(abs(exact), 1e-9), runtime))
    return rows


def markdown(rows: list[WagnerWhitinRow]) -> str:
    worst = max(rows, key=lambda r: r.relative_difference)
    equal = sum(r.relative_difference < 1e-6 for r in rows)
    times = np.array([r.runtime for r in rows])
    return (
        "| instances | plan = optimum (rel. diff < 1e-6) | worst rel. diff | median time | "
        "max time |\n| ---: | ---: | ---: | ---: | ---: |\n"
        f"| {len(rows)} | {equal} | {worst.relative_difference:.1e} (instance "
        f"{worst.instance}) | {np.median(times):.3f} s | {times.max():.3f} s |\n")

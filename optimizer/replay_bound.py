"""The perfect-foresight bound of a replay: no purchasing policy can cost less.

A replay (:mod:`salesflow.optimizer.replay`) charges each policy the purchase, ordering,
holding and shortage cost of serving the actual demand, net of the change in stock value. This
module solves the same weeks *knowing that demand in advance*, as one lot-sizing MIP over the
whole replay, with the replay's accounting at the end (stock left credited at the price paid,
the stock on hand at the start at unit cost, a backlog left charged at unit cost) and without
the warehouse limit. Every purchasing policy that orders as the replay's problems let it
(one line per SKU and week, on the supplier's first order day of the week, arriving after its
lead time, in whole packs and at least the MOQ) places orders the MIP could place too,
and the MIP's cost of those orders is at most the replay's (it may assign the stock left to
any purchase, the replay takes the most recent ones first). So the MIP's *dual bound* is a
lower bound on the replay cost of every such policy, forecast-driven or not: how much any
policy could still gain on these weeks. Without the warehouse, suppliers are independent: the
MIP is solved supplier by supplier and the bounds add up.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.optimizer.purchasing.builder import build_purchase_problem
from salesflow.optimizer.purchasing.decompose import sku_lp_bound
from salesflow.optimizer.purchasing.mip import solve_mip
from salesflow.optimizer.purchasing.model import ModelTerms, build_model
from salesflow.optimizer.purchasing.plan import PurchaseLine
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.solve import plan_lines
from salesflow.optimizer.replay import PolicyOutcome, actual_demand, check_replay_weeks

TERMS = ModelTerms(end_stock_at_cost=True, capped_credit=False, service_rule=False)


@dataclass(frozen=True)
class ForesightBound:
    """Lower bound on the replay cost of any policy, and the best plan found toward it.

    ``bound`` and ``best`` are in the replay's cost terms (purchase + ordering + holding +
    shortage − stock change). ``best`` is the model's cost of the foresight plan the solver
    found, ``lines`` its purchase lines (``None`` and empty if a supplier's MIP found none);
    ``optimal_parts`` counts suppliers solved to proof.
    """

    first_week: dt.date
    weeks: int
    bound: float
    best: float | None
    optimal_parts: int
    parts: int
    runtime: float
    lines: tuple[PurchaseLine, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"first_week": self.first_week.isoformat(), "weeks": self.weeks,
                "bound": round(self.bound, 2),
                "best": None if self.best is None else round(self.best, 2),
                "optimal_parts": self.optimal_parts, "parts": self.parts,
                "runtime_s": round(self.runtime, 2)}


def foresight_problem(dataset: Dataset, first_week: dt.date,
                      last_week: dt.date) -> PurchaseProblem:
    """The replay's weeks as one purchasing problem with the actual demand: the dataset's stock
    at the start, nothing on order, no safety stock, no warehouse limit, and no minimum order
    value surcharge (the replay charges none).

    Raises
    ------
    InvalidInputError
        If the weeks cannot be replayed (see :func:`check_replay_weeks`).
    """
    check_replay_weeks(dataset, first_week, last_week)
    weeks = (last_week - first_week).days // 7 + 1
    actual = actual_demand(dataset, last_week)
    actual = actual.loc[:, actual.columns >= pd.Timestamp(first_week)]
    demand = (actual.rename_axis(index="sku", columns="week_start").stack()
              .rename("quantity").reset_index())
    blank = replace(dataset, tables=dict(dataset.tables,
                                         open_orders=dataset["open_orders"].iloc[0:0]))
    history = dataset.history_before(first_week)
    problem = build_purchase_problem(blank, demand, first_week, weeks, history=history,
                                     safety_stock=np.zeros((len(dataset.skus), weeks)))
    return replace(problem, safety_stock=None, warehouse_m3=None,
                   rates=replace(problem.rates, min_order_value_per_currency=0.0))


def foresight_bound(dataset: Dataset, first_week: dt.date, last_week: dt.date, *,
                    time_limit_seconds: float = 120.0, workers: int = 2,
                    seed: int = 0) -> ForesightBound:
    """Solve the replay's weeks with the actual demand known; the time is shared out among the
    suppliers by size, ``workers`` MIPs at a time.

    Raises
    ------
    InvalidInputError
        If the weeks cannot be replayed.
    """
    started = time.perf_counter()
    problem = foresight_problem(dataset, first_week, last_week)
    groups = list(problem.supplier_groups().values())
    total = sum(len(g) for g in groups)
    start_value = float(sum(item.on_hand * item.unit_cost for item in problem.items))

    def solve(positions: list[int]) -> tuple[float, float | None, bool, list[PurchaseLine]]:
        part = problem.restricted(positions, couplings=False)
        # With nothing solved, a part can at best get back the value of its stock.
        floor = -float(sum(item.on_hand * item.unit_cost for item in part.items))
        share = time_limit_seconds * workers * len(positions) / max(total, 1)
        # Each SKU's LP with its share of the order cost is a relaxation of the part too
        # (decompose.py); its sum is the part's bound when the MIP's is weaker.
        skus = 0.0
        for k, item in enumerate(part.items):
            lp = sku_lp_bound(part, k, TERMS, seed)
            skus += -item.on_hand * item.unit_cost if lp is None else lp
        model = build_model(part, TERMS)
        outcome = solve_mip(model.builder, solver="highs", time_limit=max(share, 0.5),
                            seed=seed, relative_gap=1e-4)
        bound = max(floor, skus, -np.inf if outcome.bound is None else outcome.bound)
        lines = [] if outcome.values is None else plan_lines(model, outcome.values)
        return bound, outcome.objective, outcome.status == "optimal", lines

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(solve, groups))
    bound = sum(r[0] for r in results) + start_value
    found = [r[1] for r in results]
    complete = all(f is not None for f in found)
    best = sum(f for f in found if f is not None) + start_value if complete else None
    lines = sorted((line for r in results for line in r[3]),
                   key=lambda x: (x.order_date, x.supplier_id, x.sku)) if complete else []
    return ForesightBound(first_week, problem.weeks, bound, best,
                          sum(r[2] for r in results), len(groups),
                          time.perf_counter() - started, tuple(lines))


def captured_share(outcome: PolicyOutcome, baseline: PolicyOutcome,
                   bound: ForesightBound) -> float | None:
    """The share of the gap between the baseline's replay cost and the perfect-foresight bound
    that ``outcome`` closes: 1 at the bound, 0 at the baseline, negative when it costs more
    than the baseline; on the costs in cents as stated. ``None`` when the baseline is already
    at the bound (no gap to close)."""
    base = round(baseline.procurement_cost, 2)
    room = base - round(bound.bound, 2)
    if room <= 0:
        return None
    return (base - round(outcome.procurement_cost, 2)) / room

"""Benchmark (b): Trigeiro's capacitated lot-sizing instances with known optima.

Each instance of ``known_values.csv`` whose optimum is proven is read as purchasing (one SKU
per supplier, shared weekly receiving capacity, see ``optimizer/purchasing/trigeiro.py``),
solved with the time limit, checked by the instance's own model (no backlog, capacity every
period) and its cost compared with the optimum.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from salesflow.data.instances.lotsizing import read_known_values, read_trigeiro
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.solve import solve_purchasing
from salesflow.optimizer.purchasing.trigeiro import check_lotsizing, lotsizing_problem


@dataclass(frozen=True)
class TrigeiroRow:
    instance: str
    size: str
    optimum: float
    cost: float
    feasible: bool
    bound: float | None
    status: str
    runtime: float
    solver: str

    @property
    def gap(self) -> float:
        return (self.cost - self.optimum) / self.optimum


def run_trigeiro(folder: Path, time_limit: float = 60.0, solver: str = "highs",
                 only: list[str] | None = None, workers: int = 2) -> list[TrigeiroRow]:
    """Solve every proven-optimal instance of ``folder/known_values.csv`` (or ``only``)."""
    known = read_known_values(folder / "known_values.csv")
    known = known[known["computed_status"].astype(str) == "optimal"]
    rows = []
    for entry in known.itertuples(index=False):
        if only and entry.instance not in only:
            continue
        instance = read_trigeiro(folder / "trigeiro1989" / entry.file, entry.instance)
        override = entry.unit_time_override
        if isinstance(override, float) and not math.isnan(override):
            instance = replace(instance, unit_use=np.full(instance.items, override))
        problem = lotsizing_problem(instance)
        limits = SolveLimits(time_limit_seconds=time_limit, relative_gap=1e-6, workers=workers)
        started = time.perf_counter()
        solution = solve_purchasing(problem, limits, backend=solver)
        runtime = time.perf_counter() - started
        check = check_lotsizing(instance, solution.plan)
        fixed = float(instance.demand.sum())  # unit cost 1: the purchase part is constant
        bound = None if solution.bound is None else solution.bound - fixed
        rows.append(TrigeiroRow(entry.instance, f"{instance.items}x{instance.periods}",
                                float(entry.computed_value), check.cost, check.feasible,
                                bound, solution.status, runtime, solver))
    return rows


def markdown(rows: list[TrigeiroRow]) -> str:
    lines = ["| instance | items x periods | optimum | plan | gap to optimum | feasible (checker) "
             "| bound | solver | time |",
             "| --- | --- | ---: | ---: | ---: | --- | ---: | --- | ---: |"]
    for r in rows:
        bound = "n/a" if r.bound is None else f"{r.bound:,.0f}"
        lines.append(f"| {r.instance} | {r.size} | {r.optimum:,.0f} | {r.cost:,.0f} | "
                     f"{r.gap:.2%} | {'yes' if r.feasible else 'NO'} | {bound} | "
                     f"{r.solver} {r.status} | {r.runtime:.1f} s |")
    if rows:
        mean = sum(r.gap for r in rows) / len(rows)
        lines.append(f"| **mean** | {len(rows)} instances | | | **{mean:.2%}** | "
                     f"{sum(r.feasible for r in rows)}/{len(rows)} | | | |")
    return "\n".join(lines) + "\n"

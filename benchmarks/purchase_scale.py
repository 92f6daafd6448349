"""Benchmark (e): the purchase solve at scale, on the forecast, twice (gap and determinism).

For each size a dataset is generated (``salesflow init DIR --size SIZE --seed 7``) and
forecast over its default horizon as ``weekly`` does; the purchase problem that
``salesflow purchase`` builds from it is pickled in the work folder, so a second run skips the
generation and the forecast (minutes on ``large``). The problem is then solved twice with the
dataset's default limits (``SolveLimits.from_config``), and the rows say the plan's model
score, the bound, the gap, the wall and CPU seconds of each solve, the load average when it
started and whether the two plans are the same.
"""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

from salesflow.benchmarks.scale import cpu_seconds
from salesflow.optimizer.purchasing.problem import PurchaseProblem

SEED = 7


@dataclass(frozen=True)
class ScaleRow:
    """Two solves of one size's problem."""

    size: str
    skus: int
    suppliers: int
    weeks: int
    time_limit: float
    objective: float | None
    bound: float | None
    gap: float | None
    status: str
    wall: tuple[float, float]
    cpu: tuple[float, float]
    load: tuple[float, float]
    same_plan: bool
    bounds: tuple[float | None, float | None] = (None, None)


def prepare(size: str, work_dir: Path, seed: int = SEED) -> tuple[PurchaseProblem, Path]:
    """The purchase problem of a generated ``size`` dataset on its forecast (cached in
    ``work_dir``) and the dataset's folder."""
    from salesflow.benchmarks.purchase_datasets import generate

    folder = generate(work_dir / f"{size}-seed{seed}", size, seed)
    cached = work_dir / f"{size}-seed{seed}-problem.pkl"
    if cached.exists():
        with cached.open("rb") as handle:
            return pickle.load(handle), folder
    from salesflow.data.dataset import load_dataset
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.purchasing.builder import build_purchase_problem, purchase_demand
    from salesflow.optimizer.weekly import forecast_for

    dataset = load_dataset(folder)
    context = PlanningContext.build(dataset)
    demand = purchase_demand(forecast_for(dataset, context).demand)
    problem = build_purchase_problem(dataset, demand, context.week_start,
                                     context.horizon_weeks, history=context.history)
    with (work_dir / f"{cached.name}.tmp").open("wb") as handle:
        pickle.dump(problem, handle)
    (work_dir / f"{cached.name}.tmp").replace(cached)
    return problem, folder


def run_size(size: str, work_dir: Path, time_limit: float | None = None,
             say=print) -> ScaleRow:
    """Solve ``size``'s problem twice with the dataset's default limits."""
    from salesflow.data.dataset import load_dataset
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.purchasing.solve import solve_purchasing

    problem, folder = prepare(size, work_dir)
    limits = SolveLimits.from_config(load_dataset(folder).config, time_limit=time_limit)
    solutions, walls, cpus, loads = [], [], [], []
    for run in range(2):
        loads.append(os.getloadavg()[0])
        cpu, wall = cpu_seconds(), time.perf_counter()
        solution = solve_purchasing(problem, limits)
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
        solutions.append(solution)
        say(f"  {size} run {run + 1}: score {solution.objective}, bound {solution.bound}, "
            f"gap {solution.gap}, {walls[-1]:.1f} s wall, {cpus[-1]:.1f} s CPU")
    first, second = solutions
    return ScaleRow(size, len(problem.items), len(problem.suppliers), problem.weeks,
                    limits.time_limit_seconds, first.objective, first.bound, first.gap,
                    str(first.status), (walls[0], walls[1]), (cpus[0], cpus[1]),
                    (loads[0], loads[1]), first.plan.lines == second.plan.lines,
                    (first.bound, second.bound))


def markdown(rows: list[ScaleRow]) -> str:
    lines = ["| dataset (seed 7) | SKUs x weeks | suppliers | plan (model score) | bound run 1 "
             "/ 2 | gap run 1 | status | wall s run 1 / 2 | CPU s run 1 / 2 | load avg at "
             "start | same plan twice |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        gap = "n/a" if r.gap is None else f"**{r.gap:.2%}**"
        score = "n/a" if r.objective is None else f"{r.objective:,.0f}"
        bounds = " / ".join("n/a" if b is None else f"{b:,.0f}" for b in r.bounds)
        lines.append(
            f"| {r.size} | {r.skus:,} x {r.weeks} | {r.suppliers} | {score} | {bounds} | {gap} "
            f"| {r.status} | {r.wall[0]:.1f} / {r.wall[1]:.1f} ({r.time_limit:g} s limit) | "
            f"{r.cpu[0]:.1f} / {r.cpu[1]:.1f} | {r.load[0]:.1f} / {r.load[1]:.1f} | "
            f"{'yes' if r.same_plan else 'no'} |")
    return "\n".join(lines) + "\n"

"""Routing a day per depot against one search of the whole day (issue 19), section
``routing-depots`` of BENCHMARKS.md.

For each size (default ``medium,large``: 2 and 3 depots, about 150 and 670 stops a day) a
dataset is generated with ``salesflow init`` (seed 7) and the weekly routing stage plans the
plan week twice in the same run, with the same limits (``config.toml``'s time limit, 2
workers, seed 0): once with every day as one model (``depot_parts_above`` above any day) and
once with the default rule (a day of more than
:attr:`~salesflow.optimizer.routing.solver.RoutingOptions.depot_parts_above` stops over several
depots routed per depot). Every plan is re-checked with the independent checker; the table
gives the week's objective (route cost plus unserved penalties), stops served, the stage's
wall time and how the days' searches ended.

Usage (from the repository root; heavy: under the shared benchmark lock)::

    flock /tmp/salesflow-bench.lock python benchmarks/routing_depots.py \\
        [--sizes medium,large] [--work DIR] [--write]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from salesflow.benchmarks.locate import salesflow_command
from salesflow.benchmarks.report import machine_line, write_section

SEED = 7
WHOLE = 10**9
"""``depot_parts_above`` that no day exceeds: every day one model."""


@dataclass(frozen=True)
class WeekRun:
    """One routing stage run on one size."""

    size: str
    mode: str
    days: int
    stops: int
    served: int
    objective: float
    baseline: float
    seconds: float
    on_clock: int
    problems: int


def route_week(folder: Path, size: str, above: int | None) -> WeekRun:
    """The routing stage on the dataset at ``folder`` (default rule when ``above`` is None)."""
    from salesflow.data.dataset import load_dataset
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.result import STOP_TIME
    from salesflow.optimizer.routing.check import check_route_plan
    from salesflow.optimizer.routing.solver import RoutingOptions, plan_objective
    from salesflow.optimizer.routing.stage import routing_stage

    dataset = load_dataset(folder)
    context = PlanningContext.build(dataset)
    options = RoutingOptions() if above is None else RoutingOptions(depot_parts_above=above)
    limits = SolveLimits.from_config(dataset.config)
    began = time.perf_counter()
    week = routing_stage(dataset, context.week_start, limits, options=options)
    seconds = time.perf_counter() - began
    return WeekRun(
        size=size, mode="whole day" if above == WHOLE else "per depot",
        days=len(week.days), stops=sum(len(p.stops) for p, _ in week.days),
        served=sum(plan.served_count for _, plan in week.days),
        objective=sum(s.objective or 0.0 for s in week.solves),
        baseline=sum(plan_objective(p, b, options) for p, b in week.baseline),
        seconds=seconds,
        on_clock=sum(s.stop_reason.startswith(STOP_TIME) for s in week.solves),
        problems=sum(len(check_route_plan(p, plan)) for p, plan in week.days))


def run(sizes: Sequence[str], work: Path, say: Callable[[str], None]) -> list[WeekRun]:
    runs = []
    for size in sizes:
        folder = work / size
        say(f"generating {size} ...")
        subprocess.run([*salesflow_command(), "init", str(folder), "--size", size, "--seed",
                        str(SEED)], check=True, capture_output=True)
        for above in (WHOLE, None):
            result = route_week(folder, size, above)
            say(f"  {result}")
            runs.append(result)
    return runs


def section(runs: Sequence[WeekRun], command: str) -> str:
    rows = ["| size | days | stops | routed | served | objective | nearest-neighbour | "
            "vs whole day | seconds | days on the clock | checker |",
            "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    whole = {r.size: r for r in runs if r.mode == "whole day"}
    for r in runs:
        ref = whole.get(r.size)
        ratio = f"{r.objective / ref.objective:.3f}" if ref and ref.objective else "—"
        rows.append(f"| {r.size} | {r.days} | {r.stops:,} | {r.mode} | {r.served:,} | "
                    f"{r.objective:,.0f} | {r.baseline:,.0f} | {ratio} | {r.seconds:.0f} | "
                    f"{r.on_clock} | {'feasible' if r.problems == 0 else r.problems} |")
    return "\n".join([
        "## Routing a day per depot (issue 19)", "", machine_line(), f"Command: `{command}`",
        "", "The weekly routing stage on generated weeks (seed 7), each day as one model "
        "against the default rule (a day of more than 100 stops over several depots routed "
        "per depot), same limits (config: time limit per day, 2 workers, seed 0) in the same "
        "run. Objective: route cost plus the unserved penalty; ratio below 1 is cheaper.", "",
        *rows])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="medium,large")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the generated datasets (default: a temporary one)")
    parser.add_argument("--write", action="store_true",
                        help="write the section routing-depots of BENCHMARKS.md")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    command = ("flock /tmp/salesflow-bench.lock python benchmarks/routing_depots.py "
               f"--sizes {','.join(sizes)}" + (" --write" if args.write else ""))
    with tempfile.TemporaryDirectory(prefix="salesflow-depots-") as tmp:
        runs = run(sizes, args.work or Path(tmp),
                   lambda line: print(line, file=sys.stderr, flush=True))
    text = section(runs, command)
    if args.write:
        write_section("routing-depots", text)
    print(text)


if __name__ == "__main__":
    main()

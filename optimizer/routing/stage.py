"""The weekly cycle's routing stage: OR-Tools routes for every delivery day of the week, with
the nearest-neighbour baseline of the same days kept for the KPI comparison.

The days are independent: each day's model is built here, then the searches of every day
(its portfolio members, the week's days sharing ``limits.workers`` slots:
:func:`~salesflow.optimizer.routing.portfolio.week_members`) run as parallel tasks
(:func:`salesflow.forecasting.parallel.map_parts`: a local cluster of worker processes, or
the Dask cluster of ``--scheduler``), the week's models copied once to every worker. Each
search stops on its deterministic work limit, so the routes are the same wherever they ran;
a week of small days (fewer than
:data:`~salesflow.optimizer.routing.portfolio.MIN_PARALLEL_VISITS` visits each) is solved
in this process unless a scheduler was given.

A day of more than ``options.depot_parts_above`` stops over several depots is routed per
depot (:mod:`~salesflow.optimizer.routing.depot_parts`): each depot's part is a model of its
own, searched as a task beside the other days' models, with the work limit that its share
of the day's time limit by stops allows (:data:`PART_SEARCH_RATE`) and the day's time limit
as its clock, so that the parts too end on work and repeat (:func:`part_limits`); the stops
the parts left for want of vehicles then go, in a second round, to one more part with the
vehicles no part used (its own share of the work).
The parts' routes make the day's plan, set against the nearest-neighbour baseline of the
whole day.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from salesflow.data.i18n import N_
from salesflow.forecasting.parallel import map_parts
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.result import STOP_TIME
from salesflow.optimizer.routing.builder import (
    build_day_problem,
    delivery_stops,
    split_unplaced,
)
from salesflow.optimizer.routing.depot_parts import depot_parts, leftover_part, merge_plans
from salesflow.optimizer.routing.nearest_neighbour import solve_nearest_neighbour
from salesflow.optimizer.routing.ortools_search import SearchStrategy, run_search
from salesflow.optimizer.routing.portfolio import (
    best_of,
    search_deadline,
    searched_in_parallel,
    solution_limit,
    week_members,
)
from salesflow.optimizer.routing.problem import RoutingProblem, Stop
from salesflow.optimizer.routing.solution import RoutePlan, Unserved
from salesflow.optimizer.routing.solver import (
    POLICY,
    PreparedDay,
    RoutingOptions,
    RoutingSolveResult,
    finish_routing,
    prepare_routing,
    searched_result,
)
from salesflow.optimizer.routing.vrp_model import ModelSolution, VrpModel

if TYPE_CHECKING:
    from salesflow.data.dataset import Dataset
    from salesflow.optimizer.routing.distances import DistanceSource

DayProgress = Callable[[dt.date, int, int], None]
"""Called as ``progress(day, done, total)`` before each day is solved and once at the end."""


@dataclass(frozen=True)
class RoutingResult:
    """The week's routes.

    Attributes
    ----------
    days:
        ``(problem, plan)`` of every delivery day, the plan from OR-Tools.
    baseline:
        ``(problem, plan)`` of the same days from the nearest-neighbour baseline.
    solves:
        The solver outcome of each day (status, objective, runtime, strategy).
    unplaced:
        Per day, the stops left out of the day's problem because their customer has no
        coordinates (``placed_only``); each is also an unserved stop of both plans, with
        :data:`NO_COORDINATES` as its reason.
    """

    days: tuple[tuple[RoutingProblem, RoutePlan], ...]
    baseline: tuple[tuple[RoutingProblem, RoutePlan], ...] = ()
    solves: tuple[RoutingSolveResult, ...] = ()
    unplaced: tuple[tuple[dt.date, tuple[Stop, ...]], ...] = ()


NO_COORDINATES = N_("no coordinates (lat/lon blank in the customers table): not routed")


def _with_unplaced(plan: RoutePlan, unplaced: tuple[Stop, ...]) -> RoutePlan:
    extra = tuple(Unserved(s.customer_id, NO_COORDINATES) for s in unplaced)
    return (replace(plan, unserved=plan.unserved + extra, unplaced=plan.unplaced + unplaced)
            if extra else plan)


def routing_stage(dataset: Dataset, week_start: dt.date, limits: SolveLimits, *,
                  options: RoutingOptions | None = None,
                  distances: DistanceSource | None = None,
                  days: tuple[dt.date, ...] | None = None,
                  progress: DayProgress | None = None,
                  placed_only: bool = False) -> RoutingResult:
    """Route every delivery day of the week starting on Monday ``week_start``.

    Parameters
    ----------
    dataset:
        A loaded dataset.
    week_start:
        Monday of the plan week.
    limits:
        Limits of each day's solve.
    options:
        Unserved penalty and work limit.
    distances:
        Road km and minutes between locations; default from the config's ``[routing]``.
    days:
        Only these delivery days (default: all of the week).
    progress:
        Told as the days are searched (day, days done, days).
    placed_only:
        Route only the stops whose customer has coordinates; the others are listed as
        unserved (``RoutingResult.unplaced``). Without it every stop must have coordinates
        (or ``distances`` must cover it).

    Returns
    -------
    RoutingResult

    Raises
    ------
    ValueError
        If ``week_start`` is not a Monday.
    """
    options = options or RoutingOptions()
    week = sorted(delivery_stops(dataset, week_start).items())
    if days is not None:
        week = [(day, stops) for day, stops in week if day in set(days)]
    problems, unplaced, units = [], [], []
    for index, (day, stops) in enumerate(week):
        begun = time.time()
        missing: tuple[Stop, ...] = ()
        if placed_only:
            stops, missing = split_unplaced(stops)
            if missing:
                unplaced.append((day, missing))
        problem = build_day_problem(dataset, day, stops, distances)
        problems.append((problem, missing))
        if _by_depot(problem, options):
            units.extend(_depot_units(index, problem, limits, options, begun))
        else:
            units.append(_Unit(index, problem, prepare_routing(problem, limits, options),
                               time.time() - begun))
    results = _search_units(units, limits.workers, week, progress)
    leftovers = []
    for index, (problem, _) in enumerate(problems):
        parts = [r for u, r in zip(units, results, strict=True) if u.day == index and u.part]
        rest = leftover_part(problem, [r.plan for r in parts]) if parts else None
        if rest is not None:
            begun = time.time()
            share = part_limits(limits, problem, rest, 0.0, options)
            leftovers.append(_Unit(index, rest, prepare_routing(rest, share, options),
                                   time.time() - begun, part=True))
    units += leftovers
    results += _search_units(leftovers, limits.workers, [], None)
    solves = [_day_result(index, problem, units, results, options)
              for index, (problem, _) in enumerate(problems)]
    planned = tuple((problem, _with_unplaced(r.plan, missing))
                    for (problem, missing), r in zip(problems, solves, strict=True))
    baseline = tuple((problem, _with_unplaced(r.baseline, missing))
                     for (problem, missing), r in zip(problems, solves, strict=True))
    return RoutingResult(planned, baseline, tuple(solves), tuple(unplaced))


MIN_PART_SECONDS = 2.0
"""Least time limit of a depot part, however few of the day's stops it has."""

PART_SEARCH_RATE = 8_000
"""Stop-solutions per second a depot part's work limit assumes: a part of ``n`` stops with
a share of ``seconds`` of its day's time limit (by stops) gets at most ``PART_SEARCH_RATE ×
seconds / n`` OR-Tools solutions, so its search ends on work, about within that share here,
and the routes repeat run after run (the usual ``200 + work_per_stop × n`` is minutes of
search on a part of a few hundred stops, which the clock cut wherever the machine happened
to be). Measured on the generated large week (seed 7, 60 s a day, 2 workers, 15 parts of 70
to 330 stops, each part's clock its share): with 8,000 the stage took 63 and 69 s with the
same routes twice, 2.4 % dearer than the 150 s that ended on the clock; 6,000 cost 4.7 %;
10,000 left parts of two days on the clock. In a full weekly run one part of 8,000 still
reached its share's clock once, so the share only sets the work, and the clock of a part is
the day's (:func:`part_limits`)."""


@dataclass(frozen=True)
class _Unit:
    """One model to search: a whole day, or a part of a day routed per depot."""

    day: int
    problem: RoutingProblem
    prepared: PreparedDay | RoutingSolveResult
    setup: float
    part: bool = False
    common: float = 0.0
    baseline: RoutePlan | None = None


def _by_depot(problem: RoutingProblem, options: RoutingOptions) -> bool:
    depots = {v.depot_id for v in problem.vehicles}
    return len(problem.stops) > options.depot_parts_above and len(depots) > 1


def part_limits(limits: SolveLimits, day: RoutingProblem, part: RoutingProblem,
                spent: float, options: RoutingOptions) -> SolveLimits:
    """A depot part's limits within its day, which has spent ``spent`` seconds already.

    Unless ``limits`` has a work limit, the part gets the one its share of the day's time
    limit by stops allows at :data:`PART_SEARCH_RATE` (the share at least
    :data:`MIN_PART_SECONDS`; the work at least 100 and at most the usual ``200 +
    options.work_per_stop`` × stops), and the day's time limit less ``spent`` as the clock
    that only stops a search the machine runs far slower than here: the work limit ends it,
    so the routes are the same on a slower or busier machine. With a work limit given
    (``math.inf``: the clock only) the part's clock is its share of what is left of the day.
    """
    day_seconds = limits.time_limit_seconds
    stops, fraction = max(len(part.stops), 1), len(part.stops) / max(len(day.stops), 1)

    def clamped(seconds: float) -> float:
        return min(day_seconds, max(MIN_PART_SECONDS, seconds))

    if limits.work_limit is not None:
        return replace(limits, time_limit_seconds=clamped((day_seconds - spent) * fraction))
    work = min(200 + options.work_per_stop * stops,
               max(100, int(PART_SEARCH_RATE * clamped(day_seconds * fraction) / stops)))
    return replace(limits, time_limit_seconds=clamped(day_seconds - spent), work_limit=work)


def _depot_units(index: int, problem: RoutingProblem, limits: SolveLimits,
                 options: RoutingOptions, begun: float) -> list[_Unit]:
    """The day's depot parts, ready for the search; the first carries the day's
    nearest-neighbour baseline and the seconds spent on the whole day."""
    baseline = solve_nearest_neighbour(problem)
    parts = depot_parts(problem)
    common = time.time() - begun
    units = []
    for k, part in enumerate(parts):
        began = time.time()
        prepared = prepare_routing(part, part_limits(limits, problem, part, common, options),
                                   options)
        units.append(_Unit(index, part, prepared, time.time() - began, part=True,
                           common=common if k == 0 else 0.0,
                           baseline=baseline if k == 0 else None))
    return units


def _day_result(index: int, problem: RoutingProblem, units: list[_Unit],
                results: list[RoutingSolveResult], options: RoutingOptions
                ) -> RoutingSolveResult:
    """The day's result: its own, or its parts' plans merged and set against the day's
    nearest-neighbour baseline."""
    own = [(u, r) for u, r in zip(units, results, strict=True) if u.day == index]
    if not own[0][0].part:
        return own[0][1]
    baseline = next(u.baseline for u, _ in own if u.baseline is not None)
    plan = merge_plans(problem, [r.plan for _, r in own], POLICY)
    runtime = sum(u.common + r.runtime for u, r in own)
    strategy = " ".join(f"{'+'.join(sorted({v.depot_id for v in u.problem.vehicles}))}:"
                        f"{r.strategy}" for u, r in own)
    clock = any(r.stop_reason.startswith(STOP_TIME) for _, r in own)
    return searched_result(problem, options, plan, baseline, runtime, strategy, clock)


Search = tuple[int, SearchStrategy, float, int | None]
"""One task: the day's index, the member, its seconds and its work limit (OR-Tools
solutions)."""


def _search(task: Search, models: tuple[VrpModel | None, ...]) -> ModelSolution:
    """One portfolio member's search of one day's model (a pure task: run again, the same
    work limit gives the same routes)."""
    index, member, seconds, work = task
    model = models[index]
    assert model is not None
    return run_search(model, member, time.time() + seconds, work)


def _search_units(units: list[_Unit], workers: int,
                  week: list[tuple[dt.date, tuple[Stop, ...]]],
                  progress: DayProgress | None) -> list[RoutingSolveResult]:
    """Every unit's searches as parallel tasks (longest first), then each unit's best member
    decoded.

    A unit's clock counts its own ``setup`` (problem, baseline, model) and its own search,
    not the time its tasks waited for a worker: a search gets the unit's time limit less
    its setup, and the unit's runtime is its setup plus its longest member's search."""
    if not units:
        return []
    prepared = [u.prepared for u in units]
    models = tuple(None if isinstance(day, RoutingSolveResult) else day.model
                   for day in prepared)
    searched = [(index, day) for index, day in enumerate(prepared)
                if not isinstance(day, RoutingSolveResult)]
    large = any(searched_in_parallel(day.model) for _, day in searched)
    tasks: list[Search] = []
    if searched:
        limits = searched[0][1].limits
        members = week_members([day.model for _, day in searched], limits, limits.workers)
        for (index, ready), strategies in zip(searched, members, strict=True):
            seconds = search_deadline(0.0, ready.limits) - units[index].setup
            work = solution_limit(ready.limits)
            tasks.extend((index, member, seconds, work) for member in strategies)
    order = sorted(range(len(tasks)), key=lambda k: (-tasks[k][2], k))
    if progress is not None and week:
        progress(week[0][0], 0, len(week))

    def told(done: int, total: int) -> None:
        if progress is not None and week and done < total:
            k = min(len(week) - 1, done * len(week) // max(total, 1))
            progress(week[k][0], k, len(week))

    ran = map_parts(_search, [tasks[k] for k in order], models, n_jobs=workers,
                    progress=told, min_parallel=2 if large else len(tasks) + 1)
    by_task = dict(zip(order, ran, strict=True))
    found = [by_task[k] for k in range(len(tasks))]
    results: list[RoutingSolveResult] = []
    for index, day in enumerate(prepared):
        if isinstance(day, RoutingSolveResult):
            results.append(day)
            continue
        own = [s for (i, *_rest), s in zip(tasks, found, strict=True) if i == index]
        runtime = units[index].setup + max(s.runtime for s in own)
        results.append(finish_routing(day, best_of(own, runtime)))
    if progress is not None and week:
        progress(week[-1][0], len(week), len(week))
    return results

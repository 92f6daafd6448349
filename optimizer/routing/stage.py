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
from salesflow.optimizer.routing.builder import (
    build_day_problem,
    delivery_stops,
    split_unplaced,
)
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
    PreparedDay,
    RoutingOptions,
    RoutingSolveResult,
    finish_routing,
    prepare_routing,
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
    week = sorted(delivery_stops(dataset, week_start).items())
    if days is not None:
        week = [(day, stops) for day, stops in week if day in set(days)]
    problems, unplaced, setup = [], [], []
    prepared: list[PreparedDay | RoutingSolveResult] = []
    for day, stops in week:
        begun = time.time()
        missing: tuple[Stop, ...] = ()
        if placed_only:
            stops, missing = split_unplaced(stops)
            if missing:
                unplaced.append((day, missing))
        problem = build_day_problem(dataset, day, stops, distances)
        problems.append((problem, missing))
        prepared.append(prepare_routing(problem, limits, options))
        setup.append(time.time() - begun)
    results = _search_days(prepared, setup, limits.workers, week, progress)
    planned = tuple((problem, _with_unplaced(r.plan, missing))
                    for (problem, missing), r in zip(problems, results, strict=True))
    baseline = tuple((problem, _with_unplaced(r.baseline, missing))
                     for (problem, missing), r in zip(problems, results, strict=True))
    return RoutingResult(planned, baseline, tuple(results), tuple(unplaced))


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


def _search_days(prepared: list[PreparedDay | RoutingSolveResult], setup: list[float],
                 workers: int,
                 week: list[tuple[dt.date, tuple[Stop, ...]]],
                 progress: DayProgress | None) -> list[RoutingSolveResult]:
    """Every day's searches as parallel tasks, then each day's best member decoded.

    A day's clock counts its own ``setup`` (problem, baseline, model) and its own search,
    not the time its tasks waited for a worker: a search gets the day's time limit less
    its setup, and the day's runtime is its setup plus its longest member's search."""
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
            seconds = search_deadline(0.0, ready.limits) - setup[index]
            work = solution_limit(ready.limits)
            tasks.extend((index, member, seconds, work) for member in strategies)
    if progress is not None and week:
        progress(week[0][0], 0, len(week))

    def told(done: int, total: int) -> None:
        if progress is not None and week and done < total:
            k = min(len(week) - 1, done * len(week) // max(total, 1))
            progress(week[k][0], k, len(week))

    found = map_parts(_search, tasks, models, n_jobs=workers, progress=told,
                      min_parallel=2 if large else len(tasks) + 1)
    results: list[RoutingSolveResult] = []
    for index, day in enumerate(prepared):
        if isinstance(day, RoutingSolveResult):
            results.append(day)
            continue
        own = [s for (i, *_rest), s in zip(tasks, found, strict=True) if i == index]
        runtime = setup[index] + max(s.runtime for s in own)
        results.append(finish_routing(day, best_of(own, runtime)))
    if progress is not None and week:
        progress(week[-1][0], len(week), len(week))
    return results

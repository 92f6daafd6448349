"""The weekly cycle's routing stage: OR-Tools routes for every delivery day of the week, with
the nearest-neighbour baseline of the same days kept for the KPI comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from salesflow.data.i18n import N_
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.builder import (
    build_day_problem,
    delivery_stops,
    split_unplaced,
)
from salesflow.optimizer.routing.problem import RoutingProblem, Stop
from salesflow.optimizer.routing.solution import RoutePlan, Unserved
from salesflow.optimizer.routing.solver import RoutingOptions, RoutingSolveResult, solve_routing

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
        Told when each day starts.
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
    planned, baseline, solves, unplaced = [], [], [], []
    week = sorted(delivery_stops(dataset, week_start).items())
    if days is not None:
        week = [(day, stops) for day, stops in week if day in set(days)]
    for done, (day, stops) in enumerate(week):
        if progress is not None:
            progress(day, done, len(week))
        missing: tuple[Stop, ...] = ()
        if placed_only:
            stops, missing = split_unplaced(stops)
            if missing:
                unplaced.append((day, missing))
        problem = build_day_problem(dataset, day, stops, distances)
        result = solve_routing(problem, limits, options)
        planned.append((problem, _with_unplaced(result.plan, missing)))
        baseline.append((problem, _with_unplaced(result.baseline, missing)))
        solves.append(result)
    if progress is not None and week:
        progress(week[-1][0], len(week), len(week))
    return RoutingResult(tuple(planned), tuple(baseline), tuple(solves), tuple(unplaced))

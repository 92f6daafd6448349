"""The weekly cycle's routing stage: OR-Tools routes for every delivery day of the week, with
the nearest-neighbour baseline of the same days kept for the KPI comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.builder import build_day_problem, delivery_stops
from salesflow.optimizer.routing.problem import RoutingProblem
from salesflow.optimizer.routing.solution import RoutePlan
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
    """

    days: tuple[tuple[RoutingProblem, RoutePlan], ...]
    baseline: tuple[tuple[RoutingProblem, RoutePlan], ...] = ()
    solves: tuple[RoutingSolveResult, ...] = ()


def routing_stage(dataset: Dataset, week_start: dt.date, limits: SolveLimits, *,
                  options: RoutingOptions | None = None,
                  distances: DistanceSource | None = None,
                  days: tuple[dt.date, ...] | None = None,
                  progress: DayProgress | None = None) -> RoutingResult:
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

    Returns
    -------
    RoutingResult

    Raises
    ------
    ValueError
        If ``week_start`` is not a Monday.
    """
    planned, baseline, solves = [], [], []
    week = sorted(delivery_stops(dataset, week_start).items())
    if days is not None:
        week = [(day, stops) for day, stops in week if day in set(days)]
    for done, (day, stops) in enumerate(week):
        if progress is not None:
            progress(day, done, len(week))
        problem = build_day_problem(dataset, day, stops, distances)
        result = solve_routing(problem, limits, options)
        planned.append((problem, result.plan))
        baseline.append((problem, result.baseline))
        solves.append(result)
    if progress is not None and week:
        progress(week[-1][0], len(week), len(week))
    return RoutingResult(tuple(planned), tuple(baseline), tuple(solves))

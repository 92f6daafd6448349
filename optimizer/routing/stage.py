"""The weekly cycle's routing stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from salesflow.data.dataset import Dataset
from salesflow.optimizer.routing.nearest_neighbour import solve_nearest_neighbour
from salesflow.optimizer.routing.problem import RoutingProblem, build_day_problem, delivery_stops
from salesflow.optimizer.routing.solution import RoutePlan


@dataclass(frozen=True)
class RoutingResult:
    days: tuple[tuple[RoutingProblem, RoutePlan], ...]


def routing_stage(dataset: Dataset, week_start: dt.date) -> RoutingResult:
    """Nearest-neighbour routes for every delivery day of the plan week."""
    days = []
    for day, stops in sorted(delivery_stops(dataset, week_start).items()):
        problem = build_day_problem(dataset, day, stops)
        days.append((problem, solve_nearest_neighbour(problem)))
    return RoutingResult(tuple(days))

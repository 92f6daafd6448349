"""Routing (DESIGN §5, Routing): the delivery routes of each day, by OR-Tools' routing
search, with nearest-neighbour routes as the baseline.

The front doors: :func:`routing_stage` (the weekly cycle's stage), :func:`build_day_problem`
(one day's :class:`RoutingProblem` from a dataset), :func:`solve_routing` (its
:class:`RoutePlan`), :func:`check_route_plan` (an independent check of any plan) and
:func:`route_export` (a plan as export records). Importing this package loads none of its
modules (nor OR-Tools) until one of these names is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.optimizer.routing.builder import build_day_problem, delivery_stops
    from salesflow.optimizer.routing.check import check_route_plan
    from salesflow.optimizer.routing.distances import DistanceModel, haversine_km
    from salesflow.optimizer.routing.exports import route_export
    from salesflow.optimizer.routing.nearest_neighbour import solve_nearest_neighbour
    from salesflow.optimizer.routing.problem import Depot, RoutingProblem, Stop, Vehicle
    from salesflow.optimizer.routing.solution import Route, RoutePlan, Unserved, Visit
    from salesflow.optimizer.routing.solver import RoutingOptions, RoutingSolveResult, solve_routing
    from salesflow.optimizer.routing.stage import RoutingResult, routing_stage
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "build_day_problem": "builder",
        "delivery_stops": "builder",
        "check_route_plan": "check",
        "DistanceModel": "distances",
        "haversine_km": "distances",
        "route_export": "exports",
        "solve_nearest_neighbour": "nearest_neighbour",
        "Depot": "problem",
        "RoutingProblem": "problem",
        "Stop": "problem",
        "Vehicle": "problem",
        "Route": "solution",
        "RoutePlan": "solution",
        "Unserved": "solution",
        "Visit": "solution",
        "RoutingOptions": "solver",
        "RoutingSolveResult": "solver",
        "solve_routing": "solver",
        "RoutingResult": "stage",
        "routing_stage": "stage",
    })

__all__ = [
    "Depot",
    "DistanceModel",
    "Route",
    "RoutePlan",
    "RoutingOptions",
    "RoutingProblem",
    "RoutingResult",
    "RoutingSolveResult",
    "Stop",
    "Unserved",
    "Vehicle",
    "Visit",
    "build_day_problem",
    "check_route_plan",
    "delivery_stops",
    "haversine_km",
    "route_export",
    "routing_stage",
    "solve_nearest_neighbour",
    "solve_routing",
]

"""Route plans as the plain export records of :mod:`salesflow.data.outputs.route_exports`
(no I/O)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow.data.outputs.route_exports import (
    ExportRoute,
    ExportStop,
    ExportUnserved,
    RouteExport,
)
from salesflow.optimizer.routing.solution import clock

if TYPE_CHECKING:
    from salesflow.optimizer.routing.problem import RoutingProblem
    from salesflow.optimizer.routing.solution import Route, RoutePlan


def _route(problem: RoutingProblem, route: Route) -> ExportRoute:
    depot = problem.depot(route.depot_id)
    stops = {s.customer_id: s for s in problem.stops}
    total_kg = sum(stops[v.customer_id].weight_kg for v in route.visits)
    total_m3 = sum(stops[v.customer_id].volume_m3 for v in route.visits)
    rows = [ExportStop(0, "depot_start", depot.depot_id, depot.name, depot.lat, depot.lon, "",
                       clock(route.start), "", total_kg, total_m3, 0.0, 0.0)]
    for seq, visit in enumerate(route.visits, start=1):
        stop = stops[visit.customer_id]
        rows.append(ExportStop(
            seq, "customer", stop.customer_id, stop.name, stop.lat, stop.lon,
            clock(visit.arrival), clock(visit.departure),
            f"{clock(stop.window_start)}-{clock(stop.window_end)}", visit.load_kg_after,
            visit.load_m3_after, visit.leg_km, visit.cumulative_km))
    rows.append(ExportStop(len(route.visits) + 1, "depot_end", depot.depot_id, depot.name,
                           depot.lat, depot.lon, clock(route.end), "", "", 0.0, 0.0,
                           route.return_km, route.km))
    vehicle = problem.vehicle(route.vehicle_id)
    cost = (vehicle.fixed_cost + vehicle.cost_per_km * route.km
            + vehicle.cost_per_hour * (route.end - route.start) / 60.0)
    return ExportRoute(problem.day.isoformat(), route.vehicle_id, route.depot_id, tuple(rows),
                       route.km, cost)


def route_export(plans: list[tuple[RoutingProblem, RoutePlan]],
                 title: str = "salesflow routes") -> RouteExport:
    """The export records of ``(problem, plan)`` pairs, routes in the order given.

    Raises
    ------
    KeyError
        If a plan names a vehicle, depot or customer its problem does not have.
    """
    routes: list[ExportRoute] = []
    unserved: list[ExportUnserved] = []
    for problem, plan in plans:
        routes.extend(_route(problem, route) for route in plan.routes)
        stops = {s.customer_id: s for s in problem.stops}
        for item in plan.unserved:
            stop = stops[item.customer_id]
            unserved.append(ExportUnserved(problem.day.isoformat(), stop.customer_id,
                                           stop.name, stop.lat, stop.lon, item.reason))
    return RouteExport(title, tuple(routes), tuple(unserved))

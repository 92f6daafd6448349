"""Route plans as the plain export records of :mod:`salesflow.data.outputs.route_exports`
(no I/O): every route file (``routes.csv``, GeoJSON, GPX, the map, the run sheets) is made
from these records, so each figure is computed here once."""

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
    from salesflow.optimizer.routing.problem import RoutingProblem, Stop
    from salesflow.optimizer.routing.solution import Route, RoutePlan

WAIT_NOTE_MINUTES = 0.5
"""A vehicle waiting longer than this for a window has the wait noted."""


def _route(problem: RoutingProblem, route: Route) -> ExportRoute:
    depot = problem.depot(route.depot_id)
    stops = {s.customer_id: s for s in problem.stops}
    total_kg = sum(stops[v.customer_id].weight_kg for v in route.visits)
    total_m3 = sum(stops[v.customer_id].volume_m3 for v in route.visits)
    rows = [ExportStop(0, "depot_start", depot.depot_id, depot.name, depot.lat, depot.lon, "",
                       clock(route.start), "", "", total_kg, total_m3, 0.0, 0.0)]
    for seq, visit in enumerate(route.visits, start=1):
        stop = stops[visit.customer_id]
        rows.append(ExportStop(
            seq, "customer", stop.customer_id, stop.name, stop.lat, stop.lon,
            clock(visit.arrival), clock(visit.departure), clock(stop.window_start),
            clock(stop.window_end), visit.load_kg_after, visit.load_m3_after, visit.leg_km,
            visit.cumulative_km, orders=stop.orders, unload_kg=stop.weight_kg,
            unload_m3=stop.volume_m3, service_start=clock(visit.start_service),
            waits=visit.start_service - visit.arrival > WAIT_NOTE_MINUTES))
    rows.append(ExportStop(len(route.visits) + 1, "depot_end", depot.depot_id, depot.name,
                           depot.lat, depot.lon, clock(route.end), "", "", "", 0.0, 0.0,
                           route.return_km, route.km))
    vehicle = problem.vehicle(route.vehicle_id)
    cost = (vehicle.fixed_cost + vehicle.cost_per_km * route.km
            + vehicle.cost_per_hour * (route.end - route.start) / 60.0)
    return ExportRoute(problem.day.isoformat(), route.vehicle_id, route.depot_id, tuple(rows),
                       route.km, cost)


def _unserved(day: str, stop: Stop, reason: str) -> ExportUnserved:
    return ExportUnserved(day, stop.customer_id, stop.name, stop.lat, stop.lon, reason,
                          clock(stop.window_start), clock(stop.window_end), stop.orders,
                          stop.weight_kg, stop.volume_m3)


def route_export(plans: list[tuple[RoutingProblem, RoutePlan]],
                 title: str = "salesflow routes", note: str = "") -> RouteExport:
    """The export records of ``(problem, plan)`` pairs, routes in the order given.

    An unserved stop is looked up among the problem's stops, then among the plan's
    ``unplaced`` ones (customers without coordinates, whose ``lat``/``lon`` stay NaN).

    Raises
    ------
    KeyError
        If a plan names a vehicle, depot or customer its problem does not have.
    """
    routes: list[ExportRoute] = []
    unserved: list[ExportUnserved] = []
    for problem, plan in plans:
        routes.extend(_route(problem, route) for route in plan.routes)
        stops = {s.customer_id: s for s in plan.unplaced}
        stops.update((s.customer_id, s) for s in problem.stops)
        day = problem.day.isoformat()
        unserved.extend(_unserved(day, stops[item.customer_id], item.reason)
                        for item in plan.unserved)
    return RouteExport(title, tuple(routes), tuple(unserved), note)


ROUTE_FILES = ("routes.csv", "routes.geojson", "routes.gpx", "routes.html", "run_sheets.html")
"""Every route file of a plan, by name."""


def route_files(plans: list[tuple[RoutingProblem, RoutePlan]], title: str, *,
                tiles: str = "off", attribution: str = "", note: str = "",
                names: tuple[str, ...] = ROUTE_FILES) -> dict[str, bytes]:
    """The route files ``names`` (default all of :data:`ROUTE_FILES`) of ``plans`` as bytes:
    ``routes.csv`` (:func:`~salesflow.optimizer.routing.solution.routes_frame`), GeoJSON,
    GPX, the map (base map ``tiles``, see :func:`salesflow.data.outputs.route_map.html_bytes`)
    and the run sheets, all from the same export records. ``note`` says why there are no
    routes, when there are none; the human files are in the current language."""
    from salesflow.data.outputs.route_exports import geojson_bytes, gpx_bytes
    from salesflow.data.outputs.route_map import html_bytes
    from salesflow.data.outputs.run_sheet import run_sheets_html
    from salesflow.data.outputs.writers import csv_bytes
    from salesflow.optimizer.routing.solution import routes_frame

    export = route_export(plans, title, note)
    makers = {
        "routes.csv": lambda: csv_bytes(routes_frame(plans)),
        "routes.geojson": lambda: geojson_bytes(export),
        "routes.gpx": lambda: gpx_bytes(export),
        "routes.html": lambda: html_bytes(export, tiles, attribution),
        "run_sheets.html": lambda: run_sheets_html(export),
    }
    return {name: makers[name]() for name in names}

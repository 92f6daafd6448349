"""The nearest-neighbour baseline: the "before" of the routing KPIs.

Vehicles go out one after the other, largest ``capacity_kg`` first (then by id). Each leaves
its depot at ``max(shift_start, depot open)`` and keeps driving to the nearest unvisited stop
(road km from where it is; ties by ``customer_id``) that it can still serve: the goods fit in
what is left of both capacities, it arrives no later than the window end (waiting for the
window start if early), and after the service it can still be back at its depot by
``min(shift_end, depot close)`` and within ``max_route_minutes`` of leaving (when > 0). When no
stop qualifies it drives home. A vehicle that serves nobody is not used. Finally the departure
is delayed by as much of the route's waiting as the windows allow, as a dispatcher would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from salesflow.data.i18n import N_
from salesflow.optimizer.routing.solution import Route, RoutePlan, Unserved, Visit

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesflow.optimizer.routing.problem import RoutingProblem, Vehicle

POLICY = "nearest_neighbour"

REASON_TOO_LARGE = N_("demand above the largest vehicle")
REASON_WINDOW = N_("window unreachable from the depot")
REASON_NO_CAPACITY = N_("no vehicle capacity or time left")

_CAPACITY_EPS = 1e-9
"""Relative slack on capacities so that float sums equal to a capacity still fit."""


class _StopArrays:
    """Column arrays of a problem's stops, for vectorised feasibility tests."""

    def __init__(self, problem: RoutingProblem) -> None:
        stops = problem.stops
        self.kg = np.array([s.weight_kg for s in stops], dtype=np.float64)
        self.m3 = np.array([s.volume_m3 for s in stops], dtype=np.float64)
        self.open = np.array([s.window_start for s in stops], dtype=np.float64)
        self.close = np.array([s.window_end for s in stops], dtype=np.float64)
        self.service = np.array([s.service_minutes for s in stops], dtype=np.float64)
        self.matrix_index = len(problem.depots) + np.arange(len(stops))
        order = sorted(range(len(stops)), key=lambda i: stops[i].customer_id)
        self.id_rank = np.empty(len(stops), dtype=np.int64)
        self.id_rank[order] = np.arange(len(stops))


def vehicle_order(problem: RoutingProblem) -> list[Vehicle]:
    """Vehicles in the order they go out: largest ``capacity_kg`` first, then by id."""
    return sorted(problem.vehicles, key=lambda v: (-v.capacity_kg, v.vehicle_id))


def _build_route(problem: RoutingProblem, vehicle: Vehicle, arrays: _StopArrays,
                 open_stops: NDArray[np.bool_]) -> Route | None:
    """Drive ``vehicle`` nearest-neighbour over ``open_stops`` (updated in place)."""
    depot = problem.depot_index(vehicle.depot_id)
    earliest, latest_return = problem.available(vehicle)
    if latest_return < earliest:
        return None
    km, minutes = problem.km, problem.minutes
    back = minutes[arrays.matrix_index, depot]
    here, now = depot, float(earliest)
    left_kg, left_m3 = vehicle.capacity_kg, vehicle.capacity_m3
    tol_kg, tol_m3 = vehicle.capacity_kg * _CAPACITY_EPS, vehicle.capacity_m3 * _CAPACITY_EPS
    chosen: list[tuple[int, float, float, float]] = []
    while True:
        arrival = now + minutes[here, arrays.matrix_index]
        begin = np.maximum(arrival, arrays.open)
        leave = begin + arrays.service
        feasible = (open_stops
                    & (arrays.kg <= left_kg + tol_kg) & (arrays.m3 <= left_m3 + tol_m3)
                    & (arrival <= arrays.close)
                    & (leave + back <= latest_return))
        candidates = np.flatnonzero(feasible)
        if candidates.size == 0:
            break
        dist = km[here, arrays.matrix_index[candidates]]
        best = candidates[np.lexsort((arrays.id_rank[candidates], dist))[0]]
        chosen.append((int(best), float(arrival[best]), float(begin[best]), float(leave[best])))
        open_stops[best] = False
        left_kg -= arrays.kg[best]
        left_m3 -= arrays.m3[best]
        here, now = int(arrays.matrix_index[best]), float(leave[best])
    if not chosen:
        return None
    chosen, start = _leave_later(problem, depot, arrays, chosen, float(earliest))
    now = chosen[-1][3]

    on_kg = float(sum(arrays.kg[i] for i, *_ in chosen))
    on_m3 = float(sum(arrays.m3[i] for i, *_ in chosen))
    visits = []
    prev, total_km = depot, 0.0
    for i, arrival_i, begin_i, leave_i in chosen:
        node = int(arrays.matrix_index[i])
        leg = float(km[prev, node])
        total_km += leg
        on_kg -= float(arrays.kg[i])
        on_m3 -= float(arrays.m3[i])
        visits.append(Visit(customer_id=problem.stops[i].customer_id, arrival=arrival_i,
                            start_service=begin_i, departure=leave_i,
                            load_kg_after=max(on_kg, 0.0), load_m3_after=max(on_m3, 0.0),
                            leg_km=leg, cumulative_km=total_km))
        prev = node
    total_km += float(km[prev, depot])
    end = now + float(minutes[prev, depot])
    return Route(vehicle_id=vehicle.vehicle_id, depot_id=vehicle.depot_id, start=start,
                 end=end, visits=tuple(visits), km=total_km, minutes=end - float(start))


def _leave_later(problem: RoutingProblem, depot: int, arrays: _StopArrays,
                 chosen: list[tuple[int, float, float, float]], start: float,
                 ) -> tuple[list[tuple[int, float, float, float]], float]:
    """Delay the departure by as much waiting as the windows allow (forward time slack).

    A dispatcher would not send a driver out only to wait at the first customer: the
    departure moves later by ``min(total waiting, slack of every window)``, which shortens
    the route's paid time and leaves its end where it was.
    """
    waited = slack = 0.0
    slack = np.inf
    for i, arrival, begin, _leave in chosen:
        waited += begin - arrival
        slack = min(slack, arrays.close[i] - begin + waited)
    delay = max(0.0, min(waited, slack))
    if delay <= 0.0:
        return chosen, start
    start += delay
    here, now, moved = depot, start, []
    for i, *_ in chosen:
        node = int(arrays.matrix_index[i])
        arrival = now + float(problem.minutes[here, node])
        begin = max(arrival, float(arrays.open[i]))
        leave = begin + float(arrays.service[i])
        moved.append((i, arrival, begin, leave))
        here, now = node, leave
    return moved, start


def unserved_reason(problem: RoutingProblem, position: int) -> str:
    """Why ``stops[position]`` could not be served, by the first check that applies.

    1. ``"demand above the largest vehicle"``: no single vehicle can carry both its weight
       and its volume.
    2. ``"window unreachable from the depot"``: no vehicle that can carry it could drive there
       directly from its depot, start service inside the window and be back within its
       available time (shift, depot hours, ``max_route_minutes``).
    3. ``"no vehicle capacity or time left"`` otherwise.
    """
    stop = problem.stops[position]
    node = problem.stop_index(position)
    able = [v for v in problem.vehicles
            if stop.weight_kg <= v.capacity_kg * (1 + _CAPACITY_EPS)
            and stop.volume_m3 <= v.capacity_m3 * (1 + _CAPACITY_EPS)]
    if not able:
        return REASON_TOO_LARGE
    for vehicle in able:
        depot = problem.depot_index(vehicle.depot_id)
        start, latest_return = problem.available(vehicle)
        arrival = start + problem.minutes[depot, node]
        leave = max(arrival, stop.window_start) + stop.service_minutes
        if arrival <= stop.window_end and leave + problem.minutes[node, depot] <= latest_return:
            return REASON_NO_CAPACITY
    return REASON_WINDOW


def solve_nearest_neighbour(problem: RoutingProblem) -> RoutePlan:
    """Route the day with the nearest-neighbour rule (see the module docstring).

    Parameters
    ----------
    problem:
        The day to route.

    Returns
    -------
    RoutePlan
        Routes sorted by vehicle id, unserved stops sorted by customer id, each with the
        reason from :func:`unserved_reason`; policy ``"nearest_neighbour"``. The same problem
        always gives the same plan.
    """
    arrays = _StopArrays(problem)
    open_stops = np.ones(len(problem.stops), dtype=bool)
    routes = []
    for vehicle in vehicle_order(problem):
        if not open_stops.any():
            break
        route = _build_route(problem, vehicle, arrays, open_stops)
        if route is not None:
            routes.append(route)
    unserved = [Unserved(problem.stops[i].customer_id, unserved_reason(problem, int(i)))
                for i in np.flatnonzero(open_stops)]
    return RoutePlan(day=problem.day,
                     routes=tuple(sorted(routes, key=lambda r: r.vehicle_id)),
                     unserved=tuple(sorted(unserved, key=lambda u: u.customer_id)),
                     policy=POLICY)

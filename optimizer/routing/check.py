"""An independent feasibility checker of route plans: the specification of a valid plan.

It re-derives everything from the problem (matrices, windows, capacities, rates) and the
sequence of customers of each route, never from a solver's internals, and compares with what
the plan reports. Any solver's plan (baseline or OR-Tools) must pass it.

Rules
-----
* every stop is visited at most once, and is either visited or listed unserved, exactly once;
  nothing else is visited or listed;
* a route uses a known vehicle, from its depot, at most one route per vehicle;
* the goods of a route fit in both capacities of its vehicle, and the loads reported after
  each visit are the route's goods still on board;
* arrivals recomputed from the matrix, waiting for a window start when early, give a service
  start inside every window; the reported times are possible (not earlier than the
  recomputed ones) and consistent (service start within the window and after the arrival,
  departure after the service);
* the route leaves no earlier than ``max(shift_start, depot open)``, is back no later than
  ``min(shift_end, depot close)``, lasts at most ``max_route_minutes`` (when > 0), and
  ``minutes == end - start``;
* leg km, cumulative km and route km equal the matrix's;
* the plan's :meth:`~salesflow.optimizer.routing.solution.RoutePlan.cost_breakdown` equals the
  cost recomputed from the vehicles' rates, matrix km and route times.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesflow.optimizer.routing.problem import RoutingProblem, Stop, Vehicle
    from salesflow.optimizer.routing.solution import Route, RoutePlan

TIME_TOL = 1e-6
"""Minutes."""
KM_TOL = 1e-6
"""Relative (and absolute, for small values) tolerance on km and cost."""
LOAD_TOL = 1e-6
"""Relative (and absolute) tolerance on loads and capacities."""


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _within(value: float, limit: float, tol: float) -> bool:
    """``value <= limit`` up to a relative tolerance."""
    return value <= limit + tol * max(1.0, abs(limit))


def _check_coverage(problem: RoutingProblem, plan: RoutePlan) -> list[str]:
    known = {s.customer_id for s in problem.stops}
    visited = Counter(v.customer_id for r in plan.routes for v in r.visits)
    listed = Counter(u.customer_id for u in plan.unserved)
    out = []
    for cid in sorted(set(visited) - known):
        out.append(f"customer {cid} is visited but is not a stop of the day")
    for cid in sorted(set(listed) - known):
        out.append(f"customer {cid} is listed unserved but is not a stop of the day")
    for cid in sorted(known):
        seen, left = visited.get(cid, 0), listed.get(cid, 0)
        if seen > 1:
            vehicles = sorted(r.vehicle_id for r in plan.routes for v in r.visits
                              if v.customer_id == cid)
            out.append(f"stop {cid} is served more than once ({seen} visits: "
                       f"{', '.join(vehicles)})")
        if left > 1:
            out.append(f"stop {cid} is listed unserved more than once ({left} times)")
        if seen and left:
            out.append(f"stop {cid} is both served and listed unserved")
        if not seen and not left:
            out.append(f"stop {cid} is neither served nor listed unserved")
    for item in plan.unserved:
        if not item.reason.strip():
            out.append(f"unserved stop {item.customer_id} has no reason")
    return out


def _check_loads(route: Route, vehicle: Vehicle, stops: list[Stop]) -> list[str]:
    out = []
    name = f"route of {route.vehicle_id}"
    total_kg = sum(s.weight_kg for s in stops)
    total_m3 = sum(s.volume_m3 for s in stops)
    if not _within(total_kg, vehicle.capacity_kg, LOAD_TOL):
        out.append(f"{name} is over weight capacity: {total_kg:.3f} kg > "
                   f"{vehicle.capacity_kg:.3f} kg")
    if not _within(total_m3, vehicle.capacity_m3, LOAD_TOL):
        out.append(f"{name} is over volume capacity: {total_m3:.3f} m3 > "
                   f"{vehicle.capacity_m3:.3f} m3")
    on_kg, on_m3 = total_kg, total_m3
    for visit, stop in zip(route.visits, stops, strict=True):
        on_kg -= stop.weight_kg
        on_m3 -= stop.volume_m3
        if not (_close(visit.load_kg_after, on_kg, LOAD_TOL)
                and _close(visit.load_m3_after, on_m3, LOAD_TOL)):
            out.append(f"{name}: load after {visit.customer_id} is reported as "
                       f"{visit.load_kg_after:.3f} kg / {visit.load_m3_after:.3f} m3, "
                       f"should be {on_kg:.3f} kg / {on_m3:.3f} m3")
    return out


def _check_times(problem: RoutingProblem, route: Route, vehicle: Vehicle,
                 stops: list[Stop], nodes: list[int]) -> list[str]:
    out = []
    name = f"route of {route.vehicle_id}"
    depot = problem.depot(vehicle.depot_id)
    depot_node = problem.depot_index(vehicle.depot_id)
    earliest = max(vehicle.shift_start, depot.open)
    latest = min(vehicle.shift_end, depot.close)
    if route.start < earliest - TIME_TOL:
        out.append(f"{name} leaves at {route.start:.2f}, before its shift start / depot "
                   f"opening ({earliest})")
    if route.end > latest + TIME_TOL:
        out.append(f"{name} returns at {route.end:.2f}, after its shift end / depot "
                   f"closing ({latest})")
    if not _close(route.minutes, route.end - route.start, TIME_TOL):
        out.append(f"{name} reports {route.minutes:.2f} minutes, but end - start is "
                   f"{route.end - route.start:.2f}")
    if problem.max_route_minutes > 0 and \
            route.end - route.start > problem.max_route_minutes + TIME_TOL:
        out.append(f"{name} lasts {route.end - route.start:.2f} minutes, longer than "
                   f"max_route_minutes ({problem.max_route_minutes})")

    # Earliest schedule from the matrix, and the reported one checked against it.
    prev, earliest_now, reported_now = depot_node, float(route.start), float(route.start)
    for visit, stop, node in zip(route.visits, stops, nodes, strict=True):
        drive = float(problem.minutes[prev, node])
        arrival = earliest_now + drive
        begin = max(arrival, stop.window_start)
        if begin > stop.window_end + TIME_TOL:
            out.append(f"{name} arrives at {visit.customer_id} at {arrival:.2f}, after its "
                       f"window [{stop.window_start}, {stop.window_end}] (late)")
        earliest_now = begin + stop.service_minutes
        cid = visit.customer_id
        if visit.arrival < reported_now + drive - TIME_TOL:
            out.append(f"{name} reports arrival at {cid} at {visit.arrival:.2f}, earlier than "
                       f"possible ({reported_now + drive:.2f})")
        if visit.start_service < max(visit.arrival, stop.window_start) - TIME_TOL:
            out.append(f"{name} starts service at {cid} at {visit.start_service:.2f}, before "
                       f"the arrival or its window start ({stop.window_start})")
        if visit.start_service > stop.window_end + TIME_TOL:
            out.append(f"{name} starts service at {cid} at {visit.start_service:.2f}, after "
                       f"its window end ({stop.window_end}) (late)")
        if visit.departure < visit.start_service + stop.service_minutes - TIME_TOL:
            out.append(f"{name} leaves {cid} at {visit.departure:.2f}, before the service of "
                       f"{stop.service_minutes:g} minutes is done")
        reported_now = max(reported_now + drive, visit.departure)
        prev = node
    back = float(problem.minutes[prev, depot_node])
    if route.end < reported_now + back - TIME_TOL:
        out.append(f"{name} reports its return at {route.end:.2f}, earlier than possible "
                   f"({reported_now + back:.2f})")
    if earliest_now + back > latest + TIME_TOL:
        out.append(f"{name} cannot be back at its depot before {latest} (earliest "
                   f"{earliest_now + back:.2f})")
    return out


def _check_km(problem: RoutingProblem, route: Route, nodes: list[int],
              depot_node: int) -> tuple[list[str], float]:
    out = []
    name = f"route of {route.vehicle_id}"
    prev, total = depot_node, 0.0
    for visit, node in zip(route.visits, nodes, strict=True):
        leg = float(problem.km[prev, node])
        total += leg
        if not _close(visit.leg_km, leg, KM_TOL) or not _close(visit.cumulative_km, total,
                                                                KM_TOL):
            out.append(f"{name}: km to {visit.customer_id} reported as {visit.leg_km:.3f} "
                       f"(cumulative {visit.cumulative_km:.3f}), matrix gives {leg:.3f} "
                       f"(cumulative {total:.3f})")
        prev = node
    total += float(problem.km[prev, depot_node])
    if not _close(route.km, total, KM_TOL):
        out.append(f"{name} reports {route.km:.3f} km, the matrix gives {total:.3f} km")
    return out, total


def check_route_plan(problem: RoutingProblem, plan: RoutePlan) -> list[str]:
    """Every rule a route plan of ``problem`` breaks (see the module docstring).

    Parameters
    ----------
    problem:
        The day's problem.
    plan:
        A plan for it, from any solver.

    Returns
    -------
    list of str
        One message per violation, naming the vehicle or stop; empty when the plan is
        feasible and its reported figures are right.
    """
    out: list[str] = []
    if plan.day != problem.day:
        out.append(f"plan is for {plan.day}, the problem for {problem.day}")
    out.extend(_check_coverage(problem, plan))

    vehicles = {v.vehicle_id: v for v in problem.vehicles}
    by_id = {s.customer_id: (i, s) for i, s in enumerate(problem.stops)}
    uses = Counter(r.vehicle_id for r in plan.routes)
    for vid, count in sorted(uses.items()):
        if count > 1:
            out.append(f"vehicle {vid} has {count} routes")

    fixed = distance = time = 0.0
    for route in plan.routes:
        vehicle = vehicles.get(route.vehicle_id)
        if vehicle is None:
            out.append(f"route uses unknown vehicle {route.vehicle_id}")
            continue
        if route.depot_id != vehicle.depot_id:
            out.append(f"route of {route.vehicle_id} starts at depot {route.depot_id}, the "
                       f"vehicle is based at {vehicle.depot_id}")
        if any(v.customer_id not in by_id for v in route.visits):
            # Reported by the coverage check; nothing to recompute km against.
            fixed += vehicle.fixed_cost
            distance += vehicle.cost_per_km * route.km
            time += vehicle.cost_per_hour * (route.end - route.start) / 60.0
            continue
        positions = [by_id[v.customer_id][0] for v in route.visits]
        stops = [problem.stops[i] for i in positions]
        nodes = [problem.stop_index(i) for i in positions]
        depot_node = problem.depot_index(vehicle.depot_id)
        out.extend(_check_loads(route, vehicle, stops))
        out.extend(_check_times(problem, route, vehicle, stops, nodes))
        km_problems, km = _check_km(problem, route, nodes, depot_node)
        out.extend(km_problems)
        fixed += vehicle.fixed_cost
        distance += vehicle.cost_per_km * km
        time += vehicle.cost_per_hour * (route.end - route.start) / 60.0

    if all(r.vehicle_id in vehicles for r in plan.routes):
        reported = plan.cost_breakdown(problem)
        expected = {"fixed": fixed, "distance": distance, "time": time,
                    "total": fixed + distance + time}
        for key, value in expected.items():
            if not _close(float(reported.get(key, float("nan"))), value, KM_TOL):
                out.append(f"cost {key} is reported as {reported.get(key)}, recomputed "
                           f"{value:.4f}")
    return out

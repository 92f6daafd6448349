"""Route a large delivery day per depot (issue 19).

One OR-Tools model of a whole day of about 2,000 stops over five depots holds one arc-cost
matrix per ``cost_per_km`` rate (17 on ``xlarge``: half a GiB a day, copied to every worker)
and its search hardly moves in a minute. A day of more than
:attr:`~salesflow.optimizer.routing.solver.RoutingOptions.depot_parts_above` stops is cut
into independent parts instead:

1. every stop is assigned to one depot (:func:`assign_depots`): the depot of the shortest
   round trip among those with a vehicle that could serve the stop on a route of its own,
   the stops with the least to lose from a second choice placed last, and a depot takes no
   more weight or volume than :data:`PART_FILL` of its own fleet's capacity while another
   candidate has room;
2. each depot's part is that depot, its vehicles and its stops (:func:`depot_parts`), routed
   on its own;
3. the stops the parts left unserved for want of capacity or time, if any, go to one more
   part (:func:`leftover_part`): every depot, with the vehicles no part used.

The parts' routes together are a plan of the whole day (:func:`merge_plans`): every vehicle
in at most one part, every stop in one part, each part's matrices cut from the day's, so a
route costs and takes the same in its part and in the day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from salesflow.optimizer.routing.nearest_neighbour import REASON_NO_CAPACITY
from salesflow.optimizer.routing.problem import RoutingProblem
from salesflow.optimizer.routing.solution import RoutePlan, Unserved
from salesflow.optimizer.routing.solver import serves_alone, stop_reason

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from salesflow.optimizer.routing.problem import Vehicle

PART_FILL = 0.85
"""Share of a depot's fleet capacity (weight and volume) its part is filled to while a
farther candidate depot has room: packing loads into vehicles and the vehicles' hours leave
some of it unused."""


def _carries(vehicle: Vehicle, weight_kg: float, volume_m3: float) -> bool:
    return (weight_kg <= vehicle.capacity_kg * (1 + 1e-9)
            and volume_m3 <= vehicle.capacity_m3 * (1 + 1e-9))


def _candidates(problem: RoutingProblem, fleets: list[list[Vehicle]]) -> NDArray[np.bool_]:
    """``(depots with vehicles, stops)``: whether the depot has a vehicle that could serve
    the stop on a route of its own; for a stop no depot can serve that way, the depots with
    a vehicle that can carry it, and for a stop none can carry, every depot (so that the
    stop's reason in its part is the reason it has in the day)."""
    kinds = [sorted({(v.capacity_kg, v.capacity_m3, v.shift_start, v.shift_end): v
                     for v in fleet}.values(), key=lambda v: v.vehicle_id)
             for fleet in fleets]
    alone = np.zeros((len(fleets), len(problem.stops)), dtype=bool)
    carry = np.zeros_like(alone)
    for p, stop in enumerate(problem.stops):
        node = problem.stop_index(p)
        for d, vehicles in enumerate(kinds):
            able = [v for v in vehicles if _carries(v, stop.weight_kg, stop.volume_m3)]
            carry[d, p] = bool(able)
            alone[d, p] = any(serves_alone(problem, v, stop, node) for v in able)
    chosen = np.where(alone.any(axis=0), alone, carry)
    chosen[:, ~chosen.any(axis=0)] = True
    return chosen


def _fleets(problem: RoutingProblem) -> tuple[list[str], list[list[Vehicle]]]:
    """The depots that have vehicles (in ``problem.depots`` order) and their vehicles."""
    depots = [d.depot_id for d in problem.depots
              if any(v.depot_id == d.depot_id for v in problem.vehicles)]
    return depots, [[v for v in problem.vehicles if v.depot_id == d] for d in depots]


def assign_depots(problem: RoutingProblem) -> dict[str, list[int]]:
    """The stop positions each depot with vehicles routes (see the module docstring).

    A stop goes to the candidate depot of the shortest round trip (road km out and back)
    that still has room: its part's weight and volume stay within :data:`PART_FILL` of the
    depot's fleet. Stops are placed in order of regret (how much longer the round trip from
    their second candidate is), so that a stop with one good depot is placed before one
    that could go anywhere; a stop no candidate has room for goes to its nearest candidate.
    Deterministic: ties go to the lower stop position and the depot listed first.

    Returns
    -------
    dict[str, list[int]]
        Depot id to the ascending positions of its stops (every depot with vehicles, some
        lists possibly empty).
    """
    depots, fleets = _fleets(problem)
    rows = np.array([problem.depot_index(d) for d in depots], dtype=np.int64)
    columns = len(problem.depots) + np.arange(len(problem.stops))
    trip = problem.km[np.ix_(rows, columns)] + problem.km[np.ix_(columns, rows)].T
    cost = np.where(_candidates(problem, fleets), trip, np.inf)
    ranked = np.sort(cost, axis=0)
    second = ranked[1] if len(depots) > 1 else np.full(len(problem.stops), np.inf)
    regret = np.where(np.isfinite(second), second - ranked[0], np.inf)
    order = sorted(range(len(problem.stops)), key=lambda p: (-regret[p], p))
    room = np.array([[PART_FILL * sum(v.capacity_kg for v in fleet),
                      PART_FILL * sum(v.capacity_m3 for v in fleet)] for fleet in fleets])
    parts: dict[str, list[int]] = {d: [] for d in depots}
    for p in order:
        stop = problem.stops[p]
        need = np.array([stop.weight_kg, stop.volume_m3])
        choices = [int(d) for d in np.argsort(cost[:, p], kind="stable")
                   if np.isfinite(cost[d, p])]
        fits = [d for d in choices if np.all(need <= room[d] + 1e-9)]
        depot = fits[0] if fits else choices[0]
        room[depot] -= need
        parts[depots[depot]].append(p)
    return {d: sorted(positions) for d, positions in parts.items()}


def sub_problem(problem: RoutingProblem, depot_ids: Sequence[str],
                vehicles: Sequence[Vehicle], positions: Sequence[int]) -> RoutingProblem:
    """The day's problem cut to these depots, vehicles and stop positions (in that order),
    its matrices the rows and columns of those locations in the day's."""
    index = ([problem.depot_index(d) for d in depot_ids]
             + [problem.stop_index(p) for p in positions])
    cut = np.ix_(index, index)
    return RoutingProblem(day=problem.day,
                          depots=tuple(problem.depot(d) for d in depot_ids),
                          vehicles=tuple(vehicles),
                          stops=tuple(problem.stops[p] for p in positions),
                          km=problem.km[cut], minutes=problem.minutes[cut],
                          max_route_minutes=problem.max_route_minutes)


def depot_parts(problem: RoutingProblem) -> tuple[RoutingProblem, ...]:
    """One problem per depot that has vehicles and stops assigned (:func:`assign_depots`):
    the depot, its vehicles, its stops; in ``problem.depots`` order."""
    depots, fleets = _fleets(problem)
    assigned = assign_depots(problem)
    return tuple(sub_problem(problem, [depot], fleet, assigned[depot])
                 for depot, fleet in zip(depots, fleets, strict=True) if assigned[depot])


def leftover_part(problem: RoutingProblem, plans: Sequence[RoutePlan]
                  ) -> RoutingProblem | None:
    """The stops the ``plans`` of the depot parts left unserved although some vehicle of the
    day could carry and reach them (reason "no capacity or time left" in the whole day),
    with every depot and the vehicles no plan used; ``None`` when there are no such stops or
    no unused vehicles."""
    used = {route.vehicle_id for plan in plans for route in plan.routes}
    idle = [v for v in problem.vehicles if v.vehicle_id not in used]
    open_ids = {u.customer_id for plan in plans for u in plan.unserved}
    positions = [p for p, s in enumerate(problem.stops) if s.customer_id in open_ids
                 and stop_reason(problem, p) == REASON_NO_CAPACITY]
    if not idle or not positions:
        return None
    depots = [d.depot_id for d in problem.depots if any(v.depot_id == d.depot_id for v in idle)]
    return sub_problem(problem, depots, idle, positions)


def merge_plans(problem: RoutingProblem, plans: Sequence[RoutePlan], policy: str) -> RoutePlan:
    """One plan of the day from the plans of its parts: their routes by vehicle id, and every
    stop no route visits unserved with its reason in the whole day.

    Raises
    ------
    ValueError
        If two plans use the same vehicle or visit the same stop.
    """
    routes = sorted((r for plan in plans for r in plan.routes), key=lambda r: r.vehicle_id)
    vehicles = [r.vehicle_id for r in routes]
    visited = [v.customer_id for r in routes for v in r.visits]
    if len(set(vehicles)) != len(vehicles) or len(set(visited)) != len(visited):
        raise ValueError("the parts of a day must not share vehicles or stops")
    served = set(visited)
    unserved = [Unserved(s.customer_id, stop_reason(problem, p))
                for p, s in enumerate(problem.stops) if s.customer_id not in served]
    return RoutePlan(day=problem.day, routes=tuple(routes),
                     unserved=tuple(sorted(unserved, key=lambda u: u.customer_id)),
                     policy=policy)

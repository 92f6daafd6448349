"""Route one delivery day with OR-Tools: :func:`solve_routing` (DESIGN §5, Routing).

The day's :class:`~salesflow.optimizer.routing.problem.RoutingProblem` becomes an integer
:class:`~salesflow.optimizer.routing.vrp_model.VrpModel`:

* nodes are the depots that have vehicles, then the stops some vehicle could serve on a route
  of its own (a stop too heavy for every vehicle, or whose window no vehicle can reach from
  its depot and still get back in time, is left unserved at once with that reason);
* a vehicle leaves no earlier than its shift start and the depot opening, is back by its
  shift end and the depot closing, and ``max_route_minutes`` limits the time from its actual
  departure to its return (the baseline counts it from the earliest departure instead);
* times in whole seconds, every drive and service time rounded **up**, so a schedule that is
  feasible for the model is feasible in real (fractional) minutes;
* weight in grams and volume in cm³, demands rounded up and capacities down;
* cost in micro-units of money: per vehicle ``cost_per_km`` × road km on every arc,
  ``cost_per_hour`` on the time from departure to return, ``fixed_cost`` when used; leaving a
  stop unserved costs :attr:`RoutingOptions.unserved_penalty` per stop.

The routes found are re-timed in real minutes: leave the depot when the search says, wait
for windows, then delay the departure by the waiting the windows allow (as the baseline
does). The nearest-neighbour plan is computed too; if it served more stops or cost less the
OR-Tools plan would be worse than the "before", so that plan is kept and the result says so.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.result import (
    STOP_PROOF,
    STOP_TIME,
    STOP_WORK,
    SolveStatus,
    relative_gap,
)
from salesflow.optimizer.routing.nearest_neighbour import (
    REASON_NO_CAPACITY,
    REASON_TOO_LARGE,
    REASON_WINDOW,
    solve_nearest_neighbour,
)
from salesflow.optimizer.routing.portfolio import ProgressCallback, solve_model
from salesflow.optimizer.routing.solution import Route, RoutePlan, Unserved, Visit
from salesflow.optimizer.routing.vrp_model import ModelSolution, ModelVehicle, VrpModel

if TYPE_CHECKING:
    from salesflow.optimizer.routing.problem import RoutingProblem, Stop, Vehicle

POLICY = "ortools"
FALLBACK_POLICY = "nearest_neighbour (kept: the OR-Tools plan was not better)"

MONEY_SCALE = 1_000_000
"""Model cost units per unit of money."""
SECONDS = 60
"""Model time units per minute."""
GRAMS, CM3 = 1000, 1_000_000
"""Model load units per kg and per m³."""


@dataclass(frozen=True)
class RoutingOptions:
    """Business settings of the day's model.

    Attributes
    ----------
    unserved_penalty:
        Cost of leaving one stop unserved (money). The default is far above any route cost,
        so stops are only left when no vehicle has capacity or time for them.
    work_per_stop:
        Work limit of each search in OR-Tools solutions per stop (plus a base of 200):
        small days end on this deterministic limit long before the time limit.
    depot_parts_above:
        The weekly stage routes a day of more stops than this, with more than one depot that
        has vehicles, per depot (:mod:`~salesflow.optimizer.routing.depot_parts`): one model
        of a few hundred stops per depot instead of one of thousands.

    Raises
    ------
    ValueError
        If a value is negative.
    """

    unserved_penalty: float = 100_000.0
    work_per_stop: int = 40
    depot_parts_above: int = 100

    def __post_init__(self) -> None:
        if (not self.unserved_penalty >= 0 or self.work_per_stop < 1
                or self.depot_parts_above < 0):
            raise ValueError("unserved_penalty and depot_parts_above must be >= 0 and "
                             "work_per_stop >= 1")


@dataclass(frozen=True)
class RoutingSolveResult:
    """The outcome of :func:`solve_routing`.

    Attributes
    ----------
    plan:
        The chosen plan (feasible under the independent checker).
    baseline:
        The nearest-neighbour plan of the same problem.
    status:
        ``optimal`` for a day with nothing to route, else ``feasible`` (the search ran to its
        work or time limit; the nearest-neighbour plan means there is always a plan).
    objective:
        Cost of ``plan`` (money): fixed + distance + time + unserved stops × penalty.
    runtime:
        Seconds.
    strategy:
        The portfolio member whose routes were used, or ``"baseline"``.
    bound:
        A lower bound on ``objective``: the objective itself for a day with nothing to route,
        else ``None``: the local search proves no bound, and an LP-free bound that holds for
        heterogeneous vehicles, windows and shifts is not computed.
    stop_reason:
        ``proof`` (nothing to route), ``work limit`` (the OR-Tools solution limit of each
        member ended the search: repeatable) or ``time limit`` (the clock did), each with
        "no bound" for a routed day.

    The common fields are those of :class:`~salesflow.optimizer.result.SolveOutcome`.
    """

    plan: RoutePlan
    baseline: RoutePlan
    status: SolveStatus
    objective: float | None
    runtime: float
    strategy: str
    bound: float | None = None
    stop_reason: str = STOP_PROOF

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


def _working_time(problem: RoutingProblem, vehicle: Vehicle) -> tuple[int, int]:
    """Earliest departure and latest return: shift and depot hours (``max_route_minutes``
    limits the duration separately, counted from the actual departure)."""
    depot = problem.depot(vehicle.depot_id)
    return max(vehicle.shift_start, depot.open), min(vehicle.shift_end, depot.close)


def serves_alone(problem: RoutingProblem, vehicle: Vehicle, stop: Stop, node: int) -> bool:
    """Whether ``vehicle`` could reach ``stop`` (matrix index ``node``) in its window and be
    back in time on a route of its own, leaving as late as useful (its load is not checked)."""
    start, end = _working_time(problem, vehicle)
    depot = problem.depot_index(vehicle.depot_id)
    out, back = float(problem.minutes[depot, node]), float(problem.minutes[node, depot])
    depart = max(float(start), stop.window_start - out)
    arrive = depart + out
    home = max(arrive, stop.window_start) + stop.service_minutes + back
    if arrive > stop.window_end or home > end:
        return False
    return problem.max_route_minutes <= 0 or home - depart <= problem.max_route_minutes


def stop_reason(problem: RoutingProblem, position: int) -> str:
    """Why ``stops[position]`` would be unserved: too large for every vehicle, its window
    unreachable by every vehicle that can carry it (even on a route of its own), else no
    capacity or time left.
    """
    stop = problem.stops[position]
    able = [v for v in problem.vehicles
            if stop.weight_kg <= v.capacity_kg * (1 + 1e-9)
            and stop.volume_m3 <= v.capacity_m3 * (1 + 1e-9)]
    if not able:
        return REASON_TOO_LARGE
    node = problem.stop_index(position)
    if any(serves_alone(problem, v, stop, node) for v in able):
        return REASON_NO_CAPACITY
    return REASON_WINDOW


def _ceil(value: float, scale: int) -> int:
    return math.ceil(value * scale - 1e-9)


def _floor(value: float, scale: int) -> int:
    return math.floor(value * scale + 1e-9)


@dataclass(frozen=True)
class _Mapping:
    """Model node -> problem matrix index, and which problem stops are in the model."""

    nodes: tuple[int, ...]
    stop_positions: dict[int, int]
    depot_nodes: dict[str, int]


def build_model(problem: RoutingProblem, options: RoutingOptions,
                positions: list[int]) -> tuple[VrpModel, _Mapping]:
    """The integer model of ``problem`` restricted to the stops at ``positions``."""
    used = sorted({v.depot_id for v in problem.vehicles},
                  key=lambda d: problem.depot_index(d))
    depot_nodes = {d: k for k, d in enumerate(used)}
    nodes = [problem.depot_index(d) for d in used] + [problem.stop_index(p) for p in positions]
    stop_positions = {len(used) + k: p for k, p in enumerate(positions)}
    index = np.array(nodes, dtype=np.int64)
    minutes = problem.minutes[np.ix_(index, index)]
    km = problem.km[np.ix_(index, index)]
    n = len(nodes)
    service = np.zeros(n)
    opens = np.zeros(n, dtype=np.int64)
    closes = np.zeros(n, dtype=np.int64)
    demands = np.zeros((n, 2), dtype=np.int64)
    for node, position in stop_positions.items():
        stop = problem.stops[position]
        service[node] = stop.service_minutes
        opens[node] = stop.window_start * SECONDS
        closes[node] = stop.window_end * SECONDS
        demands[node] = (_ceil(stop.weight_kg, GRAMS), _ceil(stop.volume_m3, CM3))
    transit = np.ceil(minutes * SECONDS - 1e-9).astype(np.int64)
    transit += np.array([_ceil(s, SECONDS) for s in service], dtype=np.int64)[:, None]
    np.fill_diagonal(transit, 0)

    rates = sorted({v.cost_per_km for v in problem.vehicles})
    arc_costs = np.stack([np.rint(km * rate * MONEY_SCALE).astype(np.int64) for rate in rates])
    vehicles = []
    for vehicle in problem.vehicles:
        start, end = _working_time(problem, vehicle)
        depot = depot_nodes[vehicle.depot_id]
        vehicles.append(ModelVehicle(
            start_node=depot, end_node=depot, earliest_start=start * SECONDS,
            latest_end=max(end, start) * SECONDS,
            capacities=(_floor(vehicle.capacity_kg, GRAMS), _floor(vehicle.capacity_m3, CM3)),
            fixed_cost=round(vehicle.fixed_cost * MONEY_SCALE),
            cost_class=rates.index(vehicle.cost_per_km),
            cost_per_time=round(vehicle.cost_per_hour / 3600.0 * MONEY_SCALE),
            max_duration=(problem.max_route_minutes * SECONDS
                          if problem.max_route_minutes > 0 else None)))
    penalty = np.zeros(n, dtype=np.int64)
    penalty[len(used):] = round(options.unserved_penalty * MONEY_SCALE)
    horizon = max(int(closes.max(initial=0)), max(v.latest_end for v in vehicles), 1)
    model = VrpModel(arc_costs=arc_costs, transit=transit, window_open=opens,
                     window_close=closes, demands=demands, vehicles=tuple(vehicles),
                     drop_penalty=penalty, horizon=horizon)
    return model, _Mapping(tuple(nodes), stop_positions, depot_nodes)


def timed_route(problem: RoutingProblem, vehicle: Vehicle, positions: list[int],
                departure: float) -> Route:
    """The route of ``vehicle`` through the stops at ``positions``, in real minutes.

    Leaves at ``departure`` (not before the vehicle is available), waits for windows, then
    moves the departure later by as much waiting as every window allows.
    """
    earliest, _ = _working_time(problem, vehicle)
    depot = problem.depot_index(vehicle.depot_id)
    nodes = [problem.stop_index(p) for p in positions]
    stops = [problem.stops[p] for p in positions]

    def forward(start: float) -> list[tuple[float, float, float]]:
        here, now, out = depot, start, []
        for node, stop in zip(nodes, stops, strict=True):
            arrival = now + float(problem.minutes[here, node])
            begin = max(arrival, float(stop.window_start))
            out.append((arrival, begin, begin + stop.service_minutes))
            here, now = node, begin + stop.service_minutes
        return out

    start = max(float(departure), float(earliest))
    times = forward(start)
    waited, slack = 0.0, math.inf
    for (arrival, begin, _), stop in zip(times, stops, strict=True):
        waited += begin - arrival
        slack = min(slack, stop.window_end - begin + waited)
    delay = max(0.0, min(waited, slack))
    if delay > 0.0:
        start += delay
        times = forward(start)
    on_kg = sum(s.weight_kg for s in stops)
    on_m3 = sum(s.volume_m3 for s in stops)
    visits, prev, total = [], depot, 0.0
    for (arrival, begin, leave), stop, node in zip(times, stops, nodes, strict=True):
        leg = float(problem.km[prev, node])
        total += leg
        on_kg -= stop.weight_kg
        on_m3 -= stop.volume_m3
        visits.append(Visit(customer_id=stop.customer_id, arrival=arrival, start_service=begin,
                            departure=leave, load_kg_after=max(on_kg, 0.0),
                            load_m3_after=max(on_m3, 0.0), leg_km=leg, cumulative_km=total))
        prev = node
    total += float(problem.km[prev, depot])
    end = (times[-1][2] if times else start) + float(problem.minutes[prev, depot])
    return Route(vehicle_id=vehicle.vehicle_id, depot_id=vehicle.depot_id, start=start,
                 end=end, visits=tuple(visits), km=total, minutes=end - start)


def plan_objective(problem: RoutingProblem, plan: RoutePlan, options: RoutingOptions) -> float:
    """Route cost of ``plan`` plus the unserved penalty of each stop it leaves."""
    return plan.cost_breakdown(problem)["total"] + options.unserved_penalty * len(plan.unserved)


@dataclass(frozen=True)
class PreparedDay:
    """A day ready for the search: what :func:`solve_routing` computes before the portfolio
    runs (the baseline, each stop's reason, the integer model) and after which it only
    decodes (:func:`finish_routing`). The weekly stage searches several days' models at once
    as Dask tasks between the two."""

    problem: RoutingProblem
    limits: SolveLimits
    options: RoutingOptions
    baseline: RoutePlan
    reasons: dict[int, str]
    model: VrpModel
    mapping: _Mapping
    started: float


def prepare_routing(problem: RoutingProblem, limits: SolveLimits,
                    options: RoutingOptions | None = None,
                    started: float | None = None) -> PreparedDay | RoutingSolveResult:
    """The day's baseline, stop reasons and model (``limits`` with its work limit set), or
    the final result of a day with nothing to route."""
    started = time.time() if started is None else started
    options = options or RoutingOptions()
    baseline = solve_nearest_neighbour(problem)
    reasons = {p: stop_reason(problem, p) for p in range(len(problem.stops))}
    positions = [p for p, r in reasons.items() if r not in (REASON_TOO_LARGE, REASON_WINDOW)]
    if not positions or not problem.vehicles:
        plan = RoutePlan(day=problem.day, routes=(), policy=POLICY, unserved=tuple(sorted(
            (Unserved(s.customer_id, reasons[p]) for p, s in enumerate(problem.stops)),
            key=lambda u: u.customer_id)))
        cost = plan_objective(problem, plan, options)
        return RoutingSolveResult(plan, baseline, SolveStatus.OPTIMAL, cost, 0.0, "none",
                                  cost, STOP_PROOF)
    model, mapping = build_model(problem, options, positions)
    if limits.work_limit is None:
        limits = replace(limits, work_limit=200 + options.work_per_stop * len(positions))
    return PreparedDay(problem, limits, options, baseline, reasons, model, mapping, started)


def finish_routing(day: PreparedDay, solution: ModelSolution) -> RoutingSolveResult:
    """The day's result from the portfolio's best ``solution`` (its runtime counted from
    ``day.started``)."""
    problem, limits, options, baseline = day.problem, day.limits, day.options, day.baseline
    routes = []
    served: set[int] = set()
    for vehicle, route, start in zip(problem.vehicles, solution.routes, solution.starts,
                                     strict=False):
        if not route:
            continue
        stop_positions = [day.mapping.stop_positions[node] for node in route]
        served.update(stop_positions)
        routes.append(timed_route(problem, vehicle, stop_positions, start / SECONDS))
    unserved = [Unserved(s.customer_id, day.reasons[p]) for p, s in enumerate(problem.stops)
                if p not in served]
    plan = RoutePlan(day=problem.day, routes=tuple(sorted(routes, key=lambda r: r.vehicle_id)),
                     unserved=tuple(sorted(unserved, key=lambda u: u.customer_id)),
                     policy=POLICY)
    seconds = limits.time_limit_seconds
    clock = solution.runtime >= seconds - min(1.5, 0.03 * seconds + 0.3) - 0.05
    return searched_result(problem, options, plan, baseline, solution.runtime,
                           solution.strategy, clock)


def searched_result(problem: RoutingProblem, options: RoutingOptions, plan: RoutePlan,
                    baseline: RoutePlan, runtime: float, strategy: str,
                    clock: bool) -> RoutingSolveResult:
    """The result of a searched day: ``plan``, or the nearest-neighbour ``baseline`` when
    that costs less (then ``strategy`` is ``"baseline"``); ``clock`` says whether a time
    limit rather than the work limit ended the search."""
    ours, theirs = (plan_objective(problem, p, options) for p in (plan, baseline))
    if theirs < ours - 1e-9:
        plan = RoutePlan(baseline.day, baseline.routes, baseline.unserved, FALLBACK_POLICY)
        ours, strategy = theirs, "baseline"
    stop = f"{STOP_TIME if clock else STOP_WORK} (no bound)"
    return RoutingSolveResult(plan, baseline, SolveStatus.FEASIBLE, ours, runtime, strategy,
                              None, stop)


def solve_routing(problem: RoutingProblem, limits: SolveLimits,
                  options: RoutingOptions | None = None,
                  progress: ProgressCallback | None = None) -> RoutingSolveResult:
    """Route the day with the OR-Tools portfolio (module docstring).

    Parameters
    ----------
    problem:
        The day's stops, depots, fleet and matrices.
    limits:
        Time limit, seed and workers; when ``limits.work_limit`` is None the work limit
        is ``200 + options.work_per_stop`` × stops OR-Tools solutions per member
        (``math.inf``: none, the clock only).
    options:
        Unserved penalty and work limit; defaults when None.
    progress:
        Fraction of the time limit used, on improvements.

    Returns
    -------
    RoutingSolveResult
        Routes sorted by vehicle id, unserved stops sorted by customer id with their reason.
    """
    day = prepare_routing(problem, limits, options)
    if isinstance(day, RoutingSolveResult):
        return day
    return finish_routing(day, solve_model(day.model, day.limits, progress,
                                           started=day.started))

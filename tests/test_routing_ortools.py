"""Tests for the OR-Tools routing engine of a delivery day (salesflow.optimizer.routing.solver,
portfolio, ortools_search, vrp_model) and the weekly routing stage."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.data.dataset import load_dataset
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.builder import build_day_problem, delivery_stops
from salesflow.optimizer.routing.check import check_route_plan
from salesflow.optimizer.routing.distances import DistanceModel, TableDistances
from salesflow.optimizer.routing.nearest_neighbour import (
    REASON_NO_CAPACITY,
    REASON_TOO_LARGE,
    REASON_WINDOW,
)
from salesflow.optimizer.routing.portfolio import portfolio, solve_model, week_members
from salesflow.optimizer.routing.problem import (
    Depot,
    RoutingProblem,
    Stop,
    Vehicle,
)
from salesflow.optimizer.routing.solver import (
    FALLBACK_POLICY,
    POLICY,
    RoutingOptions,
    solve_routing,
)
from salesflow.optimizer.routing.stage import routing_stage
from salesflow.optimizer.routing.vrp_model import ModelVehicle, VrpModel

DAY = dt.date(2026, 1, 13)
MODEL = DistanceModel(circuity_factor=1.0, average_speed_kmh=60.0)  # minutes == km
DEPOT = Depot("D1", "Main", 50.0, 10.0, 360, 1200)
# Deterministic and quick: a small work limit, one process.
LIMITS = SolveLimits(time_limit_seconds=60, seed=0, workers=1, work_limit=400)


def stop(cid: str, dlat: float, dlon: float = 0.0, *, kg: float = 10.0, m3: float = 0.1,
         ws: int = 0, we: int = 1440, service: float = 10.0, orders: int = 1,
         name: str | None = None) -> Stop:
    return Stop(cid, name or f"name {cid}", 50.0 + dlat, 10.0 + dlon, kg, m3, ws, we, service,
                orders)


def vehicle(vid: str, *, kg: float = 1000.0, m3: float = 10.0, start: int = 480,
            end: int = 1020, fixed: float = 50.0, per_km: float = 0.5,
            per_hour: float = 30.0) -> Vehicle:
    return Vehicle(vid, "D1", kg, m3, fixed, per_km, per_hour, start, end)


def make_problem(stops: list[Stop], vehicles: list[Vehicle],
                 max_route_minutes: int = 0) -> RoutingProblem:
    lats = [DEPOT.lat] + [s.lat for s in stops]
    lons = [DEPOT.lon] + [s.lon for s in stops]
    km, minutes = MODEL.matrices(np.array(lats), np.array(lons))
    return RoutingProblem(DAY, (DEPOT,), tuple(vehicles), tuple(stops), km, minutes,
                          max_route_minutes)


def ring(n: int, radius: float = 0.1, **kwargs: object) -> list[Stop]:
    angles = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return [stop(f"C{k:02d}", radius * np.sin(a), radius * np.cos(a) * 1.5, **kwargs)
            for k, a in enumerate(angles)]


def test_plan_is_feasible_complete_and_beats_the_baseline() -> None:
    problem = make_problem(ring(16, kg=100.0), [vehicle("V1", kg=600), vehicle("V2", kg=600),
                                                 vehicle("V3", kg=600)])
    result = solve_routing(problem, LIMITS)
    assert check_route_plan(problem, result.plan) == []
    assert result.plan.policy == POLICY and result.plan.served_count == 16
    assert result.plan.unserved == ()
    ours = result.plan.cost_breakdown(problem)["total"]
    base = result.baseline.cost_breakdown(problem)["total"]
    assert result.baseline.served_count <= 16
    assert ours <= base + 1e-9
    assert result.objective == pytest.approx(ours)
    assert result.status == "feasible" and result.runtime > 0


def test_small_case_is_optimal() -> None:
    """Four stops, one vehicle, time free: the best tour is found (checked by brute force)."""
    stops = [stop("A", 0.1), stop("B", 0.1, 0.1), stop("C", -0.05, 0.12), stop("D", 0.02, -0.1)]
    problem = make_problem(stops, [vehicle("V1", per_hour=0.0, fixed=0.0, per_km=1.0)])
    result = solve_routing(problem, LIMITS)
    best = min(
        sum(problem.km[a, b] for a, b in itertools.pairwise([0, *order, 0]))
        for order in itertools.permutations(range(1, 5)))
    assert result.plan.routes[0].km == pytest.approx(best)


def test_unserved_stops_carry_their_reason() -> None:
    stops = [
        stop("OK1", 0.05), stop("OK2", -0.05),
        stop("HEAVY", 0.02, kg=5000.0),                     # above every vehicle
        stop("LATE", 0.03, ws=300, we=400),                 # closes before any shift starts
        stop("FULL1", 0.04, kg=600.0), stop("FULL2", -0.04, kg=600.0),  # only one fits
    ]
    problem = make_problem(stops, [vehicle("V1", kg=800.0)])
    result = solve_routing(problem, LIMITS)
    plan = result.plan
    assert check_route_plan(problem, plan) == []
    reasons = {u.customer_id: u.reason for u in plan.unserved}
    assert reasons["HEAVY"] == REASON_TOO_LARGE
    assert reasons["LATE"] == REASON_WINDOW
    assert sorted(reasons) == ["FULL1", "HEAVY", "LATE"] or \
        sorted(reasons) == ["FULL2", "HEAVY", "LATE"]
    assert REASON_NO_CAPACITY in reasons.values()
    served = {v.customer_id for r in plan.routes for v in r.visits}
    assert {"OK1", "OK2"} <= served


def test_time_windows_shift_and_max_route_are_respected() -> None:
    stops = [stop(f"W{k}", 0.02 * (k + 1), ws=540 + 30 * k, we=560 + 30 * k) for k in range(5)]
    problem = make_problem(stops, [vehicle("V1"), vehicle("V2")], max_route_minutes=200)
    plan = solve_routing(problem, LIMITS).plan
    assert check_route_plan(problem, plan) == []
    assert plan.on_time_rate(problem) == 1.0
    for route in plan.routes:
        assert route.minutes <= 200 + 1e-6


def test_same_seed_same_routes_and_seed_changes_the_search() -> None:
    problem = make_problem(ring(24, kg=30.0, service=5.0), [vehicle("V1", kg=400),
                                                             vehicle("V2", kg=400)])
    first = solve_routing(problem, LIMITS).plan
    second = solve_routing(problem, LIMITS).plan
    assert first == second
    other = solve_routing(problem, dataclasses.replace(LIMITS, seed=5)).plan
    assert check_route_plan(problem, other) == []


def test_empty_day_and_no_servable_stop() -> None:
    empty = solve_routing(make_problem([], [vehicle("V1")]), LIMITS)
    assert empty.plan.routes == () and empty.status == "optimal"
    only_heavy = make_problem([stop("H", 0.01, kg=9999.0)], [vehicle("V1")])
    result = solve_routing(only_heavy, LIMITS)
    assert [(u.customer_id, u.reason) for u in result.plan.unserved] == [("H", REASON_TOO_LARGE)]


def test_the_baseline_is_kept_when_it_is_better() -> None:
    """With no search time left the portfolio finds nothing; the baseline plan is kept."""
    problem = make_problem(ring(8), [vehicle("V1")])
    result = solve_routing(problem, SolveLimits(time_limit_seconds=0.01, workers=1))
    assert check_route_plan(problem, result.plan) == []
    assert result.plan.policy in (POLICY, FALLBACK_POLICY)
    assert result.plan.served_count == 8


def test_heterogeneous_costs_pick_the_cheap_vehicle() -> None:
    problem = make_problem(ring(6), [vehicle("DEAR", fixed=500.0, per_km=5.0),
                                     vehicle("CHEAP", fixed=10.0, per_km=0.2)])
    plan = solve_routing(problem, LIMITS).plan
    assert [r.vehicle_id for r in plan.routes] == ["CHEAP"]


def test_portfolio_members_differ_and_model_validates() -> None:
    members = portfolio(SolveLimits(workers=2, seed=1))
    assert [m.seed for m in members] == [16, 17]
    assert members[0].initial_temperature != members[1].initial_temperature
    with pytest.raises(ValueError, match="time_limit"):
        SolveLimits(time_limit_seconds=0)
    with pytest.raises(ValueError, match="capacities"):
        VrpModel(np.zeros((1, 2, 2)), np.zeros((2, 2)), np.zeros(2), np.zeros(2),
                 np.zeros((2, 1)), (ModelVehicle(0, 0, 0, 10, (1, 2)),))


def test_two_worker_portfolio_solves_a_model() -> None:
    """A model large enough for two processes: both members run, the best is returned."""
    rng = np.random.default_rng(3)
    n = 70
    xy = rng.uniform(0, 100, size=(n, 2))
    dist = np.rint(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))).astype(np.int64)
    demands = np.r_[0, rng.integers(1, 10, n - 1)][:, None]
    model = VrpModel(dist[None], np.zeros_like(dist), np.zeros(n), np.zeros(n), demands,
                     tuple(ModelVehicle(0, 0, 0, 1, (60,)) for _ in range(12)))
    solution = solve_model(model, SolveLimits(time_limit_seconds=20, workers=2, work_limit=300))
    assert solution.found and solution.dropped == ()
    assert sorted(n for r in solution.routes for n in r) == list(range(1, n))
    assert solution.strategy in ("ils-sisr-0", "ils-sisr-1")


def _star(n: int) -> VrpModel:
    """A depot and ``n - 1`` visits, one vehicle."""
    return VrpModel(np.zeros((1, n, n)), np.zeros((n, n)), np.zeros(n), np.zeros(n),
                    np.zeros((n, 1)), (ModelVehicle(0, 0, 0, 1, (60,)),))


@pytest.mark.parametrize(("visits", "workers", "members"), [
    ((100,) * 5, 2, [2, 1, 1, 1, 1]),   # 3 rounds of 2 searches, not 5
    ((100,) * 4, 2, [1, 1, 1, 1]),
    ((100,), 2, [2]),                   # one day: the whole portfolio
    ((100, 100), 3, [2, 1]),
    ((100, 100), 4, [2, 2]),
    ((10, 100, 100, 100), 2, [1, 2, 1, 1]),  # the small day takes no slot (but gets 1)
    ((100,) * 5, 1, [1, 1, 1, 1, 1]),
])
def test_a_weeks_days_share_the_workers(visits: tuple[int, ...], workers: int,
                                        members: list[int]) -> None:
    """Searches = rounds of ``workers`` filled one member per day first; never more members
    than the portfolio; member 0 of every day is the same search as with one worker."""
    limits = SolveLimits(workers=workers, seed=3)
    chosen = week_members([_star(n + 1) for n in visits], limits, workers)
    assert [len(m) for m in chosen] == members
    assert all(m == portfolio(limits)[:len(m)] for m in chosen)
    assert sum(len(m) for m, n in zip(chosen, visits, strict=True) if n >= 60) % workers == 0


@st.composite
def instances(draw: st.DrawFn) -> RoutingProblem:
    stops = []
    for s in range(draw(st.integers(0, 9))):
        ws = draw(st.integers(420, 900))
        stops.append(stop(f"C{s:02d}", draw(st.floats(-0.2, 0.2)), draw(st.floats(-0.2, 0.2)),
                          kg=draw(st.floats(0, 300)), m3=draw(st.floats(0, 3)), ws=ws,
                          we=min(1440, ws + draw(st.integers(0, 300))),
                          service=draw(st.floats(0, 30))))
    vehicles = [vehicle(f"V{v}", kg=draw(st.floats(50, 600)), m3=draw(st.floats(1, 6)),
                        start=draw(st.integers(420, 600)), end=draw(st.integers(700, 1100)),
                        per_hour=draw(st.floats(0, 40)))
                for v in range(draw(st.integers(1, 3)))]
    return make_problem(stops, vehicles, draw(st.sampled_from([0, 0, 240])))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_days_give_feasible_plans_no_worse_than_the_baseline(
        problem: RoutingProblem) -> None:
    limits = SolveLimits(time_limit_seconds=30, workers=1, work_limit=150)
    options = RoutingOptions()
    result = solve_routing(problem, limits, options)
    assert check_route_plan(problem, result.plan) == []
    assert result.plan.served_count + len(result.plan.unserved) == len(problem.stops)
    assert result.plan.served_count >= result.baseline.served_count
    ours = result.plan.cost_breakdown(problem)["total"] + 1e5 * len(result.plan.unserved)
    base = result.baseline.cost_breakdown(problem)["total"] + 1e5 * len(result.baseline.unserved)
    assert ours <= base + 1e-6
    for item in result.plan.unserved:
        assert item.reason in (REASON_TOO_LARGE, REASON_WINDOW, REASON_NO_CAPACITY)


def test_stage_keeps_the_baseline_and_uses_a_distance_table(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    week = dataset.plan_week_start(None)
    limits = SolveLimits(time_limit_seconds=30, workers=1, work_limit=200)
    result = routing_stage(dataset, week, limits)
    assert len(result.days) == len(result.baseline) == len(result.solves) > 0
    for (problem, plan), (same, base) in zip(result.days, result.baseline, strict=True):
        assert problem is same
        assert check_route_plan(problem, plan) == []
        assert check_route_plan(problem, base) == []
        assert plan.policy in (POLICY, FALLBACK_POLICY) and base.policy == "nearest_neighbour"
    # A table source: every distance doubled -> every route twice as long.
    day, stops = next((d, s) for d, s in sorted(delivery_stops(dataset, week).items()) if s)
    plain = build_day_problem(dataset, day, stops)
    ids = [d.depot_id for d in plain.depots] + [s.customer_id for s in plain.stops]
    table = TableDistances(tuple(reversed(ids)), plain.km[::-1, ::-1] * 2,
                           plain.minutes[::-1, ::-1])
    doubled = build_day_problem(dataset, day, stops, table)
    assert np.allclose(doubled.km, plain.km * 2) and np.allclose(doubled.minutes, plain.minutes)
    with pytest.raises(KeyError, match="no distances"):
        TableDistances(("X",), np.zeros((1, 1)), np.zeros((1, 1))).location_matrices(
            ["Y"], [0.0], [0.0])


@pytest.mark.slow
def test_sample_week_costs_at_most_080_of_the_baseline() -> None:
    from salesflow.data.dataset import sample_data_dir

    dataset = load_dataset(sample_data_dir())
    result = routing_stage(dataset, dataset.plan_week_start(None),
                           SolveLimits.from_config(dataset.config))
    ours = sum(p.cost_breakdown(prob)["total"] for prob, p in result.days)
    base = sum(p.cost_breakdown(prob)["total"] for prob, p in result.baseline)
    assert ours <= 0.8 * base
    for problem, plan in result.days:
        assert check_route_plan(problem, plan) == []
        assert plan.on_time_rate(problem) == 1.0 or plan.unserved


@pytest.mark.slow
def test_a_generated_day_of_300_stops_and_25_vehicles_within_60_s() -> None:
    rng = np.random.default_rng(11)
    stops = [stop(f"C{k:03d}", float(rng.uniform(-0.25, 0.25)), float(rng.uniform(-0.4, 0.4)),
                  kg=float(rng.uniform(20, 200)), m3=float(rng.uniform(0.1, 1.5)),
                  ws=int(ws), we=int(ws) + 180, service=8.0)
             for k, ws in enumerate(rng.choice([480, 600, 720, 840], size=300))]
    vehicles = [vehicle(f"V{v:02d}", kg=2000.0, m3=15.0, start=420, end=1140)
                for v in range(25)]
    problem = make_problem(stops, vehicles)
    result = solve_routing(problem, SolveLimits(time_limit_seconds=60, workers=2))
    assert check_route_plan(problem, result.plan) == []
    assert result.plan.served_count == 300
    assert result.plan.cost_breakdown(problem)["total"] <= \
        result.baseline.cost_breakdown(problem)["total"]

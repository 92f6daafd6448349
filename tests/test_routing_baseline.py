"""Tests for the routing data model, distances, the nearest-neighbour baseline and the checker
(salesflow.optimizer.routing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.config import RoutingSection
from salesflow.optimizer.routing.builder import (
    build_day_problem,
    delivery_stops,
    next_delivery_offsets,
)
from salesflow.optimizer.routing.check import check_route_plan
from salesflow.optimizer.routing.distances import (
    DistanceModel,
    haversine_km,
    pairwise_haversine_km,
)
from salesflow.optimizer.routing.nearest_neighbour import (
    REASON_NO_CAPACITY,
    REASON_TOO_LARGE,
    REASON_WINDOW,
    solve_nearest_neighbour,
)
from salesflow.optimizer.routing.problem import (
    Depot,
    RoutingProblem,
    Stop,
    Vehicle,
)
from salesflow.optimizer.routing.solution import (
    ROUTES_COLUMNS,
    Route,
    RoutePlan,
    Unserved,
    Visit,
    clock,
    routes_frame,
)

DAY = dt.date(2026, 1, 13)
# 1 km of road per straight-line km at 60 km/h: minutes equal km.
MODEL = DistanceModel(circuity_factor=1.0, average_speed_kmh=60.0)
DEG_KM = 111.19  # one degree of latitude


def stop(cid: str, dlat: float, *, kg: float = 10.0, m3: float = 0.1, ws: int = 0,
         we: int = 1440, service: float = 10.0, orders: int = 1) -> Stop:
    """A stop ``dlat`` degrees north of the depot at (50, 10)."""
    return Stop(cid, f"name {cid}", 50.0 + dlat, 10.0, kg, m3, ws, we, service, orders)


def vehicle(vid: str, *, kg: float = 1000.0, m3: float = 10.0, depot: str = "D1",
            start: int = 480, end: int = 1020, fixed: float = 50.0, per_km: float = 0.5,
            per_hour: float = 30.0) -> Vehicle:
    return Vehicle(vid, depot, kg, m3, fixed, per_km, per_hour, start, end)


DEPOT = Depot("D1", "Main", 50.0, 10.0, 360, 1200)


def make_problem(stops: list[Stop], vehicles: list[Vehicle], depots: list[Depot] | None = None,
                 max_route_minutes: int = 0) -> RoutingProblem:
    depots = depots or [DEPOT]
    lats = [d.lat for d in depots] + [s.lat for s in stops]
    lons = [d.lon for d in depots] + [s.lon for s in stops]
    km, minutes = MODEL.matrices(np.array(lats), np.array(lons))
    return RoutingProblem(DAY, tuple(depots), tuple(vehicles), tuple(stops), km, minutes,
                          max_route_minutes)


def served_ids(plan: RoutePlan) -> list[str]:
    return [v.customer_id for r in plan.routes for v in r.visits]


def reasons(plan: RoutePlan) -> dict[str, str]:
    return {u.customer_id: u.reason for u in plan.unserved}


# --- distances ---------------------------------------------------------------------------------


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert float(haversine_km(0.0, 0.0, 1.0, 0.0)) == pytest.approx(111.195, abs=0.01)
    assert float(haversine_km(45.0, 7.0, 46.0, 7.0)) == pytest.approx(111.195, abs=0.01)


def test_known_city_pair_within_one_percent() -> None:
    # Paris (Notre-Dame) to London (Trafalgar Square): 343.5 km great-circle.
    km = float(haversine_km(48.8530, 2.3499, 51.5080, -0.1281))
    assert km == pytest.approx(343.5, rel=0.01)
    # Hamburg to Munich: 612 km.
    assert float(haversine_km(53.5511, 9.9937, 48.1351, 11.5820)) == pytest.approx(612, rel=0.01)


def test_haversine_broadcasts_and_handles_antipodes() -> None:
    out = haversine_km(np.zeros(3), np.zeros(3), np.array([0.0, 0.0, 0.0]),
                       np.array([0.0, 90.0, 180.0]))
    assert out.shape == (3,)
    assert out[0] == 0.0
    assert out[2] == pytest.approx(np.pi * 6371.0088)


def test_matrices_symmetric_zero_diagonal_and_scaled() -> None:
    rng = np.random.default_rng(3)
    lats, lons = rng.uniform(40, 60, 12), rng.uniform(-5, 20, 12)
    model = DistanceModel(circuity_factor=1.4, average_speed_kmh=40.0)
    km, minutes = model.matrices(lats, lons)
    assert km.shape == minutes.shape == (12, 12)
    np.testing.assert_array_equal(km, km.T)
    np.testing.assert_array_equal(minutes, minutes.T)
    assert np.all(np.diag(km) == 0) and np.all(np.diag(minutes) == 0)
    np.testing.assert_allclose(km, pairwise_haversine_km(lats, lons) * 1.4)
    np.testing.assert_allclose(minutes, km / 40.0 * 60.0)


def test_distance_model_from_config_and_bad_values() -> None:
    model = DistanceModel.from_config(RoutingSection(circuity_factor=1.2, average_speed_kmh=45.0))
    assert model == DistanceModel(1.2, 45.0)
    with pytest.raises(ValueError, match="circuity_factor"):
        DistanceModel(0.5, 30.0)
    with pytest.raises(ValueError, match="average_speed_kmh"):
        DistanceModel(1.3, 0.0)
    with pytest.raises(ValueError, match="equal length"):
        model.matrices(np.zeros(2), np.zeros(3))


# --- problem -----------------------------------------------------------------------------------


def test_problem_indexing_and_validation() -> None:
    depots = [DEPOT, Depot("D2", "North", 51.0, 10.0, 360, 1200)]
    problem = make_problem([stop("A", 0.1), stop("B", 0.2)], [vehicle("V1", depot="D2")],
                           depots=depots)
    assert problem.depot_index("D1") == 0 and problem.depot_index("D2") == 1
    assert problem.stop_index(0) == 2 and problem.stop_index(1) == 3
    assert problem.km[problem.depot_index("D1"), problem.stop_index(1)] == pytest.approx(
        0.2 * DEG_KM, rel=1e-3)
    assert problem.stop_position("B") == 1
    assert problem.available(problem.vehicle("V1")) == (480, 1020)
    with pytest.raises(IndexError):
        problem.stop_index(2)
    with pytest.raises(KeyError):
        problem.depot_index("nope")
    assert not problem.km.flags.writeable
    with pytest.raises(ValueError, match="must be"):
        RoutingProblem(DAY, (DEPOT,), (), (stop("A", 0.1),), np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(ValueError, match="unknown depot"):
        make_problem([], [vehicle("V1", depot="D9")])


def test_available_time_respects_depot_hours_and_max_route() -> None:
    depot = Depot("D1", "Main", 50.0, 10.0, 540, 960)
    problem = make_problem([], [vehicle("V1", start=480, end=1020)], depots=[depot],
                           max_route_minutes=300)
    assert problem.available(problem.vehicles[0]) == (540, 840)


# --- nearest neighbour -------------------------------------------------------------------------


def test_single_route_visits_nearest_first_and_costs_add_up() -> None:
    problem = make_problem([stop("FAR", 0.3), stop("NEAR", 0.1), stop("MID", 0.2)],
                           [vehicle("V1")])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert served_ids(plan) == ["NEAR", "MID", "FAR"]
    (route,) = plan.routes
    assert route.start == 480
    assert route.km == pytest.approx(0.6 * DEG_KM, rel=1e-3)
    assert route.minutes == pytest.approx(route.km + 30.0)  # driving + 3 × 10 min service
    cost = plan.cost_breakdown(problem)
    assert cost["fixed"] == 50.0
    assert cost["distance"] == pytest.approx(0.5 * route.km)
    assert cost["time"] == pytest.approx(30.0 * route.minutes / 60.0)
    assert cost["total"] == pytest.approx(cost["fixed"] + cost["distance"] + cost["time"])
    assert plan.served_count == 3 and plan.policy == "nearest_neighbour"
    loads = [v.load_kg_after for v in route.visits]
    assert loads == pytest.approx([20.0, 10.0, 0.0])


def test_ties_in_distance_go_to_the_smaller_customer_id() -> None:
    twins = [Stop("B", "b", 50.1, 10.0, 1, 0.01, 0, 1440, 5, 1),
             Stop("A", "a", 50.1, 10.0, 1, 0.01, 0, 1440, 5, 1)]
    plan = solve_nearest_neighbour(make_problem(twins, [vehicle("V1")]))
    assert served_ids(plan) == ["A", "B"]


def test_capacity_forces_two_vehicles() -> None:
    problem = make_problem([stop("A", 0.1, kg=60), stop("B", 0.2, kg=60)],
                           [vehicle("V1", kg=100), vehicle("V2", kg=100)])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert [r.vehicle_id for r in plan.routes] == ["V1", "V2"]
    assert [len(r.visits) for r in plan.routes] == [1, 1]
    assert plan.unserved == ()
    assert plan.cost_breakdown(problem)["fixed"] == 100.0


def test_volume_capacity_counts_too() -> None:
    problem = make_problem([stop("A", 0.1, m3=6), stop("B", 0.2, m3=6)],
                           [vehicle("V1", m3=10), vehicle("V2", m3=10)])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert len(plan.routes) == 2


def test_largest_vehicle_goes_first_and_unused_vehicles_cost_nothing() -> None:
    problem = make_problem([stop("A", 0.1, kg=60), stop("B", 0.2, kg=60)],
                           [vehicle("SMALL", kg=100), vehicle("BIG", kg=500)])
    plan = solve_nearest_neighbour(problem)
    assert [r.vehicle_id for r in plan.routes] == ["BIG"]
    assert plan.cost_breakdown(problem)["fixed"] == 50.0


def test_departure_is_delayed_instead_of_waiting_at_the_first_stop() -> None:
    problem = make_problem([stop("A", 0.1, ws=600, we=700)], [vehicle("V1")])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    route = plan.routes[0]
    (visit,) = route.visits
    travel = problem.minutes[0, 1]
    assert route.start == pytest.approx(600 - travel)
    assert visit.arrival == pytest.approx(600) and visit.start_service == pytest.approx(600)
    assert visit.departure == pytest.approx(610)
    assert route.end == pytest.approx(610 + travel)


def test_window_forces_waiting_when_an_earlier_window_limits_the_delay() -> None:
    # A is tight and early, B opens much later: leaving later is limited by A's window end.
    problem = make_problem([stop("A", 0.1, ws=480, we=500), stop("B", 0.2, ws=700, we=800)],
                           [vehicle("V1")])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    first, second = plan.routes[0].visits
    assert first.start_service == pytest.approx(500)  # delayed exactly to A's window end
    assert plan.routes[0].start == pytest.approx(500 - problem.minutes[0, 1])
    assert second.arrival < 700 and second.start_service == 700
    frame = routes_frame([(problem, plan)])
    notes = frame.loc[frame["stop_type"] == "customer", "note"].tolist()
    assert notes == ["", "waits until 11:40"]


def test_stop_heavier_than_every_vehicle_is_unserved() -> None:
    problem = make_problem([stop("HEAVY", 0.1, kg=2000), stop("OK", 0.2)],
                           [vehicle("V1", kg=1000), vehicle("V2", kg=1500)])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert reasons(plan) == {"HEAVY": REASON_TOO_LARGE}
    assert REASON_TOO_LARGE == "demand above the largest vehicle"
    assert served_ids(plan) == ["OK"]


def test_stop_bulkier_than_every_vehicle_is_unserved() -> None:
    problem = make_problem([stop("BULKY", 0.1, m3=50)], [vehicle("V1", m3=10)])
    assert reasons(solve_nearest_neighbour(problem)) == {"BULKY": REASON_TOO_LARGE}


def test_window_closing_before_any_vehicle_arrives() -> None:
    # 1 degree north is ~111 minutes away; the window closes 60 minutes after departure.
    problem = make_problem([stop("EARLY", 1.0, ws=480, we=540), stop("OK", 0.1)],
                           [vehicle("V1"), vehicle("V2", kg=500)])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert reasons(plan) == {"EARLY": REASON_WINDOW}
    assert REASON_WINDOW == "window unreachable from the depot"


def test_window_unreachable_when_return_is_impossible() -> None:
    # Reachable in time, but service ends too late to be back by the end of the shift.
    problem = make_problem([stop("LATE", 0.5, ws=960, we=1000, service=30)], [vehicle("V1")])
    assert reasons(solve_nearest_neighbour(problem)) == {"LATE": REASON_WINDOW}


def test_more_stops_than_time() -> None:
    # 8-hour shift, 12 stops of 60 minutes service each, all close by.
    stops = [stop(f"S{i:02d}", 0.01 * (i + 1), service=60) for i in range(12)]
    problem = make_problem(stops, [vehicle("V1")])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert 0 < plan.served_count < 12
    assert set(reasons(plan).values()) == {REASON_NO_CAPACITY}
    assert REASON_NO_CAPACITY == "no vehicle capacity or time left"
    assert plan.served_count + len(plan.unserved) == 12


def test_capacity_used_up_gives_no_capacity_reason() -> None:
    problem = make_problem([stop("A", 0.1, kg=80), stop("B", 0.2, kg=80)], [vehicle("V1", kg=100)])
    plan = solve_nearest_neighbour(problem)
    assert served_ids(plan) == ["A"]
    assert reasons(plan) == {"B": REASON_NO_CAPACITY}


def test_max_route_minutes_limits_routes() -> None:
    stops = [stop(f"S{i}", 0.01 * (i + 1), service=30) for i in range(6)]
    free = solve_nearest_neighbour(make_problem(stops, [vehicle("V1")]))
    assert free.served_count == 6
    limited_problem = make_problem(stops, [vehicle("V1")], max_route_minutes=120)
    limited = solve_nearest_neighbour(limited_problem)
    assert check_route_plan(limited_problem, limited) == []
    assert limited.served_count < 6
    assert all(r.minutes <= 120 for r in limited.routes)


def test_vehicles_at_two_depots() -> None:
    depots = [DEPOT, Depot("D2", "South", 49.0, 10.0, 360, 1200)]
    stops = [stop("N", 0.1, kg=80), stop("S", -0.9, kg=80)]
    problem = make_problem(stops, [vehicle("V1", kg=100), vehicle("V2", kg=100, depot="D2")],
                           depots=depots)
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert {r.vehicle_id: r.depot_id for r in plan.routes} == {"V1": "D1", "V2": "D2"}
    assert plan.unserved == ()


def test_empty_day_gives_empty_plan() -> None:
    problem = make_problem([], [vehicle("V1")])
    plan = solve_nearest_neighbour(problem)
    assert plan.routes == () and plan.unserved == ()
    assert check_route_plan(problem, plan) == []
    assert plan.cost_breakdown(problem)["total"] == 0.0
    assert plan.on_time_rate(problem) == 1.0


def test_same_input_same_plan() -> None:
    rng = np.random.default_rng(7)
    stops = [stop(f"C{i:02d}", float(rng.uniform(-0.3, 0.3)), kg=float(rng.uniform(10, 200)))
             for i in range(25)]
    vehicles = [vehicle("V1", kg=600), vehicle("V2", kg=600), vehicle("V3", kg=400)]
    first = solve_nearest_neighbour(make_problem(stops, vehicles))
    again = solve_nearest_neighbour(make_problem(stops, vehicles))
    shuffled = solve_nearest_neighbour(make_problem(stops, vehicles[::-1]))
    assert first == again == shuffled


def test_on_time_rate_counts_orders_and_unserved() -> None:
    problem = make_problem([stop("A", 0.1, orders=3), stop("HEAVY", 0.2, kg=5000, orders=1)],
                           [vehicle("V1")])
    plan = solve_nearest_neighbour(problem)
    assert plan.on_time_counts(problem) == (3, 4)
    assert plan.on_time_rate(problem) == pytest.approx(0.75)
    assert plan.served_orders(problem) == 3


# --- the checker catches what is wrong ----------------------------------------------------------


@pytest.fixture
def solved() -> tuple[RoutingProblem, RoutePlan]:
    stops = [stop("A", 0.1, kg=60, ws=500, we=900), stop("B", 0.2, kg=30),
             stop("C", 0.3, kg=60), stop("D", -0.2, kg=30)]
    problem = make_problem(stops, [vehicle("V1", kg=100), vehicle("V2", kg=100)])
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert len(plan.routes) == 2 and plan.unserved == ()
    return problem, plan


def test_checker_catches_over_capacity(solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    smaller = dataclasses.replace(problem, vehicles=tuple(
        dataclasses.replace(v, capacity_kg=50.0) for v in problem.vehicles))
    assert any("over weight capacity" in p for p in check_route_plan(smaller, plan))
    smaller_m3 = dataclasses.replace(problem, vehicles=tuple(
        dataclasses.replace(v, capacity_m3=0.05) for v in problem.vehicles))
    assert any("over volume capacity" in p for p in check_route_plan(smaller_m3, plan))


def test_checker_catches_late_arrival(solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    first = plan.routes[0].visits[0]
    position = problem.stop_position(first.customer_id)
    tight = list(problem.stops)
    tight[position] = dataclasses.replace(tight[position], window_start=0,
                                          window_end=int(first.arrival) - 5)
    violations = check_route_plan(dataclasses.replace(problem, stops=tuple(tight)), plan)
    assert any("late" in p and first.customer_id in p for p in violations)


def test_checker_catches_reported_times_that_are_impossible(
        solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    route = plan.routes[0]
    visit = route.visits[0]
    early = dataclasses.replace(visit, arrival=route.start, start_service=route.start,
                                departure=route.start + 1)
    bad = dataclasses.replace(plan, routes=(
        dataclasses.replace(route, visits=(early, *route.visits[1:])), *plan.routes[1:]))
    violations = check_route_plan(problem, bad)
    assert any("earlier than possible" in p for p in violations)


def test_checker_catches_duplicated_stop(solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    first, second = plan.routes
    dup = dataclasses.replace(second, visits=(*second.visits, first.visits[0]))
    bad = dataclasses.replace(plan, routes=(first, dup))
    violations = check_route_plan(problem, bad)
    assert any("served more than once" in p for p in violations)


def test_checker_catches_missing_stop(solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    route = plan.routes[0]
    dropped = route.visits[-1].customer_id
    shorter = dataclasses.replace(route, visits=route.visits[:-1])
    violations = check_route_plan(problem, dataclasses.replace(plan, routes=(shorter,
                                                                             *plan.routes[1:])))
    assert any(f"stop {dropped} is neither served nor listed unserved" in p for p in violations)


def test_checker_catches_served_and_unserved(solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    cid = plan.routes[0].visits[0].customer_id
    bad = dataclasses.replace(plan, unserved=(Unserved(cid, "whatever"),))
    assert any("both served and listed unserved" in p for p in check_route_plan(problem, bad))


def test_checker_catches_wrong_km_and_cost(solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    route = plan.routes[0]
    bad = dataclasses.replace(plan, routes=(dataclasses.replace(route, km=route.km - 1.0),
                                            *plan.routes[1:]))
    violations = check_route_plan(problem, bad)
    assert any("the matrix gives" in p for p in violations)
    assert any("cost distance" in p for p in violations)


def test_checker_catches_shift_and_max_route(solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    route = plan.routes[0]
    early = dataclasses.replace(route, start=route.start - 200, minutes=route.minutes + 200)
    bad = dataclasses.replace(plan, routes=(early, *plan.routes[1:]))
    assert any("before its shift start" in p for p in check_route_plan(problem, bad))
    short = dataclasses.replace(problem, max_route_minutes=10)
    assert any("max_route_minutes" in p for p in check_route_plan(short, plan))


def test_checker_catches_wrong_loads_and_unknown_vehicle(
        solved: tuple[RoutingProblem, RoutePlan]) -> None:
    problem, plan = solved
    route = plan.routes[0]
    visit = dataclasses.replace(route.visits[0], load_kg_after=999.0)
    bad = dataclasses.replace(plan, routes=(
        dataclasses.replace(route, visits=(visit, *route.visits[1:])), *plan.routes[1:]))
    assert any("load after" in p for p in check_route_plan(problem, bad))
    ghost = dataclasses.replace(plan, routes=(dataclasses.replace(route, vehicle_id="GHOST"),
                                              *plan.routes[1:]))
    assert any("unknown vehicle GHOST" in p for p in check_route_plan(problem, ghost))


# --- property test -----------------------------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn) -> RoutingProblem:
    n_depots = draw(st.integers(1, 2))
    depots = []
    for d in range(n_depots):
        open_ = draw(st.integers(300, 600))
        depots.append(Depot(f"D{d}", f"depot {d}", 50 + draw(st.floats(-0.2, 0.2)),
                            10 + draw(st.floats(-0.2, 0.2)), open_,
                            open_ + draw(st.integers(240, 900))))
    vehicles = []
    for v in range(draw(st.integers(1, 3))):
        start = draw(st.integers(300, 700))
        vehicles.append(Vehicle(
            f"V{v}", f"D{draw(st.integers(0, n_depots - 1))}",
            draw(st.floats(20, 500)), draw(st.floats(0.5, 10)), draw(st.floats(0, 100)),
            draw(st.floats(0, 2)), draw(st.floats(0, 50)), start,
            start + draw(st.integers(120, 720))))
    stops = []
    for s in range(draw(st.integers(0, 10))):
        ws = draw(st.integers(300, 1000))
        stops.append(Stop(
            f"C{s:02d}", f"c{s}", 50 + draw(st.floats(-0.3, 0.3)), 10 + draw(st.floats(-0.3, 0.3)),
            draw(st.floats(0, 150)), draw(st.floats(0, 3)), ws,
            min(1440, ws + draw(st.integers(0, 600))), draw(st.floats(0, 45)),
            draw(st.integers(1, 3))))
    model = DistanceModel(draw(st.floats(1.0, 2.0)), draw(st.floats(10, 80)))
    lats = [d.lat for d in depots] + [s.lat for s in stops]
    lons = [d.lon for d in depots] + [s.lon for s in stops]
    km, minutes = model.matrices(np.array(lats), np.array(lons))
    return RoutingProblem(DAY, tuple(depots), tuple(vehicles), tuple(stops), km, minutes,
                          draw(st.sampled_from([0, 0, 90, 240])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances_give_feasible_complete_plans(problem: RoutingProblem) -> None:
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    served = served_ids(plan)
    assert sorted(served + [u.customer_id for u in plan.unserved]) == sorted(
        s.customer_id for s in problem.stops)
    assert plan.served_count + len(plan.unserved) == len(problem.stops)
    assert all(r.visits for r in plan.routes)
    for item in plan.unserved:
        s = problem.stops[problem.stop_position(item.customer_id)]
        fits = any(s.weight_kg <= v.capacity_kg and s.volume_m3 <= v.capacity_m3
                   for v in problem.vehicles)
        assert (item.reason == REASON_TOO_LARGE) == (not fits)
        assert item.reason in (REASON_TOO_LARGE, REASON_WINDOW, REASON_NO_CAPACITY)
    assert solve_nearest_neighbour(problem) == plan


# --- routes frame ------------------------------------------------------------------------------


def test_routes_frame_rows_and_formats() -> None:
    problem = make_problem([stop("A", 0.1, kg=12.3456, m3=0.1234), stop("B", 0.2, kg=5),
                            stop("HEAVY", 0.3, kg=5000)], [vehicle("V1")])
    plan = solve_nearest_neighbour(problem)
    frame = routes_frame([(problem, plan)])
    assert tuple(frame.columns) == ROUTES_COLUMNS
    assert list(frame["stop_type"]) == ["depot_start", "customer", "customer", "depot_end",
                                        "unserved"]
    assert list(frame["sequence"].iloc[:4]) == [0, 1, 2, 3]
    assert frame["sequence"].isna().iloc[4]
    assert set(frame["day"]) == {"2026-01-13"}
    start = frame.iloc[0]
    assert start["departure"] == "08:00" and start["load_kg"] == pytest.approx(17.346)
    assert start["note"] == "depot D1"
    assert frame.iloc[1]["load_kg"] == 5.0 and frame.iloc[2]["load_kg"] == 0.0
    assert frame.iloc[1]["load_m3"] == pytest.approx(0.1)
    end = frame.iloc[3]
    assert end["cumulative_km"] == round(plan.routes[0].km, 3)
    assert end["arrival"] == clock(plan.routes[0].end)
    unserved = frame.iloc[4]
    assert unserved["vehicle_id"] == "" and unserved["customer_id"] == "HEAVY"
    assert unserved["note"] == REASON_TOO_LARGE
    for value in frame["leg_km"].iloc[:4]:
        assert value == round(value, 3)


def test_clock_format() -> None:
    assert clock(0) == "00:00"
    assert clock(487.6) == "08:08"
    assert clock(1440) == "24:00"
    assert clock(None) == ""


def test_routes_frame_empty() -> None:
    frame = routes_frame([])
    assert tuple(frame.columns) == ROUTES_COLUMNS and frame.empty


def test_hand_built_plan_passes_checker() -> None:
    problem = make_problem([stop("A", 0.1, ws=480, we=600)], [vehicle("V1")])
    leg = float(problem.km[0, 1])
    arrival = 480 + leg
    visit = Visit("A", arrival, arrival, arrival + 10, 0.0, 0.0, leg, leg)
    route = Route("V1", "D1", 480, arrival + 10 + leg, (visit,), 2 * leg, 2 * leg + 10)
    plan = RoutePlan(DAY, (route,), (), "hand")
    assert check_route_plan(problem, plan) == []


# --- delivery stops from a dataset --------------------------------------------------------------


def write_dataset(root: Path, *, deliveries: str | None = None,
                  config: str = '[routing]\ndelivery_weekdays = ["Mon", "Wed", "Fri"]\n') -> Path:
    files = {
        "customers.csv": "customer_id,name,lat,lon,window_start,window_end,service_minutes\n"
                         "C2,Beta,53.6,10.1,13:00,17:00,15\n"
                         "C1,Alpha,53.5,10.0,08:00,12:00,10\n",
        "depots.csv": "depot_id,name,lat,lon,open,close\n"
                      "D2,Second,53.4,10.2,06:00,20:00\n"
                      "D1,Main,53.55,10.05,06:00,20:00\n",
        "vehicles.csv": "vehicle_id,depot_id,capacity_kg,capacity_m3,fixed_cost,cost_per_km,"
                        "cost_per_hour,shift_start,shift_end\n"
                        "V2,D2,500,4,40,0.4,20,07:00,15:00\n"
                        "V1,D1,1000,8,50,0.5,25,07:00,17:00\n",
        "skus.csv": "sku,name,category,supplier_id,unit_cost,unit_volume_m3,unit_weight_kg,"
                    "pack_size,moq\n"
                    "S1,Widget,tools,P1,2.0,0.01,0.5,6,0\n"
                    "S2,Gadget,tools,P1,5.0,0.02,2.0,1,0\n",
        "suppliers.csv": "supplier_id,name,lead_time_days,order_cost\nP1,Acme,7,50\n",
        "inventory.csv": "sku,on_hand\nS1,10\n",
        "employees.csv": "employee_id,name,skills,hourly_cost,min_hours_week,max_hours_week\n"
                         "E1,Ann,picker,20,20,40\n",
        "shifts.csv": "shift_id,start,end,break_minutes\nearly,06:00,14:00,30\n",
        # Delivery weekdays Mon, Wed, Fri. Week of 2026-01-05 (Mon) .. 2026-01-11 (Sun).
        "sales.csv": "order_id,order_date,customer_id,sku,quantity\n"
                     "O1,2026-01-02,C1,S1,4\n"     # Fri -> Mon 01-05
                     "O2,2026-01-05,C1,S1,10\n"    # Mon -> Wed 01-07
                     "O2,2026-01-05,C1,S2,1\n"
                     "O3,2026-01-06,C1,S2,3\n"     # Tue -> Wed 01-07 (same customer: 2 orders)
                     "O4,2026-01-06,C2,S1,2\n"     # Tue -> Wed 01-07
                     "O5,2026-01-09,C2,S2,1\n"     # Fri -> Mon 01-12 (not in the week before)
                     "O6,2026-01-10,C1,S1,8\n",    # Sat -> Mon 01-12
        "config.toml": config,
    }
    if deliveries is not None:
        files["deliveries.csv"] = deliveries
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_next_delivery_offsets() -> None:
    # Mon, Wed, Fri: from Mon 2, Tue 1, Wed 2, Thu 1, Fri 3, Sat 2, Sun 1.
    assert list(next_delivery_offsets((0, 2, 4))) == [2, 1, 2, 1, 3, 2, 1]
    assert list(next_delivery_offsets((0,))) == [7, 6, 5, 4, 3, 2, 1]


def test_delivery_stops_forecast_from_sales(tmp_path: Path) -> None:
    ds = load_dataset(write_dataset(tmp_path))
    week = dt.date(2026, 1, 12)
    stops = delivery_stops(ds, week)
    assert list(stops) == [dt.date(2026, 1, 12), dt.date(2026, 1, 14), dt.date(2026, 1, 16)]
    # Monday 01-12 repeats Monday 01-05: order O1 (Fri 01-02), 4 × 0.5 kg.
    (mon,) = stops[dt.date(2026, 1, 12)]
    assert (mon.customer_id, mon.orders) == ("C1", 1)
    assert mon.weight_kg == pytest.approx(2.0) and mon.volume_m3 == pytest.approx(0.04)
    assert (mon.window_start, mon.window_end, mon.service_minutes) == (480, 720, 10.0)
    # Wednesday 01-14 repeats Wednesday 01-07: C1 gets O2 and O3, C2 gets O4.
    wed = stops[dt.date(2026, 1, 14)]
    assert [s.customer_id for s in wed] == ["C1", "C2"]
    c1, c2 = wed
    assert c1.orders == 2
    assert c1.weight_kg == pytest.approx(10 * 0.5 + 1 * 2.0 + 3 * 2.0)
    assert c1.volume_m3 == pytest.approx(10 * 0.01 + 1 * 0.02 + 3 * 0.02)
    assert c2.orders == 1 and c2.weight_kg == pytest.approx(1.0)
    assert stops[dt.date(2026, 1, 16)] == ()
    # The week after: Monday 01-19 repeats Monday 01-12 (orders O5 and O6).
    later = delivery_stops(ds, dt.date(2026, 1, 19))[dt.date(2026, 1, 19)]
    assert [(s.customer_id, s.weight_kg) for s in later] == [("C1", 4.0), ("C2", 2.0)]


def test_delivery_stops_count_an_order_placed_a_full_week_before_its_delivery(
        tmp_path: Path) -> None:
    # Mondays only: an order of Monday 01-05 is delivered on Monday 01-12, seven days later,
    # the longest an order waits; an order of Friday 01-02 went on Monday 01-05.
    ds = load_dataset(write_dataset(tmp_path, config='[routing]\ndelivery_weekdays = ["Mon"]\n'))
    stops = delivery_stops(ds, dt.date(2026, 1, 19))
    assert list(stops) == [dt.date(2026, 1, 19)]
    c1, c2 = stops[dt.date(2026, 1, 19)]
    # C1: O2 (Mon 01-05: 10 x 0.5 + 1 x 2), O3 (3 x 2), O6 (8 x 0.5); C2: O4 (2 x 0.5), O5 (1 x 2).
    assert (c1.customer_id, c1.orders) == ("C1", 3) and c1.weight_kg == pytest.approx(17.0)
    assert (c2.customer_id, c2.orders) == ("C2", 2) and c2.weight_kg == pytest.approx(3.0)
    # The week before: Monday 01-12 repeats Monday 01-05, which only O1 reached.
    (only,) = delivery_stops(ds, dt.date(2026, 1, 12))[dt.date(2026, 1, 12)]
    assert (only.customer_id, only.orders, only.weight_kg) == ("C1", 1, pytest.approx(2.0))


def test_delivery_stops_uses_deliveries_table_when_the_week_has_rows(tmp_path: Path) -> None:
    deliveries = ("order_id,customer_id,delivery_date,weight_kg,volume_m3\n"
                  "X1,C2,2026-01-12,100,1.0\n"
                  "X2,C2,2026-01-12,50,0.5\n"
                  "X3,C1,2026-01-12,10,0.1\n"
                  "X4,C1,2026-01-13,7,0.07\n"      # a Tuesday: not a delivery weekday
                  "X5,C1,2026-01-20,99,0.9\n")     # another week
    ds = load_dataset(write_dataset(tmp_path, deliveries=deliveries))
    stops = delivery_stops(ds, dt.date(2026, 1, 12))
    assert list(stops) == [dt.date(2026, 1, 12), dt.date(2026, 1, 13), dt.date(2026, 1, 14),
                           dt.date(2026, 1, 16)]
    mon = stops[dt.date(2026, 1, 12)]
    assert [(s.customer_id, s.weight_kg, s.orders) for s in mon] == [("C1", 10.0, 1),
                                                                     ("C2", 150.0, 2)]
    assert mon[1].volume_m3 == pytest.approx(1.5)
    assert [s.customer_id for s in stops[dt.date(2026, 1, 13)]] == ["C1"]
    assert stops[dt.date(2026, 1, 14)] == () and stops[dt.date(2026, 1, 16)] == ()
    # A week without deliveries rows falls back to the sales forecast.
    fallback = delivery_stops(ds, dt.date(2026, 1, 26))
    assert list(fallback) == [dt.date(2026, 1, 26), dt.date(2026, 1, 28), dt.date(2026, 1, 30)]


def test_delivery_stops_rejects_a_week_not_starting_on_monday(tmp_path: Path) -> None:
    ds = load_dataset(write_dataset(tmp_path))
    with pytest.raises(ValueError, match="Monday"):
        delivery_stops(ds, dt.date(2026, 1, 13))


def test_build_day_problem_from_dataset(tmp_path: Path) -> None:
    config = ('[routing]\ndelivery_weekdays = ["Mon", "Wed", "Fri"]\ncircuity_factor = 1.5\n'
              'average_speed_kmh = 45.0\nmax_route_minutes = 480\n')
    ds = load_dataset(write_dataset(tmp_path, config=config))
    day = dt.date(2026, 1, 14)
    stops = delivery_stops(ds, dt.date(2026, 1, 12))[day]
    problem = build_day_problem(ds, day, stops)
    assert [d.depot_id for d in problem.depots] == ["D1", "D2"]
    assert [v.vehicle_id for v in problem.vehicles] == ["V1", "V2"]
    assert problem.vehicles[0] == Vehicle("V1", "D1", 1000.0, 8.0, 50.0, 0.5, 25.0, 420, 1020)
    assert problem.depots[0].open == 360 and problem.depots[0].close == 1200
    assert problem.stops == stops and problem.day == day
    assert problem.max_route_minutes == 480
    assert problem.km.shape == (4, 4)
    straight = float(haversine_km(53.55, 10.05, 53.5, 10.0))
    assert problem.km[0, problem.stop_index(0)] == pytest.approx(straight * 1.5)
    assert problem.minutes[0, 2] == pytest.approx(problem.km[0, 2] / 45.0 * 60.0)
    plan = solve_nearest_neighbour(problem)
    assert check_route_plan(problem, plan) == []
    assert plan.served_count == 2

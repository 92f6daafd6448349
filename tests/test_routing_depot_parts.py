"""A large day routed per depot: stops assigned to depots with room, parts that merge into a
feasible plan of the whole day, the stops a part could not take served by idle vehicles."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.result import STOP_WORK
from salesflow.optimizer.routing.check import check_route_plan
from salesflow.optimizer.routing.depot_parts import (
    PART_FILL,
    assign_depots,
    depot_parts,
    leftover_part,
    merge_plans,
)
from salesflow.optimizer.routing.distances import DistanceModel
from salesflow.optimizer.routing.nearest_neighbour import REASON_NO_CAPACITY
from salesflow.optimizer.routing.problem import Depot, RoutingProblem, Stop, Vehicle
from salesflow.optimizer.routing.solver import (
    POLICY,
    RoutingOptions,
    plan_objective,
    solve_routing,
)
from salesflow.optimizer.routing.stage import PART_SEARCH_RATE, part_limits, routing_stage

DAY = dt.date(2026, 1, 13)
MODEL = DistanceModel(circuity_factor=1.0, average_speed_kmh=60.0)
WEST = Depot("D1", "West", 50.0, 10.0, 360, 1200)
EAST = Depot("D2", "East", 50.0, 10.6, 360, 1200)
LIMITS = SolveLimits(time_limit_seconds=30, seed=0, workers=1, work_limit=300)


def stop(cid: str, lon: float, *, kg: float = 10.0, lat: float = 0.0) -> Stop:
    return Stop(cid, cid, 50.0 + lat, lon, kg, 0.1, 0, 1440, 10.0, 1)


def vehicle(vid: str, depot: str, *, kg: float = 1000.0, end: int = 1020) -> Vehicle:
    return Vehicle(vid, depot, kg, 10.0, 50.0, 0.5, 30.0, 480, end)


def problem(stops: list[Stop], vehicles: list[Vehicle]) -> RoutingProblem:
    depots = (WEST, EAST)
    lats = np.array([d.lat for d in depots] + [s.lat for s in stops])
    lons = np.array([d.lon for d in depots] + [s.lon for s in stops])
    km, minutes = MODEL.matrices(lats, lons)
    return RoutingProblem(DAY, depots, tuple(vehicles), tuple(stops), km, minutes)


def test_stops_go_to_the_nearest_depot_until_its_fleet_is_full() -> None:
    # Six stops of 10 kg west of the middle; the west fleet carries 50 kg, so its part takes
    # PART_FILL x 50 = 42.5 kg: four stops. The two that lose least by going east (the two
    # nearest the middle) go east.
    west = [stop(f"W{k}", 10.0 + 0.04 * k) for k in range(6)]
    east = [stop(f"E{k}", 10.6 - 0.04 * k) for k in range(3)]
    day = problem(west + east, [vehicle("V1", "D1", kg=50.0), vehicle("V2", "D2")])
    assigned = assign_depots(day)
    assert int(PART_FILL * 50 // 10) == 4
    assert assigned == {"D1": [0, 1, 2, 3], "D2": [4, 5, 6, 7, 8]}


def test_a_stop_only_another_depots_vehicle_can_carry_goes_there() -> None:
    day = problem([stop("HEAVY", 10.01, kg=400.0), stop("LIGHT", 10.01, lat=0.01)],
                  [vehicle("V1", "D1", kg=100.0), vehicle("V2", "D2", kg=1000.0)])
    assert assign_depots(day) == {"D1": [1], "D2": [0]}
    parts = depot_parts(day)
    assert [(p.depots[0].depot_id, [s.customer_id for s in p.stops]) for p in parts] == [
        ("D1", ["LIGHT"]), ("D2", ["HEAVY"])]
    # each part's matrices are the day's rows and columns of its locations
    east = parts[1]
    assert east.km[0, 1] == day.km[1, 2] and east.minutes[1, 0] == day.minutes[2, 1]


def test_parts_and_the_leftover_merge_into_a_feasible_plan_of_the_whole_day() -> None:
    # The west vehicle's short shift (8:00-9:00) lets it serve only some of the six stops
    # west; the east depot has two vehicles and one stop, so one vehicle stays idle and
    # takes what the west part left.
    west = [stop(f"W{k}", 10.02 + 0.005 * k) for k in range(6)]
    day = problem([*west, stop("E0", 10.58)],
                  [vehicle("V1", "D1", end=540), vehicle("V2", "D2"), vehicle("V3", "D2")])
    options = RoutingOptions(depot_parts_above=0)
    plans = [solve_routing(part, LIMITS, options).plan for part in depot_parts(day)]
    left = {u.customer_id for u in plans[0].unserved}
    assert left and all(u.reason == REASON_NO_CAPACITY for u in plans[0].unserved)
    rest = leftover_part(day, plans)
    assert rest is not None
    assert {s.customer_id for s in rest.stops} == left
    assert [v.vehicle_id for v in rest.vehicles] == ["V3"]
    plans.append(solve_routing(rest, LIMITS, options).plan)
    merged = merge_plans(day, plans, POLICY)
    assert check_route_plan(day, merged) == []
    assert merged.unserved == () and merged.served_count == 7
    # the day's cost is the sum of the parts' (their matrices are the day's)
    assert merged.cost_breakdown(day)["total"] == pytest.approx(sum(
        p.cost_breakdown(day)["total"] for p in plans))
    with pytest.raises(ValueError, match="must not share"):
        merge_plans(day, plans + plans[:1], POLICY)


def test_no_leftover_part_without_idle_vehicles() -> None:
    west = [stop(f"W{k}", 10.02 + 0.005 * k) for k in range(6)]
    day = problem([*west, stop("E0", 10.58)],
                  [vehicle("V1", "D1", end=540), vehicle("V2", "D2")])
    plans = [solve_routing(part, LIMITS).plan for part in depot_parts(day)]
    assert plans[0].unserved
    assert leftover_part(day, plans) is None
    merged = merge_plans(day, plans, POLICY)
    assert check_route_plan(day, merged) == []
    assert {u.customer_id for u in merged.unserved} == {u.customer_id
                                                        for u in plans[0].unserved}


def test_the_weekly_stage_routes_a_two_depot_day_per_depot(tiny_dir: Path) -> None:
    # Give the tiny dataset a second depot east of the first and half of the vehicles.
    depots = pd.read_csv(tiny_dir / "depots.csv", dtype=str)
    second = depots.iloc[[0]].assign(depot_id="D2", name="Second",
                                     lon=str(float(depots.lon.iloc[0]) + 0.1))
    pd.concat([depots, second]).to_csv(tiny_dir / "depots.csv", index=False)
    vehicles = pd.read_csv(tiny_dir / "vehicles.csv", dtype=str)
    vehicles.loc[vehicles.index % 2 == 1, "depot_id"] = "D2"
    vehicles.to_csv(tiny_dir / "vehicles.csv", index=False)
    dataset = load_dataset(tiny_dir)
    week = dataset.plan_week_start(None)
    limits = SolveLimits(time_limit_seconds=30, workers=1, work_limit=200)
    options = RoutingOptions(depot_parts_above=0)
    split = routing_stage(dataset, week, limits, options=options)
    again = routing_stage(dataset, week, limits, options=options)
    whole = routing_stage(dataset, week, limits)
    routed = 0
    for (day, plan), (_, base), solve, (_, same) in zip(split.days, split.baseline,
                                                        split.solves, again.days, strict=True):
        assert check_route_plan(day, plan) == []
        assert solve.objective == pytest.approx(plan_objective(day, plan, options))
        assert solve.objective <= plan_objective(day, base, options) + 1e-6
        assert plan == same  # the same plan again: the parts end on their work limits
        if len(day.stops) and "D1:" in solve.strategy and "D2:" in solve.strategy:
            routed += 1
    assert routed > 0
    # the same stops and baseline as the day routed whole
    for (day, _), (other, base) in zip(split.days, whole.baseline, strict=True):
        assert [s.customer_id for s in day.stops] == [s.customer_id for s in other.stops]
        assert base == next(b for (d, b) in split.baseline if d.day == day.day)


def test_a_single_stop_ends_on_its_work_limit_at_its_cheapest_vehicle() -> None:
    # A leftover part can be one stop and one idle vehicle: its search must end on its own
    # (guided local search found no second solution and ran to the clock).
    one = problem([stop("X", 10.3)], [vehicle("V1", "D2")])
    result = solve_routing(one, LIMITS)
    assert result.stop_reason.startswith(STOP_WORK) and result.plan.served_count == 1
    cheap = Vehicle("V2", "D1", 1000.0, 10.0, 20.0, 0.5, 30.0, 480, 1020)
    two = problem([stop("X", 10.3)], [vehicle("V1", "D2"), cheap])
    assert [r.vehicle_id for r in solve_routing(two, LIMITS).plan.routes] == ["V2"]


def test_a_depot_parts_work_limit_is_what_its_share_of_the_day_allows() -> None:
    # A day of 600 stops, a part of 300: half the day's 60 s, and at PART_SEARCH_RATE
    # stop-solutions per second 8,000 x 30 / 300 = 800 solutions (the usual 200 + 40 x 300
    # would be minutes of search on a part that size, cut by the clock wherever it was).
    day = problem([stop(f"S{i}", 10.0 + i / 1000) for i in range(600)], [vehicle("V1", "D1")])
    part = problem(list(day.stops[:300]), [vehicle("V1", "D1")])
    limits = SolveLimits(time_limit_seconds=60, seed=0, workers=2)
    got = part_limits(limits, day, part, 0.0, RoutingOptions())
    assert got.time_limit_seconds == pytest.approx(60.0)  # the clock: only a safety net
    assert got.work_limit == PART_SEARCH_RATE * 30 // 300 == 800
    # time already spent on the day shortens the part's clock, never its work
    later = part_limits(limits, day, part, 10.0, RoutingOptions())
    assert later.time_limit_seconds == pytest.approx(50.0) and later.work_limit == 800
    # a small part keeps the usual limit, reached long before its share of the clock (2 s,
    # the least a part gets, would allow 8,000 x 2 / 10 = 1,600)
    small = problem(list(day.stops[:10]), [vehicle("V1", "D1")])
    assert part_limits(limits, day, small, 0.0, RoutingOptions()).work_limit == 200 + 40 * 10
    # a part of a tiny share still gets 100 solutions; a given work limit is kept
    assert part_limits(replace(limits, time_limit_seconds=1), day, part, 0.0,
                       RoutingOptions()).work_limit == 100
    given = part_limits(replace(limits, work_limit=77), day, part, 10.0, RoutingOptions())
    assert given.work_limit == 77  # and the clock its share of what is left of the day:
    assert given.time_limit_seconds == pytest.approx(25.0)


def test_the_readme_gives_the_parts_search_rate_in_force() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"({PART_SEARCH_RATE:,} stop-solutions per second" in " ".join(readme.split())

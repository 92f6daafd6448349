"""Tests for the benchmark formats (salesflow.data.instances.vrp_formats), the instance conventions
(salesflow.optimizer.routing.instances) and the independent instance checker."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from salesflow.data.errors import InvalidInputError
from salesflow.data.instances.vrp_formats import parse_solomon, parse_vrplib, read_instance
from salesflow.data.instances.vrp_solutions import (
    parse_vrplib_solution,
    read_bks,
    read_vrplib_solution,
    vrplib_solution_text,
)
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.instance_check import check_instance_solution
from salesflow.optimizer.routing.instances import (
    fleet_size,
    instance_model,
    route_distance,
    solomon_distances,
    solve_instance,
    vrplib_distances,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "vrp"

# Depot at (0,0); customers on a small grid. Windows are generous except customer 3.
SOLOMON_TEXT = """TINY1

VEHICLE
NUMBER     CAPACITY
  2          20

CUSTOMER
CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME

    0          0        0           0       0         200           0
    1          3        4          10       0         150          10
    2          6        8           5       0         150          10
    3         -3        4           8      20          30          10
    4          0       10           7       0         150          10
"""

VRPLIB_TEXT = """NAME : tiny-cvrp
COMMENT : "test"
TYPE : CVRP
DIMENSION : 5
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 -3 -4
5 0 10
DEMAND_SECTION
1 0
2 4
3 4
4 6
5 5
DEPOT_SECTION
1
-1
EOF
"""


def test_parse_solomon_reads_every_field() -> None:
    inst = parse_solomon(SOLOMON_TEXT, "tiny.txt")
    assert (inst.name, inst.kind, inst.num_customers, inst.vehicles, inst.capacity) == (
        "TINY1", "solomon", 4, 2, 20.0)
    assert inst.coords is not None and inst.coords[3].tolist() == [-3.0, 4.0]
    assert inst.demands.tolist() == [0, 10, 5, 8, 7]
    assert inst.ready is not None and inst.ready[3] == 20
    assert inst.due is not None and inst.due[0] == 200
    assert inst.service is not None and inst.service[1] == 10


def test_parse_solomon_reports_bad_lines_with_rows() -> None:
    bad = SOLOMON_TEXT.replace("    2          6        8           5       0         150",
                               "    2          6        8           5       0         x50")
    bad = bad.replace("    4          0       10           7       0         150",
                      "    7          0       10           7       0         150")
    with pytest.raises(InvalidInputError) as err:
        parse_solomon(bad, "bad.txt")
    rows = {(p.row, p.column) for p in err.value.problems}
    assert (12, "CUSTOMER") in rows  # line 12: not seven numbers
    assert (14, "CUST NO.") in rows  # line 14: numbered 7 where 4 is expected
    assert all(p.file == "bad.txt" for p in err.value.problems)


def test_parse_solomon_rejects_a_window_ending_before_it_starts() -> None:
    bad = SOLOMON_TEXT.replace("20          30", "40          30")
    with pytest.raises(InvalidInputError, match="DUE DATE"):
        parse_solomon(bad, "bad.txt")


def test_parse_vrplib_and_round_distances() -> None:
    inst = parse_vrplib(VRPLIB_TEXT, "tiny.vrp")
    assert (inst.name, inst.kind, inst.num_customers, inst.capacity, inst.vehicles) == (
        "tiny-cvrp", "cvrp", 4, 10.0, None)
    assert inst.demands.tolist() == [0, 4, 4, 6, 5]
    dist = vrplib_distances(inst)
    assert dist[0, 1] == 5 and dist[1, 2] == 5 and dist[0, 4] == 10
    assert dist[3, 4] == round(math.hypot(3, 14))  # 14.318 -> 14


@pytest.mark.parametrize(("change", "message"), [
    (("TYPE : CVRP", "TYPE : VRPTW"), "only TYPE : CVRP"),
    (("DEPOT_SECTION\n1\n", "DEPOT_SECTION\n2\n"), "node 1"),
    (("5 0 10\n", ""), "no values for node"),
    (("CAPACITY : 10", "CAPACITY : -1"), "number > 0"),
    (("EDGE_WEIGHT_TYPE : EUC_2D", "EDGE_WEIGHT_TYPE : GEO"), "EDGE_WEIGHT_TYPE"),
])
def test_parse_vrplib_errors(change: tuple[str, str], message: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        parse_vrplib(VRPLIB_TEXT.replace(*change), "bad.vrp")
    assert any(message in str(p) for p in err.value.problems), err.value.problems


def test_explicit_lower_row_matrix() -> None:
    text = ("NAME : e\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
            "EDGE_WEIGHT_FORMAT : LOWER_ROW\nCAPACITY : 5\nEDGE_WEIGHT_SECTION\n4\n7 2\n"
            "DEMAND_SECTION\n1 0\n2 1\n3 1\nDEPOT_SECTION\n1\n-1\nEOF\n")
    inst = parse_vrplib(text, "e.vrp")
    assert vrplib_distances(inst).tolist() == [[0, 4, 7], [4, 0, 2], [7, 2, 0]]


def test_read_instance_detects_the_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SOLOMON_TEXT)
    (tmp_path / "b.vrp").write_text(VRPLIB_TEXT)
    assert read_instance(tmp_path / "a.txt").kind == "solomon"
    assert read_instance(tmp_path / "b.vrp").kind == "cvrp"
    with pytest.raises(InvalidInputError, match="cannot read"):
        read_instance(tmp_path / "missing.txt")


def test_solution_text_round_trip(tmp_path: Path) -> None:
    text = vrplib_solution_text([[1, 2], [], [3]], 1637.7)
    assert text == "Route #1: 1 2\nRoute #2: 3\nCost 1637.7\n"
    assert parse_vrplib_solution(text) == ([[1, 2], [3]], 1637.7)
    assert vrplib_solution_text([[4]], 27591) == "Route #1: 4\nCost 27591\n"
    with pytest.raises(ValueError, match="customers"):
        vrplib_solution_text([[0, 1]], 1.0)
    (tmp_path / "s.sol").write_text("Route #1: 1 x\nCost 3\n")
    with pytest.raises(InvalidInputError) as err:
        read_vrplib_solution(tmp_path / "s.sol")
    assert err.value.problems[0].row == 1


def test_read_bks_keeps_the_matching_conventions(tmp_path: Path) -> None:
    path = tmp_path / "bks.csv"
    path.write_text(
        "instance,set,customers,vehicles,bks_distance,objective,distance_convention\n"
        "R101,s,100,20,1637.7,distance_only,euclid_trunc_1dec\n"
        "R101,s,100,19,1645.79,hierarchical_vehicles_then_distance,euclid_double\n"
        "X-n101-k25,x,100,26,27591,distance_only_unlimited_fleet,euclid_round_int (nint)\n")
    assert read_bks(path) == {("R101", "solomon"): 1637.7, ("X-n101-k25", "cvrp"): 27591.0}


def test_solomon_distances_truncate_to_one_decimal() -> None:
    coords = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 4.0]])
    dist = solomon_distances(coords)
    assert dist[0, 1] == 14  # sqrt(2) = 1.414 -> 1.4
    assert dist[0, 2] == 50  # exactly 5.0 stays 5.0


def test_instance_model_follows_the_convention() -> None:
    inst = parse_solomon(SOLOMON_TEXT, "tiny.txt")
    model = instance_model(inst)
    assert len(model.vehicles) == 2 and model.vehicles[0].capacities == (20,)
    assert model.transit[1, 2] == 50 + 100  # 5.0 travel + 10 service, in tenths
    assert model.window_open[3] == 200 and model.window_close[3] == 300
    assert model.drop_penalty is None and model.is_timed
    cvrp = instance_model(parse_vrplib(VRPLIB_TEXT, "t.vrp"))
    assert not cvrp.is_timed
    # bound 2 + margin 3, capped at one vehicle per customer
    assert len(cvrp.vehicles) == fleet_size(parse_vrplib(VRPLIB_TEXT, "t.vrp")) == 4


def test_checker_accepts_a_valid_solution_and_computes_the_cost() -> None:
    inst = parse_solomon(SOLOMON_TEXT, "tiny.txt")
    check = check_instance_solution(inst, [[3, 1], [2, 4]])
    assert check.feasible, check.problems
    # 0->3 5.0, 3->1 6.0, 1->0 5.0 ; 0->2 10.0, 2->4 6.3 (6.32), 4->0 10.0
    assert check.cost == pytest.approx(5.0 + 6.0 + 5.0 + 10.0 + 6.3 + 10.0)
    assert check.vehicles == 2


@pytest.mark.parametrize(("routes", "message"), [
    ([[1, 2, 3], [4]], "after its due time"),  # 3 is reached at 39.8, due 30
    ([[3, 1, 2], [4]], "more than the capacity"),
    ([[3, 1], [2]], "not visited: 4"),
    ([[3, 1], [2, 4, 1]], "visited by routes 1 and 2"),
    ([[3], [1], [2, 4]], "more than the 2 vehicles"),
    ([[3, 9], [1, 2, 4]], "not a customer"),
])
def test_checker_catches_violations(routes: list[list[int]], message: str) -> None:
    inst = parse_solomon(SOLOMON_TEXT, "tiny.txt")
    problems = check_instance_solution(inst, routes).problems
    assert any(message in p for p in problems), problems


def test_solve_instance_finds_the_optimum_of_a_tiny_instance() -> None:
    inst = parse_solomon(SOLOMON_TEXT, "tiny.txt")
    solution = solve_instance(inst, SolveLimits(time_limit_seconds=10, workers=1, work_limit=300))
    check = check_instance_solution(inst, solution.routes)
    assert check.feasible and solution.complete
    # Brute force over every split into <= 2 routes and every order.
    from itertools import permutations

    dist = solomon_distances(inst.coords)
    best = math.inf
    for perm in permutations(range(1, 5)):
        for cut in range(0, 5):
            routes = (tuple(perm[:cut]), tuple(perm[cut:]))
            if check_instance_solution(inst, [list(r) for r in routes]).feasible:
                best = min(best, route_distance(dist, tuple(r for r in routes if r)) / 10)
    assert solution.cost == pytest.approx(best)
    assert check.cost == pytest.approx(solution.cost)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared benchmark data not present")
@pytest.mark.parametrize("name", ["C101", "R101", "RC208", "X-n101-k25"])
def test_checker_reproduces_the_published_best_known_costs(name: str) -> None:
    folder = "x" if name.startswith("X") else "solomon"
    suffix = ".vrp" if name.startswith("X") else ".txt"
    inst = read_instance(SHARED / folder / f"{name}{suffix}")
    routes, cost = read_vrplib_solution(SHARED / folder / f"{name}.sol")
    check = check_instance_solution(inst, routes)
    assert check.feasible, check.problems
    assert check.cost == pytest.approx(cost)
    assert check.cost == pytest.approx(read_bks(SHARED / "bks.csv")[(name, inst.kind)])
    dist, scale = (solomon_distances(inst.coords), 10) if inst.kind == "solomon" else (
        vrplib_distances(inst), 1)
    assert route_distance(dist, tuple(map(tuple, routes))) / scale == pytest.approx(cost)

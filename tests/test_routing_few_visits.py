"""Days with very few stops end within their time limit (OR-Tools' ILS ruin never returned on
one stop with vehicles at two depots; see ortools_search.ILS_MIN_VISITS)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Run in a child process so that a search that never returns is killed and fails the test
# instead of blocking the suite.
SOLVE = """
import datetime as dt, json, sys
import numpy as np
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.check import check_route_plan
from salesflow.optimizer.routing.distances import DistanceModel
from salesflow.optimizer.routing.problem import Depot, RoutingProblem, Stop, Vehicle
from salesflow.optimizer.routing.solver import solve_routing

n = int(sys.argv[1])
depots = (Depot("D1", "Billbrook", 53.43019, 10.12378, 300, 1320),
          Depot("D2", "Harburg", 53.46, 9.98, 360, 1200))
vehicles = (Vehicle("V01", "D1", 3000, 18, 107.85, 0.54, 33.68, 360, 960),
            Vehicle("V02", "D2", 1200, 9, 80, 0.4, 30, 420, 900))
stops = tuple(Stop(f"C{k}", f"customer {k}", 53.53 + 0.01 * k, 9.90 + 0.01 * k, 2.7, 0.0033,
                   480, 960, 10, 1) for k in range(n))
lats = np.array([d.lat for d in depots] + [s.lat for s in stops])
lons = np.array([d.lon for d in depots] + [s.lon for s in stops])
km, minutes = DistanceModel(1.3, 30.0).matrices(lats, lons)
problem = RoutingProblem(dt.date(2026, 11, 24), depots, vehicles, stops, km, minutes, 0)
limits = SolveLimits(time_limit_seconds=3, seed=0, workers=1, work_limit=float("inf"))
result = solve_routing(problem, limits)
print(json.dumps({"served": result.plan.served_count,
                  "problems": [str(p) for p in check_route_plan(problem, result.plan)]}))
"""


@pytest.mark.parametrize("n_stops", [1, 2, 3, 6])
def test_few_stops_at_two_depots_end_within_the_limit(n_stops: int) -> None:
    try:
        done = subprocess.run([sys.executable, "-c", SOLVE, str(n_stops)], capture_output=True,
                              text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"routing {n_stops} stop(s) at two depots did not return in 60 s "
                    "(time limit 3 s)")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer == {"served": n_stops, "problems": []}

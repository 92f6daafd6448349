"""Every engine returns the one result shape (salesflow.optimizer.result): a SolveStatus,
objective, bound, gap, runtime and stop reason; no solution is objective None everywhere."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.builder import build_purchase_problem
from salesflow.optimizer.purchasing.solve import STOP_PARTS, solve_purchasing
from salesflow.optimizer.result import SolveOutcome, SolveStatus, relative_gap
from salesflow.optimizer.routing.builder import build_day_problem, delivery_stops
from salesflow.optimizer.routing.solver import solve_routing
from salesflow.optimizer.staffing.problem import (
    CoverDemand,
    RosterProblem,
    ShiftType,
    StaffMember,
    WorkLimit,
)
from salesflow.optimizer.staffing.solve import solve_roster


def _common(outcome: object) -> None:
    assert isinstance(outcome, SolveOutcome)
    assert isinstance(outcome.status, SolveStatus)
    assert isinstance(outcome.stop_reason, str) and outcome.stop_reason
    assert outcome.runtime >= 0
    if outcome.status.has_solution:
        assert outcome.objective is not None and math.isfinite(outcome.objective)
        if outcome.bound is not None:
            assert outcome.bound <= outcome.objective + 1e-6
            assert outcome.gap == relative_gap(outcome.objective, outcome.bound)
    else:
        assert outcome.objective is None and outcome.gap is None


def test_purchasing_returns_the_shared_shape(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    week = dataset.plan_week_start()
    demand = pd.DataFrame([(sku, pd.Timestamp(week) + pd.Timedelta(weeks=t), 5.0)
                           for sku in dataset.skus["sku"] for t in range(3)],
                          columns=["sku", "week_start", "quantity"])
    problem = build_purchase_problem(dataset, demand, week, 3)
    solution = solve_purchasing(problem, SolveLimits(10.0, 1, 0))
    _common(solution)
    assert solution.status.has_solution and solution.bound is not None
    # "parts solved": every supplier MIP ended by its gap, yet the plan is above the bound.
    assert solution.stop_reason in ("proof", "time limit", STOP_PARTS)


def _roster_problem(min_minutes: int) -> RosterProblem:
    return RosterProblem(
        n_days=1, first_weekday=0, shift_types=(ShiftType("D", 480, 960, 480),),
        staff=(StaffMember("e1", ("pick",),
                           work_limits=(WorkLimit(0, 1, min_minutes, 600),)),),
        demands=(CoverDemand(0, "D", "pick", 1, 10.0, 1.0),))


def test_staffing_returns_the_shared_shape() -> None:
    solution = solve_roster(_roster_problem(0), SolveLimits(10.0, 1, 0))
    _common(solution)
    assert solution.status == SolveStatus.OPTIMAL and solution.stop_reason == "proof"
    assert solution.objective == pytest.approx(0.0) and solution.gap == 0.0


def test_staffing_without_a_roster_has_no_objective() -> None:
    # At least 540 paid minutes in a day whose only shift pays 480: no roster exists.
    solution = solve_roster(_roster_problem(540), SolveLimits(10.0, 1, 0))
    _common(solution)
    assert solution.status == SolveStatus.INFEASIBLE
    assert solution.objective is None and solution.bound is None


def test_routing_returns_the_shared_shape(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    day, stops = next((d, s) for d, s in sorted(
        delivery_stops(dataset, dataset.plan_week_start()).items()) if s)
    result = solve_routing(build_day_problem(dataset, day, stops),
                           SolveLimits(30.0, 1, 0, work_limit=100))
    _common(result)
    assert result.status == SolveStatus.FEASIBLE
    assert result.bound is None and result.gap is None
    assert result.stop_reason in ("work limit (no bound)", "time limit (no bound)")

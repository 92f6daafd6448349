"""Column generation over the roster model: its bound never exceeds the optimum found by brute
force, the dived roster keeps every rule and costs what the formula says, the relaxation-induced
neighbourhood returns a feasible roster, and the solve is deterministic on a budget."""

from __future__ import annotations

import itertools
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.columns import generate_columns
from salesflow.optimizer.staffing.lns import relaxation_solve
from salesflow.optimizer.staffing.problem import (
    CoverDemand,
    RosterProblem,
    RotationBan,
    Shift,
    ShiftRequest,
    ShiftType,
    StaffMember,
    WorkLimit,
)
from salesflow.optimizer.staffing.rule_check import check_rules, solution_cost
from salesflow.optimizer.staffing.solve import OPTIMAL, build_model, solve_roster

ROLE = "picker"
SHIFTS = (ShiftType("E", 360, 840, 480), ShiftType("L", 780, 1200, 420))


@st.composite
def _problems(draw) -> RosterProblem:
    """Two employees, three or four days, two shift types, every rule family drawn."""
    n_days = draw(st.integers(3, 4))
    staff = tuple(
        StaffMember(
            employee_id=name, skills=(ROLE,),
            cost_per_paid_minute=draw(st.sampled_from([0.0, 0.05])),
            days_off=frozenset(draw(st.sets(st.integers(0, n_days - 1), max_size=1))),
            work_limits=(WorkLimit(0, n_days, 420 * draw(st.integers(0, 2)),
                                   480 * draw(st.integers(1, n_days))),),
            max_shifts=(("L", draw(st.integers(0, 2))),),
            max_consecutive_shifts=draw(st.integers(1, 3)),
            min_consecutive_shifts=draw(st.integers(1, 2)),
            min_consecutive_days_off=draw(st.integers(1, 2)),
            max_weekends=draw(st.sampled_from([None, 0, 1])))
        for name in ("A", "B"))
    bans = (RotationBan("L", "E", 1),) if draw(st.booleans()) else ()
    demands = tuple(CoverDemand(d, s.shift_id, ROLE, draw(st.integers(0, 2)),
                                draw(st.integers(1, 100)), draw(st.integers(0, 5)))
                    for d in range(n_days) for s in SHIFTS)
    request = st.builds(ShiftRequest, st.integers(0, 1), st.integers(0, n_days - 1),
                        st.sampled_from([None, "E", "L"]), st.booleans(),
                        st.sampled_from([1.0, 2.0, 3.0]))
    requests = tuple(draw(st.lists(request, max_size=4)))
    return RosterProblem(n_days, draw(st.integers(0, 6)), SHIFTS, staff, bans, "shift",
                         demands, requests)


def _rosters(problem: RosterProblem):
    """Every roster of the problem (feasible or not)."""
    options = [None, *range(len(problem.shift_types))]
    for plans in itertools.product(itertools.product(options, repeat=problem.n_days),
                                   repeat=len(problem.staff)):
        yield tuple(Shift(e, d, s, ROLE) for e, plan in enumerate(plans)
                    for d, s in enumerate(plan) if s is not None)


def _brute_force(problem: RosterProblem) -> tuple[tuple[Shift, ...] | None, float | None]:
    """The first feasible roster met and the least objective of any feasible roster."""
    first, best = None, None
    for shifts in _rosters(problem):
        if check_rules(problem, shifts):
            continue
        cost = solution_cost(problem, shifts)["total"]
        if first is None:
            first = shifts
        if best is None or cost < best:
            best = cost
    return first, best


@settings(max_examples=15, deadline=None)
@given(_problems())
def test_bound_is_below_the_optimum_and_the_dived_roster_is_feasible(
        problem: RosterProblem) -> None:
    first, best = _brute_force(problem)
    if first is None:  # no feasible roster: nothing to start from
        return
    outcome = generate_columns(problem, first, seed=0, workers=1, dtime_budget=5.0,
                               deadline=time.perf_counter() + 60.0)
    assert outcome.bound <= best + 1e-9
    assert outcome.columns >= len(problem.staff)
    assert check_rules(problem, outcome.shifts) == []
    assert outcome.objective == round(solution_cost(problem, outcome.shifts)["total"])
    # The LP schedule gives every employee at most one shift a day in total.
    per_day: dict[tuple[int, int], float] = {}
    for (e, d, _s, _r), value in outcome.relaxed.items():
        per_day[e, d] = per_day.get((e, d), 0.0) + value
    assert all(value <= 1 + 1e-6 for value in per_day.values())


def _week_problem(n_staff: int = 6, n_days: int = 14) -> RosterProblem:
    """A fortnight: runs of 2-5 working days, two days off at least, late not before early,
    a weekend off in two, cover of 2 per shift and day (more on Mondays), a few requests."""
    staff = tuple(
        StaffMember(employee_id=f"N{k}", skills=(ROLE,),
                    days_off=frozenset({(3 * k) % n_days}),
                    work_limits=(WorkLimit(0, n_days, 420 * 6, 480 * 10),),
                    max_consecutive_shifts=5, min_consecutive_shifts=2,
                    min_consecutive_days_off=2, max_weekends=1)
        for k in range(n_staff))
    demands = tuple(CoverDemand(d, s.shift_id, ROLE, 2 + (d % 7 == 0), 100.0, 1.0)
                    for d in range(n_days) for s in SHIFTS)
    requests = tuple(ShiftRequest(k, (5 * k + 1) % n_days, "L", False, 2.0)
                     for k in range(n_staff))
    return RosterProblem(n_days, 0, SHIFTS, staff, (RotationBan("L", "E", 1),), "shift",
                         demands, requests)


def _first_roster(problem: RosterProblem) -> tuple[Shift, ...]:
    solution = solve_roster(problem, SolveLimits(5.0, 1, 0, relative_gap=0.99))
    assert solution.has_roster
    return solution.shifts


def test_same_seed_same_columns_and_roster() -> None:
    problem = _week_problem()
    start = _first_roster(problem)
    runs = [generate_columns(problem, start, seed=3, workers=2, dtime_budget=4.0,
                             deadline=time.perf_counter() + 120.0) for _ in range(2)]
    assert runs[0].shifts == runs[1].shifts
    assert runs[0].bound == runs[1].bound
    assert runs[0].relaxed == runs[1].relaxed
    assert math.isfinite(runs[0].bound)


def test_relaxation_solve_fixes_an_integral_schedule_and_keeps_the_rules() -> None:
    problem = _week_problem()
    start = _first_roster(problem)
    built = build_model(problem)
    # An integral "relaxation" equal to the roster fixes every employee-day: the solve can only
    # return the roster itself, at the objective the formula gives.
    integral = {(a.employee, a.day, a.shift, a.role): 1.0 for a in start}
    found = relaxation_solve(built.model, built.vars, start, integral, seed=0, workers=1,
                             dtime=5.0, seconds=30.0)
    assert found is not None
    assert found[0] == start
    assert found[1] == round(solution_cost(problem, start)["total"])
    # The column generation LP frees its fractional employee-days; the result keeps the rules
    # and is no worse than the roster it started from.
    outcome = generate_columns(problem, start, seed=0, workers=1, dtime_budget=3.0,
                               deadline=time.perf_counter() + 60.0)
    found = relaxation_solve(built.model, built.vars, start, outcome.relaxed, seed=0,
                             workers=2, dtime=5.0, seconds=30.0)
    if found is not None:
        assert check_rules(problem, found[0]) == []
        assert found[1] == round(solution_cost(problem, found[0])["total"])


def test_solve_reports_a_bound_no_roster_beats_and_proves_small_rosters() -> None:
    problem = _week_problem()
    solution = solve_roster(problem, SolveLimits(30.0, 2, 0))
    assert solution.has_roster
    assert check_rules(problem, solution.shifts) == []
    assert solution.bound <= solution.objective
    assert solution.objective == solution_cost(problem, solution.shifts)["total"]
    # The column bound closes the gap the compact model's relaxation leaves open.
    assert solution.status == OPTIMAL


def test_hourly_cover_with_skills_and_labour_cost() -> None:
    # The warehouse form of the model: coverage per (day, hour, skill) in person-minutes, a
    # night shift crossing midnight, two skills, labour cost per paid minute, costs in cents.
    shifts = (ShiftType("early", 360, 840, 450), ShiftType("late", 840, 1320, 450),
              ShiftType("night", 1320, 1800, 450))
    staff = tuple(
        StaffMember(employee_id=f"W{k}", skills=(("pick",), ("pick", "pack"), ("pack",))[k % 3],
                    cost_per_paid_minute=0.4 + 0.05 * k,
                    work_limits=(WorkLimit(0, 4, 0, 450 * 3),), max_consecutive_shifts=3,
                    min_consecutive_days_off=2)
        for k in range(5))
    demands = tuple(CoverDemand(d, h, skill, 60 * (1 + (h % 5 == 0)), 0.9, 0.1)
                    for d in range(4) for h in range(6, 22) for skill in ("pick", "pack"))
    bans = (RotationBan("night", "early", 1), RotationBan("late", "early", 1))
    problem = RosterProblem(4, 2, shifts, staff, bans, "hour", demands, cost_scale=100)
    exact = solve_roster(problem, SolveLimits(60.0, 2, 0))
    assert exact.status == OPTIMAL
    start = _first_roster(problem)
    outcome = generate_columns(problem, start, seed=0, workers=2, dtime_budget=5.0,
                               deadline=time.perf_counter() + 60.0)
    optimum = round(exact.objective * problem.cost_scale)
    assert outcome.bound <= optimum
    assert outcome.objective >= optimum
    assert check_rules(problem, outcome.shifts) == []
    cost = solution_cost(problem, outcome.shifts)["total"]
    assert outcome.objective == round(cost * problem.cost_scale)


def test_a_failing_lp_solver_leaves_the_starting_roster(monkeypatch) -> None:
    # GLOP can end abnormally (MathOpt then raises); column generation must still return a
    # roster (the one it started from) and no bound, and the solve must go on.
    from ortools.math_opt.python import mathopt

    def broken(self, *args, **kwargs):
        raise RuntimeError("Unexpected GLOP termination reason: ABNORMAL")

    problem = _week_problem()
    start = _first_roster(problem)
    monkeypatch.setattr(mathopt.IncrementalSolver, "solve", broken)
    outcome = generate_columns(problem, start, seed=0, workers=1, dtime_budget=2.0,
                               deadline=time.perf_counter() + 30.0)
    assert set(outcome.shifts) == set(start)
    assert outcome.bound == -math.inf
    solution = solve_roster(problem, SolveLimits(10.0, 1, 0))
    assert solution.has_roster
    assert check_rules(problem, solution.shifts) == []


def test_a_starting_roster_that_breaks_a_rule_is_refused() -> None:
    problem = _week_problem()
    # Employee 0 works all fourteen days: more than five in a row and over the minutes limit.
    broken = tuple(Shift(0, d, 0, ROLE) for d in range(problem.n_days))
    with pytest.raises(ValueError, match="employee 0 breaks a hard rule"):
        generate_columns(problem, broken, seed=0, workers=1, dtime_budget=1.0,
                         deadline=time.perf_counter() + 10.0)

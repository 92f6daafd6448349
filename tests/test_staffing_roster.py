"""The CP-SAT warehouse roster: exact small optima, costs equal the formula, every roster passes
the independent checkers, same seed same roster, impossible requirements reported and priced,
infeasible rules named."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.result import STOP_TIME, SolveStatus
from salesflow.optimizer.staffing.check import check_roster
from salesflow.optimizer.staffing.greedy import greedy_roster
from salesflow.optimizer.staffing.lns import improve
from salesflow.optimizer.staffing.planner import plan_roster
from salesflow.optimizer.staffing.rule_check import check_rules, solution_cost
from salesflow.optimizer.staffing.solve import build_model
from salesflow.optimizer.staffing.warehouse_problem import (
    Penalties,
    WarehouseRules,
    warehouse_problem,
)

MONDAY = dt.date(2026, 1, 5)
WEEK = [MONDAY + dt.timedelta(days=i) for i in range(7)]
FAST = SolveLimits(120.0, 2, 0)  # generous: these small cases end on a proof


def employees_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (employee_id, skills, hourly_cost, min_hours, max_hours, unavailable)."""
    return pd.DataFrame(
        [(e, f"name {e}", tuple(s), float(c), float(lo), float(hi), tuple(u))
         for e, s, c, lo, hi, u in rows],
        columns=["employee_id", "name", "skills", "hourly_cost", "min_hours_week",
                 "max_hours_week", "unavailable"])


def shifts_frame(rows: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["shift_id", "start", "end", "break_minutes"])


def need(rows: list[tuple[dt.date, int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame([(pd.Timestamp(d), h, s, r) for d, h, s, r in rows],
                        columns=["date", "hour", "skill", "required"])


ONE_SHIFT = shifts_frame([("day", 480, 960, 0.0)])  # 08:00-16:00, 8 h paid


def test_exact_optimum_staffs_a_full_requirement() -> None:
    emp = employees_frame([("E1", ["picker"], 20, 0, 40, [])])
    req = need([(MONDAY, h, "picker", 1.0) for h in range(8, 16)])
    plan = plan_roster(emp, ONE_SHIFT, req, [MONDAY], Penalties(60, 10), limits=FAST)
    assert plan.solution.status == "optimal"
    assert [(a.employee_id, a.day, a.shift_id, a.role) for a in plan.roster.assignments] == [
        ("E1", MONDAY, "day", "picker")]
    assert plan.cost.total == pytest.approx(160.0)
    assert plan.solution.objective == pytest.approx(160.0)
    assert plan.solution.bound == pytest.approx(160.0)


def test_exact_optimum_leaves_a_small_requirement_short() -> None:
    # 0.2 persons for 8 hours: short costs 8 * 0.2 * 60 = 96; staffing costs 160 + 8*0.8*10.
    emp = employees_frame([("E1", ["picker"], 20, 0, 40, [])])
    req = need([(MONDAY, h, "picker", 0.2) for h in range(8, 16)])
    plan = plan_roster(emp, ONE_SHIFT, req, [MONDAY], Penalties(60, 10), limits=FAST)
    assert plan.roster.assignments == ()
    assert plan.cost.total == pytest.approx(96.0)
    assert plan.cost.under_penalty == pytest.approx(96.0)
    assert all(f.priced and f.reason.startswith("left short") for f in plan.shortfalls)


def test_roster_beats_the_fixed_pattern_with_the_same_penalties() -> None:
    emp = employees_frame([(f"E{i}", [*["picker", "packer"][i % 2:][:1], "shipper"], 18 + i,
                            0, 40, []) for i in range(6)])
    shifts = shifts_frame([("early", 360, 840, 30.0), ("late", 780, 1260, 30.0)])
    req = need([(d, h, s, 2.0 if h < 12 else 1.0) for d in WEEK[:5] for h in range(7, 20)
                for s in ("picker", "packer")])
    plan = plan_roster(emp, shifts, req, WEEK, limits=FAST)
    assert plan.violations == ()
    assert plan.cost.total <= plan.baseline_cost.total
    assert plan.cost.total == pytest.approx(plan.solution.objective, abs=0.01)
    assert plan.solution.bound <= plan.solution.objective + 1e-6


def test_impossible_requirements_are_reported_and_priced() -> None:
    emp = employees_frame([("E1", ["picker"], 20, 0, 40, []), ("E2", ["picker"], 20, 0, 40, [])])
    req = need([(MONDAY, h, "picker", 1.0) for h in range(8, 16)]
               + [(MONDAY, 10, "welder", 1.0), (MONDAY, 3, "picker", 1.0),
                  (MONDAY, 12, "picker", 2.0)])
    plan = plan_roster(emp, ONE_SHIFT, req, [MONDAY], Penalties(60, 10), limits=FAST)
    assert plan.roster.assignments  # the roster is still produced
    reasons = {(f.date, f.hour, f.skill): f.reason for f in plan.shortfalls}
    assert reasons[MONDAY, 10, "welder"] == "no employee has skill 'welder'"
    assert "no shift type covers 03:00" in reasons[MONDAY, 3, "picker"]
    assert "needs 3 persons, but only 2 of the 2 employees" in reasons[MONDAY, 12, "picker"]
    # Priced: the welder and the 03:00 hour are short by 1 each; E2 is not worth rostering
    # (labour 160 + 7 idle hours x 10 for 60 of penalty), so hour 12 is short by 2.
    assert len(plan.roster.assignments) == 1
    assert plan.cost.under_person_hours == pytest.approx(4.0)
    assert plan.cost.under_penalty == pytest.approx(240.0)


def test_more_hours_than_contracts_allow_is_reported() -> None:
    emp = employees_frame([("E1", ["picker"], 20, 0, 16, [])])
    req = need([(d, h, "picker", 1.0) for d in WEEK[:3] for h in range(8, 16)])
    plan = plan_roster(emp, ONE_SHIFT, req, WEEK, Penalties(60, 10), limits=FAST)
    assert len(plan.roster.assignments) == 2  # 16 h of 8-hour shifts
    short = [f for f in plan.shortfalls if "contracts" in f.reason]
    assert len(short) == 8 and {f.skill for f in short} == {"picker"}
    assert "'picker' needs 24.0 person-hours in 2026-W02" in short[0].reason
    assert plan.cost.under_person_hours == pytest.approx(8.0)


def test_rest_unavailability_and_weekly_minimum() -> None:
    emp = employees_frame([("E1", ["picker"], 20, 30, 40, [WEEK[2]])])
    shifts = shifts_frame([("early", 360, 840, 30.0), ("late", 840, 1320, 30.0)])
    req = need([(d, h, "picker", 1.0) for d in WEEK for h in (6, 7, 20, 21)])
    plan = plan_roster(emp, shifts, req, WEEK, limits=FAST)
    work = {a.day: a.shift_id for a in plan.roster.assignments}
    assert WEEK[2] not in work
    for day, shift in work.items():
        nxt = work.get(day + dt.timedelta(days=1))
        assert not (shift == "late" and nxt == "early")  # 8 h rest only
    # min 30 h prorated by 6 available days: 25.7 h, i.e. at least 4 shifts of 7.5 h
    assert sum(a.paid_hours for a in plan.roster.assignments) >= 30 * 6 / 7
    assert plan.violations == ()


def test_infeasible_rules_are_named_and_the_fixed_pattern_stands_in() -> None:
    # 40 h minimum of 8 h shifts needs 5 days; at most 1 day in a row allows 4 of 7.
    emp = employees_frame([("E1", ["picker"], 20, 40, 40, [])])
    req = need([(d, 9, "picker", 1.0) for d in WEEK])
    plan = plan_roster(emp, ONE_SHIFT, req, WEEK,
                       rules=WarehouseRules(max_consecutive_days=1), limits=FAST)
    assert plan.solution.status == "infeasible"
    assert "work_time (E1)" in plan.solution.conflicts
    assert "max_consecutive_shifts (E1)" in plan.solution.conflicts
    assert plan.roster.policy.startswith("fixed_pattern")
    assert plan.violations == ()


def test_the_greedy_roster_stands_in_when_cp_sat_finds_nothing_in_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A very large roster (740 people on xlarge) can end its time limit without a CP-SAT
    # roster: the greedy one obeys the rules and costs less than the fixed pattern.
    from salesflow.optimizer.staffing import planner
    from salesflow.optimizer.staffing.solve import RosterSolution

    def nothing(*_args: object, **_kwargs: object) -> RosterSolution:
        return RosterSolution(SolveStatus.NO_SOLUTION, (), None, 1000.0, 60.0,
                              stopped_by=STOP_TIME)

    monkeypatch.setattr(planner, "solve_roster", nothing)
    emp = employees_frame([(f"E{i}", ["picker"], 20, 0, 40, []) for i in range(4)])
    req = need([(d, h, "picker", 2.0) for d in WEEK[:5] for h in range(8, 16)])
    plan = plan_roster(emp, ONE_SHIFT, req, WEEK, Penalties(60, 10), limits=FAST)
    assert plan.roster.policy == "greedy (cp_sat no solution)"
    # the bound is the larger of CP-SAT's (1000) and the LP relaxation's: 80 person-hours at 20
    assert plan.solution.status == "feasible"
    assert plan.solution.bound == pytest.approx(min(1600.0, plan.solution.objective), rel=1e-5)
    assert plan.violations == ()
    assert plan.cost.total < plan.baseline_cost.total
    wr = warehouse_problem(emp, ONE_SHIFT, req, WEEK, Penalties(60, 10))
    assert plan.solution.objective == pytest.approx(
        solution_cost(wr.problem, greedy_roster(wr.problem))["total"])
    assert plan.solution.objective == pytest.approx(plan.cost.total)


def test_the_closing_search_starts_from_the_hint_when_the_opening_found_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ortools.sat.python import cp_model

    from salesflow.optimizer.staffing import solve

    hints: list[tuple[object, ...]] = []
    real = solve._cp_sat

    def opening_finds_nothing(built: Any, problem: Any, limits: Any, hint: Any,
                              *rest: Any) -> Any:
        hints.append(tuple(hint))
        status, solver = real(built, problem, limits, hint, *rest)
        return (cp_model.UNKNOWN, solver) if len(hints) == 1 else (status, solver)

    monkeypatch.setattr(solve, "_cp_sat", opening_finds_nothing)
    emp = employees_frame([(f"E{i}", ["picker"], 20, 0, 40, []) for i in range(4)])
    req = need([(d, h, "picker", 2.0) for d in WEEK[:5] for h in range(8, 16)])
    wr = warehouse_problem(emp, ONE_SHIFT, req, WEEK, Penalties(60, 10))
    hint = greedy_roster(wr.problem)
    result = solve.solve_roster(wr.problem, FAST, hint=hint)
    assert len(hints) == 2 and hints[0] == hints[1] == hint
    assert result.has_roster


def test_same_seed_same_roster() -> None:
    emp = employees_frame([(f"E{i}", ["picker", "packer"], 20 + (i % 3), 0, 40, [])
                           for i in range(10)])
    shifts = shifts_frame([("early", 360, 840, 30.0), ("day", 480, 990, 30.0),
                           ("late", 720, 1200, 30.0)])
    req = need([(d, h, s, 1.5 + (h % 3) / 2) for d in WEEK[:6] for h in range(6, 20)
                for s in ("picker", "packer")])
    # A deterministic budget of 0.3 units of CP-SAT work (about 2 s of wall time here) under
    # a wall-clock limit of 600 s: the search ends on the deterministic budget (or a proof)
    # however loaded the machine is, and then the same seed must give the same roster.
    limits = SolveLimits(600.0, 2, 7, work_limit=0.3)
    first = plan_roster(emp, shifts, req, WEEK, limits=limits)
    again = plan_roster(emp, shifts, req, WEEK, limits=limits)
    for plan in (first, again):
        assert plan.solution.stopped_by in ("proof", "deterministic limit")
        assert plan.solution.has_roster and plan.violations == ()
    assert first.solution.shifts == again.solution.shifts
    assert first.solution.objective == again.solution.objective
    assert first.roster == again.roster
    assert first.cost == again.cost


def test_neighbourhood_search_improves_a_hinted_roster() -> None:
    # The full model carries the greedy roster as its hint (as in solve_roster); every
    # neighbourhood replaces that hint, so each sub-model is valid, spends its budget and
    # never makes the roster worse.
    emp = employees_frame([(f"E{i}", ["picker", "packer"], 20 + (i % 3), 0, 40, [])
                           for i in range(10)])
    shifts = shifts_frame([("early", 360, 840, 30.0), ("day", 480, 990, 30.0),
                           ("late", 720, 1200, 30.0)])
    req = need([(d, h, s, 1.5 + (h % 3) / 2) for d in WEEK[:6] for h in range(6, 20)
                for s in ("picker", "packer")])
    problem = warehouse_problem(emp, shifts, req, WEEK).problem
    start = greedy_roster(problem)
    start_cost = solution_cost(problem, start)["total"]
    built = build_model(problem)
    for var in built.vars.x.values():
        built.model.add_hint(var, False)
    outcome = improve(built.model, built.vars, problem, start,
                      round(start_cost * problem.cost_scale), seed=3, workers=2,
                      dtime_budget=1.0, deadline=time.perf_counter() + 600)
    assert outcome.rounds >= 1 and outcome.dtime > 0
    assert check_rules(problem, outcome.shifts) == []
    cost = solution_cost(problem, outcome.shifts)["total"]
    assert cost == pytest.approx(outcome.objective / problem.cost_scale, abs=1e-6)
    assert cost <= start_cost + 1e-6


def test_greedy_hint_obeys_the_rules() -> None:
    emp = employees_frame([(f"E{i}", ["picker", "packer"], 20, 20, 40, [WEEK[i % 7]])
                           for i in range(8)])
    shifts = shifts_frame([("early", 360, 840, 30.0), ("late", 780, 1260, 30.0),
                           ("night", 1320, 360, 30.0)])
    req = need([(d, h, "picker", 3.0) for d in WEEK for h in range(24)])
    wr = warehouse_problem(emp, shifts, req, WEEK)
    hint = greedy_roster(wr.problem)
    assert hint and check_rules(wr.problem, hint) == []


@st.composite
def _instances(draw):
    n_emp = draw(st.integers(1, 5))
    rows = []
    for i in range(n_emp):
        skills = draw(st.lists(st.sampled_from(["picker", "packer", "shipper"]), min_size=1,
                               max_size=2, unique=True))
        hi = draw(st.sampled_from([8.0, 16.0, 30.0, 40.0]))
        lo = draw(st.sampled_from([0.0, min(hi, 10.0)]))
        off = draw(st.lists(st.sampled_from(WEEK[:4]), max_size=1))
        rows.append((f"E{i}", skills, draw(st.integers(15, 30)), lo, hi, off))
    shift_rows = []
    for k in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 23)) * 60
        length = draw(st.sampled_from([240, 480, 510, 600]))
        shift_rows.append((f"S{k}", start, (start + length) % 1440, draw(st.sampled_from(
            [0.0, 30.0]))))
    req_rows = [(d, h, s, draw(st.sampled_from([0.5, 1.0, 2.0])))
                for d in WEEK[:4] for h in draw(st.sets(st.integers(0, 23), max_size=4))
                for s in draw(st.sets(st.sampled_from(["picker", "packer"]), min_size=1))]
    return employees_frame(rows), shifts_frame(shift_rows), need(req_rows)


@settings(max_examples=15, deadline=None)
@given(_instances())
def test_every_roster_passes_the_checkers_and_costs_its_objective(instance) -> None:
    emp, shifts, req = instance
    days = WEEK[:4]
    limits = SolveLimits(10.0, 2, 0, work_limit=1.0)
    plan = plan_roster(emp, shifts, req, days, limits=limits)
    assert check_roster(plan.roster, emp, shifts, days) == []
    assert plan.violations == ()
    if plan.solution.has_roster:
        wr = warehouse_problem(emp, shifts, req, days)
        cost = solution_cost(wr.problem, plan.solution.shifts)
        assert cost["total"] == pytest.approx(plan.solution.objective, abs=1e-6)
        # The requirement is rounded to whole person-minutes in the model only.
        assert plan.cost.total == pytest.approx(cost["total"], abs=0.01)

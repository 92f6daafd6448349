"""Each roster rule unit alone: a roster that obeys it is feasible, one that breaks it is not.

The roster is pinned (every ``x`` fixed to the given assignments) and only the unit under test
is added, so the verdict is the unit's own. The independent checker
(:func:`~salesflow.optimizer.staffing.rule_check.check_rules`) must agree on every case.
"""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from salesflow.optimizer.staffing import rules
from salesflow.optimizer.staffing.problem import (
    RosterProblem,
    RotationBan,
    Shift,
    ShiftType,
    StaffMember,
    WorkLimit,
)
from salesflow.optimizer.staffing.rule_check import check_rules
from salesflow.optimizer.staffing.variables import make_vars

EARLY = ShiftType("early", 360, 840, 450)    # 06:00-14:00, 7.5 h paid
LATE = ShiftType("late", 840, 1320, 450)     # 14:00-22:00
NIGHT = ShiftType("night", 1320, 1800, 450)  # 22:00-06:00


def problem(n_days: int = 7, first_weekday: int = 0, bans: tuple[RotationBan, ...] = (),
            **member: object) -> RosterProblem:
    staff = (StaffMember("E1", skills=member.pop("skills", ("picker",)), **member),)
    return RosterProblem(n_days, first_weekday, (EARLY, LATE, NIGHT), staff, bans)


def pinned_status(p: RosterProblem, unit: rules.RuleUnit, work: list[tuple]) -> bool:
    """Whether the roster ``work`` = [(day, shift index, role)] of employee 0 satisfies
    ``unit`` (as decided by CP-SAT)."""
    model = cp_model.CpModel()
    v = make_vars(model, p)
    unit(model, v, p, rules.no_guard)
    chosen = {(0, d, s, r) for d, s, r in work}
    for key, var in v.x.items():
        model.add(var == (1 if key in chosen else 0))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    status = solver.solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return status == cp_model.OPTIMAL


def verdicts(p: RosterProblem, unit: rules.RuleUnit, work: list[tuple]) -> tuple[bool, bool]:
    """(CP-SAT unit verdict, independent checker verdict) for the pinned roster."""
    shifts = tuple(Shift(0, d, s, r) for d, s, r in work)
    return pinned_status(p, unit, work), not check_rules(p, shifts)


def both(p: RosterProblem, unit: rules.RuleUnit, good: list[tuple], bad: list[tuple]) -> None:
    assert verdicts(p, unit, good) == (True, True)
    model_ok, checker_ok = verdicts(p, unit, bad)
    assert not model_ok
    assert not checker_ok


def test_one_shift_per_day() -> None:
    p = problem()
    both(p, rules.add_one_shift_per_day, [(0, 0, "picker"), (1, 1, "picker")],
         [(0, 0, "picker"), (0, 1, "picker")])


def test_one_shift_per_day_counts_roles_too() -> None:
    p = problem(skills=("picker", "packer"))
    assert not pinned_status(p, rules.add_one_shift_per_day,
                             [(0, 0, "picker"), (0, 0, "packer")])


def test_skills() -> None:
    p = RosterProblem(7, 0, (EARLY,), (StaffMember("E1", ("picker",)),
                                       StaffMember("E2", ("packer",))))
    both(p, rules.add_skills, [(0, 0, "picker")], [(0, 0, "packer")])


def test_availability() -> None:
    p = problem(days_off=frozenset({2}))
    both(p, rules.add_availability, [(1, 0, "picker"), (3, 0, "picker")], [(2, 0, "picker")])


def test_rotation_bans_from_minimum_rest() -> None:
    from salesflow.optimizer.staffing.warehouse_problem import rest_bans

    bans = rest_bans((EARLY, LATE, NIGHT), 11 * 60)
    pairs = {(b.first, b.second, b.lag) for b in bans}
    # late ends 22:00, early starts 06:00: 8 h rest; night ends 06:00 next day.
    assert ("late", "early", 1) in pairs
    assert ("night", "early", 1) in pairs and ("night", "late", 1) in pairs
    assert ("early", "late", 1) not in pairs  # 24 h rest
    assert ("night", "night", 1) not in pairs  # 16 h rest
    p = problem(bans=bans)
    both(p, rules.add_rotation_bans, [(0, 0, "picker"), (1, 1, "picker"), (2, 2, "picker")],
         [(0, 1, "picker"), (1, 0, "picker")])


def test_rotation_bans_with_a_lag_of_two_days() -> None:
    p = problem(bans=(RotationBan("night", "early", 2),))
    both(p, rules.add_rotation_bans, [(0, 2, "picker"), (3, 0, "picker")],
         [(0, 2, "picker"), (2, 0, "picker")])


def test_shift_type_limits() -> None:
    p = problem(max_shifts=(("night", 1),))
    both(p, rules.add_shift_type_limits, [(0, 2, "picker"), (2, 0, "picker")],
         [(0, 2, "picker"), (2, 2, "picker")])


def test_work_time_maximum() -> None:
    p = problem(work_limits=(WorkLimit(0, 7, 0, 900),))
    both(p, rules.add_work_time, [(0, 0, "picker"), (2, 0, "picker")],
         [(0, 0, "picker"), (2, 0, "picker"), (4, 0, "picker")])


def test_work_time_minimum() -> None:
    p = problem(work_limits=(WorkLimit(0, 7, 900, 2400),))
    both(p, rules.add_work_time, [(0, 0, "picker"), (2, 0, "picker")], [(0, 0, "picker")])


def test_work_time_limits_per_week() -> None:
    p = problem(n_days=14, work_limits=(WorkLimit(0, 7, 0, 450), WorkLimit(7, 14, 0, 450)))
    both(p, rules.add_work_time, [(6, 0, "picker"), (7, 0, "picker")],
         [(5, 0, "picker"), (6, 0, "picker")])


def test_max_consecutive_shifts() -> None:
    p = problem(max_consecutive_shifts=3)
    both(p, rules.add_max_consecutive_shifts,
         [(d, 0, "picker") for d in (0, 1, 2, 4, 5, 6)],
         [(d, 0, "picker") for d in (0, 1, 2, 3)])


def test_min_consecutive_shifts_exempts_the_boundaries() -> None:
    p = problem(min_consecutive_shifts=2)
    # Single days at day 0 and the last day touch the boundary: allowed.
    both(p, rules.add_min_consecutive_shifts,
         [(0, 0, "picker"), (2, 0, "picker"), (3, 0, "picker"), (6, 0, "picker")],
         [(2, 0, "picker")])


def test_min_consecutive_days_off_exempts_the_boundaries() -> None:
    p = problem(min_consecutive_days_off=2)
    both(p, rules.add_min_consecutive_days_off,
         [(1, 0, "picker"), (2, 0, "picker"), (5, 0, "picker"), (6, 0, "picker")],
         [(1, 0, "picker"), (3, 0, "picker"), (4, 0, "picker"), (5, 0, "picker")])


def test_max_weekends() -> None:
    p = problem(n_days=14, max_weekends=1)  # weekends: days 5-6 and 12-13
    both(p, rules.add_max_weekends, [(5, 0, "picker"), (6, 0, "picker")],
         [(6, 0, "picker"), (12, 0, "picker")])


def test_weekend_days() -> None:
    p = problem(max_days_per_weekend=1)
    both(p, rules.add_weekend_days, [(5, 0, "picker"), (4, 0, "picker")],
         [(5, 0, "picker"), (6, 0, "picker")])


def test_weekends_follow_the_first_weekday() -> None:
    p = problem(n_days=3, first_weekday=5, max_days_per_weekend=1)  # Sat, Sun, Mon
    assert p.weekends() == [(0, 1)]
    assert problem(n_days=2, first_weekday=6).weekends() == [(0,)]
    both(p, rules.add_weekend_days, [(0, 0, "picker"), (2, 0, "picker")],
         [(0, 0, "picker"), (1, 0, "picker")])


@pytest.mark.parametrize("name", [name for name, _ in rules.HARD_RULES])
def test_every_rule_accepts_an_empty_roster_without_minimums(name: str) -> None:
    unit = dict(rules.HARD_RULES)[name]
    p = problem(n_days=14, max_shifts=(("night", 0),), work_limits=(WorkLimit(0, 14, 0, 0),),
                max_consecutive_shifts=1, min_consecutive_shifts=3,
                min_consecutive_days_off=3, max_weekends=0, max_days_per_weekend=0,
                days_off=frozenset({1}), bans=(RotationBan("early", "early"),))
    assert verdicts(p, unit, []) == (True, True)

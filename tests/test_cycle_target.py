"""What the order-cycle target needs (issue 14, part 3): the advice's added shifts, re-checked
from the roster they yield with the cycle model, the coverage and the rule checker, and priced
by the formula from the employees table; the cases the target is met already or cannot be met
by staffing alone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.check import check_roster
from salesflow.optimizer.staffing.coverage import coverage
from salesflow.optimizer.staffing.cycle import cycle_time
from salesflow.optimizer.staffing.recommend import recommend_capacity
from salesflow.optimizer.staffing.report import advice_figures, weekday_ranges
from salesflow.optimizer.staffing.requirements import empty_requirements
from salesflow.optimizer.staffing.roster import Assignment, Roster

MONDAY = dt.date(2026, 11, 23)
DAYS = [MONDAY + dt.timedelta(days=i) for i in range(7)]
PRODUCTIVITY = 0.85
# Work limit far inside the wall clock: the search ends on the target or the work budget.
LIMITS = SolveLimits(300.0, 1, 0)

STEPS = pd.DataFrame({"step": ["receive_order", "review_confirm", "allocate_pick"],
                      "minutes_per_order": [5.0, 15.0, 30.0],
                      "skill": ["sales_admin", "sales_admin", "picker"]})
SHIFTS = pd.DataFrame({"shift_id": ["early", "day", "late"], "start": [360, 480, 720],
                       "end": [840, 990, 1200], "break_minutes": [30, 30, 30]})


def _employees(rows: list[tuple[str, tuple[str, ...], float, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "employee_id": [r[0] for r in rows], "name": [r[0] for r in rows],
        "skills": [r[1] for r in rows], "hourly_cost": [r[2] for r in rows],
        "min_hours_week": [0.0] * len(rows), "max_hours_week": [r[3] for r in rows],
        "unavailable": [()] * len(rows)})


EMPLOYEES = _employees([("A1", ("sales_admin",), 30.0, 40.0),
                        ("A2", ("sales_admin",), 26.0, 40.0),
                        ("P1", ("picker",), 20.0, 40.0), ("P2", ("picker",), 22.0, 40.0)])
PROFILE = pd.Series([0.0] * 8 + [0.2, 0.2, 0.2, 0.2, 0.2] + [0.0] * 11,
                    index=pd.Index(range(24), name="hour"))


def _day_shift(employee: str, day: dt.date, role: str) -> Assignment:
    return Assignment(employee, day, "day", 480, 990, 8.0, role)


def _today(orders: float) -> tuple[pd.Series, Roster, pd.DataFrame]:
    """One admin and one picker on the day shift Monday to Friday: far too few for
    ``orders`` a weekday."""
    per_day = pd.Series([orders] * 5 + [0.0, 0.0], index=DAYS)
    roster = Roster(tuple(a for day in DAYS[:5] for a in (_day_shift("A1", day, "sales_admin"),
                                                          _day_shift("P1", day, "picker"))),
                    "test")
    return per_day, roster, _staffed(roster)


def _staffed(roster: Roster) -> pd.DataFrame:
    cov = coverage(roster, empty_requirements())
    return cov[cov["date"].dt.date.isin(set(DAYS))].reset_index(drop=True)


def _advise(per_day: pd.Series, roster: Roster, employees: pd.DataFrame = EMPLOYEES,
            steps: pd.DataFrame = STEPS, target: float = 24.0):
    return recommend_capacity(per_day, PROFILE, steps, roster, _staffed(roster), employees,
                              SHIFTS, PRODUCTIVITY, target, LIMITS)


@pytest.fixture(scope="module")
def advised():
    per_day, roster, _ = _today(60.0)
    return per_day, roster, _advise(per_day, roster)


def test_the_roster_it_yields_meets_the_target_by_the_cycle_model(advised) -> None:
    per_day, roster, advice = advised
    before = cycle_time(per_day, PROFILE, STEPS, _staffed(roster), PRODUCTIVITY, 24.0)
    assert not before.met
    assert advice.added and advice.met
    # Re-computed from the what-if roster alone: its coverage, then the cycle model.
    whatif = Roster(roster.assignments + tuple(a.assignment for a in advice.added), "what-if")
    assert sorted(whatif.assignments, key=repr) == sorted(advice.roster.assignments, key=repr)
    after = cycle_time(per_day, PROFILE, STEPS, _staffed(whatif), PRODUCTIVITY, 24.0)
    assert after.mean_hours <= 24.0
    assert after.mean_hours == pytest.approx(advice.after.mean_hours)


def test_added_shifts_keep_every_rule_and_cost_their_hours_at_the_data_rates(advised) -> None:
    _per_day, _roster, advice = advised
    people = pd.concat([EMPLOYEES, advice.new_employees], ignore_index=True)
    assert check_roster(advice.roster, people, SHIFTS, DAYS) == []
    rates = dict(zip(people["employee_id"], people["hourly_cost"], strict=True))
    # Hiring rate: the median hourly cost of the skill's holders (26, 30 -> 28; 20, 22 -> 21).
    assert advice.hire_rates == {"sales_admin": 28.0, "picker": 21.0}
    for added in advice.added:
        a = added.assignment
        assert added.cost == pytest.approx(a.paid_hours * rates[a.employee_id])
        assert a.role in people.set_index("employee_id").loc[a.employee_id, "skills"]
        if not added.existing:
            assert rates[a.employee_id] == advice.hire_rates[a.role]
    assert advice.cost == pytest.approx(sum(
        a.assignment.paid_hours * rates[a.assignment.employee_id] for a in advice.added))
    # Today's staff with room take added shifts when cheaper than a hire: A2 (26 < 28) and
    # P1/P2 (20, 22 > 21 for P2) work before any extra person is hired.
    existing = {a.assignment.employee_id for a in advice.added if a.existing}
    assert existing <= {"A1", "A2", "P1"}
    assert "A2" in existing


def test_nothing_added_can_be_removed(advised) -> None:
    per_day, roster, advice = advised
    for i in range(len(advice.added)):
        rest = advice.added[:i] + advice.added[i + 1:]
        trial = Roster(roster.assignments + tuple(a.assignment for a in rest), "trial")
        assert not cycle_time(per_day, PROFILE, STEPS, _staffed(trial), PRODUCTIVITY, 24.0).met


def test_no_added_shift_can_be_swapped_for_a_cheaper_one_of_its_skill(advised) -> None:
    per_day, roster, advice = advised
    spans = {str(s.shift_id): (int(s.start), int(s.end), (s.end - s.start - s.break_minutes) / 60)
             for s in SHIFTS.itertuples(index=False)}
    for i, added in enumerate(advice.added):
        a = added.assignment
        rest = tuple(x.assignment for j, x in enumerate(advice.added) if j != i)
        for shift_id, (start, end, paid) in spans.items():
            if paid >= a.paid_hours:
                continue
            for day in DAYS:
                other = Assignment("x", day, shift_id, start, end, paid, a.role)
                trial = Roster(roster.assignments + rest + (other,), "trial")
                assert not cycle_time(per_day, PROFILE, STEPS, _staffed(trial), PRODUCTIVITY,
                                      24.0).met, (a, other)


def test_same_inputs_same_advice(advised) -> None:
    per_day, roster, advice = advised
    again = _advise(per_day, roster)
    assert again.added == advice.added
    assert again.cost == advice.cost


def test_figures_state_hours_per_skill_and_weekday_and_the_weekly_cost(advised) -> None:
    _per_day, _roster, advice = advised
    figures = advice_figures(advice)
    assert figures["added_hours"] == pytest.approx(advice.hours)
    assert figures["added_cost"] == pytest.approx(round(advice.cost, 2))
    assert sum(s["hours"] for s in figures["by_skill"]) == pytest.approx(advice.hours)
    for s in figures["by_skill"]:
        assert sum(s["weekdays"].values()) == pytest.approx(s["hours"])
    assert figures["existing_hours"] + figures["extra_hours"] == pytest.approx(advice.hours)
    sentence = figures["sentence"]
    assert sentence.startswith(f"1 day needs +{advice.hours:g} h a week: ")
    assert f"{advice.cost:,.2f} a week" in sentence
    assert "mean cycle" in sentence and figures["met"]


def test_met_already_adds_nothing() -> None:
    per_day, roster, _ = _today(2.0)
    advice = _advise(per_day, roster)
    assert advice.met and advice.added == () and advice.stopped_by == "target already met"
    assert advice_figures(advice)["sentence"].startswith("The 1-day cycle is met by today's")


def test_a_cycle_bounded_by_the_steps_cannot_be_staffed_away() -> None:
    per_day, roster, _ = _today(60.0)
    slow = STEPS.assign(minutes_per_order=[5.0, 15.0, 26 * 60.0])  # picking alone takes 26 h
    advice = _advise(per_day, roster, steps=slow)
    assert not advice.met and advice.added == ()
    assert advice.stopped_by == "staffing alone cannot meet the target"
    assert advice.floor_hours > 24.0
    sentence = advice_figures(advice)["sentence"]
    assert sentence.startswith("Staffing alone cannot meet the 1-day cycle")
    assert f"{advice.floor_hours - 24:,.1f}".removesuffix(".0") + " h over the target" in sentence


def test_weekday_ranges() -> None:
    assert weekday_ranges([0, 1, 3, 4, 5]) == "Mon–Tue, Thu–Sat"
    assert weekday_ranges([6]) == "Sun"


def test_run_rules_for_staff_taking_added_shifts() -> None:
    from salesflow.optimizer.staffing.recommend import _runs_ok

    week = [_day_shift("A2", day, "sales_admin") for day in DAYS[:6]]  # Mon-Sat
    assert _runs_ok(tuple(week))
    assert not _runs_ok((*week, _day_shift("A2", DAYS[6], "sales_admin")))  # 7 days, Sat+Sun
    assert not _runs_ok((_day_shift("A2", DAYS[5], "sales_admin"),
                         _day_shift("A2", DAYS[6], "sales_admin")))  # both weekend days


def test_no_whatif_when_nothing_is_to_be_added() -> None:
    from salesflow.optimizer.staffing.stage import StaffingResult, whatif_staffing

    per_day, roster, staffed = _today(2.0)
    advice = _advise(per_day, roster)
    result = StaffingResult(empty_requirements(), roster, 0.0, staffed, advice=advice)
    assert whatif_staffing(None, None, per_day, result) is None  # type: ignore[arg-type]

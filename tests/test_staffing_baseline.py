"""Staffing requirements, the fixed-pattern roster baseline, coverage and the roster checker."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.staffing.check import check_roster, roster_warnings
from salesflow.optimizer.staffing.coverage import coverage, coverage_summary
from salesflow.optimizer.staffing.fixed_pattern import fixed_pattern_roster, pattern_weekdays
from salesflow.optimizer.staffing.requirements import intraday_profile, workload_requirements
from salesflow.optimizer.staffing.roster import (
    Assignment,
    Roster,
    labour_cost,
    paid_hours,
    roster_frame,
    shift_span,
)

MONDAY = dt.date(2026, 1, 5)
WEEK = [MONDAY + dt.timedelta(days=i) for i in range(7)]
TWO_WEEKS = [MONDAY + dt.timedelta(days=i) for i in range(14)]


def employees_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (employee_id, skills, hourly_cost, min_hours, max_hours, unavailable)."""
    return pd.DataFrame(
        [(e, f"name {e}", tuple(s), float(c), float(lo), float(hi), tuple(u))
         for e, s, c, lo, hi, u in rows],
        columns=["employee_id", "name", "skills", "hourly_cost", "min_hours_week",
                 "max_hours_week", "unavailable"],
    )


def shifts_frame(rows: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["shift_id", "start", "end", "break_minutes"])


def steps_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [("receive_order", 5.0, "sales_admin"), ("review_confirm", 15.0, "sales_admin"),
         ("allocate_pick", 30.0, "picker"), ("pack_qc", 20.0, "packer")],
        columns=["step", "minutes_per_order", "skill"],
    )


def requirements_for(days: list[dt.date], skills: tuple[str, ...] = ("picker", "packer"),
                     hours: range = range(8, 18), persons: float = 2.0) -> pd.DataFrame:
    rows = [(pd.Timestamp(d), h, s, persons) for d in days for h in hours for s in skills]
    return pd.DataFrame(rows, columns=["date", "hour", "skill", "required"])


@pytest.fixture
def employees() -> pd.DataFrame:
    return employees_frame([
        ("E01", ["picker", "packer"], 20, 20, 40, []),
        ("E02", ["packer"], 18, 10, 30, [dt.date(2026, 1, 6)]),
        ("E03", ["forklift", "picker"], 22, 0, 40, []),
        ("E04", ["picker"], 20, 0, 16, [dt.date(2026, 1, 5), dt.date(2026, 1, 12)]),
        ("E05", ["packer", "picker"], 19, 0, 40, []),
        ("E06", ["forklift"], 25, 0, 40, []),
    ])


@pytest.fixture
def shifts() -> pd.DataFrame:
    return shifts_frame([("late", 840, 1320, 30.0), ("early", 360, 840, 30.0),
                         ("night", 1320, 360, 30.0)])


@pytest.fixture
def weekday_requirements() -> pd.DataFrame:
    return requirements_for([d for d in TWO_WEEKS if d.weekday() < 5])


# ----------------------------------------------------------------------------- requirements


def test_profile_sums_to_one_and_follows_order_time() -> None:
    sales = pd.DataFrame({
        "order_id": ["O1", "O1", "O2", "O3", "O4"],
        "order_time": pd.array([555, 560, 580, 840, pd.NA], dtype="Int64"),
    })
    profile = intraday_profile(sales, (8, 18))
    assert list(profile.index) == list(range(24))
    assert profile.sum() == pytest.approx(1.0)
    # O1 counts once (hour 9), O2 hour 9, O3 hour 14; O4 has no time.
    assert profile[9] == pytest.approx(2 / 3)
    assert profile[14] == pytest.approx(1 / 3)
    assert profile.drop([9, 14]).eq(0).all()


def test_profile_is_uniform_over_order_hours_when_times_are_scarce() -> None:
    sales = pd.DataFrame({
        "order_id": ["O1", "O2", "O3"],
        "order_time": pd.array([600, pd.NA, pd.NA], dtype="Int64"),
    })
    profile = intraday_profile(sales, (8, 18))
    assert profile.sum() == pytest.approx(1.0)
    assert profile.loc[8:17].tolist() == pytest.approx([0.1] * 10)
    assert profile.loc[:7].eq(0).all() and profile.loc[18:].eq(0).all()
    no_column = intraday_profile(sales.drop(columns="order_time"), (6, 10))
    assert no_column.loc[6:9].tolist() == pytest.approx([0.25] * 4)


def test_requirement_arithmetic_by_hand() -> None:
    profile = pd.Series(0.0, index=range(24))
    profile[9] = 1.0
    orders = pd.Series([60.0], index=[pd.Timestamp("2026-01-05")])
    steps = pd.DataFrame({"step": ["pick"], "minutes_per_order": [30.0], "skill": ["picker"]})
    req = workload_requirements(orders, profile, steps, productivity=0.5)
    assert req.to_dict("records") == [
        {"date": pd.Timestamp("2026-01-05"), "hour": 9, "skill": "picker", "required": 60.0}
    ]
    assert str(req["date"].dtype).startswith("datetime64")
    assert req["hour"].dtype == "int64"


def test_requirements_sum_steps_per_skill_add_extra_and_sort() -> None:
    profile = pd.Series(0.0, index=range(24))
    profile[9], profile[10] = 0.75, 0.25
    orders = pd.Series([24.0, 0.0], index=pd.to_datetime(["2026-01-06", "2026-01-05"]))
    extra = pd.DataFrame({"date": [dt.date(2026, 1, 5), dt.date(2026, 1, 6)], "hour": [7, 9],
                          "skill": ["receiver", "picker"], "required": [1.5, 1.0]})
    req = workload_requirements(orders, profile, steps_frame(), productivity=1.0, extra=extra)
    table = {(r.date.date().isoformat(), r.hour, r.skill): r.required
             for r in req.itertuples(index=False)}
    assert table == pytest.approx({
        ("2026-01-05", 7, "receiver"): 1.5,
        ("2026-01-06", 9, "packer"): 24 * 0.75 * 20 / 60,
        ("2026-01-06", 9, "picker"): 24 * 0.75 * 30 / 60 + 1.0,
        ("2026-01-06", 9, "sales_admin"): 24 * 0.75 * 20 / 60,
        ("2026-01-06", 10, "packer"): 24 * 0.25 * 20 / 60,
        ("2026-01-06", 10, "picker"): 24 * 0.25 * 30 / 60,
        ("2026-01-06", 10, "sales_admin"): 24 * 0.25 * 20 / 60,
    })
    assert list(req.columns) == ["date", "hour", "skill", "required"]
    assert req.equals(req.sort_values(["date", "hour", "skill"]).reset_index(drop=True))
    # Total person-hours = orders x minutes / 60 / productivity, plus the extra rows.
    assert req["required"].sum() == pytest.approx(24 * 70 / 60 + 2.5)


def test_requirements_reject_bad_productivity() -> None:
    with pytest.raises(ValueError, match="productivity"):
        workload_requirements(pd.Series([1.0], index=[pd.Timestamp("2026-01-05")]),
                              pd.Series(1 / 24, index=range(24)), steps_frame(), 0.0)


# ----------------------------------------------------------------------------- fixed pattern


def test_fixed_roster_passes_the_checker(employees, shifts, weekday_requirements) -> None:
    roster = fixed_pattern_roster(employees, shifts, TWO_WEEKS, weekday_requirements)
    assert roster.policy == "fixed_pattern"
    assert roster.assignments
    assert check_roster(roster, employees, shifts, TWO_WEEKS) == []


def test_fixed_roster_works_only_open_days_and_respects_unavailability(
        employees, shifts, weekday_requirements) -> None:
    roster = fixed_pattern_roster(employees, shifts, TWO_WEEKS, weekday_requirements)
    assert all(a.day.weekday() < 5 for a in roster.assignments)
    off = {(e.employee_id, d) for e in employees.itertuples() for d in e.unavailable}
    assert not any((a.employee_id, a.day) in off for a in roster.assignments)
    e02 = {a.day for a in roster.assignments if a.employee_id == "E02"}
    assert dt.date(2026, 1, 6) not in e02


def test_fixed_roster_respects_max_hours(employees, shifts, weekday_requirements) -> None:
    roster = fixed_pattern_roster(employees, shifts, TWO_WEEKS, weekday_requirements)
    frame = pd.DataFrame([dataclasses.asdict(a) for a in roster.assignments])
    frame["week"] = [d.isocalendar()[1] for d in frame["day"]]
    hours = frame.groupby(["employee_id", "week"])["paid_hours"].sum()
    limits = employees.set_index("employee_id")["max_hours_week"]
    for (employee_id, _), total in hours.items():
        assert total <= limits[employee_id] + 1e-9
    # E04: 16 h a week of 7.5 h shifts -> 2 days a week.
    assert hours["E04"].max() == pytest.approx(15.0)
    # 40 h of 7.5 h shifts -> 5 days, not more.
    assert hours["E01"].max() == pytest.approx(37.5)


def test_fixed_roster_is_a_fixed_weekly_pattern(employees, shifts, weekday_requirements) -> None:
    roster = fixed_pattern_roster(employees, shifts, TWO_WEEKS, weekday_requirements)
    by_employee: dict[str, list[Assignment]] = {}
    for a in roster.assignments:
        by_employee.setdefault(a.employee_id, []).append(a)
    for employee_id, work in by_employee.items():
        assert len({a.shift_id for a in work}) == 1, employee_id
        assert len({a.role for a in work}) == 1, employee_id
        unavailable = set(employees.set_index("employee_id").at[employee_id, "unavailable"])
        weeks = [{a.day.weekday() for a in work if a.day.isocalendar()[1] == w} for w in (2, 3)]
        pattern = weeks[0] | weeks[1]
        for week_days, week in zip(weeks, (0, 7), strict=True):
            missing = {wd for wd in pattern - week_days
                       if MONDAY + dt.timedelta(days=week + wd) not in unavailable}
            assert not missing, employee_id


def test_fixed_roster_roles_and_shift_spread(employees, shifts, weekday_requirements) -> None:
    roster = fixed_pattern_roster(employees, shifts, TWO_WEEKS, weekday_requirements)
    role = {a.employee_id: a.role for a in roster.assignments}
    shift = {a.employee_id: a.shift_id for a in roster.assignments}
    # First listed skill that is required; E06 has none required -> first skill.
    assert role == {"E01": "picker", "E02": "packer", "E03": "picker", "E04": "picker",
                    "E05": "packer", "E06": "forklift"}
    # Within a role, employees rotate over shift types sorted by start (early, late, night).
    assert [shift[e] for e in ("E01", "E03", "E04")] == ["early", "late", "night"]
    assert [shift[e] for e in ("E02", "E05")] == ["early", "late"]


def test_fixed_roster_is_deterministic(employees, shifts, weekday_requirements) -> None:
    first = fixed_pattern_roster(employees, shifts, TWO_WEEKS, weekday_requirements)
    again = fixed_pattern_roster(employees.iloc[::-1], shifts.iloc[::-1], TWO_WEEKS[::-1],
                                 weekday_requirements.sample(frac=1.0, random_state=3))
    assert first == again
    assert roster_frame(first).equals(roster_frame(again))


def test_long_shifts_are_not_worked_on_consecutive_days() -> None:
    employees = employees_frame([("E1", ["picker"], 20, 0, 60, [])])
    shifts = shifts_frame([("long", 360, 1200, 60.0)])  # 14 h: 10 h rest to the next day
    req = requirements_for(WEEK, skills=("picker",))
    roster = fixed_pattern_roster(employees, shifts, WEEK, req)
    worked = sorted(a.day.weekday() for a in roster.assignments)
    assert worked == [0, 2, 4]
    assert check_roster(roster, employees, shifts, WEEK) == []
    assert pattern_weekdays((0, 1, 2, 3, 4, 5, 6), 6, 5, spaced=True) == frozenset({6, 1, 3})


def test_no_requirements_means_monday_to_friday(employees, shifts) -> None:
    empty = requirements_for([])
    roster = fixed_pattern_roster(employees, shifts, WEEK, empty)
    assert {a.day.weekday() for a in roster.assignments} <= {0, 1, 2, 3, 4}
    assert check_roster(roster, employees, shifts, WEEK) == []


# ----------------------------------------------------------------------------- roster, coverage


def test_midnight_shift_renders_iso_and_covers_the_next_date() -> None:
    start, end = shift_span(1320, 360)
    assert (start, end) == (1320, 1800)
    night = Assignment("E1", dt.date(2026, 1, 5), "night", start, end,
                       paid_hours(1320, 360, 30), "picker")
    day = Assignment("E2", dt.date(2026, 1, 5), "early", 360, 840, 7.5, "picker")
    roster = Roster((night, day), "hand")
    frame = roster_frame(roster)
    assert list(frame.columns) == ["employee_id", "date", "shift_id", "start", "end", "role"]
    assert frame.iloc[0].tolist() == ["E1", "2026-01-05", "night", "2026-01-05T22:00",
                                      "2026-01-06T06:00", "picker"]
    assert frame.iloc[1].tolist() == ["E2", "2026-01-05", "early", "06:00", "14:00", "picker"]

    cov = coverage(roster, requirements_for([]))
    staffed = {(r.date.date().isoformat(), r.hour): r.staffed for r in cov.itertuples()}
    assert staffed[("2026-01-05", 22)] == 1.0
    assert staffed[("2026-01-05", 23)] == 1.0
    assert staffed[("2026-01-06", 0)] == 1.0
    assert staffed[("2026-01-06", 5)] == 1.0
    assert ("2026-01-06", 6) not in staffed
    assert cov["staffed"].sum() == pytest.approx(16.0)


def test_coverage_of_a_hand_made_roster() -> None:
    day = dt.date(2026, 1, 5)
    roster = Roster((
        Assignment("E1", day, "a", 480, 990, 8.0, "picker"),     # 08:00-16:30
        Assignment("E2", day, "b", 600, 660, 1.0, "picker"),     # 10:00-11:00
        Assignment("E3", day, "c", 615, 645, 0.5, "packer"),     # 10:15-10:45
    ), "hand")
    req = pd.DataFrame({
        "date": pd.to_datetime(["2026-01-05"] * 3),
        "hour": [10, 16, 17],
        "skill": ["picker", "picker", "picker"],
        "required": [3.0, 1.0, 1.0],
    })
    cov = coverage(roster, req)
    assert list(cov.columns) == ["date", "hour", "skill", "required", "staffed"]
    got = {(r.hour, r.skill): (r.required, r.staffed) for r in cov.itertuples()}
    assert got[(10, "picker")] == (3.0, 2.0)
    assert got[(16, "picker")] == (1.0, 0.5)
    assert got[(17, "picker")] == (1.0, 0.0)
    assert got[(8, "picker")] == (0.0, 1.0)
    assert got[(10, "packer")] == (0.0, 0.5)
    assert len(cov) == 11  # picker 8..17, packer 10
    summary = coverage_summary(cov)
    assert summary["required_person_hours"] == pytest.approx(5.0)
    assert summary["staffed_person_hours"] == pytest.approx(9.5)
    assert summary["under_person_hours"] == pytest.approx(1.0 + 0.5 + 1.0)
    assert summary["over_person_hours"] == pytest.approx(7.0)  # hours 8, 9, 11..15
    assert summary["other_person_hours"] == pytest.approx(0.5)
    assert summary["coverage_rate"] == pytest.approx(1 - 2.5 / 5.0)


def test_coverage_summary_with_nothing_required() -> None:
    cov = coverage(Roster((), "empty"), requirements_for([]))
    assert cov.empty
    assert coverage_summary(cov)["coverage_rate"] == 1.0


def test_labour_cost_by_hand(employees, shifts) -> None:
    day = dt.date(2026, 1, 5)
    roster = Roster((
        Assignment("E01", day, "early", 360, 840, 7.5, "picker"),
        Assignment("E02", day, "night", 1320, 1800, 7.5, "packer"),
        Assignment("E01", day + dt.timedelta(days=1), "early", 360, 840, 7.5, "picker"),
    ), "hand")
    assert paid_hours(360, 840, 30) == 7.5
    assert labour_cost(roster, employees) == pytest.approx(2 * 7.5 * 20 + 7.5 * 18)
    assert labour_cost(Roster((), "empty"), employees) == 0.0


# ----------------------------------------------------------------------------- checker


def _one(employee_id: str, day: dt.date, shift_id: str = "early", role: str = "picker",
         start: int = 360, end: int = 840, hours: float = 7.5) -> Assignment:
    return Assignment(employee_id, day, shift_id, start, end, hours, role)


def test_checker_accepts_a_valid_hand_roster(employees, shifts) -> None:
    roster = Roster((_one("E01", MONDAY), _one("E01", MONDAY + dt.timedelta(days=1))), "hand")
    assert check_roster(roster, employees, shifts, WEEK) == []


@pytest.mark.parametrize(("assignments", "needle"), [
    ([_one("E01", MONDAY), _one("E01", MONDAY, "late", start=840, end=1320)], "at most one shift"),
    ([_one("E02", MONDAY, role="picker")], "not one of the employee's skills"),
    ([_one("E01", MONDAY, "late", start=840, end=1320),
      _one("E01", MONDAY + dt.timedelta(days=1))], "rest"),
    ([_one("E04", MONDAY + dt.timedelta(days=i)) for i in (1, 2, 3)], "max_hours_week"),
    ([_one("E02", dt.date(2026, 1, 6), role="packer")], "unavailable"),
    ([_one("E99", MONDAY)], "unknown employee"),
    ([_one("E01", MONDAY, "gala")], "unknown shift"),
    ([_one("E01", MONDAY, start=300)], "must equal the shift type"),
    ([_one("E01", MONDAY, hours=8.0)], "paid hours"),
    ([_one("E01", MONDAY + dt.timedelta(days=30))], "not one of the days"),
])
def test_checker_catches_injected_violations(employees, shifts, assignments, needle) -> None:
    errors = check_roster(Roster(tuple(assignments), "bad"), employees, shifts, WEEK)
    assert errors
    assert any(needle in e for e in errors), errors


def test_checker_catches_violations_injected_into_the_fixed_roster(
        employees, shifts, weekday_requirements) -> None:
    roster = fixed_pattern_roster(employees, shifts, TWO_WEEKS, weekday_requirements)
    first = roster.assignments[0]
    doubled = Roster((*roster.assignments, dataclasses.replace(first)), "bad")
    assert any("at most one shift" in e for e in check_roster(doubled, employees, shifts,
                                                              TWO_WEEKS))
    wrong = Roster((dataclasses.replace(first, role="forklift"), *roster.assignments[1:]), "bad")
    assert any("skills" in e for e in check_roster(wrong, employees, shifts, TWO_WEEKS))


def test_min_hours_is_a_soft_warning_not_a_violation(employees, shifts) -> None:
    roster = Roster((_one("E01", MONDAY),), "hand")
    assert check_roster(roster, employees, shifts, WEEK) == []
    warnings = roster_warnings(roster, employees, WEEK)
    assert any(w.startswith("E01 in 2026-W02") and "min_hours_week 20" in w for w in warnings)
    assert any(w.startswith("E02 in 2026-W02") for w in warnings)
    assert not any(w.startswith("E03") for w in warnings)  # min 0


# ----------------------------------------------------------------------------- property

_SKILLS = ("picker", "packer", "shipper", "forklift")


@st.composite
def _instances(draw):
    n_emp = draw(st.integers(1, 8))
    rows = []
    for i in range(n_emp):
        skills = draw(st.lists(st.sampled_from(_SKILLS), min_size=1, max_size=3, unique=True))
        max_hours = draw(st.floats(0, 80, allow_nan=False))
        off = draw(st.lists(st.sampled_from(TWO_WEEKS), max_size=4, unique=True))
        rows.append((f"E{i:02d}", skills, draw(st.floats(10, 40)), 0.0, max_hours, off))
    n_shifts = draw(st.integers(1, 4))
    shift_rows = []
    for k in range(n_shifts):
        start = draw(st.integers(0, 95)) * 15
        length = draw(st.integers(8, 95)) * 15  # 2 h .. 23 h 45
        brk = draw(st.sampled_from([0.0, 15.0, 30.0, 60.0]))
        shift_rows.append((f"S{k}", start, (start + length) % 1440 or 1440, brk))
    open_days = draw(st.sets(st.integers(0, 6), max_size=7))
    req_days = [d for d in TWO_WEEKS if d.weekday() in open_days]
    req_skills = tuple(draw(st.lists(st.sampled_from(_SKILLS), min_size=1, max_size=4,
                                     unique=True)))
    return (employees_frame(rows), shifts_frame(shift_rows),
            requirements_for(req_days, skills=req_skills, hours=range(9, 12)))


@settings(max_examples=60, deadline=None)
@given(_instances())
def test_fixed_roster_always_passes_the_checker(instance) -> None:
    employees, shifts, requirements = instance
    roster = fixed_pattern_roster(employees, shifts, TWO_WEEKS, requirements)
    assert check_roster(roster, employees, shifts, TWO_WEEKS) == []
    assert roster == fixed_pattern_roster(employees, shifts, TWO_WEEKS, requirements)

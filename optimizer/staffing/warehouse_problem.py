"""The warehouse roster as a :class:`~salesflow.optimizer.staffing.problem.RosterProblem`.

From the employees and shifts tables and a requirements frame (``date, hour, skill,
required``): the horizon is every date from the first to the last requirement date; coverage is
by clock hour in person-minutes (a shift covers the minutes of each hour it spans, so 08:00-16:30
covers hour 16 by 30); over-staffing is priced on every hour a shift could cover for every
required skill. Rules: skills, unavailable dates, one shift a day, at least 11 h rest (as
rotation bans), max and prorated min hours per ISO week, max consecutive working days, and at
most one day of each weekend (weekend work is shared). :func:`roster_of` turns a solution back
into a :class:`~salesflow.optimizer.staffing.roster.Roster`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from salesflow.optimizer.staffing.objective import hour_cover
from salesflow.optimizer.staffing.problem import (
    COVER_BY_HOUR,
    CoverDemand,
    RosterProblem,
    RotationBan,
    Shift,
    ShiftType,
    StaffMember,
    WorkLimit,
)
from salesflow.optimizer.staffing.roster import Assignment, Roster, paid_hours, shift_span

MIN_REST_MINUTES = 11 * 60
MAX_CONSECUTIVE_DAYS = 6
"""Most working days in a row (proposed config key ``staffing.max_consecutive_days``)."""
MAX_DAYS_PER_WEEKEND = 1
"""Most days of one weekend an employee works (``staffing.max_days_per_weekend``)."""
UNDER_PENALTY_PER_PERSON_HOUR = 60.0
"""Cost of a required person-hour left uncovered (``staffing.under_penalty_per_person_hour``)."""
OVER_PENALTY_PER_PERSON_HOUR = 10.0
"""Cost of a person-hour beyond the requirement, on top of its wage
(``staffing.over_penalty_per_person_hour``)."""
COST_SCALE = 6000
"""Objective units per currency unit: wages and penalties with cents per hour stay integral
per minute."""
POLICY = "cp_sat"


@dataclass(frozen=True)
class Penalties:
    """Coverage penalties per person-hour short and over."""

    under_per_person_hour: float = UNDER_PENALTY_PER_PERSON_HOUR
    over_per_person_hour: float = OVER_PENALTY_PER_PERSON_HOUR

    def __post_init__(self) -> None:
        if self.under_per_person_hour < 0 or self.over_per_person_hour < 0:
            raise ValueError(f"penalties must be >= 0; got {self}")


@dataclass(frozen=True)
class WarehouseRules:
    """The rule settings of the warehouse roster."""

    min_rest_minutes: int = MIN_REST_MINUTES
    max_consecutive_days: int = MAX_CONSECUTIVE_DAYS
    max_days_per_weekend: int | None = MAX_DAYS_PER_WEEKEND

    def __post_init__(self) -> None:
        if self.min_rest_minutes < 0 or self.max_consecutive_days < 1:
            raise ValueError(f"min_rest_minutes must be >= 0 and max_consecutive_days >= 1; "
                             f"got {self}")


@dataclass(frozen=True)
class WarehouseRoster:
    """A roster problem with what is needed to map its solutions back to dates and ids."""

    problem: RosterProblem
    dates: tuple[dt.date, ...]
    shifts: pd.DataFrame


def horizon(requirements: pd.DataFrame, days: list[dt.date] | None = None) -> list[dt.date]:
    """``days`` if given, else every date from the first to the last requirement date."""
    if days:
        first, last = min(days), max(days)
    else:
        dates = pd.to_datetime(requirements["date"])
        if dates.empty:
            raise ValueError("requirements must have at least one row when no days are given")
        first, last = dates.min().date(), dates.max().date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def rest_bans(shift_types: tuple[ShiftType, ...], min_rest: int) -> tuple[RotationBan, ...]:
    """Pairs (and day lags) that leave less than ``min_rest`` minutes between two shifts."""
    bans = []
    for a in shift_types:
        for b in shift_types:
            for lag in (1, 2):
                if lag * 1440 + b.start - a.end < min_rest:
                    bans.append(RotationBan(a.shift_id, b.shift_id, lag))
    return tuple(bans)


def _shift_types(shifts: pd.DataFrame) -> tuple[ShiftType, ...]:
    out = []
    for s in shifts.sort_values(["start", "shift_id"], kind="stable").itertuples(index=False):
        start, end = shift_span(s.start, s.end)
        out.append(ShiftType(str(s.shift_id), start, end,
                             round(paid_hours(s.start, s.end, s.break_minutes) * 60)))
    return tuple(out)


def _work_limits(emp, dates: list[dt.date], off: frozenset[int],
                 longest: int) -> tuple[WorkLimit, ...]:
    """One limit per ISO week: max hours, and min hours prorated by the available days."""
    limits = []
    weeks: dict[tuple[int, int], list[int]] = {}
    for i, day in enumerate(dates):
        weeks.setdefault(day.isocalendar()[:2], []).append(i)
    for days in weeks.values():
        available = [d for d in days if d not in off]
        most = round(float(emp.max_hours_week) * 60)
        least = float(emp.min_hours_week) * 60 * len(available) / 7
        least = min(int(least), most, len(available) * longest)
        limits.append(WorkLimit(days[0], days[-1] + 1, least, most))
    return tuple(limits)


def _demands(requirements: pd.DataFrame, dates: list[dt.date], shift_types: tuple[ShiftType, ...],
             penalties: Penalties) -> tuple[CoverDemand, ...]:
    index = {day: i for i, day in enumerate(dates)}
    need: dict[tuple[int, int, str], float] = {}
    for r in requirements.itertuples(index=False):
        day = pd.Timestamp(r.date).date()
        if day in index and float(r.required) > 0:
            key = (index[day], int(r.hour), str(r.skill))
            need[key] = need.get(key, 0.0) + float(r.required)
    skills = sorted({k[2] for k in need})
    coverable = {(d + off, hour) for s in shift_types for off, hour, _ in hour_cover(s)
                 for d in range(len(dates)) if d + off < len(dates)}
    under = penalties.under_per_person_hour / 60
    over = penalties.over_per_person_hour / 60
    keys = sorted(set(need) | {(d, h, skill) for d, h in coverable for skill in skills})
    return tuple(CoverDemand(d, h, skill, round(need.get((d, h, skill), 0.0) * 60), under, over)
                 for d, h, skill in keys)


def warehouse_problem(employees: pd.DataFrame, shifts: pd.DataFrame,
                      requirements: pd.DataFrame, days: list[dt.date] | None = None,
                      penalties: Penalties | None = None,
                      rules: WarehouseRules | None = None) -> WarehouseRoster:
    """The roster problem of a week (or any run of days) of the warehouse.

    Parameters
    ----------
    employees, shifts:
        The validated tables (``skills``/``unavailable`` as tuples, times in minutes).
    requirements:
        Columns ``date, hour, skill, required`` (persons for the whole hour).
    days:
        The dates to roster (default: first to last requirement date).
    penalties, rules:
        Coverage penalties and rule settings (defaults: the module constants).

    Raises
    ------
    ValueError
        If there are no shift types, or no days and no requirements.
    """
    penalties = penalties or Penalties()
    rules = rules or WarehouseRules()
    dates = horizon(requirements, days)
    shift_types = _shift_types(shifts)
    if not shift_types:
        raise ValueError("shifts must list at least one shift type; got none")
    longest = max(s.paid_minutes for s in shift_types)
    index = {day: i for i, day in enumerate(dates)}
    staff = []
    for emp in employees.sort_values("employee_id", kind="stable").itertuples(index=False):
        off = frozenset(index[pd.Timestamp(d).date()] for d in (emp.unavailable or ())
                        if pd.Timestamp(d).date() in index)
        staff.append(StaffMember(
            employee_id=str(emp.employee_id),
            skills=tuple(str(s) for s in emp.skills),
            cost_per_paid_minute=float(emp.hourly_cost) / 60,
            days_off=off,
            work_limits=_work_limits(emp, dates, off, longest),
            max_consecutive_shifts=rules.max_consecutive_days,
            max_days_per_weekend=rules.max_days_per_weekend,
        ))
    problem = RosterProblem(
        n_days=len(dates), first_weekday=dates[0].weekday(), shift_types=shift_types,
        staff=tuple(staff), rotation_bans=rest_bans(shift_types, rules.min_rest_minutes),
        cover_mode=COVER_BY_HOUR, demands=_demands(requirements, dates, shift_types, penalties),
        cost_scale=COST_SCALE)
    return WarehouseRoster(problem, tuple(dates), shifts)


def roster_of(wr: WarehouseRoster, shifts: tuple[Shift, ...], policy: str = POLICY) -> Roster:
    """The :class:`Roster` of a solution (assignments sorted by day, then employee)."""
    breaks = {str(s.shift_id): float(s.break_minutes) for s in wr.shifts.itertuples(index=False)}
    out = []
    for a in shifts:
        st = wr.problem.shift_types[a.shift]
        hours = (st.end - st.start - breaks[st.shift_id]) / 60.0
        out.append(Assignment(wr.problem.staff[a.employee].employee_id, wr.dates[a.day],
                              st.shift_id, st.start, st.end, hours, a.role))
    out.sort(key=lambda x: (x.day, x.employee_id))
    return Roster(tuple(out), policy)


def shifts_of(wr: WarehouseRoster, roster: Roster) -> tuple[Shift, ...]:
    """The solution form of a roster (e.g. the fixed pattern, as a hint); assignments outside
    the horizon or naming unknown employees or shifts are dropped."""
    employees = {m.employee_id: e for e, m in enumerate(wr.problem.staff)}
    types = {s.shift_id: i for i, s in enumerate(wr.problem.shift_types)}
    days = {day: i for i, day in enumerate(wr.dates)}
    return tuple(Shift(employees[a.employee_id], days[a.day], types[a.shift_id], a.role)
                 for a in roster.assignments
                 if a.employee_id in employees and a.shift_id in types and a.day in days)

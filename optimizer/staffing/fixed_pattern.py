"""The fixed-pattern roster: the "before" practice the CP-SAT roster is compared with.

Each employee has one fixed shift type and works the same weekdays every week, whatever the
hour-by-hour workload. The rule, deterministic and independent of any solver:

1. The open weekdays are the weekdays with a positive requirement (Monday-Friday when the
   requirements are empty).
2. An employee's role is their first listed skill that has a requirement, else their first
   skill; an employee without skills is not rostered.
3. Employees are sorted by id and numbered ``j = 0, 1, ...`` *within their role*; employee ``j``
   of a role gets shift type ``j mod n_shifts`` (shift types sorted by start time, then id), so
   every role is spread over every shift (numbering across all employees, as in the classic
   rule, can put a whole role on one shift when skills alternate in id order).
4. The employee works ``k = min(5, open weekdays, floor(max_hours_week / paid hours))`` open
   weekdays a week, taken cyclically from open weekday ``j mod n_open`` so days off are spread.
   A shift longer than 13 h leaves less than 11 h rest before the same shift next day, so its
   weekdays are taken non-adjacent (and ``k`` may be smaller).
5. Dates in the employee's ``unavailable`` list are skipped (not replaced).

Every roster it builds passes :func:`~salesflow.optimizer.staffing.check.check_roster`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import pandas as pd

from salesflow.optimizer.staffing.roster import (
    MINUTES_PER_DAY,
    Assignment,
    Roster,
    paid_hours,
    shift_span,
)

POLICY = "fixed_pattern"
MAX_DAYS_PER_WEEK = 5
MIN_REST_MINUTES = 11 * 60
WEEKDAYS_MON_FRI = (0, 1, 2, 3, 4)


def open_weekdays(requirements: pd.DataFrame) -> tuple[int, ...]:
    """Weekdays (Monday = 0) with a positive requirement; Monday-Friday if there is none."""
    positive = requirements.loc[requirements["required"] > 0, "date"]
    if positive.empty:
        return WEEKDAYS_MON_FRI
    return tuple(sorted({int(d) for d in pd.to_datetime(positive).dt.day_of_week.unique()}))


def unavailable_dates(value: object) -> frozenset[dt.date]:
    """The ``unavailable`` cell of an employee as a set of dates (blank = none)."""
    if not isinstance(value, tuple | list | set | frozenset):
        return frozenset()
    return frozenset(pd.Timestamp(d).date() for d in value)


def _role(skills: tuple[str, ...], required_skills: set[str]) -> str | None:
    for skill in skills:
        if skill in required_skills:
            return skill
    return skills[0] if skills else None


def _too_long_for_next_day(start: int, end: int) -> bool:
    """Whether the same shift on the next day would leave less than 11 h rest."""
    return MINUTES_PER_DAY - (end - start) < MIN_REST_MINUTES


def _adjacent(a: int, b: int) -> bool:
    return (a - b) % 7 in (1, 6)


def pattern_weekdays(open_days: tuple[int, ...], offset: int, count: int,
                     spaced: bool) -> frozenset[int]:
    """Up to ``count`` weekdays taken cyclically from ``open_days[offset]``.

    With ``spaced`` no two chosen weekdays are adjacent (Sunday and Monday are adjacent).
    """
    chosen: list[int] = []
    n = len(open_days)
    for step in range(n):
        if len(chosen) >= count:
            break
        day = open_days[(offset + step) % n]
        if spaced and any(_adjacent(day, other) for other in chosen):
            continue
        chosen.append(day)
    return frozenset(chosen)


def fixed_pattern_roster(
    employees: pd.DataFrame,
    shifts: pd.DataFrame,
    days: list[dt.date],
    requirements: pd.DataFrame,
) -> Roster:
    """Roster every employee on one fixed shift type and fixed weekdays.

    Parameters
    ----------
    employees:
        The employees table (``skills`` and ``unavailable`` as tuples).
    shifts:
        The shift types (``start``/``end`` in minutes after midnight).
    days:
        The dates to roster.
    requirements:
        Columns ``date, hour, skill, required``; only the open weekdays and the required
        skills are used.

    Returns
    -------
    Roster
        Assignments sorted by day, then employee id; policy ``"fixed_pattern"``.

    Raises
    ------
    ValueError
        If there are no shift types.
    """
    if shifts.empty:
        raise ValueError("shifts must list at least one shift type; got none")
    types = sorted(
        ((str(s.shift_id), *shift_span(s.start, s.end), paid_hours(s.start, s.end, s.break_minutes))
         for s in shifts.itertuples(index=False)),
        key=lambda t: (t[1], t[0]),
    )
    open_days = open_weekdays(requirements)
    required_skills = {str(s) for s in requirements.loc[requirements["required"] > 0, "skill"]}
    dates = sorted({pd.Timestamp(d).date() for d in days})

    rank: dict[str, int] = defaultdict(int)
    assignments: list[Assignment] = []
    for emp in employees.sort_values("employee_id", kind="stable").itertuples(index=False):
        role = _role(tuple(emp.skills), required_skills)
        if role is None:
            continue
        j = rank[role]
        rank[role] += 1
        shift_id, start, end, hours = types[j % len(types)]
        spaced = _too_long_for_next_day(start, end)
        count = min(MAX_DAYS_PER_WEEK, len(open_days))
        if hours > 0:
            count = min(count, math.floor(float(emp.max_hours_week) / hours + 1e-9))
        weekdays = pattern_weekdays(open_days, j % len(open_days), count, spaced)
        off = unavailable_dates(emp.unavailable)
        for day in dates:
            if day.weekday() in weekdays and day not in off:
                assignments.append(Assignment(str(emp.employee_id), day, shift_id, start, end,
                                              hours, role))
    assignments.sort(key=lambda a: (a.day, a.employee_id))
    return Roster(tuple(assignments), POLICY)

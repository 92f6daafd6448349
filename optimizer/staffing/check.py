"""An independent checker of rosters: the specification every roster policy must meet.

It uses none of the roster builders; it re-derives shift times and paid hours from the shift
types and checks every hard rule (:func:`check_roster`). Weekly hours under an employee's
``min_hours_week`` are a soft rule: reported by :func:`roster_warnings`, never a violation, because
the fixed-pattern baseline (and a roster for a week with few open days) may fall short of them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import pandas as pd

from salesflow.data.i18n import _
from salesflow.optimizer.staffing.roster import Assignment, Roster

MIN_REST_MINUTES = 11 * 60
TOLERANCE_HOURS = 1e-6
_DAY = 1440


def _dates(value: object) -> frozenset[dt.date]:
    if not isinstance(value, tuple | list | set | frozenset):
        return frozenset()
    return frozenset(pd.Timestamp(d).date() for d in value)


def _week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def _label(a: Assignment) -> str:
    return f"{a.employee_id} on {a.day.isoformat()} ({a.shift_id})"


def _shift_times(shifts: pd.DataFrame) -> dict[str, tuple[int, int, float]]:
    """shift_id -> (start, end > start, paid hours) from the shifts table."""
    out = {}
    for s in shifts.itertuples(index=False):
        start, end = int(s.start), int(s.end)
        if end <= start:
            end += _DAY
        out[str(s.shift_id)] = (start, end, (end - start - float(s.break_minutes)) / 60.0)
    return out


def _check_assignment(a: Assignment, emp: Any, shift: tuple[int, int, float] | None,
                      horizon: AbstractSet[dt.date]) -> list[str]:
    errors = []
    if a.day not in horizon:
        errors.append(f"{_label(a)}: the date is not one of the days to roster")
    if a.role not in tuple(emp.skills):
        errors.append(f"{_label(a)}: role {a.role!r} is not one of the employee's skills "
                      f"{list(emp.skills)}")
    if a.day in _dates(emp.unavailable):
        errors.append(f"{_label(a)}: the employee is unavailable that day")
    if shift is not None:
        start, end, hours = shift
        if (a.start, a.end) != (start, end):
            errors.append(f"{_label(a)}: times {a.start}-{a.end} must equal the shift type's "
                          f"{start}-{end} (minutes after midnight)")
        if abs(a.paid_hours - hours) > TOLERANCE_HOURS:
            errors.append(f"{_label(a)}: paid hours {a.paid_hours:g} must equal the shift's "
                          f"length minus break, {hours:g}")
    return errors


def check_roster(
    roster: Roster,
    employees: pd.DataFrame,
    shifts: pd.DataFrame,
    days: list[dt.date],
) -> list[str]:
    """Every hard rule the roster breaks, as readable messages (empty when it is valid).

    Hard rules: known employee and shift type; the date is one of ``days``; at most one
    shift per employee and day; the role is one of the employee's skills; no work on the
    employee's unavailable dates; start, end and paid hours equal the shift type's (paid hours =
    length - break); paid hours per employee and ISO week within ``max_hours_week``; at least
    11 h rest between consecutive shifts of an employee (across days and weeks).

    Parameters
    ----------
    roster:
        The roster to check.
    employees, shifts:
        The employees and shift types tables.
    days:
        The dates the roster is for.

    Returns
    -------
    list of str
        One message per violation, in a deterministic order.
    """
    return RosterChecker.of(employees, shifts, days).check(roster)


@dataclass(frozen=True)
class RosterChecker:
    """:func:`check_roster` with its tables read once, for checking many rosters against the
    same employees, shift types and days (a trial shift per candidate employee, say).

    Attributes
    ----------
    staff:
        Employee id -> the employee's row (``skills``, ``unavailable``, ``max_hours_week``).
    types:
        Shift id -> (start, end > start, paid hours).
    horizon:
        The dates the rosters are for.
    """

    staff: Mapping[str, Any]
    types: Mapping[str, tuple[int, int, float]]
    horizon: frozenset[dt.date]

    @classmethod
    def of(cls, employees: pd.DataFrame, shifts: pd.DataFrame,
           days: list[dt.date]) -> RosterChecker:
        """The checker of ``employees`` and ``shifts`` for ``days``."""
        return cls({str(e.employee_id): e for e in employees.itertuples(index=False)},
                   _shift_times(shifts), frozenset(pd.Timestamp(d).date() for d in days))

    def with_employees(self, employees: pd.DataFrame) -> RosterChecker:
        """This checker with the rows of ``employees`` added (or replacing those with their
        ids)."""
        staff = {**self.staff, **{str(e.employee_id): e
                                  for e in employees.itertuples(index=False)}}
        return replace(self, staff=staff)

    def check(self, roster: Roster) -> list[str]:
        """Every hard rule ``roster`` breaks (see :func:`check_roster`)."""
        staff, types = self.staff, self.types
        errors: list[str] = []
        mine: dict[str, list[Assignment]] = defaultdict(list)
        for a in roster.assignments:
            emp = staff.get(a.employee_id)
            if emp is None:
                errors.append(f"{_label(a)}: unknown employee {a.employee_id!r}")
                continue
            shift = types.get(a.shift_id)
            if shift is None:
                errors.append(f"{_label(a)}: unknown shift type {a.shift_id!r}")
            errors.extend(_check_assignment(a, emp, shift, self.horizon))
            mine[a.employee_id].append(a)

        for employee_id in sorted(mine):
            errors.extend(_check_employee(employee_id, mine[employee_id], staff[employee_id],
                                          types))
        return errors


def _check_employee(employee_id: str, work: list[Assignment], emp: Any,
                    types: Mapping[str, tuple[int, int, float]]) -> list[str]:
    errors = []
    per_day: dict[dt.date, list[str]] = defaultdict(list)
    for a in work:
        per_day[a.day].append(a.shift_id)
    for day in sorted(per_day):
        if len(per_day[day]) > 1:
            errors.append(f"{employee_id} on {day.isoformat()}: {len(per_day[day])} shifts "
                          f"({', '.join(per_day[day])}); at most one shift a day")

    hours: dict[tuple[int, int], float] = defaultdict(float)
    for a in work:
        shift = types.get(a.shift_id)
        hours[_week(a.day)] += shift[2] if shift is not None else a.paid_hours
    limit = float(emp.max_hours_week)
    for (year, week), total in sorted(hours.items()):
        if total > limit + TOLERANCE_HOURS:
            errors.append(f"{employee_id} in {year}-W{week:02d}: {total:g} paid hours, more than "
                          f"max_hours_week {limit:g}")

    spans = sorted(((a.day.toordinal() * _DAY + a.start, a.day.toordinal() * _DAY + a.end, a)
                    for a in work), key=lambda t: (t[0], t[1]))
    for (_start, prev_end, prev), (next_start, _end, nxt) in pairwise(spans):
        rest = next_start - prev_end
        if rest < MIN_REST_MINUTES:
            errors.append(f"{employee_id}: only {rest / 60:g} h rest between {_label(prev)} and "
                          f"{_label(nxt)}; at least 11 h")
    return errors


def roster_warnings(roster: Roster, employees: pd.DataFrame, days: list[dt.date]) -> list[str]:
    """Soft-rule messages: employees under ``min_hours_week`` in a week of ``days``.

    For a week only partly in ``days`` the minimum is prorated by its share of the week's
    seven days. Not a hard rule: the fixed-pattern baseline may fall short of it.

    Parameters
    ----------
    roster:
        The roster to check.
    employees:
        The employees table.
    days:
        The dates the roster is for.

    Returns
    -------
    list of str
        One message per employee and week under the minimum.
    """
    per_week: dict[tuple[int, int], int] = defaultdict(int)
    for day in {pd.Timestamp(d).date() for d in days}:
        per_week[_week(day)] += 1
    hours: dict[tuple[str, tuple[int, int]], float] = defaultdict(float)
    for a in roster.assignments:
        hours[a.employee_id, _week(a.day)] += a.paid_hours
    warnings = []
    for emp in employees.sort_values("employee_id", kind="stable").itertuples(index=False):
        for week in sorted(per_week):
            floor = float(emp.min_hours_week) * per_week[week] / 7
            worked = hours.get((str(emp.employee_id), week), 0.0)
            if worked < floor - TOLERANCE_HOURS:
                text = _("{employee} in {week}: {hours} paid hours, under min_hours_week "
                         "{minimum}") if per_week[week] >= 7 else _(
                    "{employee} in {week}: {hours} paid hours, under min_hours_week {minimum} "
                    "(prorated {prorated})")
                warnings.append(text.format(
                    employee=emp.employee_id, week=f"{week[0]}-W{week[1]:02d}",
                    hours=f"{worked:g}", minimum=f"{float(emp.min_hours_week):g}",
                    prorated=f"{floor:g}"))
    return warnings

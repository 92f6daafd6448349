"""The roster: who works which shift on which day in which role, its table form and cost.

Times are minutes after midnight of the assignment's ``day``; a shift crossing midnight ends
after 1440 (22:00-06:00 is ``start=1320, end=1800``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from salesflow.data.dataset.parsing import format_minutes

MINUTES_PER_DAY = 1440

ROSTER_COLUMNS = ("employee_id", "date", "shift_id", "start", "end", "role")


@dataclass(frozen=True)
class Assignment:
    """One employee working one shift on one day.

    Attributes
    ----------
    employee_id:
        The employee.
    day:
        The date the shift starts on.
    shift_id:
        The shift type.
    start, end:
        Minutes after midnight of ``day``; ``end > start`` always, ``end > 1440`` when the
        shift crosses midnight.
    paid_hours:
        Shift length minus its break, in hours.
    role:
        The skill the employee works in.
    """

    employee_id: str
    day: dt.date
    shift_id: str
    start: int
    end: int
    paid_hours: float
    role: str


@dataclass(frozen=True)
class Roster:
    """A set of assignments and the policy that produced it (``"fixed_pattern"``, ...)."""

    assignments: tuple[Assignment, ...]
    policy: str


def shift_span(start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` of a shift type with ``end > start``: an end at or before the start
    (as written in the shifts table) means the shift crosses midnight and ends the next day.
    """
    start = int(start)
    length = (int(end) - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
    return start, start + length


def paid_hours(start: int, end: int, break_minutes: float) -> float:
    """Paid hours of a shift type: its length minus the break, in hours."""
    first, last = shift_span(start, end)
    return (last - first - float(break_minutes)) / 60.0


def _clock(day: dt.date, minutes: int, iso: bool) -> str:
    if not iso:
        return format_minutes(minutes)
    when = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=int(minutes))
    return when.strftime("%Y-%m-%dT%H:%M")


def roster_frame(roster: Roster) -> pd.DataFrame:
    """The roster as a table, one row per assignment in roster order.

    Columns ``employee_id, date (YYYY-MM-DD), shift_id, start, end, role``. ``start`` and
    ``end`` are ``HH:MM``; for a shift crossing midnight (end after 24:00) both are ISO
    date-times ``YYYY-MM-DDTHH:MM`` so the end's date is explicit. A shift ending exactly at
    midnight shows ``24:00``.
    """
    rows = []
    for a in roster.assignments:
        iso = a.end > MINUTES_PER_DAY
        rows.append((a.employee_id, a.day.isoformat(), a.shift_id,
                     _clock(a.day, a.start, iso), _clock(a.day, a.end, iso), a.role))
    return pd.DataFrame(rows, columns=list(ROSTER_COLUMNS), dtype=object).astype("str")


def labour_cost(roster: Roster, employees: pd.DataFrame) -> float:
    """Cost of the roster: paid hours times each employee's ``hourly_cost``.

    Raises
    ------
    ValueError
        If an assignment names an employee not in ``employees``.
    """
    rates = dict(zip(employees["employee_id"], employees["hourly_cost"].astype(float),
                     strict=True))
    total = 0.0
    for a in roster.assignments:
        if a.employee_id not in rates:
            raise ValueError(f"employee_id must be one of the employees; got {a.employee_id!r}")
        total += a.paid_hours * rates[a.employee_id]
    return total

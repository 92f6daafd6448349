"""Requirements no roster can meet, found before solving, and the shortfall a roster leaves.

:func:`impossible_requirements` names every (date, hour, skill) that cannot be staffed in full
whatever the roster: nobody has the skill, no shift type covers the hour, or fewer people with
the skill can be there than required. :func:`contract_shortages` names skills whose required
person-hours in a week exceed what their holders' contracts allow. The roster is still built:
coverage is soft, so these shortfalls are priced like any other (:func:`shortfalls` lists them
with their reason).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from salesflow.data.i18n import _, format_number
from salesflow.optimizer.staffing.objective import hour_cover
from salesflow.optimizer.staffing.problem import ShiftType
from salesflow.optimizer.staffing.roster import shift_span

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Shortfall:
    """A requirement (partly) left uncovered and why."""

    date: dt.date
    hour: int
    skill: str
    required: float
    staffed: float
    reason: str
    priced: bool = False  # coverable, left short because covering costs more than its penalty

    @property
    def missing(self) -> float:
        return max(0.0, self.required - self.staffed)


def _unavailable(emp) -> set[dt.date]:
    return {pd.Timestamp(d).date() for d in (emp.unavailable or ())}


def impossible_requirements(employees: pd.DataFrame, shifts: pd.DataFrame,
                            requirements: pd.DataFrame,
                            days: list[dt.date]) -> dict[tuple[dt.date, int, str], str]:
    """(date, hour, skill) -> why it cannot be staffed in full, for every such requirement.

    A person can be there if they have the skill and are available on a rostered day whose
    shift of some type covers that hour (night shifts from the day before count).
    """
    horizon = set(days)
    offsets: dict[int, set[int]] = defaultdict(set)  # hour -> day offsets of covering shifts
    for s in shifts.itertuples(index=False):
        start, end = shift_span(s.start, s.end)
        for offset, hour, _count in hour_cover(ShiftType(str(s.shift_id), start, end, 0)):
            offsets[hour].add(offset)
    holders: dict[str, list] = defaultdict(list)
    for emp in employees.itertuples(index=False):
        for skill in emp.skills:
            holders[str(skill)].append((str(emp.employee_id), _unavailable(emp)))
    out = {}
    need = requirements.groupby(["date", "hour", "skill"], sort=True)["required"].sum()
    for (date, hour, skill), required in need.items():
        if required <= TOLERANCE:
            continue
        day, hour, skill = pd.Timestamp(date).date(), int(hour), str(skill)
        key = (day, hour, skill)
        if not holders.get(skill):
            out[key] = _("no employee has skill {skill!r}").format(skill=skill)
            continue
        starts = [day - dt.timedelta(days=o) for o in offsets.get(hour, ())]
        starts = [d for d in starts if d in horizon]
        if not starts:
            out[key] = _("no shift type covers {hour:02d}:00 on a rostered day").format(hour=hour)
            continue
        able = sum(1 for _emp, off in holders[skill] if any(d not in off for d in starts))
        if able + TOLERANCE < required:
            out[key] = _("needs {required:g} persons, but only {able} of the {holders} employees "
                         "with skill {skill!r} can be on shift").format(
                required=required, able=able, holders=len(holders[skill]), skill=skill)
    return out


def contract_shortages(employees: pd.DataFrame,
                       requirements: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(ISO week ``YYYY-Www``, skill) -> message, where the skill's required person-hours in
    that week exceed the summed ``max_hours_week`` of all employees holding it."""
    limit: dict[str, float] = defaultdict(float)
    for emp in employees.itertuples(index=False):
        for skill in emp.skills:
            limit[str(skill)] += float(emp.max_hours_week)
    frame = requirements.assign(
        week=pd.to_datetime(requirements["date"]).map(
            lambda d: f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"))
    out = {}
    totals = frame.groupby(["week", "skill"], sort=True)["required"].sum()
    for (week, skill), hours in totals.items():
        allowed = limit.get(str(skill), 0.0)
        if hours > allowed + TOLERANCE:
            out[str(week), str(skill)] = _(
                "{skill!r} needs {hours} person-hours in {week}; the contracts of its holders "
                "allow {allowed}").format(skill=skill, hours=format_number(hours, 1), week=week,
                                          allowed=format_number(allowed, 1))
    return out


def shortfalls(cov: pd.DataFrame, impossible: dict[tuple[dt.date, int, str], str],
               contracts: dict[tuple[str, str], str], minimum: float = 0.05) -> list[Shortfall]:
    """Every (date, hour, skill) the roster leaves short by more than ``minimum`` persons, or
    that is impossible, with the reason (impossible, contracts, else priced)."""
    out = []
    for r in cov.itertuples(index=False):
        day = pd.Timestamp(r.date).date()
        key = (day, int(r.hour), str(r.skill))
        missing = float(r.required) - float(r.staffed)
        if missing <= minimum and key not in impossible:
            continue
        if missing <= TOLERANCE:
            continue
        year, week, _weekday = day.isocalendar()
        reason = impossible.get(key) or contracts.get((f"{year}-W{week:02d}", key[2]))
        priced = reason is None
        if reason is None:
            reason = _("left short: covering it would cost more than its penalty under the rules")
        out.append(Shortfall(day, key[1], key[2], float(r.required), float(r.staffed), reason,
                             priced))
    return out

"""An independent checker of Curtois & Qu benchmark rosters, written from the instance itself.

It shares nothing with the roster model: it reads the :class:`~salesflow.data.instances.curtois.
CurtoisInstance` rules as the benchmark states them (README: everything but requests and cover
is hard; the minimum-run rules exempt runs touching the first or last day) and recomputes the
objective (violated request weights plus cover under/over penalties).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from salesflow.data.instances.curtois import CurtoisInstance


@dataclass(frozen=True)
class CurtoisVerdict:
    """Hard-rule violations and the recomputed objective (with its parts)."""

    violations: tuple[str, ...]
    objective: int
    request_penalty: int
    cover_penalty: int

    @property
    def feasible(self) -> bool:
        return not self.violations


def _runs(worked: list[bool]) -> list[tuple[bool, int, int]]:
    """(working?, first day, length) of each maximal run."""
    runs: list[tuple[bool, int, int]] = []
    for day, flag in enumerate(worked):
        if runs and runs[-1][0] == flag:
            kind, first, length = runs[-1]
            runs[-1] = (kind, first, length + 1)
        else:
            runs.append((flag, day, 1))
    return runs


def _employee(inst: CurtoisInstance, member, plan: dict[int, str], off: set[int]) -> list[str]:
    errors = []
    name = member.employee_id
    lengths = {s.shift_id: s.minutes for s in inst.shifts}
    banned = {s.shift_id: set(s.not_followed_by) for s in inst.shifts}
    counts = Counter(plan.values())
    for shift, most in member.max_shifts:
        if counts[shift] > most:
            errors.append(f"{name}: {counts[shift]} {shift} shifts, more than {most}")
    minutes = sum(lengths[s] for s in plan.values())
    if not member.min_total_minutes <= minutes <= member.max_total_minutes:
        errors.append(f"{name}: {minutes} minutes, outside [{member.min_total_minutes}, "
                      f"{member.max_total_minutes}]")
    for day in sorted(set(plan) & off):
        errors.append(f"{name}: works on day {day}, a day off")
    for day in sorted(plan):
        nxt = plan.get(day + 1)
        if nxt is not None and nxt in banned[plan[day]]:
            errors.append(f"{name}: {nxt} on day {day + 1} may not follow {plan[day]}")
    last = inst.n_days - 1
    for working, first, length in _runs([d in plan for d in range(inst.n_days)]):
        inside = first > 0 and first + length - 1 < last
        if working and length > member.max_consecutive_shifts:
            errors.append(f"{name}: {length} shifts in a row from day {first}, more than "
                          f"{member.max_consecutive_shifts}")
        if working and inside and length < member.min_consecutive_shifts:
            errors.append(f"{name}: {length} shifts in a row from day {first}, fewer than "
                          f"{member.min_consecutive_shifts}")
        if not working and inside and length < member.min_consecutive_days_off:
            errors.append(f"{name}: {length} days off in a row from day {first}, fewer than "
                          f"{member.min_consecutive_days_off}")
    weekends = {d // 7 for d in plan if d % 7 in (5, 6)}
    if len(weekends) > member.max_weekends:
        errors.append(f"{name}: works {len(weekends)} weekends, more than "
                      f"{member.max_weekends}")
    return errors


def check_curtois(inst: CurtoisInstance,
                  assignments: Iterable[tuple[str, int, str]]) -> CurtoisVerdict:
    """Check ``(employee id, day, shift id)`` assignments against every hard rule of the
    instance and recompute the objective.

    Returns
    -------
    CurtoisVerdict
        Violations (empty when feasible), objective, request and cover penalty.
    """
    staff = {m.employee_id: m for m in inst.staff}
    shifts = {s.shift_id for s in inst.shifts}
    plans: dict[str, dict[int, str]] = defaultdict(dict)
    errors: list[str] = []
    for employee, day, shift in assignments:
        if employee not in staff or shift not in shifts or not 0 <= day < inst.n_days:
            errors.append(f"unknown employee, shift or day: {employee}, {day}, {shift}")
        elif day in plans[employee]:
            errors.append(f"{employee}: two shifts on day {day}")
        else:
            plans[employee][day] = shift
    days_off = {e: set(days) for e, days in inst.days_off}
    for member in inst.staff:
        errors.extend(_employee(inst, member, plans.get(member.employee_id, {}),
                                days_off.get(member.employee_id, set())))

    requests = sum(r.weight for r in inst.on_requests
                   if plans.get(r.employee_id, {}).get(r.day) != r.shift_id)
    requests += sum(r.weight for r in inst.off_requests
                    if plans.get(r.employee_id, {}).get(r.day) == r.shift_id)
    staffed = Counter((d, s) for plan in plans.values() for d, s in plan.items())
    cover = 0
    for c in inst.cover:
        have = staffed[c.day, c.shift_id]
        cover += max(0, c.requirement - have) * c.under_weight
        cover += max(0, have - c.requirement) * c.over_weight
    return CurtoisVerdict(tuple(errors), requests + cover, requests, cover)

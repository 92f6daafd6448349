"""An independent checker and cost of a solution of any
:class:`~salesflow.optimizer.staffing.problem.RosterProblem`, in plain Python.

It re-reads every hard rule from the problem (not from the CP-SAT model) and recomputes the
objective: labour, coverage under/over and unmet shift requests.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from salesflow.optimizer.staffing.objective import cover_links
from salesflow.optimizer.staffing.problem import RosterProblem, Shift


def _runs(worked: list[bool]) -> list[tuple[bool, int, int]]:
    runs: list[tuple[bool, int, int]] = []
    for day, flag in enumerate(worked):
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((flag, day, 1))
    return runs


def _employee(problem: RosterProblem, e: int, plan: dict[int, Shift]) -> list[str]:
    member = problem.staff[e]
    name = member.employee_id
    types = problem.shift_types
    errors = []
    for day, a in sorted(plan.items()):
        if a.role not in member.skills:
            errors.append(f"{name} day {day}: role {a.role!r} is not one of {member.skills}")
        if day in member.days_off:
            errors.append(f"{name} day {day}: a day off")
    for ban in problem.rotation_bans:
        for day, a in plan.items():
            b = plan.get(day + ban.lag)
            if b and types[a.shift].shift_id == ban.first and types[b.shift].shift_id == ban.second:
                errors.append(f"{name}: {ban.second} on day {day + ban.lag} may not follow "
                              f"{ban.first} on day {day}")
    counts = Counter(types[a.shift].shift_id for a in plan.values())
    for shift_id, most in member.max_shifts:
        if counts[shift_id] > most:
            errors.append(f"{name}: {counts[shift_id]} {shift_id} shifts, more than {most}")
    for limit in member.work_limits:
        minutes = sum(types[a.shift].paid_minutes for d, a in plan.items()
                      if limit.first_day <= d < limit.last_day)
        if not limit.min_minutes <= minutes <= limit.max_minutes:
            errors.append(f"{name}: {minutes} paid minutes on days {limit.first_day}.."
                          f"{limit.last_day - 1}, outside [{limit.min_minutes}, "
                          f"{limit.max_minutes}]")
    last = problem.n_days - 1
    for working, first, length in _runs([d in plan for d in range(problem.n_days)]):
        inside = first > 0 and first + length - 1 < last
        longest = member.max_consecutive_shifts
        if working and longest is not None and length > longest:
            errors.append(f"{name}: {length} working days in a row from day {first}")
        least = member.min_consecutive_shifts or 1
        if working and inside and length < least:
            errors.append(f"{name}: only {length} working days in a row from day {first}")
        least_off = member.min_consecutive_days_off or 1
        if not working and inside and length < least_off:
            errors.append(f"{name}: only {length} days off in a row from day {first}")
    weekends = problem.weekends()
    worked = [sum(d in plan for d in days) for days in weekends]
    if member.max_weekends is not None and sum(w > 0 for w in worked) > member.max_weekends:
        errors.append(f"{name}: {sum(w > 0 for w in worked)} weekends worked, more than "
                      f"{member.max_weekends}")
    if member.max_days_per_weekend is not None and any(
            w > member.max_days_per_weekend for w in worked):
        errors.append(f"{name}: more than {member.max_days_per_weekend} days of a weekend")
    return errors


def check_rules(problem: RosterProblem, shifts: tuple[Shift, ...]) -> list[str]:
    """Every hard rule of ``problem`` that ``shifts`` break (empty when it is feasible)."""
    errors = []
    plans: dict[int, dict[int, Shift]] = defaultdict(dict)
    for a in shifts:
        if not (0 <= a.employee < len(problem.staff) and 0 <= a.day < problem.n_days
                and 0 <= a.shift < len(problem.shift_types)):
            errors.append(f"assignment out of range: {a}")
        elif a.day in plans[a.employee]:
            errors.append(f"{problem.staff[a.employee].employee_id} day {a.day}: two shifts")
        else:
            plans[a.employee][a.day] = a
    for e in range(len(problem.staff)):
        errors.extend(_employee(problem, e, plans.get(e, {})))
    return errors


def solution_cost(problem: RosterProblem, shifts: tuple[Shift, ...]) -> dict[str, float]:
    """Labour, coverage (under, over) and request cost of ``shifts`` and their total."""
    labour = sum(problem.staff[a.employee].cost_per_paid_minute
                 * problem.shift_types[a.shift].paid_minutes for a in shifts)
    chosen = {(a.employee, a.day, a.shift): a.role for a in shifts}
    links = cover_links(problem)
    present = Counter((a.day, a.shift, a.role) for a in shifts)
    under = over = 0.0
    for need in problem.demands:
        staffed = sum(units * present[d, s, need.skill]
                      for d, s, units in links.get((need.day, need.slot), ()))
        under += max(0, need.required - staffed) * need.under_weight
        over += max(0, staffed - need.required) * need.over_weight
    requests = 0.0
    for r in problem.requests:
        if r.shift_id is None:
            working = any((r.employee, r.day, s) in chosen
                          for s in range(len(problem.shift_types)))
        else:
            working = (r.employee, r.day, problem.shift_index(r.shift_id)) in chosen
        if working != r.on:
            requests += r.weight
    return {"labour": labour, "under": under, "over": over, "requests": requests,
            "total": labour + under + over + requests}

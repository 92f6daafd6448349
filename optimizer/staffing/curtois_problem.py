"""A Curtois & Qu benchmark instance expressed through the roster model.

Every rule of the benchmark maps to a rule unit of the one roster model: rotation bans
(``not_followed_by``), per-shift-type maxima, min/max total minutes (one work limit over the
horizon), max/min consecutive shifts, min consecutive days off (with the boundary rule), max
weekends, days off; the soft parts are shift on/off requests and coverage per (day, shift) with
its under/over weights. There is one role and no labour cost.
"""

from __future__ import annotations

from salesflow.data.instances.curtois import CurtoisInstance
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.problem import (
    COVER_BY_SHIFT,
    CoverDemand,
    RosterProblem,
    RotationBan,
    Shift,
    ShiftRequest,
    ShiftType,
    StaffMember,
    WorkLimit,
)
from salesflow.optimizer.staffing.solve import RosterSolution, solve_roster

ROLE = "nurse"


def curtois_problem(instance: CurtoisInstance) -> RosterProblem:
    """The roster problem of a benchmark instance (day 0 is a Monday)."""
    shift_types = tuple(ShiftType(s.shift_id, 0, s.minutes, s.minutes) for s in instance.shifts)
    bans = tuple(RotationBan(s.shift_id, other, 1)
                 for s in instance.shifts for other in s.not_followed_by)
    days_off = dict(instance.days_off)
    staff = tuple(
        StaffMember(
            employee_id=m.employee_id,
            skills=(ROLE,),
            days_off=frozenset(days_off.get(m.employee_id, ())),
            work_limits=(WorkLimit(0, instance.n_days, m.min_total_minutes,
                                   m.max_total_minutes),),
            max_shifts=m.max_shifts,
            max_consecutive_shifts=m.max_consecutive_shifts,
            min_consecutive_shifts=m.min_consecutive_shifts,
            min_consecutive_days_off=m.min_consecutive_days_off,
            max_weekends=m.max_weekends,
        )
        for m in instance.staff)
    index = {m.employee_id: e for e, m in enumerate(instance.staff)}
    requests = tuple(
        ShiftRequest(index[r.employee_id], r.day, r.shift_id, on, float(r.weight))
        for on, group in ((True, instance.on_requests), (False, instance.off_requests))
        for r in group)
    demands = tuple(CoverDemand(c.day, c.shift_id, ROLE, c.requirement, float(c.under_weight),
                                float(c.over_weight)) for c in instance.cover)
    return RosterProblem(instance.n_days, 0, shift_types, staff, bans, COVER_BY_SHIFT, demands,
                         requests, cost_scale=1)


def schedule_of(problem: RosterProblem, shifts: tuple[Shift, ...]) -> dict[str, dict[int, str]]:
    """Employee id -> day -> shift id of a solution (the form the benchmark checker reads)."""
    out: dict[str, dict[int, str]] = {m.employee_id: {} for m in problem.staff}
    for a in shifts:
        out[problem.staff[a.employee].employee_id][a.day] = problem.shift_types[a.shift].shift_id
    return out


def solve_curtois(problem: RosterProblem, limits: SolveLimits) -> RosterSolution:
    """Solve a benchmark instance's roster problem within ``limits``."""
    return solve_roster(problem, limits)

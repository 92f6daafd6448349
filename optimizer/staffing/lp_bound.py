"""A lower bound on a roster's cost from a linear relaxation, for rosters too large for CP-SAT.

When CP-SAT finds no roster within its limit (hundreds of employees in one model), its own
bound is often still 0 and the gap of the roster that stands in reads 100 % whatever that
roster is worth. :func:`relaxation_bound` solves the linear relaxation (GLOP through MathOpt)
of the roster model with the run rules that only a sequence can express left out (minimum runs
of working days and of days off); every rule it keeps is linear in the assignment variables:

* one shift a day, skills and days off (as the variables that exist), rotation bans;
* shift-type limits and the paid-minute limits (minimum and maximum) of each period;
* at most ``max_consecutive_shifts`` working days in every window one day longer;
* weekends worked (a day worked of a weekend counts its weekend) and days per weekend.

Dropping rules and integrality can only lower the optimum, so the LP value is a valid bound on
the objective of every roster that obeys the rules. Employees with the same contract and no
shift requests are one group whose variables count persons (0 to the group's size): summing
the constraints of identical employees gives the group's, so the grouped LP is a relaxation of
the per-employee one (with the same value, by symmetry) and a few hundred times smaller.
Coefficients are those of the CP-SAT objective (costs times ``cost_scale``, rounded).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ortools.math_opt.python import mathopt

from salesflow.optimizer.staffing.objective import cover_links
from salesflow.optimizer.staffing.problem import RosterProblem, StaffMember

TOLERANCE = 1e-6
"""Relative margin taken off the LP value: GLOP's optimum is exact only up to its tolerances."""


@dataclass(frozen=True)
class _Group:
    """Employees that the LP cannot tell apart: one contract, no requests."""

    member: StaffMember
    size: int
    employee: int | None
    """The employee's index when the group is one employee with shift requests."""


def _contract(member: StaffMember) -> tuple[object, ...]:
    return (tuple(sorted(member.skills)), member.cost_per_paid_minute,
            tuple(sorted(member.days_off)), member.work_limits, tuple(sorted(member.max_shifts)),
            member.max_consecutive_shifts, member.max_weekends, member.max_days_per_weekend)


def _groups(problem: RosterProblem) -> list[_Group]:
    asking = {r.employee for r in problem.requests}
    by_contract: dict[tuple[object, ...], list[int]] = defaultdict(list)
    groups = []
    for e, member in enumerate(problem.staff):
        if e in asking:
            groups.append(_Group(member, 1, e))
        else:
            by_contract[_contract(member)].append(e)
    for members in by_contract.values():
        groups.append(_Group(problem.staff[members[0]], len(members), None))
    return groups


def relaxation_bound(problem: RosterProblem, seconds: float) -> float | None:
    """A lower bound on the objective (in cost units, as ``solution_cost``'s total) of every
    roster of ``problem`` that obeys its hard rules; ``None`` if GLOP does not solve the LP to
    optimality within ``seconds`` (or finds it infeasible: then no roster obeys the rules)."""
    scale = problem.cost_scale
    model = mathopt.Model(name="roster_relaxation")
    types = problem.shift_types
    days = range(problem.n_days)
    objective = 0.0
    # x[g, d, s, role]: persons of group g on shift s of day d in that role
    x: dict[tuple[int, int, int, str], mathopt.Variable] = {}
    groups = _groups(problem)
    for g, group in enumerate(groups):
        member, size = group.member, float(group.size)
        for d in days:
            if d in member.days_off:
                continue
            for s in range(len(types)):
                for role in member.skills:
                    var = model.add_variable(lb=0.0, ub=size, name=f"x_{g}_{d}_{s}_{role}")
                    x[g, d, s, role] = var
                    rate = member.cost_per_paid_minute
                    coef = round(rate * types[s].paid_minutes * scale) if rate > 0 else 0
                    if coef:
                        objective += coef * var

    def works(g: int, d: int, s: int) -> mathopt.LinearExpression:
        return mathopt.fast_sum(x[g, d, s, r] for r in groups[g].member.skills
                                if (g, d, s, r) in x)

    def on(g: int, d: int) -> mathopt.LinearExpression:
        return mathopt.fast_sum(works(g, d, s) for s in range(len(types)))

    for g, group in enumerate(groups):
        member, size = group.member, float(group.size)
        for d in days:
            model.add_linear_constraint(on(g, d) <= size)
        for ban in problem.rotation_bans:
            a, b = problem.shift_index(ban.first), problem.shift_index(ban.second)
            for d in range(problem.n_days - ban.lag):
                model.add_linear_constraint(works(g, d, a) + works(g, d + ban.lag, b) <= size)
        for shift_id, most_of_type in member.max_shifts:
            s = problem.shift_index(shift_id)
            model.add_linear_constraint(
                mathopt.fast_sum(works(g, d, s) for d in days) <= most_of_type * size)
        for limit in member.work_limits:
            window = range(max(0, limit.first_day), min(problem.n_days, limit.last_day))
            paid = mathopt.fast_sum(types[s].paid_minutes * works(g, d, s)
                                    for d in window for s in range(len(types)))
            model.add_linear_constraint(paid <= limit.max_minutes * size)
            if limit.min_minutes > 0:
                model.add_linear_constraint(paid >= limit.min_minutes * size)
        run = member.max_consecutive_shifts
        if run is not None and run < problem.n_days:
            for d in range(problem.n_days - run):
                model.add_linear_constraint(
                    mathopt.fast_sum(on(g, d + k) for k in range(run + 1)) <= run * size)
        weekends = problem.weekends()
        if member.max_weekends is not None and weekends:
            worked = []
            for w, weekend in enumerate(weekends):
                var = model.add_variable(lb=0.0, ub=size, name=f"weekend_{g}_{w}")
                for d in weekend:
                    model.add_linear_constraint(var >= on(g, d))
                worked.append(var)
            model.add_linear_constraint(mathopt.fast_sum(worked) <= member.max_weekends * size)
        if member.max_days_per_weekend is not None:
            for weekend in weekends:
                model.add_linear_constraint(
                    mathopt.fast_sum(on(g, d) for d in weekend)
                    <= member.max_days_per_weekend * size)
    own = {group.employee: g for g, group in enumerate(groups) if group.employee is not None}
    for r in problem.requests:
        g = own[r.employee]
        working = on(g, r.day) if r.shift_id is None else \
            works(g, r.day, problem.shift_index(r.shift_id))
        weight = round(r.weight * scale)
        objective += weight * (1 - working) if r.on else weight * working
    links = cover_links(problem)
    skilled: dict[str, list[int]] = defaultdict(list)
    for g, group in enumerate(groups):
        for skill in group.member.skills:
            skilled[skill].append(g)
    for i, need in enumerate(problem.demands):
        staffed = mathopt.fast_sum(units * x[g, d, s, need.skill]
                                   for d, s, units in links.get((need.day, need.slot), ())
                                   for g in skilled.get(need.skill, ())
                                   if (g, d, s, need.skill) in x)
        under = model.add_variable(lb=0.0, ub=need.required, name=f"under_{i}")
        over = model.add_variable(lb=0.0, name=f"over_{i}")
        model.add_linear_constraint(staffed + under - over == need.required)
        objective += round(need.under_weight * scale) * under
        objective += round(need.over_weight * scale) * over
    model.minimize(objective)
    try:
        result = mathopt.solve(model, mathopt.SolverType.GLOP, params=mathopt.SolveParameters(
            time_limit=dt.timedelta(seconds=max(0.05, seconds))))
    except Exception:  # MathOpt raises solver failures as exceptions of several kinds
        return None
    if result.termination.reason != mathopt.TerminationReason.OPTIMAL:
        return None
    value = result.objective_value() / scale
    return max(0.0, value - TOLERANCE * max(1.0, abs(value)))

"""The soft part of a roster: coverage with under/over penalties, shift requests, labour cost.

Each term is its own unit returning a list of ``(coefficient, variable)`` pairs; the objective
is their sum with costs scaled by ``problem.cost_scale`` and rounded to integers.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from salesflow.optimizer.staffing.problem import COVER_BY_HOUR, RosterProblem, ShiftType
from salesflow.optimizer.staffing.variables import RosterVars

Terms = list[tuple[int, cp_model.LinearExprT]]
_DAY = 1440


def hour_cover(shift: ShiftType) -> list[tuple[int, int, int]]:
    """``(day offset, hour, minutes)`` of every clock hour the shift covers (partly)."""
    out = []
    for slot in range(shift.start // 60, -(-shift.end // 60)):
        minutes = min(shift.end, (slot + 1) * 60) - max(shift.start, slot * 60)
        if minutes > 0:
            out.append((slot // 24, slot % 24, minutes))
    return out


def cover_links(problem: RosterProblem) -> dict[tuple[int, str | int], list[tuple[int, int, int]]]:
    """(day, slot) -> ``(shift day, shift index, units)`` of every shift that covers it."""
    links: dict[tuple[int, str | int], list[tuple[int, int, int]]] = defaultdict(list)
    for s, shift in enumerate(problem.shift_types):
        if problem.cover_mode == COVER_BY_HOUR:
            for offset, hour, minutes in hour_cover(shift):
                for d in range(problem.n_days):
                    links[d + offset, hour].append((d, s, minutes))
        else:
            for d in range(problem.n_days):
                links[d, shift.shift_id].append((d, s, 1))
    return links


def _scaled(problem: RosterProblem, weight: float) -> int:
    return round(weight * problem.cost_scale)


def coverage_terms(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem) -> Terms:
    """Soft coverage: ``staffed + under - over == required`` per demand with ``under =
    max(required - staffed, 0)`` (so every roster the solver reports carries its exact cost),
    under and over priced per unit."""
    links = cover_links(problem)
    skilled: dict[str, list[int]] = defaultdict(list)  # x of other roles is fixed to 0
    for e, member in enumerate(problem.staff):
        for skill in member.skills:
            skilled[skill].append(e)
    terms: Terms = []
    for i, need in enumerate(problem.demands):
        staffed = [(units, v.x[e, d, s, need.skill])
                   for d, s, units in links.get((need.day, need.slot), ())
                   for e in skilled.get(need.skill, ())]
        most = sum(units for units, _ in staffed)
        under = model.new_int_var(0, need.required, f"under_{i}")
        over = model.new_int_var(0, max(0, most - need.required), f"over_{i}")
        total = sum(units * var for units, var in staffed)
        model.add(total + under - over == need.required)
        model.add_max_equality(under, [need.required - total, 0])  # no slack: exact cost
        terms.append((_scaled(problem, need.under_weight), under))
        terms.append((_scaled(problem, need.over_weight), over))
    return terms


def request_terms(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem) -> Terms:
    """Shift requests: an on-request not granted, or an off-request not granted, costs its
    weight."""
    terms: Terms = []
    for r in problem.requests:
        if r.shift_id is None:
            working: cp_model.LinearExprT = v.on[r.employee, r.day]
        else:
            working = v.works(problem, r.employee, r.day, problem.shift_index(r.shift_id))
        weight = _scaled(problem, r.weight)
        if r.on:
            terms.append((weight, 1 - working))
        else:
            terms.append((weight, working))
    return terms


def labour_terms(v: RosterVars, problem: RosterProblem) -> Terms:
    """Labour cost: paid minutes times the employee's cost per paid minute."""
    terms: Terms = []
    for (e, _d, s, _r), var in v.x.items():
        rate = problem.staff[e].cost_per_paid_minute
        if rate > 0:
            coef = _scaled(problem, rate * problem.shift_types[s].paid_minutes)
            if coef:
                terms.append((coef, var))
    return terms


def objective(terms: Terms) -> cp_model.LinearExprT:
    """The sum of the terms (constants from requests included)."""
    return sum(coef * expr for coef, expr in terms if coef)

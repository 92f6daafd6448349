"""The hard rules of a roster, one small unit per constraint family.

Each unit is ``add_<rule>(model, v, problem, guard)``: it adds its family's constraints over the
variables ``v`` (:class:`~salesflow.optimizer.staffing.variables.RosterVars`). ``guard(e)`` gives
the enforcement literals of employee ``e``'s constraints: none when solving, one assumption per
(rule, employee) when explaining an infeasible model
(:func:`~salesflow.optimizer.staffing.solve.explain_infeasible`). :data:`HARD_RULES` lists them
in the order the model adds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, cast

from ortools.sat.python import cp_model

from salesflow.optimizer.staffing.problem import RosterProblem
from salesflow.optimizer.staffing.variables import RosterVars

Guard = Callable[[int], list[cp_model.IntVar]]
"""Enforcement literals of an employee's constraints of one rule (empty: always enforced)."""

_Start = tuple[Literal["start"]]
_WorkRun = tuple[Literal["W"], int, int, bool]
"""A run of work: its length (capped), its last shift type, whether it started on day 0."""
_OffRun = tuple[Literal["O"], int, bool]
"""A run of days off: its length (capped), whether it started on day 0."""
_SequenceState = _Start | _WorkRun | _OffRun
"""A state of :func:`sequence_transitions`' automaton."""


def no_guard(_employee: int) -> list[cp_model.IntVar]:
    """Always enforce."""
    return []


def _post(constraint: cp_model.Constraint, literals: list[cp_model.IntVar]) -> None:
    if literals:
        constraint.only_enforce_if(literals)


def add_one_shift_per_day(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                          guard: Guard = no_guard) -> None:
    """At most one shift (in one role) per employee and day."""
    for e in range(len(problem.staff)):
        for d in range(problem.n_days):
            _post(model.add(sum(v.day_vars(problem, e, d)) <= 1), guard(e))


def add_skills(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
               guard: Guard = no_guard) -> None:
    """An employee works only in roles that are among their skills."""
    for e, member in enumerate(problem.staff):
        banned = [r for r in problem.roles if r not in member.skills]
        for d in range(problem.n_days):
            for s in range(len(problem.shift_types)):
                for r in banned:
                    _post(model.add(v.x[e, d, s, r] == 0), guard(e))


def add_availability(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                     guard: Guard = no_guard) -> None:
    """No work on an employee's days off."""
    for e, member in enumerate(problem.staff):
        for d in sorted(member.days_off):
            if 0 <= d < problem.n_days:
                _post(model.add(v.on[e, d] == 0), guard(e))


def add_rotation_bans(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                      guard: Guard = no_guard) -> None:
    """Forbidden successions: shift ``first`` on day d, then ``second`` on day d + lag."""
    for ban in problem.rotation_bans:
        a, b = problem.shift_index(ban.first), problem.shift_index(ban.second)
        for e in range(len(problem.staff)):
            for d in range(problem.n_days - ban.lag):
                # works() is a sum of IntVars: a LinearExpr (0 only for a problem with no roles)
                first = cast("cp_model.LinearExpr | int", v.works(problem, e, d, a))
                second = cast("cp_model.LinearExpr | int", v.works(problem, e, d + ban.lag, b))
                pair = first + second
                _post(model.add(pair <= 1), guard(e))


def add_shift_type_limits(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                          guard: Guard = no_guard) -> None:
    """At most ``max_shifts`` shifts of a type per employee over the horizon."""
    for e, member in enumerate(problem.staff):
        for shift_id, most in member.max_shifts:
            s = problem.shift_index(shift_id)
            total = sum(v.works(problem, e, d, s) for d in range(problem.n_days))
            _post(model.add(total <= most), guard(e))


def paid_minutes(v: RosterVars, problem: RosterProblem, e: int,
                 days: range) -> cp_model.LinearExprT:
    """Paid minutes of employee ``e`` over ``days``."""
    return sum(problem.shift_types[s].paid_minutes * v.works(problem, e, d, s)
               for d in days for s in range(len(problem.shift_types)))


def add_work_time(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                  guard: Guard = no_guard) -> None:
    """Paid minutes within each of the employee's work limits (a week or the horizon)."""
    for e, member in enumerate(problem.staff):
        for limit in member.work_limits:
            days = range(max(0, limit.first_day), min(problem.n_days, limit.last_day))
            total = paid_minutes(v, problem, e, days)
            _post(model.add(total <= limit.max_minutes), guard(e))
            if limit.min_minutes > 0:
                _post(model.add(total >= limit.min_minutes), guard(e))


def add_max_consecutive_shifts(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                               guard: Guard = no_guard) -> None:
    """At most ``max_consecutive_shifts`` working days in a row."""
    for e, member in enumerate(problem.staff):
        most = member.max_consecutive_shifts
        if most is None or most >= problem.n_days:
            continue
        for d in range(problem.n_days - most):
            window = [v.on[e, d + k] for k in range(most + 1)]
            _post(model.add(sum(window) <= most), guard(e))


def _forbid_short_runs(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                       e: int, least: int, working: bool, literals: list[cp_model.IntVar]) -> None:
    """No run of working days (or days off) shorter than ``least`` strictly inside the horizon:
    a run touching day 0 or the last day is exempt (the benchmark's boundary rule)."""
    n = problem.n_days
    for length in range(1, least):
        for d in range(1, n - length):  # the run is d .. d+length-1, framed by d-1 and d+length
            inside = [v.on[e, d + k] for k in range(length)]
            frame = [v.on[e, d - 1], v.on[e, d + length]]
            if working:
                clause = [*frame, *(lit.Not() for lit in inside)]
            else:
                clause = [*(lit.Not() for lit in frame), *inside]
            _post(model.add_bool_or(clause), literals)


def add_min_consecutive_shifts(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                               guard: Guard = no_guard) -> None:
    """Working runs inside the horizon last at least ``min_consecutive_shifts`` days."""
    for e, member in enumerate(problem.staff):
        if member.min_consecutive_shifts and member.min_consecutive_shifts > 1:
            _forbid_short_runs(model, v, problem, e, member.min_consecutive_shifts, True,
                               guard(e))


def add_min_consecutive_days_off(model: cp_model.CpModel, v: RosterVars,
                                 problem: RosterProblem, guard: Guard = no_guard) -> None:
    """Runs of days off inside the horizon last at least ``min_consecutive_days_off`` days."""
    for e, member in enumerate(problem.staff):
        if member.min_consecutive_days_off and member.min_consecutive_days_off > 1:
            _forbid_short_runs(model, v, problem, e, member.min_consecutive_days_off, False,
                               guard(e))


def add_max_weekends(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                     guard: Guard = no_guard) -> None:
    """At most ``max_weekends`` weekends with work on Saturday or Sunday."""
    weekends = problem.weekends()
    for e, member in enumerate(problem.staff):
        if member.max_weekends is None or member.max_weekends >= len(weekends):
            continue
        worked = []
        for w, days in enumerate(weekends):
            flag = model.new_bool_var(f"weekend_{e}_{w}")
            for d in days:
                model.add_implication(v.on[e, d], flag)
            worked.append(flag)
        _post(model.add(sum(worked) <= member.max_weekends), guard(e))


def add_weekend_days(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
                     guard: Guard = no_guard) -> None:
    """At most ``max_days_per_weekend`` of a weekend's days worked (weekend work is shared)."""
    weekends = problem.weekends()
    for e, member in enumerate(problem.staff):
        most = member.max_days_per_weekend
        if most is None:
            continue
        for days in weekends:
            if len(days) > most:
                _post(model.add(sum(v.on[e, d] for d in days) <= most), guard(e))


RuleUnit = Callable[[cp_model.CpModel, RosterVars, RosterProblem, Guard], None]

HARD_RULES: tuple[tuple[str, RuleUnit], ...] = (
    ("one_shift_per_day", add_one_shift_per_day),
    ("skills", add_skills),
    ("availability", add_availability),
    ("rotation", add_rotation_bans),
    ("shift_type_limits", add_shift_type_limits),
    ("work_time", add_work_time),
    ("max_consecutive_shifts", add_max_consecutive_shifts),
    ("min_consecutive_shifts", add_min_consecutive_shifts),
    ("min_consecutive_days_off", add_min_consecutive_days_off),
    ("max_weekends", add_max_weekends),
    ("weekend_days", add_weekend_days),
)
"""Every hard rule: (name, unit)."""


def sequence_transitions(problem: RosterProblem, e: int) -> tuple[int, list[int],
                                                                   list[tuple[int, int, int]]]:
    """The automaton of an employee's day sequence: ``(start, finals, (from, label, to))``.

    Labels are 0 for a day off and ``s + 1`` for shift type ``s``. A state remembers the kind
    of the current run (work or off), its length (capped where the rules stop caring), the
    last shift (for lag-1 rotation bans) and whether the run started on day 0 (exempt from the
    minimum-run rules). Every state is final: the run touching the last day is exempt too.
    """
    member = problem.staff[e]
    n_shifts = len(problem.shift_types)
    banned = {(problem.shift_index(b.first), problem.shift_index(b.second))
              for b in problem.rotation_bans if b.lag == 1}
    most = member.max_consecutive_shifts
    if most is not None and most >= problem.n_days:
        most = None
    least_on = member.min_consecutive_shifts or 1
    least_off = member.min_consecutive_days_off or 1
    cap_on = max(most or 1, least_on)
    states: dict[_SequenceState, int] = {("start",): 0}

    def state(key: _SequenceState) -> int:
        return states.setdefault(key, len(states))

    transitions = []
    frontier: list[_SequenceState] = [("start",)]
    seen: set[_SequenceState] = {("start",)}
    while frontier:
        key = frontier.pop()
        here = state(key)
        moves: list[tuple[int, _SequenceState]] = []
        if key[0] == "start":
            moves = [(s + 1, ("W", 1, s, True)) for s in range(n_shifts)] + [(0, ("O", 1, True))]
        elif key[0] == "W":
            _, length, last, initial = key
            for s in range(n_shifts):
                if (last, s) not in banned and (most is None or length + 1 <= most):
                    moves.append((s + 1, ("W", min(length + 1, cap_on), s, initial)))
            if initial or length >= least_on:
                moves.append((0, ("O", 1, False)))
        else:
            _, length, initial = key
            if initial or length >= least_off:
                moves += [(s + 1, ("W", 1, s, False)) for s in range(n_shifts)]
            moves.append((0, ("O", min(length + 1, least_off), initial)))
        for label, nxt in moves:
            transitions.append((here, label, state(nxt)))
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return 0, sorted(states.values()), sorted(transitions)


def add_sequence_automaton(model: cp_model.CpModel, v: RosterVars,
                           problem: RosterProblem) -> None:
    """A redundant formulation of the run rules (rotation bans with lag 1, max and min
    consecutive shifts, min consecutive days off) as one automaton per employee.

    It accepts exactly the day sequences those units accept, so it removes no roster; CP-SAT
    expands it into a flow over the automaton's states, a much tighter relaxation than the
    separate rules (it is what closes the gap on the benchmark instances).
    """
    n_shifts = len(problem.shift_types)
    for e in range(len(problem.staff)):
        labels = []
        for d in range(problem.n_days):
            label = model.new_int_var(0, n_shifts, f"label_{e}_{d}")
            model.add(label == sum((s + 1) * v.works(problem, e, d, s) for s in range(n_shifts)))
            labels.append(label)
        start, finals, transitions = sequence_transitions(problem, e)
        model.add_automaton(labels, start, finals, transitions)

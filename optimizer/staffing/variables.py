"""The CP-SAT decision variables of a roster: who works which shift on which day in which role.

``x[e, d, s, r]`` is true when employee ``e`` works shift type ``s`` on day ``d`` in role ``r``
(one variable per role of the problem; the skills rule fixes the others to false), and
``on[e, d]`` is true when ``e`` works any shift on day ``d`` (linked as the OR of that day's
``x``). The rule units of :mod:`~salesflow.optimizer.staffing.rules` and the objective terms of
:mod:`~salesflow.optimizer.staffing.objective` are written over these.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from salesflow.optimizer.staffing.problem import RosterProblem


@dataclass(frozen=True)
class RosterVars:
    """The variables of one model (see the module docstring)."""

    x: dict[tuple[int, int, int, str], cp_model.IntVar]
    on: dict[tuple[int, int], cp_model.IntVar]

    def works(self, problem: RosterProblem, e: int, d: int, s: int) -> cp_model.LinearExprT:
        """1 when ``e`` works shift ``s`` on day ``d`` in any role (given one shift a day)."""
        return sum(self.x[e, d, s, r] for r in problem.roles)

    def day_vars(self, problem: RosterProblem, e: int, d: int) -> list[cp_model.IntVar]:
        """Every ``x`` of employee ``e`` on day ``d``."""
        return [self.x[e, d, s, r] for s in range(len(problem.shift_types))
                for r in problem.roles]


def make_vars(model: cp_model.CpModel, problem: RosterProblem) -> RosterVars:
    """Create ``x`` and ``on`` for every employee, day, shift type and role."""
    x = {}
    on = {}
    for e in range(len(problem.staff)):
        for d in range(problem.n_days):
            day = []
            for s in range(len(problem.shift_types)):
                for r in problem.roles:
                    var = model.new_bool_var(f"x_{e}_{d}_{s}_{r}")
                    x[e, d, s, r] = var
                    day.append(var)
            works = model.new_bool_var(f"on_{e}_{d}")
            on[e, d] = works
            for var in day:
                model.add_implication(var, works)
            model.add_bool_or([*day, works.Not()])
    return RosterVars(x, on)

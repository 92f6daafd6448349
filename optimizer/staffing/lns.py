"""Large neighbourhood search over the roster model: re-optimise a few employees, or every
employee over a window of days, with CP-SAT while the rest of the roster stays fixed.

Each round draws one neighbourhood per worker from a seeded generator (every other round
inside disjoint random groups of employees, one group per worker) and solves them in parallel
threads, one CP-SAT worker each, every sub-solve bounded by deterministic time. Every hard rule
binds a single employee, so the improvements of disjoint groups combine into a feasible roster:
the best result (ties: the first) is merged with the other improvements where the evaluated
merge is feasible and cheaper, and becomes the roster when it is no worse. While
rounds improve, sub-solves start from the current roster; once a round brings nothing, some
start without it, which lets the search move across plateaus of equal cost. Neighbourhood
sizes adapt: a sub-problem solved to optimality grows the next one, a timed-out one shrinks
it. Everything but the wall clock is deterministic, so the same seed gives the same roster
unless the wall clock stops the search first.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat.python import cp_model

from salesflow.optimizer.staffing.objective import cover_links
from salesflow.optimizer.staffing.problem import RosterProblem, Shift
from salesflow.optimizer.staffing.variables import RosterVars

EMPLOYEES, WINDOW, BOTH, TYPES = "employees", "window", "both", "types"
KINDS = (EMPLOYEES, WINDOW, BOTH, TYPES)
STEP_DTIME = 0.5
"""Deterministic-time limit of one sub-solve."""
EPSILON = 1e-6
"""Values of a relaxed schedule within this of 0 or 1 count as integral."""
MIN_CHARGE = 1e-3
"""Least deterministic time a sub-solve is charged (a trivial one may report none)."""
TARGETED = 0.5
"""Share of day windows centred on a day with uncovered demand."""
UNHINTED = 0.5
"""Share of sub-solves that do not start from the current roster once a round brought no
improvement (moves across plateaus of equal cost: a sub-solve from the current roster tends to
return it when nothing is better); while rounds improve, every sub-solve starts from it."""


@dataclass
class _Sizes:
    employees: int
    window: int


@dataclass(frozen=True)
class LnsOutcome:
    """The best roster found, its objective (cost units x scale), rounds, improvements,
    deterministic time spent and rounds whose improvements were merged."""

    shifts: tuple[Shift, ...]
    objective: int
    rounds: int
    improvements: int
    dtime: float
    merges: int = 0


def _values(v: RosterVars, shifts: tuple[Shift, ...]) -> dict[int, int]:
    chosen = {(a.employee, a.day, a.shift, a.role) for a in shifts}
    working = {(a.employee, a.day) for a in shifts}
    values = {var.index: int(key in chosen) for key, var in v.x.items()}
    values.update({var.index: int(key in working) for key, var in v.on.items()})
    return values


def _owners(v: RosterVars) -> dict[int, tuple[int, int, bool]]:
    """Variable index -> ``(employee, day, is_x)``: whose ``x`` or ``on`` variable it is."""
    owner = {var.index: (e, d, True) for (e, d, _s, _r), var in v.x.items()}
    owner.update({var.index: (e, d, False) for (e, d), var in v.on.items()})
    return owner


def _shifts(v: RosterVars, values: dict[int, int]) -> tuple[Shift, ...]:
    out = [Shift(e, d, s, r) for (e, d, s, r), var in v.x.items() if values[var.index]]
    return tuple(sorted(out, key=lambda a: (a.day, a.employee, a.shift, a.role)))


class _Neighbourhoods:
    def __init__(self, problem: RosterProblem, v: RosterVars, seed: int) -> None:
        self.problem, self.v = problem, v
        self.rng = random.Random(seed)
        n_staff, n_days = len(problem.staff), problem.n_days
        self.sizes = _Sizes(min(3, n_staff), min(7, n_days))
        self.owner = _owners(v)
        links = cover_links(problem)
        self.cover = [(need.day, need.required,
                       [(units, v.x[e, d, s, need.skill].index)
                        for d, s, units in links.get((need.day, need.slot), ())
                        for e in range(n_staff)])
                      for need in problem.demands if need.required > 0]
        self.short: list[int] = []

    def observe(self, values: dict[int, int]) -> None:
        """Remember the days with uncovered demand in the current roster."""
        self.short = sorted({day for day, required, terms in self.cover
                             if sum(units * values[i] for units, i in terms) < required})

    def _first_day(self, width: int) -> int:
        n_days = self.problem.n_days
        if self.short and self.rng.random() < TARGETED:
            centre = self.rng.choice(self.short)
            return max(0, min(n_days - width, centre - width // 2))
        return self.rng.randrange(0, n_days - width + 1)

    def draw(self, group: list[int] | None = None) -> tuple[str, Callable[[int, int, bool],
                                                                              bool]]:
        """A neighbourhood among the employees of ``group`` (default: everyone): its kind
        and ``free(employee, day, is_x)``, whether that employee's ``x`` (``is_x``) or ``on``
        variables of that day are re-optimised."""
        n_days = self.problem.n_days
        staff = list(range(len(self.problem.staff))) if group is None else group
        members = set(staff)
        kind = self.rng.choice(KINDS)
        if kind == EMPLOYEES:
            chosen = set(self.rng.sample(staff, min(len(staff), self.sizes.employees)))
            return kind, lambda e, d, _x: e in chosen
        if kind == TYPES:  # who works which day stays; shift types and roles change
            return kind, lambda e, d, is_x: is_x and e in members
        first = self._first_day(self.sizes.window)
        last = first + self.sizes.window
        if kind == WINDOW:
            return kind, lambda e, d, _x: e in members and first <= d < last
        chosen = set(self.rng.sample(staff, max(1, (len(staff) + 1) // 2)))
        wide = min(n_days, 2 * self.sizes.window)
        first = self._first_day(wide)
        return kind, lambda e, d, _x: e in chosen and first <= d < first + wide

    def groups(self, count: int) -> list[list[int]]:
        """The employees split at random into ``count`` disjoint groups (as even as can be)."""
        staff = list(range(len(self.problem.staff)))
        self.rng.shuffle(staff)
        return [sorted(staff[k::count]) for k in range(count)]

    def adapt(self, kind: str, optimal: bool) -> None:
        n_staff, n_days = len(self.problem.staff), self.problem.n_days
        step = 1 if optimal else -1
        if kind == EMPLOYEES:
            self.sizes.employees = max(1, min(n_staff, self.sizes.employees + step))
        elif kind != TYPES:
            self.sizes.window = max(2, min(n_days, self.sizes.window + step))


def _sub_solve(base: cp_model.CpModel, owner: dict[int, tuple[int, int, bool]],
               values: dict[int, int], free: Callable[[int, int, bool], bool], seed: int,
               dtime: float, seconds: float, hinted: bool = True, workers: int = 1) -> tuple[
                   cp_model.CpSolverStatus, int | None, dict[int, int] | None, float]:
    """Re-optimise the ``free`` variables with the others fixed to ``values``: status,
    objective, the values found and the deterministic time spent. ``hinted``: start from
    ``values``; otherwise the search returns whichever optimum of the neighbourhood it reaches
    first, which can differ from the current roster at equal cost."""
    sub = cp_model.CpModel()
    sub.proto.copy_from(base.proto)
    sub.clear_hints()  # the base model may carry the caller's hint; ours replaces it
    hint = sub.proto.solution_hint
    for index, value in values.items():
        if free(*owner[index]):
            if hinted:
                hint.vars.append(index)
                hint.values.append(value)
        else:
            domain = sub.proto.variables[index].domain
            domain.clear()
            domain.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = dtime
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.interleave_search = workers > 1
    solver.parameters.linearization_level = 2
    solver.parameters.symmetry_level = 0  # small sub-problems: presolve lighter, solve more
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(sub)
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"a neighbourhood model is invalid: {sub.validate()}")
    spent = solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, None, spent
    found = {index: int(solver.value(sub.get_int_var_from_proto_index(index)))
             for index in values}
    return status, round(solver.objective_value), found, spent


def _NOTHING(_e: int, _d: int, _x: bool) -> bool:
    """The empty neighbourhood: every variable stays fixed (evaluates a roster)."""
    return False


def _merge(best: dict[int, int], base: dict[int, int], other: dict[int, int],
           owner: dict[int, tuple[int, int, bool]],
           free: Callable[[int, int, bool], bool]) -> dict[int, int]:
    """``best`` with the changes ``other`` made to ``base`` inside its neighbourhood."""
    merged = dict(best)
    for index, value in other.items():
        if free(*owner[index]) and value != base[index]:
            merged[index] = value
    return merged


def relaxation_solve(model: cp_model.CpModel, v: RosterVars, incumbent: tuple[Shift, ...],
                     relaxed: Mapping[tuple[int, int, int, str], float], *, seed: int,
                     workers: int, dtime: float,
                     seconds: float) -> tuple[tuple[Shift, ...], int, float] | None:
    """The relaxation-induced neighbourhood: every employee-day on which the relaxed
    schedule ``relaxed`` (``(employee, day, shift, role) -> value``, e.g. the column
    generation LP) is integral is fixed to it; the other employee-days are re-optimised with
    CP-SAT, starting from ``incumbent``.

    Returns
    -------
    tuple or None
        ``(shifts, objective, deterministic time)``, or ``None`` when the neighbourhood
        holds no roster found within the limits (its deterministic time is then lost).
    """
    fractional = {(e, d) for (e, d, _s, _r), value in relaxed.items()
                  if EPSILON < value < 1 - EPSILON}
    current = _values(v, incumbent)
    values: dict[int, int] = {}
    working: set[tuple[int, int]] = set()
    for key, var in v.x.items():
        e, d = key[0], key[1]
        if (e, d) in fractional:
            values[var.index] = current[var.index]
        else:
            values[var.index] = int(relaxed.get(key, 0.0) > 0.5)
            if values[var.index]:
                working.add((e, d))
    for (e, d), var in v.on.items():
        values[var.index] = current[var.index] if (e, d) in fractional else int((e, d) in working)
    _status, objective, found, spent = _sub_solve(
        model, _owners(v), values, lambda e, d, _x: (e, d) in fractional, seed, dtime, seconds,
        workers=workers)
    if found is None or objective is None:
        return None
    return _shifts(v, found), objective, spent


def complete_hint(model: cp_model.CpModel, v: RosterVars, shifts: tuple[Shift, ...],
                  seconds: float) -> dict[int, int] | None:
    """Every variable's value in the roster ``shifts`` (auxiliary variables included), or
    ``None`` when the roster breaks a hard rule or is not evaluated within ``seconds``.

    A hint that sets every variable lets CP-SAT start from the roster at once instead of
    searching for the values of the coverage and rule variables first.
    """
    sub = cp_model.CpModel()
    sub.proto.copy_from(model.proto)
    sub.clear_hints()
    for index, value in _values(v, shifts).items():
        domain = sub.proto.variables[index].domain
        domain.clear()
        domain.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    if solver.solve(sub) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {i: int(solver.value(sub.get_int_var_from_proto_index(i)))
            for i in range(len(sub.proto.variables))}


def improve(model: cp_model.CpModel, v: RosterVars, problem: RosterProblem,
            start: tuple[Shift, ...], start_objective: int, *, seed: int, workers: int,
            dtime_budget: float, deadline: float,
            on_improve: Callable[[int], None] | None = None) -> LnsOutcome:
    """Improve ``start`` by large neighbourhood search until the deterministic budget or the
    wall-clock ``deadline`` (``time.perf_counter()`` value) runs out.

    Parameters
    ----------
    model, v:
        The full model (:func:`~salesflow.optimizer.staffing.solve.build_model`) and its
        variables; not modified.
    start, start_objective:
        A feasible roster and its objective in the model's integer units.
    seed, workers:
        Seed of the neighbourhood generator; parallel sub-solves per round.
    dtime_budget:
        Deterministic time all sub-solves may spend together.
    on_improve:
        Called with the new objective after every improvement.
    """
    hoods = _Neighbourhoods(problem, v, seed)
    values = _values(v, start)
    best = start_objective
    spent, rounds, improvements, merges = 0.0, 0, 0, 0
    stalled = False
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while spent < dtime_budget and time.perf_counter() < deadline - 0.05 and best > 0:
            rounds += 1
            hoods.observe(values)
            # Every hard rule binds one employee, so neighbourhoods over disjoint groups of
            # employees can be merged into a roster that is feasible again; every other round
            # draws over all employees (a window of days for everyone) and merges only where
            # the evaluated merge is feasible.
            grouped = rounds % 2 == 1 and len(problem.staff) >= 2 * workers
            groups = hoods.groups(workers) if grouped else [None] * workers
            draws = [hoods.draw(group) for group in groups]
            left = deadline - time.perf_counter()
            step = min(STEP_DTIME, max(0.05, dtime_budget - spent))
            hinted = [hoods.rng.random() >= (UNHINTED if stalled else 0.0) for _ in draws]
            jobs = [pool.submit(_sub_solve, model, hoods.owner, values, free,
                                seed * 100_003 + rounds * 31 + k, step, left, hinted[k])
                    for k, (_kind, free) in enumerate(draws)]
            results = [job.result() for job in jobs]
            # Charge every sub-solve at least MIN_CHARGE so the budget always runs out.
            spent += sum(max(r[3], MIN_CHARGE) for r in results)
            for (kind, _), (status, _, _, _) in zip(draws, results, strict=True):
                hoods.adapt(kind, status == cp_model.OPTIMAL)
            found = [(obj, k, sol) for k, (_, obj, sol, _) in enumerate(results)
                     if sol is not None and obj is not None and obj <= best]
            if found:
                found.sort(key=lambda t: (t[0], t[1]))
                obj, _, sol = found[0]
                # Sub-solves of one round start from the same roster; merge the other
                # improvements into the best one where the merged roster stays feasible
                # and cheaper (their neighbourhoods rarely interact).
                for other_obj, k, other in found[1:]:
                    if other_obj >= best or time.perf_counter() >= deadline - 0.05:
                        continue
                    merged = _merge(sol, values, other, hoods.owner, draws[k][1])
                    status, merged_obj, merged_sol, cost = _sub_solve(
                        model, hoods.owner, merged, _NOTHING, seed, step,
                        deadline - time.perf_counter())
                    spent += max(cost, MIN_CHARGE)
                    if merged_sol is not None and merged_obj is not None and merged_obj < obj:
                        obj, sol = merged_obj, merged_sol
                        merges += 1
                if obj < best:
                    improvements += 1
                    if on_improve is not None:
                        on_improve(obj)
                stalled = obj == best
                best, values = obj, sol
            else:
                stalled = True
    return LnsOutcome(_shifts(v, values), best, rounds, improvements, spent, merges)

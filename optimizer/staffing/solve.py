"""Solve a :class:`~salesflow.optimizer.staffing.problem.RosterProblem` with CP-SAT.

:func:`solve_roster` is a pure function: problem, limits and an optional hint in, a
:class:`RosterSolution` out (status, shifts, objective, bound, runtime). An infeasible model is a
result too; its ``conflicts`` name the rules (and employees) that make it so, found by
:func:`explain_infeasible` with one assumption literal per (rule, employee).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.result import STOP_PROOF, SolveStatus, relative_gap
from salesflow.optimizer.staffing.columns import generate_columns
from salesflow.optimizer.staffing.lns import complete_hint, improve, relaxation_solve
from salesflow.optimizer.staffing.objective import (
    coverage_terms,
    labour_terms,
    objective,
    request_terms,
)
from salesflow.optimizer.staffing.problem import DETERMINISTIC_SHARE, RosterProblem, Shift
from salesflow.optimizer.staffing.rules import HARD_RULES, add_sequence_automaton, no_guard
from salesflow.optimizer.staffing.variables import RosterVars, make_vars

OPTIMAL, FEASIBLE, INFEASIBLE, NO_SOLUTION = (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE,
                                              SolveStatus.INFEASIBLE, SolveStatus.NO_SOLUTION)
OPEN_SHARE, COLUMN_SHARE, RELAXATION_SHARE, LNS_SHARE = 0.1, 0.4, 0.05, 0.3
"""Shares of the time limit (and deterministic budget) for the opening search, column
generation (with its dive), the relaxation-induced neighbourhood and the neighbourhood
search; the closing search gets the rest. Without the column phases the neighbourhood search
takes their share."""
COLUMN_GAP = 0.01
"""The column phases run when the opening search's gap to its bound is above this: the compact
model's bound is weak (run and rest rules), a sign that whole-schedule columns will help."""

Progress = Callable[[float, float, float], None]
"""Called as ``progress(seconds, objective, bound)`` on every improving solution."""


@dataclass(frozen=True)
class RosterSolution:
    """The outcome of a solve.

    Attributes
    ----------
    status:
        ``optimal``, ``feasible`` (stopped at a limit with a roster), ``infeasible`` or
        ``no solution`` (no roster found in time).
    shifts:
        The assignments (empty unless optimal or feasible).
    objective, bound:
        Objective value (``None`` without a roster) and the solver's lower bound (``None``
        when infeasible), in cost units.
    runtime:
        Wall seconds.
    conflicts:
        For an infeasible model, rules that together make it infeasible, as
        ``"rule (employee ...)"``.
    stopped_by:
        ``"proof"`` (optimal or infeasible), ``"deterministic limit"`` (the same seed gives
        the same result) or ``"time limit"`` (the wall clock ended the search: the result may
        differ between runs).
    """

    status: SolveStatus
    shifts: tuple[Shift, ...]
    objective: float | None
    bound: float | None
    runtime: float
    conflicts: tuple[str, ...] = ()
    stopped_by: str = STOP_PROOF

    @property
    def has_roster(self) -> bool:
        return self.status.has_solution

    @property
    def gap(self) -> float | None:
        """Relative gap ``(objective - bound) / objective`` (0 when both are 0; ``None``
        without a roster)."""
        return relative_gap(self.objective, self.bound)

    @property
    def stop_reason(self) -> str:
        """What ended the search (:attr:`stopped_by`)."""
        return self.stopped_by


@dataclass(frozen=True)
class _Built:
    model: cp_model.CpModel
    vars: RosterVars


def build_model(problem: RosterProblem, sequence_automaton: bool = False) -> _Built:
    """The CP-SAT model: variables, every hard rule, and the objective."""
    model = cp_model.CpModel()
    v = make_vars(model, problem)
    for _name, unit in HARD_RULES:
        unit(model, v, problem, no_guard)
    if sequence_automaton:
        add_sequence_automaton(model, v, problem)
    terms = coverage_terms(model, v, problem) + request_terms(model, v, problem)
    terms += labour_terms(v, problem)
    model.minimize(objective(terms))
    return _Built(model, v)


def _add_hint(built: _Built, problem: RosterProblem, hint: tuple[Shift, ...]) -> None:
    chosen = {(h.employee, h.day, h.shift, h.role) for h in hint}
    working = {(h.employee, h.day) for h in hint}
    for key, var in built.vars.x.items():
        built.model.add_hint(var, key in chosen)
    for day, var in built.vars.on.items():
        built.model.add_hint(var, day in working)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress, scale: int, offset: float) -> None:
        super().__init__()
        self._progress = progress
        self._scale = scale
        self._offset = offset

    def on_solution_callback(self) -> None:
        self._progress(self._offset + self.wall_time, self.objective_value / self._scale,
                       self.best_objective_bound / self._scale)


def _shifts(solver: cp_model.CpSolver, v: RosterVars) -> tuple[Shift, ...]:
    chosen = [Shift(e, d, s, r) for (e, d, s, r), var in v.x.items() if solver.boolean_value(var)]
    return tuple(sorted(chosen, key=lambda a: (a.day, a.employee, a.shift, a.role)))


def _cp_sat(built: _Built, problem: RosterProblem, limits: SolveLimits, hint: tuple[Shift, ...],
            seconds: float, dtime: float | None, workers: int, interleave: bool,
            progress: Progress | None, offset: float) -> tuple[cp_model.CpSolverStatus,
                                                               cp_model.CpSolver]:
    """One CP-SAT call on the full model (hint replaced), limited by ``seconds`` of wall time
    and, when given, ``dtime`` of deterministic time. A hint that obeys every hard rule is
    completed to all variables, so the search starts from it at once."""
    built.model.clear_hints()
    full = complete_hint(built.model, built.vars, hint, max(0.5, seconds / 10)) if hint else None
    if full is not None:
        for index, value in full.items():
            built.model.proto.solution_hint.vars.append(index)
            built.model.proto.solution_hint.values.append(value)
    elif hint:
        _add_hint(built, problem, hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = limits.seed
    solver.parameters.relative_gap_limit = limits.gap(0.0)
    solver.parameters.interleave_search = interleave
    if dtime is not None:
        solver.parameters.max_deterministic_time = max(0.01, dtime)
    callback = _Callback(progress, problem.cost_scale, offset) if progress else None
    return solver.solve(built.model, callback), solver


@dataclass(frozen=True)
class _Phase:
    shifts: tuple[Shift, ...]
    objective: int
    bound: float
    dtime: float
    timed_out: bool


def _column_phase(built: _Built, problem: RosterProblem, limits: SolveLimits,
                  best: tuple[Shift, ...], objective_value: int, deadline: float,
                  share: Callable[[float], float | None], progress: Progress | None,
                  started: float) -> _Phase:
    """Column generation from ``best`` (its dive may give a better roster, and its bound is
    valid), then the relaxation-induced neighbourhood of its LP around the best roster."""
    scale = problem.cost_scale
    column_deadline = deadline - RELAXATION_SHARE * limits.time_limit_seconds
    column_budget = share(COLUMN_SHARE)
    columns = generate_columns(problem, best, seed=limits.seed, workers=limits.workers,
                               dtime_budget=column_budget or math.inf,
                               deadline=column_deadline)
    spent = columns.dtime
    timed_out = (column_budget is not None and time.perf_counter() >= column_deadline - 0.05
                 and spent < 0.98 * column_budget)

    def take(shifts: tuple[Shift, ...], value: int) -> None:
        nonlocal best, objective_value
        if value < objective_value:
            best, objective_value = shifts, value
            if progress is not None:
                progress(time.perf_counter() - started, value / scale, columns.bound / scale)

    take(columns.shifts, columns.objective)
    if objective_value > columns.bound and columns.relaxed:
        relaxation_budget = share(RELAXATION_SHARE)
        found = relaxation_solve(built.model, built.vars, best, columns.relaxed,
                                 seed=limits.seed, workers=limits.workers,
                                 dtime=relaxation_budget or 1e9,
                                 seconds=deadline - time.perf_counter())
        if found is not None:
            spent += found[2]
            take(found[0], found[1])
        timed_out = timed_out or (relaxation_budget is not None
                                  and time.perf_counter() >= deadline - 0.05)
    return _Phase(best, objective_value, columns.bound, spent, timed_out)


def deterministic_budget(limits: SolveLimits) -> tuple[bool, float | None]:
    """Whether the solve searches in CP-SAT's deterministic mode, and its deterministic-time
    budget: ``limits.work_limit``, or :data:`DETERMINISTIC_SHARE` per second of the time limit
    when that is ``None``; ``math.inf`` means the parallel portfolio on the clock only."""
    if limits.work_limit is not None and math.isinf(limits.work_limit):
        return False, None
    if limits.work_limit is None:
        return True, limits.time_limit_seconds * DETERMINISTIC_SHARE
    return True, limits.work_limit


def solve_roster(problem: RosterProblem, limits: SolveLimits | None = None,
                 hint: tuple[Shift, ...] | None = None,
                 progress: Progress | None = None) -> RosterSolution:
    """Find a least-cost roster obeying every hard rule.

    The phases share the time limit (and, in deterministic mode, the deterministic budget):
    an opening CP-SAT search from ``hint`` (or, without one, a single-worker search for a first
    roster); when its gap is above :data:`COLUMN_GAP`, column generation over whole
    schedules (:func:`~salesflow.optimizer.staffing.columns.generate_columns`: a strong bound
    and a dived roster) and the relaxation-induced neighbourhood of its LP
    (:func:`~salesflow.optimizer.staffing.lns.relaxation_solve`); large neighbourhood search
    (:func:`~salesflow.optimizer.staffing.lns.improve`); and a closing CP-SAT search from the
    best roster, which proves optimality or tightens the bound. A roster proven optimal (its
    objective reaches a bound) ends the solve there.

    Parameters
    ----------
    problem:
        The roster problem.
    limits:
        Time limit, workers, seed, gap (default 0) and work budget (deterministic seconds,
        see :func:`deterministic_budget`); default :class:`SolveLimits`.
    hint:
        A roster to start from (need not be feasible).
    progress:
        Called on every improving roster.

    Returns
    -------
    RosterSolution
        Status, shifts, objective, bound and runtime; ``conflicts`` when infeasible.
    """
    limits = limits or SolveLimits()
    started = time.perf_counter()
    deterministic, budget = deterministic_budget(limits)
    built = build_model(problem)
    scale = problem.cost_scale

    def share(fraction: float) -> float | None:
        return None if budget is None else budget * fraction

    def wall_left(until: float) -> float:
        return started + limits.time_limit_seconds * until - time.perf_counter()

    interleave_open = bool(hint) and deterministic
    # Deterministic without a hint: one worker (deterministic without interleaving, which
    # is slow to find a first roster).
    open_workers = 1 if deterministic and not hint else limits.workers
    status, solver = _cp_sat(built, problem, limits, hint or (), wall_left(OPEN_SHARE),
                             share(OPEN_SHARE), open_workers, interleave_open, progress, 0.0)
    timed_out = solver.wall_time >= 0.98 * limits.time_limit_seconds * OPEN_SHARE
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"the roster model is invalid: {built.model.validate()}")
    if status == cp_model.INFEASIBLE:
        remaining = max(1.0, limits.time_limit_seconds - (time.perf_counter() - started))
        conflicts = explain_infeasible(problem, SolveLimits(remaining, 1, limits.seed,
                                                            work_limit=math.inf))
        return RosterSolution(INFEASIBLE, (), None, None,
                              time.perf_counter() - started, conflicts)
    bound = solver.best_objective_bound
    if status == cp_model.OPTIMAL:
        return RosterSolution(OPTIMAL, _shifts(solver, built.vars), solver.objective_value / scale,
                              bound / scale, time.perf_counter() - started)
    best: tuple[Shift, ...] = ()
    objective_value: float = math.inf
    spent = solver.deterministic_time
    if status == cp_model.FEASIBLE:
        best, objective_value = _shifts(solver, built.vars), round(solver.objective_value)
        until, lns_share = OPEN_SHARE, LNS_SHARE + COLUMN_SHARE + RELAXATION_SHARE
        if objective_value - bound > COLUMN_GAP * objective_value:
            until, lns_share = OPEN_SHARE + COLUMN_SHARE + RELAXATION_SHARE, LNS_SHARE
            phase = _column_phase(built, problem, limits, best, int(objective_value),
                                  started + limits.time_limit_seconds * until, share, progress,
                                  started)
            best, objective_value = phase.shifts, phase.objective
            bound = max(bound, phase.bound)
            spent += phase.dtime
            timed_out = timed_out or phase.timed_out
            if objective_value <= bound:
                return RosterSolution(OPTIMAL, best, objective_value / scale,
                                      objective_value / scale, time.perf_counter() - started)
        outcome = improve(
            built.model, built.vars, problem, best, int(objective_value), seed=limits.seed,
            workers=limits.workers, dtime_budget=share(lns_share) or math.inf,
            deadline=started + limits.time_limit_seconds * (until + lns_share),
            on_improve=None if progress is None else lambda obj: progress(
                time.perf_counter() - started, obj / scale, bound / scale))
        best, objective_value = outcome.shifts, outcome.objective
        spent += outcome.dtime
        lns_budget = share(lns_share)
        timed_out = timed_out or (lns_budget is not None and outcome.objective > 0
                                  and outcome.dtime < 0.98 * lns_budget)
    # The opening search may end without a roster (a very large one): the closing search
    # then starts from the hint, not from nothing.
    status, solver = _cp_sat(built, problem, limits, best or hint or (), wall_left(1.0),
                             None if budget is None else budget - spent, limits.workers,
                             deterministic, progress, time.perf_counter() - started)
    runtime = time.perf_counter() - started
    timed_out = timed_out or runtime >= 0.98 * limits.time_limit_seconds
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and \
            round(solver.objective_value) <= objective_value:
        best, objective_value = _shifts(solver, built.vars), round(solver.objective_value)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        bound = max(bound, solver.best_objective_bound)
    stopped = "time limit" if timed_out or budget is None else "deterministic limit"
    if math.isinf(objective_value):
        return RosterSolution(NO_SOLUTION, (), None, bound / scale, runtime, stopped_by=stopped)
    proven = status == cp_model.OPTIMAL or objective_value <= bound
    return RosterSolution(OPTIMAL if proven else FEASIBLE, best, objective_value / scale,
                          min(bound, objective_value) / scale, runtime,
                          stopped_by="proof" if proven else stopped)


def explain_infeasible(problem: RosterProblem, limits: SolveLimits) -> tuple[str, ...]:
    """Rules that together make the roster infeasible, as ``"rule (employee id)"``.

    Each (rule, employee) gets an assumption literal enforcing its constraints; CP-SAT's
    sufficient assumptions for infeasibility name the conflicting ones. Empty when the model
    is not proven infeasible within the limits.
    """
    model = cp_model.CpModel()
    v = make_vars(model, problem)
    names: dict[int, str] = {}
    assumptions = []
    for name, unit in HARD_RULES:
        literals: dict[int, cp_model.IntVar] = {}
        for e, member in enumerate(problem.staff):
            lit = model.new_bool_var(f"assume_{name}_{e}")
            literals[e] = lit
            names[lit.index] = f"{name} ({member.employee_id})"
            assumptions.append(lit)

        def guard(e: int, lits: dict[int, cp_model.IntVar] = literals) -> list[cp_model.IntVar]:
            return [lits[e]]

        unit(model, v, problem, guard)
    model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limits.time_limit_seconds
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = limits.seed
    if solver.solve(model) != cp_model.INFEASIBLE:
        return ()
    core = solver.sufficient_assumptions_for_infeasibility()
    return tuple(sorted(names[i] for i in core if i in names))

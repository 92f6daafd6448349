"""Column generation over the roster model: a lower bound and a roster from whole schedules.

Every hard rule of the roster binds a single employee, so the roster problem decomposes by
employee (Dantzig-Wolfe): a *column* is one employee's whole schedule that obeys all their
rules, and the master problem picks one column per employee, paying the columns' own cost
(labour, shift requests) and the coverage penalties of the sum. Its linear relaxation is far
tighter than the relaxation of the compact model (fractional half-shifts cannot satisfy a
run rule on their own any more), which is what makes the benchmark instances hard for the
compact model.

* The master LP (GLOP through MathOpt) is re-solved incrementally as columns arrive.
* Pricing finds, for every employee, the schedule of least reduced cost with CP-SAT on the
  single-employee roster model: the same rule units as the full model
  (:data:`~salesflow.optimizer.staffing.rules.HARD_RULES`), the same request and labour terms,
  and the coverage duals as rewards. Every improving schedule met on the way becomes a column.
* The Lagrangian bound ``sum(pi * required) + sum(min over schedules of (cost - pi . a)) +
  slack terms`` holds for any multipliers ``pi``, so the bound is valid whenever the search
  stops; it uses the pricing solver's own lower bounds, so an unfinished pricing solve
  weakens it but never makes it wrong.
* A dive turns the LP into a roster: employees whose LP schedule is a single column are fixed to
  it, and the heaviest fraction of the others; the rest are priced again against the new duals;
  repeat until every employee has one column (price and dive, no branching). Dives are
  repeated with seeded perturbations of the weights while the limits allow; the best wins.

Everything is bounded by deterministic time as well as the wall clock, and employees are
priced in a fixed order, so the same problem and seed give the same result unless the wall
clock ends the search first.

Why one module of about 500 lines: the restricted master LP, the CP-SAT pricers and the dive
that fixes employees to columns share the dual prices, the column pool and one deterministic
budget; they are one algorithm, and their private classes (``_Master``, ``_Pricer``,
``_Search``) are not meant to be used apart.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import cast

from ortools.math_opt.python import mathopt
from ortools.sat.python import cp_model

from salesflow.optimizer.staffing.objective import (
    cover_links,
    labour_terms,
    objective,
    request_terms,
)
from salesflow.optimizer.staffing.problem import RosterProblem, Shift
from salesflow.optimizer.staffing.rules import HARD_RULES, no_guard
from salesflow.optimizer.staffing.variables import make_vars

DUAL_SCALE = 1000
"""Duals enter the pricing objective in units of 1/DUAL_SCALE of a scaled cost unit."""
PRICING_DTIME = 0.5
"""Deterministic-time limit of one pricing solve."""
DIVE_FIX_SHARE = 0.2
"""Share of the fractional employees a dive step fixes (at least one)."""
MAX_DIVES = 20
"""Most dives one column generation makes (the first unperturbed, the others seeded)."""
DIVE_LP_SECONDS = 1.0
"""Least wall time a dive's LP re-solve gets (it starts from the last basis)."""
EPSILON = 1e-6

Assignment = tuple[int, int, str]
"""(day, shift index, role) of one worked shift in a column."""


@dataclass(frozen=True)
class Column:
    """One employee's schedule: its assignments, its own cost (labour and requests, scaled
    integer units) and the coverage units it gives each demand (index into
    ``problem.demands``)."""

    employee: int
    assignments: tuple[Assignment, ...]
    cost: int
    cover: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ColumnOutcome:
    """What column generation found.

    Attributes
    ----------
    shifts, objective:
        The dived roster and its objective (scaled integer units).
    bound:
        A valid lower bound on every roster's objective (scaled units; ``-inf`` if none).
    lp_value:
        The last master LP value.
    columns, iterations:
        Columns generated (initial ones included) and pricing rounds.
    converged:
        A pricing round found no new column of negative reduced cost (with the pricing
        solves' own limits), so the LP value is about the decomposition's bound.
    dtime:
        Deterministic time spent by the pricing solves.
    relaxed:
        The LP solution before the dive as ``(employee, day, shift, role) -> value``
        (non-zero entries).
    """

    shifts: tuple[Shift, ...]
    objective: int
    bound: float
    lp_value: float
    columns: int
    iterations: int
    converged: bool
    dtime: float
    relaxed: Mapping[tuple[int, int, int, str], float]


class _Pricer:
    """The single-employee CP-SAT model of one employee, re-solved for new duals."""

    def __init__(self, problem: RosterProblem, e: int,
                 links: dict[tuple[int, int, str], list[tuple[int, int]]]) -> None:
        member = problem.staff[e]
        requests = tuple(replace(r, employee=0) for r in problem.requests if r.employee == e)
        single = RosterProblem(problem.n_days, problem.first_weekday, problem.shift_types,
                               (member,), problem.rotation_bans, problem.cover_mode, (),
                               requests, problem.cost_scale)
        self.e = e
        self.model = cp_model.CpModel()
        self.v = make_vars(self.model, single)
        for _name, unit in HARD_RULES:
            unit(self.model, self.v, single, no_guard)
        # objective() sums int-weighted variables: a LinearExpr (0 with no terms), no numpy int
        self.base = cast("cp_model.LinearExpr | int",
                         objective(request_terms(self.model, self.v, single)
                                   + labour_terms(self.v, single)))
        self.keys = [(d, s, r) for (_e, d, s, r) in self.v.x]
        self.vars = list(self.v.x.values())
        self.links = links

    def column(self, values: list[bool], cost: int) -> Column:
        chosen = tuple(k for k, on in zip(self.keys, values, strict=True) if on)
        cover: dict[int, int] = defaultdict(int)
        for key in chosen:
            for i, units in self.links.get(key, ()):
                cover[i] += units
        return Column(self.e, chosen, cost, tuple(sorted(cover.items())))

    def price(self, duals: dict[int, int], seed: int, dtime: float,
              seconds: float) -> tuple[list[tuple[int, Column]], float, float]:
        """Every schedule the solver meets while minimising ``cost - pi . a`` (``duals``:
        ``pi`` per demand index in 1/DUAL_SCALE units), as ``[(priced value, column)]`` in
        1/DUAL_SCALE units; the solve's lower bound on that value (``-inf`` if it found
        none in time); and its deterministic time."""
        reward = []
        for key, var in zip(self.keys, self.vars, strict=True):
            coef = sum(duals.get(i, 0) * units for i, units in self.links.get(key, ()))
            if coef:
                reward.append((coef, var))
        self.model.minimize(DUAL_SCALE * self.base - sum(c * var for c, var in reward))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_deterministic_time = dtime
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        found: list[tuple[int, Column]] = []
        base = self.base

        class _Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(cb) -> None:
                values = [bool(cb.boolean_value(var)) for var in self.vars]
                found.append((round(cb.objective_value),
                              self.column(values, round(cb.value(base)))))

        status = solver.solve(self.model, _Collect())
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = solver.best_objective_bound
        elif status == cp_model.INFEASIBLE:
            bound = math.inf
        else:
            bound = -math.inf
        return found, bound, solver.deterministic_time


class _Master:
    """The master LP: one convexity row per employee, one coverage row per demand."""

    def __init__(self, problem: RosterProblem) -> None:
        self.problem = problem
        scale = problem.cost_scale
        self.model = mathopt.Model(name="roster_master")
        self.convexity = [self.model.add_linear_constraint(lb=1.0, ub=1.0, name=f"one_{e}")
                          for e in range(len(problem.staff))]
        self.cover = []
        objective_terms = []
        for i, need in enumerate(problem.demands):
            row = self.model.add_linear_constraint(lb=need.required, ub=need.required,
                                                   name=f"cover_{i}")
            under = self.model.add_variable(lb=0.0, ub=need.required, name=f"under_{i}")
            over = self.model.add_variable(lb=0.0, name=f"over_{i}")
            row.set_coefficient(under, 1.0)
            row.set_coefficient(over, -1.0)
            objective_terms.append(round(need.under_weight * scale) * under)
            objective_terms.append(round(need.over_weight * scale) * over)
            self.cover.append(row)
        self.model.minimize(sum(objective_terms))
        self.columns: list[Column] = []
        self.lambdas: list[mathopt.Variable] = []
        self.seen: set[tuple[int, tuple[Assignment, ...]]] = set()
        self.solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
        self.weights: list[float] = []
        self.by_employee: dict[int, list[int]] = defaultdict(list)

    def add(self, column: Column) -> bool:
        key = (column.employee, column.assignments)
        if key in self.seen:
            return False
        self.seen.add(key)
        lam = self.model.add_variable(lb=0.0, ub=1.0, name=f"col_{len(self.columns)}")
        self.model.objective.set_linear_coefficient(lam, float(column.cost))
        self.convexity[column.employee].set_coefficient(lam, 1.0)
        for i, units in column.cover:
            self.cover[i].set_coefficient(lam, float(units))
        self.by_employee[column.employee].append(len(self.columns))
        self.columns.append(column)
        self.lambdas.append(lam)
        return True

    def solve(self, seconds: float) -> tuple[float, list[float], list[float]] | None:
        """LP value, convexity duals and coverage duals; ``None`` if GLOP did not solve it
        (after one retry from scratch: a long incremental sequence can end GLOP abnormally)."""
        result = None
        for fresh in (False, True):
            if fresh:
                self.solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
            try:
                result = self.solver.solve(params=mathopt.SolveParameters(
                    time_limit=_seconds(seconds)))
            except Exception:  # MathOpt raises solver failures as exceptions of several kinds
                result = None
            if result is not None and \
                    result.termination.reason == mathopt.TerminationReason.OPTIMAL:
                break
        else:
            return None
        duals = result.dual_values()
        values = result.variable_values()
        self.weights = [values[lam] for lam in self.lambdas]
        return (result.objective_value(), [duals[row] for row in self.convexity],
                [duals[row] for row in self.cover])

    def relaxed_schedule(self) -> dict[tuple[int, int, int, str], float]:
        """``(employee, day, shift, role) -> value`` of the last LP solution (non-zero
        entries only)."""
        out: dict[tuple[int, int, int, str], float] = defaultdict(float)
        for weight, column in zip(self.weights, self.columns, strict=False):
            if weight > EPSILON:
                for d, s, r in column.assignments:
                    out[column.employee, d, s, r] += weight
        return dict(out)


def _seconds(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=max(0.05, seconds))


def _links(problem: RosterProblem) -> dict[tuple[int, int, str], list[tuple[int, int]]]:
    """(day, shift, role) -> ``(demand index, units)`` of every demand that shift covers."""
    by_slot = cover_links(problem)
    out: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    for i, need in enumerate(problem.demands):
        for d, s, units in by_slot.get((need.day, need.slot), ()):
            out[d, s, need.skill].append((i, units))
    return out


def _columns_of(shifts: tuple[Shift, ...], pricers: list[_Pricer],
                pool: ThreadPoolExecutor) -> list[Column]:
    """The roster ``shifts`` as one column per employee (cost from the pricing model)."""
    by_employee: dict[int, set[Assignment]] = defaultdict(set)
    for a in shifts:
        by_employee[a.employee].add((a.day, a.shift, a.role))
    values = [[key in by_employee.get(pricer.e, set()) for key in pricer.keys]
              for pricer in pricers]
    costs = list(pool.map(_base_cost, pricers, values))
    return [pricer.column(v, cost) for pricer, v, cost in zip(pricers, values, costs,
                                                               strict=True)]


def _base_cost(pricer: _Pricer, values: list[bool]) -> int:
    """Labour and request cost of a schedule, by fixing it in the pricing model (presolve
    alone settles it)."""
    model = cp_model.CpModel()
    model.proto.copy_from(pricer.model.proto)
    for var, on in zip(pricer.vars, values, strict=True):
        domain = model.proto.variables[var.index].domain
        domain.clear()
        domain.extend([int(on), int(on)])
    model.minimize(pricer.base)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError(f"the schedule of employee {pricer.e} breaks a hard rule")
    return round(solver.objective_value)


def _slack_bound(problem: RosterProblem, pi: list[float]) -> float:
    """``sum(pi * required) + min over the slacks`` of the Lagrangian (scaled units)."""
    scale = problem.cost_scale
    total = 0.0
    for need, p in zip(problem.demands, pi, strict=True):
        under_w = round(need.under_weight * scale)
        total += p * need.required + min(0.0, under_w - p) * need.required
    return total


class _Search:
    """Pricing rounds over a master, with the counters and the bound they produce."""

    def __init__(self, problem: RosterProblem, master: _Master, pricers: list[_Pricer],
                 pool: ThreadPoolExecutor, seed: int) -> None:
        self.problem, self.master, self.pricers, self.pool = problem, master, pricers, pool
        self.seed = seed
        self.spent, self.rounds = 0.0, 0
        self.bound, self.lp_value = -math.inf, math.inf

    def price_round(self, budget: float, deadline: float,
                    fixed: dict[int, int] | None = None) -> int | None:
        """Solve the master LP, price every employee not in ``fixed``, add the columns of
        negative reduced cost: how many were added, ``None`` if the LP failed. Without
        ``fixed`` the round's Lagrangian bound raises :attr:`bound`."""
        solved = self.master.solve(deadline - time.perf_counter())
        if solved is None:
            return None
        lp_value, mu, pi = solved
        if not fixed:
            self.lp_value = lp_value
        self.rounds += 1
        scale = self.problem.cost_scale
        # Multipliers as the pricing sees them (rounded), kept within the slack prices so
        # the Lagrangian's slack terms stay finite.
        pi_scaled = [round(DUAL_SCALE * max(p, -round(need.over_weight * scale)))
                     for p, need in zip(pi, self.problem.demands, strict=True)]
        duals = {i: p for i, p in enumerate(pi_scaled) if p}
        step = min(PRICING_DTIME, max(0.01, budget - self.spent))
        left = deadline - time.perf_counter()
        active = [p for p in self.pricers if not fixed or p.e not in fixed]
        jobs = [self.pool.submit(p.price, duals, self.seed + 7919 * self.rounds + p.e, step,
                                 left) for p in active]
        results = [job.result() for job in jobs]
        self.spent += sum(max(r[2], 1e-3) for r in results)
        added = 0
        for pricer, (found, _low, _) in zip(active, results, strict=True):
            threshold = DUAL_SCALE * mu[pricer.e] - EPSILON * DUAL_SCALE
            for value, column in found:
                if value < threshold and self.master.add(column):
                    added += 1
        if not fixed:
            lagrange = _slack_bound(self.problem, [p / DUAL_SCALE for p in pi_scaled])
            lagrange += sum(low for _found, low, _ in results) / DUAL_SCALE
            if math.isfinite(lagrange):
                self.bound = max(self.bound, lagrange)
        return added

    def dive(self, budget: float, deadline: float, rounds: int,
             rng: random.Random | None = None) -> list[Column]:
        """Round the LP by diving with column generation: fix every employee whose LP
        schedule is a single column and the heaviest :data:`DIVE_FIX_SHARE` of the others,
        price the rest for up to ``rounds`` rounds, repeat until every employee has one
        column. Once the limits are reached (or an LP fails) every employee left is fixed to
        the heaviest column of the last LP at once: one column per employee is always a
        roster that keeps every rule. Column bounds are restored afterwards. With ``rng``
        the weights are perturbed (each times a uniform draw in [0.5, 1]) so repeated dives
        explore other roundings."""
        master = self.master
        fixed: dict[int, int] = {}
        n_staff = len(self.problem.staff)
        noise: dict[int, float] = {}

        def weight(k: int) -> float:
            value = master.weights[k] if k < len(master.weights) else 0.0
            if rng is None or value > 1 - EPSILON:
                return value
            if k not in noise:
                noise[k] = rng.uniform(0.5, 1.0)
            return value * noise[k]

        try:
            while len(fixed) < n_staff:
                for _ in range(rounds):
                    if self.spent >= budget or time.perf_counter() >= deadline:
                        break
                    if not self.price_round(budget, deadline, fixed):
                        break
                out = time.perf_counter() >= deadline
                solved = master.solve(max(DIVE_LP_SECONDS, deadline - time.perf_counter()))
                heaviest: list[tuple[float, int]] = []
                for e in range(n_staff):
                    if e in fixed:
                        continue
                    k = max(master.by_employee[e], key=lambda k: (weight(k), -k))
                    if weight(k) > 1 - EPSILON:
                        fixed[e] = k
                    else:
                        heaviest.append((weight(k), k))
                heaviest.sort(key=lambda t: (-t[0], t[1]))
                take = len(heaviest) if out or solved is None else max(
                    1, math.ceil(len(heaviest) * DIVE_FIX_SHARE))
                for _weight, k in heaviest[:take]:
                    fixed[master.columns[k].employee] = k
                for e, k in fixed.items():
                    for other in master.by_employee[e]:
                        if other != k:
                            master.lambdas[other].upper_bound = 0.0
        finally:
            for lam in master.lambdas:
                lam.upper_bound = 1.0
        return [master.columns[fixed[e]] for e in range(n_staff)]


def generate_columns(problem: RosterProblem, start: tuple[Shift, ...], *, seed: int,
                     workers: int, dtime_budget: float, deadline: float,
                     dive_share: float = 0.3, dive_rounds: int = 2) -> ColumnOutcome:
    """Column generation from the feasible roster ``start``, then a dive to a roster.

    Parameters
    ----------
    problem:
        The roster problem.
    start:
        A roster obeying every hard rule (its schedules are the first columns, so the
        master is feasible from the start).
    seed, workers:
        Seed of the CP-SAT calls; pricing solves run ``workers`` at a time.
    dtime_budget, deadline:
        Deterministic time for all CP-SAT calls together and the wall-clock end
        (``time.perf_counter()`` value); ``dive_share`` of both is kept for the dive.
    dive_rounds:
        Pricing rounds after each fixing step of the dive.

    Returns
    -------
    ColumnOutcome
        The dived roster, the bound, the LP solution and value, and counters.

    Raises
    ------
    ValueError
        If ``start`` breaks a hard rule.
    """
    links = _links(problem)
    pricers = [_Pricer(problem, e, links) for e in range(len(problem.staff))]
    master = _Master(problem)
    converged = False
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for column in _columns_of(start, pricers, pool):
            master.add(column)
        began = time.perf_counter()
        pricing_deadline = deadline - dive_share * (deadline - began)
        pricing_budget = dtime_budget * (1 - dive_share)
        search = _Search(problem, master, pricers, pool, seed)
        while search.spent < pricing_budget and time.perf_counter() < pricing_deadline:
            added = search.price_round(pricing_budget, pricing_deadline)
            if not added:
                converged = added == 0
                break
        relaxed = master.relaxed_schedule()
        bound = search.bound
        if math.isfinite(bound):  # every roster's objective is an integer
            bound = math.ceil(bound - 1e-6)
        # Dives are cheap once the LP has converged: repeat them (perturbed, seeded) while
        # the limits allow, keeping the best roster; each also adds columns to the master.
        dived = search.dive(dtime_budget, deadline, dive_rounds)
        found = _roster_objective(problem, dived)
        for k in range(1, MAX_DIVES):
            if found <= bound or search.spent >= dtime_budget or \
                    time.perf_counter() >= deadline:
                break
            other = search.dive(dtime_budget, deadline, dive_rounds,
                                random.Random(seed * 7919 + k))
            value = _roster_objective(problem, other)
            if value < found:
                dived, found = other, value
    shifts = tuple(sorted((Shift(c.employee, d, s, r) for c in dived for d, s, r in c.assignments),
                          key=lambda a: (a.day, a.employee, a.shift, a.role)))
    return ColumnOutcome(shifts, found, bound, search.lp_value, len(master.columns),
                         search.rounds, converged, search.spent, relaxed)


def _roster_objective(problem: RosterProblem, chosen: list[Column]) -> int:
    """Objective of one column per employee: their own costs plus the coverage penalties of
    their sum (the full model's objective of that roster)."""
    scale = problem.cost_scale
    staffed: dict[int, int] = defaultdict(int)
    for column in chosen:
        for i, units in column.cover:
            staffed[i] += units
    total = sum(column.cost for column in chosen)
    for i, need in enumerate(problem.demands):
        gap = need.required - staffed[i]
        total += (round(need.under_weight * scale) * gap if gap > 0
                  else round(need.over_weight * scale) * -gap)
    return total

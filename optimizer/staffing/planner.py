"""The warehouse roster from a requirements table: CP-SAT against the fixed-pattern baseline.

:func:`plan_roster` builds the roster problem, solves it with CP-SAT (a greedy roster that
obeys the rules as the hint), checks the result with the independent checkers, prices both
rosters by the same formula (:func:`~salesflow.optimizer.staffing.cost.roster_cost`) and lists
the requirements left short with their reason. Should CP-SAT return no roster (infeasible rules,
or nothing found in time), the greedy roster is the roster when it obeys every rule and costs
no more than the fixed pattern, else the fixed pattern; the roster's policy and ``solution``
say why. A roster more than :data:`WEAK_BOUND_GAP` above CP-SAT's bound (or the greedy one,
which has none of its own) reports the larger of CP-SAT's bound and the LP relaxation's
(:func:`~salesflow.optimizer.staffing.lp_bound.relaxation_bound`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.result import SolveStatus
from salesflow.optimizer.staffing.check import check_roster, roster_warnings
from salesflow.optimizer.staffing.cost import RosterCost, roster_cost
from salesflow.optimizer.staffing.coverage import coverage
from salesflow.optimizer.staffing.fixed_pattern import fixed_pattern_roster
from salesflow.optimizer.staffing.greedy import POLICY as GREEDY_POLICY
from salesflow.optimizer.staffing.greedy import greedy_roster
from salesflow.optimizer.staffing.lp_bound import relaxation_bound
from salesflow.optimizer.staffing.roster import Roster
from salesflow.optimizer.staffing.rule_check import check_rules, solution_cost
from salesflow.optimizer.staffing.shortfall import (
    Shortfall,
    contract_shortages,
    impossible_requirements,
    shortfalls,
)
from salesflow.optimizer.staffing.solve import Progress, RosterSolution, solve_roster
from salesflow.optimizer.staffing.warehouse_problem import (
    POLICY,
    Penalties,
    WarehouseRules,
    roster_of,
    shifts_of,
    warehouse_problem,
)

RELAXATION_SHARE = 0.5
"""Share of the time limit the LP relaxation bound may take."""
WEAK_BOUND_GAP = 0.01
"""A roster whose gap to CP-SAT's bound is above this also gets the LP relaxation's bound."""


@dataclass(frozen=True)
class RosterPlan:
    """The roster, its baseline and what they cost.

    Attributes
    ----------
    roster, coverage, cost:
        The CP-SAT roster (or the fixed pattern if CP-SAT found none), its coverage table and
        labour + penalty cost.
    solution:
        The solver's outcome (status, objective, bound, runtime, conflicts).
    baseline, baseline_coverage, baseline_cost:
        The fixed-pattern roster, priced with the same penalties.
    shortfalls:
        Requirements left short, each with its reason.
    violations:
        Hard-rule violations of ``roster`` found by the independent checkers (empty unless
        something is wrong).
    warnings:
        Soft notes (employees under their weekly minimum hours).
    days:
        The rostered dates.
    """

    roster: Roster
    coverage: pd.DataFrame
    cost: RosterCost
    solution: RosterSolution
    baseline: Roster
    baseline_coverage: pd.DataFrame
    baseline_cost: RosterCost
    shortfalls: tuple[Shortfall, ...]
    violations: tuple[str, ...]
    warnings: tuple[str, ...]
    days: tuple[dt.date, ...] = ()


def _within(cov: pd.DataFrame, dates: list[dt.date]) -> pd.DataFrame:
    """Rows of the rostered dates only (a night shift's next morning past the horizon is the
    next roster's business)."""
    keep = pd.to_datetime(cov["date"]).dt.date.isin(set(dates))
    return cov.loc[keep].reset_index(drop=True)


def plan_roster(employees: pd.DataFrame, shifts: pd.DataFrame, requirements: pd.DataFrame,
                days: list[dt.date] | None = None, penalties: Penalties | None = None,
                rules: WarehouseRules | None = None, limits: SolveLimits | None = None,
                progress: Progress | None = None) -> RosterPlan:
    """Roster the warehouse for ``requirements`` at least labour + penalty cost.

    Parameters
    ----------
    employees, shifts:
        The validated tables.
    requirements:
        ``date, hour, skill, required`` (persons for the whole hour).
    days:
        Dates to roster (default: first to last requirement date).
    penalties, rules, limits:
        Coverage penalties, rule settings and solver limits.
    progress:
        Called on every improving roster.

    Raises
    ------
    ValueError
        If there are no shift types, or neither days nor requirements.
    """
    penalties = penalties or Penalties()
    wr = warehouse_problem(employees, shifts, requirements, days, penalties, rules)
    dates = list(wr.dates)
    baseline = fixed_pattern_roster(employees, shifts, dates, requirements)
    hint = greedy_roster(wr.problem)
    solution = solve_roster(wr.problem, limits, hint=hint, progress=progress)
    policy = POLICY
    if not check_rules(wr.problem, hint) and solution.status is not SolveStatus.INFEASIBLE:
        cost = solution_cost(wr.problem, hint)["total"]
        if not solution.has_roster and cost <= solution_cost(
                wr.problem, shifts_of(wr, baseline))["total"]:
            # Nothing found in time (a very large roster): the greedy roster obeys every
            # rule and costs no more, so it stands in rather than the fixed pattern.
            policy = f"{GREEDY_POLICY} (cp_sat {solution.status})"
            solution = replace(solution, status=SolveStatus.FEASIBLE, shifts=hint,
                               objective=cost)
        elif solution.has_roster and cost < solution_cost(
                wr.problem, solution.shifts)["total"] - 1e-6:
            solution = replace(solution, shifts=hint, objective=cost)  # never worse
    if solution.has_roster and solution.objective is not None and \
            (solution.gap is None or solution.gap > WEAK_BOUND_GAP):
        # CP-SAT's bound on a very large roster is often near 0 (the gap would read 90-100 %
        # whatever the roster is worth): the LP relaxation gives one that means something.
        limits = limits or SolveLimits()
        relaxed = relaxation_bound(wr.problem, RELAXATION_SHARE * limits.time_limit_seconds)
        if relaxed is not None and relaxed > (solution.bound or 0.0):
            solution = replace(solution, bound=min(relaxed, solution.objective))
    if solution.has_roster:
        roster = roster_of(wr, solution.shifts, policy)
        violations = check_roster(roster, employees, shifts, dates)
        violations += check_rules(wr.problem, solution.shifts)
    else:
        roster = Roster(baseline.assignments, f"{baseline.policy} (cp_sat {solution.status})")
        violations = check_roster(roster, employees, shifts, dates)
    cov = _within(coverage(roster, requirements), dates)
    base_cov = _within(coverage(baseline, requirements), dates)
    short = shortfalls(cov, impossible_requirements(employees, shifts, requirements, dates),
                       contract_shortages(employees, requirements))
    return RosterPlan(
        roster=roster, coverage=cov, cost=roster_cost(roster, employees, cov, penalties),
        solution=solution, baseline=baseline, baseline_coverage=base_cov,
        baseline_cost=roster_cost(baseline, employees, base_cov, penalties),
        shortfalls=tuple(short), violations=tuple(violations),
        warnings=tuple(roster_warnings(roster, employees, dates)), days=tuple(dates))

"""A sparse MIP assembled from plain arrays and solved through OR-Tools MathOpt.

MathOpt's Python modelling objects cost tens of microseconds each, too slow for the 400,000
variables of a 2,000-SKU plan. :class:`MipBuilder` collects columns and rows in lists and hands
MathOpt one ``ModelProto``; :func:`solve_mip` solves it with HiGHS or SCIP (or CP-SAT) under a
time limit and a seed and returns the values as an array.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

SOLVERS = ("highs", "scip", "cp-sat")


@dataclass
class MipBuilder:
    """Columns (bounds, cost, integrality) and rows (bounds, terms) of a minimisation."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    coefs: list[float] = field(default_factory=list)
    offset: float = 0.0

    @property
    def n_vars(self) -> int:
        return len(self.lower)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)

    def var(self, lower: float = 0.0, upper: float = np.inf, cost: float = 0.0,
            integer: bool = False) -> int:
        """Add a column; return its index."""
        self.lower.append(lower)
        self.upper.append(upper)
        self.cost.append(cost)
        self.integer.append(integer)
        return len(self.lower) - 1

    def row(self, lower: float, upper: float, cols: Sequence[int],
            coefs: Sequence[float]) -> int:
        """Add ``lower <= sum(coefs * x[cols]) <= upper``; return the row index."""
        index = len(self.row_lower)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.rows.extend([index] * len(cols))
        self.cols.extend(cols)
        self.coefs.extend(coefs)
        return index

    def to_proto(self):  # -> model_pb2.ModelProto (typed lazily: ortools is heavy)
        """The model as a MathOpt ``ModelProto`` (matrix coalesced and sorted)."""
        from ortools.math_opt import model_pb2

        proto = model_pb2.ModelProto()
        n = self.n_vars
        proto.variables.ids.extend(range(n))
        proto.variables.lower_bounds.extend(self.lower)
        proto.variables.upper_bounds.extend(self.upper)
        proto.variables.integers.extend(self.integer)
        cost = np.asarray(self.cost)
        nonzero = np.flatnonzero(cost)
        proto.objective.offset = self.offset
        proto.objective.linear_coefficients.ids.extend(nonzero.tolist())
        proto.objective.linear_coefficients.values.extend(cost[nonzero].tolist())
        m = self.n_rows
        proto.linear_constraints.ids.extend(range(m))
        proto.linear_constraints.lower_bounds.extend(self.row_lower)
        proto.linear_constraints.upper_bounds.extend(self.row_upper)
        rows = np.asarray(self.rows, dtype=np.int64)
        cols = np.asarray(self.cols, dtype=np.int64)
        coefs = np.asarray(self.coefs, dtype=float)
        key = rows * max(n, 1) + cols
        unique, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse, weights=coefs, minlength=len(unique))
        keep = summed != 0.0
        matrix = proto.linear_constraint_matrix
        matrix.row_ids.extend((unique[keep] // max(n, 1)).tolist())
        matrix.column_ids.extend((unique[keep] % max(n, 1)).tolist())
        matrix.coefficients.extend(summed[keep].tolist())
        return proto


@dataclass(frozen=True)
class MipOutcome:
    """What a solve returned.

    ``status`` is ``optimal``, ``feasible`` (a limit stopped it with a solution),
    ``infeasible``, ``no solution`` (a limit stopped it without one) or ``error: ...``.
    """

    status: str
    objective: float | None
    bound: float | None
    values: np.ndarray | None
    runtime: float

    @property
    def has_solution(self) -> bool:
        return self.values is not None


def _solver_type(name: str):  # -> mathopt.SolverType
    from ortools.math_opt.python import mathopt

    kinds = {"highs": mathopt.SolverType.HIGHS, "scip": mathopt.SolverType.GSCIP,
             "cp-sat": mathopt.SolverType.CP_SAT}
    if name not in kinds:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}; got {name!r}")
    return kinds[name]


def solve_mip(builder: MipBuilder, *, solver: str, time_limit: float, seed: int,
              relative_gap: float,
              hint: tuple[list[int], list[float]] | None = None) -> MipOutcome:
    """Minimise the model of ``builder``.

    Parameters
    ----------
    hint:
        ``(columns, values)`` to start from, or ``None``. A hint of the integer columns
        alone is enough: the solvers complete the continuous ones by an LP.

    Raises
    ------
    ValueError
        If ``solver`` is unknown.
    """
    from ortools.math_opt import model_parameters_pb2, result_pb2, solution_pb2
    from ortools.math_opt.core.python import solver as core
    from ortools.math_opt.python import mathopt

    solver_type = _solver_type(solver)
    params = mathopt.SolveParameters(
        time_limit=dt.timedelta(seconds=max(time_limit, 0.01)), random_seed=seed,
        relative_gap_tolerance=relative_gap, absolute_gap_tolerance=1e-6,
        enable_output=False)
    if solver == "cp-sat":
        params.threads = 1
    model_params = model_parameters_pb2.ModelSolveParametersProto()
    if hint is not None and len(hint[0]):
        order = np.argsort(hint[0], kind="stable")
        solution = model_params.solution_hints.add()
        solution.variable_values.ids.extend(np.asarray(hint[0])[order].tolist())
        solution.variable_values.values.extend(np.asarray(hint[1], dtype=float)[order].tolist())
    started = time.perf_counter()
    try:
        raw = core.solve(builder.to_proto(), solver_type.value,
                         mathopt.StreamableSolverInitArguments().to_proto(), params.to_proto(),
                         model_params, None, mathopt.CallbackRegistration().to_proto(), None,
                         None)
    except Exception as exc:
        return MipOutcome(f"error: {exc}", None, None, None, time.perf_counter() - started)
    runtime = time.perf_counter() - started
    reasons = result_pb2.TerminationReasonProto
    reason = raw.termination.reason
    values = None
    if raw.solutions and raw.solutions[0].HasField("primal_solution"):
        primal = raw.solutions[0].primal_solution
        if primal.feasibility_status == solution_pb2.SOLUTION_STATUS_FEASIBLE:
            values = np.zeros(builder.n_vars)
            values[np.asarray(primal.variable_values.ids, dtype=np.int64)] = \
                np.asarray(primal.variable_values.values)
    if reason == reasons.TERMINATION_REASON_OPTIMAL:
        status = "optimal"
    elif reason == reasons.TERMINATION_REASON_INFEASIBLE:
        status = "infeasible"
    elif reason == reasons.TERMINATION_REASON_FEASIBLE and values is not None:
        status = "feasible"
    elif reason in (reasons.TERMINATION_REASON_NO_SOLUTION_FOUND,
                    reasons.TERMINATION_REASON_FEASIBLE):
        status = "no solution"
    else:
        status = f"error: {reasons.Name(reason)} {raw.termination.detail}".strip()
    bounds = raw.termination.objective_bounds
    objective = float(bounds.primal_bound) if values is not None else None
    bound = float(bounds.dual_bound) if np.isfinite(bounds.dual_bound) else None
    return MipOutcome(status, objective, bound, values, runtime)

"""The one result shape of every engine: a status from :class:`SolveStatus` and the common
fields of :class:`SolveOutcome` (objective, bound, gap, runtime, stop reason), as PyVRP's
``Result`` has them.

"No solution" means one thing everywhere: ``status`` is :attr:`SolveStatus.NO_SOLUTION`
(nothing found within the limits) or :attr:`SolveStatus.INFEASIBLE` (proven that there is
none), and ``objective`` is ``None``. ``bound`` is a valid lower bound on the objective, or
``None`` when the engine knows none (the stop reason then says so).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, runtime_checkable

STOP_PROOF = "proof"
"""The search ended on a proof: optimal (within the gap limit) or infeasible."""
STOP_TIME = "time limit"
"""The wall clock ended the search: a rerun with the same seed may differ."""
STOP_WORK = "work limit"
"""The work budget ended the search: the same seed gives the same result."""


class SolveStatus(StrEnum):
    """How a solve ended; its value is the word the reports print."""

    OPTIMAL = "optimal"
    """A solution proven optimal (within the relative gap asked for)."""
    FEASIBLE = "feasible"
    """A solution, not proven optimal."""
    INFEASIBLE = "infeasible"
    """Proven that no solution exists."""
    NO_SOLUTION = "no solution"
    """None found within the limits, and none proven impossible."""

    @property
    def has_solution(self) -> bool:
        """Whether the status comes with a solution."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@runtime_checkable
class SolveOutcome(Protocol):
    """The fields every engine's result exposes.

    Attributes
    ----------
    status:
        How the solve ended.
    objective:
        The objective of the solution found (in the engine's money terms); ``None`` without
        one.
    bound:
        A valid lower bound on the objective; ``None`` when none is known.
    gap:
        ``(objective - bound) / objective``; ``None`` without an objective or a bound.
    runtime:
        Wall-clock seconds.
    stop_reason:
        What ended the search: :data:`STOP_PROOF`, :data:`STOP_TIME`, :data:`STOP_WORK`, or
        the engine's words for another reason.
    """

    @property
    def status(self) -> SolveStatus: ...

    @property
    def objective(self) -> float | None: ...

    @property
    def bound(self) -> float | None: ...

    @property
    def gap(self) -> float | None: ...

    @property
    def runtime(self) -> float: ...

    @property
    def stop_reason(self) -> str: ...


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``max(0, objective - bound) / |objective|`` (0 when both are 0); ``None`` when either
    is ``None``."""
    if objective is None or bound is None:
        return None
    if objective == 0:
        return 0.0
    return max(0.0, objective - bound) / abs(objective)

"""``SolveLimits``: what every solver call may spend, the one limits type of all engines.

A limit is decided once: :meth:`SolveLimits.from_config` reads ``[solver]`` and the seed of
``[planning]`` from ``config.toml`` and applies a command's ``--time-limit`` on top; the
result is handed down to every stage. No other module defaults a time limit.

The fields mean the same for every engine; where an engine has no use for one, or gives
``None`` an engine default, the field's docstring says so. Engine *options* that are not
limits (the purchase MIP backend, routing's unserved penalty) stay with their engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from salesflow.data.i18n import _

if TYPE_CHECKING:
    from salesflow.data.dataset.config import PlanningConfig

DEFAULT_TIME_LIMIT = 60.0
"""Seconds of one solver call when nothing else is said (``[solver] time_limit_seconds``)."""
TRADEOFF_POINT_SECONDS = 15.0
"""Seconds of each trade-off point's purchase solve (``salesflow tradeoff``, ``weekly
--tradeoff``) when not given, or the config's limit if lower."""


@dataclass(frozen=True)
class SolveLimits:
    """Limits of one solver call (one purchase solve, one roster solve, one routing day).

    Attributes
    ----------
    time_limit_seconds:
        Wall-clock seconds of the call, model building included.
    workers:
        Parallel threads (purchasing MIPs, CP-SAT) or processes (routing portfolio members).
    seed:
        Random seed; the same seed and a work budget that ends the search give the same
        result.
    relative_gap:
        Stop once ``(objective - bound) / objective`` is at most this. ``None``: the engine's
        default (purchasing 1e-2, staffing 0: search until proven). Routing has no bound to
        stop on and ignores it.
    work_limit:
        A work budget that does not depend on the machine's speed, ending the search before
        the clock when it is reached. Routing: OR-Tools solutions per portfolio member
        (``None``: 200 + 40 per stop for a delivery day, none for a benchmark instance).
        Staffing: CP-SAT deterministic seconds (``None``: half a unit per second of the time
        limit), searched in CP-SAT's interleaved, deterministic mode. Purchasing: the MIP
        backends have none, so it is ignored. ``math.inf``: no work budget, stop on the clock
        only (staffing then runs CP-SAT's faster, timing-dependent parallel portfolio).

    Raises
    ------
    ValueError
        If a limit is out of range.
    """

    time_limit_seconds: float = DEFAULT_TIME_LIMIT
    workers: int = 2
    seed: int = 0
    relative_gap: float | None = None
    work_limit: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_limit_seconds) and self.time_limit_seconds > 0):
            raise ValueError(_("time_limit_seconds must be > 0 seconds; got {value}").format(
                value=repr(self.time_limit_seconds)))
        if not 1 <= self.workers <= 64:
            raise ValueError(_("workers must be in [1, 64]; got {value}").format(
                value=self.workers))
        if self.seed < 0:
            raise ValueError(_("seed must be >= 0; got {value}").format(value=self.seed))
        if self.relative_gap is not None and not 0 <= self.relative_gap < 1:
            raise ValueError(_("relative_gap must be in [0, 1); got {value}").format(
                value=self.relative_gap))
        if self.work_limit is not None and not self.work_limit > 0:
            raise ValueError(_("work_limit must be > 0; got {value}").format(
                value=self.work_limit))

    @classmethod
    def from_config(cls, config: PlanningConfig, time_limit: float | None = None,
                    seed: int | None = None, workers: int | None = None) -> SolveLimits:
        """The limits of ``config.toml``: ``solver.time_limit_seconds``, ``solver.workers``
        and ``planning.seed``, each replaced by the argument when that is given (a command's
        ``--time-limit``, ``--seed``, ``--workers``).

        Raises
        ------
        ValueError
            If a given value is out of range.
        """
        return cls(time_limit_seconds=float(config.solver.time_limit_seconds
                                            if time_limit is None else time_limit),
                   workers=int(config.solver.workers if workers is None else workers),
                   seed=int(config.planning.seed if seed is None else seed))

    def gap(self, default: float) -> float:
        """``relative_gap``, or the engine's ``default`` when it is ``None``."""
        return default if self.relative_gap is None else self.relative_gap

    def with_time(self, seconds: float) -> SolveLimits:
        """The same limits with ``seconds`` of wall-clock time."""
        return replace(self, time_limit_seconds=seconds)

    @property
    def has_work_limit(self) -> bool:
        """Whether a finite work budget is set."""
        return self.work_limit is not None and math.isfinite(self.work_limit)

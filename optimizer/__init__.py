"""Planning (DESIGN §5): the weekly cycle over the purchasing, staffing and routing
optimizers, its solve limits and context, and the replay of past weeks.

The front doors: :func:`run_weekly` (forecast -> purchasing -> staffing -> routing, every
table and KPI of the week) and :func:`run_replay` (policies replayed over past weeks). The
optimizers are the sub-packages :mod:`.purchasing`, :mod:`.staffing` and :mod:`.routing`.
Importing this package loads none of its modules (nor OR-Tools, pandas) until a name is used.

>>> from salesflow.optimizer import SolveLimits, run_weekly
>>> plan = run_weekly(dataset, limits=SolveLimits(30.0))            # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.optimizer import purchasing, routing, staffing
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.replay import ReplayPolicy, ReplayResult, run_replay
    from salesflow.optimizer.result import SolveOutcome, SolveStatus
    from salesflow.optimizer.weekly import WeeklyPlan, run_weekly
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "PlanningContext": "context",
        "SolveLimits": "limits",
        "ReplayPolicy": "replay",
        "ReplayResult": "replay",
        "run_replay": "replay",
        "SolveOutcome": "result",
        "SolveStatus": "result",
        "WeeklyPlan": "weekly",
        "run_weekly": "weekly",
    }, submodules=("purchasing", "routing", "staffing",))

__all__ = [
    "PlanningContext",
    "ReplayPolicy",
    "ReplayResult",
    "SolveLimits",
    "SolveOutcome",
    "SolveStatus",
    "WeeklyPlan",
    "purchasing",
    "routing",
    "run_replay",
    "run_weekly",
    "staffing",
]

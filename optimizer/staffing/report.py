"""The staffing result as a plain dictionary (for ``--json``, ``staffing.json`` and KPIs).

Pure: no I/O. Costs are rounded to cents, hours to 0.01; infinities stay ``inf`` (the JSON
writer turns them into ``null``).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from salesflow.optimizer.staffing.coverage import coverage_summary
from salesflow.optimizer.staffing.cycle import CycleTime, hour_ranges
from salesflow.optimizer.staffing.planner import RosterPlan
from salesflow.optimizer.staffing.roster import Roster

MAX_LISTED = 200


def _r(value: float | None, digits: int = 2) -> float | None:
    return value if value is None or not math.isfinite(value) else round(float(value), digits)


def roster_figures(roster: Roster) -> dict[str, Any]:
    """Shifts, people and paid hours of a roster."""
    return {"policy": roster.policy, "shifts": len(roster.assignments),
            "employees_rostered": len({a.employee_id for a in roster.assignments}),
            "paid_hours": _r(sum(a.paid_hours for a in roster.assignments), 1)}


def cycle_figures(cycle: CycleTime | None) -> dict[str, Any] | None:
    """The cycle time with the bottleneck's hours as readable ranges."""
    if cycle is None:
        return None
    return {
        "mean_hours": _r(cycle.mean_hours), "p90_hours": _r(cycle.p90_hours),
        "within_target": _r(cycle.within_target, 4), "target_hours": _r(cycle.target_hours),
        "met": cycle.met, "bottleneck_step": cycle.bottleneck_step,
        "bottleneck_skill": cycle.bottleneck_skill,
        "bottleneck_hours": hour_ranges(cycle.bottleneck_hours),
        "waiting_order_hours": {k: _r(v) for k, v in cycle.waiting_order_hours.items()},
        "unfinished_orders": _r(cycle.unfinished_orders),
    }


def plan_figures(plan: RosterPlan) -> dict[str, Any]:
    """Solver outcome, both rosters' costs and coverage, the ratio, shortfalls, checks."""
    s = plan.solution
    impossible = [f for f in plan.shortfalls if not f.reason.startswith("left short")]
    priced = [f for f in plan.shortfalls if f.reason.startswith("left short")]
    base_total = plan.baseline_cost.total
    return {
        "solver": {"status": str(s.status), "objective": _r(s.objective), "bound": _r(s.bound),
                   "gap": _r(s.gap, 4), "runtime_seconds": _r(s.runtime, 1),
                   "stopped_by": s.stopped_by, "conflicts": list(s.conflicts)},
        "roster": roster_figures(plan.roster),
        "cost": {k: _r(v) for k, v in plan.cost.to_dict().items()},
        "coverage": {k: _r(v, 4) for k, v in coverage_summary(plan.coverage).items()},
        "baseline": {
            "roster": roster_figures(plan.baseline),
            "cost": {k: _r(v) for k, v in plan.baseline_cost.to_dict().items()},
            "coverage": {k: _r(v, 4) for k, v in coverage_summary(plan.baseline_coverage).items()},
        },
        "cost_ratio_to_baseline": _r(plan.cost.total / base_total, 4) if base_total else None,
        "impossible_requirements": [
            {**asdict(f), "date": f.date.isoformat(), "missing": _r(f.missing, 3)}
            for f in impossible[:MAX_LISTED]],
        "impossible_count": len(impossible),
        "priced_shortfalls": len(priced),
        "priced_shortfall_person_hours": _r(sum(f.missing for f in priced)),
        "violations": list(plan.violations),
        "warnings": list(plan.warnings[:MAX_LISTED]),
    }

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
from salesflow.optimizer.staffing.recommend import CycleAdvice
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
    impossible = [f for f in plan.shortfalls if not f.priced]
    priced = [f for f in plan.shortfalls if f.priced]
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


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weekday_ranges(weekdays: list[int]) -> str:
    """Weekdays (Monday = 0) as runs: ``Mon–Tue, Thu``."""
    days = sorted(set(weekdays))
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}–{WEEKDAYS[r[-1]]}"
                     for r in runs)


def _hours(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def advice_sentence(figures: dict[str, Any]) -> str:
    """One sentence of what the cycle target needs (from :func:`advice_figures`)."""
    target = figures["target_hours"]
    days = target / 24
    goal = (f"{days:g} day" + ("" if days == 1 else "s")) if days == int(days) \
        else f"{target:g} h"
    cycle = f"{goal.replace(' ', '-') if 'day' in goal else goal} cycle"
    now = figures["cycle_before_hours"]
    now_text = "never finishes" if now is None else f"is {_hours(now)} h"
    if figures["stopped_by"] == "no orders forecast":
        return f"The {cycle} is not meaningful (no orders forecast): nothing to add."
    if figures["stopped_by"] == "target already met":
        return f"The {cycle} is met by today's staff (mean {_hours(now or 0)} h)."
    if figures["stopped_by"] == "staffing alone cannot meet the target":
        floor = figures["floor_hours"]
        still = "orders still never finish" if floor is None else \
            f"the mean cycle is still {_hours(floor)} h, {_hours(floor - target)} h over the target"
        return (f"Staffing alone cannot meet the {cycle}: with every hour of every shift "
                f"type fully staffed {still} (the steps' own time and orders arriving when no "
                "shift runs bound it); today it " + now_text + ".")
    if not figures["shifts"]:
        return (f"The search for the {cycle} ended ({figures['stopped_by']}) before it "
                f"found a shift to add: today the cycle {now_text}"
                + ("" if now is None else f", {_hours(now - target)} h over the target")
                + "; a longer --time-limit gives it more room.")
    parts = [f"{s['skill']} ({', '.join(s['steps'])}) +{_hours(s['hours'])} h on "
             f"{weekday_ranges([WEEKDAYS.index(d) for d in s['weekdays']])}"
             if s["steps"] else
             f"{s['skill']} +{_hours(s['hours'])} h on "
             f"{weekday_ranges([WEEKDAYS.index(d) for d in s['weekdays']])}"
             for s in figures["by_skill"]]
    who = []
    if figures["extra_people"]:
        people = "person" if figures["extra_people"] == 1 else "people"
        who.append(f"{_hours(figures['extra_hours'])} h by {figures['extra_people']} extra "
                   f"{people} at {figures['extra_cost']:,.2f}")
    if figures["existing_hours"]:
        who.append(f"{_hours(figures['existing_hours'])} h by today's staff within their "
                   f"contracts at {figures['existing_cost']:,.2f}")
    head = (f"{goal} needs +{_hours(figures['added_hours'])} h a week: " + "; ".join(parts)
            + f"; {figures['added_cost']:,.2f} a week ({', '.join(who)})")
    after = figures["cycle_after_hours"]
    if figures["met"]:
        return f"{head}: mean cycle {_hours(after)} h (today it {now_text})."
    return (f"{head}: the search ended ({figures['stopped_by']}) at a mean cycle of "
            f"{'never finishing' if after is None else _hours(after) + ' h'}, "
            f"{_hours(figures['short_by_hours'])} h over the target.")


def advice_figures(advice: CycleAdvice | None) -> dict[str, Any] | None:
    """The cycle-target advice as plain figures, with its sentence."""
    if advice is None:
        return None
    added = [a.assignment for a in advice.added]
    by_skill = []
    for skill in sorted({a.role for a in added}):
        mine = [s for s in advice.added if s.assignment.role == skill]
        by_skill.append({
            "skill": skill,
            "steps": [s for s in advice.steps_by_skill.get(skill, ())
                      if advice.before.waiting_order_hours.get(s, 0.0) > 0],
            "hours": _r(sum(s.assignment.paid_hours for s in mine)),
            "cost": _r(sum(s.cost for s in mine)),
            "weekdays": {WEEKDAYS[d]: _r(sum(s.assignment.paid_hours for s in mine
                                            if s.assignment.day.weekday() == d))
                         for d in sorted({s.assignment.day.weekday() for s in mine})},
        })
    existing = [s for s in advice.added if s.existing]
    extra = [s for s in advice.added if not s.existing]
    figures = {
        "target_hours": _r(advice.target_hours), "met": advice.met,
        "stopped_by": advice.stopped_by,
        "cycle_before_hours": _r(_finite(advice.before.mean_hours)),
        "cycle_after_hours": _r(_finite(advice.after.mean_hours)),
        "floor_hours": _r(_finite(advice.floor_hours)),
        "short_by_hours": _r(advice.short_by_hours),
        "added_hours": _r(advice.hours), "added_cost": _r(advice.cost),
        "existing_hours": _r(sum(s.assignment.paid_hours for s in existing)),
        "existing_cost": _r(sum(s.cost for s in existing)),
        "extra_people": len({s.assignment.employee_id for s in extra}),
        "extra_hours": _r(sum(s.assignment.paid_hours for s in extra)),
        "extra_cost": _r(sum(s.cost for s in extra)),
        "hire_rates": {k: _r(v, 4) for k, v in advice.hire_rates.items()},
        "by_skill": by_skill,
        "shifts": [{"date": s.assignment.day.isoformat(),
                    "weekday": WEEKDAYS[s.assignment.day.weekday()],
                    "shift_id": s.assignment.shift_id, "skill": s.assignment.role,
                    "employee_id": s.assignment.employee_id, "existing": s.existing,
                    "paid_hours": _r(s.assignment.paid_hours),
                    "hourly_cost": _r(s.hourly_cost, 4),
                    "cost": _r(s.cost)} for s in advice.added],
        "evaluations": advice.evaluations,  # no wall time here: plan files are deterministic
    }
    figures["sentence"] = advice_sentence(figures)
    return figures


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None

"""Staffing (DESIGN §5, Staffing): who works which shift, in which role, by a CP-SAT roster
over the hard rules, with the fixed-pattern roster as the baseline; the service desk by
Erlang C and the order cycle time the roster gives.

The front doors: :func:`staffing_stage` (the weekly cycle's stage), :func:`plan_roster` (a
:class:`RosterPlan` for a :class:`RosterProblem`), :func:`solve_roster` (the CP-SAT model
alone), :func:`check_roster` and :func:`check_rules` (independent checks). Importing this
package loads none of its modules (nor OR-Tools) until one of these names is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.optimizer.staffing.check import check_roster
    from salesflow.optimizer.staffing.cost import RosterCost, roster_cost
    from salesflow.optimizer.staffing.cycle import CycleTime, cycle_time
    from salesflow.optimizer.staffing.fixed_pattern import fixed_pattern_roster
    from salesflow.optimizer.staffing.planner import RosterPlan, plan_roster
    from salesflow.optimizer.staffing.problem import (
        CoverDemand,
        RosterProblem,
        RotationBan,
        Shift,
        ShiftRequest,
        ShiftType,
        StaffMember,
        WorkLimit,
    )
    from salesflow.optimizer.staffing.roster import Assignment, Roster, roster_frame
    from salesflow.optimizer.staffing.rule_check import check_rules
    from salesflow.optimizer.staffing.service_desk import ServiceDesk, service_desk_plan
    from salesflow.optimizer.staffing.solve import RosterSolution, explain_infeasible, solve_roster
    from salesflow.optimizer.staffing.stage import StaffingResult, staffing_stage
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "check_roster": "check",
        "RosterCost": "cost",
        "roster_cost": "cost",
        "CycleTime": "cycle",
        "cycle_time": "cycle",
        "fixed_pattern_roster": "fixed_pattern",
        "RosterPlan": "planner",
        "plan_roster": "planner",
        "CoverDemand": "problem",
        "RosterProblem": "problem",
        "RotationBan": "problem",
        "Shift": "problem",
        "ShiftRequest": "problem",
        "ShiftType": "problem",
        "StaffMember": "problem",
        "WorkLimit": "problem",
        "Assignment": "roster",
        "Roster": "roster",
        "roster_frame": "roster",
        "check_rules": "rule_check",
        "ServiceDesk": "service_desk",
        "service_desk_plan": "service_desk",
        "RosterSolution": "solve",
        "explain_infeasible": "solve",
        "solve_roster": "solve",
        "StaffingResult": "stage",
        "staffing_stage": "stage",
    })

__all__ = [
    "Assignment",
    "CoverDemand",
    "CycleTime",
    "Roster",
    "RosterCost",
    "RosterPlan",
    "RosterProblem",
    "RosterSolution",
    "RotationBan",
    "ServiceDesk",
    "Shift",
    "ShiftRequest",
    "ShiftType",
    "StaffMember",
    "StaffingResult",
    "WorkLimit",
    "check_roster",
    "check_rules",
    "cycle_time",
    "explain_infeasible",
    "fixed_pattern_roster",
    "plan_roster",
    "roster_cost",
    "roster_frame",
    "service_desk_plan",
    "solve_roster",
    "staffing_stage",
]

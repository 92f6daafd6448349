"""The weekly cycle's staffing stage: requirements, the CP-SAT roster, the service desk and the
order processing cycle, with the fixed-pattern baseline beside them.

Requirements per date, hour and skill: forecast orders x the process steps' minutes (spread by
the intraday profile, divided by productivity), plus receiving for the purchase lines arriving,
plus the customer-service desk sized by Erlang C. The roster comes from
:func:`~salesflow.optimizer.staffing.planner.plan_roster`; the cycle time of both rosters from
:func:`~salesflow.optimizer.staffing.cycle.cycle_time`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.check import check_roster, roster_warnings
from salesflow.optimizer.staffing.cost import roster_cost
from salesflow.optimizer.staffing.coverage import coverage
from salesflow.optimizer.staffing.cycle import CycleTime, cycle_time
from salesflow.optimizer.staffing.planner import RosterPlan, plan_roster
from salesflow.optimizer.staffing.recommend import CycleAdvice, recommend_capacity
from salesflow.optimizer.staffing.requirements import intraday_profile, workload_requirements
from salesflow.optimizer.staffing.roster import Roster
from salesflow.optimizer.staffing.service_desk import (
    ServiceDesk,
    desk_requirements,
    service_desk_plan,
)
from salesflow.optimizer.staffing.shortfall import (
    contract_shortages,
    impossible_requirements,
    shortfalls,
)
from salesflow.optimizer.staffing.solve import Progress
from salesflow.optimizer.staffing.warehouse_problem import Penalties

if TYPE_CHECKING:
    from salesflow.optimizer.context import PlanningContext

RECEIVING_SKILL = "receiving"


@dataclass(frozen=True)
class StaffingResult:
    """What the staffing stage produced.

    Attributes
    ----------
    requirements:
        ``date, hour, skill, required`` (persons).
    roster, labour_cost, coverage:
        The roster in force (CP-SAT), its labour cost and coverage table.
    plan:
        The full outcome: costs with penalties, solver status and bound, the fixed-pattern
        baseline and its cost, shortfalls, checker verdicts.
    service_desk:
        Contacts, Erlang C agents and queue figures per date and hour.
    desk:
        The service-desk settings they were sized with.
    cycle, baseline_cycle:
        Order processing cycle under the roster and under the baseline (``None`` when there
        are no forecast orders, e.g. for a requirements file).
    advice:
        What the cycle target needs: the least-cost shifts to add (``None`` without forecast
        orders; no shifts when the target is met or staffing alone cannot meet it).
    what_if:
        Set on the what-if result of :func:`whatif_staffing`: the advice it applied.
    """

    requirements: pd.DataFrame
    roster: Roster
    labour_cost: float
    coverage: pd.DataFrame
    plan: RosterPlan | None = None
    service_desk: pd.DataFrame | None = None
    cycle: CycleTime | None = None
    baseline_cycle: CycleTime | None = None
    desk: ServiceDesk | None = None
    advice: CycleAdvice | None = None
    what_if: CycleAdvice | None = None

    @property
    def baseline(self) -> Roster | None:
        return self.plan.baseline if self.plan else None


def receiving_arrivals(dataset: Dataset, plan_arrivals: list[dt.date]) -> list[dt.date]:
    """Arrival dates to receive: the purchase plan's lines and the dataset's open orders."""
    return plan_arrivals + [d.date() for d in dataset["open_orders"]["arrival_date"]]


def receiving_requirements(dataset: Dataset, arrivals: list[dt.date],
                           days: list[dt.date]) -> pd.DataFrame:
    """Persons on the receiving skill per hour for the purchase lines arriving each day,
    spread evenly over the opening hours."""
    config = dataset.config.staffing
    first, end = config.order_hours
    rows = []
    for day in days:
        lines = sum(1 for a in arrivals if a == day)
        if lines == 0:
            continue
        persons = lines * config.receiving_minutes_per_line / 60 / config.productivity
        rows += [{"date": pd.Timestamp(day), "hour": h, "skill": RECEIVING_SKILL,
                  "required": persons / (end - first)} for h in range(first, end)]
    return pd.DataFrame(rows, columns=["date", "hour", "skill", "required"])


def roster_stage(dataset: Dataset, requirements: pd.DataFrame, limits: SolveLimits,
                 days: list[dt.date] | None = None,
                 progress: Progress | None = None) -> RosterPlan:
    """The CP-SAT roster (and baseline) of the dataset's staff for ``requirements``."""
    return plan_roster(dataset["employees"], dataset["shifts"], requirements, days,
                       limits=limits, progress=progress)


def staffing_from_requirements(dataset: Dataset, requirements: pd.DataFrame,
                               limits: SolveLimits,
                               progress: Progress | None = None) -> StaffingResult:
    """The roster for a given requirements table (its dates are the days rostered); no
    service desk or order cycle, as there are no forecast orders."""
    plan = roster_stage(dataset, requirements, limits, None, progress)
    return StaffingResult(requirements, plan.roster, plan.cost.labour, plan.coverage, plan)


def staffing_stage(dataset: Dataset, context: PlanningContext, orders_per_day: pd.Series,
                   arrivals: list[dt.date], progress: Progress | None = None,
                   desk: ServiceDesk | None = None) -> StaffingResult:
    """Requirements from forecast orders, receiving and the service desk; the CP-SAT roster
    against the fixed pattern; the order processing cycle of both.

    Parameters
    ----------
    context:
        Plan week, history (for the intraday profile) and solver limits.
    orders_per_day:
        Expected orders on each day of the plan week.
    arrivals:
        Arrival date of every purchase line (plan and open orders) to receive.
    progress:
        Called on every improving roster.
    desk:
        Service-desk settings (default: ``[staffing]`` of ``config.toml``).
    """
    config = dataset.config.staffing
    days = context.days
    first_hour, end_hour = config.order_hours  # two values, checked when config.toml is read
    profile = intraday_profile(context.history, (first_hour, end_hour))
    desk = desk or ServiceDesk(config.contacts_per_order, config.handle_seconds,
                               config.service_level_target, config.answer_seconds)
    desk_plan = service_desk_plan(orders_per_day, profile, desk)
    parts = [receiving_requirements(dataset, arrivals, days), desk_requirements(desk_plan, desk)]
    extra = pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
    requirements = workload_requirements(orders_per_day, profile, dataset["process_steps"],
                                         config.productivity, extra=extra)
    plan = roster_stage(dataset, requirements, context.limits, days, progress)
    target = dataset.config.targets.order_cycle_days * 24

    def cycle(cov: pd.DataFrame) -> CycleTime:
        return cycle_time(orders_per_day, profile, dataset["process_steps"], cov,
                          config.productivity, target)

    today = cycle(plan.coverage)
    advice = recommend_capacity(orders_per_day, profile, dataset["process_steps"], plan.roster,
                                plan.coverage, dataset["employees"], dataset["shifts"],
                                config.productivity, target, context.limits)
    return StaffingResult(requirements, plan.roster, plan.cost.labour, plan.coverage, plan,
                          desk_plan, today, cycle(plan.baseline_coverage), desk, advice)


def whatif_staffing(dataset: Dataset, context: PlanningContext, orders_per_day: pd.Series,
                    result: StaffingResult) -> StaffingResult | None:
    """``result`` with its advice applied: today's roster plus the added shifts (the extra
    people join the employees), its coverage, cost, checks and cycle recomputed from that
    roster. ``None`` when the advice adds nothing (target met, or not reachable by staffing).
    """
    advice, plan = result.advice, result.plan
    if advice is None or plan is None or not advice.added:
        return None
    config = dataset.config.staffing
    employees = pd.concat([dataset["employees"], advice.new_employees], ignore_index=True)
    dates = list(plan.days)
    keep = set(dates)
    cov = coverage(advice.roster, result.requirements)
    cov = cov.loc[pd.to_datetime(cov["date"]).dt.date.isin(keep)].reset_index(drop=True)
    cost = roster_cost(advice.roster, employees, cov, Penalties())
    first_hour, end_hour = config.order_hours
    profile = intraday_profile(context.history, (first_hour, end_hour))
    cycle = cycle_time(orders_per_day, profile, dataset["process_steps"], cov,
                       config.productivity, dataset.config.targets.order_cycle_days * 24)
    whatif = replace(plan, roster=advice.roster, coverage=cov, cost=cost,
                     violations=tuple(check_roster(advice.roster, employees, dataset["shifts"],
                                                   dates)),
                     warnings=tuple(roster_warnings(advice.roster, employees, dates)),
                     shortfalls=tuple(shortfalls(
                         cov, impossible_requirements(employees, dataset["shifts"],
                                                      result.requirements, dates),
                         contract_shortages(employees, result.requirements))))
    return replace(result, roster=advice.roster, labour_cost=cost.labour, coverage=cov,
                   plan=whatif, cycle=cycle, advice=None, what_if=advice)

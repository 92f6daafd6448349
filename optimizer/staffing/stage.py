"""The weekly cycle's staffing stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.optimizer.staffing.coverage import coverage
from salesflow.optimizer.staffing.fixed_pattern import fixed_pattern_roster
from salesflow.optimizer.staffing.requirements import intraday_profile, workload_requirements
from salesflow.optimizer.staffing.roster import Roster, labour_cost

RECEIVING_SKILL = "receiving"


@dataclass(frozen=True)
class StaffingResult:
    requirements: pd.DataFrame
    roster: Roster
    labour_cost: float
    coverage: pd.DataFrame


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


def staffing_stage(dataset: Dataset, history: pd.DataFrame, orders_per_day: pd.Series,
                   arrivals: list[dt.date], week_start: dt.date) -> StaffingResult:
    """Requirements from forecast orders and receiving; the fixed-pattern roster.

    Parameters
    ----------
    history:
        The sales lines before ``week_start`` (for the intraday profile).
    orders_per_day:
        Expected orders on each day of the plan week.
    arrivals:
        Arrival date of every purchase line (plan and open orders) to receive.
    """
    config = dataset.config.staffing
    days = [week_start + dt.timedelta(days=i) for i in range(7)]
    profile = intraday_profile(history, tuple(config.order_hours))
    requirements = workload_requirements(
        orders_per_day, profile, dataset["process_steps"], config.productivity,
        extra=receiving_requirements(dataset, arrivals, days))
    roster = fixed_pattern_roster(dataset["employees"], dataset["shifts"], days, requirements)
    return StaffingResult(requirements, roster, labour_cost(roster, dataset["employees"]),
                          coverage(roster, requirements))

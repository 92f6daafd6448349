"""What a roster costs: labour plus coverage penalties, recomputed from its coverage table.

This is the yardstick both rosters (CP-SAT and the fixed pattern) are measured with, by the
same formula and the same penalties, independently of any solver::

    total = labour + under_person_hours * under_penalty + over_person_hours * over_penalty

with under/over person-hours from :func:`~salesflow.optimizer.staffing.coverage.
coverage_summary` (skills with a requirement somewhere; hours on other skills are neither).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from salesflow.optimizer.staffing.coverage import coverage_summary
from salesflow.optimizer.staffing.roster import Roster, labour_cost
from salesflow.optimizer.staffing.warehouse_problem import Penalties


@dataclass(frozen=True)
class RosterCost:
    """Labour, penalties and their total."""

    labour: float
    under_person_hours: float
    over_person_hours: float
    under_penalty: float
    over_penalty: float

    @property
    def penalty(self) -> float:
        return self.under_penalty + self.over_penalty

    @property
    def total(self) -> float:
        return self.labour + self.penalty

    def to_dict(self) -> dict[str, float]:
        return {**asdict(self), "penalty": self.penalty, "total": self.total}


def roster_cost(roster: Roster, employees: pd.DataFrame, cov: pd.DataFrame,
                penalties: Penalties) -> RosterCost:
    """Labour cost plus the coverage penalties of ``cov`` (the roster's coverage table).

    Raises
    ------
    ValueError
        If the roster names an employee not in ``employees``.
    """
    summary = coverage_summary(cov)
    under, over = summary["under_person_hours"], summary["over_person_hours"]
    return RosterCost(labour_cost(roster, employees), under, over,
                      under * penalties.under_per_person_hour,
                      over * penalties.over_per_person_hour)

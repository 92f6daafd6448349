"""The weekly planning cycle: forecast -> purchasing -> staffing -> routing.

Each stage is a function of the dataset and the earlier stages' results; :func:`run_weekly`
composes them and returns every output table plus the KPIs. Nothing here writes files or
prints: progress goes through a callback, storing the plan is the caller's business.

Each stage runs its engine (forecasting engine, CP-SAT purchase plan, CP-SAT roster, OR-Tools
routes) and keeps its baseline on the same inputs (seasonal naive, the ERP reorder rules,
fixed-pattern roster, nearest-neighbour routes) as the "before" of the KPI report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.dataset.config import iso_week
from salesflow.forecasting.stage import ForecastResult, forecast_stage
from salesflow.optimizer.kpis import weekly_kpis
from salesflow.optimizer.purchasing.plan import purchase_orders_frame
from salesflow.optimizer.purchasing.stage import PurchasingResult, purchasing_stage
from salesflow.optimizer.routing.solution import routes_frame
from salesflow.optimizer.routing.stage import RoutingResult, routing_stage
from salesflow.optimizer.staffing.roster import roster_frame
from salesflow.optimizer.staffing.stage import StaffingResult, staffing_stage

STAGES = ("forecast", "purchasing", "staffing", "routing")

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` when a stage starts (done = index) and ends."""


@dataclass(frozen=True)
class WeeklyPlan:
    """Everything one weekly run produced."""

    week: str
    week_start: dt.date
    forecast: ForecastResult
    purchasing: PurchasingResult
    staffing: StaffingResult
    routing: RoutingResult
    kpis: dict[str, Any] = field(default_factory=dict)

    def output_tables(self) -> dict[str, pd.DataFrame]:
        """The plan's tables by file name (without extension)."""
        demand = self.forecast.demand.rename(columns={"unique_id": "sku", "ds": "week_start"})
        demand = demand.assign(week_start=demand["week_start"].dt.strftime("%Y-%m-%d"))
        return {
            "forecast": demand,
            "purchase_orders": purchase_orders_frame(self.purchasing.problem,
                                                     self.purchasing.plan),
            "routes": routes_frame(list(self.routing.days)),
            "roster": roster_frame(self.staffing.roster),
        }


def run_weekly(dataset: Dataset, week: str | None = None,
               progress: ProgressCallback | None = None) -> WeeklyPlan:
    """Run the whole weekly cycle on ``dataset`` for ``week`` (``YYYY-Www``).

    Only sales before the week's Monday are used.

    Raises
    ------
    InvalidInputError
        If ``week`` is malformed or there is no sales history before it.
    """
    def step(stage: str) -> None:
        if progress is not None:
            progress(stage, STAGES.index(stage), len(STAGES))

    week_start = dataset.plan_week_start(week)
    history = dataset.history_before(week_start)
    step("forecast")
    forecast = forecast_stage(dataset, history, week_start)
    step("purchasing")
    purchasing = purchasing_stage(dataset, history, forecast.demand, week_start)
    step("staffing")
    arrivals = purchasing.arrival_dates() + [
        d.date() for d in dataset["open_orders"]["arrival_date"]]
    staffing = staffing_stage(dataset, history, forecast.orders_per_day, arrivals, week_start)
    step("routing")
    routing = routing_stage(dataset, week_start)
    if progress is not None:
        progress("done", len(STAGES), len(STAGES))
    plan = WeeklyPlan(iso_week(week_start), week_start, forecast, purchasing, staffing, routing)
    kpis = weekly_kpis(dataset, plan.week, week_start, forecast=forecast,
                       purchasing=purchasing, staffing=staffing, routing=routing)
    return WeeklyPlan(plan.week, week_start, forecast, purchasing, staffing, routing, kpis)

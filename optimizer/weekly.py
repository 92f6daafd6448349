"""The weekly planning cycle: forecast -> purchasing -> staffing -> routing.

Each stage is a function of the dataset and the earlier stages' results; :func:`run_weekly`
composes them and returns every output table plus the KPIs. Nothing here writes files or
prints: progress goes through a callback, storing the plan is the caller's business.

Stage policies today are the baselines (seasonal naive, lot-for-lot, fixed-pattern roster,
nearest-neighbour routes); the optimizing engines replace them stage by stage and the baselines
stay as the "before" of the KPI report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from salesflow.data.config import iso_week
from salesflow.data.dataset import Dataset
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.forecasting.baseline import seasonal_naive_forecast
from salesflow.forecasting.series import daily_orders, weekly_demand
from salesflow.optimizer.kpis import weekly_kpis
from salesflow.optimizer.purchasing.baselines import lot_for_lot
from salesflow.optimizer.purchasing.plan import (
    PlanEvaluation,
    PurchasePlan,
    evaluate_plan,
    purchase_orders_frame,
)
from salesflow.optimizer.purchasing.problem import PurchaseProblem, build_purchase_problem
from salesflow.optimizer.routing.nearest_neighbour import solve_nearest_neighbour
from salesflow.optimizer.routing.problem import (
    RoutingProblem,
    build_day_problem,
    delivery_stops,
)
from salesflow.optimizer.routing.solution import RoutePlan, routes_frame
from salesflow.optimizer.staffing.coverage import coverage, coverage_summary
from salesflow.optimizer.staffing.fixed_pattern import fixed_pattern_roster
from salesflow.optimizer.staffing.requirements import intraday_profile, workload_requirements
from salesflow.optimizer.staffing.roster import Roster, labour_cost, roster_frame

STAGES = ("forecast", "purchasing", "staffing", "routing")

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` when a stage starts (done = index) and ends."""

RECEIVING_SKILL = "receiving"


@dataclass(frozen=True)
class ForecastResult:
    demand: pd.DataFrame          # unique_id (sku), ds, forecast, model, p10, ...
    orders_per_day: pd.Series     # expected distinct orders per day of the plan week


@dataclass(frozen=True)
class PurchasingResult:
    problem: PurchaseProblem
    plan: PurchasePlan
    evaluation: PlanEvaluation


@dataclass(frozen=True)
class StaffingResult:
    requirements: pd.DataFrame
    roster: Roster
    labour_cost: float
    coverage: pd.DataFrame


@dataclass(frozen=True)
class RoutingResult:
    days: tuple[tuple[RoutingProblem, RoutePlan], ...]


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


def _history(dataset: Dataset, week_start: dt.date) -> pd.DataFrame:
    history = dataset.sales[dataset.sales["order_date"] < pd.Timestamp(week_start)]
    if history.empty:
        raise InvalidInputError([Problem(
            dataset.files["sales"], None, "order_date", None,
            f"no sales before the planning week starting {week_start}; "
            f"the history starts {dataset.history_start}")])
    return history


def forecast_stage(dataset: Dataset, history: pd.DataFrame, week_start: dt.date) -> ForecastResult:
    """Seasonal-naive demand per SKU and week, and orders per day of the plan week."""
    config = dataset.config
    series = weekly_demand(history, dataset.skus["sku"].sort_values(), week_start)
    demand = seasonal_naive_forecast(series, config.planning.horizon_weeks,
                                     config.forecast.season_length, "7D",
                                     config.forecast.quantiles)
    orders = daily_orders(history, week_start)
    daily = seasonal_naive_forecast(orders, 7, 7, "D", ())
    orders_per_day = pd.Series(daily["forecast"].to_numpy(), index=daily["ds"].dt.date,
                               name="orders")
    return ForecastResult(demand, orders_per_day)


def purchasing_stage(dataset: Dataset, history: pd.DataFrame, forecast: ForecastResult,
                     week_start: dt.date) -> PurchasingResult:
    """Lot-for-lot purchase lines against the forecast mean, evaluated by the cost formula."""
    demand = forecast.demand.rename(columns={"unique_id": "sku", "ds": "week_start",
                                             "forecast": "quantity"})
    problem = build_purchase_problem(dataset, demand, week_start,
                                     dataset.config.planning.horizon_weeks, history=history)
    plan = lot_for_lot(problem)
    return PurchasingResult(problem, plan, evaluate_plan(problem, plan))


def _receiving_requirements(dataset: Dataset, purchasing: PurchasingResult,
                            days: list[dt.date]) -> pd.DataFrame:
    """Persons on the receiving skill per hour for the purchase lines arriving each day."""
    config = dataset.config.staffing
    arrivals = [line.arrival_date for line in purchasing.plan.lines]
    arrivals += [d.date() for d in dataset["open_orders"]["arrival_date"]]
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


def staffing_stage(dataset: Dataset, history: pd.DataFrame, forecast: ForecastResult,
                   purchasing: PurchasingResult, week_start: dt.date) -> StaffingResult:
    """Requirements from forecast orders and receiving; the fixed-pattern roster."""
    config = dataset.config.staffing
    days = [week_start + dt.timedelta(days=i) for i in range(7)]
    profile = intraday_profile(history, tuple(config.order_hours))
    requirements = workload_requirements(
        forecast.orders_per_day, profile, dataset["process_steps"], config.productivity,
        extra=_receiving_requirements(dataset, purchasing, days))
    roster = fixed_pattern_roster(dataset["employees"], dataset["shifts"], days, requirements)
    return StaffingResult(requirements, roster, labour_cost(roster, dataset["employees"]),
                          coverage(roster, requirements))


def routing_stage(dataset: Dataset, week_start: dt.date) -> RoutingResult:
    """Nearest-neighbour routes for every delivery day of the plan week."""
    days = []
    for day, stops in sorted(delivery_stops(dataset, week_start).items()):
        problem = build_day_problem(dataset, day, stops)
        days.append((problem, solve_nearest_neighbour(problem)))
    return RoutingResult(tuple(days))


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
    history = _history(dataset, week_start)
    step("forecast")
    forecast = forecast_stage(dataset, history, week_start)
    step("purchasing")
    purchasing = purchasing_stage(dataset, history, forecast, week_start)
    step("staffing")
    staffing = staffing_stage(dataset, history, forecast, purchasing, week_start)
    step("routing")
    routing = routing_stage(dataset, week_start)
    if progress is not None:
        progress("done", len(STAGES), len(STAGES))
    plan = WeeklyPlan(iso_week(week_start), week_start, forecast, purchasing, staffing, routing)
    kpis = weekly_kpis(dataset, plan.week, week_start, forecast=forecast.demand,
                       orders_per_day=forecast.orders_per_day,
                       purchasing=(purchasing.problem, purchasing.plan, purchasing.evaluation),
                       staffing=(staffing.roster, staffing.labour_cost,
                                 coverage_summary(staffing.coverage)),
                       routing=list(routing.days))
    return WeeklyPlan(plan.week, week_start, forecast, purchasing, staffing, routing, kpis)

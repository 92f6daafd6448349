"""The weekly planning cycle: forecast -> purchasing -> staffing -> routing.

Each stage is a function of the dataset and the earlier stages' results; :func:`run_weekly`
composes them and returns every output table plus the KPIs. Nothing here writes files or
prints: progress goes through a callback, storing the plan is the caller's business.

Each stage runs its engine (forecasting engine, CP-SAT purchase plan, CP-SAT roster, OR-Tools
routes) and keeps its baseline on the same inputs (seasonal naive, the ERP reorder rules,
fixed-pattern roster, nearest-neighbour routes) as the "before" of the KPI report.

A stage whose tables are absent is skipped (:func:`skipped_stages`): the plan is still made,
the stage's result is ``None`` and its reason, one line, travels with the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.i18n import N_, _
from salesflow.data.outputs.writers import rounded_forecast
from salesflow.forecasting.stage import ForecastResult, forecast_stage
from salesflow.optimizer.context import PlanningContext
from salesflow.optimizer.kpis import weekly_kpis
from salesflow.optimizer.purchasing.builder import purchase_demand
from salesflow.optimizer.purchasing.plan import purchase_orders_frame
from salesflow.optimizer.purchasing.stage import PurchasingResult, purchasing_stage
from salesflow.optimizer.routing.solution import routes_frame
from salesflow.optimizer.routing.stage import RoutingResult, routing_stage
from salesflow.optimizer.staffing.report import advice_figures
from salesflow.optimizer.staffing.roster import Roster, roster_frame
from salesflow.optimizer.staffing.solve import Progress
from salesflow.optimizer.staffing.stage import (
    StaffingResult,
    receiving_arrivals,
    staffing_stage,
    whatif_staffing,
)
from salesflow.optimizer.stage_timing import StageClock, StageTiming
from salesflow.optimizer.tradeoff import pursue_targets

STAGES = ("forecast", "purchasing", "staffing", "routing")
TIMED_STAGES = ("load", *STAGES, "report")
"""The stages a weekly run times (:class:`StageClock`): loading the dataset (the caller's),
the four planning stages, then the KPIs, the plan's files and storing them (``report``)."""
WHAT_IF_LABEL = N_("what-if: capacity for the order-cycle target")

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` when a stage starts (done = index) and ends."""


@dataclass(frozen=True)
class WeeklyPlan:
    """Everything one weekly run produced.

    ``staffing`` and ``routing`` are ``None`` when the stage was skipped; ``skipped`` says
    why, per stage (one line each, as :func:`skipped_stages`).
    """

    week: str
    week_start: dt.date
    forecast: ForecastResult
    purchasing: PurchasingResult
    staffing: StaffingResult | None
    routing: RoutingResult | None
    kpis: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    timings: tuple[StageTiming, ...] = ()
    """The stages finished when the plan was made (``load`` when the caller timed it, then
    the planning stages): what the report's Run section shows."""
    tradeoff: dict[str, Any] | None = None
    """The turnover trade-off traced from this plan's purchases (``weekly --tradeoff``;
    ``Frontier.to_dict``, as ``tradeoff.json``), ``None`` when not asked for."""

    def output_tables(self) -> dict[str, pd.DataFrame]:
        """The plan's tables by file name (without extension); a skipped stage's table has
        its header and no rows, so every plan holds the same files."""
        demand = self.forecast.demand.rename(columns={"unique_id": "sku", "ds": "week_start"})
        demand = demand.assign(week_start=demand["week_start"].dt.strftime("%Y-%m-%d"))
        overrides = self.forecast.overrides
        overrides = overrides.assign(week_start=overrides["week_start"].dt.strftime("%Y-%m-%d"))
        return {
            "forecast": rounded_forecast(demand),
            "forecast_overrides_applied": rounded_forecast(overrides),
            "purchase_orders": purchase_orders_frame(self.purchasing.problem,
                                                     self.purchasing.plan),
            "routes": routes_frame(list(self.routing.days) if self.routing else []),
            "roster": roster_frame(self.staffing.roster if self.staffing
                                   else Roster((), "none")),
        }


StageStep = Callable[[str], None]
"""Told the name of each stage as it starts."""


def timed(clock: StageClock | None, stage: str) -> AbstractContextManager[None]:
    """``clock.stage(stage)``, or nothing to measure without a clock."""
    return clock.stage(stage) if clock is not None else nullcontext()


def forecast_for(dataset: Dataset, context: PlanningContext) -> ForecastResult:
    """The forecasting engine's demand over the context's horizon and orders per day."""
    return forecast_stage(dataset, context.history, context.week_start,
                          horizon=context.horizon_weeks)


def skipped_stages(dataset: Dataset) -> dict[str, str]:
    """Stage -> the one line saying why the weekly cycle skips it on ``dataset``.

    Staffing needs employees and shifts (``"no employees.csv; no shifts.csv: no roster
    planned"``); routing needs customers, depots and vehicles, and customers with coordinates:
    the weekly cycle measures distances from ``lat``/``lon`` (``salesflow routes --matrix``
    takes a distance matrix instead). Stages absent from the result run.
    """
    out: dict[str, str] = {}
    staffing = dataset.stage_skip_reason("staffing")
    if staffing:
        out["staffing"] = _("{reason}: no roster planned").format(reason=staffing)
    routing = dataset.stage_skip_reason("routing")
    if routing:
        out["routing"] = _("{reason}: no routes").format(reason=routing)
    elif dataset["customers"]["lat"].isna().all():
        name = Path(dataset.files["customers"]).name
        out["routing"] = _("no customers with coordinates (lat/lon blank in {file}): no routes "
                           "(salesflow routes --matrix F routes them from a distance matrix)"
                           ).format(file=name)
    return out


def through_staffing(dataset: Dataset, context: PlanningContext,
                     step: StageStep | None = None, roster_progress: Progress | None = None,
                     clock: StageClock | None = None,
                     ) -> tuple[ForecastResult, PurchasingResult, StaffingResult | None]:
    """The first half of the cycle: the forecast, the purchase plan against it, and the
    roster for the forecast orders plus receiving the plan's and the open orders' arrivals
    (``None`` when staffing is skipped, see :func:`skipped_stages`); each stage timed by
    ``clock`` when given."""
    def tell(stage: str) -> None:
        if step is not None:
            step(stage)

    tell("forecast")
    with timed(clock, "forecast"):
        forecast = forecast_for(dataset, context)
    tell("purchasing")
    with timed(clock, "purchasing"):
        purchasing = pursue_targets(dataset.config, context.limits,
                                    purchasing_stage(dataset, context,
                                                     purchase_demand(forecast.demand)))
    if "staffing" in skipped_stages(dataset):
        return forecast, purchasing, None
    tell("staffing")
    with timed(clock, "staffing"):
        arrivals = receiving_arrivals(dataset, purchasing.arrival_dates())
        staffing = staffing_stage(dataset, context, forecast.orders_per_day, arrivals,
                                  progress=roster_progress)
    return forecast, purchasing, staffing


def run_weekly(dataset: Dataset, context: PlanningContext | None = None,
               progress: ProgressCallback | None = None,
               clock: StageClock | None = None) -> WeeklyPlan:
    """Run the whole weekly cycle on ``dataset`` for the context's week (default
    :meth:`PlanningContext.build`: the config's week, else the week after the last sale).

    With a ``clock`` each stage of :data:`TIMED_STAGES` it runs is timed (the KPIs under
    ``report``; the caller times ``load`` and the rest of ``report``); the plan's
    ``timings`` are the stages finished before the KPIs.

    Only sales before the week's Monday are used; every solver call gets
    ``context.limits``. Stages the dataset lacks the tables for are skipped
    (:func:`skipped_stages`); the plan's ``skipped`` and its KPIs say why.

    Raises
    ------
    InvalidInputError
        If there is no sales history before the week, or too little for the horizon.
    """
    context = context or PlanningContext.build(dataset)

    def step(stage: str) -> None:
        if progress is not None:
            progress(stage, STAGES.index(stage), len(STAGES))

    skipped = skipped_stages(dataset)
    forecast, purchasing, staffing = through_staffing(dataset, context, step, clock=clock)
    routing = None
    if "routing" not in skipped:
        step("routing")
        with timed(clock, "routing"):
            routing = routing_stage(dataset, context.week_start, context.limits,
                                    placed_only=True)
    if progress is not None:
        progress("done", len(STAGES), len(STAGES))
    timings = clock.timings if clock is not None else ()
    week_start = context.week_start
    with timed(clock, "report"):
        kpis = weekly_kpis(dataset, context.week, week_start, forecast=forecast,
                           purchasing=purchasing, staffing=staffing, routing=routing,
                           skipped=skipped)
        if staffing is not None and staffing.advice is not None:
            kpis["staffing"]["cycle_target"] = advice_figures(staffing.advice)
    return WeeklyPlan(context.week, week_start, forecast, purchasing, staffing, routing, kpis,
                      skipped, timings)


def meet_targets_plan(dataset: Dataset, context: PlanningContext,
                      plan: WeeklyPlan) -> WeeklyPlan | None:
    """``plan`` as a what-if with the capacity its cycle target needs: the same forecast,
    purchases and routes, the roster with the advised shifts added, KPIs recomputed; its
    ``kpis["what_if"]`` says what was added. ``None`` when the advice adds nothing (target
    met, staffing skipped, or staffing alone cannot meet it)."""
    if plan.staffing is None:
        return None
    staffing = whatif_staffing(dataset, context, plan.forecast.orders_per_day, plan.staffing)
    if staffing is None or staffing.what_if is None:
        return None
    kpis = weekly_kpis(dataset, plan.week, plan.week_start, forecast=plan.forecast,
                       purchasing=plan.purchasing, staffing=staffing, routing=plan.routing,
                       skipped=plan.skipped)
    figures = advice_figures(staffing.what_if)
    assert figures is not None
    kpis["what_if"] = {"label": WHAT_IF_LABEL, **figures}
    return replace(plan, staffing=staffing, kpis=kpis)

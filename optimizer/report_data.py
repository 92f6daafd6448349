"""Assemble the report's data from a weekly plan (the drawing is data.report's job)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.dataset.assumptions import assumption_groups
from salesflow.data.outputs.report import ReportData
from salesflow.data.outputs.report_tradeoff import PROCUREMENT_PARTS
from salesflow.forecasting.series import weekly_demand

if TYPE_CHECKING:
    from salesflow.optimizer.weekly import WeeklyPlan

HISTORY_WEEKS_SHOWN = 26
TOP_SKUS = 6
_NO_COVERAGE = pd.DataFrame(columns=["date", "hour", "skill", "required", "staffed"])


def _top_skus(dataset: Dataset, demand: pd.DataFrame) -> list[tuple[str, str]]:
    volume = demand.groupby("unique_id")["forecast"].sum()
    value = volume * dataset.skus.set_index("sku")["unit_cost"].reindex(volume.index)
    names = dataset.skus.set_index("sku")["name"]
    top = value.sort_values(ascending=False, kind="stable").head(TOP_SKUS).index
    return [(str(sku), str(names.get(sku, ""))) for sku in top]


def _inventory(plan: WeeklyPlan) -> pd.DataFrame:
    problem = plan.purchasing.problem
    unit_cost = np.array([item.unit_cost for item in problem.items])
    rows = []
    value = (np.maximum(plan.purchasing.evaluation.inventory, 0.0) * unit_cost[:, None]).sum(0)
    for week, amount in enumerate(value):
        rows.append({"week": problem.week_date(week).isoformat(),
                     "policy": plan.purchasing.plan.policy, "value": float(amount)})
    return pd.DataFrame(rows, columns=["week", "policy", "value"])


def _stops(plan: WeeklyPlan) -> pd.DataFrame:
    rows = []
    for problem, day_plan in (plan.routing.days if plan.routing else ()):
        where = {s.customer_id: s for s in problem.stops}
        for route in day_plan.routes:
            for sequence, visit in enumerate(route.visits, start=1):
                stop = where[visit.customer_id]
                minutes = round(visit.arrival)
                rows.append({"day": problem.day.isoformat(), "vehicle_id": route.vehicle_id,
                             "depot_id": route.depot_id, "sequence": sequence,
                             "customer_id": stop.customer_id, "name": stop.name,
                             "lat": stop.lat, "lon": stop.lon,
                             "arrival": f"{minutes // 60:02d}:{minutes % 60:02d}"})
    return pd.DataFrame(rows, columns=["day", "vehicle_id", "depot_id", "sequence",
                                       "customer_id", "name", "lat", "lon", "arrival"])


def _supplier_summary(plan: WeeklyPlan) -> pd.DataFrame:
    week_end = plan.week_start + dt.timedelta(days=7)
    lines = [x for x in plan.purchasing.plan.lines if x.order_date < week_end]
    frame = pd.DataFrame({"supplier_id": [x.supplier_id for x in lines],
                          "value": [x.line_cost for x in lines]})
    if frame.empty:
        return pd.DataFrame(columns=["supplier_id", "lines", "value"])
    return (frame.groupby("supplier_id").agg(lines=("value", "size"), value=("value", "sum"))
            .reset_index().sort_values("value", ascending=False))


def _unserved(plan: WeeklyPlan) -> pd.DataFrame:
    days = plan.routing.days if plan.routing else ()
    rows = [{"day": day_plan.day.isoformat(), "customer_id": u.customer_id, "reason": u.reason}
            for _, day_plan in days for u in day_plan.unserved]
    return pd.DataFrame(rows, columns=["day", "customer_id", "reason"])


def _overridden(plan: WeeklyPlan) -> pd.DataFrame:
    """The SKU-weeks whose forecast a planner's override changed: statistical and final."""
    applied = plan.forecast.overrides
    return pd.DataFrame({
        "sku": applied["sku"], "week_start": applied["week_start"].dt.strftime("%Y-%m-%d"),
        "statistical_forecast": applied["statistical_forecast"].round(2),
        "forecast": applied["forecast"].round(2),
        "override": applied["override_by"] + " " + applied["override_target"].astype(str),
        "reason": applied["reason"], "author": applied["author"]})


def report_data(dataset: Dataset, plan: WeeklyPlan, plan_id: int | None = None, *,
                assumptions: pd.DataFrame | None = None) -> ReportData:
    """What the HTML report of ``plan`` shows; ``assumptions`` (the dataset's
    ``assumptions.csv``) are listed grouped by table and column as assumed, not data."""
    kpis = plan.kpis
    demand = plan.forecast.demand
    top = _top_skus(dataset, demand)
    wanted = [sku for sku, _ in top]
    history = weekly_demand(dataset.sales, wanted, plan.week_start)
    cutoff = pd.Timestamp(plan.week_start) - pd.Timedelta(weeks=HISTORY_WEEKS_SHOWN)
    history = history[history["ds"] >= cutoff]
    forecast = demand[demand["unique_id"].isin(wanted)]
    week_costs = kpis.get("week_costs", {})
    account = kpis.get("purchasing", {}).get("account")
    procurement = None
    if account:  # one horizon: the procurement account's parts, not the plan week's
        procurement = {**account, "week_costs": {
            name: {"transport": parts.get("transport"), "labour": parts.get("labour")}
            for name, parts in week_costs.items()}}
        week_costs = {"plan": {p: account["plan"][p] for p in PROCUREMENT_PARTS},
                      f"company's rule ({account['baseline_rule']})":
                          {p: account["baseline"][p] for p in PROCUREMENT_PARTS}}
    targets = [{"kpi": t["kpi"], "baseline": t.get("baseline"), "plan": t.get("value"),
                "target": t.get("target"), "met": t.get("met"), "status": t.get("status"),
                "note": t.get("note", ""), "baseline_why": t.get("baseline_why", "")}
               for t in kpis.get("targets", [])]
    title = f"salesflow plan {plan_id} - week {plan.week}" if plan_id else \
        f"salesflow plan - week {plan.week}"
    return ReportData(
        title=title,
        subtitle=f"Week of {plan.week_start}, data {dataset.root}",
        targets=targets,
        costs=week_costs,
        history=history,
        forecast=forecast,
        top_skus=top,
        inventory=_inventory(plan),
        stops=_stops(plan),
        depots=dataset["depots"][["depot_id", "name", "lat", "lon"]],
        coverage=plan.staffing.coverage if plan.staffing else _NO_COVERAGE,
        tables={"Purchase orders of the week by supplier": _supplier_summary(plan),
                "Unserved deliveries": _unserved(plan),
                "Forecasts overridden by planners": _overridden(plan)},
        skipped=dict(plan.skipped),
        assumed=None if assumptions is None else assumption_groups(assumptions),
        assumed_values=0 if assumptions is None else len(assumptions),
        procurement=procurement,
    )

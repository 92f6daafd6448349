"""Assemble the report's data from a weekly plan (the drawing is data.report's job)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.dataset.assumptions import assumption_groups
from salesflow.data.i18n import _, format_date
from salesflow.data.outputs.report import ReportData
from salesflow.data.outputs.report_tradeoff import PROCUREMENT_PARTS
from salesflow.forecasting.series import week_monday, weekly_demand
from salesflow.optimizer.purchasing.baselines import BaselineRule

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


def _baseline_inventory(plan: WeeklyPlan, rule: BaselineRule) -> np.ndarray:
    """Items × weeks: the company's rule's projected stock on the plan's problem (the same
    rule and evaluation as the procurement account)."""
    result = plan.purchasing
    if rule.is_default and rule.rule in result.baselines:
        return result.baselines[rule.rule][1].inventory
    from salesflow.optimizer.purchasing.baselines import baseline_plan
    from salesflow.optimizer.purchasing.plan import evaluate_plan

    return evaluate_plan(result.problem, baseline_plan(result.problem, rule)).inventory


def _inventory(plan: WeeklyPlan, rule: BaselineRule) -> pd.DataFrame:
    """``week, policy, value``: stock value at each horizon week's end, ``policy`` ``plan``
    and ``baseline`` (the company's rule)."""
    problem = plan.purchasing.problem
    unit_cost = np.array([item.unit_cost for item in problem.items])
    rows = []
    for policy, stock in (("plan", plan.purchasing.evaluation.inventory),
                          ("baseline", _baseline_inventory(plan, rule))):
        value = (np.maximum(stock, 0.0) * unit_cost[:, None]).sum(0) if len(unit_cost) \
            else np.zeros(problem.weeks)
        for week, amount in enumerate(value):
            rows.append({"week": problem.week_date(week).isoformat(), "policy": policy,
                         "value": float(amount)})
    return pd.DataFrame(rows, columns=["week", "policy", "value"])


def _supplier_names(dataset: Dataset) -> pd.Series:
    suppliers = dataset["suppliers"]
    return suppliers.set_index("supplier_id")["name"].astype(str) \
        if "name" in suppliers.columns else pd.Series(dtype=str)


def _suppliers(dataset: Dataset, plan: WeeklyPlan) -> pd.DataFrame:
    """``supplier_id, name, value``: the plan's purchases per supplier over the horizon."""
    lines = plan.purchasing.plan.lines
    frame = pd.DataFrame({"supplier_id": [x.supplier_id for x in lines],
                          "value": [x.line_cost for x in lines]})
    if frame.empty:
        return pd.DataFrame(columns=["supplier_id", "name", "value"])
    out = frame.groupby("supplier_id", sort=True)["value"].sum().reset_index()
    out.insert(1, "name", out["supplier_id"].map(_supplier_names(dataset)).fillna(""))
    return out


def _routes(plan: WeeklyPlan) -> pd.DataFrame:
    """``day, vehicle_id, stops, km`` per vehicle and day."""
    rows = [{"day": problem.day.isoformat(), "vehicle_id": route.vehicle_id,
             "stops": len(route.visits), "km": round(float(route.km), 1)}
            for problem, day_plan in (plan.routing.days if plan.routing else ())
            for route in day_plan.routes]
    return pd.DataFrame(rows, columns=["day", "vehicle_id", "stops", "km"])


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


def _supplier_summary(dataset: Dataset, plan: WeeklyPlan) -> pd.DataFrame:
    week_end = plan.week_start + dt.timedelta(days=7)
    lines = [x for x in plan.purchasing.plan.lines if x.order_date < week_end]
    frame = pd.DataFrame({"supplier_id": [x.supplier_id for x in lines],
                          "value": [x.line_cost for x in lines]})
    if frame.empty:
        return pd.DataFrame(columns=["supplier_id", "name", "lines", "value"])
    out = (frame.groupby("supplier_id").agg(lines=("value", "size"), value=("value", "sum"))
           .reset_index().sort_values("value", ascending=False))
    out.insert(1, "name", out["supplier_id"].map(_supplier_names(dataset)).fillna(""))
    return out


def _unserved(plan: WeeklyPlan) -> pd.DataFrame:
    days = plan.routing.days if plan.routing else ()
    rows = [{"day": format_date(day_plan.day), "customer_id": u.customer_id,
             "reason": _(u.reason)}  # the routing stage's reasons are marked with N_
            for _problem, day_plan in days for u in day_plan.unserved]
    return pd.DataFrame(rows, columns=["day", "customer_id", "reason"])


def _overridden(plan: WeeklyPlan) -> pd.DataFrame:
    """The SKU-weeks whose forecast a planner's override changed: statistical and final."""
    applied = plan.forecast.overrides
    return pd.DataFrame({
        "sku": applied["sku"],
        "week_start": [format_date(pd.Timestamp(d).date()) for d in applied["week_start"]],
        "statistical_forecast": applied["statistical_forecast"].round(2),
        "forecast": applied["forecast"].round(2),
        "override": applied["override_by"] + " " + applied["override_target"].astype(str),
        "reason": applied["reason"], "author": applied["author"]})


def recent_history(sales: pd.DataFrame, skus: list[str], end: dt.date) -> pd.DataFrame:
    """:func:`~salesflow.forecasting.series.weekly_demand` of ``skus`` (unique) before ``end``
    (a Monday), its weeks of the last :data:`HISTORY_WEEKS_SHOWN` only: the same rows and
    values, from the lines of those weeks alone (weekly_demand of the whole table reads every
    line's SKU: 9 s of xlarge's report for 27M lines), set on the grid of the whole table's
    weeks (from the first week with a sale) and zero-filled."""
    end_ts = pd.Timestamp(end)
    cutoff = end_ts - pd.Timedelta(weeks=HISTORY_WEEKS_SHOWN)
    dates = sales["order_date"]
    before = (dates < end_ts).to_numpy()
    if not before.any():
        return weekly_demand(sales, skus, end)  # no week at all: the empty table
    first = week_monday(pd.Series([dates[before].min()])).iloc[0]
    weeks = pd.date_range(first, end_ts - pd.Timedelta(days=7), freq="7D", name="ds")
    weeks = weeks[weeks >= cutoff]
    lines = sales.loc[before & (dates >= cutoff).to_numpy(), ["order_date", "sku", "quantity"]]
    found = weekly_demand(lines, skus, end) if len(lines) else None
    grid = pd.DataFrame({"unique_id": pd.Index(list(skus), name="unique_id").repeat(len(weeks)),
                         "ds": np.tile(weeks.values, len(skus))})
    if found is None:
        return grid.assign(y=0.0)
    y = found.set_index(["unique_id", "ds"])["y"]
    keys = pd.MultiIndex.from_frame(grid)
    return grid.assign(y=y.reindex(keys, fill_value=0.0).to_numpy(dtype=np.float64))


def report_data(dataset: Dataset, plan: WeeklyPlan, plan_id: int | None = None, *,
                assumptions: pd.DataFrame | None = None) -> ReportData:
    """What the HTML report of ``plan`` shows; ``assumptions`` (the dataset's
    ``assumptions.csv``) are listed grouped by table and column as assumed, not data."""
    kpis = plan.kpis
    demand = plan.forecast.demand
    top = _top_skus(dataset, demand)
    wanted = [sku for sku, _ in top]
    history = recent_history(dataset.sales, wanted, plan.week_start)
    forecast = demand[demand["unique_id"].isin(wanted)]
    week_costs = kpis.get("week_costs", {})
    account = kpis.get("purchasing", {}).get("account")
    procurement = None
    if account:  # one horizon: the procurement account's parts, not the plan week's
        procurement = {**account, "week_costs": {
            name: {"transport": parts.get("transport"), "labour": parts.get("labour")}
            for name, parts in week_costs.items()}}
        week_costs = {"plan": {p: account["plan"][p] for p in PROCUREMENT_PARTS},
                      "baseline": {p: account["baseline"][p] for p in PROCUREMENT_PARTS}}
    targets = [{**t, "plan": t.get("value")} for t in kpis.get("targets", [])]
    title = _("salesflow plan {plan_id}, week {week}").format(plan_id=plan_id, week=plan.week) \
        if plan_id else _("salesflow plan, week {week}").format(week=plan.week)
    rule = BaselineRule.from_config(dataset.config.baseline)
    return ReportData(
        title=title,
        subtitle=_("Week of {date}; data in {folder}").format(
            date=format_date(plan.week_start), folder=dataset.root),
        targets=targets,
        costs=week_costs,
        history=history,
        forecast=forecast,
        top_skus=top,
        inventory=_inventory(plan, rule),
        suppliers=_suppliers(dataset, plan),
        stops=_stops(plan),
        routes=_routes(plan),
        depots=dataset["depots"][["depot_id", "name", "lat", "lon"]],
        coverage=plan.staffing.coverage if plan.staffing else _NO_COVERAGE,
        tables={"suppliers": _supplier_summary(dataset, plan), "unserved": _unserved(plan),
                "overridden": _overridden(plan)},
        baseline_rule=rule.describe(),
        skipped=dict(plan.skipped),
        assumed=None if assumptions is None else assumption_groups(assumptions),
        assumed_values=0 if assumptions is None else len(assumptions),
        procurement=procurement,
        run=tuple(timing.to_dict() for timing in plan.timings),
        tradeoff=plan.tradeoff,
    )

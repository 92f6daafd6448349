"""The plan's KPIs (DESIGN §7), computed from the stages' results, independent of the solvers.

Only KPIs that the current stages can measure are reported; each target row says the value,
the target from ``config.toml`` and whether it is met.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.optimizer.purchasing.plan import PlanEvaluation, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.routing.problem import RoutingProblem
from salesflow.optimizer.routing.solution import RoutePlan
from salesflow.optimizer.staffing.roster import Roster


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def forecast_kpis(forecast: pd.DataFrame, orders_per_day: pd.Series) -> dict[str, Any]:
    first_week = forecast["ds"].min()
    return {
        "skus": int(forecast["unique_id"].nunique()),
        "horizon_weeks": int(forecast["ds"].nunique()),
        "units_plan_week": _round(forecast.loc[forecast["ds"] == first_week, "forecast"].sum()),
        "units_horizon": _round(forecast["forecast"].sum()),
        "orders_plan_week": _round(orders_per_day.sum(), 1),
        "models": {str(k): int(v) for k, v in
                   forecast.drop_duplicates("unique_id")["model"].value_counts().items()},
    }


def purchasing_kpis(problem: PurchaseProblem, plan: PurchasePlan,
                    evaluation: PlanEvaluation) -> dict[str, Any]:
    first_week_end = problem.week_date(1)
    this_week = [line for line in plan.lines if line.order_date < first_week_end]
    demand = problem.demand.sum(axis=1)
    levels = np.array([item.service_level for item in problem.items])
    target_fill = float((levels * demand).sum() / demand.sum()) if demand.sum() > 0 else None
    return {
        "policy": plan.policy,
        "lines": len(plan.lines),
        "lines_this_week": len(this_week),
        "supplier_orders_this_week": len({(x.supplier_id, x.order_date) for x in this_week}),
        "value_this_week": _round(sum(x.line_cost for x in this_week)),
        "cost": evaluation.to_dict(),
        "target_fill_rate": _round(target_fill, 4),
    }


def staffing_kpis(roster: Roster, cost: float, summary: dict[str, float]) -> dict[str, Any]:
    return {
        "policy": roster.policy,
        "shifts": len(roster.assignments),
        "employees_rostered": len({a.employee_id for a in roster.assignments}),
        "paid_hours": _round(sum(a.paid_hours for a in roster.assignments), 1),
        "labour_cost": _round(cost),
        **{k: _round(v, 4) for k, v in summary.items()},
    }


def routing_kpis(days: list[tuple[RoutingProblem, RoutePlan]]) -> dict[str, Any]:
    per_day = []
    totals = {"fixed": 0.0, "distance": 0.0, "time": 0.0, "total": 0.0}
    stops = served = on_time = orders = delivered = 0
    km = 0.0
    for problem, plan in days:
        cost = plan.cost_breakdown(problem)
        day_on_time, day_orders = plan.on_time_counts(problem)
        day_km = sum(route.km for route in plan.routes)
        per_day.append({"day": problem.day.isoformat(), "stops": len(problem.stops),
                        "served": plan.served_count, "unserved": len(plan.unserved),
                        "vehicles": len(plan.routes), "km": _round(day_km, 1),
                        "cost": _round(cost["total"])})
        for key in totals:
            totals[key] += cost[key]
        stops += len(problem.stops)
        served += plan.served_count
        on_time += day_on_time
        orders += day_orders
        delivered += plan.served_orders(problem)
        km += day_km
    policy = days[0][1].policy if days else "none"
    return {
        "policy": policy,
        "days": per_day,
        "stops": stops,
        "served": served,
        "unserved": stops - served,
        "orders": orders,
        "orders_delivered": delivered,
        "km": _round(km, 1),
        "cost": {k: _round(v) for k, v in totals.items()},
        "on_time_rate": _round(on_time / orders, 4) if orders else None,
        "cost_per_order": _round(totals["total"] / delivered) if delivered else None,
    }


def _plan_week_costs(problem: PurchaseProblem, plan: PurchasePlan,
                     evaluation: PlanEvaluation) -> dict[str, float]:
    """Costs that fall in the plan week (orders placed, stock held and short at its end)."""
    week_end = problem.week_date(1)
    lines = [x for x in plan.lines if x.order_date < week_end]
    orders = {(x.supplier_id, x.order_date) for x in lines}
    ordering = sum(problem.suppliers[s].order_cost for s, _ in orders)
    stock = evaluation.inventory[:, 0] if problem.weeks else np.zeros(len(problem.items))
    rate = np.array([item.holding_cost_per_week for item in problem.items])
    return {"purchase": float(sum(x.line_cost for x in lines)),
            "ordering": float(ordering),
            "holding": float((np.maximum(stock, 0.0) * rate).sum()),
            "shortage": float(np.maximum(-stock, 0.0).sum() * problem.shortage_penalty),
            "skus_short": int((stock < 0).sum())}


def _target(kpi: str, value: float | None, target: float | None, higher_is_better: bool,
            note: str) -> dict[str, Any]:
    met = None
    if value is not None and target is not None:
        met = value >= target if higher_is_better else value <= target
    return {"kpi": kpi, "value": value, "target": target, "met": met, "note": note}


def weekly_kpis(dataset: Dataset, week: str, week_start: dt.date, *, forecast: pd.DataFrame,
                orders_per_day: pd.Series,
                purchasing: tuple[PurchaseProblem, PurchasePlan, PlanEvaluation],
                staffing: tuple[Roster, float, dict[str, float]],
                routing: list[tuple[RoutingProblem, RoutePlan]]) -> dict[str, Any]:
    """The ``kpis.json`` of a weekly plan."""
    targets = dataset.config.targets
    purchase = purchasing_kpis(*purchasing)
    staff = staffing_kpis(*staffing)
    routes = routing_kpis(routing)
    orders = orders_per_day.sum()
    week_one = _plan_week_costs(*purchasing)
    operating = ((staff["labour_cost"] or 0.0) + (routes["cost"]["total"] or 0.0)
                 + week_one["ordering"] + week_one["holding"])
    return {
        "week": week,
        "week_start": week_start.isoformat(),
        "data_fingerprint": dataset.fingerprint,
        "forecast": forecast_kpis(forecast, orders_per_day),
        "purchasing": purchase,
        "staffing": staff,
        "routing": routes,
        "week_costs": {"plan": {
            "purchase": _round(week_one["purchase"]), "ordering": _round(week_one["ordering"]),
            "holding": _round(week_one["holding"]), "shortage": _round(week_one["shortage"]),
            "transport": routes["cost"]["total"], "labour": staff["labour_cost"]}},
        "unit_order_operating_cost": _round(operating / orders) if orders > 0 else None,
        "unit_order_operating_cost_note": "plan week's labour + route cost + ordering cost of "
                                          "the week's supplier orders + week-1 holding cost, "
                                          "per forecast order",
        "skus_short_end_of_week_1": week_one["skus_short"],
        "targets": [
            _target("inventory_turnover_per_month",
                    purchase["cost"]["inventory_turnover_per_month"],
                    targets.inventory_turnover_per_month, True,
                    "projected over the horizon: cost of goods sold / average stock value"),
            _target("on_time_delivery_rate", routes["on_time_rate"],
                    targets.on_time_delivery_rate, True,
                    "planned orders delivered inside their window / orders to deliver"),
            _target("fill_rate", purchase["cost"]["fill_rate"], purchase["target_fill_rate"],
                    True, "projected demand met from stock / demand, vs the demand-weighted "
                    "service level"),
        ],
    }

"""The plan's KPIs (DESIGN §7), computed from the stages' results, independent of the solvers.

Each target row says the baselines' value on the same inputs, the plan's value, the target
from ``config.toml`` and whether the plan meets it (``status``: met, missed, "not planned:
<why>" when the stage it measures was skipped for lack of its tables, or "not meaningful
(<why>)" when the figure cannot mean anything: no orders or no demand forecast), and why a
value cannot be computed (a roster that never clears the queue), never a bare n/a.

The procurement figures (cost change, turnover, fill rate) come from the one accounting,
:func:`~salesflow.optimizer.accounting.procurement_account`, against the company's rule in
``config.toml`` ``[baseline]``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.forecasting.stage import ForecastResult
from salesflow.optimizer.accounting import (
    NO_DEMAND,
    NO_ORDERS,
    NO_STOCK,
    ProcurementAccount,
    account_of,
)
from salesflow.optimizer.purchasing.baselines import BaselineRule
from salesflow.optimizer.purchasing.plan import PlanEvaluation, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.stage import PurchasingResult
from salesflow.optimizer.routing.problem import RoutingProblem, Stop
from salesflow.optimizer.routing.solution import RoutePlan
from salesflow.optimizer.routing.stage import RoutingResult
from salesflow.optimizer.staffing.coverage import coverage_summary
from salesflow.optimizer.staffing.cycle import CycleTime
from salesflow.optimizer.staffing.roster import Roster
from salesflow.optimizer.staffing.stage import StaffingResult

NO_CYCLE = "not computed (no cycle measured)"
NO_DELIVERIES = "not meaningful (no orders to deliver)"


def _round(value: float | None, digits: int = 2) -> float | None:
    """Rounded for the report; ``None`` for a missing or non-finite value (JSON has no inf)."""
    if value is None or not np.isfinite(float(value)):
        return None
    return round(float(value), digits)


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


def routing_kpis(days: list[tuple[RoutingProblem, RoutePlan]],
                 unplaced: dict[dt.date, tuple[Stop, ...]] | None = None) -> dict[str, Any]:
    """The week's route figures; ``unplaced`` stops (customers without coordinates, left out
    of each day's problem and listed unserved) count as stops and orders not delivered."""
    unplaced = unplaced or {}
    per_day = []
    totals = {"fixed": 0.0, "distance": 0.0, "time": 0.0, "total": 0.0}
    stops = served = on_time = orders = delivered = 0
    km = 0.0
    for problem, plan in days:
        cost = plan.cost_breakdown(problem)
        day_on_time, day_orders = plan.on_time_counts(problem)
        missing = unplaced.get(problem.day, ())
        day_orders += sum(s.orders for s in missing)
        day_stops = len(problem.stops) + len(missing)
        day_km = sum(route.km for route in plan.routes)
        per_day.append({"day": problem.day.isoformat(), "stops": day_stops,
                        "served": plan.served_count, "unserved": len(plan.unserved),
                        "vehicles": len(plan.routes), "km": _round(day_km, 1),
                        "cost": _round(cost["total"])})
        if missing:
            per_day[-1]["without_coordinates"] = len(missing)
        for key in totals:
            totals[key] += cost[key]
        stops += day_stops
        served += plan.served_count
        on_time += day_on_time
        orders += day_orders
        delivered += plan.served_orders(problem)
        km += day_km
    policy = days[0][1].policy if days else "none"
    out: dict[str, Any] = {}
    if unplaced:
        out["without_coordinates"] = sum(len(v) for v in unplaced.values())
    return {
        **out,
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
    ordering = math.fsum(problem.suppliers[s].order_cost for s, _ in orders)
    stock = evaluation.inventory[:, 0] if problem.weeks else np.zeros(len(problem.items))
    rate = np.array([item.holding_cost_per_week for item in problem.items])
    return {"purchase": float(sum(x.line_cost for x in lines)),
            "ordering": float(ordering),
            "holding": float((np.maximum(stock, 0.0) * rate).sum()),
            "shortage": float(np.maximum(-stock, 0.0).sum() * problem.shortage_penalty),
            "skus_short": int((stock < 0).sum())}


def _target(kpi: str, baseline: float | None, value: float | None, target: float | None,
            higher_is_better: bool, note: str, not_planned: str | None = None,
            without: str = "", why: str = "", not_meaningful: str = "",
            baseline_why: str = "", note_params: dict[str, Any] | None = None,
            why_params: dict[str, Any] | None = None) -> dict[str, Any]:
    """One target row. ``not_planned`` (why the stage measured was skipped) makes it a row
    with no values and the status "not planned: <why>", never met; ``not_meaningful`` (e.g.
    :data:`~salesflow.optimizer.accounting.NO_ORDERS`) a row with no value and that status;
    ``why`` is the status of a value that cannot be computed (never a bare n/a);
    ``without`` names the parts a value leaves out (``"met (without labour)"``);
    ``baseline_why`` says why the baseline has no value (shown in its place).

    Besides the English ``status`` and ``note`` (kept as they are for scripts), the row
    carries ``status_code`` and ``status_params`` (:data:`STATUS_CODES`) and ``note_params``:
    the figures a report or terminal in another language words the status and note from."""
    if not_planned:
        return {"kpi": kpi, "baseline": None, "value": None, "target": target, "met": None,
                "status": f"not planned: {not_planned}", "note": note,
                "status_code": "not_planned", "status_params": {"why": not_planned},
                "note_params": note_params or {}}
    if not_meaningful:
        code, params = reason_code(not_meaningful)
        return {"kpi": kpi, "baseline": None, "value": None, "target": target, "met": None,
                "status": not_meaningful, "note": note, "status_code": code,
                "status_params": params, "note_params": note_params or {}}
    met = None
    if value is not None and target is not None:
        met = value >= target if higher_is_better else value <= target
    status = {True: "met", False: "missed",
              None: why or ("no target" if target is None else "not computed")}[met]
    code, params = ("met", {}) if met else ("missed", {}) if met is False \
        else reason_code(status, why_params)
    if without and met is not None:
        status += f" (without {without}: not planned)"
        params = {"without": without.split(" and ")}
    row = {"kpi": kpi, "baseline": baseline, "value": value, "target": target, "met": met,
           "status": status, "note": note, "status_code": code, "status_params": params,
           "note_params": note_params or {}}
    if baseline is None and baseline_why:
        row["baseline_why"] = baseline_why
    return row


STATUS_CODES = (
    "met", "missed", "not_planned", "no_orders", "no_demand", "no_deliveries", "no_stock",
    "baseline_costs_nothing", "queue_never_clears", "no_cycle", "no_target", "not_computed")
"""The ``status_code`` of a target row: met or missed (``status_params`` ``without``: the
parts left out because their stage was not planned), not planned (``why``), or why the value
is missing: no orders / demand / deliveries forecast, the plan holds no stock, the baseline
costs nothing (``net_cost``), the roster never clears the queue (``orders``, ``step``), no
cycle measured, no target, not computed."""

_REASONS = {NO_ORDERS: "no_orders", NO_DEMAND: "no_demand", NO_STOCK: "no_stock",
            NO_DELIVERIES: "no_deliveries", "no target": "no_target",
            "not computed": "not_computed", NO_CYCLE: "no_cycle"}


def reason_code(text: str, params: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The stable code of a reason text this module or the accounting writes (with its
    figures); ``("not_computed", {"text": text})`` for any other."""
    figures = {k: v for k, v in (params or {}).items() if k != "code"}
    if text in _REASONS:
        return _REASONS[text], figures
    if params is not None:
        return params.get("code", "not_computed"), figures
    return "not_computed", {"text": text}


def _cycle_days(cycle: CycleTime | None) -> float | None:
    if cycle is None or not np.isfinite(cycle.mean_hours):
        return None
    return _round(cycle.mean_hours / 24, 3)


def cycle_why_params(cycle: CycleTime | None) -> dict[str, Any] | None:
    """The code and figures of :func:`cycle_why` (``None`` when the cycle has a value)."""
    if cycle is None:
        return {"code": "no_cycle"}
    if np.isfinite(cycle.mean_hours):
        return None
    return {"code": "queue_never_clears", "orders": float(cycle.unfinished_orders),
            "step": cycle.bottleneck_step or ""}


def cycle_why(cycle: CycleTime | None, roster: str) -> str:
    """Why a cycle has no value: ``roster`` ("the roster", "the fixed roster") never clears
    the queue (orders still unfinished two weeks after the plan week)."""
    if cycle is None:
        return NO_CYCLE
    if np.isfinite(cycle.mean_hours):
        return ""
    where = f" at {cycle.bottleneck_step}" if cycle.bottleneck_step else ""
    return (f"{roster} never clears the queue: cycle > 14 days "
            f"({cycle.unfinished_orders:,.0f} orders still waiting{where} two weeks after "
            "the plan week)")


def _operating_cost(labour: float | None, transport: float | None,
                    week_one: dict[str, float], orders: float) -> float | None:
    if orders <= 0:
        return None
    return _round(((labour or 0.0) + (transport or 0.0) + week_one["ordering"]
                   + week_one["holding"]) / orders)


def _unplaced(routing: RoutingResult) -> dict[dt.date, tuple[Stop, ...]]:
    return dict(routing.unplaced)


def baseline_kpis(purchasing: PurchasingResult, staffing: StaffingResult | None,
                  routing: RoutingResult | None,
                  account: ProcurementAccount | None = None) -> dict[str, Any]:
    """The same measures for the stages' baselines on the same inputs; missing parts (and
    skipped stages, ``None``) are ``None``.

    The purchasing baseline is the company's rule (``config.toml`` ``[baseline]``, by
    ``account``; default min/max), the same in every week, with the cheapest rule of the
    week beside it. Staffing: the fixed-pattern roster; routing: nearest-neighbour routes.
    """
    out: dict[str, Any] = {"purchasing": None, "staffing": None, "routing": None,
                           "week_one": None, "cycle_days": None, "cycle_why": "",
                           "cycle_why_params": None}
    account = account or account_of(purchasing, BaselineRule())
    rule = account.baseline_rule
    if rule.is_default and rule.rule in purchasing.baselines:
        plan, evaluation = purchasing.baselines[rule.rule]
    else:
        from salesflow.optimizer.purchasing.baselines import baseline_plan
        from salesflow.optimizer.purchasing.plan import evaluate_plan

        plan = baseline_plan(purchasing.problem, rule)
        evaluation = evaluate_plan(purchasing.problem, plan)
    figures = account.baseline.to_dict()
    out["purchasing"] = {**figures, "policy": rule.rule, "rule": rule.describe(),
                         "cost": evaluation.to_dict(),
                         "cheapest_rule_of_the_week":
                             account.to_dict()["cheapest_rule_of_the_week"],
                         "all": {n: e.to_dict() for n, (_, e) in purchasing.baselines.items()}}
    out["week_one"] = _plan_week_costs(purchasing.problem, plan, evaluation)
    if staffing is not None and staffing.plan is not None:
        out["staffing"] = {"policy": staffing.plan.baseline.policy,
                           "labour_cost": _round(staffing.plan.baseline_cost.labour),
                           "cost": {k: _round(v) for k, v in
                                    staffing.plan.baseline_cost.to_dict().items()}}
        out["cycle_days"] = _cycle_days(staffing.baseline_cycle)
        out["cycle_why"] = cycle_why(staffing.baseline_cycle, "the fixed roster")
        out["cycle_why_params"] = cycle_why_params(staffing.baseline_cycle)
    if routing is not None and routing.baseline:
        out["routing"] = routing_kpis(list(routing.baseline), _unplaced(routing))
    return out


def _cheapest_note(account: ProcurementAccount) -> str:
    """"; cheapest rule of the week: eoq_reorder_point (plan +1.2 % against it)" when another
    rule than the company's was cheaper this week."""
    cheapest = account.cheapest
    if cheapest is None or (cheapest.policy == account.baseline.policy
                            and account.baseline_rule.is_default):
        return ""
    change = account.change_vs(cheapest)
    versus = "" if change is None else f" (plan {change:+.2%} against it)"
    return f"; cheapest rule of the week: {cheapest.policy}{versus}"


def _cheapest_params(account: ProcurementAccount) -> dict[str, Any] | None:
    """The figures of :func:`_cheapest_note`: ``policy`` and the plan's ``change`` against it
    (``None`` when the note is empty)."""
    if not _cheapest_note(account):
        return None
    assert account.cheapest is not None
    change = account.change_vs(account.cheapest)
    return {"policy": account.cheapest.policy,
            "change": None if change is None else round(change, 4)}


def _change_why_params(account: ProcurementAccount) -> dict[str, Any] | None:
    """The code and figures of the procurement cost change's why (``None``: no why, or a
    text :func:`reason_code` knows)."""
    why = account.change_why
    if not why or why == NO_DEMAND:
        return None
    return {"code": "baseline_costs_nothing", "net_cost": round(account.baseline.net_cost, 2)}


def _week_costs(week_one: dict[str, float], transport: float | None, labour: float | None,
                base: dict[str, Any], skipped: dict[str, str],
                ) -> dict[str, dict[str, float | None]]:
    """The plan week's cost parts, for the plan and (when every stage planned has one) the
    baselines; a skipped stage's part is ``None`` on both."""
    def parts(week: dict[str, float], transport: float | None,
              staff: float | None) -> dict[str, float | None]:
        return {"purchase": _round(week["purchase"]), "ordering": _round(week["ordering"]),
                "holding": _round(week["holding"]), "shortage": _round(week["shortage"]),
                "transport": transport, "labour": staff}

    out = {"plan": parts(week_one, transport, labour)}
    if _baseline_complete(base, skipped):
        out["baseline"] = parts(base["week_one"],
                                None if "routing" in skipped else base["routing"]["cost"]["total"],
                                None if "staffing" in skipped
                                else base["staffing"]["labour_cost"])
    return out


def _baseline_complete(base: dict[str, Any], skipped: dict[str, str]) -> bool:
    """Whether the baselines have every cost part the plan has (skipped stages have none)."""
    return (base["week_one"] is not None
            and ("routing" in skipped or bool(base["routing"]))
            and ("staffing" in skipped or base["staffing"] is not None))


def _left_out(skipped: dict[str, str]) -> str:
    """What a unit cost leaves out because a stage was skipped ("" when nothing)."""
    parts = [f"{what} left out ({skipped[stage]})" for stage, what in
             (("staffing", "labour"), ("routing", "logistics")) if stage in skipped]
    return "; ".join(parts)


def weekly_kpis(dataset: Dataset, week: str, week_start: dt.date, *, forecast: ForecastResult,
                purchasing: PurchasingResult, staffing: StaffingResult | None,
                routing: RoutingResult | None,
                skipped: dict[str, str] | None = None) -> dict[str, Any]:
    """The ``kpis.json`` of a weekly plan: each stage's figures, the baselines' figures on the
    same inputs, and the manual's targets as baseline | plan | target | status.

    A skipped stage (``staffing`` or ``routing`` ``None``, its reason in ``skipped``) has
    ``{"not_planned": reason}`` as its figures; the targets it measures (order cycle for
    staffing; on-time delivery and logistics cost per order for routing) have the status
    "not planned: <reason>". The unit order operating cost is then computed from the parts
    planned, for the plan and the baselines alike, and its note says what is left out.
    """
    skipped = dict(skipped or {})
    if staffing is None:
        skipped.setdefault("staffing", "not planned")
    if routing is None:
        skipped.setdefault("routing", "not planned")
    targets = dataset.config.targets
    account = account_of(purchasing, BaselineRule.from_config(dataset.config.baseline))
    purchase = purchasing_kpis(purchasing.problem, purchasing.plan, purchasing.evaluation)
    purchase["net_cost"] = account.plan.to_dict()["net_cost"]
    purchase["account"] = account.to_dict()
    if purchasing.solution is not None:
        purchase["solver"] = {k: getattr(purchasing.solution, k) for k in
                              ("status", "objective", "bound", "gap")
                              if hasattr(purchasing.solution, k)}
        purchase["solver"]["status"] = str(purchasing.solution.status)
    staff: dict[str, Any] = {"not_planned": skipped.get("staffing")}
    labour: float | None = None
    if staffing is not None:
        staff = staffing_kpis(staffing.roster, staffing.labour_cost,
                              coverage_summary(staffing.coverage))
        labour = staff["labour_cost"]
        if staffing.plan is not None:
            solution = staffing.plan.solution
            staff["solver"] = {"status": str(solution.status),
                               "objective": _round(solution.objective),
                               "bound": _round(solution.bound),
                               "gap": _round(solution.gap, 4),
                               "stop_reason": solution.stop_reason}
        staff["cycle_days"] = _cycle_days(staffing.cycle)
        staff["bottleneck_step"] = staffing.cycle.bottleneck_step if staffing.cycle else None
    routes: dict[str, Any] = {"not_planned": skipped.get("routing")}
    transport: float | None = None
    if routing is not None:
        routes = routing_kpis(list(routing.days), _unplaced(routing))
        routes["solver"] = [{"day": problem.day.isoformat(), "status": str(solve.status),
                             "objective": _round(solve.objective),
                             "bound": _round(solve.bound), "gap": _round(solve.gap, 4),
                             "stop_reason": solve.stop_reason, "strategy": solve.strategy}
                            for (problem, _), solve in zip(routing.days, routing.solves,
                                                           strict=True)]
        transport = routes["cost"]["total"]
    base = baseline_kpis(purchasing, staffing, routing, account)
    orders = float(forecast.orders_per_day.sum())
    no_orders = NO_ORDERS if orders <= 0 else ""
    deliveries = routes.get("orders") if routing is not None else None
    no_deliveries = NO_DELIVERIES if deliveries == 0 else ""
    week_one = _plan_week_costs(purchasing.problem, purchasing.plan, purchasing.evaluation)
    operating = _operating_cost(labour, transport, week_one, orders)
    base_operating = None
    if _baseline_complete(base, skipped):
        base_operating = _operating_cost(
            None if staffing is None else base["staffing"]["labour_cost"],
            None if routing is None else base["routing"]["cost"]["total"],
            base["week_one"], orders)
    bp, br = base["purchasing"], base["routing"]
    cycle = staff.get("cycle_days")
    left_out = _left_out(skipped)
    operating_note = ("plan week's labour + route cost + ordering cost of the week's supplier "
                      "orders + week-1 holding cost, per forecast order")
    if left_out:
        operating_note += f"; {left_out}, for the plan and the baselines alike"
    return {
        "week": week,
        "week_start": week_start.isoformat(),
        "data_fingerprint": dataset.fingerprint,
        "forecast": {**forecast_kpis(forecast.demand, forecast.orders_per_day),
                     "policy": forecast.policy},
        "purchasing": purchase,
        "staffing": staff,
        "routing": routes,
        "skipped": skipped,
        "baselines": {"purchasing": bp, "staffing": base["staffing"], "routing": br,
                      "cycle_days": base["cycle_days"],
                      "unit_order_operating_cost": base_operating},
        "week_costs": _week_costs(week_one, transport, labour, base, skipped),
        "unit_order_operating_cost": operating,
        "unit_order_operating_cost_note": operating_note,
        "skus_short_end_of_week_1": week_one["skus_short"],
        "targets": [
            _target("procurement_cost_change", 0.0, None if account.change is None
                    else round(account.change, 4),
                    targets.procurement_cost_change, False,
                    f"plan's purchase + ordering + holding + shortage cost over the "
                    f"{account.horizon_weeks}-week horizon, net of the change in stock value, "
                    f"vs the company's rule ({account.baseline_rule.describe()}, config.toml "
                    "[baseline]) on the same forecast"
                    + (f", which breaks {bp['rules_broken']} hard rules"
                       if bp and bp["rules_broken"] else "")
                    + _cheapest_note(account), why=account.change_why,
                    why_params=_change_why_params(account),
                    note_params={"weeks": account.horizon_weeks,
                                 "rule": account.baseline_rule.describe(),
                                 "rules_broken": bp["rules_broken"] if bp else 0,
                                 "cheapest": _cheapest_params(account)}),
            _target("inventory_turnover_per_month", _round(account.baseline.turnover_per_month, 3),
                    _round(account.plan.turnover_per_month, 3),
                    targets.inventory_turnover_per_month, True,
                    f"projected over the {account.horizon_weeks}-week horizon: cost of goods "
                    "sold / average stock value / months",
                    why=account.plan.why.get("inventory_turnover_per_month", ""),
                    note_params={"weeks": account.horizon_weeks}),
            _target("order_cycle_days", base["cycle_days"], cycle, targets.order_cycle_days,
                    False, "mean hours from order to shipped under the roster / 24"
                    + (f"; bottleneck: {staff['bottleneck_step']}"
                       if staff.get("bottleneck_step") else "")
                    + (f"; baseline: {base['cycle_why']}" if base["cycle_why"] else ""),
                    not_planned=skipped.get("staffing"), not_meaningful=no_orders,
                    why=cycle_why(staffing.cycle if staffing else None, "the roster"),
                    why_params=cycle_why_params(staffing.cycle if staffing else None),
                    baseline_why="> 14 days" if base["cycle_why"] else "",
                    note_params={"bottleneck": staff.get("bottleneck_step"),
                                 "baseline": base.get("cycle_why_params")}),
            _target("on_time_delivery_rate", br["on_time_rate"] if br else None,
                    routes.get("on_time_rate"), targets.on_time_delivery_rate, True,
                    "planned orders delivered inside their window / orders to deliver",
                    not_planned=skipped.get("routing"), not_meaningful=no_deliveries),
            _target("logistics_cost_per_order", br["cost_per_order"] if br else None,
                    routes.get("cost_per_order"), br["cost_per_order"] if br else None, False,
                    "route cost / orders delivered; target: below the nearest-neighbour "
                    "baseline", not_planned=skipped.get("routing"),
                    not_meaningful=no_deliveries),
            _target("unit_order_operating_cost", base_operating, operating, base_operating,
                    False, "(labour + logistics + ordering + holding) / orders; target: below "
                    "the baselines" + (f"; {left_out}" if left_out else ""),
                    without=" and ".join(what for stage, what in
                                         (("staffing", "labour"), ("routing", "logistics"))
                                         if stage in skipped), not_meaningful=no_orders,
                    note_params={"left_out": [[what, skipped[stage]] for stage, what in
                                              (("staffing", "labour"), ("routing", "logistics"))
                                              if stage in skipped]}),
            _target("fill_rate", _round(account.baseline.fill_rate, 4),
                    _round(account.plan.fill_rate, 4), purchase["target_fill_rate"], True,
                    f"projected demand met from stock / demand over the "
                    f"{account.horizon_weeks}-week horizon, vs the demand-weighted service "
                    "level", why=account.plan.why.get("fill_rate", ""),
                    note_params={"weeks": account.horizon_weeks}),
        ],
    }

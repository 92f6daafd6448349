"""The terminal summary of a plan's KPIs (``weekly``, ``plans show``): one line per stage and
the table of the seven targets."""

from __future__ import annotations

from typing import Any


def _or_dash(value: Any) -> Any:
    """``-`` for a figure a plan does not have (a stage not planned)."""
    return "-" if value is None else value


def target_status(target: dict[str, Any]) -> str:
    """A target row's status: met, missed, "not planned: <why>" (its stage was skipped) or
    n/a (no value, e.g. no orders to deliver)."""
    if target.get("status"):
        return str(target["status"])
    return {True: "met", False: "missed", None: "n/a"}[target["met"]]


def _account_line(account: dict[str, Any] | None) -> list[str]:
    """The one accounting's procurement figures (as in kpis.json, purchase and the report)."""
    if not account:
        return []
    change = account["procurement_cost_change"]
    plan = account["plan"]
    turnover, fill = plan["inventory_turnover_per_month"], plan["fill_rate"]
    return [f"  procurement net {plan['net_cost']:,.2f} over {account['horizon_weeks']} weeks "
            f"(stock change {plan['stock_change']:+,.2f}) vs the company's rule "
            f"{account['baseline_rule']} {account['baseline']['net_cost']:,.2f}: "
            + (f"{change:+.2%}" if change is not None
               else account["procurement_cost_change_why"])
            + f"; turnover {'-' if turnover is None else f'{turnover:.3f}'}/month, fill rate "
            f"{'-' if fill is None else f'{fill:.2%}'}"]


def _kpi_lines(kpis: dict[str, Any]) -> list[str]:
    purchase, routes, staff = kpis["purchasing"], kpis["routing"], kpis["staffing"]
    cost = purchase["cost"]
    staff_line = (f"  staffing    skipped: {staff['not_planned']}" if "not_planned" in staff else
                  f"  staffing    {staff['shifts']} shifts, {staff['employees_rostered']} people, "
                  f"labour {staff['labour_cost']:,.2f}, coverage {staff['coverage_rate']:.1%}")
    route_line = (f"  routing     skipped: {routes['not_planned']}" if "not_planned" in routes else
                  f"  routing     {routes['served']}/{routes['stops']} stops served on "
                  f"{len(routes['days'])} days, {routes['km']:,} km, cost "
                  f"{routes['cost']['total']:,.2f}"
                  + (f"; {routes['without_coordinates']} stops without coordinates unserved"
                     if routes.get("without_coordinates") else ""))
    what_if = kpis.get("what_if")
    lines = [f"  WHAT-IF     {what_if['label']}: {what_if['sentence']}"] if what_if else []
    lines += [
        f"  forecast    {kpis['forecast']['skus']} SKUs x {kpis['forecast']['horizon_weeks']} "
        f"weeks, {kpis['forecast']['units_plan_week']:,} units and "
        f"{kpis['forecast']['orders_plan_week']:,} orders in the plan week",
        f"  purchasing  {purchase['lines_this_week']} lines to order this week "
        f"({purchase['value_this_week']:,.2f}); horizon cost {cost['total']:,.2f} = purchase "
        f"{cost['purchase']:,.2f} + ordering {cost['ordering']:,.2f} + holding "
        f"{cost['holding']:,.2f} + shortage {cost['shortage']:,.2f}",
        *_account_line(purchase.get("account")),
        staff_line,
        route_line,
    ]
    advice = staff.get("cycle_target")
    if advice:
        lines.append(f"  cycle       {advice['sentence']}")
    assumed = kpis.get("assumed")
    if assumed:
        lines.append(f"  assumed     {assumed['values']:,} values assumed (see assumptions.csv)")
    lines += [
        "",
        "  | KPI | baseline | plan | target | status |",
        "  | --- | --- | --- | --- | --- |",
    ]

    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3g}"

    for target in kpis["targets"]:
        status = target_status(target)
        if status.startswith(("not planned", "not meaningful")):
            goal = "-" if target["target"] is None else show(target["target"])
            lines.append(f"  | {target['kpi']} | - | - | {goal} | {status} |")
            continue
        lines.append(f"  | {target['kpi']} | "
                     f"{target.get('baseline_why') or show(target.get('baseline'))} | "
                     f"{show(target['value'])} | {show(target['target'])} | {status} |")
    return lines

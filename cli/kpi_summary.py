"""The terminal summary of a plan's KPIs (``weekly``, ``plans show``): one line per stage and
the table of the seven targets, in the reader's language, with the same names, units and
statuses as the report (:mod:`salesflow.data.outputs.kpi_text`)."""

from __future__ import annotations

from typing import Any

from salesflow.data.i18n import _, format_number, format_percent
from salesflow.data.outputs.kpi_text import (
    TARGET_HEADERS,
    baseline_rule_named,
    kpi_cells,
    status_text,
)
from salesflow.data.outputs.report_staffing import advice_text


def _or_dash(value: Any) -> Any:
    """``-`` for a figure a plan does not have (a stage not planned)."""
    return "-" if value is None else value


def target_status(target: dict[str, Any]) -> str:
    """A target row's status in words: met, missed, "not planned because <why>" (its stage
    was skipped) or why its value is missing."""
    return status_text(target)


def _money(value: float | None) -> str:
    return "—" if value is None else format_number(value, 2)


def _account_line(account: dict[str, Any] | None) -> list[str]:
    """The one accounting's procurement figures (as in kpis.json, purchase and the report)."""
    if not account:
        return []
    change = account["procurement_cost_change"]
    plan = account["plan"]
    turnover, fill = plan["inventory_turnover_per_month"], plan["fill_rate"]
    said = format_percent(change, 2, signed=True) if change is not None \
        else account["procurement_cost_change_why"]
    return ["  " + _(
        "procurement net {net} over {weeks} weeks (stock value change {stock}) vs {rule} "
        "{baseline}: {change}; turnover {turnover} times per month, fill rate {fill}").format(
        net=_money(plan["net_cost"]), weeks=account["horizon_weeks"],
        stock=("+" if plan["stock_change"] > 0 else "") + _money(plan["stock_change"]),
        rule=baseline_rule_named(account["baseline_rule"]),
        baseline=_money(account["baseline"]["net_cost"]), change=said,
        turnover="—" if turnover is None else format_number(turnover, 3),
        fill="—" if fill is None else format_percent(fill, 2))]


def _stage_lines(kpis: dict[str, Any]) -> list[str]:
    purchase, routes, staff = kpis["purchasing"], kpis["routing"], kpis["staffing"]
    cost, forecast = purchase["cost"], kpis["forecast"]
    lines = [
        "  " + _("forecast    {skus} SKUs × {weeks} weeks, {units} units and {orders} orders "
                 "in the plan week").format(
            skus=format_number(forecast["skus"]), weeks=forecast["horizon_weeks"],
            units=format_number(forecast["units_plan_week"], 1),
            orders=format_number(forecast["orders_plan_week"], 1)),
        "  " + _("purchasing  {lines} lines to order this week ({value}); horizon cost "
                 "{total} = purchase {purchase} + ordering {ordering} + holding {holding} + "
                 "shortage {shortage}").format(
            lines=format_number(purchase["lines_this_week"]),
            value=_money(purchase["value_this_week"]), total=_money(cost["total"]),
            purchase=_money(cost["purchase"]), ordering=_money(cost["ordering"]),
            holding=_money(cost["holding"]), shortage=_money(cost["shortage"])),
        *_account_line(purchase.get("account")),
    ]
    if "not_planned" in staff:
        lines.append("  " + _("staffing    skipped: {why}").format(
            why=staff["not_planned"]))
    else:
        lines.append("  " + _("staffing    {shifts} shifts, {people} people, labour {labour}, "
                              "coverage {coverage}").format(
            shifts=format_number(staff["shifts"]), people=format_number(
                staff["employees_rostered"]), labour=_money(staff["labour_cost"]),
            coverage=format_percent(staff["coverage_rate"], 1)))
    if "not_planned" in routes:
        lines.append("  " + _("routing     skipped: {why}").format(
            why=routes["not_planned"]))
    else:
        line = _("routing     {served}/{stops} stops served on {days} days, {km} km, cost "
                 "{cost}").format(served=format_number(routes["served"]),
                                  stops=format_number(routes["stops"]),
                                  days=len(routes["days"]), km=format_number(routes["km"], 1),
                                  cost=_money(routes["cost"]["total"]))
        if routes.get("without_coordinates"):
            line += _("; {count} stops without coordinates unserved").format(
                count=format_number(routes["without_coordinates"]))
        lines.append("  " + line)
    return lines


def _kpi_lines(kpis: dict[str, Any]) -> list[str]:
    what_if = kpis.get("what_if")
    lines = ["  " + _("WHAT-IF     {label}: {advice}").format(
        label=_(what_if["label"]), advice=advice_text(what_if))] if what_if else []
    lines += _stage_lines(kpis)
    advice = kpis["staffing"].get("cycle_target")
    if advice:
        lines.append("  " + _("cycle       {advice}").format(advice=advice_text(advice)))
    assumed = kpis.get("assumed")
    if assumed:
        lines.append("  " + _("assumed     {count} values assumed (see assumptions.csv)").format(
            count=format_number(assumed["values"])))
    heads = [_(h) for h in TARGET_HEADERS[:5]]
    lines += ["", "  | " + " | ".join(heads) + " |", "  | --- | --- | --- | --- | --- |"]
    for target in kpis["targets"]:
        lines.append("  | " + " | ".join(kpi_cells(target)[:5]) + " |")
    return lines

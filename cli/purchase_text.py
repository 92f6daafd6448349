"""The human summary of ``salesflow purchase``, in the reader's language: the week's orders
per supplier with totals, the solve in words with its objective explained, and the plan
beside the company's rule over the horizon (one accounting, see ``optimizer/accounting``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from salesflow.data.i18n import _, format_date, format_number, format_percent, ngettext
from salesflow.data.outputs.kpi_text import rule_label
from salesflow.optimizer.purchasing.checks import constraint_label
from salesflow.optimizer.purchasing.workbook import policy_label


def _money(value: float | None) -> str:
    return "—" if value is None else format_number(value, 2)


def _date(text: str) -> str:
    return format_date(dt.date.fromisoformat(text))


def _who(row: dict[str, Any]) -> str:
    """``SKU A12 (Blue mug), supplier S1 (Acme)`` for an issue row."""
    parts = []
    if row.get("sku"):
        parts.append(_("SKU {sku}").format(sku=_named(row["sku"], row.get("sku_name"))))
    if row.get("supplier_id"):
        parts.append(_("supplier {supplier}").format(
            supplier=_named(row["supplier_id"], row.get("supplier_name"))))
    return ", ".join(parts)


def _named(code: str, name: str | None) -> str:
    return _("{name} ({id})").format(name=name, id=code) if name else code


def _orders(summary: dict[str, Any]) -> None:
    orders = summary["purchase_orders"]
    if not orders:
        click.echo("\n  " + _("Purchase orders this week: none."))
        return
    click.echo("\n  " + _("Purchase orders this week, one per supplier:"))
    header = [_("supplier"), _("order date"), _("delivery date"), _("lines"), _("quantity"),
              _("value"), _("minimum order value surcharge"), _("total")]
    click.echo("  | " + " | ".join(header) + " |")
    click.echo("  | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for order in orders:
        click.echo(f"  | {_named(order['supplier_id'], order['supplier_name'])} | "
                   f"{_date(order['order_date'])} | {_date(order['delivery_date'])} | "
                   f"{format_number(order['lines'])} | {format_number(order['quantity'])} | "
                   f"{_money(order['value'])} | {_money(order['surcharge'])} | "
                   f"{_money(order['total'])} |")
    total = sum(o["total"] for o in orders)
    everyone = _("all suppliers")
    click.echo(f"  | {everyone} | | | "
               f"{format_number(sum(o['lines'] for o in orders))} | "
               f"{format_number(sum(o['quantity'] for o in orders))} | "
               f"{_money(sum(o['value'] for o in orders))} | "
               f"{_money(sum(o['surcharge'] for o in orders))} | {_money(total)} |")


def _solver(summary: dict[str, Any]) -> None:
    solve = summary["solve"]
    if not solve:
        return
    click.echo("\n  " + _("Solver: {status} ({seconds} s).").format(
        status=solve["status_text"], seconds=format_number(solve["runtime_s"], 1)))
    click.echo("  " + solve["objective_text"])
    if solve["plan_adjusted_after_solve"]:
        click.echo("  " + _("The plan was adjusted after the solve for the turnover target "
                            "(config.toml [targets] turnover_mode); the figures are the "
                            "adjusted plan's."))


def _horizon(summary: dict[str, Any]) -> None:
    account = summary["accounting"]
    click.echo("\n  " + _("Over the {weeks}-week horizon, net of the change in stock value "
                          "(company's rule: {rule}, config.toml [baseline]):").format(
        weeks=summary["weeks"], rule=rule_label(summary["baseline"])))
    header = [_("policy"), _("purchase"), _("ordering"), _("holding"), _("shortage"),
              _("cost"), _("stock value change"), _("net cost"), _("plan's change"),
              _("turnover per month"), _("fill rate")]
    click.echo("  | " + " | ".join(header) + " |")
    click.echo("  | --- |" + " ---: |" * (len(header) - 1))
    rows = [(policy_label("optimized"), account["plan"], None, True),
            (_("{policy} (company's rule)").format(
                policy=policy_label(account["baseline"]["policy"])), account["baseline"],
             account["procurement_cost_change"], False)]
    plan_net = account["plan"]["net_cost"]
    cheapest = account["cheapest_rule_of_the_week"]
    for name, cost in account["rules"].items():
        if name == account["baseline"]["policy"] and \
                summary["baseline"] == account["baseline"]["policy"]:
            continue
        change = None if cost["net_cost"] <= 0 else \
            (plan_net - cost["net_cost"]) / cost["net_cost"]
        label = policy_label(name)
        if cheapest and cheapest["policy"] == name:
            label = _("{policy} (cheapest rule this week)").format(policy=label)
        rows.append((label, cost, change, False))
    for label, cost, change, own in rows:
        if cost.get("rules_broken"):
            label += " " + ngettext("(breaks {count} limit)", "(breaks {count} limits)",
                                    cost["rules_broken"]).format(count=cost["rules_broken"])
        turnover, fill = cost["inventory_turnover_per_month"], cost["fill_rate"]
        click.echo(f"  | {label} | {_money(cost['purchase'])} | {_money(cost['ordering'])} | "
                   f"{_money(cost['holding'])} | {_money(cost['shortage'])} | "
                   f"{_money(cost['cost'])} | {_signed(cost['stock_change'])} | "
                   f"{_money(cost['net_cost'])} | "
                   f"{'' if own or change is None else format_percent(change, 2, signed=True)}"
                   f" | {'—' if turnover is None else format_number(turnover, 2)} | "
                   f"{'—' if fill is None else format_percent(fill, 1)} |")
    plan = account["plan"]
    click.echo("  " + _("cost = purchase + ordering + holding + shortage; net cost = cost − "
                        "stock value change ({cost} − {change} = {net}).").format(
        cost=_money(plan["cost"]), change=_money(plan["stock_change"]) if
        plan["stock_change"] >= 0 else f"({_money(plan['stock_change'])})",
        net=_money(plan["net_cost"])))
    click.echo("  " + _("This week's orders ({value}) are the first of the horizon's purchases "
                        "({purchase} over {weeks} weeks).").format(
        value=_money(summary["value_this_week"]), purchase=_money(plan["purchase"]),
        weeks=summary["weeks"]))


def _signed(value: float) -> str:
    text = format_number(value, 2)
    return "+" + text if value > 0 else text


def print_summary(summary: dict[str, Any], folder: Path | None) -> None:
    """The human summary of ``summary`` (the --json payload)."""
    click.echo(ngettext(
        "Purchase plan for the {weeks} weeks from {start}: {lines} line to order this week "
        "({value}), {total} over the horizon.",
        "Purchase plan for the {weeks} weeks from {start}: {lines} lines to order this week "
        "({value}), {total} over the horizon.", summary["lines_this_week"]).format(
        weeks=summary["weeks"], start=_date(summary["week_start"]),
        lines=format_number(summary["lines_this_week"]),
        value=_money(summary["value_this_week"]), total=format_number(summary["lines"])))
    _orders(summary)
    _solver(summary)
    _horizon(summary)
    if summary["procurement_cost_change"] is not None:
        met = _("met") if summary["target_met"] else _("missed")
        click.echo("\n  " + _("Procurement cost change vs the company's rule ({rule}): {change} "
                              "(target {target}: {met})").format(
            rule=rule_label(summary["baseline"]),
            change=format_percent(summary["procurement_cost_change"], 2, signed=True),
            target=format_percent(summary["target"], 0, signed=True), met=met))
    else:
        click.echo("\n  " + _("Procurement cost change: {why}").format(
            why=summary["procurement_cost_change_why"]))
    for item in summary["infeasibilities"]:
        click.echo("  " + _("Cannot be met: {rule} (week of {week}, {who}): {detail}").format(
            rule=constraint_label(item["constraint"]), week=_date(item["week"]), who=_who(item),
            detail=item["detail"]))
    for v in summary["violations"][:20]:
        who = _(" ({who})").format(who=_who(v)) if _who(v) else ""
        click.echo("  " + _("The plan breaks the {rule} in the week of {week}{who}: {amount} "
                            "against a limit of {limit}, priced {cost}").format(
            rule=constraint_label(v["constraint"]), week=_date(v["week"]),
            who=who, amount=format_number(v["amount"], 2),
            limit=format_number(v["limit"], 2), cost=_money(v["cost"])))
    if folder is not None:
        click.echo("\n" + _("Files in {folder}: purchase_orders.csv, supplier_summary.csv, "
                            "purchase_comparison.csv, purchase_issues.csv, "
                            "purchase_plan.xlsx").format(folder=folder))

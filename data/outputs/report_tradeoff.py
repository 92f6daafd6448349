"""Report sections of the one procurement accounting and of the turnover trade-off.

* :func:`procurement_section`: the plan's procurement cost over the horizon against the
  company's rule, by the same figures as ``kpis.json`` (cost parts, stock change, net cost,
  change, turnover, fill rate), and the plan week's labour and transport apart (a week-1
  chart beside a horizon KPI reads like a saving that is not there).
* :func:`tradeoff_section` / :func:`tradeoff_page`: the frontier of ``salesflow tradeoff``,
  net cost and fill rate against turnover, the manual's target and the chosen plan marked.

Everything drawn is computed before (the ``to_dict`` of the account and of the frontier).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd

from salesflow.data.i18n import N_, _, format_date, format_number, format_percent, language_tag
from salesflow.data.outputs.kpi_text import baseline_rule_named, rule_label
from salesflow.data.outputs.report import COST_LABELS, STYLE, _table, none_note
from salesflow.data.outputs.report_charts import (
    PALETTE,
    _figure,
    _svg,
    grouped_bars,
    quiet_glyphs,
)

PROCUREMENT_PARTS = ("purchase", "ordering", "holding", "shortage")


def _money(value: float | None) -> str:
    return "—" if value is None else format_number(value, 2)


def _pct(value: float | None, signed: bool = False) -> str:
    return "—" if value is None else format_percent(value, 2, signed=signed)


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else format_number(value, digits)


def procurement_chart(account: dict[str, Any]) -> str:
    """Bars of each procurement part over the horizon and the net cost, plan and company's
    rule side by side, on a linear scale."""
    columns = [*PROCUREMENT_PARTS, "stock_change", "net_cost"]
    series = {_("plan"): [account["plan"][c] for c in columns],
              rule_label(account["baseline_rule"]): [account["baseline"][c] for c in columns]}
    return grouped_bars([_(COST_LABELS[c]) for c in columns], series,
                        _("over {weeks} weeks").format(weeks=account["horizon_weeks"]))


def procurement_section(account: dict[str, Any],
                        week_costs: dict[str, dict[str, Any]] | None = None,
                        why: str = "") -> str:
    """The sentence, chart and table of the procurement account (one horizon), then the plan
    week's labour and transport; ``why`` words why the change has no value (the target row's
    status, :func:`~salesflow.data.outputs.kpi_text.status_text`)."""
    change = account["procurement_cost_change"]
    plan, base = account["plan"], account["baseline"]
    said = _pct(change, signed=True) if change is not None else \
        (why or account.get("procurement_cost_change_why") or _("not computed"))
    lead = _("Over the {weeks} weeks from {date}, net of the change in stock value: plan "
             "{plan}, {rule} {baseline}: procurement cost change {change}; inventory turnover "
             "{turnover} times per month; fill rate {fill}.").format(
        weeks=account["horizon_weeks"],
        date=format_date(dt.date.fromisoformat(account["week_start"])),
        plan=_money(plan["net_cost"]), rule=baseline_rule_named(account["baseline_rule"]),
        baseline=_money(base["net_cost"]), change=said,
        turnover=_number(plan["inventory_turnover_per_month"]), fill=_pct(plan["fill_rate"]))
    out = f"<p>{html.escape(lead)}</p>"
    cheapest = account.get("cheapest_rule_of_the_week")
    if cheapest and cheapest["policy"] != base["policy"]:
        note = _("Cheapest rule of the week: {rule}, net {net} (plan {change} against it); "
                 "shown for reference, the baseline stays the company's rule.").format(
            rule=rule_label(cheapest["policy"]), net=_money(cheapest["net_cost"]),
            change=_pct(cheapest["plan_change"], signed=True))
        out += f"<p class='note'>{html.escape(note)}</p>"
    columns = [*PROCUREMENT_PARTS, "cost", "stock_change", "net_cost",
               "inventory_turnover_per_month", "fill_rate", "supplier_orders", "lines"]
    headers = {**{c: _(COST_LABELS[c]) for c in COST_LABELS},
               "inventory_turnover_per_month": _("turnover per month"),
               "fill_rate": _("fill rate"), "supplier_orders": _("supplier orders"),
               "lines": _("lines"), "policy": _("policy")}
    rows = []
    for name, figures in ((_("plan"), plan), (rule_label(account["baseline_rule"]), base)):
        row = {headers["policy"]: name}
        for c in columns:
            value = figures[c]
            row[headers[c]] = _pct(value) if c == "fill_rate" else \
                _number(value, 3) if c == "inventory_turnover_per_month" else value
        rows.append(row)
    out += procurement_chart(account) + _table(pd.DataFrame(rows))
    if week_costs:
        week = pd.DataFrame([{headers["policy"]: _("plan") if name == "plan" else
                              rule_label(account["baseline_rule"]) if name == "baseline"
                              else name,
                              _("transport"): parts.get("transport"),
                              _("labour"): parts.get("labour")}
                             for name, parts in week_costs.items()])
        note = _("Plan week only (not part of the procurement horizon above): transport and "
                 "labour.")
        out += f"<p class='note'>{html.escape(note)}</p>" + _table(week)
    return out


def frontier_chart(frontier: dict[str, Any]) -> str:
    """Net cost (left axis) and fill rate (right axis) against turnover; the target turnover
    as a vertical line, the chosen plan ringed."""
    from matplotlib.ticker import FuncFormatter

    points = frontier["points"]
    fig, ax = _figure(7.5, 3.4)
    xs = [p["turnover_per_month"] or 0.0 for p in points]
    ax.plot(xs, [p["net_cost"] for p in points], marker="o", color=PALETTE[0],
            label=_("net cost over the horizon"))
    ax.set_xlabel(_("inventory turnover, times per month"))
    ax.set_ylabel(_("net procurement cost"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    ax.axvline(frontier["target_turnover"], color=PALETTE[3], linestyle="--",
               label=_("target {turnover}").format(
                   turnover=format_number(frontier["target_turnover"], 1)))
    chosen = points[frontier["chosen"]]
    ax.scatter([chosen["turnover_per_month"] or 0.0], [chosen["net_cost"]], s=160,
               facecolors="none", edgecolors=PALETTE[2], linewidths=2,
               label=_("chosen plan"), zorder=3)
    twin = ax.twinx()
    twin.plot(xs, [(p["fill_rate"] or 0.0) for p in points], marker="s",
              color=PALETTE[1], label=_("fill rate"))
    twin.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_percent(v, 1)))
    twin.set_ylabel(_("fill rate"))
    lines, labels = ax.get_legend_handles_labels()
    more, more_labels = twin.get_legend_handles_labels()
    ax.legend(lines + more, labels + more_labels, fontsize=7, loc="best")
    return _svg(fig)


def tradeoff_sentence(frontier: dict[str, Any]) -> str:
    """What the target turnover costs, in words (the frontier's own sentence when no point
    reaches the target: it names the conflict)."""
    k = frontier.get("target_point")
    if k is None:
        return str(frontier["sentence"])
    point, today = frontier["points"][k], frontier["points"][0]
    return _("Turnover {turnover} costs {change} against today's plan ({difference} net over "
             "{weeks} weeks): price breaks given up {given_up}, extra orders {orders}; fill "
             "rate {fill}.").format(
        turnover=format_number(frontier["target_turnover"], 1),
        change=_pct(point["change_vs_today"] or 0.0, signed=True),
        difference=("+" if point["net_cost"] > today["net_cost"] else "")
        + format_number(point["net_cost"] - today["net_cost"], 2),
        weeks=frontier["horizon_weeks"], given_up=format_number(point["price_breaks_given_up"], 2),
        orders=("+" if point["extra_orders"] > 0 else "") + format_number(point["extra_orders"]),
        fill=_pct(point["fill_rate"]))


LABELS = {"today's plan": N_("today's plan"), "chosen": N_("chosen"), "target": N_("target")}


def _label(text: str) -> str:
    return _(", ").join(_(LABELS[part]) if part in LABELS else part
                        for part in str(text).split(", ") if part)


def tradeoff_section(frontier: dict[str, Any]) -> str:
    """The frontier's sentence, conflicts, chart and table."""
    out = f"<p>{html.escape(tradeoff_sentence(frontier))}</p>"
    for conflict in frontier["conflicts"]:
        text = _("Targets in conflict: {conflict}").format(conflict=conflict)
        out += f"<p class='note'>{html.escape(text)}</p>"
    if not frontier["points"]:
        return out + none_note(_("none: no plan on the frontier"))
    frame = pd.DataFrame(frontier["points"])
    table = pd.DataFrame({
        "#": frame["point"],
        _("label"): [_label(v) for v in frame["label"]],
        _("turnover per month"): [_number(v) for v in frame["turnover_per_month"]],
        _("fill rate"): [_pct(v) for v in frame["fill_rate"]],
        _("net cost"): frame["net_cost"],
        _("vs today"): [_pct(v, signed=True) for v in frame["change_vs_today"]],
        _("vs baseline"): [_pct(v, signed=True) for v in frame["change_vs_baseline"]],
        _("price breaks given up"): frame["price_breaks_given_up"],
        _("extra orders"): frame["extra_orders"],
        _("average stock value"): frame["average_stock_value"],
        _("keeps every rule"): frame["feasible"]})
    return out + frontier_chart(frontier) + _table(table)


def tradeoff_page(frontier: dict[str, Any], title: str) -> str:
    """A self-contained HTML page of the frontier (no scripts, no remote assets)."""
    with quiet_glyphs():
        section = tradeoff_section(frontier)
    sub = _("Week of {date}, {weeks}-week horizon, baseline {rule}").format(
        date=format_date(dt.date.fromisoformat(frontier["week_start"])),
        weeks=frontier["horizon_weeks"], rule=baseline_rule_named(frontier["baseline"]))
    return (f"<!DOCTYPE html><html lang='{language_tag()}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class='sub'>{html.escape(sub)}</p>"
            f"<section><h2>{html.escape(_('Turnover trade-off'))}</h2>"
            f"{section}</section></body></html>\n")

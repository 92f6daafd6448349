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

import html
from typing import Any

import pandas as pd

from salesflow.data.outputs.report import PALETTE, STYLE, _figure, _svg, _table

PROCUREMENT_PARTS = ("purchase", "ordering", "holding", "shortage")


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def procurement_chart(account: dict[str, Any]) -> str:
    """Bars of each procurement part over the horizon and the net cost, plan and company's
    rule side by side."""
    fig, ax = _figure(7.5, 3.2)
    columns = [*PROCUREMENT_PARTS, "stock_change", "net_cost"]
    shown = {"plan": account["plan"],
             f"company's rule ({account['baseline_rule']})": account["baseline"]}
    width = 0.8 / len(shown)
    for k, (name, figures) in enumerate(shown.items()):
        xs = [i + k * width for i in range(len(columns))]
        ax.bar(xs, [figures[c] for c in columns], width, label=name, color=PALETTE[k])
    ax.set_xticks([i + width / 2 for i in range(len(columns))],
                  [c.replace("_", " ") for c in columns])
    ax.set_yscale("symlog")
    ax.set_ylabel(f"over {account['horizon_weeks']} weeks")
    ax.legend()
    return _svg(fig)


def procurement_section(account: dict[str, Any],
                        week_costs: dict[str, dict[str, Any]] | None = None) -> str:
    """The sentence, chart and table of the procurement account (one horizon), then the plan
    week's labour and transport."""
    change = account["procurement_cost_change"]
    plan, base = account["plan"], account["baseline"]
    said = (f"{change:+.2%}" if change is not None
            else account.get("procurement_cost_change_why", "not computed"))
    turnover = plan["inventory_turnover_per_month"]
    fill = plan["fill_rate"]
    lead = (f"<p>Over the {account['horizon_weeks']} weeks from {account['week_start']}, net "
            f"of the change in stock value: plan {_money(plan['net_cost'])}, company's rule "
            f"({html.escape(account['baseline_rule'])}, config.toml [baseline]) "
            f"{_money(base['net_cost'])}: procurement cost change {html.escape(said)}; "
            f"turnover {'-' if turnover is None else f'{turnover:.3f}'} per month; fill rate "
            f"{'-' if fill is None else f'{fill:.2%}'}.</p>")
    cheapest = account.get("cheapest_rule_of_the_week")
    if cheapest and cheapest["policy"] != base["policy"]:
        versus = "" if cheapest["plan_change"] is None else \
            f" (plan {cheapest['plan_change']:+.2%} against it)"
        lead += (f"<p class='note'>Cheapest rule of the week: "
                 f"{html.escape(cheapest['policy'])}, net {_money(cheapest['net_cost'])}"
                 f"{html.escape(versus)}; shown for reference, the baseline stays the "
                 "company's rule.</p>")
    columns = [*PROCUREMENT_PARTS, "cost", "stock_change", "net_cost",
               "inventory_turnover_per_month", "fill_rate", "supplier_orders", "lines"]
    rows = [{"policy": "plan", **{c: plan[c] for c in columns}},
            {"policy": f"company's rule: {account['baseline_rule']}",
             **{c: base[c] for c in columns}}]
    out = lead + procurement_chart(account) + _table(pd.DataFrame(rows))
    if week_costs:
        week = pd.DataFrame([{"policy": name, "transport": parts.get("transport"),
                              "labour": parts.get("labour")}
                             for name, parts in week_costs.items()])
        out += ("<p class='note'>Plan week only (not part of the procurement horizon above): "
                "transport and labour.</p>" + _table(week))
    return out


def frontier_chart(frontier: dict[str, Any]) -> str:
    """Net cost (left axis) and fill rate (right axis) against turnover; the target turnover
    as a vertical line, the chosen plan ringed."""
    points = frontier["points"]
    fig, ax = _figure(7.5, 3.4)
    xs = [p["turnover_per_month"] or 0.0 for p in points]
    ax.plot(xs, [p["net_cost"] for p in points], marker="o", color=PALETTE[0],
            label="net cost over the horizon")
    ax.set_xlabel("inventory turnover per month")
    ax.set_ylabel("net procurement cost")
    ax.axvline(frontier["target_turnover"], color=PALETTE[3], linestyle="--",
               label=f"target {frontier['target_turnover']:g}")
    chosen = points[frontier["chosen"]]
    ax.scatter([chosen["turnover_per_month"] or 0.0], [chosen["net_cost"]], s=160,
               facecolors="none", edgecolors=PALETTE[2], linewidths=2, label="chosen plan",
               zorder=3)
    twin = ax.twinx()
    twin.plot(xs, [(p["fill_rate"] or 0.0) * 100 for p in points], marker="s",
              color=PALETTE[1], label="fill rate %")
    twin.set_ylabel("fill rate %")
    lines, labels = ax.get_legend_handles_labels()
    more, more_labels = twin.get_legend_handles_labels()
    ax.legend(lines + more, labels + more_labels, fontsize=7, loc="best")
    return _svg(fig)


def tradeoff_section(frontier: dict[str, Any]) -> str:
    """The frontier's sentence, conflicts, chart and table."""
    out = f"<p>{html.escape(frontier['sentence'])}</p>"
    for conflict in frontier["conflicts"]:
        out += f"<p class='note'>Targets in conflict: {html.escape(conflict)}</p>"
    table = pd.DataFrame(frontier["points"])[
        ["point", "label", "turnover_per_month", "fill_rate", "net_cost", "change_vs_today",
         "change_vs_baseline", "price_breaks_given_up", "extra_orders",
         "average_stock_value", "price_per_value_week", "feasible"]]
    return out + frontier_chart(frontier) + _table(table)


def tradeoff_page(frontier: dict[str, Any], title: str) -> str:
    """A self-contained HTML page of the frontier (no scripts, no remote assets)."""
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class='sub'>Week of "
            f"{html.escape(frontier['week_start'])}, {frontier['horizon_weeks']}-week horizon, "
            f"baseline {html.escape(frontier['baseline'])}</p><section><h2>Turnover trade-off"
            f"</h2>{tradeoff_section(frontier)}</section></body></html>\n")

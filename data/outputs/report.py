"""The plan report: one self-contained HTML page (no remote assets, no scripts), in the
reader's language (``<html lang>`` from :func:`~salesflow.data.i18n.language_tag`).

It reads in a minute: the seven KPIs named in words with their units, baseline | plan | target
| status, the baseline rule named; then the cost over the KPIs' horizon, where the money goes
(a Pareto by supplier), projected stock for plan and baseline, labelled route thumbnails and
staffing. Every section without content says so in words. Charts are drawn with matplotlib
into inline SVG (:mod:`~salesflow.data.outputs.report_charts`); every name from the data is
escaped (matplotlib escapes SVG text; the HTML around it goes through :func:`html.escape`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from salesflow.data.i18n import N_, _, format_number, language_tag, ngettext
from salesflow.data.i18n.terms import kpi_label
from salesflow.data.outputs.kpi_text import (
    TARGET_HEADERS,
    baseline_rule_named,
    kpi_cells,
    status_class,
    status_text,
)
from salesflow.data.outputs.report_charts import (
    PALETTE,
    _figure,
    _svg,
    coverage_chart,
    forecast_charts,
    grouped_bars,
    inventory_chart,
    pareto_chart,
    quiet_glyphs,
)
from salesflow.data.outputs.report_routes import route_map
from salesflow.data.outputs.report_staffing import cycle_target_sections

__all__ = ["COST_PARTS", "PALETTE", "STYLE", "ReportData", "_figure", "_svg", "html_table",
           "render_report", "targets_table"]

COST_PARTS = ("purchase", "ordering", "holding", "shortage", "transport", "labour")
COST_LABELS = {"purchase": N_("purchase"), "ordering": N_("ordering"),
               "holding": N_("holding"), "shortage": N_("shortage"),
               "transport": N_("transport"), "labour": N_("labour"),
               "stock_change": N_("stock value change"), "net_cost": N_("net cost"),
               "cost": N_("cost")}
"""Cost parts (``kpis.json`` keys) in words."""

STAGES = {"forecast": N_("Forecast"), "purchasing": N_("Purchasing"),
          "staffing": N_("Staffing"), "routing": N_("Routing")}

COLUMNS = {
    "supplier_id": N_("supplier"), "supplier": N_("supplier"), "name": N_("name"),
    "lines": N_("lines"), "value": N_("value"), "day": N_("day"),
    "customer_id": N_("customer"), "reason": N_("reason"), "sku": N_("SKU"),
    "week_start": N_("week"), "statistical_forecast": N_("statistical forecast"),
    "forecast": N_("forecast"), "override": N_("override"), "author": N_("author"),
    "table": N_("table"), "column": N_("column"), "values": N_("values"),
    "keys": N_("rows"), "why": N_("why"), "policy": N_("policy"),
    **COST_LABELS,
}
"""Table headers (frame column names, which stay English in the files) in words."""

TABLE_TITLES = {
    "suppliers": N_("Purchase orders of the week by supplier"),
    "unserved": N_("Unserved deliveries"),
    "overridden": N_("Forecasts overridden by planners"),
}
EMPTY = {
    "suppliers": N_("none: no purchase order is due this week"),
    "unserved": N_("none: every delivery is planned"),
    "overridden": N_("none: no planner changed a forecast"),
}
"""What an empty table of :data:`TABLE_TITLES` says instead of a bare header."""


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, already computed (the report only draws).

    Attributes
    ----------
    targets:
        The ``kpis.json`` target rows (``kpi, baseline, value, target, met, status,
        status_code, status_params, note, note_params``).
    costs:
        ``{"plan": {part: value}, "baseline": {part: value}}`` over :data:`COST_PARTS` (the
        plan week's, shown when there is no procurement account).
    history, forecast:
        Long frames ``unique_id, ds, y`` and ``unique_id, ds, forecast, p10, p90`` for the SKUs
        in ``top_skus`` (``(sku, name)`` pairs).
    inventory:
        ``week, policy, value``: projected stock value at the end of each horizon week,
        ``policy`` ``plan`` or ``baseline`` (the company's rule).
    suppliers:
        ``supplier_id, name, value``: what the plan buys from each supplier over the horizon.
    stops:
        ``day, vehicle_id, sequence, customer_id, name, lat, lon, arrival`` of served stops.
    routes:
        ``day, vehicle_id, stops, km`` per vehicle and day.
    depots:
        ``depot_id, name, lat, lon``.
    coverage:
        ``date, hour, skill, required, staffed``.
    tables:
        Extra tables by key of :data:`TABLE_TITLES`.
    skipped:
        Stage -> why it was not planned (shown at the top and in place of its chart).
    assumed:
        The dataset's assumed values grouped by ``table, column`` (``values, value, keys,
        why``), or ``None`` when the dataset states none; ``assumed_values`` counts them.
    baseline_rule:
        The company's purchasing rule as ``BaselineRule.describe`` writes it.
    cycle_target:
        What the order-cycle target needs (the advice's figures), or ``None``.
    tradeoff:
        The turnover trade-off traced with the plan (``Frontier.to_dict``, as in
        ``tradeoff.json``), or ``None`` when it was not asked for.
    """

    title: str
    subtitle: str
    targets: list[dict[str, Any]]
    costs: dict[str, dict[str, float]]
    history: pd.DataFrame
    forecast: pd.DataFrame
    top_skus: Sequence[tuple[str, str]]
    inventory: pd.DataFrame
    stops: pd.DataFrame
    depots: pd.DataFrame
    coverage: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    assumed: pd.DataFrame | None = None
    assumed_values: int = 0
    procurement: dict[str, Any] | None = None  # the one accounting's figures (kpis.json)
    cycle_target: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()  # the plan's data warnings (stale data), shown first
    suppliers: pd.DataFrame | None = None
    routes: pd.DataFrame | None = None
    baseline_rule: str = "min_max"
    run: tuple[dict[str, Any], ...] = ()  # the stages' seconds and memory (report_run)
    tradeoff: dict[str, Any] | None = None


def none_note(text: str) -> str:
    """An empty section's sentence (already translated)."""
    return f"<p class='none'>{html.escape(text, quote=False)}</p>"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float):
        return format_number(value, 2)
    return str(value)


def html_table(frame: pd.DataFrame, max_rows: int = 50, *, rest_in: str = "",
               cell: Callable[[Any], str] | None = None, empty: str = "") -> str:
    """An HTML table of the first ``max_rows`` rows of ``frame``, headers in words
    (:data:`COLUMNS`); a note says how many more rows there are and where (``rest_in``);
    ``cell`` formats a value (default: locale numbers, an em dash for none); an empty frame
    is ``empty`` (default "none") in words, never a bare header."""
    if frame.empty:
        return none_note(empty or _("none"))
    shown, show = frame.head(max_rows), cell or _cell
    head = "".join(f"<th>{html.escape(_(COLUMNS[str(c)]) if str(c) in COLUMNS else str(c))}"
                   "</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(show(v))}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    more = ""
    if len(frame) > max_rows:
        more = html.escape(_("{count} more rows in {where}.").format(
            count=format_number(len(frame) - max_rows), where=rest_in or _("the plan's files")))
        more = f"<p class='note'>{more}</p>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


_table = html_table

def targets_table(targets: list[dict[str, Any]]) -> str:
    """KPI | baseline | plan | target | status | how, in words with units."""
    rows = []
    for t in targets:
        cells = "".join(f"<td>{html.escape(text)}</td>" for text in kpi_cells(t))
        rows.append(f"<tr class='{status_class(t)}'>{cells}</tr>")
    head = "".join(f"<th>{html.escape(_(h))}</th>" for h in TARGET_HEADERS)
    return (f"<table class='targets'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table>")


def targets_summary(targets: list[dict[str, Any]], baseline_rule: str) -> str:
    """"3 of 7 targets met; missed: ...", and what each baseline is."""
    met = [t for t in targets if t.get("met") is True]
    missed = [kpi_label(t["kpi"]) for t in targets if t.get("met") is False]
    text = ngettext("{met} of {count} target met", "{met} of {count} targets met",
                    len(targets)).format(met=format_number(len(met)),
                                         count=format_number(len(targets)))
    if missed:
        text += _("; missed: {kpis}").format(kpis=_(", ").join(missed))
    baselines = _("Baselines: purchasing {rule}; staffing the fixed-pattern roster; routing "
                  "nearest-neighbour routes. All on the same forecast.").format(
        rule=baseline_rule_named(baseline_rule))
    return (f"<p class='lead'><b>{html.escape(text)}.</b></p>"
            f"<p class='note'>{html.escape(baselines)}</p>")


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK TC",
"Microsoft JhengHei","PingFang TC",sans-serif;margin:1.5rem;color:#222;max-width:72rem}
h1{font-size:1.5rem;margin-bottom:0}
h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.sub{color:#666;margin-top:.2rem} table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right} th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
tr.met td:nth-child(5){color:#1a7f37;font-weight:600}
tr.missed td:nth-child(5){color:#cf222e;font-weight:600}
table.targets td:nth-child(5){max-width:16rem}
table.targets td:nth-child(6){text-align:left;color:#555;font-size:.78rem;max-width:26rem}
.maps{display:flex;flex-wrap:wrap;gap:.75rem}
figure{margin:0} figcaption{font-size:.8rem;color:#333;max-width:300px}
.legend{list-style:none;padding:0;margin:.2rem 0;font-size:.75rem}
.swatch{display:inline-block;width:.7rem;height:.7rem;margin-right:.3rem}
.note{color:#666;font-size:.8rem} .none{color:#555;font-style:italic}
svg{max-width:100%;height:auto}
"""


def warnings_section(warnings: Sequence[str]) -> str:
    """The plan's data warnings (e.g. planned on stale data with --allow-stale), in red."""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in warnings)
    return f"<ul class='warn' style='color:#b00020;font-weight:bold'>{items}</ul>"


def stage_label(stage: str) -> str:
    return _(STAGES[stage]) if stage in STAGES else stage


def skipped_section(skipped: dict[str, str]) -> str:
    """One line per stage not planned, with why."""
    items = "".join(f"<li><b>{html.escape(stage_label(stage))}</b>: "
                    f"{html.escape(_('not planned because {why}').format(why=why))}</li>"
                    for stage, why in skipped.items())
    return f"<ul>{items}</ul>"


def assumed_section(assumed: pd.DataFrame, count: int) -> str:
    """The values the dataset holds by default, grouped by table and column."""
    lead = _("{count} values in this plan's data are assumed, not data (listed in "
             "assumptions.csv; rows * = every row of the table). Check them before acting on "
             "the plan.").format(count=format_number(count))
    return f"<p>{html.escape(lead, quote=False)}</p>" + _table(assumed, max_rows=200)


def _not_planned(stage: str, skipped: dict[str, str], draw: Callable[[], str]) -> str:
    """The stage's drawing, or why it was not planned."""
    if stage in skipped:
        return none_note(_("none: not planned because {why}").format(why=skipped[stage]))
    return draw()


def _costs(data: ReportData) -> str:
    if data.procurement:
        from salesflow.data.outputs.report_tradeoff import procurement_section

        change = next((t for t in data.targets if t.get("kpi") == "procurement_cost_change"),
                      None)
        return procurement_section(data.procurement, data.procurement.get("week_costs"),
                                   why=status_text(change) if change else "")
    parts = [p for p in COST_PARTS if any(c.get(p) for c in data.costs.values())]
    if not parts:
        return none_note(_("none: the plan has no costs"))
    series = {_("plan") if name == "plan" else name: [values.get(p) or 0.0 for p in parts]
              for name, values in data.costs.items()}
    return grouped_bars([_(COST_LABELS[p]) for p in parts], series, _("cost"))


def _pareto(data: ReportData) -> str:
    suppliers = data.suppliers
    if suppliers is None or suppliers.empty or float(suppliers["value"].sum()) <= 0:
        return none_note(_("none: the plan buys nothing over the horizon"))
    ordered = suppliers.sort_values("value", ascending=False, kind="stable")
    total = float(ordered["value"].sum())
    share = ordered["value"].cumsum() / total
    top = int((share < 0.8 - 1e-9).sum()) + 1
    names = [f"{s} {n}".strip() for s, n in zip(ordered["supplier_id"], ordered["name"],
                                                strict=True)]
    lead = _("{top} of {count} suppliers take 80 % of the plan's purchases over the horizon "
             "({total}); the largest, {first}, takes {first_share}.").format(
        top=format_number(top), count=format_number(len(ordered)),
        total=format_number(total, 2), first=names[0],
        first_share=_percent(float(ordered["value"].iloc[0]) / total))
    return (f"<p>{html.escape(lead)}</p>"
            + pareto_chart(names, [float(v) for v in ordered["value"]], _("purchase value")))


def _percent(fraction: float) -> str:
    from salesflow.data.i18n import format_percent

    return format_percent(fraction, 1)


def _inventory(data: ReportData) -> str:
    frame = data.inventory
    if frame.empty:
        return none_note(_("none: no stock projected"))
    weeks = list(dict.fromkeys(frame["week"]))
    names = {"plan": _("plan"), "baseline": baseline_rule_named(data.baseline_rule)}
    lines = {names.get(str(policy), str(policy)):
             list(group.set_index("week")["value"].reindex(weeks).fillna(0.0))
             for policy, group in frame.groupby("policy", sort=False)}
    return inventory_chart(weeks, lines)


def _coverage(coverage: pd.DataFrame) -> str:
    if coverage.empty:
        return none_note(_("none: no staffing requirement this week"))
    return coverage_chart(coverage)


def _forecasts(data: ReportData) -> str:
    return forecast_charts(data.history, data.forecast, data.top_skus) or \
        none_note(_("none: no SKU with a forecast"))


def render_report(data: ReportData) -> str:
    """The report as one HTML document (UTF-8 text)."""
    with quiet_glyphs():
        return _render(data)


def _render(data: ReportData) -> str:
    sections = [(_("Warnings"), warnings_section(data.warnings))] if data.warnings else []
    if data.skipped:
        sections.append((_("Stages not planned"), skipped_section(data.skipped)))
    if data.assumed is not None:
        sections.append((_("Assumed, not data"), assumed_section(data.assumed,
                                                                 data.assumed_values)))
    routes = data.routes if data.routes is not None else pd.DataFrame(
        columns=["day", "vehicle_id", "stops", "km"])
    sections += [
        (_("Targets"), targets_summary(data.targets, data.baseline_rule)
         + targets_table(data.targets)),
        (_("Cost breakdown"), _costs(data)),
        (_("Where the money goes: purchases by supplier"), _pareto(data)),
        (_("Forecast of the top SKUs"), _forecasts(data)),
        (_("Projected stock value"), _inventory(data)),
        (_("Routes"), _not_planned("routing", data.skipped,
                                   lambda: route_map(data.stops, data.depots, routes))),
        (_("Staffing coverage"), _not_planned("staffing", data.skipped,
                                              lambda: _coverage(data.coverage))),
    ]
    sections += cycle_target_sections(data.cycle_target)
    if data.tradeoff is not None:
        from salesflow.data.outputs.report_tradeoff import tradeoff_section

        sections.append((_("Turnover trade-off"), tradeoff_section(data.tradeoff)))
    sections += [(_(TABLE_TITLES[key]) if key in TABLE_TITLES else key,
                  _table(frame, empty=_(EMPTY[key]) if key in EMPTY else ""))
                 for key, frame in data.tables.items()]
    if data.run:
        from salesflow.data.outputs.report_run import run_section

        sections.append((_("Run"), run_section(data.run)))
    body = "".join(f"<section><h2>{html.escape(title)}</h2>{content}</section>"
                   for title, content in sections)
    return (f"<!DOCTYPE html><html lang='{language_tag()}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(data.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(data.title)}</h1><p class='sub'>{html.escape(data.subtitle)}</p>"
            f"{body}</body></html>\n")

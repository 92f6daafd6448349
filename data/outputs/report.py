"""The plan report: one self-contained HTML page (no remote assets, no scripts).

Charts are drawn with matplotlib into inline SVG; every name from the data is escaped
(matplotlib escapes SVG text; the HTML around it goes through :func:`html.escape`). Route stops
carry their details in SVG ``<title>`` elements, which browsers show as tooltips offline.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from salesflow.data.outputs.report_staffing import cycle_target_sections

COST_PARTS = ("purchase", "ordering", "holding", "shortage", "transport", "labour")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, already computed (the report only draws).

    Attributes
    ----------
    targets:
        Rows with ``kpi, baseline, plan, target, met, note``.
    costs:
        ``{"plan": {part: value}, "baseline": {part: value}}`` over :data:`COST_PARTS`.
    history, forecast:
        Long frames ``unique_id, ds, y`` and ``unique_id, ds, forecast, p10, p90`` for the SKUs
        in ``top_skus`` (``(sku, name)`` pairs).
    inventory:
        ``week, policy, value``: projected stock value at the end of each horizon week.
    stops:
        ``day, vehicle_id, sequence, customer_id, name, lat, lon, arrival`` of served stops.
    depots:
        ``depot_id, name, lat, lon``.
    coverage:
        ``date, hour, skill, required, staffed``.
    tables:
        Extra titled tables to print (title -> frame), e.g. purchase orders per supplier.
    skipped:
        Stage -> why it was not planned (shown at the top and in place of its chart).
    assumed:
        The dataset's assumed values grouped by ``table, column`` (``values, value, keys,
        why``), or ``None`` when the dataset states none; ``assumed_values`` counts them.
    cycle_target:
        What the order-cycle target needs (the advice's figures), or ``None``.
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


def _svg(figure: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight",
                   metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9,
                         "svg.hashsalt": "salesflow"})  # same plan, same bytes
    return plt.subplots(figsize=(width, height))


def cost_chart(costs: dict[str, dict[str, float]]) -> str:
    """Side-by-side bars of each cost part, plan and baseline."""
    fig, ax = _figure(7.5, 3.2)
    parts = [p for p in COST_PARTS if any(c.get(p) for c in costs.values())]
    width = 0.8 / max(len(costs), 1)
    for k, (name, values) in enumerate(costs.items()):
        xs = [i + k * width for i in range(len(parts))]
        ax.bar(xs, [values.get(p, 0.0) for p in parts], width, label=name, color=PALETTE[k])
    ax.set_xticks([i + width * (len(costs) - 1) / 2 for i in range(len(parts))], parts)
    ax.set_yscale("symlog")
    ax.set_ylabel("cost")
    ax.legend()
    return _svg(fig)


def pareto_chart(costs: dict[str, float]) -> str:
    """Cost drivers of the plan sorted by size, with the cumulative share."""
    items = sorted(((k, v) for k, v in costs.items() if v is not None and v > 0),
                   key=lambda kv: -kv[1])
    fig, ax = _figure(7.5, 3.0)
    if not items:
        ax.text(0.5, 0.5, "no costs", ha="center")
        return _svg(fig)
    total = sum(v for _, v in items)
    ax.bar([k for k, _ in items], [v for _, v in items], color=PALETTE[0])
    twin = ax.twinx()
    running = 0.0
    shares = []
    for _, v in items:
        running += v
        shares.append(100 * running / total)
    twin.plot([k for k, _ in items], shares, color=PALETTE[3], marker="o")
    twin.set_ylim(0, 105)
    twin.set_ylabel("cumulative %")
    ax.set_ylabel("cost")
    return _svg(fig)


def forecast_charts(history: pd.DataFrame, forecast: pd.DataFrame,
                    top_skus: Sequence[tuple[str, str]]) -> str:
    """Small multiples: recent history, forecast and its p10-p90 band per top SKU."""
    import matplotlib.pyplot as plt

    n = len(top_skus)
    if n == 0:
        return ""
    plt.close(_figure(1, 1)[0])  # only for the backend and style
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.4 * rows), squeeze=False)
    for ax, (sku, name) in zip(axes.flat, top_skus, strict=False):
        past = history[history["unique_id"] == sku]
        ahead = forecast[forecast["unique_id"] == sku]
        ax.plot(past["ds"], past["y"], color=PALETTE[0], lw=1, label="sales")
        if {"p10", "p90"} <= set(ahead.columns):
            ax.fill_between(ahead["ds"], ahead["p10"], ahead["p90"], color=PALETTE[1],
                            alpha=0.25, label="p10-p90")
        ax.plot(ahead["ds"], ahead["forecast"], color=PALETTE[1], lw=1.5, label="forecast")
        ax.set_title(f"{sku} {name}"[:40], fontsize=8)
        ax.tick_params(axis="x", labelrotation=45, labelsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    return _svg(fig)


def inventory_chart(inventory: pd.DataFrame) -> str:
    """Projected stock value per horizon week, one line per policy."""
    fig, ax = _figure(7.5, 3.0)
    for k, (policy, group) in enumerate(inventory.groupby("policy", sort=False)):
        ax.plot(group["week"], group["value"], marker="o", label=str(policy), color=PALETTE[k])
    ax.set_ylabel("stock value at week end")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend()
    return _svg(fig)


def route_map(stops: pd.DataFrame, depots: pd.DataFrame) -> str:
    """One map per delivery day: depots, stops, a coloured line per vehicle.

    Every stop's marker has a tooltip (SVG ``<title>``) with customer, vehicle and arrival.
    """
    days = sorted(stops["day"].unique()) if len(stops) else []
    if not days:
        return "<p>No routes in this plan.</p>"
    lat_mid = math.radians(float(pd.concat([stops["lat"], depots["lat"]]).mean()))
    scale = math.cos(lat_mid)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return lon * scale, lat

    xs = [xy(a, b)[0] for a, b in zip(stops["lat"], stops["lon"], strict=True)]
    ys = list(stops["lat"])
    xs += [xy(a, b)[0] for a, b in zip(depots["lat"], depots["lon"], strict=True)]
    ys += list(depots["lat"])
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad = 0.05 * max(x1 - x0, y1 - y0, 1e-6)
    size = 300

    def px(lat: float, lon: float) -> tuple[float, float]:
        x, y = xy(lat, lon)
        span = max(x1 - x0, y1 - y0) + 2 * pad
        return ((x - x0 + pad) / span * size, size - (y - y0 + pad) / span * size)

    panels = []
    for day in days:
        parts = [f'<svg class="map" viewBox="0 0 {size} {size}" width="{size}" '
                 f'height="{size}" role="img" aria-label="routes of {html.escape(str(day))}">',
                 f'<rect width="{size}" height="{size}" fill="#f7f7f7"/>']
        todays = stops[stops["day"] == day]
        for k, (vehicle, route) in enumerate(todays.groupby("vehicle_id", sort=True)):
            colour = PALETTE[k % len(PALETTE)]
            route = route.sort_values("sequence")
            depot = depots[depots["depot_id"] == route["depot_id"].iloc[0]] \
                if "depot_id" in route.columns else depots.iloc[0:1]
            points = [px(r.lat, r.lon) for r in route.itertuples(index=False)]
            if len(depot):
                home = px(float(depot["lat"].iloc[0]), float(depot["lon"].iloc[0]))
                points = [home, *points, home]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.5"><title>{html.escape(str(vehicle))}</title>'
                         "</polyline>")
            for r in route.itertuples(index=False):
                x, y = px(r.lat, r.lon)
                tip = html.escape(f"{r.customer_id} {r.name} - vehicle {vehicle}, "
                                  f"stop {r.sequence}, arrives {r.arrival}")
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                             f"<title>{tip}</title></circle>")
        for d in depots.itertuples(index=False):
            x, y = px(d.lat, d.lon)
            parts.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
                         f'fill="#000"><title>{html.escape(f"{d.depot_id} {d.name}")}</title>'
                         "</rect>")
        parts.append("</svg>")
        panels.append(f'<figure><figcaption>{html.escape(str(day))}</figcaption>'
                      f'{"".join(parts)}</figure>')
    return '<div class="maps">' + "".join(panels) + "</div>"


def coverage_chart(coverage: pd.DataFrame) -> str:
    """Required and staffed persons per hour over the week (all skills)."""
    fig, ax = _figure(9.5, 3.0)
    if coverage.empty:
        ax.text(0.5, 0.5, "no staffing requirement", ha="center")
        return _svg(fig)
    hourly = coverage.groupby(["date", "hour"], sort=True)[["required", "staffed"]].sum()
    labels = [f"{pd.Timestamp(d):%a} {h:02d}" for d, h in hourly.index]
    positions = range(len(labels))
    ax.bar(positions, hourly["staffed"], color=PALETTE[2], alpha=0.6, label="staffed")
    ax.step(positions, hourly["required"], where="mid", color=PALETTE[3], label="required")
    step = max(1, len(labels) // 24)
    ax.set_xticks(list(positions)[::step], labels[::step], rotation=60, fontsize=6)
    ax.set_ylabel("persons")
    ax.legend()
    return _svg(fig)


def html_table(frame: pd.DataFrame, max_rows: int = 50, *, rest_in: str = "the plan's files",
               cell: Callable[[Any], str] | None = None) -> str:
    """An HTML table of the first ``max_rows`` rows of ``frame``; a note says how many more
    rows there are and where (``rest_in``); ``cell`` formats a value (default :func:`_cell`)."""
    shown, show = frame.head(max_rows), cell or _cell
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(show(v))}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    more = (f"<p class='note'>{len(frame) - max_rows} more rows in {rest_in}.</p>"
            if len(frame) > max_rows else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


_table = html_table


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, bool):
        return "met" if value else "missed"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.2f}"
    return str(value)


_TARGET_STATUS: dict[object, str] = {True: "met", False: "missed"}  # else "n/a"


def targets_table(targets: list[dict[str, Any]]) -> str:
    """Baseline | plan | target | status | how per KPI; a row's ``status`` ("not planned:
    <why>") wins over its ``met``."""
    rows = []
    for t in targets:
        status = t.get("status") or _TARGET_STATUS.get(t.get("met"), "n/a")
        css = {"met": "met", "missed": "missed"}.get(status.split(" ")[0], "open")
        shown = _cell
        if status.startswith(("not planned", "not meaningful")):
            def shown(value: Any) -> str:
                return "-" if value is None else _cell(value)
        rows.append(f"<tr class='{css}'><td>{html.escape(str(t['kpi']))}</td>"
                    f"<td>{html.escape(t.get('baseline_why') or shown(t.get('baseline')))}</td>"
                    f"<td>{html.escape(shown(t.get('plan')))}</td>"
                    f"<td>{html.escape(shown(t.get('target')))}</td>"
                    f"<td>{html.escape(status)}</td>"
                    f"<td>{html.escape(str(t.get('note', '')))}</td></tr>")
    return ("<table><thead><tr><th>KPI</th><th>baseline</th><th>plan</th><th>target</th>"
            "<th>status</th><th>how</th></tr></thead><tbody>" + "".join(rows) +
            "</tbody></table>")


STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.5rem;margin-bottom:0}
h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.sub{color:#666;margin-top:.2rem} table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right} th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
tr.met td:nth-child(5){color:#1a7f37;font-weight:600}
tr.missed td:nth-child(5){color:#cf222e;font-weight:600}
.maps{display:flex;flex-wrap:wrap;gap:.5rem}
figure{margin:0} figcaption{font-size:.8rem;color:#555} .note{color:#666;font-size:.8rem}
svg{max-width:100%;height:auto}
"""


def warnings_section(warnings: Sequence[str]) -> str:
    """The plan's data warnings (e.g. planned on stale data with --allow-stale), in red."""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in warnings)
    return f"<ul class='warn' style='color:#b00020;font-weight:bold'>{items}</ul>"


def skipped_section(skipped: dict[str, str]) -> str:
    """One line per stage not planned, with why."""
    items = "".join(f"<li><b>{html.escape(stage)}</b>: {html.escape(why)}</li>"
                    for stage, why in skipped.items())
    return f"<ul>{items}</ul>"


def assumed_section(assumed: pd.DataFrame, count: int) -> str:
    """The values the dataset holds by default, grouped by table and column."""
    lead = (f"<p>{count:,} values in this plan's data are assumed, not data (listed in "
            "assumptions.csv; key * = every row of the table). Check them before acting on "
            "the plan.</p>")
    return lead + _table(assumed, max_rows=200)


def _not_planned(stage: str, skipped: dict[str, str], draw: Callable[[], str]) -> str:
    """The stage's drawing, or why it was not planned."""
    if stage in skipped:
        return f"<p class='note'>Not planned: {html.escape(skipped[stage])}.</p>"
    return draw()


def _procurement(data: ReportData) -> str:
    from salesflow.data.outputs.report_tradeoff import procurement_section

    assert data.procurement is not None
    return procurement_section(data.procurement, data.procurement.get("week_costs"))


def render_report(data: ReportData) -> str:
    """The report as one HTML document (UTF-8 text)."""
    sections = [("Warnings", warnings_section(data.warnings))] if data.warnings else []
    if data.skipped:
        sections.append(("Stages not planned", skipped_section(data.skipped)))
    if data.assumed is not None:
        sections.append(("Assumed, not data", assumed_section(data.assumed,
                                                              data.assumed_values)))
    sections += [
        ("Targets", targets_table(data.targets)),
        ("Cost breakdown", _procurement(data) if data.procurement else cost_chart(data.costs)
         + _table(pd.DataFrame(data.costs).T.reindex(columns=[p for p in COST_PARTS])
                  .fillna(0.0).reset_index(names="policy"))),
        ("Pareto of cost drivers", pareto_chart(data.costs.get("plan", {}))),
        ("Forecast of the top SKUs", forecast_charts(data.history, data.forecast,
                                                     data.top_skus)),
        ("Projected inventory", inventory_chart(data.inventory)),
        ("Routes", _not_planned("routing", data.skipped,
                                lambda: route_map(data.stops, data.depots))),
        ("Staffing coverage", _not_planned("staffing", data.skipped,
                                           lambda: coverage_chart(data.coverage))),
    ]
    sections += cycle_target_sections(data.cycle_target)
    sections += [(title, _table(frame)) for title, frame in data.tables.items()]
    body = "".join(f"<section><h2>{html.escape(title)}</h2>{content}</section>"
                   for title, content in sections)
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(data.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(data.title)}</h1><p class='sub'>{html.escape(data.subtitle)}</p>"
            f"{body}</body></html>\n")

"""The report's route thumbnails: one small map per delivery day, labelled with the day, the
vehicles, their stops and kilometres; stops numbered in visiting order.

Hand-drawn SVG (no remote tiles, no scripts). Every stop's marker has a tooltip (SVG
``<title>``) with customer, vehicle and arrival; every name from the data is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable

import pandas as pd

from salesflow.data.i18n import _, format_date, format_number, format_weekday, ngettext
from salesflow.data.outputs.report_charts import PALETTE

SIZE = 300


def _projection(stops: pd.DataFrame, depots: pd.DataFrame
                ) -> Callable[[float, float], tuple[float, float]]:
    """lat/lon → pixel within a SIZE × SIZE square holding every stop and depot."""
    lat_mid = math.radians(float(pd.concat([stops["lat"], depots["lat"]]).mean()))
    scale = math.cos(lat_mid)
    xs = [lon * scale for lon in pd.concat([stops["lon"], depots["lon"]])]
    ys = list(pd.concat([stops["lat"], depots["lat"]]))
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad = 0.05 * max(x1 - x0, y1 - y0, 1e-6)
    span = max(x1 - x0, y1 - y0) + 2 * pad

    def px(lat: float, lon: float) -> tuple[float, float]:
        return ((lon * scale - x0 + pad) / span * SIZE,
                SIZE - (lat - y0 + pad) / span * SIZE)

    return px


def day_label(day: str) -> str:
    """``"Mon, Nov 23, 2026"`` in the reader's language."""
    date = dt.date.fromisoformat(day)
    return _("{weekday}, {date}").format(weekday=format_weekday(date), date=format_date(date))


def _vehicle_line(vehicle: str, stops: int, km: float | None) -> str:
    text = ngettext("{vehicle}: {stops} stop", "{vehicle}: {stops} stops", stops).format(
        vehicle=vehicle, stops=format_number(stops))
    if km is not None:
        text += _(", {km} km").format(km=format_number(km, 1))
    return text


def route_map(stops: pd.DataFrame, depots: pd.DataFrame, routes: pd.DataFrame) -> str:
    """The thumbnails; ``routes`` has ``day, vehicle_id, stops, km`` per vehicle and day."""
    days = sorted(stops["day"].unique()) if len(stops) else []
    if not days:
        return f"<p class='none'>{html.escape(_('none: no deliveries in this plan'))}</p>"
    px = _projection(stops, depots)
    km = {(r.day, r.vehicle_id): float(r.km) for r in routes.itertuples(index=False)} \
        if len(routes) else {}
    panels = []
    for day in days:
        label = day_label(str(day))
        parts = [f'<svg class="map" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" '
                 f'height="{SIZE}" role="img" aria-label="{html.escape(label)}">',
                 f'<rect width="{SIZE}" height="{SIZE}" fill="#f7f7f7"/>']
        legend = []
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
            line = _vehicle_line(str(vehicle), len(route), km.get((day, vehicle)))
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.5"><title>{html.escape(line)}</title></polyline>')
            for r in route.itertuples(index=False):
                x, y = px(r.lat, r.lon)
                tip = html.escape(_("{customer} {name}: vehicle {vehicle}, stop {stop}, "
                                    "arrives {arrival}").format(
                    customer=r.customer_id, name=r.name, vehicle=vehicle, stop=r.sequence,
                    arrival=r.arrival))
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                             f"<title>{tip}</title></circle>"
                             f'<text x="{x + 4:.1f}" y="{y - 3:.1f}" font-size="7" '
                             f'fill="#333">{int(r.sequence)}</text>')
            legend.append(f"<li><span class='swatch' style='background:{colour}'></span>"
                          f"{html.escape(line)}</li>")
        for d in depots.itertuples(index=False):
            x, y = px(d.lat, d.lon)
            parts.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
                         f'fill="#000"><title>{html.escape(f"{d.depot_id} {d.name}")}</title>'
                         "</rect>")
        parts.append("</svg>")
        total_km = sum(v for (d_, _v), v in km.items() if d_ == day)
        vehicles = todays["vehicle_id"].nunique()
        caption = ngettext("{day}: {vehicles} vehicle, {stops} stops, {km} km",
                           "{day}: {vehicles} vehicles, {stops} stops, {km} km",
                           vehicles).format(
            day=label, vehicles=format_number(vehicles), stops=format_number(len(todays)),
            km=format_number(total_km, 1))
        panels.append(f"<figure><figcaption><b>{html.escape(caption)}</b></figcaption>"
                      f"{''.join(parts)}<ul class='legend'>{''.join(legend)}</ul></figure>")
    note = _("Numbers beside the stops give the visiting order; the black square is the "
             "depot. Point at a stop for its customer and arrival time.")
    return (f"<p class='note'>{html.escape(note)}</p><div class='maps'>" + "".join(panels)
            + "</div>")

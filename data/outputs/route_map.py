"""``routes.html``: the route map, one self-contained file (bundled Leaflet, works offline).

Leaflet 1.7.1 (``assets/leaflet``, BSD-2, see its ``SOURCE.md``) is inlined with its
stylesheet and images, so the page loads nothing but the base map tiles, and only when a tile
URL is given (``[report] map_tiles``; ``off`` or empty: none). Offline, or without tiles, the
routes and stops are drawn on a plain background.

The map opens on the first day; a day selector switches between days (one Leaflet layer
group per day, only one on the map at a time). Each stop is a numbered marker (its sequence
on the route) with the customer's name as tooltip and a popup with the window, the planned
arrival and what is unloaded; depots are black squares, unserved stops grey crosses. All
texts are in the current language. Names from the data reach the page only as JSON data set
with ``textContent``, never as HTML.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.data.i18n import (
    _,
    format_date,
    format_number,
    format_weekday,
    language_tag,
    ngettext,
)

if TYPE_CHECKING:
    from salesflow.data.outputs.route_exports import ExportRoute, ExportStop, RouteExport

LEAFLET_DIR = Path(__file__).with_name("assets") / "leaflet"
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39")
TILES_OFF = ("", "off", "none")
"""``[report] map_tiles`` values that mean: no base map."""

LEAFLET_NOTICE = ("/* Leaflet 1.7.1 (Debian libjs-leaflet 1.7.1~dfsg-7), https://leafletjs.com, "
                  "(c) 2010-2019 Vladimir Agafonkin, (c) 2010-2011 CloudMade, BSD-2-Clause */")


def vehicle_colour(vehicles: tuple[str, ...], vehicle_id: str) -> str:
    """The colour of a vehicle: its rank among the sorted vehicle ids, cycling the palette."""
    return PALETTE[vehicles.index(vehicle_id) % len(PALETTE)]


@cache
def leaflet_assets() -> tuple[str, str]:
    """The bundled Leaflet script and stylesheet, the stylesheet's images as ``data:`` URLs."""
    script = (LEAFLET_DIR / "leaflet.min.js").read_text(encoding="utf-8")
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = (LEAFLET_DIR / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return script, re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def day_label(day: str) -> str:
    """``"Mon, Nov 23, 2026"`` / ``"週一 2026年11月23日"``: a plan day for people."""
    date = dt.date.fromisoformat(day)
    return _("{weekday} {date}").format(weekday=format_weekday(date), date=format_date(date))


def _stop_lines(route: ExportRoute, stop: ExportStop) -> list[str]:
    lines = [_("{sequence}. {name} ({customer_id})").format(
        sequence=stop.sequence, name=stop.name, customer_id=stop.location_id),
        _("Vehicle {vehicle_id}, {day}").format(vehicle_id=route.vehicle_id,
                                                 day=day_label(route.day)),
        _("Window {start}–{end}").format(start=stop.window_start, end=stop.window_end),
        _("Planned arrival {time}").format(time=stop.arrival)]
    if stop.waits:
        lines.append(_("Waits for the window: unloading starts {time}").format(
            time=stop.service_start))
    lines.append(ngettext("Unload {orders} order: {kg} kg, {m3} m³",
                          "Unload {orders} orders: {kg} kg, {m3} m³", stop.orders).format(
        orders=stop.orders, kg=format_number(stop.unload_kg, 1),
        m3=format_number(stop.unload_m3, 2)))
    lines.append(_("On board after the stop: {kg} kg").format(
        kg=format_number(stop.load_kg, 1)))
    return lines


def _route_data(route: ExportRoute, colour: str) -> dict[str, Any]:
    return {
        "day": route.day, "vehicle": route.vehicle_id, "colour": colour,
        "path": [[s.lat, s.lon] for s in route.stops],
        "label": _("{vehicle_id}: {stops} stops, {km} km").format(
            vehicle_id=route.vehicle_id, stops=len(route.customers),
            km=format_number(route.km, 1)),
        "stops": [{"seq": s.sequence, "lat": s.lat, "lon": s.lon,
                   "tip": _("{sequence}. {name}").format(sequence=s.sequence, name=s.name),
                   "lines": _stop_lines(route, s)} for s in route.customers],
    }


def map_data(export: RouteExport, tiles: str = "off", attribution: str = "") -> dict[str, Any]:
    """What the page's script draws: days (the first is shown), routes with their stops'
    labels and popups, depots, unserved stops with coordinates, and the tile layer (``None``:
    no base map)."""
    vehicles = export.vehicles
    depots = {r.depot_id: r.stops[0] for r in export.routes}
    return {
        "days": list(export.days),
        "tiles": None if tiles.strip().lower() in TILES_OFF else tiles.strip(),
        "attribution": attribution,
        "routes": [_route_data(r, vehicle_colour(vehicles, r.vehicle_id))
                   for r in export.routes],
        "depots": [{"lat": s.lat, "lon": s.lon,
                    "tip": _("Depot {depot_id}: {name}").format(depot_id=d, name=s.name)}
                   for d, s in sorted(depots.items())],
        "unserved": [{"day": u.day, "lat": u.lat, "lon": u.lon,
                      "tip": _("{name} ({customer_id}): not delivered").format(
                          name=u.name, customer_id=u.customer_id),
                      "lines": [_("{name} ({customer_id}): not delivered").format(
                          name=u.name, customer_id=u.customer_id), _(u.reason)]}
                     for u in export.unserved if u.placed],
    }


def _json_for_script(data: object) -> str:
    """JSON that cannot end its ``<script>`` element, whatever the names in it."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_SCRIPT = """
(function () {
  var D = JSON.parse(document.getElementById('sf-data').textContent);
  var map = L.map('map', {zoomSnap: 0.25});
  if (D.tiles) {
    L.tileLayer(D.tiles, {attribution: D.attribution, maxZoom: 19}).addTo(map);
  }
  function lines(items) {
    var box = document.createElement('div');
    items.forEach(function (text, i) {
      var line = document.createElement(i === 0 ? 'strong' : 'div');
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }
  function cross(day) {
    return L.divIcon({className: 'sf-unserved sf-day-' + day, html: '\\u00d7',
                      iconSize: [18, 18]});
  }
  var groups = D.days.map(function () { return L.featureGroup(); });
  D.routes.forEach(function (r) {
    var d = D.days.indexOf(r.day), g = groups[d];
    L.polyline(r.path, {color: r.colour, weight: 4, opacity: 0.85,
                        className: 'sf-route sf-day-' + d}).bindTooltip(r.label).addTo(g);
    r.stops.forEach(function (s) {
      var label = document.createElement('span');
      label.textContent = String(s.seq);
      label.style.background = r.colour;
      var icon = L.divIcon({className: 'sf-stop sf-day-' + d, html: label,
                            iconSize: [22, 22]});
      L.marker([s.lat, s.lon], {icon: icon, riseOnHover: true})
        .bindTooltip(s.tip, {direction: 'top', offset: [0, -10]})
        .bindPopup(lines(s.lines)).addTo(g);
    });
  });
  D.unserved.forEach(function (u) {
    var d = D.days.indexOf(u.day);
    L.marker([u.lat, u.lon], {icon: cross(d)}).bindTooltip(u.tip)
      .bindPopup(lines(u.lines)).addTo(groups[d]);
  });
  var depots = L.featureGroup().addTo(map);
  D.depots.forEach(function (p) {
    L.marker([p.lat, p.lon], {icon: L.divIcon({className: 'sf-depot', iconSize: [14, 14]})})
      .bindTooltip(p.tip).addTo(depots);
  });
  var select = document.getElementById('day');
  var shown = null;
  function show(index) {
    if (shown !== null) { map.removeLayer(groups[shown]); }
    shown = index;
    document.body.setAttribute('data-shown-day', D.days[index] || '');
    document.querySelectorAll('[data-day]').forEach(function (row) {
      row.hidden = row.getAttribute('data-day') !== D.days[index];
    });
    if (index === undefined || !groups[index]) { return; }
    groups[index].addTo(map);
    var bounds = groups[index].getBounds();
    if (depots.getLayers().length) { bounds.extend(depots.getBounds()); }
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [30, 30]}); }
  }
  select.addEventListener('change', function () { show(Number(select.value)); });
  if (D.days.length) {
    show(0);
  } else if (depots.getLayers().length) {
    map.fitBounds(depots.getBounds(), {padding: [30, 30], maxZoom: 12});
  } else {
    map.setView([0, 0], 1);
  }
})();
"""

_STYLE = """
html, body { height: 100%; margin: 0; }
body { font-family: "Noto Sans TC", "Noto Sans CJK TC", "Microsoft JhengHei", sans-serif;
       display: flex; }
#side { width: 330px; padding: 12px; font-size: 13px; overflow-y: auto; height: 100vh;
        box-sizing: border-box; border-right: 1px solid #ccc; }
#map { flex: 1; height: 100vh; background: #eef1ec; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; }
td.n { text-align: right; }
.sw { display: inline-block; width: 12px; height: 12px; margin-right: 4px; }
.sf-stop span { display: block; width: 22px; height: 22px; border-radius: 11px;
                border: 2px solid #fff; box-sizing: border-box; color: #fff;
                font: bold 11px/18px sans-serif; text-align: center;
                box-shadow: 0 0 2px #333; }
.sf-depot { background: #222; border: 2px solid #fff; box-shadow: 0 0 2px #333; }
.sf-unserved { color: #666; font: bold 20px/18px sans-serif; text-align: center; }
.leaflet-popup-content div { margin-top: 2px; }
"""


def _side_panel(export: RouteExport) -> str:
    vehicles = export.vehicles
    options = "".join(f'<option value="{i}"{" selected" if i == 0 else ""}>'
                      f"{_e(day_label(d))}</option>" for i, d in enumerate(export.days))
    rows = "".join(
        f'<tr data-day="{_e(r.day)}"><td><span class="sw" style="background:'
        f'{vehicle_colour(vehicles, r.vehicle_id)}"></span>{_e(r.vehicle_id)}</td>'
        f'<td class="n">{len(r.customers)}</td><td class="n">{format_number(r.km, 1)}</td>'
        f"<td>{_e(r.stops[0].departure)}–{_e(r.stops[-1].arrival)}</td></tr>"
        for r in export.routes)
    unserved = "".join(
        f'<li data-day="{_e(u.day)}">{_e(u.name)} ({_e(u.customer_id)}): '
        + _e(_(u.reason)) + "</li>" for u in export.unserved)
    unserved += "".join(f'<li data-day="{_e(d)}">' + _e(_("none")) + "</li>"
                        for d in export.days if d not in {u.day for u in export.unserved})
    no_days = ""
    if not export.days:
        no_days = "<p>" + _e(_("No deliveries in this plan.")) + " " + _e(export.note) + "</p>"
    heads = "".join("<th>" + _e(text) + "</th>" for text in (
        _("Vehicle"), _("Stops"), _("Distance (km)"), _("Depot departure–return")))
    day, not_delivered = _e(_("Day")), _e(_("Not delivered"))
    hint = _e(_("Numbers are the order of the stops on a route; click a stop for its window, "
                "planned arrival and what to unload. Black squares are depots, grey crosses "
                "stops not delivered."))
    return f"""<h2>{_e(export.title)}</h2>
{no_days}<p><label>{day} <select id="day">{options}</select></label></p>
<table><tr>{heads}</tr>
{rows}</table>
<h3>{not_delivered}</h3>
<ul>{unserved}</ul>
<p>{hint}</p>"""


def html_bytes(export: RouteExport, tiles: str = "off", attribution: str = "") -> bytes:
    """``routes.html``: the map of ``export`` (module docstring), with base map tiles from
    ``tiles`` (a ``{z}/{x}/{y}`` URL template; ``off``: none) credited to ``attribution``."""
    script, css = leaflet_assets()
    data = _json_for_script(map_data(export, tiles, attribution))
    page = f"""<!DOCTYPE html>
<html lang="{language_tag()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(export.title)}</title>
<style>{LEAFLET_NOTICE}
{css}</style>
<style>{_STYLE}</style>
</head>
<body>
<div id="side">
{_side_panel(export)}
</div>
<div id="map"></div>
<script type="application/json" id="sf-data">{data}</script>
<script>{LEAFLET_NOTICE}
{script}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    return page.encode("utf-8")

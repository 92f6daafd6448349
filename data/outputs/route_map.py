"""``routes.html``: a self-contained route map that works offline.

No map tiles, fonts, stylesheets or scripts are loaded from anywhere: the routes and stops are
drawn as inline SVG (an equirectangular projection of the plan's own bounding box), so the
page shows everything with scripts disabled. A small inline script adds a day selector,
per-vehicle toggles and a popup with the stop's figures when a stop is clicked; without it
every marker still has a hover tooltip (SVG ``title``). Every name from the data is
HTML-escaped; the popup text is set with ``textContent``.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesflow.data.outputs.route_exports import ExportRoute, ExportStop, RouteExport

WIDTH, HEIGHT, PAD = 1000.0, 700.0, 30.0
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39")


def vehicle_colour(vehicles: tuple[str, ...], vehicle_id: str) -> str:
    """The colour of a vehicle: its rank among the sorted vehicle ids, cycling the palette."""
    return PALETTE[vehicles.index(vehicle_id) % len(PALETTE)]


class _Projection:
    """Degrees -> SVG user units, keeping distances' proportions near the plan's centre."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        lats = [p[0] for p in points] or [0.0]
        lons = [p[1] for p in points] or [0.0]
        self.lat0, self.lon0 = max(lats), min(lons)
        self.kx = math.cos(math.radians((max(lats) + min(lats)) / 2.0))
        span_x = max((max(lons) - min(lons)) * self.kx, 1e-6)
        span_y = max(max(lats) - min(lats), 1e-6)
        self.scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        x = PAD + (lon - self.lon0) * self.kx * self.scale
        y = PAD + (self.lat0 - lat) * self.scale
        return round(x, 1), round(y, 1)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _stop_lines(route: ExportRoute, stop: ExportStop) -> list[str]:
    lines = [f"{stop.name} ({stop.location_id})", f"{route.day}, vehicle {route.vehicle_id}, "
             f"stop {stop.sequence}"]
    if stop.arrival:
        lines.append(f"arrival {stop.arrival}")
    if stop.departure:
        lines.append(f"departure {stop.departure}")
    if stop.window:
        lines.append(f"window {stop.window}")
    lines.append(f"load after {stop.load_kg:.1f} kg / {stop.load_m3:.2f} m3, "
                 f"{stop.cumulative_km:.1f} km")
    return lines


def _marker(x: float, y: float, colour: str, lines: list[str], shape: str) -> str:
    info = _e("\n".join(lines))
    title = f"<title>{info}</title>"
    if shape == "depot":
        return (f'<rect class="m" x="{x - 7}" y="{y - 7}" width="14" height="14" fill="#222" '
                f'data-info="{info}">{title}</rect>')
    if shape == "unserved":
        return (f'<g class="m" data-info="{info}" stroke="#777" stroke-width="3">{title}'
                f'<line x1="{x - 6}" y1="{y - 6}" x2="{x + 6}" y2="{y + 6}"/>'
                f'<line x1="{x - 6}" y1="{y + 6}" x2="{x + 6}" y2="{y - 6}"/></g>')
    return (f'<circle class="m" cx="{x}" cy="{y}" r="6" fill="{colour}" stroke="#fff" '
            f'stroke-width="1.5" data-info="{info}">{title}</circle>')


def _route_svg(route: ExportRoute, project: _Projection, colour: str) -> str:
    points = [project(s.lat, s.lon) for s in route.stops]
    path = " ".join(f"{x},{y}" for x, y in points)
    parts = [f'<g class="route" data-day="{_e(route.day)}" data-vehicle="{_e(route.vehicle_id)}">',
             f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3" '
             f'stroke-opacity="0.8"/>']
    for stop, (x, y) in zip(route.stops, points, strict=True):
        if stop.kind == "customer":
            parts.append(_marker(x, y, colour, _stop_lines(route, stop), "stop"))
            parts.append(f'<text x="{x + 7}" y="{y - 7}" font-size="10">{stop.sequence}</text>')
    parts.append("</g>")
    return "".join(parts)


_SCRIPT = """
(function () {
  var days = document.getElementById('day');
  var boxes = document.querySelectorAll('input.veh');
  var pop = document.getElementById('pop');
  function refresh() {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    document.querySelectorAll('[data-day]').forEach(function (g) {
      var dayOk = days.value === '' || g.getAttribute('data-day') === days.value;
      var veh = g.getAttribute('data-vehicle');
      var vehOk = veh === null || veh === '' || on[veh];
      g.style.display = dayOk && vehOk ? '' : 'none';
    });
  }
  days.addEventListener('change', refresh);
  boxes.forEach(function (b) { b.addEventListener('change', refresh); });
  document.querySelectorAll('.m').forEach(function (m) {
    m.addEventListener('click', function (ev) {
      pop.textContent = m.getAttribute('data-info');
      pop.style.left = (ev.pageX + 12) + 'px';
      pop.style.top = (ev.pageY + 12) + 'px';
      pop.style.display = 'block';
      ev.stopPropagation();
    });
  });
  document.addEventListener('click', function () { pop.style.display = 'none'; });
  refresh();
})();
"""

_STYLE = """
body { font-family: sans-serif; margin: 0; display: flex; }
#side { width: 320px; padding: 12px; font-size: 13px; overflow-y: auto; height: 100vh;
        box-sizing: border-box; border-right: 1px solid #ccc; }
#map { flex: 1; }
svg { width: 100%; height: 100vh; background: #f7f7f2; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; }
.sw { display: inline-block; width: 12px; height: 12px; margin-right: 4px; }
.m { cursor: pointer; }
#pop { position: absolute; display: none; white-space: pre; background: #fff;
       border: 1px solid #444; padding: 6px; font-size: 12px; box-shadow: 2px 2px 6px #999; }
"""


def html_bytes(export: RouteExport) -> bytes:
    """``routes.html``: the offline map of ``export`` (module docstring)."""
    points = [(s.lat, s.lon) for r in export.routes for s in r.stops]
    points += [(u.lat, u.lon) for u in export.unserved]
    project = _Projection(points)
    vehicles = export.vehicles
    svg = [f'<svg viewBox="0 0 {WIDTH:g} {HEIGHT:g}" role="img" '
           f'aria-label="{_e(export.title)}">']
    for route in export.routes:
        svg.append(_route_svg(route, project, vehicle_colour(vehicles, route.vehicle_id)))
    depots = {r.depot_id: r.stops[0] for r in export.routes}
    for depot_id, stop in sorted(depots.items()):
        x, y = project(stop.lat, stop.lon)
        svg.append(_marker(x, y, "#222", [f"depot {depot_id}: {stop.name}"], "depot"))
    for item in export.unserved:
        x, y = project(item.lat, item.lon)
        svg.append(f'<g data-day="{_e(item.day)}" data-vehicle="">' + _marker(
            x, y, "#777", [f"{item.name} ({item.customer_id})", f"{item.day}: unserved",
                           item.reason], "unserved") + "</g>")
    svg.append("</svg>")

    options = ['<option value="">all days</option>'] + [
        f'<option value="{_e(d)}">{_e(d)}</option>' for d in export.days]
    legend = [f'<label><input type="checkbox" class="veh" value="{_e(v)}" checked>'
              f'<span class="sw" style="background:{vehicle_colour(vehicles, v)}"></span>'
              f'{_e(v)}</label><br>' for v in vehicles]
    rows = [f"<tr><td>{_e(r.day)}</td><td>{_e(r.vehicle_id)}</td><td>{len(r.customers)}</td>"
            f"<td>{r.km:.1f}</td><td>{_e(r.stops[0].departure)}-{_e(r.stops[-1].arrival)}</td>"
            f"</tr>" for r in export.routes]
    unserved = [f"<li>{_e(u.day)} {_e(u.name)} ({_e(u.customer_id)}): {_e(u.reason)}</li>"
                for u in export.unserved]
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_e(export.title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<div id="side">
<h2>{_e(export.title)}</h2>
<p><label>Day <select id="day">{''.join(options)}</select></label></p>
<p>{''.join(legend)}</p>
<table><tr><th>day</th><th>vehicle</th><th>stops</th><th>km</th><th>time</th></tr>
{''.join(rows)}</table>
<h3>Unserved ({len(export.unserved)})</h3>
<ul>{''.join(unserved)}</ul>
<p>Click a stop for its arrival time and load. Black squares are depots, grey crosses
unserved stops.</p>
</div>
<div id="map">{''.join(svg)}</div>
<div id="pop"></div>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    return page.encode("utf-8")

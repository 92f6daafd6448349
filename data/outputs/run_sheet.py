"""``run_sheets.html``: the drivers' printable run sheets, one page per vehicle and day.

Each page lists the route's stops in order with the customer's name and coordinates (the
customers table has no address columns), the delivery window, the planned arrival and what
to unload there (orders, kg, m³), then the route's totals; the stops of the day that no route
serves are listed on a last page. A CSS page break separates the pages when printed. Texts,
dates and numbers are in the current language; names from the data are HTML-escaped.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from salesflow.data.i18n import _, format_number, language_tag, ngettext
from salesflow.data.outputs.route_map import day_label

if TYPE_CHECKING:
    from salesflow.data.outputs.route_exports import ExportRoute, ExportStop, RouteExport

_STYLE = """
body { font-family: "Noto Sans TC", "Noto Sans CJK TC", "Microsoft JhengHei", sans-serif;
       font-size: 12pt; margin: 1.5em; }
.sheet { page-break-after: always; break-after: page; margin-bottom: 3em; }
.sheet:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 16pt; margin: 0 0 0.2em; }
p.meta { margin: 0 0 0.8em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
tfoot td { font-weight: bold; }
td.tick { width: 2em; }
small { color: #555; }
@media print { body { margin: 0; } .sheet { margin-bottom: 0; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _coordinates(lat: float, lon: float) -> str:
    return f"{lat:.5f}, {lon:.5f}"


def _stop_row(stop: ExportStop) -> str:
    arrival = _e(stop.arrival)
    if stop.waits:
        arrival += "<br><small>" + _e(_("unload from {time}").format(
            time=stop.service_start)) + "</small>"
    return (f'<tr><td class="n">{stop.sequence}</td>'
            f"<td>{_e(stop.name)}<br><small>{_e(stop.location_id)}</small></td>"
            f"<td>{_e(_coordinates(stop.lat, stop.lon))}</td>"
            f"<td>{_e(stop.window_start)}–{_e(stop.window_end)}</td><td>{arrival}</td>"
            f'<td class="n">{stop.orders}</td><td class="n">{format_number(stop.unload_kg, 1)}'
            f'</td><td class="n">{format_number(stop.unload_m3, 3)}</td>'
            f'<td class="tick"></td></tr>')


def _sheet(route: ExportRoute) -> str:
    start, end = route.stops[0], route.stops[-1]
    customers = route.customers
    header = "".join(f'<th{cls}>{_e(text)}</th>' for cls, text in (
        (' class="n"', _("Stop")), ("", _("Customer")), ("", _("Coordinates (lat, lon)")),
        ("", _("Delivery window")), ("", _("Planned arrival")), (' class="n"', _("Orders")),
        (' class="n"', _("Unload kg")), (' class="n"', _("Unload m³")), ("", _("Done"))))
    orders = sum(s.orders for s in customers)
    kg = sum(s.unload_kg for s in customers)
    m3 = sum(s.unload_m3 for s in customers)
    totals = ('<tr><td colspan="5">'
              + _e(ngettext("Total: {stops} stop, {km} km", "Total: {stops} stops, {km} km",
                            len(customers)).format(stops=len(customers),
                                                   km=format_number(route.km, 1)))
              + f'</td><td class="n">{orders}</td><td class="n">{format_number(kg, 1)}</td>'
              f'<td class="n">{format_number(m3, 3)}</td><td></td></tr>')
    depot = start.name + " (" + route.depot_id + ")"
    meta = _("Depot {depot}: leave {start}, back {end}. Load at the start: {kg} kg, "
             "{m3} m³.").format(depot=depot,
                                start=start.departure, end=end.arrival,
                                kg=format_number(start.load_kg, 1),
                                m3=format_number(start.load_m3, 3))
    title = _("Run sheet: vehicle {vehicle_id}, {day}").format(
        vehicle_id=route.vehicle_id, day=day_label(route.day))
    return (f'<section class="sheet" data-day="{_e(route.day)}" '
            f'data-vehicle="{_e(route.vehicle_id)}"><h1>{_e(title)}</h1>'
            f'<p class="meta">{_e(meta)}</p><table><thead><tr>{header}</tr></thead><tbody>'
            + "".join(_stop_row(s) for s in customers)
            + f"</tbody><tfoot>{totals}</tfoot></table></section>")


def _unserved_sheet(export: RouteExport) -> str:
    if not export.unserved:
        return ""
    header = "".join(f"<th>{_e(t)}</th>" for t in (
        _("Delivery day"), _("Customer"), _("Orders"), _("Reason")))
    rows = "".join(f"<tr><td>{_e(day_label(u.day))}</td><td>{_e(u.name)}<br>"
                   f"<small>{_e(u.customer_id)}</small></td><td class=\"n\">{u.orders}</td>"
                   "<td>" + _e(_(u.reason)) + "</td></tr>" for u in export.unserved)
    title = _e(_("Stops not delivered"))
    return (f'<section class="sheet unserved"><h1>{title}</h1>'
            f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></section>")


def run_sheets_html(export: RouteExport) -> bytes:
    """``run_sheets.html`` of ``export`` (module docstring); a plan without routes gets one
    page saying so."""
    pages = "".join(_sheet(r) for r in sorted(export.routes,
                                               key=lambda r: (r.day, r.vehicle_id)))
    pages += _unserved_sheet(export)
    if not export.routes:
        nothing = _e(_("No routes in this plan: nothing to deliver."))
        pages = (f'<section class="sheet"><h1>{_e(export.title)}</h1><p>{nothing} '
                 f"{_e(export.note)}</p></section>" + pages)
    page = f"""<!DOCTYPE html>
<html lang="{language_tag()}">
<head>
<meta charset="utf-8">
<title>{_e(export.title)}</title>
<style>{_STYLE}</style>
</head>
<body>
{pages}
</body>
</html>
"""
    return page.encode("utf-8")

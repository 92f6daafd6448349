"""Route exports for logistics: GeoJSON and GPX 1.1 (the HTML map is in ``route_map``).

The writers take plain records (:class:`RouteExport`), built by the optimizer from its plans,
and return bytes for :func:`salesflow.data.outputs.writers.write_files_atomically`.

* ``routes.geojson`` (RFC 7946): a ``FeatureCollection`` with one ``LineString`` per route
  (depot, stops, depot) and one ``Point`` per depot, customer visit and unserved stop; every
  feature has a ``kind`` property (``route``, ``depot``, ``stop``, ``unserved``) and the
  figures of the routes CSV (``lat``/``lon``, name, window, what is unloaded). Coordinates
  are ``[lon, lat]`` with 6 decimals; an unserved customer without coordinates has a
  ``null`` geometry (RFC 7946 §3.2).
* ``routes.gpx`` (GPX 1.1, valid against the Topografix schema): the depots and unserved
  stops with coordinates as ``wpt``, then one ``rte`` per vehicle and day whose ``rtept`` are
  its stops in order, each with the arrival, departure, window and what is unloaded in
  ``desc`` (in the reader's language). Times are local clock times of the
  plan day, written as text (GPX ``time`` elements would claim UTC).
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from salesflow.data.i18n import _, format_number

GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"
COORD_DECIMALS = 6


@dataclass(frozen=True)
class ExportStop:
    """One row of a route: a depot departure, a customer visit or the depot return.

    ``kind`` is ``depot_start``, ``customer`` or ``depot_end``; times are ``HH:MM`` (empty
    when not applicable): ``window_start``/``window_end`` the customer's delivery window,
    ``service_start`` when unloading starts (``waits``: the vehicle arrives before the window
    opens and waits). ``orders``, ``unload_kg`` and ``unload_m3`` are what is delivered at a
    customer (0 at the depot); ``load_kg``/``load_m3`` what is on board when leaving.
    """

    sequence: int
    kind: str
    location_id: str
    name: str
    lat: float
    lon: float
    arrival: str
    departure: str
    window_start: str
    window_end: str
    load_kg: float
    load_m3: float
    leg_km: float
    cumulative_km: float
    orders: int = 0
    unload_kg: float = 0.0
    unload_m3: float = 0.0
    service_start: str = ""
    waits: bool = False

    @property
    def window(self) -> str:
        """``HH:MM-HH:MM``, or ``""`` without a window (depot rows)."""
        return f"{self.window_start}-{self.window_end}" if self.window_start else ""


@dataclass(frozen=True)
class ExportRoute:
    """The trip of one vehicle on one day, its stops in order (depot first and last)."""

    day: str
    vehicle_id: str
    depot_id: str
    stops: tuple[ExportStop, ...]
    km: float
    cost: float

    @property
    def customers(self) -> tuple[ExportStop, ...]:
        """The customer visits, in order."""
        return tuple(s for s in self.stops if s.kind == "customer")


@dataclass(frozen=True)
class ExportUnserved:
    """A stop of the day that no route serves, with the reason (``lat``/``lon`` are NaN for a
    customer without coordinates)."""

    day: str
    customer_id: str
    name: str
    lat: float
    lon: float
    reason: str
    window_start: str = ""
    window_end: str = ""
    orders: int = 0
    weight_kg: float = 0.0
    volume_m3: float = 0.0

    @property
    def placed(self) -> bool:
        """Whether the stop has coordinates."""
        return math.isfinite(self.lat) and math.isfinite(self.lon)


@dataclass(frozen=True)
class RouteExport:
    """Everything the exports show: routes and unserved stops of one or more days."""

    title: str
    routes: tuple[ExportRoute, ...]
    unserved: tuple[ExportUnserved, ...] = ()
    note: str = ""
    """Why there are no routes, when the plan has none (shown by the map and run sheets)."""

    @property
    def days(self) -> tuple[str, ...]:
        """Days that have a route or an unserved stop, ascending."""
        return tuple(sorted({r.day for r in self.routes} | {u.day for u in self.unserved}))

    @property
    def vehicles(self) -> tuple[str, ...]:
        """Vehicles with a route on some day, sorted."""
        return tuple(sorted({r.vehicle_id for r in self.routes}))


def _point(lat: float, lon: float) -> list[float]:
    return [round(float(lon), COORD_DECIMALS), round(float(lat), COORD_DECIMALS)]


def _stop_properties(route: ExportRoute, stop: ExportStop) -> dict[str, object]:
    return {
        "kind": "stop", "day": route.day, "vehicle_id": route.vehicle_id,
        "sequence": stop.sequence, "customer_id": stop.location_id, "name": stop.name,
        "lat": round(float(stop.lat), COORD_DECIMALS),
        "lon": round(float(stop.lon), COORD_DECIMALS),
        "arrival": stop.arrival, "departure": stop.departure, "window": stop.window,
        "window_start": stop.window_start, "window_end": stop.window_end,
        "orders": stop.orders, "unload_kg": round(stop.unload_kg, 3),
        "unload_m3": round(stop.unload_m3, 3),
        "load_kg": round(stop.load_kg, 3), "load_m3": round(stop.load_m3, 3),
        "leg_km": round(stop.leg_km, 3), "cumulative_km": round(stop.cumulative_km, 3),
    }


def _unserved_feature(item: ExportUnserved) -> dict[str, object]:
    geometry = ({"type": "Point", "coordinates": _point(item.lat, item.lon)}
                if item.placed else None)
    return {"type": "Feature", "geometry": geometry,
            "properties": {"kind": "unserved", "day": item.day,
                           "customer_id": item.customer_id, "name": item.name,
                           "lat": round(item.lat, COORD_DECIMALS) if item.placed else None,
                           "lon": round(item.lon, COORD_DECIMALS) if item.placed else None,
                           "window_start": item.window_start, "window_end": item.window_end,
                           "orders": item.orders, "unload_kg": round(item.weight_kg, 3),
                           "unload_m3": round(item.volume_m3, 3), "reason": item.reason}}


def geojson_document(export: RouteExport) -> dict[str, object]:
    """The GeoJSON ``FeatureCollection`` of ``export`` as a dict (module docstring)."""
    features: list[dict[str, object]] = []
    depots: dict[str, ExportStop] = {}
    for route in export.routes:
        depots.setdefault(route.depot_id, route.stops[0])
        first, last = route.stops[0], route.stops[-1]
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString",
                         "coordinates": [_point(s.lat, s.lon) for s in route.stops]},
            "properties": {
                "kind": "route", "day": route.day, "vehicle_id": route.vehicle_id,
                "depot_id": route.depot_id, "stops": len(route.customers),
                "km": round(route.km, 3), "cost": round(route.cost, 2),
                "start": first.departure, "end": last.arrival,
            },
        })
        for stop in route.customers:
            features.append({"type": "Feature",
                             "geometry": {"type": "Point",
                                          "coordinates": _point(stop.lat, stop.lon)},
                             "properties": _stop_properties(route, stop)})
    for depot_id, stop in sorted(depots.items()):
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": _point(stop.lat, stop.lon)},
                         "properties": {"kind": "depot", "depot_id": depot_id,
                                        "name": stop.name,
                                        "lat": round(stop.lat, COORD_DECIMALS),
                                        "lon": round(stop.lon, COORD_DECIMALS)}})
    features.extend(_unserved_feature(item) for item in export.unserved)
    return {"type": "FeatureCollection", "features": features}


def geojson_bytes(export: RouteExport) -> bytes:
    """``routes.geojson``: UTF-8 GeoJSON of ``export`` (module docstring)."""
    return (json.dumps(geojson_document(export), ensure_ascii=False, indent=1) + "\n").encode()


def _sub(parent: ET.Element, tag: str, text: str | None = None,
         **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{GPX_NAMESPACE}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _coord(value: float) -> str:
    return f"{float(value):.{COORD_DECIMALS}f}"


def _stop_desc(stop: ExportStop) -> str:
    parts = []
    if stop.arrival:
        parts.append(_("arrival {time}").format(time=stop.arrival))
    if stop.departure:
        parts.append(_("departure {time}").format(time=stop.departure))
    if stop.window:
        parts.append(_("window {window}").format(window=stop.window))
    if stop.kind == "customer":
        parts.append(_("unload {orders} orders, {kg} kg").format(
            orders=stop.orders, kg=format_number(stop.unload_kg, 1)))
    parts.append(_("{km} km").format(km=format_number(stop.cumulative_km, 1)))
    return ", ".join(parts)


def gpx_bytes(export: RouteExport) -> bytes:
    """``routes.gpx``: GPX 1.1 of ``export`` (module docstring); the descriptions are in the
    current language. Unserved stops without coordinates have no waypoint."""
    ET.register_namespace("", GPX_NAMESPACE)
    root = ET.Element(f"{{{GPX_NAMESPACE}}}gpx", {"version": "1.1", "creator": "salesflow"})
    metadata = _sub(root, "metadata")
    _sub(metadata, "name", export.title)
    _sub(metadata, "desc", _("{routes} routes on {days} day(s)").format(
        routes=len(export.routes), days=len(export.days)))
    depots: dict[str, ExportStop] = {}
    for route in export.routes:
        depots.setdefault(route.depot_id, route.stops[0])
    for depot_id, stop in sorted(depots.items()):
        wpt = _sub(root, "wpt", lat=_coord(stop.lat), lon=_coord(stop.lon))
        _sub(wpt, "name", stop.name or depot_id)
        _sub(wpt, "desc", _("depot {depot_id}").format(depot_id=depot_id))
        _sub(wpt, "type", "depot")
    for item in export.unserved:
        if not item.placed:
            continue
        wpt = _sub(root, "wpt", lat=_coord(item.lat), lon=_coord(item.lon))
        _sub(wpt, "name", item.name or item.customer_id)
        _sub(wpt, "cmt", _("{day}: unserved").format(day=item.day))
        _sub(wpt, "desc", _("customer {customer_id} unserved on {day}: {reason}").format(
            customer_id=item.customer_id, day=item.day, reason=_(item.reason)))
        _sub(wpt, "type", "unserved")
    for number, route in enumerate(export.routes, start=1):
        rte = _sub(root, "rte")
        _sub(rte, "name", f"{route.day} {route.vehicle_id}")
        _sub(rte, "desc", _("vehicle {vehicle_id} from depot {depot_id}, {stops} stops, {km} km, "
                            "leaves {start}, back {end}").format(
            vehicle_id=route.vehicle_id, depot_id=route.depot_id, stops=len(route.customers),
            km=format_number(route.km, 1), start=route.stops[0].departure,
            end=route.stops[-1].arrival))
        _sub(rte, "number", str(number))
        _sub(rte, "type", "delivery")
        for stop in route.stops:
            point = _sub(rte, "rtept", lat=_coord(stop.lat), lon=_coord(stop.lon))
            label = stop.name or stop.location_id
            if stop.kind == "customer":
                _sub(point, "name", f"{stop.sequence}. {label}")
                _sub(point, "cmt", _("customer {customer_id}").format(
                    customer_id=stop.location_id))
            elif stop.kind == "depot_start":
                _sub(point, "name", _("{depot} (start)").format(depot=label))
            else:
                _sub(point, "name", _("{depot} (end)").format(depot=label))
            _sub(point, "desc", _stop_desc(stop))
            _sub(point, "type", stop.kind)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

"""Tests for the route exports: GeoJSON (parsed and schema-validated with geojson-pydantic),
GPX 1.1 (parsed with gpxpy, validated against the GPX 1.1 XSD with xmlschema) and the offline
HTML map (salesflow.data.outputs.route_exports, salesflow.data.outputs.route_map,
salesflow.optimizer.routing.exports)."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import gpxpy
import numpy as np
import pytest
import xmlschema
from geojson_pydantic import FeatureCollection

from salesflow.cli.apply_cmds import typed_records
from salesflow.data.i18n import set_language
from salesflow.data.outputs.route_exports import geojson_bytes, gpx_bytes
from salesflow.data.outputs.route_map import PALETTE, html_bytes
from salesflow.data.outputs.run_sheet import run_sheets_html
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.distances import DistanceModel
from salesflow.optimizer.routing.exports import route_export
from salesflow.optimizer.routing.nearest_neighbour import REASON_TOO_LARGE
from salesflow.optimizer.routing.problem import Depot, RoutingProblem, Stop, Vehicle
from salesflow.optimizer.routing.solution import RoutePlan, Unserved, routes_frame
from salesflow.optimizer.routing.solver import solve_routing
from salesflow.optimizer.routing.stage import NO_COORDINATES

XSD = Path(__file__).parent / "data" / "gpx-1.1.xsd"
EVIL = '<script>alert("x")</script> & Co'


def _problem(day: dt.date) -> RoutingProblem:
    depot = Depot("D1", "Main <depot>", 53.55, 10.0, 360, 1200)
    stops = (
        Stop("C1", EVIL, 53.60, 10.05, 50, 0.5, 480, 720, 10, 1),
        Stop("C2", "Müller & Söhne", 53.52, 10.10, 60, 0.4, 480, 900, 15, 2),
        Stop("C3", "=cmd|' /C calc'!A0", 53.58, 9.95, 40, 0.2, 600, 800, 10, 1),
        Stop("HEAVY", "Heavy goods", 53.50, 9.90, 9000, 1.0, 480, 900, 10, 1),
    )
    vehicles = (Vehicle("V1", "D1", 1000, 8, 50, 0.5, 25, 420, 1020),
                Vehicle("V2", "D1", 100, 2, 40, 0.4, 20, 420, 1020))
    lats = np.array([depot.lat] + [s.lat for s in stops])
    lons = np.array([depot.lon] + [s.lon for s in stops])
    km, minutes = DistanceModel(1.3, 30.0).matrices(lats, lons)
    return RoutingProblem(day, (depot,), vehicles, stops, km, minutes)


@pytest.fixture(scope="module")
def plans() -> list[tuple[RoutingProblem, RoutePlan]]:
    out = []
    for day in (dt.date(2026, 11, 23), dt.date(2026, 11, 24)):
        problem = _problem(day)
        result = solve_routing(problem, SolveLimits(time_limit_seconds=20, workers=1,
                                                      work_limit=200))
        out.append((problem, result.plan))
    return out


def test_geojson_parses_and_matches_the_schema(plans: list) -> None:
    export = route_export(plans)
    data = json.loads(geojson_bytes(export))
    collection = FeatureCollection.model_validate(data)  # RFC 7946 structure and types
    kinds = [f.properties["kind"] for f in collection.features]
    routes = [f for f in collection.features if f.properties["kind"] == "route"]
    assert len(routes) == sum(len(p.routes) for _, p in plans)
    assert kinds.count("depot") == 1 and kinds.count("unserved") == 2
    for feature in routes:
        coords = feature.geometry.coordinates
        assert feature.geometry.type == "LineString"
        assert coords[0] == coords[-1]  # depot to depot
        assert len(coords) == feature.properties["stops"] + 2
        assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in coords)
    stop = next(f for f in collection.features if f.properties["kind"] == "stop"
                and f.properties["customer_id"] == "C1")
    assert stop.geometry.coordinates == pytest.approx([10.05, 53.60])  # lon, lat
    assert stop.properties["name"] == EVIL
    assert re.fullmatch(r"\d\d:\d\d", stop.properties["arrival"])
    unserved = [f for f in collection.features if f.properties["kind"] == "unserved"]
    assert {f.properties["reason"] for f in unserved} == {REASON_TOO_LARGE}


def test_gpx_is_valid_gpx_11_and_lists_routes_with_their_stops(plans: list) -> None:
    export = route_export(plans)
    data = gpx_bytes(export)
    xmlschema.XMLSchema(str(XSD)).validate(data.decode("utf-8"))
    gpx = gpxpy.parse(data.decode("utf-8"))
    assert gpx.version == "1.1" and gpx.creator == "salesflow"
    assert len(gpx.routes) == len(export.routes)
    for route, exported in zip(gpx.routes, export.routes, strict=True):
        assert route.name == f"{exported.day} {exported.vehicle_id}"
        assert len(route.points) == len(exported.stops)
        customers = [p for p in route.points if p.type == "customer"]
        assert [p.comment for p in customers] == [f"customer {s.location_id}"
                                                   for s in exported.customers]
        assert all("arrival" in p.description for p in customers)
    names = {p.name for r in gpx.routes for p in r.points}
    assert any(EVIL in n for n in names)  # escaped in XML, intact once parsed
    assert {w.type for w in gpx.waypoints} == {"depot", "unserved"}


def test_gpx_schema_check_can_fail() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    broken = ('<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1" '
              'version="1.1" creator="x"><rte><rtept lat="95" lon="10"/></rte></gpx>')
    assert not schema.is_valid(broken)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _map_data(page: str) -> dict:
    parser = _Collector()
    parser.feed(page)
    blocks = [t for t in parser.scripts if t.lstrip().startswith("{")]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_html_map_is_self_contained_escaped_and_complete(plans: list) -> None:
    export = route_export(plans)
    page = html_bytes(export).decode("utf-8")
    parser = _Collector()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    # Leaflet and its images are inline: nothing is loaded from a file or a server.
    assert not any("src" in a or "href" in a for _, a in parser.tags)
    assert "link" not in tags and "L.tileLayer(D.tiles" in page
    assert "url(images/" not in page and "url(data:image/png;base64," in page
    # The customer name cannot open a tag: escaped in HTML, \u003c in the script's data.
    assert "<script>alert" not in page and "\\u003cscript\\u003ealert" in page
    data = _map_data(page)
    assert "Depot D1: Main <depot>" in [d["tip"] for d in data["depots"]]
    assert data["tiles"] is None  # default: no base map
    assert data["days"] == list(export.days)
    assert len(data["routes"]) == len(export.routes)
    assert {r["colour"] for r in data["routes"]} <= set(PALETTE)
    assert len({r["colour"] for r in data["routes"]}) == len(export.vehicles)
    for route, exported in zip(data["routes"], export.routes, strict=True):
        assert [s["seq"] for s in route["stops"]] == [s.sequence for s in exported.customers]
        for stop, record in zip(route["stops"], exported.customers, strict=True):
            assert stop["tip"] == f"{record.sequence}. {record.name}"
            assert any(record.arrival in line for line in stop["lines"])
            assert any(record.window_start in line for line in stop["lines"])
            assert any(line.startswith("Unload ") for line in stop["lines"])
    # The page shows the first day and only it: one layer group per day, show(0) at load.
    assert "show(0);" in page and "map.removeLayer(groups[shown])" in page


def test_html_map_tiles_from_the_config_or_off(plans: list) -> None:
    export = route_export(plans)
    url = "https://tiles.example/{z}/{x}/{y}.png"
    data = _map_data(html_bytes(export, url, "© test").decode("utf-8"))
    assert data["tiles"] == url and data["attribution"] == "© test"
    for off in ("off", "OFF", ""):
        assert _map_data(html_bytes(export, off).decode("utf-8"))["tiles"] is None


def test_html_map_and_run_sheets_in_traditional_chinese(plans: list) -> None:
    set_language("zh-TW")
    export = route_export(plans, title="配送路線")
    page = html_bytes(export).decode("utf-8")
    assert '<html lang="zh-Hant-TW">' in page and "未配送" in page
    stop = _map_data(page)["routes"][0]["stops"][0]
    assert any(line.startswith("預計抵達") for line in stop["lines"])
    sheets = run_sheets_html(export).decode("utf-8")
    assert "派車單" in sheets and "預計抵達" in sheets and "需求量超過最大車輛的載量" in sheets


def test_run_sheets_one_page_per_vehicle_and_day_with_what_to_unload(plans: list) -> None:
    export = route_export(plans)
    page = run_sheets_html(export).decode("utf-8")
    parser = _Collector()
    parser.feed(page)
    sheets = [a for t, a in parser.tags if t == "section" and a.get("data-vehicle")]
    assert [(a["data-day"], a["data-vehicle"]) for a in sheets] == sorted(
        (r.day, r.vehicle_id) for r in export.routes)
    assert "page-break-after: always" in page and "<script" not in page
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page
    first = sorted(export.routes, key=lambda r: (r.day, r.vehicle_id))[0]
    body = page.split('data-vehicle="', 1)[1].split("</section>", 1)[0]
    positions = [body.index(html.escape(s.name, quote=True)) for s in first.customers]
    assert positions == sorted(positions)  # stops in route order
    for stop in first.customers:
        assert f"{stop.window_start}–{stop.window_end}" in body and stop.arrival in body
    kg = sum(s.unload_kg for s in first.customers)
    assert f"{kg:,.1f}" in body.split("<tfoot>", 1)[1]  # the route's total to unload
    assert "Stops not delivered" in page and "HEAVY" in page


def test_exports_of_an_empty_plan_are_still_valid() -> None:
    export = route_export([])
    FeatureCollection.model_validate(json.loads(geojson_bytes(export)))
    xmlschema.XMLSchema(str(XSD)).validate(gpx_bytes(export).decode("utf-8"))
    assert _map_data(html_bytes(export).decode("utf-8"))["routes"] == []
    assert b"nothing to deliver" in run_sheets_html(route_export([], note="no vehicles"))


def test_a_customer_without_coordinates_is_named_in_every_file(plans: list) -> None:
    problem, plan = plans[0]
    nowhere = Stop("C9", "Nowhere Ltd", math.nan, math.nan, 12.5, 0.1, 480, 600, 5, 3)
    plan = replace(plan, unserved=(*plan.unserved, Unserved("C9", NO_COORDINATES)),
                   unplaced=(nowhere,))
    export = route_export([(problem, plan)])
    item = next(u for u in export.unserved if u.customer_id == "C9")
    assert item.name == "Nowhere Ltd" and not item.placed and item.orders == 3
    collection = FeatureCollection.model_validate(json.loads(geojson_bytes(export)))
    feature = next(f for f in collection.features if f.properties.get("customer_id") == "C9"
                   and f.properties["kind"] == "unserved")
    assert feature.geometry is None and feature.properties["unload_kg"] == 12.5
    xmlschema.XMLSchema(str(XSD)).validate(gpx_bytes(export).decode("utf-8"))
    assert "Nowhere Ltd" not in gpx_bytes(export).decode("utf-8")  # no coordinates, no waypoint
    assert "Nowhere Ltd" in html_bytes(export).decode("utf-8")  # listed beside the map
    assert "Nowhere Ltd" in run_sheets_html(export).decode("utf-8")
    row = routes_frame([(problem, plan)]).set_index("customer_id").loc["C9"]
    assert row["name"] == "Nowhere Ltd" and math.isnan(row["lat"]) and row["orders"] == 3


def test_typed_records_keep_identifiers_and_leading_zeros_as_text() -> None:
    data = (b"sku,po_id,quantity,price,code,empty,day\n"
            b"007,12,3,1.50,0012,,2026-11-23\n8,13,4,2,12,,2026-11-24\n")
    assert typed_records(data) == [
        {"sku": "007", "po_id": "12", "quantity": 3, "price": 1.5, "code": "0012",
         "empty": None, "day": "2026-11-23"},
        {"sku": "8", "po_id": "13", "quantity": 4, "price": 2.0, "code": "12",
         "empty": None, "day": "2026-11-24"}]

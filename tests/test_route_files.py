"""The route files of a stored plan as logistics takes them: ``weekly`` stores every one
(routes.csv, GeoJSON, GPX, the map, the run sheets), ``export`` hands each out before and after
``apply``, ``apply`` puts them in its export folder; GeoJSON validates with geojson-pydantic,
GPX against the GPX 1.1 XSD; JSON exports keep numbers as numbers; the map opens on the first
day and has no base map when ``[report] map_tiles = "off"``.

One ``weekly`` run on the tiny dataset (module fixture) serves every CI test here."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import xmlschema
from click.testing import CliRunner
from geojson_pydantic import FeatureCollection
from helpers import chromium_dom

from salesflow.cli.main import cli
from salesflow.data.dataset.config import OSM_TILES
from salesflow.data.store.plan_store import PlanStore
from salesflow.optimizer.plan_files import plan_route_files
from salesflow.optimizer.routing.exports import ROUTE_FILES

XSD = Path(__file__).parent / "data" / "gpx-1.1.xsd"
FORMATS = ("csv", "json", "geojson", "gpx", "html")


@dataclass(frozen=True)
class Stored:
    """A weekly plan of the tiny dataset, its exports before and after it was applied."""

    data: Path
    store: Path
    plan: int
    before: dict[str, bytes]
    after: dict[str, bytes]
    export_dir: Path


def _invoke(*args: object) -> str:
    result = CliRunner(env={"SALESFLOW_TRACEBACK": "1"}).invoke(
        cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _exports(store: Path, plan: int, folder: Path) -> dict[str, bytes]:
    out = {}
    for fmt in FORMATS:
        target = folder / f"routes.{fmt}"
        reply = json.loads(_invoke("export", plan, "--what", "routes", "--format", fmt,
                                   "--out", target, "--store", store, "--json"))
        assert reply["file"] == str(target) and reply["bytes"] == target.stat().st_size
        out[fmt] = target.read_bytes()
    return out


@pytest.fixture(scope="module")
def stored(tiny_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Stored:
    root = tmp_path_factory.mktemp("route-files")
    data = root / "data"
    shutil.copytree(tiny_master, data)
    store = root / "store"
    plan = json.loads(_invoke("weekly", "--data", data, "--store", store, "--time-limit", 1,
                              "--json"))["plan"]["id"]
    before = _exports(store, plan, root / "before")
    applied = json.loads(_invoke("apply", plan, "--store", store, "--json"))
    after = _exports(store, plan, root / "after")
    return Stored(data, store, plan, before, after, Path(applied["export_dir"]))


def _stored_file(stored: Stored, name: str) -> bytes:
    return PlanStore(str(stored.store)).read_file(stored.plan, name)


def test_weekly_stores_every_route_file_and_apply_hands_them_out(stored: Stored) -> None:
    names = {f.name for f in PlanStore(str(stored.store)).get_plan(stored.plan).files}
    assert set(ROUTE_FILES) <= names
    for name in ROUTE_FILES:
        assert (stored.export_dir / name).read_bytes() == _stored_file(stored, name)
    for fmt in ("csv", "geojson", "gpx", "html"):
        assert stored.before[fmt] == stored.after[fmt] == _stored_file(stored, f"routes.{fmt}")
    assert json.loads(stored.before["json"]) == json.loads(stored.after["json"])


def test_run_sheets_are_exported_too(stored: Stored, tmp_path: Path) -> None:
    out = tmp_path / "sheets.html"
    _invoke("export", stored.plan, "--what", "run_sheets", "--format", "html", "--out", out,
            "--store", stored.store)
    page = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(stored.before["csv"].decode())))
    routes = {(r["day"], r["vehicle_id"]) for r in rows if r["stop_type"] == "customer"}
    assert page.count('<section class="sheet" data-day=') == len(routes) > 0
    assert page.count("page-break-after: always") == 1  # the rule, once, in the stylesheet


def test_routes_carry_coordinates_and_names_of_the_customers(stored: Stored) -> None:
    customers = {r["customer_id"]: r for r in csv.DictReader(
        (stored.data / "customers.csv").open(encoding="utf-8"))}
    rows = list(csv.DictReader(io.StringIO(stored.before["csv"].decode())))
    visits = [r for r in rows if r["stop_type"] == "customer"]
    assert visits
    for row in visits:
        customer = customers[row["customer_id"]]
        assert row["name"] == customer["name"]
        assert float(row["lat"]) == pytest.approx(float(customer["lat"]), abs=1e-6)
        assert float(row["lon"]) == pytest.approx(float(customer["lon"]), abs=1e-6)
        assert (row["window_start"], row["window_end"]) == (customer["window_start"],
                                                            customer["window_end"])
        assert int(row["orders"]) >= 1 and float(row["unload_kg"]) >= 0
    # The schema has no address columns: none are invented.
    assert not {"address", "city", "postcode"} & set(rows[0])


def test_geojson_of_the_stored_plan_validates(stored: Stored) -> None:
    collection = FeatureCollection.model_validate(json.loads(stored.before["geojson"]))
    stops = [f for f in collection.features if f.properties["kind"] == "stop"]
    rows = [r for r in csv.DictReader(io.StringIO(stored.before["csv"].decode()))
            if r["stop_type"] == "customer"]
    assert len(stops) == len(rows)
    for feature, row in zip(stops, rows, strict=True):
        assert feature.properties["name"] == row["name"]
        assert feature.geometry.coordinates == pytest.approx([float(row["lon"]),
                                                              float(row["lat"])])
        assert isinstance(feature.properties["orders"], int)


def test_gpx_of_the_stored_plan_validates_against_gpx_11(stored: Stored) -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(stored.before["gpx"].decode("utf-8"))
    schema.validate((stored.export_dir / "routes.gpx").read_text(encoding="utf-8"))


def test_json_exports_keep_numbers_as_numbers(stored: Stored, tmp_path: Path) -> None:
    routes = json.loads(stored.before["json"])
    visit = next(r for r in routes if r["stop_type"] == "customer")
    assert isinstance(visit["sequence"], int) and isinstance(visit["orders"], int)
    assert isinstance(visit["lat"], float) and isinstance(visit["leg_km"], float)
    assert isinstance(visit["arrival"], str) and isinstance(visit["customer_id"], str)
    depot = next(r for r in routes if r["stop_type"] == "depot_start")
    assert depot["arrival"] is None and depot["orders"] is None  # empty cells are null
    for what, numeric in (("purchase", "quantity"), ("roster", None)):
        out = tmp_path / f"{what}.json"
        _invoke("export", stored.plan, "--what", what, "--format", "json", "--out", out,
                "--store", stored.store)
        records = json.loads(out.read_text())
        assert records
        if numeric:
            assert all(isinstance(r[numeric], int | float) for r in records)
            assert all(isinstance(r["sku"], str) for r in records)
        for record in records:
            assert not any(isinstance(v, str) and v.replace(".", "", 1).isdigit()
                           and k not in ("sku",) and not k.endswith("_id")
                           for k, v in record.items()), record


def test_the_stored_map_opens_on_the_first_day_with_osm_tiles(stored: Stored) -> None:
    page = stored.before["html"].decode("utf-8")
    data = json.loads(page.split('id="sf-data">', 1)[1].split("</script>", 1)[0])
    days = sorted({r["day"] for r in csv.DictReader(io.StringIO(stored.before["csv"].decode()))})
    assert data["days"] == days and data["tiles"] == OSM_TILES
    assert data["attribution"] == "© OpenStreetMap contributors"
    assert "show(0);" in page
    labels = [s["tip"] for r in data["routes"] for s in r["stops"]]
    assert labels and all(". " in label for label in labels)


def test_map_tiles_off_in_the_config_means_no_base_map(tiny_dir: Path, tmp_path: Path) -> None:
    config = tiny_dir / "config.toml"
    text = re.sub(r"(?m)^map_tiles = .*$", 'map_tiles = "off"', config.read_text("utf-8"))
    assert 'map_tiles = "off"' in text
    config.write_text(text, encoding="utf-8")
    _invoke("routes", "--data", tiny_dir, "--format", "html", "--out", tmp_path / "o",
            "--time-limit", 1, "--workers", 1)
    page = (tmp_path / "o" / "routes.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="sf-data">', 1)[1].split("</script>", 1)[0])
    assert data["tiles"] is None and data["routes"]


def test_a_plan_without_routing_gets_empty_route_files_saying_why() -> None:
    dataset = SimpleNamespace(config=SimpleNamespace(report=SimpleNamespace(
        map_tiles="off", map_attribution="")))
    plan = SimpleNamespace(routing=None, week_start=dt.date(2026, 11, 23),
                           skipped={"routing": "no vehicles.csv: no routes"})
    files = plan_route_files(dataset, plan)  # type: ignore[arg-type]
    assert set(files) == set(ROUTE_FILES)
    assert list(csv.reader(io.StringIO(files["routes.csv"].decode())))[1:] == []
    FeatureCollection.model_validate(json.loads(files["routes.geojson"]))
    xmlschema.XMLSchema(str(XSD)).validate(files["routes.gpx"].decode("utf-8"))
    assert b"no vehicles.csv: no routes" in files["routes.html"]
    assert b"no vehicles.csv: no routes" in files["run_sheets.html"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Delivery routes, week of", "Not delivered", "Vehicle")),
    ("zh-TW", ("配送路線", "未配送", "車輛"))])
def test_the_map_renders_in_headless_chromium_showing_the_first_day_only(
        tiny_dir: Path, tmp_path: Path, lang: str, words: tuple[str, ...]) -> None:
    _invoke("--lang", lang, "routes", "--data", tiny_dir, "--format", "html,csv", "--out",
            tmp_path / "o", "--time-limit", 1, "--workers", 1)
    rows = list(csv.DictReader((tmp_path / "o" / "routes.csv").open(encoding="utf-8")))
    days = sorted({r["day"] for r in rows})
    first = [r for r in rows if r["day"] == days[0]]
    assert len(days) > 1  # otherwise "the first day only" would prove nothing
    done = chromium_dom(tmp_path / "o" / "routes.html", tmp_path / "profile",
                        "--virtual-time-budget=5000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    dom = done.stdout
    assert f'data-shown-day="{days[0]}"' in dom
    assert all(word in dom for word in words)
    routes = dom.count('class="sf-route ')
    stops = dom.count('class="leaflet-marker-icon sf-stop sf-day-')
    assert routes == len({r["vehicle_id"] for r in first if r["stop_type"] == "customer"}) > 0
    assert routes == dom.count('class="sf-route sf-day-0 ')  # no other day's layer on the map
    assert stops == dom.count('class="leaflet-marker-icon sf-stop sf-day-0 ') == sum(
        r["stop_type"] == "customer" for r in first)
    labels = [r["sequence"] for r in first if r["stop_type"] == "customer"]
    assert all(f">{n}</span>" in dom for n in labels)  # numbered stop markers

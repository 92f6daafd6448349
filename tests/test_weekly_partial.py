"""A weekly plan on what a company has (issue 13 items 2 and 3): a sales export alone is
imported, planned (forecast and purchases), the stages without their tables are skipped with
their reasons, and the defaults the import assumed travel with the plan into its report."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import edit_table, set_cell

from salesflow.cli.main import cli
from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.assumptions import assumption_groups, read_assumptions
from salesflow.data.dataset.config import (
    ImportSection,
    PlanningConfig,
    default_config_toml,
    read_config,
)
from salesflow.data.errors import InvalidInputError
from salesflow.data.importing import ImportDefaults

LAST_SALE = dt.date(2026, 11, 21)  # a Saturday: the plan week is 2026-W48
PLAN_WEEK = "2026-W48"
ITEMS = [("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 2.55),
         ("71053", "WHITE METAL LANTERN", 3.39),
         ("84406B", "CREAM CUPID HEARTS COAT HANGER", 2.75),
         ("22752", "SET 7 BABUSHKA NESTING BOXES", 7.65),
         ("21730", "GLASS STAR FROSTED T-LIGHT HOLDER", 4.25)]


def write_online_retail(path: Path, weeks: int = 14, seed: int = 3) -> dict[str, int]:
    """An invoice log in the UCI Online Retail style: M/D/YYYY H:MM dates, StockCode,
    cancellations as C-invoices with negative quantities, some lines without CustomerID.
    Returns the number of lines and of cancellations written."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    invoice = 536365
    cancelled = 0
    day = LAST_SALE - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    while day <= LAST_SALE:
        if day.weekday() != 6:
            for _ in range(rng.randint(1, 3)):
                invoice += 1
                customer = "" if rng.random() < 0.1 else str(rng.choice(
                    [17850, 13047, 12583, 13748, 15100]))
                when = f"{day.month}/{day.day}/{day.year} {rng.randint(8, 17)}:" \
                       f"{rng.randint(0, 59):02d}"
                for code, name, price in rng.sample(ITEMS, rng.randint(1, 3)):
                    quantity = rng.randint(1, 24)
                    rows.append([invoice, code, name, quantity, when, price, customer,
                                 "United Kingdom"])
                    if rng.random() < 0.04:
                        cancelled += 1
                        rows.append([f"C{invoice}", code, name, -quantity, when, price,
                                     customer, "United Kingdom"])
        day += dt.timedelta(days=1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
                         "UnitPrice", "CustomerID", "Country"])
        writer.writerows(rows)
    return {"lines": len(rows), "cancelled": cancelled}


def _cli(*args: object) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def imported_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Import an Online Retail export alone, then plan its next week once (with --json)."""
    root = tmp_path_factory.mktemp("online-retail")
    export = root / "Online Retail.csv"
    written = write_online_retail(export)
    data, store = root / "shop", root / "store"
    imported = _cli("import", export, "--out", data, "--json")
    assert imported.exit_code == 0, imported.output
    weekly = _cli("weekly", "--data", data, "--store", store, "--time-limit", 5, "--json")
    return {"data": data, "store": store, "written": written,
            "import": json.loads(imported.stdout), "weekly": weekly}


def test_import_of_a_sales_export_alone_is_planned(imported_plan: dict[str, Any]) -> None:
    weekly = imported_plan["weekly"]
    assert weekly.exit_code == 0, weekly.output
    out = json.loads(weekly.stdout)
    assert imported_plan["import"]["returns"] == imported_plan["written"]["cancelled"] > 0
    assert out["plan"]["week"] == PLAN_WEEK
    folder = Path(out["folder"])
    forecast = pd.read_csv(folder / "forecast.csv", dtype={"sku": str})
    purchases = pd.read_csv(folder / "purchase_orders.csv", dtype={"sku": str})
    assert set(forecast["sku"]) == {code for code, _, _ in ITEMS}
    assert len(purchases) > 0 and set(purchases["sku"]) <= {code for code, _, _ in ITEMS}
    assert out["kpis"]["purchasing"]["lines"] == len(purchases)


def test_stages_without_their_tables_are_skipped_with_why(
        imported_plan: dict[str, Any]) -> None:
    out = json.loads(imported_plan["weekly"].stdout)
    skipped = {"staffing": "no employees.csv; no shifts.csv: no roster planned",
               "routing": "no customers.csv; no depots.csv; no vehicles.csv: no routes"}
    assert out["skipped"] == skipped
    kpis = out["kpis"]
    assert kpis["skipped"] == skipped
    assert kpis["staffing"] == {"not_planned": skipped["staffing"]}
    assert kpis["routing"] == {"not_planned": skipped["routing"]}
    stored = json.loads((Path(out["folder"]) / "kpis.json").read_text(encoding="utf-8"))
    assert stored["skipped"] == skipped
    # header-only tables for the stages not planned
    folder = Path(out["folder"])
    assert pd.read_csv(folder / "routes.csv").empty
    assert pd.read_csv(folder / "roster.csv").empty


def test_kpis_of_skipped_stages_are_not_planned_never_met(
        imported_plan: dict[str, Any]) -> None:
    kpis = json.loads(imported_plan["weekly"].stdout)["kpis"]
    targets = {t["kpi"]: t for t in kpis["targets"]}
    for kpi, stage in (("order_cycle_days", "staffing"), ("on_time_delivery_rate", "routing"),
                       ("logistics_cost_per_order", "routing")):
        row = targets[kpi]
        assert row["status"] == f"not planned: {kpis['skipped'][stage]}", kpi
        assert row["met"] is None and row["value"] is None and row["baseline"] is None
    operating = targets["unit_order_operating_cost"]
    assert operating["value"] is not None and operating["baseline"] is not None
    assert operating["status"].endswith("(without labour and logistics: not planned)")
    assert "labour left out" in operating["note"] and "logistics left out" in operating["note"]
    assert kpis["week_costs"]["plan"]["labour"] is None
    assert kpis["week_costs"]["plan"]["transport"] is None
    for kpi in ("procurement_cost_change", "inventory_turnover_per_month", "fill_rate"):
        assert targets[kpi]["status"] in ("met", "missed"), kpi


def test_the_summary_says_what_was_skipped_and_assumed(imported_plan: dict[str, Any]) -> None:
    data, store = imported_plan["data"], imported_plan["store"]
    shown = _cli("plans", "show", "1", "--store", store)
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert "staffing    skipped: no employees.csv; no shifts.csv: no roster planned" in text
    assert "routing     skipped: no customers.csv; no depots.csv; no vehicles.csv: no routes" \
        in text
    assumed = read_assumptions(data)
    assert assumed is not None and len(assumed) > 0
    assert f"{len(assumed)} values assumed (see assumptions.csv)" in text
    assert ("| On-time delivery rate | — | — | ≥ 95.0 % | not planned because no "
            "customers.csv") in text
    assert "n/a | not planned" not in text


def test_assumptions_are_stored_and_reported(imported_plan: dict[str, Any]) -> None:
    out = json.loads(imported_plan["weekly"].stdout)
    folder = Path(out["folder"])
    assumed = read_assumptions(imported_plan["data"])
    assert assumed is not None
    stored = pd.read_csv(folder / "assumptions.csv", dtype=str, keep_default_na=False)
    assert stored.equals(assumed)
    assert out["assumed"]["values"] == len(assumed) == out["kpis"]["assumed"]["values"]
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "<h2>Assumed, not data</h2>" in report
    assert f"{len(assumed):,} values in this plan's data are assumed, not data" in report
    groups = assumption_groups(assumed)
    for row in groups.itertuples(index=False):
        assert f"<td>{row.table}</td><td>{row.column}</td><td>{row.values}</td>" in report
    assert "<h2>Stages not planned</h2>" in report
    assert "none: not planned because no employees.csv; no shifts.csv: no roster planned" \
        in report


def test_a_plan_without_routes_or_roster_shows_applies_and_exports(
        imported_plan: dict[str, Any], tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(imported_plan["store"], store)
    shown = _cli("plans", "show", "1", "--store", store, "--json")
    assert shown.exit_code == 0, shown.output
    assert {f["name"] for f in json.loads(shown.stdout)["plan"]["files"]} >= {
        "routes.csv", "roster.csv", "assumptions.csv", "purchase_orders.csv"}
    applied = _cli("apply", "1", "--store", store, "--json")
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout)["orders"] > 0
    for what in ("purchase", "routes", "roster"):
        target = tmp_path / f"{what}.csv"
        exported = _cli("export", "1", "--what", what, "--out", target, "--store", store)
        assert exported.exit_code == 0, exported.output
        assert target.is_file()
    assert pd.read_csv(tmp_path / "routes.csv").empty
    diff = _cli("plans", "diff", "1", "1", "--store", store)
    assert diff.exit_code == 0 and "are the same" in diff.stdout
    listed = _cli("plans", "list", "--store", store)
    assert listed.exit_code == 0, listed.output
    row = listed.stdout.splitlines()[1].split()
    assert row[-3] == "-" and row[-1] == "met"  # no route km: routing was not planned


def test_routes_refuses_customers_without_coordinates_naming_rows(
        tiny_dir: Path, run_cli: Callable[..., Any]) -> None:
    dataset = load_dataset(tiny_dir)
    ids = list(dataset["customers"]["customer_id"])
    for row in (0, 2):
        edit_table(tiny_dir, "customers", set_cell("lat", "", row))
        edit_table(tiny_dir, "customers", set_cell("lon", "", row))
    result = run_cli("routes", "--data", tiny_dir, "--out", tiny_dir / "routes",
                     "--time-limit", 1)
    assert result.exit_code == 2
    err = result.stderr
    assert "Traceback" not in err
    assert f"customers.csv, row 2, column lat: value '': customer {ids[0]} has no " \
           "coordinates (lat/lon blank)" in err
    assert f"customers.csv, row 4, column lat: value '': customer {ids[2]} has no " \
           "coordinates" in err
    assert "--matrix" in err
    assert not (tiny_dir / "routes").exists()


def test_routes_on_a_dataset_without_fleet_says_so(tiny_dir: Path,
                                                   run_cli: Callable[..., Any]) -> None:
    (tiny_dir / "vehicles.csv").unlink()
    result = run_cli("routes", "--data", tiny_dir, "--out", tiny_dir / "routes")
    assert result.exit_code == 2
    assert "no vehicles.csv: routing needs customers, depots and vehicles" in result.stderr


def test_staff_on_a_dataset_without_employees_says_so(tiny_dir: Path,
                                                      run_cli: Callable[..., Any]) -> None:
    (tiny_dir / "employees.csv").unlink()
    result = run_cli("staff", "--data", tiny_dir, "--out", tiny_dir / "roster")
    assert result.exit_code == 2
    assert "no employees.csv: staffing needs employees and shifts" in result.stderr


def test_weekly_routes_the_customers_with_coordinates_only(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    dataset = load_dataset(tiny_dir)
    unplaced = list(dataset["customers"]["customer_id"])[:3]
    for row in range(3):
        edit_table(tiny_dir, "customers", set_cell("lat", "", row))
        edit_table(tiny_dir, "customers", set_cell("lon", "", row))
    result = run_cli("weekly", "--data", tiny_dir, "--store", tmp_path / "s",
                     "--time-limit", 1, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["skipped"] == {}
    routes = pd.read_csv(Path(out["folder"]) / "routes.csv", dtype=str, keep_default_na=False)
    visited = set(routes.loc[routes["stop_type"] == "customer", "customer_id"])
    assert not visited & set(unplaced)
    missing = routes[routes["note"].str.startswith("no coordinates")]
    assert len(missing) > 0 and set(missing["customer_id"]) <= set(unplaced)
    assert (missing["stop_type"] == "unserved").all()
    kpis = out["kpis"]["routing"]
    assert kpis["without_coordinates"] == len(missing)
    assert kpis["unserved"] >= kpis["without_coordinates"]
    assert kpis["orders"] > kpis["orders_delivered"]  # the unrouted orders count as not delivered


def test_weekly_skips_routing_when_no_customer_has_coordinates(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    edit_table(tiny_dir, "customers", lambda frame: frame.assign(lat="", lon=""))
    result = run_cli("weekly", "--data", tiny_dir, "--store", tmp_path / "s",
                     "--time-limit", 1)
    assert result.exit_code == 0, result.output
    assert ("routing     skipped: no customers with coordinates (lat/lon blank in "
            "customers.csv): no routes") in result.stdout
    assert "staffing    " in result.stdout and "staffing    skipped" not in result.stdout


def test_config_accepts_the_import_section() -> None:
    config = read_config("[import]\nmargin = 0.4\nlead_time_days = 10\ncategory = \"misc\"\n",
                         "config.toml")
    assert config.import_ == ImportSection(margin=0.4, lead_time_days=10, category="misc")
    assert config.to_dict()["import"]["lead_time_days"] == 10
    with pytest.raises(InvalidInputError) as caught:
        read_config("[import]\nmargin = 1.0\nmargins = 2\n", "config.toml")
    rules = {(p.column, p.rule) for p in caught.value.problems}
    assert ("import.margin", "must be < 1") in rules
    assert any(column == "import.margins" and rule.startswith("unknown key")
               for column, rule in rules)
    text = default_config_toml(PlanningConfig(import_=ImportSection(margin=0.2)),
                               with_import=True)
    assert read_config(text, "config.toml").import_.margin == 0.2
    assert "[import]" not in default_config_toml()


def test_import_defaults_are_the_config_section() -> None:
    # One declaration: the importer's defaults are config.toml's [import] section.
    assert ImportDefaults is ImportSection


def test_imported_config_states_the_defaults_used(imported_plan: dict[str, Any]) -> None:
    config = load_dataset(imported_plan["data"]).config
    assert config.import_ == ImportSection(**asdict(ImportDefaults()))
    assert "[import]" in (imported_plan["data"] / "config.toml").read_text(encoding="utf-8")


def test_assumptions_file_missing_a_column_is_named(tmp_path: Path) -> None:
    (tmp_path / "assumptions.csv").write_text("table,key,value\nskus,*,1\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_assumptions(tmp_path)
    assert {p.column for p in caught.value.problems} == {"column", "why"}
    assert "found: table, key, value" in caught.value.problems[0].rule
    assert read_assumptions(tmp_path / "nowhere") is None

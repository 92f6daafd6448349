"""Tables a company may not have (issue 13): absent or header-only optional tables give empty
typed tables, stated defaults and skipped stages; sales, skus and suppliers stay required."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from helpers import edit_table, set_cell

from salesflow.data.dataset import load_dataset, with_applied_orders
from salesflow.data.dataset.schema import MANUAL_PROCESS_STEPS, STAGE_TABLES, TABLES
from salesflow.data.errors import InvalidInputError

REQUIRED = ("sales", "skus", "suppliers")
OPTIONAL = tuple(name for name in TABLES if name not in REQUIRED)


@pytest.fixture
def minimal_dir(tiny_master: Path, tmp_path: Path) -> Path:
    """Sales, SKUs and suppliers only, as a company importing its ERP lines would have."""
    folder = tmp_path / "minimal"
    folder.mkdir()
    for name in REQUIRED:
        shutil.copy(tiny_master / f"{name}.csv", folder)
    return folder


def test_only_sales_skus_and_suppliers_are_required() -> None:
    assert {name for name, spec in TABLES.items() if spec.required} == set(REQUIRED)
    for name in OPTIONAL:
        assert TABLES[name].when_absent, f"{name} must say what its absence means"


def test_sales_skus_and_suppliers_alone_are_a_dataset(minimal_dir: Path,
                                                      tiny_master: Path) -> None:
    dataset = load_dataset(minimal_dir)
    full = load_dataset(tiny_master)

    assert dataset.absent_tables == OPTIONAL
    assert all(dataset.files[name] == "" for name in OPTIONAL)
    for name in OPTIONAL:
        table = dataset[name]
        assert list(table.columns) == list(full[name].columns), name
        if name != "process_steps":
            assert table.empty and not dataset.has(name), name
        for column in table.columns:  # the same kind of column as when the table is given
            assert table[column].dtype.kind == full[name][column].dtype.kind, (name, column)
    assert not dataset.has("process_steps") and dataset.defaulted == {"process_steps"}
    steps = dataset["process_steps"]
    assert list(steps.itertuples(index=False, name=None)) == list(MANUAL_PROCESS_STEPS)
    assert dataset.skipped_stages == {
        "routing": "no customers.csv; no depots.csv; no vehicles.csv",
        "staffing": "no employees.csv; no shifts.csv"}
    assert full.skipped_stages == {} and full.absent_tables == ("deliveries",)


def test_validate_says_what_every_absent_table_means(minimal_dir: Path,
                                                     run_cli: Callable[..., object]) -> None:
    result = run_cli("validate", "--data", minimal_dir)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "no inventory.csv: stock taken as 0" in out
    assert "no price_breaks.csv: no quantity discounts" in out
    assert "no open_orders.csv: nothing on the way" in out
    assert "no process_steps.csv: the manual's order-handling steps: receive_order 5" in out
    assert "process_steps          5 rows  (absent) -> the manual's defaults" in out
    assert "weekly skips routing: no customers.csv; no depots.csv; no vehicles.csv" in out
    assert "weekly skips staffing: no employees.csv; no shifts.csv" in out
    for name in OPTIONAL:
        assert f"no {name}.csv: " in out, name

    payload = json.loads(run_cli("validate", "--data", minimal_dir, "--json").stdout)
    assert payload["absent_tables"] == list(OPTIONAL)
    assert set(payload["skipped_stages"]) == set(STAGE_TABLES)
    assert len(payload["notes"]) == len(OPTIONAL)
    assert payload["tables"]["process_steps"] == {"file": "", "rows": 5, "defaults": True}


def test_absent_tables_are_named_in_the_datasets_format(minimal_dir: Path) -> None:
    for name in REQUIRED:
        path = minimal_dir / f"{name}.csv"
        pd.read_csv(path, dtype=str, keep_default_na=False).to_excel(
            minimal_dir / f"{name}.xlsx", index=False)
        path.unlink()
    dataset = load_dataset(minimal_dir)
    assert dataset.why_empty("inventory") == "no inventory.xlsx"
    assert "no inventory.xlsx: stock taken as 0" in dataset.notes()


@pytest.mark.parametrize("table", REQUIRED)
def test_sales_skus_and_suppliers_stay_required(table: str, minimal_dir: Path,
                                                run_cli: Callable[..., object]) -> None:
    (minimal_dir / f"{table}.csv").unlink()
    result = run_cli("validate", "--data", minimal_dir)
    assert result.exit_code == 2
    assert f"{table}.csv: missing file: the {table} table is required" in result.stderr


def test_references_into_absent_tables_are_not_checked(tiny_dir: Path,
                                                       run_cli: Callable[..., object]) -> None:
    """Vehicles without depots, sales without customers: nothing to check against; the
    stage that needs the missing table is skipped and validate says so."""
    for name in ("depots", "customers"):
        (tiny_dir / f"{name}.csv").unlink()
    dataset = load_dataset(tiny_dir)
    assert dataset.has("vehicles") and not dataset.has("depots")
    assert dataset.skipped_stages == {"routing": "no customers.csv; no depots.csv"}
    assert "staffing" not in dataset.skipped_stages

    result = run_cli("validate", "--data", tiny_dir)
    assert result.exit_code == 0, result.output
    assert "weekly skips routing: no customers.csv; no depots.csv" in result.stdout


def test_references_into_given_tables_are_still_checked(tiny_dir: Path) -> None:
    edit_table(tiny_dir, "sales", set_cell("customer_id", "C-NOBODY", 1))
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(tiny_dir)
    assert any(p.column == "customer_id" and p.row == 3 and p.value == "C-NOBODY"
               for p in caught.value.problems)


def test_customers_without_coordinates_are_accepted_and_noted(tiny_dir: Path) -> None:
    for row in (0, 2):
        edit_table(tiny_dir, "customers", set_cell("lat", "", row))
        edit_table(tiny_dir, "customers", set_cell("lon", "", row))
    dataset = load_dataset(tiny_dir)
    customers = dataset["customers"]
    assert customers["lat"].isna().sum() == 2 and customers["lat"].dtype == "float64"
    assert (f"customers.csv: 2 of {len(customers)} customers without coordinates "
            "(lat/lon blank): routing needs coordinates or a distance matrix for them"
            in dataset.notes())
    assert "routing" not in dataset.skipped_stages  # refused by routing, only if asked for


@pytest.mark.parametrize(("blank", "given"), [("lon", "lat"), ("lat", "lon")])
def test_one_coordinate_without_the_other_is_an_error(blank: str, given: str,
                                                      tiny_dir: Path) -> None:
    edit_table(tiny_dir, "customers", set_cell(blank, "", 3))
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(tiny_dir)
    [problem] = caught.value.problems
    assert (Path(problem.file).name, problem.row, problem.column) == ("customers.csv", 5, blank)
    assert f"lat and lon go together: {given} is" in problem.rule


def test_coordinates_given_are_still_bounded(tiny_dir: Path) -> None:
    edit_table(tiny_dir, "customers", set_cell("lon", "181", 0))
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(tiny_dir)
    assert [(p.row, p.column, p.rule) for p in caught.value.problems] == [
        (2, "lon", "must be >= -180 and <= 180")]


def test_header_only_process_steps_take_the_manuals_steps(tiny_dir: Path) -> None:
    edit_table(tiny_dir, "process_steps", lambda frame: frame.iloc[0:0])
    dataset = load_dataset(tiny_dir)
    assert len(dataset["process_steps"]) == len(MANUAL_PROCESS_STEPS)
    assert not dataset.has("process_steps")
    assert dataset.why_empty("process_steps") == "process_steps.csv has no rows"
    assert any(line.startswith("process_steps.csv has no rows: the manual's")
               for line in dataset.notes())


def test_applied_orders_give_an_absent_open_orders_table_rows(minimal_dir: Path) -> None:
    dataset = load_dataset(minimal_dir)
    sku = str(dataset.skus["sku"].iloc[0])
    week = dt.date(2030, 1, 7)
    applied = with_applied_orders(dataset, [{"po_id": "P1", "sku": sku, "quantity": 5,
                                             "arrival_date": "2030-01-08"}], week)
    assert applied.has("open_orders") and not dataset.has("open_orders")
    assert applied.why_empty("open_orders") is None

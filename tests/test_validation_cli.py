"""Every class of bad input is reported with file, row and column, exit code 2, no traceback,
and the plan store is left exactly as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from helpers import edit_table, set_cell, tree_snapshot

from salesflow.data.store.plan_store import PlanStore


@dataclass(frozen=True)
class BadCase:
    """Break ``table`` with ``change``; expect ``file`` (and row, column) in the message."""

    table: str
    change: Callable[[pd.DataFrame], pd.DataFrame] | None
    column: str | None
    row: int | None  # CSV line number of the bad cell (header is line 1)
    rule: str        # a fragment of the rule text
    file: str | None = None


def _drop_column(column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame.drop(columns=[column])


def _duplicate_first_row(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame.iloc[[0]]], ignore_index=True)


def _swap_breaks(key: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Make the first SKU's second break violate ``key``: 'min_qty' order or rising 'price'."""
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        sku = frame.loc[0, "sku"]
        second = frame.index[frame["sku"] == sku][1]
        if key == "min_qty":
            frame.loc[second, "min_qty"] = frame.loc[0, "min_qty"]
        else:
            frame.loc[second, "unit_price"] = str(float(frame.loc[0, "unit_price"]) + 0.01)
        return frame
    return change


def _second_break_line(folder: Path) -> int:
    frame = pd.read_csv(folder / "price_breaks.csv", dtype=str)
    return int(frame.index[frame["sku"] == frame.loc[0, "sku"]][1]) + 2


def _window_end_before_start(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[0, "window_start"], frame.loc[0, "window_end"] = "15:00", "09:00"
    return frame


def _min_above_max(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[0, "min_hours_week"], frame.loc[0, "max_hours_week"] = "38", "20"
    return frame


def _same_start_end(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[0, "end"] = frame.loc[0, "start"]
    return frame


CASES: dict[str, BadCase] = {
    "missing file": BadCase("skus", None, None, None, "missing file"),
    "missing column": BadCase("skus", _drop_column("unit_cost"), "unit_cost", None,
                              "missing column"),
    "unparsable number": BadCase("sales", set_cell("quantity", "three", 4), "quantity", 6,
                                 "must be a number"),
    "unparsable date": BadCase("sales", set_cell("order_date", "2026-02-30", 3), "order_date", 5,
                               "YYYY-MM-DD"),
    "unparsable time": BadCase("customers", set_cell("window_start", "8h30", 2), "window_start", 4,
                               "HH:MM"),
    "negative quantity": BadCase("sales", set_cell("quantity", "-3", 7), "quantity", 9, ">= 0"),
    "negative cost": BadCase("skus", set_cell("unit_cost", "-1.5", 1), "unit_cost", 3, ">= 0"),
    "duplicated key": BadCase("skus", _duplicate_first_row, "sku", None, "duplicate key"),
    "sku in sales not in skus": BadCase("sales", set_cell("sku", "NO-SUCH-SKU", 2), "sku", 4,
                                        "unknown sku"),
    "sku whose supplier is unknown": BadCase("skus", set_cell("supplier_id", "SUP-X", 0),
                                             "supplier_id", 2, "unknown supplier_id"),
    "vehicle whose depot is unknown": BadCase("vehicles", set_cell("depot_id", "D-X", 1),
                                              "depot_id", 3, "unknown depot_id"),
    "price breaks not increasing in min_qty": BadCase("price_breaks", _swap_breaks("min_qty"),
                                                      "min_qty", -1, "increase in min_qty"),
    "price breaks rising in price": BadCase("price_breaks", _swap_breaks("price"), "unit_price",
                                            -1, "must not rise"),
    "window_end before window_start": BadCase("customers", _window_end_before_start,
                                              "window_end", 2, "after window_start"),
    "latitude out of range": BadCase("customers", set_cell("lat", "91.5", 3), "lat", 5, "<= 90"),
    "longitude out of range": BadCase("depots", set_cell("lon", "-190", 0), "lon", 2, ">= -180"),
    "pack_size not positive": BadCase("skus", set_cell("pack_size", "0", 4), "pack_size", 6,
                                      ">= 1"),
    "lead time negative": BadCase("suppliers", set_cell("lead_time_days", "-2", 1),
                                  "lead_time_days", 3, ">= 0"),
    "min_hours_week above max_hours_week": BadCase("employees", _min_above_max, "min_hours_week",
                                                   2, "above max_hours_week"),
    "shift ends where it starts": BadCase("shifts", _same_start_end, "end", 2,
                                          "must not end where it starts"),
    "empty sales history": BadCase("sales", lambda frame: frame.iloc[0:0], None, None,
                                   "sales history is empty"),
}


@pytest.fixture
def store_with_plan(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    PlanStore(folder).save_plan(week="2026-W40", fingerprint="f" * 64, config={}, summary={},
                                data_dir="x", files={"kpis.json": b"{}\n"})
    return folder


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_reported_with_location_and_exit_2(
        name: str, tiny_dir: Path, store_with_plan: Path, run_cli: Callable[..., object]) -> None:
    case = CASES[name]
    if case.change is None:
        (tiny_dir / f"{case.table}.csv").unlink()
    else:
        edit_table(tiny_dir, case.table, case.change)
    row = _second_break_line(tiny_dir) if case.row == -1 else case.row
    before = tree_snapshot(store_with_plan)

    result = run_cli("weekly", "--data", tiny_dir, "--store", store_with_plan)

    assert result.exit_code == 2, result.output
    message = result.stderr
    assert "Traceback" not in message
    assert f"{case.table}.csv" in message
    assert case.rule in message
    expected = [f"{case.table}.csv"]
    if row is not None:
        expected.append(f"row {row}")
    if case.column is not None:
        expected.append(f"column {case.column}")
    assert any(all(part in line for part in expected) for line in message.splitlines()), message
    assert tree_snapshot(store_with_plan) == before


def test_validate_json_lists_every_problem(tiny_dir: Path, run_cli: Callable[..., object]) -> None:
    edit_table(tiny_dir, "sales", set_cell("quantity", "-1", 0))
    edit_table(tiny_dir, "customers", set_cell("lat", "abc", 1))
    edit_table(tiny_dir, "shifts", _same_start_end)

    result = run_cli("validate", "--data", tiny_dir, "--json")

    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    found = {(Path(p["file"]).name, p["row"], p["column"]) for p in payload["problems"]}
    assert {("sales.csv", 2, "quantity"), ("customers.csv", 3, "lat"),
            ("shifts.csv", 2, "end")} <= found


def test_validate_accepts_good_data(tiny_dir: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("validate", "--data", tiny_dir, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is True
    assert payload["tables"]["skus"]["rows"] == 20


def test_missing_data_folder(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("validate", "--data", tmp_path / "nope")
    assert result.exit_code == 2
    assert "no such dataset folder" in result.stderr


@pytest.mark.parametrize("table", ["skus", "suppliers"])
def test_a_required_table_without_rows_is_reported(table: str, tiny_dir: Path,
                                                   run_cli: Callable[..., object]) -> None:
    edit_table(tiny_dir, table, lambda frame: frame.iloc[0:0])
    result = run_cli("validate", "--data", tiny_dir)
    assert result.exit_code == 2
    assert f"{table}.csv: {table} has no rows" in result.stderr


@pytest.mark.parametrize(("table", "stage"), [("customers", "routing"), ("depots", "routing"),
                                              ("vehicles", "routing"), ("employees", "staffing"),
                                              ("shifts", "staffing")])
def test_an_optional_table_without_rows_skips_its_stage(table: str, stage: str, tiny_dir: Path,
                                                        run_cli: Callable[..., object]) -> None:
    """A company without a fleet or staff data leaves the table empty: valid, and validate
    says which weekly stage that leaves out (these tables were required before issue 13)."""
    edit_table(tiny_dir, table, lambda frame: frame.iloc[0:0])
    result = run_cli("validate", "--data", tiny_dir)
    assert result.exit_code == 0, result.output
    assert f"{table}.csv has no rows: no " in result.stdout
    assert f"weekly skips {stage}: {table}.csv has no rows" in result.stdout


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage\xff", b"a,b\n1,2,3,4\n"])
def test_unreadable_files_are_reported(content: bytes, tiny_dir: Path,
                                       run_cli: Callable[..., object]) -> None:
    (tiny_dir / "depots.csv").write_bytes(content)
    (tiny_dir / "shifts.csv").unlink()
    (tiny_dir / "shifts.parquet").write_bytes(content)
    result = run_cli("validate", "--data", tiny_dir)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "depots.csv" in result.stderr and "shifts.parquet" in result.stderr


def test_a_store_that_is_not_a_store(tiny_dir: Path, tmp_path: Path,
                                     run_cli: Callable[..., object]) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run_cli("weekly", "--data", tiny_dir, "--store", not_a_folder)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "salesflow.db").write_bytes(b"not a database" * 100)
    result = run_cli("plans", "list", "--store", garbage)
    assert result.exit_code == 2 and "salesflow.db" in result.stderr

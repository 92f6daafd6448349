"""Regressions of issue 17: tables with a header and no rows, and optional columns present but
blank in every row, are answered (exit 0, or exit 2 with a message), never a traceback.

With pandas 3 an empty column is read as text: a header-only ``price_breaks.csv`` made
validate, purchase and weekly die with ``TypeError: Invalid comparison between dtype=str and
ndarray``. Every table and every optional column of the schema is covered here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from helpers import edit_table, read_csv_text

from salesflow.data.dataset import empty_table, load_dataset
from salesflow.data.dataset.schema import TABLES

OPTIONAL_COLUMNS = [(table.name, col.name) for table in TABLES.values()
                    for col in table.columns if not col.required]
NO_ROWS_MESSAGE = {"sales": "sales.csv: the sales history is empty",
                   "skus": "skus.csv: skus has no rows",
                   "suppliers": "suppliers.csv: suppliers has no rows"}


def _write_header_only(folder: Path, table: str, fmt: str) -> None:
    for other in ("csv", "parquet", "xlsx"):
        (folder / f"{table}.{other}").unlink(missing_ok=True)
    columns = list(TABLES[table].column_names)
    frame = pd.DataFrame({name: pd.Series(dtype=str) for name in columns})
    path = folder / f"{table}.{fmt}"
    if fmt == "csv":
        path.write_text(",".join(columns) + "\n", encoding="utf-8")
    elif fmt == "xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_parquet(path, index=False)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_header_only_price_breaks_is_valid(fmt: str, tiny_dir: Path,
                                           run_cli: Callable[..., object]) -> None:
    """The named regression of issue 17: a company without price breaks."""
    _write_header_only(tiny_dir, "price_breaks", fmt)

    result = run_cli("validate", "--data", tiny_dir)

    assert result.exit_code == 0, result.output
    assert (f"price_breaks.{fmt} has no rows: no quantity discounts: every SKU is bought at "
            "its unit_cost") in result.stdout
    breaks = load_dataset(tiny_dir)["price_breaks"]
    assert breaks.empty
    assert breaks["min_qty"].dtype == "float64" and breaks["unit_price"].dtype == "float64"


def test_header_only_price_breaks_through_purchase(tiny_dir: Path, tmp_path: Path,
                                                   run_cli: Callable[..., object]) -> None:
    _write_header_only(tiny_dir, "price_breaks", "csv")
    result = run_cli("purchase", "--data", tiny_dir, "--store", tmp_path / "store",
                     "--out", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "purchase_orders.csv").is_file()


@pytest.mark.parametrize("table", list(TABLES))
def test_header_only_table_through_validate(table: str, tiny_dir: Path,
                                            run_cli: Callable[..., object]) -> None:
    _write_header_only(tiny_dir, table, "csv")

    result = run_cli("validate", "--data", tiny_dir)

    if TABLES[table].required:
        assert result.exit_code == 2, result.output
        assert NO_ROWS_MESSAGE[table] in result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert f"{table}.csv has no rows: {TABLES[table].when_absent}" in result.stdout
        loaded = load_dataset(tiny_dir)[table]
        expected = empty_table(TABLES[table])
        if table != "process_steps":  # the manual's steps stand in for none
            pd.testing.assert_frame_equal(loaded, expected)


@pytest.mark.parametrize(("table", "column"), OPTIONAL_COLUMNS,
                         ids=[f"{t}.{c}" for t, c in OPTIONAL_COLUMNS])
def test_optional_column_blank_in_every_row(table: str, column: str, tiny_dir: Path,
                                            run_cli: Callable[..., object]) -> None:
    path = tiny_dir / f"{table}.csv"
    if not path.exists():  # deliveries: not generated; give it one row
        path.write_text("order_id,customer_id,delivery_date,weight_kg,volume_m3\n"
                        f"SO-X,{read_csv_text(tiny_dir / 'customers.csv')['customer_id'][0]},"
                        "2026-11-24,2.5,0.01\n", encoding="utf-8")
    edit_table(tiny_dir, table, lambda frame: frame.assign(**{column: ""}))

    result = run_cli("validate", "--data", tiny_dir)

    if (table, column) in {("customers", "lat"), ("customers", "lon")}:
        other = "lon" if column == "lat" else "lat"
        assert result.exit_code == 2, result.output
        assert f"customers.csv, row 2, column {column}: value '': lat and lon go together: " \
               f"{other} is" in result.stderr
        return
    assert result.exit_code == 0, result.output
    loaded = load_dataset(tiny_dir)[table]
    spec = TABLES[table].column(column)
    expected = empty_table(TABLES[table])[column].dtype
    if spec.default is not None:
        assert (loaded[column] == spec.default).all()
    if expected.kind in "iu":  # an integer column with blanks keeps them: nullable
        assert loaded[column].dtype == "Int64"
    else:
        assert loaded[column].dtype == expected


def test_customers_blank_coordinates_in_every_row(tiny_dir: Path,
                                                  run_cli: Callable[..., object]) -> None:
    edit_table(tiny_dir, "customers", lambda frame: frame.assign(lat="", lon=""))
    result = run_cli("validate", "--data", tiny_dir)
    assert result.exit_code == 0, result.output
    assert "customers without coordinates (lat/lon blank)" in result.stdout


@pytest.mark.parametrize("table", sorted({table for table, _ in OPTIONAL_COLUMNS}))
def test_optional_columns_absent_are_typed_like_blank_ones(table: str, tiny_dir: Path) -> None:
    optional = [c.name for c in TABLES[table].columns if not c.required]
    edit_table(tiny_dir, table, lambda frame: frame.drop(columns=optional))
    dropped = load_dataset(tiny_dir)[table]
    edit_table(tiny_dir, table, lambda frame: frame.assign(**dict.fromkeys(optional, "")))
    blank = load_dataset(tiny_dir)[table]
    pd.testing.assert_frame_equal(dropped, blank)

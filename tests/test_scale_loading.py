"""A Parquet dataset is read columnar (each distinct cell typed once, rows as codes): the same
tables as from CSV, and the same problems, row for row, for bad cells."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.readers import read_table
from salesflow.data.errors import InvalidInputError
from salesflow.data.generator import generate_dataset, write_dataset


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    dataset = generate_dataset("tiny", 3)
    root = tmp_path_factory.mktemp("columnar")
    write_dataset(dataset, root / "csv", "csv")
    write_dataset(dataset, root / "parquet", "parquet")
    return root / "csv", root / "parquet"


def test_parquet_tables_equal_csv_tables(both: tuple[Path, Path]) -> None:
    from_csv, from_parquet = (load_dataset(folder) for folder in both)
    for name in from_csv.tables:
        pd.testing.assert_frame_equal(from_parquet[name], from_csv[name], obj=name)


def test_columnar_read_keeps_rows_as_codes(both: tuple[Path, Path]) -> None:
    raw, problems = read_table(both[1] / "sales.parquet", "sales", columnar=True)
    assert not problems and raw is not None
    assert all(isinstance(raw.frame[c].dtype, pd.CategoricalDtype) for c in raw.frame.columns)
    plain, _ = read_table(both[1] / "sales.parquet", "sales")
    assert plain is not None
    pd.testing.assert_frame_equal(raw.frame.astype(object), plain.frame.astype(object))


def _problems(folder: Path, shift: int) -> list[tuple[int | None, str | None, str | None, str]]:
    """The problems, rows shifted by ``shift`` (also "row N" in the rule), folder left out."""
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(folder)

    def rule(text: str) -> str:
        text = text.replace(str(folder), "DIR")
        return re.sub(r"\brow (\d+)", lambda m: f"row {int(m.group(1)) + shift}", text)

    return [(None if p.row is None else p.row + shift, p.column, p.value, rule(p.rule))
            for p in caught.value.problems]


def test_bad_cells_give_the_same_problems_as_csv(both: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    sales = pd.read_csv(both[0] / "sales.csv", dtype=str, keep_default_na=False)
    sales.loc[3, "order_date"] = "2024-13-01"
    sales.loc[5, "quantity"] = "-4"
    sales.loc[7, "customer_id"] = ""
    sales.loc[9, "sku"] = "NO-SUCH-SKU"
    sales.loc[11, "order_time"] = "25:00"
    sales.loc[12, "unit_price"] = "abc"
    found = {}
    for fmt in ("csv", "parquet"):
        folder = tmp_path / fmt
        shutil.copytree(both[0], folder)
        (folder / "sales.csv").unlink()
        if fmt == "csv":
            sales.to_csv(folder / "sales.csv", index=False)
        else:
            sales.to_parquet(folder / "sales.parquet", index=False)
        # row numbers: the CSV's line (header = 1), the Parquet's record (first = 1)
        found[fmt] = _problems(folder, -1 if fmt == "csv" else 0)
    assert len(found["parquet"]) >= 6
    assert found["parquet"] == found["csv"]

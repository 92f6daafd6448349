"""Readers of forecasting inputs: any long table, and the M3 files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset.long_table import infer_date_freq, read_long_table
from salesflow.data.errors import InvalidInputError, UserError
from salesflow.data.instances.m3 import read_m3


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _problems(info: pytest.ExceptionInfo[InvalidInputError]) -> list[tuple]:
    return [(p.row, p.column, p.value) for p in info.value.problems]


def test_reads_integer_and_date_tables(tmp_path: Path) -> None:
    ints = read_long_table(_write(tmp_path / "a.csv", "unique_id,ds,y\nA,1,5\nA,2,6\nA,3,7\n"
                                                      "B,10,1\nB,11,2\n"))
    assert ints.freq is None and ints.step == 1 and ints.n_series == 2
    assert ints.frame["ds"].dtype == "int64"
    dates = read_long_table(_write(tmp_path / "b.csv", "UNIQUE_ID,DS,Y,extra\n"
                                   "A,2024-01-01,5,x\nA,2024-02-01,6,x\nA,2024-03-01,7,x\n"))
    assert dates.freq == "MS"
    assert dates.frame["ds"].iloc[-1] == pd.Timestamp("2024-03-01")


def test_reads_gzip_and_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame({"unique_id": ["A"] * 4, "ds": [1, 2, 3, 4], "y": [1.0, 2, 3, 4]})
    gz = tmp_path / "s.csv.gz"
    gz.write_bytes(gzip.compress(frame.to_csv(index=False).encode()))
    assert read_long_table(gz).frame["y"].tolist() == [1, 2, 3, 4]
    frame.to_parquet(tmp_path / "s.parquet")
    assert read_long_table(tmp_path / "s.parquet").n_series == 1


def test_bad_cells_name_file_row_column_and_series(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv",
                  "unique_id,ds,y\nA,1,5\nA,2,abc\nA,3,\nB,1,2\nB,x,3\n")
    with pytest.raises(InvalidInputError) as info:
        read_long_table(path)
    problems = info.value.problems
    assert all(p.file == str(path) for p in problems)
    assert _problems(info) == [(3, "y", "abc"), (4, "y", None), (6, "ds", "x")]
    assert "series 'A'" in problems[0].rule and "y must be a number" in problems[0].rule
    assert "y is missing" in problems[1].rule
    assert "series 'B'" in problems[2].rule


def test_duplicates_and_gaps_are_reported_with_rows(tmp_path: Path) -> None:
    dup = _write(tmp_path / "dup.csv", "unique_id,ds,y\nA,1,5\nA,2,6\nA,2,7\n")
    with pytest.raises(InvalidInputError) as info:
        read_long_table(dup)
    assert _problems(info) == [(4, "ds", "2")]
    assert "first on row 3" in info.value.problems[0].rule
    gap = _write(tmp_path / "gap.csv", "unique_id,ds,y\nA,1,5\nA,2,6\nA,3,6\nB,1,1\nB,3,2\n")
    with pytest.raises(InvalidInputError, match="series 'B' is irregular") as info:
        read_long_table(gap)
    assert _problems(info) == [(6, "ds", "3")]
    dates = _write(tmp_path / "d.csv", "unique_id,ds,y\nA,2024-01-01,1\nA,2024-01-08,2\n"
                                       "A,2024-01-22,3\nA,2024-01-29,3\n")
    with pytest.raises(InvalidInputError, match="expected 2024-01-15 after 2024-01-08"):
        read_long_table(dates)


def test_missing_columns_files_and_formats(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="required column is missing"):
        read_long_table(_write(tmp_path / "c.csv", "unique_id,y\nA,1\n"))
    with pytest.raises(UserError, match="file not found"):
        read_long_table(tmp_path / "nope.csv")
    with pytest.raises(UserError, match=r"\.csv, \.csv\.gz"):
        read_long_table(_write(tmp_path / "x.txt", "a"))


def test_infer_date_freq_from_the_common_step() -> None:
    weekly = pd.DataFrame({"unique_id": "A",
                           "ds": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-22"])})
    assert infer_date_freq(weekly) == "W-MON"


def _m3_folder(tmp_path: Path) -> Path:
    train = pd.DataFrame({"unique_id": ["N1"] * 10 + ["N2"] * 12,
                          "ds": list(range(1, 11)) + list(range(1, 13)),
                          "y": [float(v) for v in range(1, 23)]})
    test = pd.DataFrame({"unique_id": ["N1"] * 2 + ["N2"] * 2, "ds": [11, 12, 13, 14],
                         "y": [11.0, 12.0, 23.0, 24.0]})
    train.to_csv(tmp_path / "m3_other_train.csv.gz", index=False)
    test.to_csv(tmp_path / "m3_other_test.csv.gz", index=False)
    spec = {"groups": {"other": {"h": 2, "season_length": 1}}}
    (tmp_path / "m3_spec.json").write_text(json.dumps(spec), encoding="utf-8")
    return tmp_path


def test_m3_reader_checks_the_split(tmp_path: Path) -> None:
    folder = _m3_folder(tmp_path)
    data = read_m3(folder, "other")
    assert (data.horizon, data.season_length, data.n_series) == (2, 1, 2)
    assert data.head(1).n_series == 1
    with pytest.raises(InvalidInputError, match="continue the train index"):
        test = pd.read_csv(folder / "m3_other_test.csv.gz")
        test.loc[test["unique_id"] == "N2", "ds"] = [20, 21]
        test.to_csv(folder / "m3_other_test.csv.gz", index=False)
        read_m3(folder, "other")
    with pytest.raises(UserError, match="group must be one of"):
        read_m3(folder, "weekly")
    with pytest.raises(UserError, match="file not found"):
        read_m3(folder, "yearly")

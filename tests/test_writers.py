"""Output files: spreadsheet formula neutralization and JSON."""

from __future__ import annotations

import io
import json
import math

import pandas as pd

from salesflow.data.outputs.writers import (
    csv_bytes,
    json_bytes,
    neutralize_cell,
    write_atomic,
    write_files_atomically,
)


def test_formula_cells_are_neutralized_numbers_are_not() -> None:
    assert neutralize_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert neutralize_cell("@SUM(A1)") == "'@SUM(A1)"
    assert neutralize_cell("+1+2") == "'+1+2"
    assert neutralize_cell("-3.5") == "-3.5"
    assert neutralize_cell("+7") == "+7"
    assert neutralize_cell("Bolt M8") == "Bolt M8"
    assert neutralize_cell(-3) == -3


def test_csv_bytes_round_trip() -> None:
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "ok"], "qty": [1.5, -2.0]})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)))
    assert back["name"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert back["qty"].tolist() == [1.5, -2.0]


def test_csv_bytes_keeps_a_row_whose_cell_holds_a_carriage_return() -> None:
    """A name with a bare carriage return (an ERP's text field): the row stays one row."""
    frame = pd.DataFrame({"name": ["Tea\rbox", "Mug\r\nwhite", "ok"], "qty": [1, 2, 3]})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)))
    assert back["name"].tolist() == ["Tea\nbox", "Mug\nwhite", "ok"]
    assert back["qty"].tolist() == [1, 2, 3]


def test_json_bytes_handles_nan_and_numpy() -> None:
    import datetime as dt

    import numpy as np

    payload = {"a": math.nan, "b": np.int64(3), "c": dt.date(2026, 1, 5), "d": (1, 2)}
    assert json.loads(json_bytes(payload)) == {"a": None, "b": 3, "c": "2026-01-05", "d": [1, 2]}


def test_write_atomic_replaces_whole_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from salesflow.data.outputs.writers import write_atomic, write_files_atomically

    target = write_atomic(tmp_path / "a" / "x.csv", b"one")
    assert target.read_bytes() == b"one"
    write_files_atomically(tmp_path / "a", {"x.csv": b"two", "y.json": b"{}"})
    assert (tmp_path / "a" / "x.csv").read_bytes() == b"two"

    class Boom(dict):  # type: ignore[type-arg]
        def items(self):  # type: ignore[no-untyped-def]
            yield "x.csv", b"three"
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_files_atomically(tmp_path / "a", Boom())
    assert (tmp_path / "a" / "x.csv").read_bytes() == b"two"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["x.csv", "y.json"]


def test_xlsx_bytes_neutralizes_and_round_trips() -> None:
    from salesflow.data.outputs.writers import xlsx_bytes

    frame = pd.DataFrame({"name": ["=SUM(A1)", "Bolt"], "qty": [3, 4], "price": [1.5, math.nan]})
    back = pd.read_excel(io.BytesIO(xlsx_bytes({"lines": frame})), sheet_name="lines")
    assert back["name"].tolist() == ["'=SUM(A1)", "Bolt"]
    assert back["qty"].tolist() == [3, 4]
    assert back["price"].iloc[0] == 1.5 and math.isnan(back["price"].iloc[1])


def test_written_files_get_the_usual_permissions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import stat

    mask = os.umask(0o022)
    try:
        one = write_atomic(tmp_path / "one.csv", b"a\n")
        (two,) = write_files_atomically(tmp_path / "plan", {"two.csv": b"b\n"})
    finally:
        os.umask(mask)
    for path in (one, two):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644

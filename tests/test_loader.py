"""Reading and parsing: formats, cell types, row numbers, config.toml."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import edit_table, read_csv_text, set_cell
from hypothesis import given
from hypothesis import strategies as st

from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.config import (
    PlanningConfig,
    default_config_toml,
    parse_iso_week,
    read_config,
)
from salesflow.data.dataset.parsing import (
    parse_bool,
    parse_date,
    parse_date_list,
    parse_float,
    parse_integer,
    parse_time,
    parse_weekday_list,
)
from salesflow.data.dataset.validation import ProblemCollector
from salesflow.data.errors import InvalidInputError


def _text(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def test_parse_time_accepts_hh_mm_and_rejects_the_rest() -> None:
    parsed = parse_time(_text("08:30", "8:05", "24:00", "23:59:00", "", "24:01", "7.30", "12:60"))
    assert parsed.values.iloc[:4].tolist() == [510, 485, 1440, 1439]
    assert parsed.bad.tolist() == [False] * 5 + [True] * 3


def test_parse_integer_accepts_integral_floats_only() -> None:
    parsed = parse_integer(_text("12", "12.0", "1e2", "12.5", "x", "", "9.3e18"))
    assert parsed.values.iloc[:3].tolist() == [12, 12, 100]
    assert parsed.bad.tolist() == [False, False, False, True, True, False, True]


def test_parse_float_rejects_non_finite_and_commas() -> None:
    parsed = parse_float(_text("1.5", "-2", "inf", "nan", "1,5", ""))
    assert parsed.bad.tolist() == [False, False, True, True, True, False]


def test_parse_date_is_strict() -> None:
    parsed = parse_date(_text("2026-01-05", "2026-02-30", "05/01/2026", "", "3000-01-01",
                              "1600-06-01"))
    assert parsed.values.iloc[0] == pd.Timestamp("2026-01-05")
    assert parsed.bad.tolist() == [False, True, True, False, True, True]


def test_parse_bool_and_weekdays() -> None:
    assert parse_bool(_text("Yes", "0", "maybe")).bad.tolist() == [False, False, True]
    weekdays = parse_weekday_list(_text("Mon;thu", "monday", "Mo", ""))
    assert weekdays.values.iloc[0] == (0, 3)
    assert weekdays.values.iloc[1] == (0,)
    assert weekdays.bad.tolist() == [False, False, True, False]


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_parse_float_round_trips_any_finite_number(value: float) -> None:
    parsed = parse_float(_text(repr(value)))
    assert not parsed.bad[0]
    assert parsed.values.iloc[0] == value


@given(st.lists(st.text(max_size=12), max_size=20))
def test_parsers_never_raise_on_any_text(cells: list[str]) -> None:
    text = _text(*[c.strip() for c in cells])
    for parser in (parse_float, parse_integer, parse_date, parse_time, parse_bool,
                   parse_weekday_list, parse_date_list):
        parsed = parser(text)
        assert len(parsed.bad) == len(cells)
        assert not parsed.bad[(text == "").to_numpy()].any()


def test_row_numbers_survive_blank_lines(tiny_dir: Path) -> None:
    path = tiny_dir / "skus.csv"
    lines = path.read_text().splitlines()
    lines.insert(2, "")  # a blank line 3: the SKU of old line 3 moves to line 4
    fields = lines[3].split(",")
    fields[4] = "-7"  # unit_cost
    lines[3] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    assert [(p.row, p.column) for p in info.value.problems] == [(4, "unit_cost")]


def test_same_tables_from_csv_parquet_and_xlsx(tiny_dir: Path, tmp_path: Path) -> None:
    from salesflow.data.generator import generate_dataset, write_dataset

    reference = load_dataset(tiny_dir)
    for fmt in ("parquet", "xlsx"):
        folder = tmp_path / fmt
        write_dataset(generate_dataset("tiny", 0), folder, fmt)
        other = load_dataset(folder)
        assert other.files["sales"].endswith(f"sales.{fmt}")
        for name, frame in reference.tables.items():
            pd.testing.assert_frame_equal(other.tables[name], frame, check_dtype=False,
                                          obj=f"{fmt} {name}")


def test_xlsx_with_native_cells(tiny_dir: Path) -> None:
    frame = read_csv_text(tiny_dir / "open_orders.csv")
    typed = frame.assign(quantity=frame["quantity"].astype(float),
                         arrival_date=pd.to_datetime(frame["arrival_date"]))
    (tiny_dir / "open_orders.csv").unlink()
    typed.to_excel(tiny_dir / "open_orders.xlsx", index=False)
    dataset = load_dataset(tiny_dir)
    assert dataset["open_orders"]["arrival_date"].dt.date.tolist() == \
        pd.to_datetime(frame["arrival_date"]).dt.date.tolist()


def test_a_table_given_twice_is_ambiguous(tiny_dir: Path) -> None:
    shutil.copy(tiny_dir / "depots.csv", tiny_dir / "depots.xlsx")
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    assert any("more than one file" in p.rule for p in info.value.problems)


def test_duplicate_header_and_non_utf8(tiny_dir: Path) -> None:
    path = tiny_dir / "depots.csv"
    lines = path.read_text().splitlines()
    path.write_text(lines[0] + ",name\n" + "\n".join(x + "," for x in lines[1:]) + "\n")
    (tiny_dir / "shifts.csv").write_bytes("shift_id,start,end,break_minutes\nfrüh,06:00,14:00,30\n"
                                          .encode("latin-1"))
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    rules = {Path(p.file).name: p.rule for p in info.value.problems}
    assert "appears twice" in rules["depots.csv"]
    assert "UTF-8" in rules["shifts.csv"]


def test_header_names_are_case_and_space_insensitive(tiny_dir: Path) -> None:
    path = tiny_dir / "depots.csv"
    lines = path.read_text().splitlines()
    lines[0] = ", ".join(name.upper() for name in lines[0].split(","))
    path.write_text("\n".join(lines) + "\n")
    assert len(load_dataset(tiny_dir)["depots"]) >= 1


def test_optional_tables_and_manual_process_steps(tiny_dir: Path) -> None:
    for name in ("price_breaks", "open_orders", "process_steps"):
        (tiny_dir / f"{name}.csv").unlink(missing_ok=True)
    dataset = load_dataset(tiny_dir)
    assert dataset["price_breaks"].empty and dataset["open_orders"].empty
    assert dataset["process_steps"]["minutes_per_order"].tolist() == [5, 15, 30, 20, 10]


def test_order_lines_must_agree_on_date_and_customer(tiny_dir: Path) -> None:
    sales = read_csv_text(tiny_dir / "sales.csv")
    order = sales["order_id"].iloc[0]
    rows = sales.index[sales["order_id"] == order]
    if len(rows) < 2:  # make a two-line order
        sales = pd.concat([sales, sales.iloc[[0]].assign(sku=sales["sku"].iloc[-1])],
                          ignore_index=True)
        rows = sales.index[sales["order_id"] == order]
    other = "2020-01-01"

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame = sales.copy()
        frame.loc[rows[1], "order_date"] = other
        return frame

    edit_table(tiny_dir, "sales", change)
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    problem = info.value.problems[0]
    assert (problem.column, problem.row, problem.value) == ("order_date", rows[1] + 2, other)


def test_price_break_above_unit_cost(tiny_dir: Path) -> None:
    edit_table(tiny_dir, "price_breaks", set_cell("unit_price", "99999", 0))
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    assert any("above its unit_cost" in p.rule and p.row == 2 for p in info.value.problems)


def test_problems_are_capped_per_rule_but_counted() -> None:
    out = ProblemCollector(cap=3)
    out.add_rows("f.csv", range(2, 12), "x", ["-1"] * 10, "must be >= 0")
    problems = out.problems
    assert len(problems) == 4
    assert "7 more rows" in problems[-1].rule


def test_config_defaults_round_trip_and_bad_keys(tiny_dir: Path) -> None:
    assert read_config(default_config_toml(), "config.toml") == PlanningConfig()
    (tiny_dir / "config.toml").write_text(
        '[routing]\naverage_speed_kmh = "fast"\nspeed = 3\n[planning]\nweek = "2026-W60"\n')
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    found = {(p.column, p.rule.split(";")[0]) for p in info.value.problems}
    assert ("routing.average_speed_kmh", "must be a number") in found
    assert any(col == "routing.speed" for col, _ in found)
    assert any(col == "planning.week" for col, _ in found)


def test_config_toml_syntax_error_names_the_line(tiny_dir: Path) -> None:
    (tiny_dir / "config.toml").write_text("[planning]\nhorizon_weeks = = 3\n")
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    assert info.value.problems[0].row == 2


def test_iso_weeks() -> None:
    assert parse_iso_week("2026-W48") == dt.date(2026, 11, 23)
    assert parse_iso_week("2020-W53") == dt.date(2020, 12, 28)
    for bad in ("2026-48", "2021-W53", "2026-W00"):
        with pytest.raises(ValueError):
            parse_iso_week(bad)


def test_fingerprint_changes_with_any_input_byte(tiny_dir: Path) -> None:
    first = load_dataset(tiny_dir).fingerprint
    assert load_dataset(tiny_dir).fingerprint == first
    path = tiny_dir / "inventory.csv"
    path.write_text(path.read_text() + "\n")
    assert load_dataset(tiny_dir).fingerprint != first


def test_bad_value_in_an_optional_column_is_reported_not_crashed(tiny_dir: Path) -> None:
    edit_table(tiny_dir, "sales", set_cell("promo", "maybe", 4))
    with pytest.raises(InvalidInputError) as info:
        load_dataset(tiny_dir)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(6, "promo", "maybe")]


def test_parquet_cells_read_like_csv_cells(tmp_path: Path) -> None:
    from salesflow.data.dataset.readers import _cell_text, _column_text

    frame = pd.DataFrame({
        "f": [1.0, 2.5, np.nan, -0.1, 1e20], "i": [1, 2, 3, 4, 5],
        "d": pd.to_datetime(["2026-01-05", None, "2026-01-07", "2026-01-08", "2026-01-09"]),
        "s": [" a ", None, "b", "", "c"], "b": [True, False, True, True, False],
        "o": [1, "x", None, 2.0, dt.date(2026, 1, 5)]})
    for name in frame.columns:
        expected = [_cell_text(v) for v in frame[name].astype(object)]
        assert _column_text(frame[name]).tolist() == expected, name

"""`salesflow import` errors a spreadsheet user can act on (exit 2, file/row/column/value named,
nothing written), and the mapping and defaults files taken back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

HEADER = "Invoice No,Invoice Date,Customer ID,SKU,Quantity,Unit Price\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_ambiguous_dates_stop_and_name_a_row(run_cli: Callable[..., object],
                                              tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", HEADER + "1,5/5/2026,c,x,1,2\n2,1/2/2026,c,x,1,2\n"
                 "3,3/4/2026,c,y,2,2\n")
    out = tmp_path / "out"
    result = run_cli("import", src, "--out", out)
    assert result.exit_code == 2
    assert "s.csv, row 3, column Invoice Date: value '1/2/2026'" in result.stderr
    assert "--date-format DMY" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".out*"))
    fixed = run_cli("import", src, "--out", out, "--date-format", "D/M/YYYY", "--json")
    assert fixed.exit_code == 0, fixed.output
    sales = pd.read_csv(out / "sales.csv", dtype=str)
    assert list(sales["order_date"]) == ["2026-05-05", "2026-02-01", "2026-04-03"]


def test_wrong_encoding_names_the_line(run_cli: Callable[..., object], tmp_path: Path) -> None:
    src = _write(tmp_path / "big5.csv", "Order ID,Order Date,SKU,Qty,Name\n"
                 "A1,2026-01-05,P1,1,bolt\nA2,2026-01-05,P2,2,螺絲\n", "cp950")
    result = run_cli("import", src, "--out", tmp_path / "out", "--encoding", "utf-8")
    assert result.exit_code == 2
    assert "big5.csv, row 3" in result.stderr and "line 3 (byte 76)" in result.stderr
    assert "cannot be read as utf-8" in result.stderr and "--encoding" in result.stderr
    detected = run_cli("import", src, "--out", tmp_path / "ok", "--json")
    assert detected.exit_code == 0, detected.output
    assert json.loads(detected.stdout)["files"][0]["encoding"] == "cp950"


def test_unplaced_columns_are_listed(run_cli: Callable[..., object], tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", "Order ID,Order Date,SKU,Qty,Remarks,Salesperson\n"
                 "1,2026-01-05,x,1,rush,Ann\n")
    result = run_cli("import", src, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "not imported (no field): Remarks, Salesperson" in result.stdout
    country = run_cli("import", _write(tmp_path / "c.csv", "Order ID,Order Date,SKU,Qty,Country\n"
                                       "1,2026-01-05,x,1,TW\n"), "--out", tmp_path / "o2")
    assert "Country -> country  (recognised, not kept in the dataset)" in country.stdout
    mapping = (tmp_path / "out" / "mapping.toml").read_text(encoding="utf-8")
    assert '"Remarks" = ""  # not placed' in mapping


def test_unrecognised_file_lists_the_columns_found(run_cli: Callable[..., object],
                                                    tmp_path: Path) -> None:
    src = _write(tmp_path / "notes.csv", "Remark,Author\nhello,Ann\n")
    result = run_cli("import", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "cannot tell what this file holds" in result.stderr
    assert "columns found: 'Remark', 'Author'" in result.stderr


def test_bad_numbers_name_decimal_commas_once(run_cli: Callable[..., object],
                                              tmp_path: Path) -> None:
    rows = "".join(f"{i};05.01.2026;c;x;{q};2,5\n" for i, q in
                   enumerate(["1,5", "two", "3", "n/a", "4,25"]))
    src = _write(tmp_path / "eu.csv", HEADER.replace(",", ";") + rows, "cp1252")
    result = run_cli("import", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if "decimal commas" in ln]
    assert len(lines) == 1
    assert "row 3, column Quantity: value 'two'" in lines[0]
    assert "2 cell(s) of quantity are not numbers (rows 3, 5)" in lines[0]


@pytest.mark.parametrize(("cell", "unit"), [("12 pcs", "pcs"), ("3 箱", "箱"), ("2.5kg", "kg")])
def test_quantities_with_units_are_refused_naming_the_unit(run_cli: Callable[..., object],
                                                           tmp_path: Path, cell: str,
                                                           unit: str) -> None:
    """A unit after the number is not read away: 3 boxes are not 3 pieces. Exit 2, naming the
    cell and the unit, not a decimal mark."""
    src = _write(tmp_path / "u.csv", f"Order,Date,SKU,Qty\nS1,2026-01-05,X-1,{cell}\n"
                                     "S2,2026-01-06,X-2,4\n")
    result = run_cli("import", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"row 2, column Qty: value '{cell}'" in result.stderr
    assert f"1 cell(s) of quantity carry a unit ('{unit}') after the number (row 2)" \
        in result.stderr
    assert "decimal" not in result.stderr and not (tmp_path / "out").exists()


def test_bad_date_shows_expected_and_seen_formats(run_cli: Callable[..., object],
                                                  tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", HEADER + "1,13/1/2026,c,x,1,2\n2,2026-01-14,c,x,1,2\n"
                 "3,14/1/2026,c,x,1,2\n4,yesterday,c,x,1,2\n")
    result = run_cli("import", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "must be a date written D/M/YYYY like the others" in result.stderr
    assert "formats seen: D/M/YYYY (2 cells), YYYY-MM-DD (1 cells), other text (1 cells)" \
        in result.stderr
    assert "row 5" in result.stderr and "'yesterday'" in result.stderr


def test_missing_needed_field_lists_columns_found(run_cli: Callable[..., object],
                                                  tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", "Order ID,Order Date,SKU,Qty\n1,2026-01-05,x,1\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[[file]]\nname = "s.csv"\ntable = "sales"\n[file.columns]\n'
                       '"Order ID" = "order_id"\n"SKU" = "sku"\n"Qty" = "quantity"\n',
                       encoding="utf-8")
    result = run_cli("import", src, "--out", tmp_path / "out", "--mapping", mapping)
    assert result.exit_code == 2
    assert "needs a column for order_date" in result.stderr
    assert "columns found: 'Order ID', 'Order Date', 'SKU', 'Qty'" in result.stderr


def test_mapping_round_trip_wins_over_detection(run_cli: Callable[..., object],
                                                tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", "Order ID,Order Date,SKU,Qty,Net Qty\n"
                 "1,2026-01-05,x,5,4\n2,2026-01-06,y,3,3\n")
    first = tmp_path / "a"
    assert run_cli("import", src, "--out", first).exit_code == 0
    mapping = (first / "mapping.toml").read_text(encoding="utf-8")
    edited = mapping.replace('"Qty" = "quantity"', '"Qty" = ""') \
        .replace('"Net Qty" = ""  # not placed', '"Net Qty" = "quantity"')
    assert edited != mapping
    (tmp_path / "m.toml").write_text(edited, encoding="utf-8")
    second = tmp_path / "b"
    result = run_cli("import", src, "--out", second, "--mapping", tmp_path / "m.toml", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["files"][0]["columns"]["Net Qty"] == "quantity"
    sales = pd.read_csv(second / "sales.csv")
    assert sales["quantity"].tolist() == [4.0, 3.0]


def test_config_import_section_sets_defaults(run_cli: Callable[..., object],
                                             tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", "Order ID,Order Date,SKU,Qty,Price\n1,2026-01-05,x,5,10\n")
    config = tmp_path / "defaults.toml"
    config.write_text("[import]\nmargin = 0.5\nlead_time_days = 14\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("import", src, "--out", out, "--config", config).exit_code == 0
    skus = pd.read_csv(out / "skus.csv")
    assert skus["unit_cost"].tolist() == [5.0]
    suppliers = pd.read_csv(out / "suppliers.csv")
    assert suppliers["lead_time_days"].tolist() == [14]
    written = (out / "config.toml").read_text(encoding="utf-8")
    assert "[import]" in written
    assert "margin = 0.5" in written and "lead_time_days = 14" in written
    config.write_text("[import]\nmargins = 0.5\n", encoding="utf-8")
    bad = run_cli("import", src, "--out", tmp_path / "o2", "--config", config)
    assert bad.exit_code == 2 and "import.margins" in bad.stderr


def test_existing_folder_is_kept_unless_forced(run_cli: Callable[..., object],
                                               tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", "Order ID,Order Date,SKU,Qty\n1,2026-01-05,x,5\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    refused = run_cli("import", src, "--out", out)
    assert refused.exit_code == 2 and "not empty" in refused.stderr
    assert (out / "keep.txt").is_file()
    bad = _write(tmp_path / "bad.csv", "Order ID,Order Date,SKU,Qty\n1,2026-01-05,x,lots\n")
    failed = run_cli("import", bad, "--out", out, "--force")
    assert failed.exit_code == 2 and (out / "keep.txt").is_file()
    forced = run_cli("import", src, "--out", out, "--force")
    assert forced.exit_code == 0
    assert not (out / "keep.txt").exists() and (out / "sales.csv").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_no_sales_lines_is_an_error(run_cli: Callable[..., object], tmp_path: Path) -> None:
    src = _write(tmp_path / "s.csv", "Invoice No,Invoice Date,SKU,Qty\nC1,2026-01-05,x,-2\n")
    out = tmp_path / "out"
    result = run_cli("import", src, "--out", out)
    assert result.exit_code == 2
    assert "no sales lines to plan from (1 returns and nothing else)" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("periods", [["2024-01", "2024-02", "2024-03"],
                                     ["113年10月", "113年11月", "113年12月"],
                                     ["2024-W44", "2024-W45", "2024-W46", "2024-W47"],
                                     ["Oct-24", "Nov-24", "Dec-24"]])
def test_a_report_with_one_column_per_period_is_refused(periods: list[str],
                                                        run_cli: Callable[..., object],
                                                        tmp_path: Path) -> None:
    """A monthly or weekly sales report (one row per product, one column per period) is not
    sales lines: exit 2 saying so and naming the periods, not a product list nor a guess."""
    src = _write(tmp_path / "report.csv", "品號,品名," + ",".join(periods) + "\n"
                 "P-1,紅茶," + ",".join("3" for _ in periods) + "\n")
    result = run_cli("import", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert (f"report.csv, row 1: {len(periods)} columns are periods ({periods[0]!r} ... "
            f"{periods[-1]!r}): this is a report with one column per period") in result.stderr
    # age bands or size ranges are no periods
    fine = _write(tmp_path / "sales.csv", "Date,SKU,Qty,18-24,25-34,35-44\n"
                  "2026-03-02,A,2,1,0,1\n")
    assert run_cli("import", fine, "--out", tmp_path / "fine").exit_code == 0


def test_a_period_report_beside_the_sales_lines_in_a_workbook_is_not_read(
        run_cli: Callable[..., object], tmp_path: Path) -> None:
    """A workbook with the sales lines and a monthly report of them: the report sheet is named
    as not read, and its numbers are not taken for products or sales."""
    book = tmp_path / "sales.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"單號": ["S1", "S2"], "日期": ["2024-10-05", "2024-11-12"],
                      "品號": ["P-1", "P-1"], "數量": [3, 5]}).to_excel(
            writer, sheet_name="明細", index=False)
        pd.DataFrame({"品號": ["P-1"], "品名": ["紅茶"], "2024-10": [3], "2024-11": [5],
                      "2024-12": [0]}).to_excel(writer, sheet_name="月報", index=False)
    result = run_cli("import", book, "--out", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [f["sheet"] for f in report["files"]] == ["明細"]
    assert f"{book}: sheet '明細' read; not read: '月報'" in report["notes"]

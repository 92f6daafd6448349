"""`salesflow import` on inputs of every kind (hypothesis): arbitrary bytes under any suffix,
and tables with headers the importer knows or not, cells of any shape, in any delimiter and
encoding, over one or several files or sheets. Whatever comes in, the import ends with exit 0
and a dataset that loads, or exit 2 with its problems named; never a traceback, never a
half-written folder."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from salesflow.cli.main import cli
from salesflow.data.dataset import load_dataset

HEADERS = ("Order ID", "Invoice", "訂單編號", "單據日期", "Date", "Fecha", "InvoiceDate", "SKU",
           "品號", "StockCode", "Artikelnummer", "Qty", "數量", "Cantidad", "Quantity", "Price",
           "單價", "Sales", "State", "Country", "Status", "訂單狀態", "Customer", "客戶代號",
           "Category", "Description", "品名", "Stock", "庫存", "Supplier", "Lead time",
           "PO Number", "Expected date", "lat", "lon", "合計", "sep=;", "", "x", "Note")
CELLS = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "3", "2.5", "1,234.50", "1.234,50", "12 pcs", "NaN",
                     "2024-11-05", "11/05/2024", "05.11.2024", "115/11/05", "民國115年11月5日",
                     "05-Nov-24", "45600", "C536379", "已取消", "Cancelled", "合計", "Total",
                     '="00123"', "1e309", "-0", "∞", "\u3000", "TRUE", "#N/A"]),
    st.text(max_size=12),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _import(files: list[Path], out: Path) -> tuple[int, str]:
    runner = CliRunner(env={"SALESFLOW_TRACEBACK": "1"})
    result = runner.invoke(cli, ["import", *map(str, files), "--out", str(out), "--json"],
                           catch_exceptions=False)
    return result.exit_code, result.output


def _check(files: list[Path], out: Path) -> None:
    code, output = _import(files, out)
    event(f"exit {code}")
    assert code in (0, 2), output
    if code == 0:
        load_dataset(out)
    else:
        assert '"problems"' in output and not out.exists(), output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000),
       st.sampled_from([".csv", ".txt", ".xlsx", ".xls", ".ods", ".parquet", ".tsv"]),
       # the first bytes of a workbook, an Excel 97 file or Parquet, on bytes that are none
       st.sampled_from([b"", b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"), b"PAR1",
                        b"PK\x03\x04" + bytes(26) + b"mimetype"
                        b"application/vnd.oasis.opendocument.spreadsheet"]))
def test_any_bytes(data: bytes, suffix: str, start: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"export{suffix}"
        src.write_bytes(start + data)
        _check([src], Path(tmp) / "out")


TABLES = st.lists(
    st.tuples(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7),
              st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6)),
    min_size=1, max_size=3)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLES, st.sampled_from([",", ";", "\t", "|"]),
       st.sampled_from(["utf-8", "utf-8-sig", "cp950", "cp1252", "utf-16", "gb18030"]),
       st.booleans())
def test_any_tables(tables: list[tuple[list[str], list[list[str]]]], sep: str, encoding: str,
                    workbook: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files: list[Path] = []
        if workbook:
            book = folder / "export.xlsx"
            with pd.ExcelWriter(book) as writer:
                for i, (header, rows) in enumerate(tables):
                    width = max([len(header), *map(len, rows)])
                    grid = [header + [""] * (width - len(header))] + \
                        [row + [""] * (width - len(row)) for row in rows]
                    clean = [[_xlsx_text(c) for c in row] for row in grid]
                    pd.DataFrame(clean).to_excel(writer, sheet_name=f"S{i}", header=False,
                                                 index=False)
            files.append(book)
        else:
            for i, (header, rows) in enumerate(tables):
                buffer = io.StringIO()
                for row in [header, *rows]:
                    buffer.write(sep.join(_quoted(c, sep) for c in row) + "\n")
                try:
                    data = buffer.getvalue().encode(encoding)
                except UnicodeEncodeError:
                    data = buffer.getvalue().encode("utf-8")
                path = folder / f"export{i}.csv"
                path.write_bytes(data)
                files.append(path)
        _check(files, folder / "out")


def _quoted(cell: str, sep: str) -> str:
    if any(c in cell for c in (sep, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _xlsx_text(cell: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", cell)


SALES_HEADERS = st.sampled_from([
    ("Order ID", "Date", "SKU", "Qty", "Price", "Customer", "Status"),
    ("訂單編號", "單據日期", "品號", "數量", "單價", "客戶代號", "訂單狀態"),
    ("Nº Pedido", "Fecha", "Código Artículo", "Cantidad", "Precio", "Cliente", "Estado"),
    ("Invoice", "InvoiceDate", "StockCode", "Quantity", "Sales", "Customer ID", "State"),
])
_GOOD_DATES = st.dates(min_value=pd.Timestamp("1990-01-01").date(),
                      max_value=pd.Timestamp("2030-12-31").date())
# mostly what a column should hold, now and then anything
DATES = st.one_of(_GOOD_DATES.map(str), _GOOD_DATES.map(lambda d: d.strftime("%Y/%m/%d")),
                  _GOOD_DATES.map(str),
                  st.sampled_from(["2024/11/05", "115/11/05", "05.11.2024", "", "2024-13-45",
                                   "11/05/2024 10:30", "45600", "yesterday"]))
QUANTITIES = st.one_of(st.integers(0, 500).map(str), st.integers(-5, 500).map(str),
                       st.integers(1, 50).map(str),
                       st.sampled_from(["1,5", "2.0", "", "1.234,50", "3 箱", "x", "1e6"]))
PRICES = st.one_of(st.decimals(0, 10_000, places=2).map(str), st.integers(0, 999).map(str),
                   st.sampled_from(["", "12,50", "1.234,50", "NT$ 1,200", "-3"]), CELLS)
CODES = st.one_of(st.text("ABCXYZ-_0123456789", min_size=1, max_size=6),
                  st.text("品號茶0123", min_size=1, max_size=4), st.text(max_size=6))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SALES_HEADERS, st.integers(4, 7),
       st.lists(st.tuples(CODES, DATES, CODES, QUANTITIES, PRICES, CODES, CELLS), min_size=1,
                max_size=12),
       st.sampled_from([",", ";", "\t"]), st.booleans())
# a carriage return inside a quoted code: written unquoted, the row broke in two on reading
@example(("Order ID", "Date", "SKU", "Qty"), 4, [("0", "2024/11/05", "0\r0", "0", "", "", "")],
         ",", False)
def test_sales_tables_with_odd_cells(header: tuple[str, ...], width: int,
                                     rows: list[tuple[str, ...]], sep: str,
                                     workbook: bool) -> None:
    """Sales exports the importer recognises, in several languages, whose cells are mostly
    what they should be and sometimes anything: blank or foreign product codes, dates out of
    range or in no format, negative, decimal-comma or unit-bearing quantities."""
    header = header[:width]
    grid = [list(header)] + [list(row[:width]) for row in rows]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if workbook:
            src = folder / "sales.xlsx"
            pd.DataFrame([[_xlsx_text(c) for c in row] for row in grid]).to_excel(
                src, header=False, index=False)
        else:
            src = folder / "sales.csv"
            src.write_text("".join(sep.join(_quoted(c, sep) for c in row) + "\n"
                                   for row in grid), encoding="utf-8")
        _check([src], folder / "out")

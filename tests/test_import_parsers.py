"""The import's parsers on their own: numbers and dates (hypothesis round trips), encodings,
delimiters and column synonyms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.data.errors import InvalidInputError
from salesflow.data.importing.columns import match_column, match_columns
from salesflow.data.importing.dates import AmbiguousDates, parse_dates
from salesflow.data.importing.delimited import read_delimited, sniff_delimiter
from salesflow.data.importing.mapping import FileMapping, mapping_toml, read_mapping
from salesflow.data.importing.numbers import format_number, parse_numbers
from salesflow.data.importing.recognise import recognise
from salesflow.data.importing.text import detect_encoding, read_text

amounts = st.decimals(min_value=-10_000_000, max_value=10_000_000, places=2,
                      allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=20),
       st.sampled_from([(",", "."), (".", ","), (",", ""), (".", ""), (".", " "), (",", " ")]))
def test_numbers_round_trip(values: list, style: tuple[str, str]) -> None:
    decimal, thousands = style
    text = pd.Series([format_number(float(v), decimal, thousands) for v in values])
    parsed = parse_numbers(text, hint=decimal)
    assert not parsed.bad.any()
    assert parsed.values.tolist() == pytest.approx([float(v) for v in values], abs=1e-9)


def test_numbers_decide_the_mark_from_the_column() -> None:
    assert parse_numbers(pd.Series(["1.234,50", "7"])).values.tolist() == [1234.5, 7.0]
    assert parse_numbers(pd.Series(["1,234.50", "7"]), hint=",").values.tolist() == [1234.5, 7]
    assert parse_numbers(pd.Series(["2.5", "1.234"]), hint=",").values.tolist() == [2.5, 1.234]
    assert parse_numbers(pd.Series(["12%", "NT$ 1,200", "(5)", "5-", "$7.25"])).values \
        .tolist() == [0.12, 1200.0, -5.0, -5.0, 7.25]
    assert parse_numbers(pd.Series(["€ 3,5", "1.200"])).values.tolist() == [3.5, 1200.0]
    bad = parse_numbers(pd.Series(["1", "", "x"]))
    assert bad.bad.tolist() == [False, False, True]


days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))
STYLES = {
    "YMD": lambda d: f"{d:%Y-%m-%d}",
    "DMY": lambda d: f"{d.day}.{d.month}.{d.year}",
    "MDY": lambda d: f"{d.month}/{d.day}/{d.year}",
    "ROC": lambda d: f"{d.year - 1911}/{d.month:02d}/{d.day:02d}",
    "SERIAL": lambda d: str((d - dt.date(1899, 12, 30)).days),
    "MON": lambda d: f"{d.day:02d}-{MONTH_ABBR[d.month - 1]}-{d.year}",
}
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@settings(max_examples=200, deadline=None)
@given(st.lists(days, min_size=1, max_size=15), st.sampled_from(sorted(STYLES)),
       st.booleans())
def test_dates_round_trip(values: list[dt.date], style: str, with_time: bool) -> None:
    if style == "ROC":
        values = [d for d in values if d.year >= 1912 + 10] or [dt.date(2026, 11, 27)]
    text = [STYLES[style](d) for d in values]
    if with_time and style != "SERIAL":
        text = [t + " 13:45" for t in text]
    parsed = parse_dates(pd.Series(text), style)
    assert not parsed.bad.any()
    assert [pd.Timestamp(v).date() for v in parsed.values] == values
    if with_time and style != "SERIAL":
        assert set(parsed.minutes.tolist()) == {13 * 60 + 45}


@settings(max_examples=100, deadline=None)
@given(st.lists(days, min_size=1, max_size=15), st.sampled_from(["DMY", "MDY"]))
def test_day_month_order_told_or_refused(values: list[dt.date], style: str) -> None:
    text = pd.Series([STYLES[style](d) for d in values])
    telling = [d for d in values if d.day > 12]
    if telling:
        parsed = parse_dates(text)
        assert parsed.order == style
        assert [pd.Timestamp(v).date() for v in parsed.values] == values
    elif any(d.day != d.month for d in values):
        with pytest.raises(AmbiguousDates) as info:
            parse_dates(text)
        assert text.iloc[info.value.position] == info.value.text
        first, second = info.value.text.replace(".", "/").split("/")[:2]
        assert first != second


def test_english_month_names() -> None:
    """SAP and US reports, Oracle's DD-MON-RR: the month's name says which number is the day,
    so no --date-format is asked for, and ISO dates read beside them."""
    parsed = parse_dates(pd.Series(["05-Nov-2024", "Nov 12, 2024", "November 19 2024 2:30 PM",
                                    "26 Nov 2024", "3-DEC-24", "31-DEC-99", "Sept. 1st, 2025",
                                    "2024-Nov-05", "2024-11-05", ""]))
    assert parsed.order == "MON"
    assert [str(pd.Timestamp(v).date()) if not pd.isna(v) else "" for v in parsed.values] == [
        "2024-11-05", "2024-11-12", "2024-11-19", "2024-11-26", "2024-12-03", "1999-12-31",
        "2025-09-01", "2024-11-05", "2024-11-05", ""]
    assert parsed.minutes.tolist()[2] == 14 * 60 + 30
    assert not parsed.bad.any()
    wrong = parse_dates(pd.Series(["05-Nov-2024", "05-Nox-2024", "31-Feb-2024"]))
    assert wrong.bad.tolist() == [False, True, True]


def test_roc_and_chinese_dates() -> None:
    parsed = parse_dates(pd.Series(["115/11/27", "民國115年11月27日", "115.11.27", "1151127",
                                    "民國 99年1月2日"]))
    assert parsed.order == "ROC"
    assert [str(pd.Timestamp(v).date()) for v in parsed.values] == \
        ["2026-11-27"] * 4 + ["2010-01-02"]
    iso = parse_dates(pd.Series(["2026年11月27日", "20261128", "2026/11/29 8:05 PM"]))
    assert [str(pd.Timestamp(v).date()) for v in iso.values] == \
        ["2026-11-27", "2026-11-28", "2026-11-29"]
    assert iso.minutes.tolist() == [-1, -1, 20 * 60 + 5]


def test_weekdays_and_chinese_half_days() -> None:
    """Excel's CSV on a zh-TW Windows writes 上午/下午 before the time; reports print the
    weekday beside the date. Both are read; 上午 12:05 is five past midnight."""
    parsed = parse_dates(pd.Series(["2024/11/5 下午 02:30:00", "2024/11/6 上午 12:05",
                                    "2024/11/7 上午 11:59:00", "2024/11/7 下午 12:10",
                                    "2024/11/8 午後 3:00"]))
    assert [str(pd.Timestamp(v).date()) for v in parsed.values] == \
        ["2024-11-05", "2024-11-06", "2024-11-07", "2024-11-07", "2024-11-08"]
    assert parsed.minutes.tolist() == [14 * 60 + 30, 5, 11 * 60 + 59, 12 * 60 + 10, 15 * 60]
    days = parse_dates(pd.Series(["113/11/05(二)", "113/11/06（週三）", "113/11/07 星期四",
                                  "113/11/08 (五) 09:00"]))
    assert days.order == "ROC" and not days.bad.any()
    assert [str(pd.Timestamp(v).date()) for v in days.values] == \
        ["2024-11-05", "2024-11-06", "2024-11-07", "2024-11-08"]
    english = parse_dates(pd.Series(["Tue, 05 Nov 2024", "06 Nov 2024 (Wed)"]))
    assert [str(pd.Timestamp(v).date()) for v in english.values] == ["2024-11-05",
                                                                     "2024-11-06"]


@pytest.mark.parametrize(("text", "encoding"), [
    ("品號,品名,數量\nA-1,不鏽鋼螺絲,10\nB-2,六角螺帽,5\n", "cp950"),
    ("品号,品名,数量\nA-1,不锈钢螺丝,10\nB-2,六角螺母,5\n", "gb18030"),
    ("Artikel;Menge\nCafé Crème;3\nSüßwaren – Müller;4\n", "cp1252"),
    ("sku,name\nA,Crème brûlée\n", "utf-8"),
    ("name\nMénage\n", "cp1252"),
    ("x\nStraße Größe\n", "cp1252"),
    ("n\nÀ la carte; Ørsted; Ñandú\n", "cp1252"),
    ("品名\n茶\n", "cp950"),
    ("名\n許功蓋\n", "cp950"),  # Big5 trail bytes that are ASCII (\\)
])
def test_encodings_detected(text: str, encoding: str) -> None:
    assert detect_encoding(text.encode(encoding)) == encoding
    assert read_text(text.encode(encoding), "f.csv").text == text


def test_bom_and_utf16_detected() -> None:
    assert detect_encoding("a,b\n".encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding("品號\t數量\n".encode("utf-16")) == "utf-16"
    assert detect_encoding("sku\tqty\nA\t1\n".encode("utf-16-le")) == "utf-16-le"
    assert read_text("品號\t數量\n".encode("utf-16"), "f.txt").text == "品號\t數量\n"


def test_cjk_wins_over_cp1252_when_both_decode() -> None:
    """Big5 bytes of a Chinese file also decode as cp1252 (as mojibake): CJK is preferred."""
    data = "客戶,品名\n大同,螺絲\n永和,華司\n".encode("cp950")
    data.decode("cp1252")  # both readings are possible
    assert detect_encoding(data) == "cp950"


def test_undecodable_byte_names_line_and_encoding() -> None:
    data = "a,b\n1,2\n3,é\n".encode("cp1252")
    with pytest.raises(InvalidInputError) as info:
        read_text(data, "f.csv", "utf-8")
    problem = info.value.problems[0]
    assert problem.row == 3 and "utf-8" in problem.rule and "--encoding" in problem.rule


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_sniffed_and_quoted_line_breaks_kept(sep: str) -> None:
    text = sep.join(["id", "note", "qty"]) + "\n" + sep.join(["1", '"two\nlines"', "3"]) + \
        "\n" + sep.join(["2", "plain", "4"]) + "\n"
    assert sniff_delimiter(text) == sep
    src = read_delimited(text.encode("utf-8"), "f.csv")
    assert src.frame["note"].tolist() == ["two\nlines", "plain"]
    assert src.frame["qty"].tolist() == ["3", "4"]


def test_a_header_naming_few_columns_stays_the_header() -> None:
    """Row 1 names 2 of 6 columns; row 2 fills all six with data (numbers, a date): it is not
    a header below a report title, so nothing is skipped and the unnamed columns are left
    out as before."""
    text = "Order,,,,Qty,\nA1,2026-03-02,C1,X-1,2,9.5\nA2,2026-03-09,C2,X-2,1,4\n"
    src = read_delimited(text.encode("utf-8"), "f.csv")
    assert list(src.frame.columns) == ["Order", "Qty"]
    assert src.frame["Qty"].tolist() == ["2", "1"] and src.frame.index.tolist() == [2, 3]
    assert src.notes == ()


def test_title_rows_are_skipped_and_rows_keep_their_numbers() -> None:
    text = "Stock on 2026-03-01\n\nSKU,On hand,Warehouse\nX-1,4,A\nTotal,4,\n"
    src = read_delimited(text.encode("utf-8"), "stock.csv")
    assert list(src.frame.columns) == ["SKU", "On hand", "Warehouse"]
    assert src.frame.index.tolist() == [4]  # the line number, the blank line counted
    assert src.notes == ("stock.csv: rows 1-2 above the header skipped (a report title: "
                         "'Stock on 2026-03-01')", "stock.csv: total lines skipped (row 5: "
                         "'Total')")
    # blank lines above a header are not a title: nothing to say
    src = read_delimited(b"\n\nSKU,On hand\nX-1,4\n", "blank.csv")
    assert list(src.frame.columns) == ["SKU", "On hand"] and src.frame.index.tolist() == [4]
    assert src.notes == ()


@pytest.mark.parametrize("label", ["合計", "小計", "總計", "合计", "Total", "TOTAL:",
                                   "Subtotal", "Sub-total", "Grand Total", "Summe", "合計："])
def test_total_lines_are_skipped_by_their_label(label: str) -> None:
    text = f"SKU,Qty\nX-1,4\n{label},4\n,Total\nTotal cost,3\n"
    src = read_delimited(text.encode("utf-8"), "t.csv")
    # the label's line goes; a label behind a blank first cell too; "Total cost" is a product
    assert src.frame["SKU"].tolist() == ["X-1", "Total cost"]
    assert src.notes == (f"t.csv: total lines skipped (rows 3-4: {label!r})",)


@pytest.mark.parametrize(("name", "field"), [
    ("Order ID", "order_id"), ("invoice_no", "order_id"), ("Document No.", "order_id"),
    ("訂單編號", "order_id"), ("單號", "order_id"), ("单号", "order_id"),
    ("InvoiceDate", "order_date"), ("訂單日期", "order_date"), ("日期", "order_date"),
    ("Customer-ID", "customer_id"), ("客戶編號", "customer_id"), ("客戶代號", "customer_id"),
    ("StockCode", "sku"), ("Product ID", "sku"), ("Material", "sku"), ("品號", "sku"),
    ("料號", "sku"), ("商品編號", "sku"), ("Lineitem sku", "sku"), ("ＱＴＹ", "quantity"),
    ("數量", "quantity"), ("Unit Price", "unit_price"), ("單價", "unit_price"),
    ("Product Name", "name"), ("品名", "name"), ("類別", "category"),
    ("Order Lines/Product", "sku"), ("partner_id", "customer_id"),
    ("Qty On Hand", "on_hand"), ("庫存", "on_hand"), ("Lead Time", "lead_time_days"),
    ("Latitude", "lat"), ("單別", "doc_type"),
])
def test_synonyms(name: str, field: str) -> None:
    hit = match_column(name)
    assert hit is not None and hit[0] == field


def test_most_typical_name_wins_and_the_rest_is_listed() -> None:
    mapping, unplaced = match_columns(["Customer", "CustomerID", "Memo"])
    assert mapping == {"CustomerID": "customer_id"}
    assert unplaced == ["Customer", "Memo"]


@pytest.mark.parametrize(("columns", "table"), [
    (["InvoiceNo", "StockCode", "Quantity", "InvoiceDate"], "sales"),
    (["品號", "品名", "類別", "單位成本"], "skus"),
    (["Item Code", "Qty On Hand"], "inventory"),
    (["Customer ID", "Name", "Address", "Latitude", "Longitude"], "customers"),
    (["Vendor", "Vendor Name", "Lead Time"], "suppliers"),
    (["PO Number", "Item", "Quantity", "Expected Date"], "open_orders"),
])
def test_files_recognised_by_their_columns(columns: list[str], table: str) -> None:
    found = recognise(columns)
    assert found.table == table
    assert found.scores[table] == max(found.scores.values())


def test_bare_name_means_the_kind_of_file() -> None:
    assert recognise(["Customer ID", "Name", "Latitude", "Longitude"]).columns["Name"] == \
        "customer_name"
    assert recognise(["Name", "Created at", "Lineitem sku", "Lineitem quantity"]) \
        .columns["Name"] == "order_id"


def test_day_equal_to_month_everywhere_is_not_ambiguous() -> None:
    parsed = parse_dates(pd.Series(["1/1/2026", "2/2/2026", "12/12/2025"]))
    assert [str(pd.Timestamp(v).date()) for v in parsed.values] == \
        ["2026-01-01", "2026-02-02", "2025-12-12"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6, unique=True),
       st.text(min_size=1, max_size=20), st.text(max_size=31))
def test_mapping_file_round_trips_any_column_name(names: list[str], file: str,
                                                  sheet: str) -> None:
    """mapping.toml is valid TOML whatever the headers (and sheet names) hold (line breaks,
    quotes, backslashes, control characters) and reads back to the same mapping."""
    import tempfile

    columns = dict(zip(names, ["order_id", "order_date", "sku", "quantity", "unit_price",
                               "customer_id"], strict=False))
    mapping = FileMapping(file, "sales", columns, [], "cp950", "\t", "ROC", ",", sheet=sheet)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mapping.toml"
        path.write_text(mapping_toml([mapping]), encoding="utf-8")
        back = read_mapping(path)
    assert back == {(file, sheet): mapping}

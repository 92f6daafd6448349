"""`salesflow import` on realistic exports built here: Odoo, SAP Business One, a Taiwanese ERP
in Big5 with ROC dates, a UCI Online Retail style invoice log, a European cp1252 file with
semicolons and decimal commas, Excel "Unicode text", XLSX and GB18030 with Simplified headers.
Each must give the expected mapping, rows, returns and assumptions, and a dataset that loads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset


def _import(run_cli: Callable[..., object], out: Path, *args: object) -> dict:
    result = run_cli("import", *args, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _columns(report: dict, name: str) -> dict[str, str]:
    return next(f for f in report["files"] if f["name"] == name)["columns"]


def _file(report: dict, name: str) -> dict:
    return next(f for f in report["files"] if f["name"] == name)


def _assumed(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "assumptions.csv", dtype=str, keep_default_na=False)


def _sales(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "sales.csv", dtype=str, keep_default_na=False)


ODOO_ROWS = [
    ["Order Reference", "Order Date", "Customer", "Product", "Description", "Quantity",
     "Unit Price", "Subtotal", "Status"],
    ["S00021", "2026-01-05 10:12:00", "Azure Interior", "[FURN_7800] Desk Combination",
     "[FURN_7800] Desk Combination\nDesk combination, black-brown: chair + desk + drawer.",
     "2.00", "450.00", "900.00", "Sales Order"],
    ["S00021", "2026-01-05 10:12:00", "Azure Interior", "[FURN_0269] Office Chair Black",
     "[FURN_0269] Office Chair Black", "4.00", "120.50", "482.00", "Sales Order"],
    ["S00022", "2026-01-06 14:40:00", "Deco Addict", "[FURN_0269] Office Chair Black",
     "[FURN_0269] Office Chair Black", "1.00", "120.50", "120.50", "Cancelled"],
    ["S00023", "2026-01-13 09:05:00", "Gemini Furniture", "[E-COM11] Cabinet with Doors",
     "[E-COM11] Cabinet with Doors", "3.00", "140.00", "420.00", "Sales Order"],
]


def _odoo_csv() -> str:
    """Odoo's export: every field quoted, a description with a line break inside quotes."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(ODOO_ROWS)
    return buffer.getvalue()


def test_odoo_sales_order_lines(run_cli: Callable[..., object], tmp_path: Path) -> None:
    src = tmp_path / "sale.order.line.csv"
    src.write_text(_odoo_csv(), encoding="utf-8")
    out = tmp_path / "shop"
    report = _import(run_cli, out, src)
    assert _columns(report, src.name) == {
        "Order Reference": "order_id", "Order Date": "order_date", "Customer": "customer_id",
        "Product": "sku", "Description": "name", "Quantity": "quantity",
        "Unit Price": "unit_price", "Subtotal": "line_total", "Status": "status"}
    assert report["rows"]["sales"] == 3 and report["returns"] == 1
    assert report["return_reasons"] == {"status": 1}
    sales = _sales(out)
    assert sorted(sales["sku"].unique()) == ["E-COM11", "FURN_0269", "FURN_7800"]
    assert list(sales["order_time"]) == ["10:12", "10:12", "09:05"]
    skus = pd.read_csv(out / "skus.csv", dtype=str).set_index("sku")
    assert skus.loc["FURN_0269", "name"] == "Office Chair Black"
    assert float(skus.loc["FURN_7800", "unit_cost"]) == pytest.approx(450 * 0.7)
    load_dataset(out)


SAP = [
    ["DocNum", "DocDate", "CardCode", "CardName", "ItemCode", "Dscription", "Quantity", "Price",
     "LineTotal", "WhsCode", "Document Type"],
    ["1001", "05.01.2026", "C20000", "Maxi-Teq", "A00001", "IBM Infoprint 1312", "10", "400",
     "4000", "01", "Invoice"],
    ["1001", "05.01.2026", "C20000", "Maxi-Teq", "A00002", "IBM Infoprint 1222", "5", "350",
     "1750", "01", "Invoice"],
    ["1002", "14.01.2026", "C30000", "Microchips", "A00001", "IBM Infoprint 1312", "2", "400",
     "800", "01", "Invoice"],
    ["9001", "20.01.2026", "C20000", "Maxi-Teq", "A00002", "IBM Infoprint 1222", "1", "350",
     "350", "01", "Credit Memo"],
]


def test_sap_business_one_unicode_text(run_cli: Callable[..., object], tmp_path: Path) -> None:
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated; dates D.M.YYYY."""
    src = tmp_path / "OINV.txt"
    src.write_bytes("\r\n".join("\t".join(r) for r in SAP).encode("utf-16"))
    out = tmp_path / "sap"
    report = _import(run_cli, out, src)
    info = _file(report, src.name)
    assert info["encoding"] == "utf-16" and info["delimiter"] == "\t"
    assert info["date_format"] == "DMY"
    assert info["columns"]["DocNum"] == "order_id"
    assert info["columns"]["CardCode"] == "customer_id"
    assert info["columns"]["ItemCode"] == "sku"
    assert info["columns"]["Dscription"] == "name"
    assert info["columns"]["Document Type"] == "doc_type"
    assert info["unplaced"] == ["WhsCode"]
    assert report["rows"]["sales"] == 3 and report["returns"] == 1
    assert list(_sales(out)["order_date"]) == ["2026-01-05", "2026-01-05", "2026-01-14"]
    load_dataset(out)


TW_ORDERS = """單別,單號,訂單日期,客戶代號,客戶簡稱,品號,品名,數量,單價,金額,備註
銷貨,20260105001,115/01/05,C001,大同五金,A-100,不鏽鋼螺絲 M6,"1,200",2.5,3000,
銷貨,20260105001,115/01/05,C001,大同五金,B-200,六角螺帽 M6,800,1.2,960,急件
銷貨,20260112002,115/01/12,C002,永和建材,A-100,不鏽鋼螺絲 M6,500,2.5,1250,
銷退,20260115001,115/01/15,C002,永和建材,A-100,不鏽鋼螺絲 M6,50,2.5,125,瑕疵退回
"""
TW_PRODUCTS = """品號,品名,類別,主供應商,單位成本,包裝量
A-100,不鏽鋼螺絲 M6,螺絲,V01,1.8,100
B-200,六角螺帽 M6,螺帽,V02,0.8,
C-300,平華司 M6,華司,V01,0.3,500
"""
TW_STOCK = "品號,庫存數量\nA-100,3000\nB-200,-5\n"


def test_taiwanese_erp_big5(run_cli: Callable[..., object], tmp_path: Path) -> None:
    files = []
    for name, text in (("訂單.csv", TW_ORDERS), ("商品.csv", TW_PRODUCTS),
                       ("庫存.csv", TW_STOCK)):
        path = tmp_path / name
        path.write_bytes(text.encode("cp950"))
        files.append(path)
    out = tmp_path / "tw"
    report = _import(run_cli, out, *files)
    orders = _file(report, "訂單.csv")
    assert orders["table"] == "sales" and orders["encoding"] == "cp950"
    assert orders["date_format"] == "ROC"
    assert orders["columns"] == {
        "單別": "doc_type", "單號": "order_id", "訂單日期": "order_date", "客戶代號": "customer_id",
        "客戶簡稱": "customer_name", "品號": "sku", "品名": "name", "數量": "quantity",
        "單價": "unit_price", "金額": "line_total"}
    assert orders["unplaced"] == ["備註"]
    assert _file(report, "商品.csv")["table"] == "skus"
    assert _file(report, "庫存.csv")["table"] == "inventory"
    assert report["rows"] == {"sales": 3, "skus": 3, "suppliers": 2, "inventory": 2,
                              "process_steps": 5}
    assert report["returns"] == 1 and report["return_reasons"] == {"document type": 1}
    sales = _sales(out)
    assert list(sales["order_date"]) == ["2026-01-05", "2026-01-05", "2026-01-12"]
    assert sales["quantity"].astype(float).tolist() == [1200, 800, 500]
    assert sales["order_id"].iloc[0] == "銷貨-20260105001"
    skus = pd.read_csv(out / "skus.csv", dtype=str).set_index("sku")
    assert skus.loc["A-100", "unit_cost"] == "1.8" and skus.loc["C-300", "pack_size"] == "500"
    assert skus.loc["B-200", "pack_size"] == "1"
    assumed = _assumed(out)
    negative = assumed[(assumed["table"] == "inventory") & (assumed["key"] == "B-200")]
    assert len(negative) == 1 and "-5" in negative["why"].iloc[0]
    assert not ((assumed["table"] == "skus") & (assumed["column"] == "unit_cost")).any()
    dataset = load_dataset(out)
    assert dataset.tables["inventory"].set_index("sku")["on_hand"].to_dict() == {
        "A-100": 3000.0, "B-200": 0.0}


UCI = """InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/13/2010 8:34,1.69,13047,United Kingdom
C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom
C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,12/1/2010 9:49,4.65,15311,United Kingdom
536414,22139,,56,12/1/2010 11:52,0,,United Kingdom
536415,22139,RETROSPOT TEA SET CERAMIC 11 PC ,-3,12/2/2010 11:52,4.95,,United Kingdom
"""


def test_uci_online_retail_with_cancellations(run_cli: Callable[..., object],
                                               tmp_path: Path) -> None:
    src = tmp_path / "Online Retail.csv"
    src.write_bytes(UCI.encode("cp1252"))
    out = tmp_path / "uci"
    report = _import(run_cli, out, src)
    info = _file(report, src.name)
    assert info["date_format"] == "MDY" and info["columns"]["InvoiceNo"] == "order_id"
    assert info["columns"]["StockCode"] == "sku" and info["columns"]["CustomerID"] == \
        "customer_id"
    assert report["rows"]["sales"] == 5
    assert report["returns"] == 3
    assert report["return_reasons"] == {"credit note number": 2, "negative quantity": 1}
    returns = pd.read_csv(out / "returns.csv", dtype=str)
    assert list(returns["order_id"]) == ["C536379", "C536383", "536415"]
    assert list(returns["row"]) == ["6", "7", "9"]
    assumed = _assumed(out)
    unknown = assumed[(assumed["table"] == "sales") & (assumed["column"] == "customer_id")]
    assert unknown["value"].tolist() == ["UNKNOWN"] and unknown["why"].str.startswith("3 ").all()
    assert set(_sales(out)["customer_id"]) == {"17850", "13047", "UNKNOWN"}
    load_dataset(out)


EURO = """Invoice No;Invoice Date;Customer ID;Item Code;Description;Qty;Unit Price;Category
R-2026-001;05.01.2026;K100;KAF-01;Café Crème 1 kg;12;18,90;Kaffee
R-2026-001;05.01.2026;K100;SCH-02;Schokolade Zartbitter;"1.250";2,45;Süßwaren
R-2026-002;13.01.2026;K200;KAF-01;Café Crème 1 kg;3;"1.234,50";Kaffee
"""


def test_european_cp1252_semicolons_decimal_commas(run_cli: Callable[..., object],
                                                    tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_bytes(EURO.encode("cp1252"))
    out = tmp_path / "eu"
    report = _import(run_cli, out, src)
    info = _file(report, src.name)
    assert info["encoding"] == "cp1252" and info["delimiter"] == ";"
    assert info["decimal"] == "," and info["date_format"] == "DMY"
    sales = _sales(out)
    assert sales["quantity"].astype(float).tolist() == [12, 1250, 3]
    assert sales["unit_price"].astype(float).tolist() == [18.9, 2.45, 1234.5]
    skus = pd.read_csv(out / "skus.csv", dtype=str).set_index("sku")
    assert skus.loc["KAF-01", "name"] == "Café Crème 1 kg"
    assert skus.loc["SCH-02", "category"] == "Süßwaren"
    suppliers = pd.read_csv(out / "suppliers.csv", dtype=str)
    assert sorted(suppliers["supplier_id"]) == ["SUP-Kaffee", "SUP-Süßwaren"]
    load_dataset(out)


FRENCH_TABS = (
    "InvoiceNo\tStockCode\tDescription\tQuantity\tInvoiceDate\tUnitPrice\tCustomerID\n"
    "536365\t85123A\tCRÈME BRÛLÉE SET\t6\t01.12.2010 08:26\t2,55\t17850\n"
    "536366\t71053\tLANTERNE MÉTAL\t12\t02.12.2010 09:00\t3,39\t17850\n"
    "536367\t71053\tLANTERNE MÉTAL\t1\t13.12.2010 10:15\t1 250,00\t13047\n")


def test_decimal_commas_in_a_later_column_of_a_tab_file(run_cli: Callable[..., object],
                                                        tmp_path: Path) -> None:
    """A tab-separated UTF-16 export (Excel "Unicode text") from a French system: the whole
    quantities come first and show no decimal mark, the prices after them carry decimal
    commas. The file's mark is decided from all its number columns: ``2,55`` is 2.55, not
    255."""
    src = tmp_path / "ventes.txt"
    src.write_bytes(FRENCH_TABS.encode("utf-16"))
    out = tmp_path / "fr"
    report = _import(run_cli, out, src)
    info = _file(report, src.name)
    assert info["encoding"] == "utf-16" and info["decimal"] == ","
    sales = _sales(out)
    assert sales["quantity"].astype(float).tolist() == [6, 12, 1]
    assert sales["unit_price"].astype(float).tolist() == [2.55, 3.39, 1250.0]
    mapping = (out / "mapping.toml").read_text(encoding="utf-8")
    assert 'decimal = ","' in mapping
    load_dataset(out)


TW_REPORT = ["銷貨明細表（113年11月）,,,,,", "列印日期：113/12/01,,,,,", ",,,,,",
             "日期,單號,客戶,品號,數量,單價",
             "113/11/01,S1,C01,P-1,5,100", '113/11/08,S2,C02,P-2,3,"1,250.5"',
             "小計,,,,8,", "113/11/15,S3,C01,P-1,2,100", "總計,,,,10,"]


def test_a_report_with_title_rows_and_total_lines(run_cli: Callable[..., object],
                                                   tmp_path: Path) -> None:
    """A Taiwanese ERP's printed report saved as Big5 CSV: a title, a print date and a blank
    row above the header, a subtotal line and a closing total. The table is read from its
    header (row 4), the total lines are left out, and both are said, with their rows."""
    src = tmp_path / "銷貨明細表.csv"
    src.write_bytes(("\r\n".join(TW_REPORT) + "\r\n").encode("cp950"))
    out = tmp_path / "tw"
    report = _import(run_cli, out, src)
    assert _columns(report, src.name) == {"日期": "order_date", "單號": "order_id",
                                          "客戶": "customer_id", "品號": "sku",
                                          "數量": "quantity", "單價": "unit_price"}
    sales = _sales(out)
    assert sales["order_id"].tolist() == ["S1", "S2", "S3"]
    assert sales["order_date"].tolist() == ["2024-11-01", "2024-11-08", "2024-11-15"]
    assert sales["unit_price"].astype(float).tolist() == [100.0, 1250.5, 100.0]
    notes = "\n".join(report["notes"])
    assert f"{src}: rows 1-3 above the header skipped" in notes
    assert "銷貨明細表（113年11月）" in notes
    assert f"{src}: total lines skipped (rows 7, 9: '小計')" in notes
    load_dataset(out)


def test_a_workbook_report_and_excels_sep_line(run_cli: Callable[..., object],
                                                tmp_path: Path) -> None:
    """The same report layout in an XLSX (title in row 1, header in row 3, total in row 6),
    and a CSV whose first line is Excel's ``sep=;`` (not a header: it names the delimiter,
    and Excel does not show it)."""
    book = tmp_path / "report.xlsx"
    pd.DataFrame([["Sales by day", None, None, None], [None] * 4,
                  ["Date", "Order", "SKU", "Qty"],
                  ["2026-03-02", "A1", "X-1", 2], ["2026-03-09", "A2", "X-2", 1],
                  ["Grand Total", None, None, 3]]).to_excel(book, header=False, index=False)
    report = _import(run_cli, tmp_path / "xl", book)
    assert _sales(tmp_path / "xl")["order_id"].tolist() == ["A1", "A2"]
    assert any("rows 1-2 above the header skipped" in n for n in report["notes"])
    assert any("total lines skipped (row 6: 'Grand Total')" in n for n in report["notes"])

    sep = tmp_path / "excel.csv"
    sep.write_bytes("\ufeffsep=;\nOrder;Date;SKU;Qty;Price\nA1;2026-03-02;X-1;2;9,99\n"
                    "A2;2026-03-09;X-2;1;19,50\n".encode("utf-8"))
    report = _import(run_cli, tmp_path / "sep", sep)
    info = _file(report, sep.name)
    assert info["delimiter"] == ";" and info["decimal"] == ","
    sales = _sales(tmp_path / "sep")
    assert sales["unit_price"].astype(float).tolist() == [9.99, 19.5]
    assert not [n for n in report["notes"] if "skipped" in n]


def test_a_workbook_whose_first_sheet_is_a_cover(run_cli: Callable[..., object],
                                                 tmp_path: Path) -> None:
    """An ERP's workbook: an "Info" sheet (who exported what, when) before the "Sales" sheet.
    The sheet whose columns are recognised is read, and the note names both."""
    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame([["Exported by", "ERP 9"], ["Filter", "All customers"]]).to_excel(
            writer, sheet_name="Info", header=False, index=False)
        pd.DataFrame({"Order": ["S1", "S2"], "Date": ["2026-03-02", "2026-03-09"],
                      "SKU": ["X-1", "X-2"], "Qty": [2, 3]}).to_excel(
            writer, sheet_name="Sales", index=False)
    report = _import(run_cli, tmp_path / "wb", book)
    assert _sales(tmp_path / "wb")["order_id"].tolist() == ["S1", "S2"]
    assert f"{book}: sheet 'Sales' read; not read: 'Info'" in report["notes"]
    # a cover whose heading repeats a word is no table, and does not stop the import
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame([["Note", "Note"], ["a", "b"]]).to_excel(
            writer, sheet_name="Cover", header=False, index=False)
        pd.DataFrame({"Order": ["S9"], "Date": ["2026-03-02"], "SKU": ["X-1"],
                      "Qty": [2]}).to_excel(writer, sheet_name="Sales", index=False)
    report = _import(run_cli, tmp_path / "wb2", book)
    assert _sales(tmp_path / "wb2")["order_id"].tolist() == ["S9"]
    assert f"{book}: sheet 'Sales' read; not read: 'Cover'" in report["notes"]


def _erp_workbook(book: Path, november_quantity: object = 4) -> None:
    """A Taiwanese ERP's workbook: a cover, a sales sheet per month, products, stock and an
    empty sheet."""
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame([["銷貨資料匯出", ""], ["匯出日期", "115/12/01"]]).to_excel(
            writer, sheet_name="說明", header=False, index=False)
        pd.DataFrame({"單號": ["S1", "S2", "S3"],
                      "單據日期": ["115/10/05", "115/10/12", "115/10/20"],
                      "品號": ["P-1", "P-2", "P-1"], "數量": [3, 5, 2],
                      "單價": [100, 80, 100]}).to_excel(writer, sheet_name="10月", index=False)
        pd.DataFrame({"單號": ["S4", "S5"], "單據日期": ["115/11/03", "115/11/17"],
                      "品號": ["P-2", "P-3"], "數量": [1, november_quantity],
                      "單價": [80, 50]}).to_excel(writer, sheet_name="11月", index=False)
        pd.DataFrame({"品號": ["P-1", "P-2", "P-3"], "品名": ["紅茶", "綠茶", "烏龍"],
                      "類別": ["茶", "茶", "茶"], "進價": [60, 50, 30]}).to_excel(
            writer, sheet_name="商品資料", index=False)
        pd.DataFrame({"品號": ["P-1", "P-2"], "庫存數量": [10, 0]}).to_excel(
            writer, sheet_name="庫存", index=False)
        pd.DataFrame().to_excel(writer, sheet_name="空白", index=False)


def test_a_workbook_of_sales_products_and_stock_sheets(run_cli: Callable[..., object],
                                                       tmp_path: Path) -> None:
    """Every sheet whose columns are recognised is read as a file of its own: both monthly
    sales sheets, the products and the stock; the cover and the empty sheet are named as not
    read. mapping.toml names each sheet and, given back, imports the same; a bad cell names
    its sheet."""
    book = tmp_path / "erp.xlsx"
    _erp_workbook(book)
    out = tmp_path / "shop"
    report = _import(run_cli, out, book)
    assert [(f["sheet"], f["table"]) for f in report["files"]] == [
        ("10月", "sales"), ("11月", "sales"), ("商品資料", "skus"), ("庫存", "inventory")]
    assert (f"{book}: sheets '10月', '11月', '商品資料', '庫存' read; not read: '說明', '空白'"
            in report["notes"])
    assert set(report["scores"]) == {f"erp.xlsx, sheet '{s}'"
                                     for s in ("10月", "11月", "商品資料", "庫存")}
    sales = _sales(out)
    assert sales["order_id"].tolist() == ["S1", "S2", "S3", "S4", "S5"]
    assert sales["order_date"].tolist()[-1] == "2026-11-17"
    skus = pd.read_csv(out / "skus.csv", dtype=str).set_index("sku")
    assert skus.loc[["P-1", "P-2", "P-3"], "name"].tolist() == ["紅茶", "綠茶", "烏龍"]
    assert skus.loc["P-3", "unit_cost"] == "30.0" and skus.loc["P-3", "category"] == "茶"
    stock = pd.read_csv(out / "inventory.csv", dtype=str)
    assert stock.values.tolist() == [["P-1", "10.0"], ["P-2", "0.0"]]
    load_dataset(out)
    mapping = (out / "mapping.toml").read_text(encoding="utf-8")
    assert 'name = "erp.xlsx"\nsheet = "商品資料"\ntable = "skus"' in mapping

    again = _import(run_cli, tmp_path / "again", book, "--mapping", out / "mapping.toml")
    assert again["files"] == report["files"]
    for table in ("sales", "skus", "inventory"):
        assert (tmp_path / "again" / f"{table}.csv").read_bytes() == \
            (out / f"{table}.csv").read_bytes()

    # A mapping entry without a sheet (written by hand, or before sheets were named) is
    # taken for the sheets whose header holds all its columns; the others are recognised.
    whole = tmp_path / "whole.toml"
    whole.write_text('[[file]]\nname = "erp.xlsx"\ntable = "sales"\ndate_format = "ROC"\n'
                     '[file.columns]\n"單號" = "order_id"\n"單據日期" = "order_date"\n'
                     '"品號" = "sku"\n"數量" = "quantity"\n', encoding="utf-8")
    by_hand = _import(run_cli, tmp_path / "by_hand", book, "--mapping", whole)
    assert [(f["sheet"], f["table"]) for f in by_hand["files"]] == [
        ("10月", "sales"), ("11月", "sales"), ("商品資料", "skus"), ("庫存", "inventory")]
    assert _sales(tmp_path / "by_hand")["order_id"].tolist() == ["S1", "S2", "S3", "S4", "S5"]

    _erp_workbook(book, november_quantity="很多")
    result = run_cli("import", book, "--out", tmp_path / "bad")
    assert result.exit_code == 2
    assert "erp.xlsx, sheet '11月', row 3, column 數量: value '很多'" in result.output
    assert not (tmp_path / "bad").exists()


def test_a_product_in_two_files_is_one_row_of_their_values(run_cli: Callable[..., object],
                                                          tmp_path: Path) -> None:
    """A product list with categories and costs, a price list with suppliers: a product in
    both gets the first value of each column that is not blank, and a column that one file
    lacks is blank (stated defaults), never the text "nan"."""
    (tmp_path / "sales.csv").write_text("Date,SKU,Qty\n2026-11-02,A,2\n2026-11-03,B,1\n",
                                        encoding="utf-8")
    (tmp_path / "products.csv").write_text("SKU,Name,Category,Cost\nA,Apple,Fruit,1.5\n"
                                           "B,Bean,,2\n", encoding="utf-8")
    (tmp_path / "prices.csv").write_text("SKU,Name,Supplier\nB,Bean,S9\nC,Corn,S8\n",
                                         encoding="utf-8")
    out = tmp_path / "shop"
    _import(run_cli, out, tmp_path / "sales.csv", tmp_path / "products.csv",
            tmp_path / "prices.csv")
    skus = pd.read_csv(out / "skus.csv", dtype=str, keep_default_na=False).set_index("sku")
    assert skus.loc[["A", "B", "C"], "supplier_id"].tolist() == ["SUP-Fruit", "S9", "S8"]
    assert skus.loc[["A", "B", "C"], "category"].tolist() == ["Fruit", "unassigned",
                                                              "unassigned"]
    assert skus.loc[["A", "B"], "unit_cost"].tolist() == ["1.5", "2.0"]
    assert "nan" not in skus.to_numpy()
    load_dataset(out)


def test_superstore_workbook_sales_amount_and_state(run_cli: Callable[..., object],
                                                    tmp_path: Path) -> None:
    """The shape of Tableau's "Sample - Superstore.xlsx" (read here from
    AGH11/Time_Series_Analysis @ f68606d, "Sample - Superstore.xlsx": sheets Orders, Returns,
    People; 9,994 lines): "Sales" is the line's amount beside "Quantity", so the unit price is
    Sales / Quantity (stated); "State" beside "Country" and "City" is a place, not an order
    status; the Returns and People sheets are named as not read."""
    book = tmp_path / "Sample - Superstore.xlsx"
    orders = pd.DataFrame({
        "Row ID": [1, 2, 3], "Order ID": ["CA-2016-152156", "CA-2016-152156", "US-2015-108966"],
        "Order Date": pd.to_datetime(["2016-11-08", "2016-11-08", "2015-10-11"]),
        "Ship Mode": ["Second Class"] * 3, "Customer ID": ["CG-12520", "CG-12520", "SO-20335"],
        "Customer Name": ["Claire Gute", "Claire Gute", "Sean O'Donnell"],
        "Country": ["United States"] * 3, "City": ["Henderson", "Henderson", "Fort Lauderdale"],
        "State": ["Kentucky", "Kentucky", "Florida"], "Region": ["South"] * 3,
        "Product ID": ["FUR-BO-10001798", "FUR-CH-10000454", "FUR-TA-10000577"],
        "Category": ["Furniture"] * 3, "Sales": [261.96, 731.94, 957.5775],
        "Quantity": [2, 3, 5], "Discount": [0, 0, 0.45], "Profit": [41.9136, 219.582, -383.031]})
    with pd.ExcelWriter(book) as writer:
        orders.to_excel(writer, sheet_name="Orders", index=False)
        pd.DataFrame({"Returned": ["Yes"], "Order ID": ["CA-2016-152156"]}).to_excel(
            writer, sheet_name="Returns", index=False)
        pd.DataFrame({"Person": ["Anna Andreadi"], "Region": ["West"]}).to_excel(
            writer, sheet_name="People", index=False)
    out = tmp_path / "store"
    report = _import(run_cli, out, book)
    info = _file(report, book.name)
    assert info["sheet"] == "Orders"
    assert info["columns"]["Sales"] == "line_total" and "State" in info["unplaced"]
    assert f"{book}: sheet 'Orders' read; not read: 'Returns', 'People'" in report["notes"]
    assert report["returns"] == 0
    sales = _sales(out)
    assert sales["unit_price"].astype(float).round(4).tolist() == [130.98, 243.98, 191.5155]
    assumed = _assumed(out)
    assert ((assumed["column"] == "unit_price") & (assumed["value"] == "line_total / quantity")
            ).any()

    # date, store, item, sales: with no quantity column, "sales" are the units sold
    kaggle = tmp_path / "train.csv"
    kaggle.write_text("date,store,item,sales\n2013-01-01,1,1,13\n2013-01-02,1,1,11\n",
                      encoding="utf-8")
    report = _import(run_cli, tmp_path / "kaggle", kaggle)
    assert _columns(report, "train.csv")["sales"] == "quantity"
    assert _sales(tmp_path / "kaggle")["quantity"].astype(float).tolist() == [13.0, 11.0]

    # Kaggle's "sales_data_sample.csv" (Sgupta1-prog/Sample_Sales_Data @ 7615d34): SALES is
    # the amount beside QUANTITYORDERED, PRODUCTLINE the category, STATE a place beside STATUS
    sample = tmp_path / "sales_data_sample.csv"
    sample.write_text(
        "ORDERNUMBER,QUANTITYORDERED,PRICEEACH,ORDERLINENUMBER,SALES,ORDERDATE,STATUS,"
        "PRODUCTLINE,MSRP,PRODUCTCODE,CUSTOMERNAME,CITY,STATE,COUNTRY\n"
        "10107,30,95.7,2,2871,2/24/2003 0:00,Shipped,Motorcycles,95,S10_1678,"
        "Land of Toys Inc.,NYC,NY,USA\n"
        "10121,34,81.35,5,2765.9,5/7/2003 0:00,Cancelled,Motorcycles,95,S10_1678,"
        "Reims Collectables,Reims,,France\n", encoding="utf-8")
    report = _import(run_cli, tmp_path / "sample", sample)
    columns = _columns(report, sample.name)
    assert (columns["SALES"], columns["PRODUCTLINE"], columns["STATUS"]) == \
        ("line_total", "category", "status")
    assert "STATE" not in columns and report["returns"] == 1


def test_return_words_start_a_word(run_cli: Callable[..., object], tmp_path: Path) -> None:
    """A status says return or cancellation by a word that starts with it, in several
    languages (Cancelado, Storniert, partially_refunded); a word that only contains the letters
    (Confirmado: "rma") is demand."""
    src = tmp_path / "pedidos.csv"
    src.write_text("Pedido,Fecha,SKU,Cantidad,Estado\n"
                   "P1,2026-03-02,A,2,Confirmado\nP2,2026-03-02,A,1,Cancelado\n"
                   "P3,2026-03-03,B,4,Storniert\nP4,2026-03-03,B,3,partially_refunded\n"
                   "P5,2026-03-04,A,5,Entregado\n", encoding="utf-8")
    report = _import(run_cli, tmp_path / "es", src)
    assert _file(report, src.name)["columns"]["Estado"] == "status"
    assert _sales(tmp_path / "es")["order_id"].tolist() == ["P1", "P5"]
    returns = pd.read_csv(tmp_path / "es" / "returns.csv", dtype=str)
    assert returns["reason"].tolist() == ["status Cancelado", "status Storniert",
                                          "status partially_refunded"]


def test_lines_repeated_across_exports_are_counted_once(run_cli: Callable[..., object],
                                                       tmp_path: Path) -> None:
    """The UCI "Online Retail II" workbook's two sheets (Year 2009-2010, Year 2010-2011) both
    hold 1-9 December 2010 (441 lines in the copy at Sammy-E/Science-des-Donn-es @ fcb81dc,
    online_retail_II.xlsx): a line that an earlier sheet or file already has (same order,
    date, customer, product, quantity and price) is counted once, and said; a product twice
    on one invoice of one export stays twice; lines without order numbers are never merged."""
    header = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price",
              "Customer ID", "Country"]
    first = [[489434, "85048", "15CM CHRISTMAS GLASS BALL 20 LIGHTS", 12, "2010-11-30 10:00",
              6.95, 13085, "United Kingdom"],
             [538171, "22956", "36 FOIL HEART CAKE CASES", 6, "2010-12-09 20:01", 2.1,
              17530, "United Kingdom"],
             [538171, "22956", "36 FOIL HEART CAKE CASES", 6, "2010-12-09 20:01", 2.1,
              17530, "United Kingdom"]]
    second = [first[1], first[2],
              [538172, "21915", "RED HARMONICA IN BOX", 12, "2010-12-10 09:00", 1.25, 15805,
               "United Kingdom"]]
    book = tmp_path / "online_retail_II.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame(first, columns=header).to_excel(writer, sheet_name="Year 2009-2010",
                                                     index=False)
        pd.DataFrame(second, columns=header).to_excel(writer, sheet_name="Year 2010-2011",
                                                      index=False)
    out = tmp_path / "retail"
    report = _import(run_cli, out, book)
    assert report["rows"]["sales"] == 4  # 3 + the new one; the two repeats counted once
    sales = _sales(out)
    assert sales["order_id"].tolist() == ["489434", "538171", "538171", "538172"]
    stated = _assumed(out).query("value == 'counted once'")["why"].tolist()
    assert stated == ["2 lines repeat lines of an earlier export (same order, date, customer, "
                      f"product, quantity and price): counted once ({book}, "
                      "sheet 'Year 2010-2011': 2)"]

    # without order numbers the same line in two files is two sales (two branches)
    for name in ("north.csv", "south.csv"):
        (tmp_path / name).write_text("Date,SKU,Qty\n2026-03-02,A,2\n", encoding="utf-8")
    _import(run_cli, tmp_path / "branches", tmp_path / "north.csv", tmp_path / "south.csv")
    assert len(_sales(tmp_path / "branches")) == 2
    assert not (_assumed(tmp_path / "branches")["value"] == "counted once").any()


def test_shopee_style_order_export(run_cli: Callable[..., object], tmp_path: Path) -> None:
    """A Taiwanese marketplace's order export (the headers Shopee writes): the order's status
    (not its number) from 訂單狀態, the order date from 訂單成立日期, the buyer's account as the
    customer, the unit price from 商品原價; 訂單總金額 is the order's total, not a line's amount,
    so it is not placed; cancelled (已取消) and never-completed (不成立) orders are no demand."""
    src = tmp_path / "Order.all.20241101_20241130.csv"
    src.write_text(
        "訂單編號,訂單狀態,買家帳號,訂單成立日期,訂單總金額,商品名稱,商品原價,數量,主商品貨號,"
        "收件者姓名\n"
        "241105ABC,已完成,tea_lover,2024-11-05 10:21,900,紅茶禮盒,450,2,P-100,王小明\n"
        "241106DEF,已取消,oolong88,2024-11-06 21:40,320,烏龍茶葉,320,1,P-200,林小華\n"
        "241107GHI,不成立,oolong88,2024-11-07 08:02,320,烏龍茶葉,320,1,P-200,林小華\n"
        "241108JKL,運送中,tea_lover,2024-11-08 12:00,640,烏龍茶葉,320,2,P-200,王小明\n",
        encoding="utf-8")
    report = _import(run_cli, tmp_path / "shop", src)
    columns = _columns(report, src.name)
    assert columns == {"訂單編號": "order_id", "訂單狀態": "status", "買家帳號": "customer_id",
                       "訂單成立日期": "order_date", "商品名稱": "name",
                       "商品原價": "unit_price", "數量": "quantity", "主商品貨號": "sku",
                       "收件者姓名": "customer_name"}
    assert _file(report, src.name)["unplaced"] == ["訂單總金額"]
    sales = _sales(tmp_path / "shop")
    assert sales[["order_id", "customer_id", "sku", "quantity"]].values.tolist() == [
        ["241105ABC", "tea_lover", "P-100", "2.0"], ["241108JKL", "tea_lover", "P-200", "2.0"]]
    assert sales["order_time"].tolist() == ["10:21", "12:00"]
    assert report["return_reasons"] == {"status": 2}


def test_excel_97_workbook_and_files_named_for_another_format(
        run_cli: Callable[..., object], tmp_path: Path) -> None:
    """An .xls workbook (Excel 97-2003, as older ERPs export; tests/data/erp-export.xls): its
    sheets read as an XLSX's are, date cells as dates. A file is read by its first bytes, not
    its name: the same workbook named .csv, an XLSX named .xls. A damaged .xls is exit 2 and
    says so, not an encoding problem."""
    xls = Path(__file__).parent / "data" / "erp-export.xls"
    report = _import(run_cli, tmp_path / "xls", xls)
    assert [(f["sheet"], f["table"]) for f in report["files"]] == [("銷貨明細", "sales"),
                                                                   ("商品資料", "skus")]
    sales = _sales(tmp_path / "xls")
    assert sales[["order_id", "order_date", "sku", "quantity"]].values.tolist() == [
        ["S1150001", "2026-10-05", "P-100", "3.0"], ["S1150002", "2026-10-12", "P-200", "5.0"]]
    assert report["returns"] == 1
    skus = pd.read_csv(tmp_path / "xls" / "skus.csv", dtype=str).set_index("sku")
    assert skus.loc["P-100", ["name", "category", "unit_cost"]].tolist() == ["紅茶禮盒", "茶",
                                                                            "300.0"]
    load_dataset(tmp_path / "xls")

    renamed = tmp_path / "export.csv"
    renamed.write_bytes(xls.read_bytes())
    _import(run_cli, tmp_path / "renamed", renamed)
    assert (tmp_path / "renamed" / "sales.csv").read_bytes() == \
        (tmp_path / "xls" / "sales.csv").read_bytes()
    xlsx_as_xls = tmp_path / "orders.xls"
    pd.DataFrame({"Order": ["S1"], "Date": ["2026-03-02"], "SKU": ["X-1"], "Qty": [2]}) \
        .to_excel(xlsx_as_xls, index=False, engine="openpyxl")
    _import(run_cli, tmp_path / "xlsx_as_xls", xlsx_as_xls)
    assert _sales(tmp_path / "xlsx_as_xls")["order_id"].tolist() == ["S1"]

    damaged = tmp_path / "damaged.xls"
    damaged.write_bytes(xls.read_bytes()[:1000])
    result = run_cli("import", damaged, "--out", tmp_path / "bad")
    assert result.exit_code == 2
    assert "damaged.xls: cannot be read as an XLS (Excel 97-2003) workbook" in result.stderr


def test_opendocument_spreadsheet(run_cli: Callable[..., object], tmp_path: Path) -> None:
    """An .ods workbook (LibreOffice; the document standard of Taiwan's public sector): read
    as a workbook, its cover sheet named as not read; named .xlsx, it is still read as ODS."""
    book = tmp_path / "銷貨.ods"
    with pd.ExcelWriter(book, engine="odf") as writer:
        pd.DataFrame([["銷貨明細匯出"], ["115/12/01"]]).to_excel(writer, sheet_name="說明",
                                                             header=False, index=False)
        pd.DataFrame({"單號": ["S1", "S2"],
                      "單據日期": [dt.date(2026, 10, 5), dt.date(2026, 10, 12)],
                      "品號": ["P-1", "P-2"], "數量": [3, 5]}).to_excel(
            writer, sheet_name="銷貨", index=False)
    report = _import(run_cli, tmp_path / "ods", book)
    assert _file(report, book.name)["sheet"] == "銷貨"
    assert f"{book}: sheet '銷貨' read; not read: '說明'" in report["notes"]
    sales = _sales(tmp_path / "ods")
    assert sales[["order_id", "order_date", "sku", "quantity"]].values.tolist() == [
        ["S1", "2026-10-05", "P-1", "3.0"], ["S2", "2026-10-12", "P-2", "5.0"]]
    misnamed = tmp_path / "sales.xlsx"
    misnamed.write_bytes(book.read_bytes())
    _import(run_cli, tmp_path / "misnamed", misnamed)
    assert (tmp_path / "misnamed" / "sales.csv").read_bytes() == \
        (tmp_path / "ods" / "sales.csv").read_bytes()


def test_a_folder_or_a_pattern_of_exports(run_cli: Callable[..., object],
                                          tmp_path: Path) -> None:
    """A folder is read as its exports (one file a day, as the UCI retail data comes), leaving
    out hidden files, Excel's lock files and files of other kinds; a pattern that no shell
    expanded (Windows) is expanded; a folder or pattern with no export is exit 2."""
    days = tmp_path / "by-day"
    days.mkdir()
    for day, qty in (("2011-12-01", 6), ("2011-12-02", 12)):
        (days / f"{day}.csv").write_text(
            f"InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
            f"5{day[-2:]}365,85123A,{qty},{day} 08:26:00,2.55,17850\n", encoding="utf-8")
    (days / "~$2011-12-03.xlsx").write_bytes(b"lock")
    (days / ".DS_Store").write_bytes(b"\0")
    (days / "README.md").write_text("one file a day\n", encoding="utf-8")
    report = _import(run_cli, tmp_path / "folder", days)
    assert [f["name"] for f in report["files"]] == ["2011-12-01.csv", "2011-12-02.csv"]
    assert _sales(tmp_path / "folder")["quantity"].tolist() == ["6.0", "12.0"]
    report = _import(run_cli, tmp_path / "pattern", days / "2011-12-0*.csv")
    assert [f["name"] for f in report["files"]] == ["2011-12-01.csv", "2011-12-02.csv"]

    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("import", empty, tmp_path / "none-*.csv", "--out", tmp_path / "x")
    assert result.exit_code == 2
    assert f"{empty}: the folder holds no exports (.csv," in result.stderr
    assert f"{tmp_path / 'none-*.csv'}: no export matches this pattern" in result.stderr


def test_progress_is_told_of_each_file_then_the_tables_and_the_folder(tmp_path: Path) -> None:
    """What the progress bar of `salesflow import` shows (a folder of daily files can take
    seconds): each file read, then building the tables, then writing the folder."""
    from salesflow.data.importing.importer import import_files

    for day in ("2011-12-01", "2011-12-02"):
        (tmp_path / f"{day}.csv").write_text(f"Date,SKU,Qty\n{day},A,2\n", encoding="utf-8")
    told: list[tuple[int, int, str]] = []
    out = tmp_path / "out"
    import_files([tmp_path / "2011-12-01.csv", tmp_path / "2011-12-02.csv"], out,
                 progress=lambda done, total, label: told.append((done, total, label)))
    assert told == [(0, 4, "2011-12-01.csv"), (1, 4, "2011-12-02.csv"), (2, 4, "the tables"),
                    (3, 4, str(out))]


def test_headers_with_line_breaks(run_cli: Callable[..., object], tmp_path: Path) -> None:
    """Excel headers typed with Alt+Enter ("數量" over "(個)"): recognised, printed on one line,
    and written to a mapping.toml that reads back (and imports the same)."""
    src = tmp_path / "h.csv"
    src.write_text('"訂單\n編號",日期,品號,"數量\n(個)"\nS1,2024/11/05,P-1,2\n', encoding="utf-8")
    report = _import(run_cli, tmp_path / "a", src)
    assert _columns(report, src.name) == {"訂單\n編號": "order_id", "日期": "order_date",
                                          "品號": "sku", "數量\n(個)": "quantity"}
    printed = run_cli("import", src, "--out", tmp_path / "b")
    assert "  數量 (個) -> quantity" in printed.stdout
    again = _import(run_cli, tmp_path / "c", src, "--mapping", tmp_path / "a" / "mapping.toml")
    assert _columns(again, src.name) == _columns(report, src.name)
    assert _sales(tmp_path / "c").equals(_sales(tmp_path / "a"))


def test_excel_text_formulas_keep_leading_zeros(run_cli: Callable[..., object],
                                               tmp_path: Path) -> None:
    """Exports meant for Excel write codes as ``="0012345"`` so that Excel keeps the zeros
    (and a number with a comma as ``="1,250.00"``): read as the text they stand for."""
    src = _write_text(tmp_path / "eq.csv",
                      'Order,Date,SKU,Qty,Price\n="000123",2024-11-05,="0012345",2,="1,250.00"\n'
                      '="000124",2024-11-12,="0012346",3,50\n')
    report = _import(run_cli, tmp_path / "eq", src)
    sales = _sales(tmp_path / "eq")
    assert sales["order_id"].tolist() == ["000123", "000124"]
    assert sales["sku"].tolist() == ["0012345", "0012346"]
    assert sales["unit_price"].astype(float).tolist() == [1250.0, 50.0]
    assert f'{src}: 5 cell(s) written as Excel text formulas (="00123") read as their text' \
        in report["notes"]
    dataset = load_dataset(tmp_path / "eq")
    assert sorted(dataset.sales["sku"].unique()) == ["0012345", "0012346"]


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_woocommerce_xlsx(run_cli: Callable[..., object], tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "Order Number": [1201, 1201, 1202, 1203],
        "Order Date": [dt.datetime(2026, 2, 2, 9, 30), dt.datetime(2026, 2, 2, 9, 30),
                       dt.datetime(2026, 2, 3, 16, 5), dt.datetime(2026, 2, 4, 11, 0)],
        "Order Status": ["completed", "completed", "refunded", "processing"],
        "Customer User ID": [17, 17, 23, 31],
        "SKU": ["WOO-HOODIE", "WOO-CAP", "WOO-CAP", "WOO-HOODIE"],
        "Item Name": ["Hoodie", "Cap", "Cap", "Hoodie"],
        "Quantity": [1, 2, 1, 4],
        "Item Cost": [45.0, 16.0, 16.0, 42.5],
        "Coupon Code": ["", "SUMMER", "", ""],
    })
    src = tmp_path / "orders.xlsx"
    frame.to_excel(src, index=False)
    out = tmp_path / "woo"
    report = _import(run_cli, out, src)
    info = _file(report, src.name)
    assert info["columns"]["Order Number"] == "order_id"
    assert info["columns"]["Item Cost"] == "unit_price"
    assert info["unplaced"] == ["Coupon Code"]
    assert report["rows"]["sales"] == 3 and report["return_reasons"] == {"status": 1}
    sales = _sales(out)
    assert list(sales["order_date"]) == ["2026-02-02", "2026-02-02", "2026-02-04"]
    assert list(sales["order_time"]) == ["09:30", "09:30", "11:00"]
    load_dataset(out)


GB = """单号,日期,客户编号,品号,品名,数量,单价
XS001,2026/3/2,K01,P-1,绿茶 500克,10,35.5
XS001,2026/3/2,K01,P-2,乌龙茶 500克,5,48
XS002,2026/3/9,K02,P-1,绿茶 500克,7,35.5
"""


def test_gb18030_simplified_headers(run_cli: Callable[..., object], tmp_path: Path) -> None:
    src = tmp_path / "销售.csv"
    src.write_bytes(GB.encode("gb18030"))
    out = tmp_path / "cn"
    report = _import(run_cli, out, src)
    info = _file(report, src.name)
    assert info["encoding"] == "gb18030" and info["date_format"] == "YMD"
    assert info["columns"] == {"单号": "order_id", "日期": "order_date", "客户编号": "customer_id",
                               "品号": "sku", "品名": "name", "数量": "quantity",
                               "单价": "unit_price"}
    skus = pd.read_csv(out / "skus.csv", dtype=str).set_index("sku")
    assert skus.loc["P-2", "name"] == "乌龙茶 500克"
    load_dataset(out)


def test_parquet_and_summary_text(run_cli: Callable[..., object], tmp_path: Path) -> None:
    frame = pd.DataFrame({"order_id": ["1", "2"], "order_date": pd.to_datetime(
        ["2026-01-05", "2026-01-06"]), "customer_id": ["a", "b"], "sku": ["x", "y"],
        "qty": [1.0, 2.0], "notes": ["", "gift"]})
    src = tmp_path / "lines.parquet"
    frame.to_parquet(src)
    out = tmp_path / "pq"
    result = run_cli("import", src, "--out", out)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "lines.parquet: table sales" in text
    assert "qty -> quantity" in text and "qty -> quantity  (recognised" not in text
    assert "not imported (no field): notes" in text
    assert "Returns kept apart in returns.csv: 0" in text
    assert "skus.pack_size = 1" in text
    assert (out / "mapping.toml").is_file() and not (out / "import_defaults.toml").exists()
    assert "[import]" in (out / "config.toml").read_text(encoding="utf-8")
    load_dataset(out)


def test_orders_over_several_dates_or_customers_are_made_consistent(
        run_cli: Callable[..., object], tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("Order ID,Order Date,Customer ID,SKU,Qty\n1,2026-01-05 23:58,a,x,1\n"
                   "1,2026-01-06 00:01,a,y,1\n2,2026-01-06,b,x,2\n2,2026-01-06,c,y,2\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    _import(run_cli, out, src)
    sales = _sales(out)
    assert list(sales["order_id"]) == ["1", "1", "2/b", "2/c"]
    assert list(sales["order_date"]) == ["2026-01-05", "2026-01-05", "2026-01-06", "2026-01-06"]
    assumed = _assumed(out)
    assert set(assumed.loc[assumed["table"] == "sales", "column"]) == {"order_id", "order_date"}
    load_dataset(out)


def test_codes_written_as_decimals_and_many_files(run_cli: Callable[..., object],
                                                  tmp_path: Path) -> None:
    """Spark/pandas exports write CustomerID as 17850.0; a day per file, one mapping."""
    files = []
    for day, customer in (("2010-12-01", "17850.0"), ("2010-12-02", "")):
        path = tmp_path / f"{day}.csv"
        path.write_text(f"{UCI.splitlines()[0]}\n536365,85123A,HEART,6,{day} 08:26:00,2.55,"
                        f"{customer},United Kingdom\n", encoding="utf-8")
        files.append(path)
    out = tmp_path / "out"
    result = run_cli("import", *files, "--out", out)
    assert result.exit_code == 0, result.output
    assert "1 more file(s) read with the same mapping: 2010-12-02.csv" in result.stdout
    assert list(_sales(out)["customer_id"]) == ["17850", "UNKNOWN"]
    assumed = _assumed(out)
    assert (assumed["value"] == "the code without .0").sum() == 1
    load_dataset(out)


SHOPIFY = [
    ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency",
     "Subtotal", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
     "Lineitem sku", "Billing Name", "Cancelled at"],
    ["#1001", "ann@example.com", "paid", "2026-03-02 10:15:09 +0800", "fulfilled", "TWD",
     "1380.00", "2026-03-02 10:14:55 +0800", "2", "Oolong Tea 150g", "450.00", "TEA-OOL-150",
     "Ann Lin", ""],
    ["#1001", "", "", "", "", "", "", "", "1", "Tea Cup", "480.00", "CUP-01", "", ""],
    ["#1002", "bo@example.com", "refunded", "2026-03-03 09:01:00 +0800", "", "TWD",
     "450.00", "2026-03-03 09:00:12 +0800", "1", "Oolong Tea 150g", "450.00", "TEA-OOL-150",
     "Bo Chen", "2026-03-04 11:00:00 +0800"],
]


def test_shopify_orders_export(run_cli: Callable[..., object], tmp_path: Path) -> None:
    """Shopify writes order fields (date, e-mail, status) on an order's first line only."""
    src = tmp_path / "orders_export.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(SHOPIFY)
    src.write_text(buffer.getvalue(), encoding="utf-8")
    out = tmp_path / "shopify"
    report = _import(run_cli, out, src)
    columns = _columns(report, src.name)
    assert columns["Name"] == "order_id" and columns["Email"] == "customer_id"
    assert columns["Created at"] == "order_date" and columns["Lineitem sku"] == "sku"
    assert columns["Financial Status"] == "status"
    assert report["rows"]["sales"] == 2 and report["return_reasons"] == {"status": 1}
    sales = _sales(out)
    assert list(sales["customer_id"]) == ["ann@example.com"] * 2
    assert list(sales["order_date"]) == ["2026-03-02"] * 2
    load_dataset(out)


def test_master_data_exports_customers_suppliers_open_orders(
        run_cli: Callable[..., object], tmp_path: Path) -> None:
    """Products, suppliers, customers with coordinates and open purchase orders, beside the
    sales: their values are used, only the gaps are assumed."""
    texts = {
        "sales.csv": "Order ID,Order Date,Customer ID,SKU,Qty,Unit Price\n"
                     "1,2026-01-05,K1,A,5,10\n2,2026-01-06,K2,B,3,4\n",
        "products.csv": "SKU,Product Name,Category,Vendor,Unit Cost,Pack Size,MOQ,Weight\n"
                        "A,Bolt,Metal,V1,6.5,10,20,0.1\nB,Nut,Metal,V2,2,,,0.05\n",
        "vendors.csv": "Vendor,Vendor Name,Lead Time,Order Cost\nV1,Acme,5,30\n",
        "customers.csv": "Customer ID,Name,Address,Latitude,Longitude\n"
                         "K1,Shop One,Main St 1,25.03,121.56\nK2,Shop Two,Side St 2,25.05,121.52\n",
        "po.csv": "PO Number,Item,Quantity,Expected Date\nPO-9,A,40,2026-01-20\n"
                  "PO-9,A,10,2026-01-20\nPO-10,B,0,2026-01-21\n",
        "staff.csv": "Employee ID,Employee Name,Hourly Rate\nE1,Mei,200\n",
    }
    files = []
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    out = tmp_path / "out"
    report = _import(run_cli, out, *files)
    tables = {f["name"]: f["table"] for f in report["files"]}
    assert tables == {"sales.csv": "sales", "products.csv": "skus", "vendors.csv": "suppliers",
                      "customers.csv": "customers", "po.csv": "open_orders",
                      "staff.csv": "employees"}
    assert report["rows"] == {"sales": 2, "skus": 2, "suppliers": 2, "inventory": 2,
                              "open_orders": 1, "customers": 2, "process_steps": 5}
    assert any(n.startswith("employees: not written") for n in report["notes"])
    skus = pd.read_csv(out / "skus.csv").set_index("sku")
    assert skus.loc["A", ["unit_cost", "pack_size", "moq", "unit_weight_kg"]].tolist() == \
        [6.5, 10, 20, 0.1]
    assert skus.loc["B", ["pack_size", "moq"]].tolist() == [1, 1]
    suppliers = pd.read_csv(out / "suppliers.csv").set_index("supplier_id")
    assert suppliers.loc["V1", ["name", "lead_time_days", "order_cost"]].tolist() == \
        ["Acme", 5, 30.0]
    assert suppliers.loc["V2", ["name", "lead_time_days"]].tolist() == ["V2", 7]
    orders = pd.read_csv(out / "open_orders.csv")
    assert orders.to_dict("records") == [{"po_id": "PO-9", "sku": "A", "quantity": 50.0,
                                          "arrival_date": "2026-01-20"}]
    customers = pd.read_csv(out / "customers.csv").set_index("customer_id")
    assert customers.loc["K1", ["name", "lat", "lon"]].tolist() == ["Shop One", 25.03, 121.56]
    assumed = _assumed(out)
    windows = assumed[assumed["table"] == "customers"]
    assert set(windows["column"]) == {"window_start", "window_end", "service_minutes"}
    assert not ((assumed["table"] == "skus") & (assumed["column"] == "unit_cost")).any()
    dataset = load_dataset(out)
    assert len(dataset.tables["customers"]) == 2

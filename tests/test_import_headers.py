"""Header variants real ERPs print that are no exact synonym: placed by the words they contain,
and a customer name standing in for a missing customer number (stated)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.data.importing.columns import PATTERN_RANK, match_column, match_columns


@pytest.mark.parametrize(("header", "field"), [
    ("品名代碼", "sku"), ("商品代號", "sku"), ("貨品編號", "sku"), ("物料编码", "sku"),
    ("Item No.", "sku"), ("Product Code (SKU)", "sku"), ("中文品名", "name"),
    ("商品名稱(中)", "name"), ("訂購數量(個)", "quantity"), ("Qty Ordered", "quantity"),
    ("含稅單價", "unit_price"), ("Unit Price (EUR)", "unit_price"), ("出貨日期", "order_date"),
    ("Order Date/Time", "order_date"), ("預計到貨", "arrival_date"),
    ("客戶全名", "customer_name"), ("客戶代碼No", "customer_id"),
    ("客戶名稱", "customer_name"), ("銷貨單號碼", "order_id"), ("Invoice #", "order_id"),
])
def test_header_variants_are_placed(header: str, field: str) -> None:
    hit = match_column(header)
    assert hit is not None and hit[0] == field, (header, hit)


def test_a_barcode_is_the_product_code_only_without_another() -> None:
    assert match_columns(["條碼", "品名", "數量"])[0] == {"條碼": "sku", "品名": "name",
                                                      "數量": "quantity"}
    mapping, unplaced = match_columns(["品號", "EAN", "數量"])
    assert mapping == {"品號": "sku", "數量": "quantity"} and unplaced == ["EAN"]


def test_an_exact_synonym_beats_a_pattern() -> None:
    # "數量" is the field's synonym, "訂購數量(個)" only contains it: the synonym takes the field
    # and the other column is listed as not placed.
    mapping, unplaced = match_columns(["訂購數量(個)", "數量", "品號"])
    assert mapping == {"數量": "quantity", "品號": "sku"}
    assert unplaced == ["訂購數量(個)"]
    assert match_column("訂購數量(個)")[1] >= PATTERN_RANK  # type: ignore[index]


def test_big5_export_with_names_only(run_cli: Callable[..., object], tmp_path: Path) -> None:
    rows = ["訂單號碼,客戶名稱,業務,品名代碼,中文品名,數量,單價,訂單日期"]
    rows += [f"SO{100 + i},{['大同公司', '華碩'][i % 2]},王小明,A{i % 3:03d},棉質上衣,{i % 5 + 1},"
             f"\"1,250.00\",115/{9 + i // 20:02d}/{i % 20 + 1:02d}" for i in range(60)]
    source = tmp_path / "erp.csv"
    source.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp950"))
    out = tmp_path / "shop"
    result = run_cli("import", source, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    columns = report["files"][0]["columns"]
    assert columns["品名代碼"] == "sku" and columns["中文品名"] == "name"
    assert columns["客戶名稱"] == "customer_name"
    sales = pd.read_csv(out / "sales.csv", dtype=str, keep_default_na=False)
    assert set(sales["customer_id"]) == {"大同公司", "華碩"}
    assert sales["order_date"].min() == "2026-09-01"
    assumed = pd.read_csv(out / "assumptions.csv", dtype=str, keep_default_na=False)
    stated = assumed[(assumed["table"] == "sales") & (assumed["column"] == "customer_id")]
    assert stated["value"].tolist() == ["customer name"]
    assert len(load_dataset(out)["sales"]) == 60


def test_a_sku_only_ever_sold_at_price_zero_takes_the_default_cost(
        run_cli: Callable[..., object], tmp_path: Path) -> None:
    # UCI-style free samples and adjustments: UnitPrice 0 is no selling price to derive a cost
    # from (a zero cost would make holding free and the EOQ infinite).
    rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID"]
    rows += [f"5{i:05d},{'FREE' if i % 4 == 0 else 'PAID'},x,{i % 3 + 1},"
             f"2026-{9 + i // 28:02d}-{i % 28 + 1:02d} 10:00,{0 if i % 4 == 0 else 2.5},"
             f"{17000 + i % 5}" for i in range(80)]
    source = tmp_path / "lines.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "shop"
    assert run_cli("import", source, "--out", out).exit_code == 0
    skus = pd.read_csv(out / "skus.csv", dtype={"sku": str}).set_index("sku")
    assert skus.loc["FREE", "unit_cost"] == 1.0  # ImportDefaults.unit_cost
    assert skus.loc["PAID", "unit_cost"] == pytest.approx(2.5 * (1 - 0.30))
    assumed = pd.read_csv(out / "assumptions.csv", dtype=str, keep_default_na=False)
    why = assumed[(assumed["column"] == "unit_cost") & (assumed["key"] == "*")]["why"]
    assert why.str.contains("selling price above 0").all() and len(why) == 1

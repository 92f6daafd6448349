"""Crashes the dataset fuzz suite (tests/test_fuzz_datasets.py) found, kept as plain tests.

Each came from a dataset that validation accepted and planning then died on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from helpers import edit_table

from salesflow.optimizer.purchasing.baselines import _plain_eoq, eoq_with_breaks
from salesflow.optimizer.purchasing.problem import PurchaseItem

TINY = 2.2e-311  # a subnormal float: valid (>= 0), but 1 / (price x rate) is infinite


def _item(unit_cost: float, breaks: tuple[tuple[float, float], ...] = ()) -> PurchaseItem:
    return PurchaseItem("SKU1", "SUP1", unit_cost, 0.001, 6, 0, 0.25, 0.95, 0.0, breaks)


@pytest.mark.parametrize("item", [
    _item(TINY), _item(5.0, ((71.4, TINY), (596.2, 5e-324))),
    _item(np.float64(TINY)), _item(np.float64(5.0), ((71.4, np.float64(TINY)),)),
], ids=["list-price", "price-breaks", "numpy-list-price", "numpy-price-breaks"])
@pytest.mark.filterwarnings("error")  # numpy's overflow warning reached the terminal
def test_eoq_with_a_subnormal_price_is_a_year_of_demand(item: PurchaseItem) -> None:
    """Was ``OverflowError: cannot convert float infinity to integer`` in purchase (prices
    come from the tables as numpy floats, hence the numpy cases)."""
    weekly = 120.0
    quantity = eoq_with_breaks(item, weekly, order_cost=50.0)
    assert isinstance(quantity, int) and quantity % item.pack_size == 0
    assert 0 < quantity <= math.ceil(weekly * 365 / 7 / item.pack_size) * item.pack_size
    plain = _plain_eoq(item if not item.breaks else _item(TINY), np.float64(weekly),
                       order_cost=np.float64(50.0))
    assert plain == math.ceil(weekly * 365 / 7 / 6) * 6


def test_purchase_on_subnormal_prices_plans(tiny_dir: Path, tmp_path: Path,
                                            run_cli: Callable[..., object]) -> None:
    def tiny_prices(frame):  # type: ignore[no-untyped-def]
        frame = frame.copy()
        frame.loc[0, "unit_cost"] = repr(TINY)
        return frame

    edit_table(tiny_dir, "skus", tiny_prices)
    sku = (tiny_dir / "skus.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    edit_table(tiny_dir, "price_breaks", lambda frame: frame[frame["sku"] != sku])

    result = run_cli("purchase", "--data", tiny_dir, "--store", tmp_path / "store",
                     "--out", tmp_path / "out", "--time-limit", "1", "--json")

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert json.loads(result.stdout)["ok"] is True  # type: ignore[attr-defined]


def test_purchase_on_five_orders_in_two_years_plans(tmp_path: Path,
                                                    run_cli: Callable[..., object]) -> None:
    """Orders on five days of two and a half years: the orders-per-day forecast (no quantiles)
    pooled its intermittent candidates and died choosing quantile sources for no levels
    (``ValueError: need at least one array to concatenate`` in forecasting/pooling.py)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "suppliers.csv").write_text(
        "supplier_id,name,lead_time_days,order_cost\nSUP1,Supplier,5,40\n", encoding="utf-8")
    (data / "skus.csv").write_text(
        "sku,name,category,supplier_id,unit_cost,unit_volume_m3,unit_weight_kg,pack_size,moq\n"
        "SKU1,Tape,paint,SUP1,4,0.001,0.2,6,0\nSKU2,Glue,paint,SUP1,3,0.001,0.2,1,0\n",
        encoding="utf-8")
    lines = [("SO1", "2024-03-10", "SKU2", 20), ("SO2", "2025-02-08", "SKU2", 62),
             ("SO3", "2026-03-29", "SKU1", 21), ("SO4", "2026-09-19", "SKU1", 15),
             ("SO5", "2025-12-18", "SKU1", 3)]
    (data / "sales.csv").write_text(
        "order_id,order_date,customer_id,sku,quantity\n"
        + "".join(f"{o},{d},C1,{s},{q}\n" for o, d, s, q in lines), encoding="utf-8")

    result = run_cli("purchase", "--data", data, "--store", tmp_path / "store",
                     "--time-limit", "1", "--json")

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]

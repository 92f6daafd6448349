"""The purchase problem's per-SKU tables: ABC classes by revenue and price breaks by SKU."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesflow.optimizer.purchasing.builder import abc_classes, price_breaks_by_sku


def test_abc_classes_price_missing_lines_at_unit_cost() -> None:
    skus = pd.DataFrame({"sku": ["a", "b", "c"], "unit_cost": [5.0, 2.0, 1.0]})
    sales = pd.DataFrame({"sku": ["a", "b", "a"], "quantity": [10.0, 1.0, 2.0],
                          "unit_price": [np.nan, 100.0, 3.0]})
    # revenue: a = 10 x 5 (its unit cost) + 2 x 3 = 56, b = 100, c = 0 (no sales)
    classes = abc_classes(sales, skus, (0.6, 0.9))
    # b: 0 % of revenue before it (A); a: 100 / 156 = 64 % before it (B); c: no sales (C)
    assert classes.to_dict() == {"a": "B", "b": "A", "c": "C"}
    assert sales["unit_price"].isna().sum() == 1  # the caller's table is left as it was


def test_abc_classes_with_every_price_given() -> None:
    skus = pd.DataFrame({"sku": ["a", "b"], "unit_cost": [1.0, 1.0]})
    sales = pd.DataFrame({"sku": ["a", "b"], "quantity": [1.0, 9.0],
                          "unit_price": [1.0, 1.0]})
    assert abc_classes(sales, skus, (0.8, 0.95)).to_dict() == {"a": "B", "b": "A"}


def test_price_breaks_by_sku_sorted_per_sku() -> None:
    table = pd.DataFrame({"sku": ["b", "a", "b", "a", "c"],
                          "min_qty": [50, 100, 10, 20, 5],
                          "unit_price": [8.0, 4.5, 9.0, 5.0, 1.0]})
    assert price_breaks_by_sku(table) == {
        "a": ((20.0, 5.0), (100.0, 4.5)),
        "b": ((10.0, 9.0), (50.0, 8.0)),
        "c": ((5.0, 1.0),)}
    assert price_breaks_by_sku(table.iloc[:0]) == {}

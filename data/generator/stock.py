"""Stock and purchase terms sized from the sales: inventory, open purchase orders, price breaks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.generator.calendar import HISTORY_WEEKS

if TYPE_CHECKING:
    import datetime as dt

    from salesflow.data.generator.calendar import Calendar
    from salesflow.data.generator.catalog import Catalog
    from salesflow.data.generator.sales import Lines, Orders


def weekly_units(lines: Lines, orders: Orders, cal: Calendar, n_skus: int) -> np.ndarray:
    """Units sold per (week, SKU)."""
    week = cal.week[orders.day[lines.order]]
    flat = np.bincount(week * n_skus + lines.sku, weights=lines.quantity,
                       minlength=HISTORY_WEEKS * n_skus)
    return flat.reshape(HISTORY_WEEKS, n_skus)


def inventory_table(catalog: Catalog, weekly: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    """On hand: 0-4 weeks of the last 8 weeks' demand, whole units, some SKUs out of stock."""
    recent = weekly[-8:].mean(axis=0)
    on_hand = np.floor(rng.uniform(0.0, 4.0, catalog.n) * recent)
    on_hand = np.where(rng.random(catalog.n) < 0.1, 0, on_hand).astype(np.int64)
    return pd.DataFrame({"sku": catalog.sku, "on_hand": on_hand})


def _packs_up(quantity: np.ndarray, pack: np.ndarray) -> np.ndarray:
    """``quantity`` rounded up to whole packs."""
    return (np.ceil(quantity / pack) * pack).astype(np.int64)


def open_orders_table(catalog: Catalog, weekly: np.ndarray, history_end: dt.date,
                      rng: np.random.Generator) -> pd.DataFrame:
    """10-20 % of the SKUs on order, one PO per supplier, arriving in the next 1-3 weeks."""
    n = catalog.n
    chosen = np.sort(rng.choice(n, max(1, round(rng.uniform(0.10, 0.20) * n)), replace=False))
    suppliers = np.unique(catalog.supplier[chosen])
    week, weekday = rng.integers(0, 3, len(suppliers)), rng.integers(0, 5, len(suppliers))
    arrival = np.datetime64(history_end, "D") + 1 + 7 * week + weekday
    po_order = np.lexsort((suppliers, arrival))
    po_number = np.empty(len(suppliers), dtype=np.int64)
    po_number[po_order] = rng.integers(100, 900) + np.arange(len(suppliers))
    slot = np.searchsorted(suppliers, catalog.supplier[chosen])
    demand = weekly[-13:].mean(axis=0)[chosen]
    quantity = _packs_up(np.maximum(rng.uniform(2, 6, len(chosen)) * demand,
                                    np.maximum(catalog.moq[chosen], 1)), catalog.pack[chosen])
    frame = pd.DataFrame({
        "po_id": [f"PO{k:05d}" for k in po_number[slot]], "sku": catalog.sku[chosen],
        "quantity": quantity, "arrival_date": arrival[slot].astype("datetime64[ns]"),
    })
    return frame.sort_values(["arrival_date", "po_id", "sku"], ignore_index=True)


_BREAK_WEEKS = np.array([2, 3, 4, 6, 8, 10, 13, 16, 20])


def _break_quantities(catalog: Catalog, demand: np.ndarray, count: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """(n, 4) min_qty in whole packs, strictly increasing, first above the MOQ."""
    n, pack = catalog.n, catalog.pack
    picks = np.argsort(rng.random((n, len(_BREAK_WEEKS))), axis=1)[:, :4]
    picks = np.where(np.arange(4)[None, :] < count[:, None], picks, len(_BREAK_WEEKS))
    weeks = np.r_[_BREAK_WEEKS, 10_000][np.sort(picks, axis=1)].astype(float)
    quantity = _packs_up(weeks * demand[:, None], pack[:, None])
    quantity[:, 0] = np.maximum(quantity[:, 0], catalog.moq + pack)
    for k in range(1, 4):
        quantity[:, k] = np.maximum(quantity[:, k], quantity[:, k - 1] + pack)
    return quantity


def _break_prices(catalog: Catalog, rng: np.random.Generator) -> np.ndarray:
    """(n, 4) prices in cents: about 2-15 % off the unit cost, strictly falling."""
    cost = catalog.cost_cents[:, None]
    low = np.maximum(1, np.ceil(0.02 * cost))
    high = np.maximum(np.floor(0.15 * cost), low + 3)
    cut = np.sort(low + np.floor(rng.random((catalog.n, 4)) * (high - low + 1)), axis=1)
    for k in range(1, 4):
        cut[:, k] = np.maximum(cut[:, k], cut[:, k - 1] + 1)
    cut = np.minimum(cut, high - 3 + np.arange(4)[None, :])
    return (cost - cut).astype(np.int64)


def price_breaks_table(catalog: Catalog, weekly: np.ndarray,
                       rng: np.random.Generator) -> pd.DataFrame:
    """2-4 all-units breaks per SKU at roughly 2-20 weeks of its average demand."""
    demand = np.maximum(weekly[-52:].mean(axis=0), 0.25)
    count = rng.integers(2, 5, catalog.n)
    quantity = _break_quantities(catalog, demand, count, rng)
    cents = _break_prices(catalog, rng)
    keep = np.arange(4)[None, :] < count[:, None]
    return pd.DataFrame({
        "sku": np.repeat(catalog.sku, count), "min_qty": quantity[keep],
        "unit_price": cents[keep] / 100,
    })

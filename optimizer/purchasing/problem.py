"""The purchasing problem: SKUs, suppliers, weekly demand and open orders over the horizon.

Periods are weeks starting on Monday. Week ``t`` covers ``week_start + 7t`` to
``week_start + 7t + 6``; a receipt counts in the week that contains its arrival date.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset


@dataclass(frozen=True)
class SupplierTerms:
    supplier_id: str
    lead_time_days: int
    order_cost: float
    min_order_value: float
    order_weekdays: tuple[int, ...]  # Monday = 0; empty = any day


@dataclass(frozen=True)
class PurchaseItem:
    sku: str
    supplier_id: str
    unit_cost: float
    unit_volume_m3: float
    pack_size: int
    moq: int
    holding_rate: float
    service_level: float
    on_hand: float
    breaks: tuple[tuple[float, float], ...]  # (min_qty, unit_price), increasing min_qty

    def unit_price(self, quantity: float) -> float:
        """All-units price of a line of ``quantity`` units: the break with the largest
        ``min_qty`` not above it, else ``unit_cost``."""
        price = self.unit_cost
        for min_qty, break_price in self.breaks:
            if quantity >= min_qty:
                price = break_price
            else:
                break
        return price

    def order_quantity(self, need: float) -> int:
        """Smallest whole-pack quantity that covers ``need`` and respects the MOQ."""
        packs = max(math.ceil(max(need, 0.0) / self.pack_size - 1e-9),
                    math.ceil(self.moq / self.pack_size - 1e-9), 1)
        return packs * self.pack_size

    @property
    def holding_cost_per_week(self) -> float:
        return self.unit_cost * self.holding_rate * 7.0 / 365.0


@dataclass(frozen=True)
class PurchaseProblem:
    """Everything a purchasing policy needs, and nothing it must look up elsewhere.

    ``demand`` and ``open_arrivals`` are ``len(items) × weeks`` arrays of units.
    """

    week_start: dt.date
    weeks: int
    items: tuple[PurchaseItem, ...]
    suppliers: dict[str, SupplierTerms]
    demand: np.ndarray
    open_arrivals: np.ndarray
    shortage_penalty: float

    def week_of(self, day: dt.date) -> int:
        """Index of the horizon week containing ``day`` (negative before the horizon)."""
        return (day - self.week_start).days // 7

    def week_date(self, week: int) -> dt.date:
        return self.week_start + dt.timedelta(days=7 * week)

    def order_days(self, supplier_id: str) -> list[dt.date]:
        """Per horizon week, the first day the supplier accepts orders (Monday if any day)."""
        allowed = self.suppliers[supplier_id].order_weekdays or (0,)
        return [self.week_date(w) + dt.timedelta(days=allowed[0]) for w in range(self.weeks)]


def abc_classes(sales: pd.DataFrame, skus: pd.DataFrame, cutoffs: tuple[float, ...]) -> pd.Series:
    """ABC class per SKU by share of revenue (quantity × price, unit_cost where no price).

    Classes close at the cumulative revenue shares ``cutoffs`` (A up to the first, B up to the
    second, C beyond); a SKU with no sales is C.
    """
    cost = skus.set_index("sku")["unit_cost"]
    price = sales["unit_price"].fillna(sales["sku"].map(cost))
    revenue = (sales["quantity"] * price).groupby(sales["sku"]).sum()
    revenue = revenue.reindex(skus["sku"], fill_value=0.0)
    revenue = revenue.sort_values(ascending=False, kind="stable")
    total = revenue.sum()
    share_before = (revenue.cumsum() - revenue) / total if total > 0 else revenue * 0 + 1
    classes = np.where(share_before < cutoffs[0], "A",
                       np.where(share_before < cutoffs[1], "B", "C"))
    classes = np.where(revenue.to_numpy() > 0, classes, "C")
    return pd.Series(classes, index=revenue.index, name="abc").reindex(skus["sku"])


def build_purchase_problem(dataset: Dataset, demand: pd.DataFrame, week_start: dt.date,
                           weeks: int, history: pd.DataFrame | None = None) -> PurchaseProblem:
    """Purchasing problem for the ``weeks`` weeks from ``week_start`` (a Monday).

    Parameters
    ----------
    demand:
        Columns ``sku, week_start, quantity``: expected units per SKU and week; missing
        (SKU, week) pairs are zero demand.
    history:
        Sales lines used for the ABC classes (default: the whole sales table).
    """
    config = dataset.config
    skus = dataset.skus.sort_values("sku", kind="stable").reset_index(drop=True)
    suppliers = {
        row.supplier_id: SupplierTerms(row.supplier_id, int(row.lead_time_days),
                                       float(row.order_cost), float(row.min_order_value),
                                       tuple(row.order_weekdays))
        for row in dataset.suppliers.itertuples(index=False)
    }
    classes = abc_classes(dataset.sales if history is None else history, skus,
                          config.service_levels.abc_cutoffs)
    level_of = {"A": config.service_levels.A, "B": config.service_levels.B,
                "C": config.service_levels.C}
    on_hand = dataset["inventory"].groupby("sku")["on_hand"].sum()
    breaks = {sku: tuple(zip(g["min_qty"].astype(float), g["unit_price"].astype(float),
                             strict=True))
              for sku, g in dataset["price_breaks"].sort_values(["sku", "min_qty"])
              .groupby("sku", sort=False)}
    items = tuple(
        PurchaseItem(
            sku=row.sku, supplier_id=row.supplier_id, unit_cost=float(row.unit_cost),
            unit_volume_m3=float(row.unit_volume_m3), pack_size=int(row.pack_size),
            moq=int(row.moq),
            holding_rate=float(row.holding_rate) if pd.notna(row.holding_rate)
            else config.purchasing.holding_rate,
            service_level=float(row.service_level) if pd.notna(row.service_level)
            else level_of[classes[row.sku]],
            on_hand=float(on_hand.get(row.sku, 0.0)),
            breaks=breaks.get(row.sku, ()),
        )
        for row in skus.itertuples(index=False)
    )
    position = {item.sku: i for i, item in enumerate(items)}
    start = pd.Timestamp(week_start)

    def week_index(dates: pd.Series) -> np.ndarray:
        return ((pd.to_datetime(dates) - start).dt.days // 7).to_numpy()

    demand_matrix = np.zeros((len(items), weeks))
    if not demand.empty:
        w = week_index(demand["week_start"])
        rows = demand["sku"].map(position).to_numpy()
        keep = (w >= 0) & (w < weeks) & pd.notna(rows)
        np.add.at(demand_matrix, (rows[keep].astype(int), w[keep]),
                  demand["quantity"].to_numpy(dtype=float)[keep])
    arrivals = np.zeros((len(items), weeks))
    open_orders = dataset["open_orders"]
    if not open_orders.empty:
        w = np.maximum(week_index(open_orders["arrival_date"]), 0)  # overdue: expected now
        rows = open_orders["sku"].map(position).to_numpy()
        keep = w < weeks
        np.add.at(arrivals, (rows[keep].astype(int), w[keep]),
                  open_orders["quantity"].to_numpy(dtype=float)[keep])
    return PurchaseProblem(week_start, weeks, items, suppliers, demand_matrix, arrivals,
                           config.purchasing.shortage_penalty)

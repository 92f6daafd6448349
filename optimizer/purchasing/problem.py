"""The purchasing problem: SKUs, suppliers, weekly demand and open orders over the horizon.

Periods are weeks starting on Monday. Week ``t`` covers ``week_start + 7t`` to
``week_start + 7t + 6``; a receipt counts in the week that contains its arrival date. A
supplier takes at most one order per week, on its first order weekday of that week.

Capacities couple SKUs: the warehouse volume (stock after the week's receipts, m³), the
receiving capacity per week (``receiving_per_unit`` × units + ``receiving_per_line`` × lines
arriving), the purchase budget per order week, and a supplier's truck (m³ per supplier order).
Each is optional (``None`` = unlimited). Breaking one is not an error: the evaluator reports and
prices it with :class:`ViolationRates`, so that every policy gets a plan and a cost.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

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
    truck_capacity_m3: float | None = None  # volume of one supplier order; None = unlimited


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
    receiving_per_unit: float = 0.0  # receiving capacity used per unit received
    receiving_per_line: float = 0.0  # receiving capacity used per purchase line received

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
        return max(math.ceil(max(need, 0.0) / self.pack_size - 1e-9), self.min_packs) \
            * self.pack_size

    @property
    def min_packs(self) -> int:
        """Fewest packs of a line: the MOQ rounded up to packs, at least one."""
        return max(math.ceil(self.moq / self.pack_size - 1e-9), 1)

    @property
    def holding_cost_per_week(self) -> float:
        return self.unit_cost * self.holding_rate * 7.0 / 365.0


@dataclass(frozen=True)
class ViolationRates:
    """Prices of breaking a soft constraint (what infeasible data costs a plan).

    Capacities and the budget are priced high on purpose: a policy breaks them only when the
    data leaves no other way (or when it ignores them, as the ERP baselines do). An order below
    the supplier's minimum order value pays the missing value (a common surcharge rule), so a
    plan reaches the minimum with stock it can use, never with stock it would throw away.
    A rate of ``math.inf`` makes the limit hard: the solver keeps it or finds no plan, and the
    evaluator prices a plan that breaks it at infinity.
    """

    warehouse_per_m3_week: float = 1_000.0
    truck_per_m3: float = 1_000.0
    receiving_per_unit_week: float = 1_000.0
    budget_per_currency: float = 10.0
    min_order_value_per_currency: float = 1.0  # the supplier bills the missing value


@dataclass(frozen=True)
class PurchaseProblem:
    """Everything a purchasing policy needs, and nothing it must look up elsewhere.

    ``demand`` and ``open_arrivals`` are ``len(items) × weeks`` arrays of units;
    ``safety_stock`` (same shape, optional) is the end-of-week stock each SKU should keep;
    ``receiving_capacity`` and ``budget`` (optional) have one value per week.
    """

    week_start: dt.date
    weeks: int
    items: tuple[PurchaseItem, ...]
    suppliers: dict[str, SupplierTerms]
    demand: np.ndarray
    open_arrivals: np.ndarray
    shortage_penalty: float
    safety_stock: np.ndarray | None = None
    warehouse_m3: float | None = None
    receiving_capacity: np.ndarray | None = None
    budget: np.ndarray | None = None
    rates: ViolationRates = field(default_factory=ViolationRates)

    def week_of(self, day: dt.date) -> int:
        """Index of the horizon week containing ``day`` (negative before the horizon)."""
        return (day - self.week_start).days // 7

    def week_date(self, week: int) -> dt.date:
        return self.week_start + dt.timedelta(days=7 * week)

    def order_days(self, supplier_id: str) -> list[dt.date]:
        """Per horizon week, the first day the supplier accepts orders (Monday if any day)."""
        allowed = self.suppliers[supplier_id].order_weekdays or (0,)
        return [self.week_date(w) + dt.timedelta(days=allowed[0]) for w in range(self.weeks)]

    def arrival_weeks(self, supplier_id: str) -> list[int]:
        """Per order week, the horizon week in which that order arrives (may be >= weeks)."""
        lead = dt.timedelta(days=self.suppliers[supplier_id].lead_time_days)
        return [self.week_of(day + lead) for day in self.order_days(supplier_id)]

    @property
    def safety_stock_matrix(self) -> np.ndarray:
        """``safety_stock`` or zeros."""
        if self.safety_stock is None:
            return np.zeros_like(self.demand, dtype=float)
        return self.safety_stock

    @property
    def coupled(self) -> bool:
        """Whether a constraint ties different suppliers' orders together."""
        return (self.warehouse_m3 is not None or self.receiving_capacity is not None
                or self.budget is not None)

    def supplier_groups(self) -> dict[str, list[int]]:
        """Item positions per supplier, suppliers in sorted order."""
        groups: dict[str, list[int]] = {}
        for i, item in enumerate(self.items):
            groups.setdefault(item.supplier_id, []).append(i)
        return dict(sorted(groups.items()))

    def restricted(self, positions: list[int], couplings: bool = True) -> PurchaseProblem:
        """The problem of the items at ``positions`` only (their suppliers kept); without
        ``couplings`` the warehouse, receiving and budget limits are dropped."""
        rows = np.asarray(positions, dtype=int)
        items = tuple(self.items[i] for i in positions)
        suppliers = {s: self.suppliers[s] for s in sorted({x.supplier_id for x in items})}
        return replace(
            self, items=items, suppliers=suppliers, demand=self.demand[rows],
            open_arrivals=self.open_arrivals[rows],
            safety_stock=None if self.safety_stock is None else self.safety_stock[rows],
            warehouse_m3=self.warehouse_m3 if couplings else None,
            receiving_capacity=self.receiving_capacity if couplings else None,
            budget=self.budget if couplings else None)


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


def warehouse_capacity(depots: pd.DataFrame) -> float | None:
    """Total ``capacity_m3`` of the depots; ``None`` (unlimited) if any depot has none."""
    if depots.empty or "capacity_m3" not in depots or depots["capacity_m3"].isna().any():
        return None
    return float(depots["capacity_m3"].sum())


def build_purchase_problem(dataset: Dataset, demand: pd.DataFrame, week_start: dt.date,
                           weeks: int, history: pd.DataFrame | None = None, *,
                           safety_stock: np.ndarray | None = None,
                           receiving_capacity: np.ndarray | None = None,
                           budget: np.ndarray | None = None) -> PurchaseProblem:
    """Purchasing problem for the ``weeks`` weeks from ``week_start`` (a Monday).

    Parameters
    ----------
    demand:
        Columns ``sku, week_start, quantity``: expected units per SKU and week; missing
        (SKU, week) pairs are zero demand.
    history:
        Sales lines used for the ABC classes (default: the whole sales table).
    safety_stock, receiving_capacity, budget:
        Optional limits (see :class:`PurchaseProblem`); the warehouse capacity is the depots'
        ``capacity_m3``. Without ``safety_stock``, quantile columns of ``demand`` (``p10``,
        ``p90``, ...) give it at each SKU's service level.
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
            receiving_per_line=1.0,
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
    if safety_stock is None:
        from salesflow.optimizer.purchasing.safety_stock import safety_stock_matrix

        safety_stock = safety_stock_matrix(demand, items, suppliers, start, weeks)
    return PurchaseProblem(week_start, weeks, items, suppliers, demand_matrix, arrivals,
                           config.purchasing.shortage_penalty, safety_stock=safety_stock,
                           warehouse_m3=warehouse_capacity(dataset["depots"]),
                           receiving_capacity=receiving_capacity, budget=budget)

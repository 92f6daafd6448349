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


@dataclass(frozen=True)
class SupplierTerms:
    supplier_id: str
    lead_time_days: int
    order_cost: float
    min_order_value: float
    order_weekdays: tuple[int, ...]  # Monday = 0; empty = any day
    truck_capacity_m3: float | None = None  # volume of one supplier order; None = unlimited
    name: str = ""  # the supplier's name, shown beside its id


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
    name: str = ""  # the SKU's name, shown beside its id

    @property
    def lowest_price(self) -> float:
        """The lowest price any line can get: ``unit_cost`` or a break's."""
        return min([self.unit_cost, *(price for _, price in self.breaks)])

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

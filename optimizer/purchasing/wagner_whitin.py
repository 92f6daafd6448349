"""Wagner–Whitin: the exact single-item uncapacitated lot-sizing optimum (the test oracle).

One item, order cost ``K`` per order, constant unit price, holding ``h`` per unit on end-of-week
stock, no capacity, no lead time offset, packs of one, no backorders. Stock on hand is used
first. The optimum orders only when the stock is zero (Wagner & Whitin 1958), so the best plan
for weeks ``0..t`` is the best plan for ``0..j-1`` plus one order in week ``j`` covering
``j..t``: an ``O(T²)`` dynamic program. It shares no code with the MIP model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WagnerWhitinResult:
    """The optimal plan: quantity ordered per week and its cost parts."""

    orders: tuple[float, ...]
    purchase: float
    ordering: float
    holding: float

    @property
    def total(self) -> float:
        return self.purchase + self.ordering + self.holding


def wagner_whitin(demand: Sequence[float], order_cost: float, holding_per_week: float,
                  unit_price: float, on_hand: float = 0.0) -> WagnerWhitinResult:
    """Cheapest order plan covering ``demand`` week by week.

    Raises
    ------
    ValueError
        If a demand, the stock or a cost is negative.
    """
    d = np.asarray(demand, dtype=float)
    if (d < 0).any() or min(order_cost, holding_per_week, unit_price, on_hand) < 0:
        raise ValueError("demand, stock and costs must not be negative")
    weeks = len(d)
    # Stock on hand serves the first demands; what it leaves is the net demand.
    net = d.copy()
    stock = on_hand
    holding_stock = 0.0
    for t in range(weeks):
        used = min(stock, net[t])
        net[t] -= used
        stock -= used
        holding_stock += stock * holding_per_week
    best = np.full(weeks + 1, np.inf)
    best[0] = 0.0
    choice = np.zeros(weeks + 1, dtype=int)
    for t in range(1, weeks + 1):  # cover weeks 0..t-1
        if net[t - 1] <= 0 and best[t - 1] < np.inf:
            best[t], choice[t] = best[t - 1], -1  # nothing needed this week
        for j in range(t):  # order in week j for weeks j..t-1
            if net[j] <= 0:
                continue  # an order is placed only in a week with need (ZIO property)
            carried = sum(net[k] * (k - j) for k in range(j, t))
            cost = best[j] + order_cost + holding_per_week * carried
            if cost < best[t] - 1e-12:
                best[t], choice[t] = cost, j
    orders = np.zeros(weeks)
    t = weeks
    while t > 0:
        j = choice[t]
        if j < 0:
            t -= 1
            continue
        orders[j] = net[j:t].sum()
        t = j
    holding = holding_stock + _holding_of_orders(net, orders, holding_per_week)
    n_orders = int((orders > 0).sum())
    return WagnerWhitinResult(tuple(float(x) for x in orders), unit_price * float(net.sum()),
                              order_cost * n_orders, holding)


def _holding_of_orders(net: np.ndarray, orders: np.ndarray, holding_per_week: float) -> float:
    """Holding cost of the ordered units (the initial stock's is counted apart)."""
    stock = np.cumsum(orders - net)
    return float(np.maximum(stock, 0.0).sum() * holding_per_week)

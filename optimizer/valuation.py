"""Stock valuation: what the stock held at the end of a horizon is worth.

Used wherever a policy's cost is taken net of the change in stock value (the replay and the
weekly KPIs), so that a policy can neither look cheap by running its stock down nor by buying
price-break lots it does not sell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol


def fifo_value(position: float, lots: Sequence[tuple[float, float]], unit_cost: float) -> float:
    """Value of an end ``position`` of one SKU, first in first out.

    The units held are the most recently bought: ``lots`` (quantity, price paid) oldest first
    are taken from the newest back; units beyond them (start stock) count at ``unit_cost``, and
    a negative position (a backlog to buy) at ``unit_cost`` too.
    """
    if position <= 0:
        return position * unit_cost
    value, left = 0.0, position
    for quantity, price in reversed(lots):
        take = min(left, quantity)
        value += take * price
        left -= take
        if left <= 0:
            return value
    return value + left * unit_cost


class _Line(Protocol):
    """What the valuation reads of a purchase line."""

    @property
    def sku(self) -> str: ...

    @property
    def quantity(self) -> int: ...

    @property
    def unit_price(self) -> float: ...

    @property
    def order_date(self) -> dt.date: ...


def lots_by_sku(lines: Iterable[_Line]) -> dict[str, list[tuple[float, float]]]:
    """Per SKU, the (quantity, price paid) of its purchase lines, oldest order first."""
    lots: dict[str, list[tuple[float, float]]] = {}
    for line in sorted(lines, key=lambda x: x.order_date):
        lots.setdefault(line.sku, []).append((float(line.quantity), float(line.unit_price)))
    return lots


def end_stock_value(skus: Sequence[str], unit_costs: Iterable[float], end: Iterable[float],
                    lines: Iterable[_Line], caps: Iterable[float] | None = None) -> float:
    """Value of every SKU's ``end`` position after a plan of ``lines`` (first in first out,
    :func:`fifo_value`): the one valuation of the stock a horizon leaves behind, which the
    procurement accounting reports. With ``caps``, only the first ``caps[k]`` units held
    (the most recently bought) count: what the purchase model credits (see
    :func:`salesflow.optimizer.purchasing.model.credit_caps`)."""
    lots = lots_by_sku(lines)
    limits = caps if caps is not None else [float("inf")] * len(skus)
    return float(sum(fifo_value(min(float(position), float(cap)), lots.get(sku, ()),
                                float(cost))
                     for sku, cost, position, cap in zip(skus, unit_costs, end, limits,
                                                         strict=True)))

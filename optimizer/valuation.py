"""Stock valuation: what the stock held at the end of a horizon is worth.

Used wherever a policy's cost is taken net of the change in stock value (the replay and the
weekly KPIs), so that a policy can neither look cheap by running its stock down nor by buying
price-break lots it does not sell.
"""

from __future__ import annotations

from collections.abc import Sequence


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

"""What each purchase line needs, with and without safety stock: the quantities behind its
primary reason (:mod:`~salesflow.optimizer.purchasing.reasons`).

A line arriving in week ``a`` is the SKU's supply until its next line arrives (week ``b``, or
the horizon's end). Its *rule quantity* for a need ``n`` is what a buyer would order:
nothing for no need, else ``n`` in whole packs and at least the MOQ, raised to a price break
when the break buys the lot for no more money (:func:`rule_quantity`).

* ``with_safety_stock``: the rule quantity that keeps the plan's end-of-week stock at the
  safety stock target in every week from ``a`` to ``b - 1``, given the plan's other lines.
* ``without_safety_stock``: the counterfactual. Safety stock removed, the lines of the SKU
  are replayed in arrival order with the plan's timing: a line whose quantity the safety
  stock set (see :func:`line_needs`) would have ordered its demand-only quantity instead, so
  every later week of the SKU holds that much less stock (the stock balance is linear). The
  line's quantity in that world is the rule quantity of the demand alone from ``a`` to
  ``b - 1``.

Safety stock changes a line's quantity when the counterfactual differs from the planned
quantity and the planned quantity is no more than safety stock requires (``without <
quantity <= with``); it is what *sets* the quantity when, in addition, it adds at least as
many units as demand alone would order (``quantity - without >= without``): a line that
covers twelve weeks of demand and a week of safety stock is there for the demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from salesflow.optimizer.purchasing.plan import PurchaseLine
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem

EPS = 1e-9


def rule_quantity(item: PurchaseItem, need: float) -> int:
    """Units a buyer orders for ``need``: 0 without need, else whole packs, at least the MOQ,
    raised to the (pack-rounded) price break that costs least in total (the smaller
    quantity on a tie)."""
    if need <= EPS:
        return 0
    base = item.order_quantity(need)
    best, best_cost = base, base * item.unit_price(base)
    for min_qty, _ in item.breaks:
        if min_qty <= base:
            continue
        quantity = max(math.ceil(min_qty / item.pack_size - EPS), item.min_packs) \
            * item.pack_size
        cost = quantity * item.unit_price(quantity)
        if cost < best_cost - EPS:
            best, best_cost = quantity, cost
    return best


@dataclass(frozen=True)
class LineNeeds:
    """One line's needs (units) and rule quantities, with and without safety stock.

    ``start``/``end``: the horizon weeks the line is the SKU's supply for (``end``
    exclusive); ``demand_need``: units short of zero stock in those weeks without the line
    (the plan's stock); ``safety_need``: units short of the safety stock target;
    ``counterfactual_need``: units short of zero stock without the line in the world without
    safety stock; ``with_safety_stock``/``without_safety_stock``: their rule quantities;
    ``short_on_arrival``: whether, without the line, the SKU would run short (of zero stock,
    without safety stock) in its arrival week; ``target``: the highest safety stock target
    of those weeks."""

    start: int
    end: int
    demand_need: float
    safety_need: float
    counterfactual_need: float
    with_safety_stock: int
    without_safety_stock: int
    short_on_arrival: bool
    target: float

    def safety_stock_changes(self, quantity: int) -> bool:
        """Whether removing the safety stock would change ``quantity`` and safety stock is
        what requires it: ``without < quantity <= with``."""
        return self.without_safety_stock < quantity <= self.with_safety_stock

    def safety_stock_sets(self, quantity: int) -> bool:
        """Whether safety stock is what sets ``quantity``: removing it would change the
        quantity (:meth:`safety_stock_changes`) and the units it adds are at least as many as
        demand alone would order (``quantity - without >= without``)."""
        return self.safety_stock_changes(quantity) and \
            quantity - self.without_safety_stock >= self.without_safety_stock

    @property
    def weeks(self) -> int:
        return max(0, self.end - self.start)


def line_needs(problem: PurchaseProblem, lines: list[PurchaseLine],
               inventory: np.ndarray) -> list[LineNeeds]:
    """:class:`LineNeeds` of every line (input order kept).

    ``inventory`` is the plan's end-of-week stock, items × weeks (``PlanEvaluation.inventory``
    of a plan made of ``lines``)."""
    index = {item.sku: i for i, item in enumerate(problem.items)}
    target = problem.safety_stock_matrix
    by_sku: dict[str, list[int]] = {}
    for k, line in enumerate(lines):
        by_sku.setdefault(line.sku, []).append(k)
    out: dict[int, LineNeeds] = {}
    for sku, positions in by_sku.items():
        i = index[sku]
        item = problem.items[i]
        starts = {k: max(problem.week_of(lines[k].arrival_date), 0) for k in positions}
        removed = np.zeros(problem.weeks)  # stock the safety stock put in, by week
        for k in sorted(positions, key=lambda k: (starts[k], k)):
            a = min(starts[k], problem.weeks)
            later = [starts[j] for j in positions if starts[j] > starts[k]]
            b = min(min(later) if later else problem.weeks, problem.weeks)
            quantity = lines[k].quantity
            if a >= b:  # arrives after the horizon: no demand of the horizon to cover
                out[k] = LineNeeds(a, a, 0.0, 0.0, 0.0, 0, 0, False, 0.0)
                continue
            without = inventory[i, a:b] - quantity
            world = without - removed[a:b]
            demand_need = max(float(np.max(-without)), 0.0)
            safety_need = max(float(np.max(target[i, a:b] - without)), 0.0)
            counterfactual_need = max(float(np.max(-world)), 0.0)
            needs = LineNeeds(a, b, demand_need, safety_need, counterfactual_need,
                              rule_quantity(item, safety_need),
                              rule_quantity(item, counterfactual_need),
                              bool(world[0] < -EPS), float(np.max(target[i, a:b])))
            if needs.safety_stock_changes(quantity):
                removed[a:] += quantity - needs.without_safety_stock
            out[k] = needs
    return [out[k] for k in range(len(lines))]

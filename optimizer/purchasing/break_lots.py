"""Break lots: a SKU's lines bought at once, at a price break, when the supplier's score falls.

The starts (baselines, the order-pattern heuristic, the per-SKU program in the heuristic's
order weeks) size each line for the weeks it covers. A price break beyond that need pays when
the units left at the horizon's end are credited at the price paid
(:class:`~salesflow.optimizer.purchasing.model.ModelTerms`): buying a SKU's horizon in one
lot at the break often costs less than two or three lots at the list price, and a supplier MIP
that would find it seldom ends in time on a large problem. So each SKU with price breaks tries
its lines replaced by one line at its first order date, of the break's quantity (or the
lines' total if more), and keeps it when the supplier's score falls. No clock, the same
every run.

Without the warehouse, receiving and budget limits (the supplier parts of the start), the
score is a sum of one term per SKU (its lines' purchase, holding, shortage, lateness and safety
stock prices less its end stock's value) and one per supplier order (the order cost, the
minimum order value's surcharge, the truck's excess): a candidate's change is its SKU's term
and its orders' terms (:class:`SplitScore`), not the whole part scored again, which made the
start quadratic in the supplier's SKUs (about 1,700 of the 1,850 rescorings of 20 of large's
supplier parts). Each term comes from the score's own functions
(:func:`~salesflow.optimizer.purchasing.score.objective_parts` on the SKU alone,
:func:`~salesflow.optimizer.purchasing.checks.one_order_violations`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from salesflow.optimizer.purchasing.checks import one_order_violations, order_totals
from salesflow.optimizer.purchasing.model import credit_caps
from salesflow.optimizer.purchasing.plan import PurchaseLine
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.score import objective_parts

OrderKey = tuple[str, dt.date]


class SplitScore:
    """Changes of a coupling-free part's score (:func:`~salesflow.optimizer.purchasing.score.
    objective_parts`) when one SKU's lines are replaced, from the SKU's and its orders'
    terms only."""

    def __init__(self, part: PurchaseProblem, lines: Sequence[PurchaseLine]) -> None:
        if part.coupled:
            raise ValueError("a part with warehouse, receiving or budget limits does not "
                             "split by SKU and order")
        self.part = part
        self._totals = {key: list(v) for key, v in order_totals(part, lines).items()}
        self._counts = Counter((x.supplier_id, x.order_date) for x in lines)

    def _order_term(self, key: OrderKey, value: float, volume: float, count: int) -> float:
        if count == 0:
            return 0.0
        supplier, day = key
        return self.part.suppliers[supplier].order_cost + sum(
            v.cost for v in one_order_violations(self.part, supplier, day, value, volume))

    def sku_term(self, i: int, own: Sequence[PurchaseLine]) -> float:
        """SKU ``i``'s term with its lines ``own``: its score alone less its orders' terms
        alone."""
        alone = self.part.restricted([i], couplings=False)
        orders = sum(self._order_term(key, value, volume, 1)
                     for key, (value, volume) in order_totals(alone, own).items())
        return objective_parts(alone, own).total - orders

    def _order_change(self, old: Sequence[PurchaseLine], new: Sequence[PurchaseLine]
                      ) -> tuple[float, dict[OrderKey, tuple[float, float, int]]]:
        removed, added = order_totals(self.part, old), order_totals(self.part, new)
        gone = Counter((x.supplier_id, x.order_date) for x in old)
        come = Counter((x.supplier_id, x.order_date) for x in new)
        change, after = 0.0, {}
        for key in sorted(set(removed) | set(added)):
            value, volume = self._totals.get(key, (0.0, 0.0))
            count = self._counts.get(key, 0)
            minus, plus = removed.get(key, (0.0, 0.0)), added.get(key, (0.0, 0.0))
            state = (value - minus[0] + plus[0], volume - minus[1] + plus[1],
                     count - gone[key] + come[key])
            change += self._order_term(key, *state) - self._order_term(key, value, volume, count)
            after[key] = state
        return change, after

    def change(self, i: int, old: Sequence[PurchaseLine], old_term: float,
               new: Sequence[PurchaseLine]) -> tuple[float, float]:
        """The score's change when SKU ``i``'s lines ``old`` (whose term is ``old_term``)
        become ``new``, and the term of ``new``."""
        new_term = self.sku_term(i, new)
        orders, _ = self._order_change(old, new)
        return new_term - old_term + orders, new_term

    def replace(self, old: Sequence[PurchaseLine], new: Sequence[PurchaseLine]) -> None:
        """Take the replacement of ``old`` by ``new`` into the orders' totals."""
        _, after = self._order_change(old, new)
        for key, (value, volume, count) in after.items():
            self._totals[key] = [value, volume]
            self._counts[key] = count


def with_break_lots(part: PurchaseProblem, lines: Sequence[PurchaseLine], score: float
                    ) -> tuple[list[PurchaseLine], float]:
    """``lines`` with, SKU by SKU (in ``part``'s order), its lines replaced by one break lot
    wherever that lowers the part's score (``score`` is that of ``lines``); the lines and
    their score (:func:`~salesflow.optimizer.purchasing.score.objective_parts`). A break beyond
    the lines' total plus the SKU's credited end stock (:func:`credit_caps`) is not tried: the
    units over it would be paid for and earn nothing. On a part with coupling limits each
    candidate is scored whole."""
    current: list[PurchaseLine | None] = list(lines)  # replaced lines become None
    positions: dict[str, list[int]] = {}
    for k, line in enumerate(lines):
        positions.setdefault(line.sku, []).append(k)
    caps = credit_caps(part)
    split = None if part.coupled else SplitScore(part, lines)
    changed = False
    for i, item in enumerate(part.items):
        where = positions.get(item.sku, [])
        own = sorted((x for k in where if (x := current[k]) is not None),
                     key=lambda x: x.order_date)
        if not own or not item.breaks:
            continue
        total = sum(x.quantity for x in own)
        first = own[0]
        own_term = None
        tried: set[int] = set()
        for least, _ in item.breaks:
            if least <= first.quantity or least > total + caps[i]:
                continue
            quantity = item.order_quantity(max(least, total))
            if quantity in tried or (len(own) == 1 and quantity == first.quantity):
                continue
            tried.add(quantity)
            lot = PurchaseLine(item.sku, item.supplier_id, first.order_date,
                               first.arrival_date, quantity, item.unit_price(quantity), "")
            if split is None:
                rest = [x for x in current if x is not None and x.sku != item.sku]
                candidate_score = objective_parts(part, [*rest, lot]).total
                better = candidate_score < score - 1e-9
            else:
                if own_term is None:
                    own_term = split.sku_term(i, own)
                change, lot_term = split.change(i, own, own_term, [lot])
                better = change < -1e-9
            if better:
                if split is None:
                    score = candidate_score
                else:
                    split.replace(own, [lot])
                    own_term = lot_term
                for k in positions.get(item.sku, []):
                    current[k] = None
                positions[item.sku] = [len(current)]
                current.append(lot)
                own, first, changed = [lot], lot, True
    kept = [x for x in current if x is not None]
    if changed and split is not None:
        score = objective_parts(part, kept).total
    return kept, score

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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from salesflow.optimizer.purchasing.model import credit_caps
from salesflow.optimizer.purchasing.plan import PurchaseLine
from salesflow.optimizer.purchasing.problem import PurchaseProblem

Scorer = Callable[[PurchaseProblem, list[PurchaseLine]], float]


def with_break_lots(part: PurchaseProblem, lines: Sequence[PurchaseLine], score: float,
                    scorer: Scorer) -> tuple[list[PurchaseLine], float]:
    """``lines`` with, SKU by SKU (in ``part``'s order), its lines replaced by one break lot
    wherever that lowers ``scorer``; the lines and their score. A break beyond the lines'
    total plus the SKU's credited end stock (:func:`credit_caps`) is not tried: the units
    over it would be paid for and earn nothing."""
    current = list(lines)
    caps = credit_caps(part)
    for i, item in enumerate(part.items):
        own = sorted((x for x in current if x.sku == item.sku), key=lambda x: x.order_date)
        if not own or not item.breaks:
            continue
        total = sum(x.quantity for x in own)
        first = own[0]
        rest = [x for x in current if x.sku != item.sku]
        tried: set[int] = set()
        for least, _ in item.breaks:
            if least <= first.quantity or least > total + caps[i]:
                continue
            quantity = item.order_quantity(max(least, total))
            if quantity in tried or (len(own) == 1 and quantity == first.quantity):
                continue
            tried.add(quantity)
            candidate = [*rest, PurchaseLine(item.sku, item.supplier_id, first.order_date,
                                             first.arrival_date, quantity,
                                             item.unit_price(quantity), "")]
            candidate_score = scorer(part, candidate)
            if candidate_score < score - 1e-9:
                current, score = candidate, candidate_score
                own = [candidate[-1]]
                first = own[0]
    return current, score

"""Why each recommended line is what it is, in a buyer's words: one primary reason (the
decisive one, a stable code in ``primary_reason``) and the others after it (``reason``, in the
plan's language).

The primary reason is decided from the line's needs (:mod:`~salesflow.optimizer.purchasing.
counterfactual`), in this order:

1. ``safety_stock``: removing the safety stock would change the quantity, safety stock
   requires no less than it, and it adds at least as many units as demand alone would order
   (:meth:`~salesflow.optimizer.purchasing.counterfactual.LineNeeds.safety_stock_sets`).
2. The line buys more than demand and safety stock need until the next order:
   ``price_break`` when it reaches a cheaper price than the needed quantity would,
   ``min_order_value`` when the supplier order would stay below its minimum value without
   the extra, ``joins_supplier_order`` when nothing was needed yet and the line rides on an
   order of other SKUs, else ``buys_ahead``.
3. The quantity is what demand needs: ``moq`` when the MOQ raised it, ``pack_size`` when one
   pack is more than the need, ``price_break`` when the rounding went up to a break,
   ``joins_supplier_order`` when the SKU would not run short in its arrival week and the line
   joins an order of other SKUs, else ``covers_demand_to_next_order``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from salesflow.data.i18n import N_, _, format_number, ngettext
from salesflow.optimizer.purchasing.counterfactual import LineNeeds, line_needs
from salesflow.optimizer.purchasing.plan import (
    PurchaseLine,
    PurchasePlan,
    plan_arrivals,
    projected_stock,
)
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem

PRIMARY_REASONS: dict[str, str] = {
    "safety_stock": N_("safety stock"),
    "price_break": N_("price break"),
    "min_order_value": N_("minimum order value"),
    "moq": N_("minimum order quantity"),
    "pack_size": N_("pack size"),
    "joins_supplier_order": N_("joins the supplier's order"),
    "covers_demand_to_next_order": N_("covers demand to the next order"),
    "buys_ahead": N_("buys ahead"),
}
"""Primary reason codes (stable, in ``purchase_orders.csv``) and their names in words."""

TOLERANCE = 1e-6


def primary_reason_label(code: str) -> str:
    """A primary reason code in words, in the current language (the code when unknown)."""
    return _(PRIMARY_REASONS[code]) if code in PRIMARY_REASONS else code


def primary_reason(item: PurchaseItem, line: PurchaseLine, needs: LineNeeds, order_skus: int,
                   order_value: float, min_order_value: float) -> str:
    """The decisive reason's code for ``line`` (see the module doc)."""
    quantity = line.quantity
    if needs.safety_stock_sets(quantity):
        return "safety_stock"
    wanted = needs.with_safety_stock
    if quantity > wanted:
        if wanted > 0 and item.unit_price(quantity) < item.unit_price(wanted) - TOLERANCE:
            return "price_break"
        extra = (quantity - wanted) * line.unit_price
        if min_order_value > 0 and order_value - extra < min_order_value - TOLERANCE:
            return "min_order_value"
        if wanted == 0 and order_skus > 1:
            return "joins_supplier_order"
        return "buys_ahead"
    need = needs.counterfactual_need
    packs_needed = item.order_quantity(need) // item.pack_size if need > 0 else 0
    if item.min_packs > 1 and quantity == item.min_packs * item.pack_size \
            and packs_needed < item.min_packs:
        return "moq"
    if item.pack_size > 1 and quantity == item.pack_size and need < item.pack_size:
        return "pack_size"
    # the need in whole packs and MOQ before any price break: with the safety stock where it
    # changes the quantity (without setting it), else demand alone
    bare = item.order_quantity(needs.safety_need if needs.safety_stock_changes(quantity)
                               else need)
    if quantity > bare and item.unit_price(quantity) < item.unit_price(bare) - TOLERANCE:
        return "price_break"
    if order_skus > 1 and not needs.short_on_arrival:
        return "joins_supplier_order"
    return "covers_demand_to_next_order"


def _phrases(item: PurchaseItem, line: PurchaseLine, needs: LineNeeds,
             order_skus: int, min_order_value: float,
             number: Callable[..., str] = format_number) -> dict[str, str]:
    """Every reason that applies to ``line``, in words, by code (numbers by ``number``)."""
    out: dict[str, str] = {}
    reached = [q for q, _ in item.breaks if line.quantity >= q]
    if reached:
        out["price_break"] = _("price break at {quantity} units ({price} each)").format(
            quantity=number(reached[-1]), price=number(line.unit_price, 2))
    if item.min_packs > 1 and line.quantity == item.min_packs * item.pack_size:
        out["moq"] = _("minimum order quantity {moq}").format(moq=number(item.moq))
    if item.pack_size > 1:
        out["pack_size"] = _("packs of {pack}").format(pack=number(item.pack_size))
    if needs.target > TOLERANCE:
        out["safety_stock"] = _("safety stock of {units} units").format(
            units=number(needs.target))
    if min_order_value > 0:
        out["min_order_value"] = _("supplier's minimum order value {value}").format(
            value=number(min_order_value, 2))
    if order_skus > 1:
        out["joins_supplier_order"] = _("joins the supplier's order of {count} SKUs").format(
            count=number(order_skus))
    out["covers_demand_to_next_order"] = ngettext(
        "covers {weeks} week of demand to the next order",
        "covers {weeks} weeks of demand to the next order", needs.weeks).format(
        weeks=number(needs.weeks))
    out["buys_ahead"] = _("buys ahead of demand")
    return out


SECONDARY = ("price_break", "moq", "safety_stock", "joins_supplier_order",
             "covers_demand_to_next_order")
"""The reasons listed after the primary one when they apply, in this order."""


def explain(problem: PurchaseProblem, lines: list[PurchaseLine]) -> list[PurchaseLine]:
    """``lines`` with their ``primary_reason`` and ``reason`` written (input order kept)."""
    if not lines:
        return []
    index = {item.sku: i for i, item in enumerate(problem.items)}
    inventory = projected_stock(problem, plan_arrivals(problem, lines)[0])
    needs = line_needs(problem, lines, inventory)
    order_size = Counter((line.supplier_id, line.order_date) for line in lines)
    order_value: dict[tuple, float] = defaultdict(float)
    for line in lines:
        order_value[line.supplier_id, line.order_date] += line.line_cost
    # Babel takes ~0.2 ms a number; pack sizes, MOQs, counts and weeks repeat over lines.
    number = lru_cache(maxsize=None)(format_number)
    out = []
    for line, need in zip(lines, needs, strict=True):
        item = problem.items[index[line.sku]]
        key = (line.supplier_id, line.order_date)
        minimum = problem.suppliers[line.supplier_id].min_order_value
        code = primary_reason(item, line, need, order_size[key], order_value[key], minimum)
        phrases = _phrases(item, line, need, order_size[key], minimum, number)
        first = phrases.get(code, primary_reason_label(code))
        rest = [phrases[c] for c in SECONDARY if c != code and c in phrases]
        out.append(replace(line, primary_reason=code,
                           reason=_("; ").join([first, *rest])))
    return out


def explained_plan(problem: PurchaseProblem, plan: PurchasePlan) -> PurchasePlan:
    """``plan`` with every line's reason written."""
    return PurchasePlan(tuple(explain(problem, list(plan.lines))), plan.policy)

"""Purchasing baselines that ERPs ship. Each respects pack size, MOQ and the supplier's minimum
order value, and decides one SKU at a time.

All three review every SKU on each of its supplier's order days and look at the projected stock
at the end of the week the order would arrive (stock + open and earlier orders − forecast
demand up to then; a time-phased order point):

* ``lot_for_lot``: order exactly the shortfall below zero (whole packs, MOQ), as late as the
  lead time allows, no safety stock;
* ``eoq_reorder_point``: when the projection falls below the safety stock, order whole
  economic order quantities (EOQ with all-units price breaks) until it is back above;
* ``min_max``: when the projection falls below the minimum (the safety stock), order up to the
  maximum (minimum + the plain EOQ).

A supplier order below the minimum order value is topped up on its largest line, in whole
packs (what a buyer does to get the order accepted), unless that would more than triple it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from salesflow.data.dataset.config import BaselineSection
from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem

WEEKS_PER_YEAR = 365.0 / 7.0
MAX_TOP_UP = 3.0

Rule = Callable[[PurchaseProblem, int, int, float], float]
"""``rule(problem, item, arrival_week, projected_stock) -> units to order (0 = none)``."""


def _eoq(annual: float, order_cost: float, holding: float) -> float:
    """The classic EOQ, ``sqrt(2 x annual demand x order cost / holding cost)``; infinite for
    free holding (a zero price or rate) and for a holding cost too small for a float EOQ. In
    Python floats: a subnormal price from a table (a numpy float) gives that infinity without
    numpy's overflow warning on the user's terminal."""
    holding = float(holding)
    if holding <= 0:
        return math.inf
    return math.sqrt(2 * float(annual) * float(order_cost) / holding)


def eoq_with_breaks(item: PurchaseItem, weekly_demand: float, order_cost: float) -> int:
    """Economic order quantity under all-units price breaks, in whole packs and >= MOQ.

    For each price level the classic EOQ at that level's holding cost, moved into the level's
    quantity range; the quantity with the lowest yearly purchase + ordering + holding cost wins.
    """
    annual = weekly_demand * WEEKS_PER_YEAR
    if annual <= 0:
        return item.order_quantity(0.0)
    levels = [(0.0, item.unit_cost), *item.breaks]
    best_q, best_cost = 0.0, math.inf
    for k, (min_qty, price) in enumerate(levels):
        upper = levels[k + 1][0] if k + 1 < len(levels) else math.inf
        q = _eoq(annual, order_cost, price * item.holding_rate)
        if not math.isfinite(q):  # a holding cost too small for a float EOQ counts as free
            q = min(upper, annual)
        q = max(q, min_qty, 1.0)
        if math.isfinite(upper):
            q = min(q, upper - 1)
        q = item.order_quantity(q)
        cost = (annual * item.unit_price(q) + annual * order_cost / q
                + q / 2 * item.unit_price(q) * item.holding_rate)
        if cost < best_cost - 1e-9:
            best_q, best_cost = q, cost
    return int(best_q)


def _plain_eoq(item: PurchaseItem, weekly_demand: float, order_cost: float) -> int:
    """EOQ at the list price, in whole packs and >= MOQ."""
    annual = weekly_demand * WEEKS_PER_YEAR
    holding = item.unit_cost * item.holding_rate
    if annual <= 0 or holding <= 0:
        return item.order_quantity(0.0)
    eoq = _eoq(annual, order_cost, holding)
    return item.order_quantity(eoq if math.isfinite(eoq) else annual)  # a year's demand at most


def top_up(problem: PurchaseProblem, supplier: str, lines: list[list[float]]) -> None:
    """Raise ``[item, quantity]`` lines to the supplier's minimum order value: the missing
    value goes to the line of the largest value, in whole packs. An order that would have to
    grow more than ``MAX_TOP_UP`` times its own value is left below the minimum (a buyer would
    not triple an order for it; the surcharge is cheaper)."""
    floor = problem.suppliers[supplier].min_order_value

    def value() -> float:
        return sum(q * problem.items[int(i)].unit_price(q) for i, q in lines)

    if not lines or floor <= 0 or floor > MAX_TOP_UP * value():
        return
    for _ in range(100):  # all-units prices can dip past a break: a few rounds at most
        missing = floor - value()
        if missing <= 1e-9:
            return
        k = max(range(len(lines)),
                key=lambda j: lines[j][1] * problem.items[int(lines[j][0])].unit_cost)
        item = problem.items[int(lines[k][0])]
        lines[k][1] += max(1, math.ceil(missing / (item.unit_cost * item.pack_size) - 1e-9)) \
            * item.pack_size


def simulate(problem: PurchaseProblem, rule: Rule, policy: str) -> PurchasePlan:
    """Apply ``rule`` to every SKU on every order day, week by week (see the module doc)."""
    out: list[PurchaseLine] = []
    target = problem.safety_stock_matrix
    for supplier, positions in problem.supplier_groups().items():
        terms = problem.suppliers[supplier]
        lead = dt.timedelta(days=terms.lead_time_days)
        days = problem.order_days(supplier)
        arrival_weeks = problem.arrival_weeks(supplier)
        # a row per SKU of the supplier; each week's stock of all of them from one cumulative
        # sum along the rows (the same sums, element by element, as one per SKU)
        rows = np.asarray(positions, dtype=int)
        row_of = {i: k for k, i in enumerate(positions)}
        arrivals = problem.open_arrivals[rows].copy()
        demand = problem.demand[rows]
        on_hand = np.array([problem.items[i].on_hand for i in positions])[:, None]
        for w, a in enumerate(arrival_weeks):
            if a >= problem.weeks:
                break
            lines: list[list[float]] = []
            stock_at = (on_hand + np.cumsum(arrivals - demand, axis=1))[:, a].tolist()
            for i, level in zip(positions, stock_at, strict=True):
                quantity = rule(problem, i, a, level)
                if quantity > 0:
                    lines.append([i, quantity])
            top_up(problem, supplier, lines)
            for position, amount in lines:
                i, quantity = int(position), int(amount)
                item, k = problem.items[i], row_of[i]
                arrivals[k, a] += quantity
                reasons = [policy.replace("_", "-")]
                if item.moq > item.pack_size and quantity == item.min_packs * item.pack_size:
                    reasons.append(f"MOQ {item.moq}")
                if w == 0 and a > 0 and (  # a first-week line short before it arrives
                        on_hand[k] + np.cumsum(arrivals[k, :a] - demand[k, :a]) < -1e-9).any():
                    reasons.append("late: lead time longer than the time to need")
                if target[i, a] > 0 and policy != "lot_for_lot":
                    reasons.append("safety stock")
                out.append(PurchaseLine(item.sku, supplier, days[w], days[w] + lead, quantity,
                                        item.unit_price(quantity), "; ".join(reasons)))
    out.sort(key=lambda x: (x.order_date, x.supplier_id, x.sku))
    return PurchasePlan(tuple(out), policy=policy)


def _lot_for_lot_rule(problem: PurchaseProblem, i: int, a: int, stock: float) -> float:
    if stock >= -1e-9:
        return 0.0
    return problem.items[i].order_quantity(-stock)


def lot_for_lot(problem: PurchaseProblem) -> PurchasePlan:
    """Lot-for-lot plan for every SKU of ``problem``."""
    return simulate(problem, _lot_for_lot_rule, "lot_for_lot")


def _mean_demand(problem: PurchaseProblem) -> np.ndarray:
    return problem.demand.mean(axis=1) if problem.weeks else np.zeros(len(problem.items))


@dataclass(frozen=True)
class BaselineRule:
    """The company's current purchasing rule with its parameters (``config.toml``
    ``[baseline]``): the "before" of every procurement KPI.

    ``safety_stock``: min/max and EOQ + reorder point keep the forecast's safety stock;
    ``min_cover_weeks``: the minimum (reorder point) is the safety stock plus this many weeks
    of mean demand; ``max_cover_weeks``: the min/max maximum is the minimum plus this many
    weeks of mean demand (0: plus the plain EOQ). The defaults are the rules of
    :data:`BASELINES`.
    """

    rule: str = "min_max"
    safety_stock: bool = True
    min_cover_weeks: float = 0.0
    max_cover_weeks: float = 0.0

    def __post_init__(self) -> None:
        if self.rule not in BASELINES:
            raise ValueError(f"rule must be one of {', '.join(BASELINES)}; got {self.rule!r}")

    @classmethod
    def from_config(cls, section: BaselineSection) -> BaselineRule:
        return cls(section.rule, section.safety_stock, section.min_cover_weeks,
                   section.max_cover_weeks)

    @property
    def is_default(self) -> bool:
        """Whether the rule is :data:`BASELINES`' own (no parameter changed)."""
        return self == BaselineRule(self.rule)

    def describe(self) -> str:
        """``min_max (config.toml [baseline])`` with the parameters that differ."""
        changed = [f"{name}={getattr(self, name)}" for name in
                   ("safety_stock", "min_cover_weeks", "max_cover_weeks")
                   if getattr(self, name) != getattr(BaselineRule(self.rule), name)]
        return self.rule + (f" ({', '.join(changed)})" if changed else "")


def _minimum(problem: PurchaseProblem, rule: BaselineRule) -> np.ndarray:
    """Items × weeks: the level below which the rule orders."""
    target = problem.safety_stock_matrix if rule.safety_stock \
        else np.zeros((len(problem.items), problem.weeks))
    return target + rule.min_cover_weeks * _mean_demand(problem)[:, None]


def eoq_reorder_point(problem: PurchaseProblem,
                      rule: BaselineRule | None = None) -> PurchasePlan:
    """EOQ (with price breaks) + time-phased reorder point at the safety stock (plus
    ``rule.min_cover_weeks`` of mean demand)."""
    rule = rule or BaselineRule("eoq_reorder_point")
    mean = _mean_demand(problem)
    lots = [eoq_with_breaks(item, mean[i], problem.suppliers[item.supplier_id].order_cost)
            for i, item in enumerate(problem.items)]
    target = _minimum(problem, rule)

    def order(problem: PurchaseProblem, i: int, a: int, stock: float) -> float:
        short = target[i, a] - stock
        if short <= 1e-9 or (stock >= -1e-9 and mean[i] <= 0):
            return 0.0
        return math.ceil(short / lots[i] - 1e-9) * lots[i]

    return simulate(problem, order, "eoq_reorder_point")


def min_max(problem: PurchaseProblem, rule: BaselineRule | None = None) -> PurchasePlan:
    """(s, S): below the minimum (safety stock + ``rule.min_cover_weeks`` of mean demand),
    order up to the maximum (minimum + plain EOQ, or + ``rule.max_cover_weeks`` of mean
    demand)."""
    rule = rule or BaselineRule("min_max")
    mean = _mean_demand(problem)
    if rule.max_cover_weeks > 0:
        lots = [float(rule.max_cover_weeks * mean[i]) for i in range(len(problem.items))]
    else:
        lots = [float(_plain_eoq(item, mean[i], problem.suppliers[item.supplier_id].order_cost))
                for i, item in enumerate(problem.items)]
    target = _minimum(problem, rule)

    def order(problem: PurchaseProblem, i: int, a: int, stock: float) -> float:
        if target[i, a] - stock <= 1e-9 or (stock >= -1e-9 and mean[i] <= 0):
            return 0.0
        return problem.items[i].order_quantity(target[i, a] + lots[i] - stock)

    return simulate(problem, order, "min_max")


def baseline_plan(problem: PurchaseProblem, rule: BaselineRule) -> PurchasePlan:
    """The plan of the company's rule ``rule`` on ``problem``."""
    if rule.rule == "lot_for_lot":
        return lot_for_lot(problem)
    if rule.rule == "eoq_reorder_point":
        return eoq_reorder_point(problem, rule)
    return min_max(problem, rule)


BASELINES: dict[str, Callable[[PurchaseProblem], PurchasePlan]] = {
    "lot_for_lot": lot_for_lot,
    "eoq_reorder_point": eoq_reorder_point,
    "min_max": min_max,
}
"""Every baseline by name, in report order."""

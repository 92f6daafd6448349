"""Targets as decisions: the purchase plan's total cost and fill rate against inventory turnover.

The turnover target is a limit on the average stock value over the horizon: projected cost of
goods sold (forecast demand at unit cost) ÷ months ÷ target. A limit on a sum over every SKU
and week couples all suppliers, which the purchase solve decomposes; so it is pursued by its
price instead (Lagrangian relaxation): stock value held one week costs ``price`` per currency
unit on top of the holding cost, and every supplier's part is solved as before. Each price
gives the least-cost plan for the stock it ends up holding: a point of the cost-turnover
frontier. :func:`pursue_turnover` searches the least price whose plan keeps the limit
(``hard``), or stops at the configured price (``priced``: stock value above the limit costs
``turnover_penalty_per_unit_value`` per week); :func:`frontier` traces points from today's
plan (price 0) to the target and beyond.

Every point is checked on the original problem by the evaluator (its rules re-checked) and
costed by the one accounting (:mod:`salesflow.optimizer.accounting`), never by the priced
objective. Up to ``SAFE_PRICE`` a point keeps the safety stock (the model prices a unit-week
below it at the shortage penalty + the unit cost); a point beyond it is labelled as giving
the safety stock up.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from salesflow.data.i18n import format_number, format_percent, gettext
from salesflow.optimizer.accounting import (
    BILLED_TERMS,
    PolicyFigures,
    cost_change,
    policy_figures,
)
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.plan import (
    PlanEvaluation,
    PurchaseLine,
    PurchasePlan,
    evaluate_plan,
)
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.solve import JOINT_CELLS, RELATIVE_GAP, solve_purchasing

if TYPE_CHECKING:
    from salesflow.data.dataset.config import PlanningConfig
    from salesflow.optimizer.purchasing.stage import PurchasingResult

WEEKS_PER_YEAR = 365.0 / 7.0
DAYS_PER_MONTH = 30.4375
FIRST_PRICE = 0.002
"""The first price probed (per currency unit of stock value and week): about the holding
cost of a 10 %/year holding rate, so that the first step already moves the plan."""
STEP = 2.5
SAFE_PRICE = 1.0
"""Up to this price holding one unit a week costs less than falling below its safety stock
(the model's price of that: shortage penalty + unit cost, at least the unit cost)."""
BEYOND = 1.25
"""The frontier goes on to this multiple of the target's turnover."""


def stock_value_limit(problem: PurchaseProblem, target_turnover: float) -> float | None:
    """Average stock value that meets ``target_turnover`` (per month): projected cost of goods
    sold over the horizon ÷ months ÷ target (``None`` without demand or target)."""
    months = problem.weeks * 7 / DAYS_PER_MONTH
    cogs = float(sum(problem.demand[i].sum() * item.unit_cost
                     for i, item in enumerate(problem.items)))
    if target_turnover <= 0 or months <= 0 or cogs <= 0:
        return None
    return cogs / months / target_turnover


def priced_problem(problem: PurchaseProblem, price: float) -> PurchaseProblem:
    """``problem`` with stock value priced at ``price`` per currency unit and week on top of
    the holding cost (the evaluator's holding base is the same positive end-of-week stock)."""
    if price <= 0:
        return problem
    extra = price * WEEKS_PER_YEAR
    return replace(problem, items=tuple(replace(item, holding_rate=item.holding_rate + extra)
                                        for item in problem.items))


@dataclass(frozen=True)
class FrontierPoint:
    """One plan of the frontier, costed on the original problem by the one accounting."""

    price: float
    plan: PurchasePlan
    figures: PolicyFigures
    rules_broken: int
    label: str = ""
    broken: tuple[str, ...] = ()  # the rules broken, by name

    @property
    def turnover(self) -> float:
        return self.figures.turnover_per_month or 0.0


def topped_up(problem: PurchaseProblem, plan: PurchasePlan) -> PurchasePlan:
    """``plan`` with each supplier order below the minimum order value raised to it on its
    largest line, in whole packs (what a buyer does, :func:`~salesflow.optimizer.purchasing.
    baselines.top_up`); orders it would more than triple stay as they are."""
    from salesflow.optimizer.purchasing.baselines import top_up

    index = {item.sku: i for i, item in enumerate(problem.items)}
    orders: dict[tuple[str, dt.date], list[PurchaseLine]] = {}
    for line in plan.lines:
        orders.setdefault((line.supplier_id, line.order_date), []).append(line)
    out: list[PurchaseLine] = []
    changed = False
    for (supplier, _), lines in orders.items():
        amounts = [[float(index[x.sku]), float(x.quantity)] for x in lines]
        top_up(problem, supplier, amounts)
        for line, (_, quantity) in zip(lines, amounts, strict=True):
            if int(quantity) != line.quantity:
                item = problem.items[index[line.sku]]
                line = replace(line, quantity=int(quantity),
                               unit_price=item.unit_price(int(quantity)),
                               reason=line.reason + "; topped up to the minimum order value")
                changed = True
            out.append(line)
    if not changed:
        return plan
    out.sort(key=lambda x: (x.order_date, x.supplier_id, x.sku))
    return replace(plan, lines=tuple(out))


def _point(problem: PurchaseProblem, price: float, limits: SolveLimits,
           label: str = "", firm: bool = False) -> FrontierPoint:
    """The plan at ``price``; ``firm``: solved with the minimum order values hard (no
    surcharge), so that a dearer stock does not buy turnover by breaking them."""
    solved = priced_problem(problem, price)
    if firm:
        solved = replace(solved, rates=replace(solved.rates,
                                               min_order_value_per_currency=math.inf))
    plan = topped_up(problem, solve_purchasing(solved, limits).plan)
    plan = replace(plan, policy=f"turnover price {price:g}" if price else "today's plan")
    evaluation = evaluate_plan(problem, plan)  # the rules re-checked on the real problem
    if price > SAFE_PRICE:
        label = label or "gives up safety stock"
    return _frontier_point(problem, price, plan, evaluation, label)


def _frontier_point(problem: PurchaseProblem, price: float, plan: PurchasePlan,
                    evaluation: PlanEvaluation, label: str = "") -> FrontierPoint:
    """``plan`` at ``price`` as a point: its figures by the one accounting and the rules it
    breaks (a minimum-order-value surcharge is billed, not broken: see
    :data:`~salesflow.optimizer.accounting.BILLED_TERMS`)."""
    figures = policy_figures(problem, plan, evaluation)
    broken = tuple(sorted({v.constraint for v in evaluation.violations
                           if v.constraint not in BILLED_TERMS}))
    return FrontierPoint(price, plan, figures, figures.rules_broken, label, broken)


@dataclass(frozen=True)
class Frontier:
    """Cost and fill rate against turnover, today's plan first, by increasing turnover."""

    week_start: dt.date
    horizon_weeks: int
    target_turnover: float
    stock_value_limit: float | None
    baseline: PolicyFigures
    points: tuple[FrontierPoint, ...]
    chosen: int  # index of the plan in force (today's plan, or the target's under hard/priced)
    target_fill_rate: float | None
    dropped: tuple[FrontierPoint, ...] = ()  # probed plans that broke more rules than today's

    @property
    def target_point(self) -> int | None:
        """The first point at or beyond the target's turnover (``None``: out of reach)."""
        for k, point in enumerate(self.points):
            if point.turnover >= self.target_turnover - 1e-9:
                return k
        return None

    def _target_text(self) -> str:
        """The target turnover as written in config.toml (``4``, ``2.5``), locale digits."""
        if float(self.target_turnover).is_integer():
            return format_number(self.target_turnover)
        return format_number(self.target_turnover, 2).rstrip("0")

    def conflicts(self) -> list[str]:
        """Targets that cannot be met together, and by how much (in the reader's language)."""
        out = []
        k = self.target_point
        safe = [p for p in self.points if p.price <= SAFE_PRICE]
        best = max(safe, key=lambda p: p.turnover) if safe else self.points[0]
        target = self._target_text()
        highest = format_number(max(p.turnover for p in self.points), 2)
        if k is None:
            breaking = [p for p in self.dropped if p.turnover >= self.target_turnover - 1e-9]
            if breaking:
                rules = sorted({r for p in breaking for r in p.broken})
                out.append(gettext(
                    "turnover {target} conflicts with {rules}: the plans reaching it break "
                    "{count} or more of these rules; keeping every rule, the highest reachable "
                    "turnover is {highest}").format(
                    target=target, rules=", ".join(rules),
                    count=min(p.rules_broken for p in breaking), highest=highest))
                return out
            out.append(gettext(
                "turnover {target} is out of reach: the highest reachable turnover is "
                "{highest} ({safe} keeping the safety stock; pack sizes, MOQs and lead times "
                "set the least stock a plan can hold)").format(
                target=target, highest=highest, safe=format_number(best.turnover, 2)))
            return out
        point = self.points[k]
        if point.price > SAFE_PRICE:
            out.append(gettext(
                "turnover {target} conflicts with the safety stock: keeping it, the highest "
                "reachable turnover is {highest}").format(
                target=target, highest=format_number(best.turnover, 2)))
        fill, wanted = point.figures.fill_rate, self.target_fill_rate
        if fill is not None and wanted is not None and fill < wanted - 1e-9:
            out.append(gettext(
                "turnover {target} conflicts with the fill-rate target: fill rate {fill} at "
                "that turnover, {points} points below the {wanted} wanted").format(
                target=target, fill=format_percent(fill, 2),
                points=format_number((wanted - fill) * 100, 2),
                wanted=format_percent(wanted, 2)))
        return out

    def sentence(self) -> str:
        """"turnover 4 costs +X %: price breaks given up Y, extra orders Z; fill rate W %"
        (in the reader's language)."""
        k = self.target_point
        today = self.points[0]
        if k is None:
            return self.conflicts()[0]
        point = self.points[k]
        base = today.figures.net_cost
        change = (point.figures.net_cost - base) / base if base > 0 else 0.0
        fill = point.figures.fill_rate
        difference = point.figures.net_cost - base
        extra = point.figures.supplier_orders - today.figures.supplier_orders
        return gettext(
            "turnover {target} costs {change} against today's plan ({difference} net over "
            "{weeks} weeks): price breaks given up {given_up}, extra orders {extra}; fill "
            "rate {fill}").format(
            target=self._target_text(),
            change=format_percent(change, 2, signed=True),
            difference=("+" if difference > 0 else "") + format_number(difference, 2),
            weeks=self.horizon_weeks,
            given_up=format_number(price_breaks_given_up(today, point), 2),
            extra=("+" if extra >= 0 else "") + format_number(extra),
            fill="-" if fill is None else format_percent(fill, 2))

    def to_dict(self) -> dict[str, Any]:
        k = self.target_point
        today = self.points[0]
        rows = []
        for n, point in enumerate(self.points):
            figures = point.figures.to_dict()
            change, _ = cost_change(point.figures, self.baseline)
            versus_today, _ = cost_change(point.figures, today.figures)
            rows.append({
                "point": n, "price_per_value_week": point.price,
                "label": ", ".join(x for x in (
                    "today's plan" if n == 0 else "", "chosen" if n == self.chosen else "",
                    "target" if n == k else "", point.label) if x),
                "turnover_per_month": figures["inventory_turnover_per_month"],
                "fill_rate": figures["fill_rate"], "net_cost": figures["net_cost"],
                "cost": figures["cost"], "stock_change": figures["stock_change"],
                "average_stock_value": figures["average_stock_value"],
                "supplier_orders": figures["supplier_orders"], "lines": figures["lines"],
                "change_vs_today": None if versus_today is None else round(versus_today, 4),
                "change_vs_baseline": None if change is None else round(change, 4),
                "price_breaks_given_up": round(price_breaks_given_up(today, point), 2),
                "extra_orders": point.figures.supplier_orders - today.figures.supplier_orders,
                "rules_broken": point.rules_broken, "feasible": point.rules_broken == 0})
        return {"week_start": self.week_start.isoformat(), "horizon_weeks": self.horizon_weeks,
                "target_turnover": self.target_turnover,
                "stock_value_limit": None if self.stock_value_limit is None
                else round(self.stock_value_limit, 2),
                "baseline": self.baseline.policy, "chosen": self.chosen, "target_point": k,
                "target_fill_rate": self.target_fill_rate, "sentence": self.sentence(),
                "conflicts": self.conflicts(), "points": rows,
                "dropped_for_broken_rules": [
                    {"price_per_value_week": p.price,
                     "turnover_per_month": round(p.turnover, 3),
                     "net_cost": round(p.figures.net_cost, 2), "rules_broken": p.rules_broken,
                     "rules": list(p.broken)} for p in self.dropped]}


def price_breaks_given_up(today: FrontierPoint, point: FrontierPoint) -> float:
    """What the point's lines would have cost less at today's average price paid per unit of
    each SKU: the discounts given up by buying smaller lots (0 when none)."""
    paid: dict[str, tuple[float, float]] = {}
    for line in today.plan.lines:
        units, value = paid.get(line.sku, (0.0, 0.0))
        paid[line.sku] = (units + line.quantity, value + line.line_cost)
    lost = 0.0
    for line in point.plan.lines:
        units, value = paid.get(line.sku, (0.0, 0.0))
        if units > 0:
            lost += line.line_cost - line.quantity * value / units
    return max(lost, 0.0)


def frontier(problem: PurchaseProblem, limits: SolveLimits, baseline: PolicyFigures,
             target_turnover: float, *, points: int = 6, today: PurchasePlan | None = None,
             target_fill_rate: float | None = None, chosen_price: float = 0.0,
             progress: Any = None) -> Frontier:
    """Points from today's plan (price 0; ``today`` when already solved) to the target's
    turnover and ``BEYOND`` it, at least ``points`` of them when the prices can reach that far,
    each a plan solved within ``limits`` and kept only where its turnover rises (a frontier
    is monotone) and its cost rises (a dominated plan is dropped), breaking no more rules
    than today's plan. ``chosen_price`` marks the plan in force."""
    def tell(label: str) -> None:
        if progress is not None:
            progress(label)

    tell(gettext("price {price}").format(price=0))
    if today is not None:
        found = [_frontier_point(problem, 0.0, today, evaluate_plan(problem, today))]
    else:
        found = [_point(problem, 0.0, limits)]
    # when today's plan pays no surcharge, the other points may not buy turnover by paying one
    firm = not any(v.constraint in BILLED_TERMS
                   for v in evaluate_plan(problem, found[0].plan).violations)
    goal = target_turnover * BEYOND
    price = FIRST_PRICE
    while max(p.turnover for p in found) < goal and price <= SAFE_PRICE * STEP ** 2:
        tell(gettext("price {price}").format(price=f"{price:g}"))
        found.append(_point(problem, price, limits, firm=firm))
        price *= STEP
    # fill the widest turnover gaps until there are enough points
    tries = 0
    allowed = found[0].rules_broken
    while len(_efficient(found, allowed)) < points and tries < 2 * points:
        tries += 1
        ordered = sorted([p for p in found if p.rules_broken <= allowed],
                         key=lambda p: p.price)
        gaps = [(ordered[k + 1].turnover - ordered[k].turnover, k)
                for k in range(len(ordered) - 1)]
        if not gaps:
            break
        _, k = max(gaps)
        low, high = ordered[k].price, ordered[k + 1].price
        middle = (low * high) ** 0.5 if low > 0 else high / STEP
        tell(gettext("price {price}").format(price=f"{middle:g}"))
        found.append(_point(problem, middle, limits, firm=firm))
    # a target only a rule-breaking plan reached: look between it and the last lawful plan
    for _ in range(3):
        lawful = [p for p in found if p.rules_broken <= allowed]
        if max(p.turnover for p in lawful) >= target_turnover:
            break
        over = [p for p in found if p.rules_broken > allowed and p.turnover >= target_turnover]
        below = [p for p in lawful if p.price < min((q.price for q in over), default=0.0)]
        if not over or not below:
            break
        low = max(p.price for p in below)
        high = min(p.price for p in found if p.rules_broken > allowed and p.price > low)
        middle = (low * high) ** 0.5 if low > 0 else high / STEP
        if any(abs(p.price - middle) <= 1e-12 for p in found):
            break
        tell(gettext("price {price}").format(price=f"{middle:g}"))
        found.append(_point(problem, middle, limits, firm=firm))
    kept = _efficient(found, allowed)
    chosen = min(range(len(kept)), key=lambda n: abs(kept[n].price - chosen_price))
    dropped = tuple(p for p in found if p.rules_broken > allowed)
    return Frontier(problem.week_start, problem.weeks, target_turnover,
                    stock_value_limit(problem, target_turnover), baseline, tuple(kept),
                    chosen, target_fill_rate, dropped)


def _efficient(found: list[FrontierPoint], allowed: int) -> list[FrontierPoint]:
    """The frontier of ``found``: plans breaking no more rules than ``allowed`` (today's
    plan's count), by increasing turnover, each costing more than every one before it (a plan
    costing as much or more than one of higher turnover is dominated and dropped). Today's
    plan stays first."""
    today, rest = found[0], [p for p in found[1:] if p.rules_broken <= allowed]
    kept: list[FrontierPoint] = []
    for point in sorted(rest, key=lambda p: -p.turnover):
        if point.turnover <= today.turnover + 1e-6:
            continue
        if not kept or point.figures.net_cost < kept[-1].figures.net_cost - 1e-6:
            if kept and point.turnover >= kept[-1].turnover - 1e-6:
                continue
            kept.append(point)
    return [today, *reversed(kept)]


@dataclass(frozen=True)
class TurnoverDecision:
    """The plan pursued under ``[targets] turnover_mode``: its price and what it reached."""

    mode: str
    price: float
    limit: float | None
    plan: PurchasePlan
    reached: bool
    note: str


def pursue_turnover(problem: PurchaseProblem, limits: SolveLimits, target_turnover: float,
                    mode: str, penalty: float, today: PurchasePlan,
                    rounds: int = 6) -> TurnoverDecision:
    """The plan that keeps the average stock value within :func:`stock_value_limit`.

    ``hard``: the least price (by bisection over ``rounds`` solves, up to ``SAFE_PRICE``)
    whose plan keeps the limit; if none does, the plan at ``SAFE_PRICE`` and ``reached`` false.
    ``priced``: stock value above the limit costs ``penalty`` per currency unit and week, so
    no price above ``penalty`` is worth paying: the least price up to it that keeps the limit.
    ``report`` (or no limit, or ``today`` within it): ``today``.
    """
    limit = stock_value_limit(problem, target_turnover)

    def value(plan: PurchasePlan) -> float:
        return policy_figures(problem, plan).average_stock_value

    if mode == "report" or limit is None or value(today) <= limit + 1e-6:
        return TurnoverDecision(mode, 0.0, limit, today, limit is None or
                                value(today) <= limit + 1e-6, "")
    ceiling = SAFE_PRICE if mode == "hard" else min(penalty, SAFE_PRICE)

    def solve(price: float) -> PurchasePlan:
        plan = solve_purchasing(priced_problem(problem, price), limits).plan
        return replace(plan, policy=today.policy)

    top = solve(ceiling)
    if value(top) > limit + 1e-6:
        return TurnoverDecision(mode, ceiling, limit, top, False,
                                f"average stock value {value(top):,.2f} at the "
                                f"{'highest' if mode == 'hard' else 'configured'} price "
                                f"{ceiling:g}, above the limit {limit:,.2f}")
    low, high, best = 0.0, ceiling, top
    for _ in range(rounds):
        middle = (low * high) ** 0.5 if low > 0 else high / 8
        plan = solve(middle)
        if value(plan) <= limit + 1e-6:
            high, best = middle, plan
        else:
            low = middle
    note = f"stock value priced at {high:g} per unit of value and week"
    if len(problem.items) * problem.weeks <= JOINT_CELLS:
        joint = joint_limit_plan(problem, limits, limit,
                                 math.inf if mode == "hard" else penalty, best)
        if joint is not None and value(joint) <= limit + 1e-6 and \
                evaluate_plan(problem, joint).total_with_penalties \
                < evaluate_plan(problem, best).total_with_penalties - 1e-6:
            best, note = replace(joint, policy=today.policy), \
                "the joint MIP with the stock-value limit as a row"
    return TurnoverDecision(mode, high, limit, best, True, note)


def joint_limit_plan(problem: PurchaseProblem, limits: SolveLimits, limit: float,
                     rate: float, start: PurchasePlan) -> PurchasePlan | None:
    """The joint MIP of ``problem`` with the average stock value limited to ``limit``
    (:func:`~salesflow.optimizer.purchasing.model.add_stock_value_limit`; excess priced at
    ``rate``, forbidden when infinite), started from ``start``, within ``limits``; ``None``
    when it finds no plan in time. For small problems: the row couples every supplier."""
    from salesflow.optimizer.purchasing.mip import solve_mip
    from salesflow.optimizer.purchasing.model import (
        add_stock_value_limit,
        build_model,
        integer_hint,
    )
    from salesflow.optimizer.purchasing.reasons import explain
    from salesflow.optimizer.purchasing.solve import plan_lines

    model = build_model(problem)
    add_stock_value_limit(model, limit, rate)
    index = {item.sku: i for i, item in enumerate(problem.items)}
    packs: dict[tuple[int, int], int] = {}
    for line in start.lines:
        i = index[line.sku]
        key = (i, problem.week_of(line.order_date))
        packs[key] = packs.get(key, 0) + line.quantity // problem.items[i].pack_size
    outcome = solve_mip(model.builder, solver="highs", time_limit=limits.time_limit_seconds,
                        seed=limits.seed, relative_gap=limits.gap(RELATIVE_GAP),
                        hint=integer_hint(model, packs))
    if outcome.values is None:
        return None
    lines = sorted(plan_lines(model, outcome.values),
                   key=lambda x: (x.order_date, x.supplier_id, x.sku))
    return PurchasePlan(tuple(explain(problem, lines)), start.policy)


def target_fill_rate(problem: PurchaseProblem) -> float | None:
    """The demand-weighted service level of the SKUs (``None`` without demand)."""
    demand = problem.demand.sum(axis=1) if problem.weeks else None
    if demand is None or demand.sum() <= 0:
        return None
    levels = [item.service_level for item in problem.items]
    return float(sum(level * d for level, d in zip(levels, demand, strict=True)) / demand.sum())


def pursue_targets(config: PlanningConfig, limits: SolveLimits,
                   result: PurchasingResult) -> PurchasingResult:
    """``result`` with its plan replaced by the one ``[targets] turnover_mode`` asks for
    (:func:`pursue_turnover`; ``report``: ``result`` itself), evaluated on the same problem
    (its baselines unchanged)."""
    targets = config.targets
    if targets.turnover_mode == "report":
        return result
    decision = pursue_turnover(result.problem, limits, targets.inventory_turnover_per_month,
                               targets.turnover_mode, targets.turnover_penalty_per_unit_value,
                               result.plan)
    if decision.plan is result.plan:
        return result
    return replace(result, plan=decision.plan,
                   evaluation=evaluate_plan(result.problem, decision.plan))

"""The purchasing MIP: multi-SKU lot sizing in facility-location form.

Every unit of demand of week ``t`` is served by a *supply*: the stock on hand, an open order,
or a plan line ordered in week ``w`` that arrives in week ``a(w)``. A flow ``y[k, t]`` from
supply ``k`` to demand week ``t`` costs holding for ``t - a`` weeks when on time, or the
shortage penalty for ``a - t`` weeks when late; ``y[w, t] <= d[t] * z[w]`` ties it to the line
being ordered, which makes the LP bound tight (the classic facility-location reformulation of
uncapacitated lot sizing, exact for Wagner–Whitin). Units a supply brings beyond the demand it
serves are held to the end of the horizon.

Constraint families, one builder function each:

* lines: whole packs, MOQ, and all-units price breaks as one segment per break;
* supplier orders: one order cost per supplier and order week, minimum order value, truck;
* demand flows: every demand served, late only at a price;
* safety stock: end stock below the target is priced at the shortage penalty;
* warehouse volume, receiving capacity and weekly budget (they couple suppliers);
* average stock value (the turnover target as a limit, :func:`add_stock_value_limit`: added
  by the caller, it couples suppliers too).

Soft limits get a slack column priced with the problem's ``ViolationRates``, so the model is
never infeasible; a limit whose rate is infinite is hard (no slack: the model may then have no
solution, as in the capacitated lot-sizing benchmark, where capacity is hard). A service rule
keeps shortage to what no order could prevent: lateness beyond the first week an order can
arrive costs, on top of the shortage penalty, more than ordering the unit would
(``service_penalty``); it is a model term only, the evaluator prices shortage as the issue
says.

For the perfect-foresight bound of a replay (:mod:`salesflow.optimizer.replay_bound`) the
model can instead price the horizon's end as the replay's accounting does
(:class:`ModelTerms`): stock left is worth what was paid for it, a backlog left costs its unit
cost, and there is no service term.

Why one module of about 470 lines: every constraint family reads and extends the same
:class:`PurchaseModel` columns (lines, supplier orders, stock levels), and the coupling rows
need the line and stock columns the per-SKU families create; split over files, each would
import the others' column layout. The families are kept as one builder function each instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from salesflow.optimizer.purchasing.mip import MipBuilder
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem

INF = math.inf


@dataclass(frozen=True)
class Segment:
    """Packs ``low..high`` of a line priced at ``price`` per unit (all units)."""

    low: int
    high: int
    price: float


def net_requirements(problem: PurchaseProblem, i: int) -> np.ndarray:
    """Per week, the units item ``i`` needs from new orders by the end of that week to meet
    all demand so far and the week's safety stock (negative: stock to spare)."""
    item = problem.items[i]
    return (np.cumsum(problem.demand[i]) + problem.safety_stock_matrix[i] - item.on_hand
            - np.cumsum(problem.open_arrivals[i]))


def price_segments(item: PurchaseItem, need: float, end_stock_at_cost: bool = False,
                   order_value_reach: float = 0.0) -> list[Segment]:
    """The all-units price levels of a line as pack ranges, MOQ applied, for a line from which
    at most ``need`` units can be used.

    Quantities no optimal plan buys are cut: above the need, only a price level's minimum
    (every extra unit is wasted, so more of them at the same price only costs more; an order
    below the minimum order value pays the missing value, which is never more than buying
    wasted units to reach it); and a level whose minimum exceeds the need and costs more than
    buying the need itself. With ``end_stock_at_cost`` (units left are credited at their price,
    see :class:`ModelTerms`) that last cut is not made: a deeper level then lowers the price
    of the units used. Nor is the first one, as far as ``order_value_reach`` (the supplier's
    minimum order value where the model prices it, else 0) goes: a unit left then costs only
    its holding, which may be less than the surcharge it saves; units beyond the value it
    reaches save nothing.
    """
    need_packs = max(math.ceil(need / item.pack_size - 1e-9), item.min_packs)
    need_quantity = need_packs * item.pack_size
    need_cost = need_quantity * item.unit_price(need_quantity)
    levels = [(0.0, item.unit_cost), *item.breaks]
    segments = []
    for k, (min_qty, price) in enumerate(levels):
        low = max(math.ceil(min_qty / item.pack_size - 1e-9), item.min_packs)
        reach = 0
        if end_stock_at_cost and order_value_reach > 0 and price > 0:
            reach = math.ceil(order_value_reach / (price * item.pack_size) - 1e-9)
        high = max(low, need_packs + reach)
        if k + 1 < len(levels):
            high = min(high, math.ceil(levels[k + 1][0] / item.pack_size - 1e-9) - 1)
        if low > high:
            continue
        if not end_stock_at_cost and low > need_packs \
                and low * item.pack_size * price >= need_cost:
            continue  # a minimum beyond the need that costs more than the need
        segments.append(Segment(low, high, price))
    return segments


def credit_caps(problem: PurchaseProblem, rows: Sequence[int] | np.ndarray | None = None
                ) -> np.ndarray:
    """Per SKU (at ``rows``, default all), the most units left at the horizon's end that the
    planning model credits at the price paid (:class:`ModelTerms`): one more horizon's demand,
    as much as the horizon's. Stock beyond that would wait long for a buyer; crediting it
    would let a plan buy far ahead of demand just to reach a minimum order value or a break."""
    demand = problem.demand if rows is None else problem.demand[np.asarray(rows, dtype=int)]
    return demand.sum(axis=1).astype(float)


def service_penalty(problem: PurchaseProblem, i: int) -> float:
    """Extra cost per unit-week of avoidable lateness: above the cost of a dedicated order of
    one MOQ lot held over the whole horizon (with the minimum order value's surcharge), so
    ordering always beats it."""
    item = problem.items[i]
    lot = item.min_packs * item.pack_size
    terms = problem.suppliers[item.supplier_id]
    return (problem.shortage_penalty + terms.order_cost
            + terms.min_order_value * _finite(problem.rates.min_order_value_per_currency)
            + lot * (item.unit_cost + item.holding_cost_per_week * problem.weeks) + 1.0)


def _finite(rate: float) -> float:
    """A violation rate for a cost estimate: a hard limit (``inf``) counts as 1."""
    return rate if math.isfinite(rate) else 1.0


def slack(b: MipBuilder, rate: float, upper: float = INF) -> tuple[list[int], list[float]]:
    """A priced slack column of a soft limit (and its coefficient 1), or none when the limit is
    hard (``rate`` infinite): the row then has to hold as it is."""
    if not math.isfinite(rate):
        return [], []
    return [b.var(0, upper, cost=rate)], [1.0]


@dataclass
class LineColumns:
    """The columns of one possible plan line (item, order week)."""

    item: int
    week: int  # order week
    arrival: int  # arrival week
    packs: int  # column: total packs
    ordered: int  # column: 1 if the line exists
    value_cols: list[int]  # purchase value = sum(value_coefs * x[value_cols])
    value_coefs: list[float]
    segments: list[tuple[int, int]]  # per price segment: (picked column, packs column)
    ranges: list[Segment]  # per price segment: its pack range and price


@dataclass(frozen=True)
class ModelTerms:
    """How the model prices what the horizon leaves behind.

    ``end_stock_at_cost``: stock left at the horizon's end is credited at the price paid for it
    (the unit cost for stock on hand at the start, which is used first), and demand still
    unserved then costs its unit cost on top of the shortage penalty, i.e. the replay's
    accounting, where the cost is net of the change in stock value. ``capped_credit``: only
    up to :func:`credit_caps` units of it (planning; the replay's accounting credits all).
    ``service_rule``: avoidable lateness pays ``service_penalty``. The planning default keeps
    the service rule and credits stock left up to the cap (so that the plan is chosen on the
    cost the procurement accounting reports, :mod:`salesflow.optimizer.accounting`).
    ``order_cost_share`` scales each supplier order's cost and ``supplier_minimums=False``
    drops the minimum order value and truck rows: with a share of 1 / (the supplier's SKUs)
    and no minimums, one SKU's model is a relaxation of its share of the whole (see
    :mod:`salesflow.optimizer.purchasing.decompose`).
    """

    end_stock_at_cost: bool = True
    capped_credit: bool = True
    service_rule: bool = True
    order_cost_share: float = 1.0
    supplier_minimums: bool = True


@dataclass
class PurchaseModel:
    """The MIP of a purchasing problem and where its decisions are."""

    problem: PurchaseProblem
    builder: MipBuilder
    terms: ModelTerms = field(default_factory=ModelTerms)
    lines: list[LineColumns] = field(default_factory=list)
    supplier_orders: dict[tuple[str, int], int] = field(default_factory=dict)
    stock: dict[tuple[int, int], int] = field(default_factory=dict)  # end stock (i, t)

    def line_packs(self, values: np.ndarray) -> np.ndarray:
        """Packs per line (rounded) of a solution."""
        return np.round(values[[line.packs for line in self.lines]]).astype(np.int64)


def integer_hint(model: PurchaseModel,
                 packs: dict[tuple[int, int], int]) -> tuple[list[int], list[float]]:
    """A start for the solver from a plan: ``packs[(item, order week)]`` per line.

    Only the integer columns are set (lines, segments, supplier orders); a line outside the
    model's ranges is moved to the nearest range (the plan changes, the start stays valid).
    """
    cols: list[int] = []
    values: list[float] = []
    ordered_weeks: set[tuple[str, int]] = set()
    for line in model.lines:
        n = packs.get((line.item, line.week), 0)
        chosen = -1
        if n > 0:
            fits = [k for k, r in enumerate(line.ranges) if r.low <= n <= r.high]
            above = [k for k, r in enumerate(line.ranges) if r.low > n]
            chosen = fits[0] if fits else (above[0] if above else len(line.ranges) - 1)
            r = line.ranges[chosen]
            n = min(max(n, r.low), r.high)
            ordered_weeks.add((model.problem.items[line.item].supplier_id, line.week))
        else:
            n = 0
        cols += [line.ordered, line.packs]
        values += [1.0 if chosen >= 0 else 0.0, float(n)]
        if len(line.segments) > 1:
            for k, (picked, amount) in enumerate(line.segments):
                cols += [picked, amount]
                values += [1.0, float(n)] if k == chosen else [0.0, 0.0]
    for key, col in model.supplier_orders.items():
        cols.append(col)
        values.append(1.0 if key in ordered_weeks else 0.0)
    hint = dict(zip(cols, values, strict=True))  # an order may be its single line's column
    return list(hint), list(hint.values())


def add_line(model: PurchaseModel, i: int, week: int, arrival: int,
             segments: list[Segment]) -> LineColumns:
    """Lines family: packs (integer), MOQ and all-units price segments of one line."""
    b = model.builder
    item = model.problem.items[i]
    pack = item.pack_size
    top = segments[-1].high
    ordered = b.var(0, 1, integer=True)
    if len(segments) == 1:
        seg = segments[0]
        packs = b.var(0, seg.high, cost=seg.price * pack, integer=True)
        b.row(0, INF, [packs, ordered], [1, -seg.low])
        b.row(-INF, 0, [packs, ordered], [1, -seg.high])
        line = LineColumns(i, week, arrival, packs, ordered, [packs], [seg.price * pack],
                           [(ordered, packs)], [seg])
    else:
        packs = b.var(0, top, integer=True)
        chosen, amounts = [], []
        for seg in segments:
            pick = b.var(0, 1, integer=True)
            amount = b.var(0, seg.high, cost=seg.price * pack, integer=True)
            b.row(0, INF, [amount, pick], [1, -seg.low])
            b.row(-INF, 0, [amount, pick], [1, -seg.high])
            chosen.append(pick)
            amounts.append(amount)
        b.row(0, 0, [*chosen, ordered], [1.0] * len(chosen) + [-1.0])
        b.row(0, 0, [*amounts, packs], [1.0] * len(amounts) + [-1.0])
        line = LineColumns(i, week, arrival, packs, ordered, amounts,
                           [seg.price * pack for seg in segments],
                           list(zip(chosen, amounts, strict=True)), list(segments))
    model.lines.append(line)
    return line


def add_supplier_orders(model: PurchaseModel) -> None:
    """Supplier-orders family: one order cost per supplier and order week, each line inside an
    order; minimum order value and truck volume per order (soft)."""
    b, problem = model.builder, model.problem
    rates = problem.rates
    by_order: dict[tuple[str, int], list[LineColumns]] = {}
    for line in model.lines:
        supplier = problem.items[line.item].supplier_id
        by_order.setdefault((supplier, line.week), []).append(line)
    for (supplier, week), lines in sorted(by_order.items()):
        terms = problem.suppliers[supplier]
        order_cost = terms.order_cost * model.terms.order_cost_share
        if len(lines) == 1:  # the line is the order: no second column for the same decision
            order = lines[0].ordered
            b.cost[order] += order_cost
        else:
            order = b.var(0, 1, cost=order_cost, integer=True)
            for line in lines:
                b.row(-INF, 0, [line.ordered, order], [1, -1])
        model.supplier_orders[supplier, week] = order
        if not model.terms.supplier_minimums:
            continue
        if terms.min_order_value > 0:
            short, one = slack(b, rates.min_order_value_per_currency, terms.min_order_value)
            cols = [c for line in lines for c in line.value_cols]
            coefs = [v for line in lines for v in line.value_coefs]
            b.row(0, INF, [*cols, *short, order], [*coefs, *one, -terms.min_order_value])
        if terms.truck_capacity_m3 is not None:
            over, one = slack(b, rates.truck_per_m3)
            cols = [line.packs for line in lines]
            coefs = [problem.items[line.item].unit_volume_m3 * problem.items[line.item].pack_size
                     for line in lines]
            b.row(-INF, 0, [*cols, order, *over],
                  [*coefs, -terms.truck_capacity_m3, *(-x for x in one)])


def add_demand_flows(model: PurchaseModel, i: int, lines: list[LineColumns],
                     first_arrival: int) -> None:
    """Demand-flows family of item ``i``: each week's demand is served on time or late by the
    stock, the open orders and the plan's lines, or left unserved at the horizon's end."""
    b, problem = model.builder, model.problem
    item = problem.items[i]
    weeks = problem.weeks
    hold = item.holding_cost_per_week
    short = problem.shortage_penalty
    extra = service_penalty(problem, i) if model.terms.service_rule else 0.0
    at_cost = model.terms.end_stock_at_cost
    demand = problem.demand[i]

    def late_cost(arrival: int, t: int) -> float:
        return short * (arrival - t) + extra * max(0, arrival - max(t, first_arrival))

    served: dict[int, tuple[list[int], list[float]]] = {
        t: ([], []) for t in range(weeks) if demand[t] > 0}
    # Fixed supplies: stock on hand (week 0) and open orders (their arrival week).
    fixed = problem.open_arrivals[i].copy()
    fixed[0] += item.on_hand
    fixed_left = []
    for a in map(int, np.flatnonzero(fixed > 0)):  # weeks as ints, like the lines' arrivals
        cols = [b.var(0, demand[t], cost=hold * (t - a) if t >= a else late_cost(a, t))
                for t in served]
        for col, t in zip(cols, served, strict=True):
            served[t][0].append(col)
            served[t][1].append(1.0)
        left = b.var(0, INF, cost=hold * (weeks - a))
        b.row(fixed[a], fixed[a], [*cols, left], [1.0] * (len(cols) + 1))
        fixed_left.append(left)
    # An open order that arrives after a line may be left at the end while the line's units
    # are used; the accounting still values the stock left as the lines' units (first in
    # first out), so the units of such a line used may be credited in their place (a swap).
    swaps: list[int] = []
    bought_left: list[int] = []
    late_fixed = at_cost and bool(problem.open_arrivals[i][1:].any())
    pack = float(item.pack_size)
    for line in lines:
        a = line.arrival
        targets = []
        for t in served:
            if t >= a:
                targets.append((t, hold * (t - a)))
                continue
            # Late only where no line can be in time; later lateness is avoidable, and what a
            # capacity leaves unserved goes to the unserved column.
            if t < first_arrival:
                targets.append((t, late_cost(a, t)))
        # One flow per price segment, tied to that segment being chosen: the LP then pays a
        # segment's minimum quantity in proportion to the demand it serves.
        for (picked, amount), segment in zip(line.segments, line.ranges, strict=True):
            cols = []
            for t, cost in targets:
                col = b.var(0, demand[t], cost=cost)
                b.row(-INF, 0, [col, picked], [1.0, -demand[t]])
                cols.append(col)
                served[t][0].append(col)
                served[t][1].append(1.0)
            left = b.var(0, INF, cost=hold * (weeks - a) - (segment.price if at_cost else 0.0))
            b.row(0, 0, [*cols, left, amount], [1.0] * (len(cols) + 1) + [-pack])
            bought_left.append(left)
            if late_fixed:
                swap = b.var(0, INF, cost=-segment.price)
                b.row(-INF, 0, [swap, left, amount], [1.0, 1.0, -pack])
                swaps.append(swap)
    unserved_cols = []
    for t, (cols, coefs) in served.items():
        unserved = b.var(0, demand[t], cost=short * (weeks - t)
                         + extra * max(0, weeks - max(t, first_arrival))
                         + (item.unit_cost if at_cost else 0.0))
        b.row(demand[t], demand[t], [*cols, unserved], [*coefs, 1.0])
        unserved_cols.append(unserved)
    credited = list(bought_left) + swaps
    if at_cost and fixed_left:
        # First in, first out: the stock there before the plan is used before any purchase,
        # so no more of it is credited at unit cost than the demand leaves unused; the rest of
        # it left, if any, stands in for the units of lines used (swaps).
        spare = max(0.0, float(fixed.sum() - demand.sum()))
        start_left = b.var(0, INF, cost=-item.unit_cost)
        b.row(-INF, spare, [start_left, *unserved_cols], [1.0] + [-1.0] * len(unserved_cols))
        b.row(-INF, 0, [start_left, *swaps, *fixed_left],
              [1.0] * (1 + len(swaps)) + [-1.0] * len(fixed_left))
        credited.append(start_left)
    if at_cost and model.terms.capped_credit and credited:
        # Units credited beyond the cap give their credit back at the lowest price: the model
        # then credits at least what the capped first-in-first-out value does (a relaxation).
        over = b.var(0, INF, cost=item.lowest_price)
        cap = float(credit_caps(problem, [i])[0])
        b.row(-INF, cap, [*credited, over], [1.0] * len(credited) + [-1.0])


def add_stock_levels(model: PurchaseModel, i: int, lines: list[LineColumns]) -> None:
    """End-of-week stock of item ``i`` as free columns: ``I[t] = I[t-1] + arrivals[t] -
    demand[t]`` (used by safety stock and warehouse volume)."""
    b, problem = model.builder, model.problem
    item = problem.items[i]
    previous = None
    for t in range(problem.weeks):
        level = b.var(-INF, INF)
        cols, coefs = [level], [1.0]
        if previous is not None:
            cols.append(previous)
            coefs.append(-1.0)
        for line in lines:
            if line.arrival == t:
                cols.append(line.packs)
                coefs.append(-float(item.pack_size))
        constant = problem.open_arrivals[i, t] - problem.demand[i, t]
        if t == 0:
            constant += item.on_hand
        b.row(constant, constant, cols, coefs)
        model.stock[i, t] = level
        previous = level


def safety_stock_penalty(problem: PurchaseProblem, i: int) -> float:
    """Price of a unit-week below the safety stock: the shortage penalty. (Stock left at the
    horizon's end is credited at the price paid for it, :class:`ModelTerms`, so nothing pushes
    a plan to run the safety stock down at the end.)"""
    return problem.shortage_penalty


def add_safety_stock(model: PurchaseModel, i: int) -> None:
    """Safety-stock family: end stock below the target is priced per unit and week
    (``safety_stock_penalty``; a constant before the first week an order can arrive)."""
    b, problem = model.builder, model.problem
    target = problem.safety_stock_matrix[i]
    for t in range(problem.weeks):
        if target[t] > 0:
            below = b.var(0, INF, cost=safety_stock_penalty(problem, i))
            b.row(target[t], INF, [model.stock[i, t], below], [1.0, 1.0])


def add_warehouse_capacity(model: PurchaseModel) -> None:
    """Warehouse family: the volume of the stock after each week's receipts
    (``max(0, I[t] + demand[t])`` per SKU) fits the warehouse; the excess is priced."""
    b, problem = model.builder, model.problem
    cap = problem.warehouse_m3
    assert cap is not None
    for t in range(problem.weeks):
        cols, coefs = [], []
        for i, item in enumerate(problem.items):
            if item.unit_volume_m3 <= 0:
                continue
            peak = b.var(0, INF)
            b.row(problem.demand[i, t], INF, [peak, model.stock[i, t]], [1.0, -1.0])
            cols.append(peak)
            coefs.append(item.unit_volume_m3)
        over, one = slack(b, problem.rates.warehouse_per_m3_week)
        b.row(-INF, cap, [*cols, *over], [*coefs, *(-x for x in one)])


def add_receiving_capacity(model: PurchaseModel) -> None:
    """Receiving family: per arrival week, units × per-unit use + lines × per-line use fit the
    receiving capacity; the excess is priced."""
    b, problem = model.builder, model.problem
    cap = problem.receiving_capacity
    assert cap is not None
    for t in range(problem.weeks):
        cols, coefs = [], []
        for line in model.lines:
            if line.arrival != t:
                continue
            item = problem.items[line.item]
            if item.receiving_per_unit:
                cols.append(line.packs)
                coefs.append(item.receiving_per_unit * item.pack_size)
            if item.receiving_per_line:
                cols.append(line.ordered)
                coefs.append(item.receiving_per_line)
        if cols:
            over, one = slack(b, problem.rates.receiving_per_unit_week)
            b.row(-INF, float(cap[t]), [*cols, *over], [*coefs, *(-x for x in one)])


def add_budget(model: PurchaseModel) -> None:
    """Budget family: the purchase value of each order week's lines fits that week's budget;
    the excess is priced."""
    b, problem = model.builder, model.problem
    budget = problem.budget
    assert budget is not None
    for w in range(problem.weeks):
        cols = [c for line in model.lines if line.week == w for c in line.value_cols]
        coefs = [v for line in model.lines if line.week == w for v in line.value_coefs]
        if cols:
            over, one = slack(b, problem.rates.budget_per_currency)
            b.row(-INF, float(budget[w]), [*cols, *over], [*coefs, *(-x for x in one)])


def add_stock_value_limit(model: PurchaseModel, limit: float, rate: float = INF) -> None:
    """Turnover family (issue 14): the average over the horizon of the positive end-of-week
    stock value is at most ``limit`` (projected cost of goods sold / months / the turnover
    target, :func:`salesflow.optimizer.tradeoff.stock_value_limit`); the excess is priced at
    ``rate`` per currency unit and week, or forbidden when ``rate`` is infinite. Builds the
    stock-level columns when the model has none yet. One row: it couples every supplier."""
    b, problem = model.builder, model.problem
    cols: list[int] = []
    coefs: list[float] = []
    for i, item in enumerate(problem.items):
        if (i, 0) not in model.stock and problem.weeks:
            add_stock_levels(model, i, [line for line in model.lines if line.item == i])
        for t in range(problem.weeks):
            held = b.var(0, INF)  # >= max(0, stock): the row lets it be no more
            b.row(0, INF, [held, model.stock[i, t]], [1.0, -1.0])
            cols.append(held)
            coefs.append(item.unit_cost / problem.weeks)
    over, one = slack(b, rate * problem.weeks if math.isfinite(rate) else INF)
    b.row(-INF, limit, [*cols, *over], [*coefs, *(-x for x in one)])


def _order_value_reach(model: PurchaseModel, supplier: str) -> float:
    """The supplier's minimum order value where the model prices it (else 0), see
    :func:`price_segments`."""
    if not model.terms.supplier_minimums or model.problem.rates.min_order_value_per_currency <= 0:
        return 0.0
    return float(model.problem.suppliers[supplier].min_order_value)


def build_model(problem: PurchaseProblem, terms: ModelTerms | None = None) -> PurchaseModel:
    """The MIP of ``problem`` (every family its data asks for), the horizon's end priced by
    ``terms`` (default: :class:`ModelTerms`)."""
    model = PurchaseModel(problem, MipBuilder(), terms or ModelTerms())
    arrivals = {s: problem.arrival_weeks(s) for s in problem.suppliers}
    by_item: list[list[LineColumns]] = []
    for i, item in enumerate(problem.items):
        need = net_requirements(problem, i)
        reach = _order_value_reach(model, item.supplier_id)
        lines = []
        for w, a in enumerate(arrivals[item.supplier_id]):
            if a >= problem.weeks:
                continue
            most = float(need[a:].max())  # the most a line arriving in week a can be used for
            if most > 1e-9:
                segments = price_segments(item, most, model.terms.end_stock_at_cost, reach)
                lines.append(add_line(model, i, w, a, segments))
        by_item.append(lines)
    add_supplier_orders(model)
    need_levels = problem.warehouse_m3 is not None or problem.safety_stock is not None
    for i, lines in enumerate(by_item):
        first = min((line.arrival for line in lines), default=problem.weeks)
        add_demand_flows(model, i, lines, first)
        if need_levels:
            add_stock_levels(model, i, lines)
        if problem.safety_stock is not None:
            add_safety_stock(model, i)
    if problem.warehouse_m3 is not None:
        add_warehouse_capacity(model)
    if problem.receiving_capacity is not None:
        add_receiving_capacity(model)
    if problem.budget is not None:
        add_budget(model)
    return model

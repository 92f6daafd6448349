"""A per-SKU lower bound by dynamic programming, for thousands of SKUs at once with numpy.

:mod:`~salesflow.optimizer.purchasing.decompose` bounds the whole problem by the sum of one
relaxed model per SKU (its share ``order_cost / n`` of each order, no supplier minimums). Its
LP takes about 6 ms of CPU per SKU, two minutes on 20,000 SKUs. This module bounds the same
per-SKU model from below without a solver, by a relaxation that a small dynamic program solves
exactly:

* The state is ``X``, the units bought so far (arrived by the end of the week), a multiple of
  the pack; the stock at the end of week ``t`` is ``I = base[t] + X`` (``base``: stock on hand
  plus open orders minus demand so far). Every cost of the model other than buying is a convex
  function of ``I`` per week: holding of ``I⁺``, lateness of ``I⁻`` (with the service term
  from the first week a line can arrive) and the safety-stock price of ``(target − I)⁺``. A
  flow of the model holds at least ``I⁺`` and leaves at least ``I⁻`` late, so this costs no
  more than the model's flows (late demand may even be served by any later line).
* A line of ``q`` units (at least the MOQ, and at least a price level's minimum to get its
  price) costs ``q`` times its price plus the order's share. The lowest price's part of that
  is charged once on the units bought in total, what a line pays above it on the line.
* Stock left at the horizon's end is credited at the price paid for it, up to a cap (first in
  first out; stock there before the plan at unit cost), and a backlog left costs its unit
  cost (:class:`~salesflow.optimizer.purchasing.model.ModelTerms`). So what a plan pays for
  the units it buys is at least the lowest price times the units not credited, and a line's
  premium over the lowest price counts on its units that are used (the first units bought
  up to the shortfall ``short`` the stock alone leaves at the end): those are never
  credited. The end term is convex or non-decreasing in ``X`` (:func:`_end_term`).
* ``X`` is kept in cells: one pack wide while the most units any week needs fit in
  :data:`MAX_STATES` cells (then the program is exact up to the late-service rule), wider
  beyond, and one open-ended top cell. A cell is charged the least of each week's cost over
  the cell and the end term's least over it; an order its share plus the least premium on
  the used units of any line the move allows. Every plan of the model maps onto a path of
  cells that costs no more: a lower bound.

The cells reach the SKU's MOQ and largest price break, so that a lot beyond the horizon's need
is counted (bound) and can be planned: the same program, with the end term at the cell's
lower end, also plans each SKU's lines in given order weeks (:func:`sku_dp_plans`).
``tests/test_purchasing_sku_dp.py`` checks on random problems that each SKU's bound is at
most the score of its best plan and at least its model's LP bound where cells are one pack
wide.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from salesflow.optimizer.purchasing.model import (
    credit_caps,
    net_requirements,
    safety_stock_penalty,
    service_penalty,
)
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem

CHUNK_CELLS = 2_000_000
"""SKUs × cells² per numpy block (the transition table's floats)."""
MIN_STATES = 16
MAX_STATES = 128
"""Fewest and most cells of the units bought per SKU (the last one open-ended)."""


def _first_arrival(problem: PurchaseProblem, i: int, arrivals: list[int]) -> int:
    """The first week a line of SKU ``i`` can arrive in the model (as ``build_model``)."""
    need = net_requirements(problem, i)
    return min((a for a in arrivals if a < problem.weeks and float(need[a:].max()) > 1e-9),
               default=problem.weeks)


def sku_dp_bounds(problem: PurchaseProblem, positions: Sequence[int],
                  order_share: Sequence[float] | np.ndarray) -> np.ndarray:
    """The dynamic program's lower bound of each SKU at ``positions`` (see the module
    docstring) with ``order_share[k]`` of its supplier's order cost per order.

    Valid for the planning model's terms (stock left credited, service rule on). SKUs are
    grouped by the cells they need (up to :data:`MAX_STATES`) and run a block at a time.
    """
    positions = list(positions)
    share = np.asarray(order_share, dtype=float)
    out = np.zeros(len(positions))
    states = cells_needed(problem, positions) if positions else np.zeros(0, dtype=int)
    for size in sorted(set(states.tolist())):
        chosen = np.flatnonzero(states == size)
        step = max(1, CHUNK_CELLS // (size * size))
        for start in range(0, len(chosen), step):
            part = chosen[start:start + step]
            out[part] = _chunk(problem, [positions[k] for k in part], share[part], size)[0]
    return out


def _most(problem: PurchaseProblem, rows: np.ndarray) -> np.ndarray:
    """Per SKU, the most units any week needs bought (stock at zero or at its target), or its
    MOQ or largest price break if that is more."""
    on_hand = np.array([problem.items[i].on_hand for i in rows])
    base = on_hand[:, None] + np.cumsum(problem.open_arrivals[rows] - problem.demand[rows],
                                        axis=1)
    target = problem.safety_stock_matrix[rows]
    most = np.maximum(np.max(np.maximum(target - base, -base), axis=1, initial=0.0), 0.0)
    items = [problem.items[i] for i in rows]
    lots = [max([x.min_packs * x.pack_size, *(q for q, _ in x.breaks)]) for x in items]
    return np.maximum(most, np.array(lots, dtype=float))


def cells_needed(problem: PurchaseProblem, positions: Sequence[int]) -> np.ndarray:
    """Cells of each SKU's program: one per pack up to the most units a week needs, its MOQ or
    its largest price break (then it is exact up to the late-service rule), a power of two
    from :data:`MIN_STATES` to :data:`MAX_STATES`."""
    rows = np.asarray(positions, dtype=int)
    packs = _most(problem, rows) / np.array([problem.items[i].pack_size for i in rows]) + 2
    power = np.ceil(np.log2(np.maximum(packs, 1.0)))
    return np.clip(2 ** power, MIN_STATES, MAX_STATES).astype(int)


def sku_dp_plans(problem: PurchaseProblem, positions: Sequence[int], order_weeks: Sequence[int]
                 ) -> tuple[list[list[tuple[int, int]]], np.ndarray]:
    """Per SKU at ``positions``, the program's cheapest lines when its supplier orders only
    in ``order_weeks`` (already paid for: no order cost) as ``(order week, units)``, and per
    SKU whether they are exact: cells one pack wide. Where cells are wider, each line is
    rounded up to packs and the MOQ (a plan, no longer the program's optimum). The lines keep
    packs, the MOQ and price levels; the minimum order value and the couplings are left to
    whoever scores the plan."""
    positions = list(positions)
    out: list[list[tuple[int, int]]] = [[] for _ in positions]
    exact = np.zeros(len(positions), dtype=bool)
    if not positions:
        return out, exact
    states = cells_needed(problem, positions)
    weeks = set(order_weeks)
    for size in sorted(set(states.tolist())):
        chosen = np.flatnonzero(states == size)
        step = max(1, CHUNK_CELLS // (size * size))
        for start in range(0, len(chosen), step):
            part = chosen[start:start + step]
            _, paths, fine = _chunk(problem, [positions[k] for k in part],
                                    np.zeros(len(part)), size, weeks)
            for k, path, one in zip(part, paths, fine, strict=True):
                out[k], exact[k] = path, one
    return out, exact


def _chunk(problem: PurchaseProblem, positions: list[int], share: np.ndarray,
           states: int, plan_weeks: set[int] | None = None
           ) -> tuple[np.ndarray, list[list[tuple[int, int]]], list[bool]]:
    """The program of SKUs ``positions`` with ``states`` cells: their bounds, and with
    ``plan_weeks`` (order weeks allowed) their cheapest lines (see :func:`sku_dp_plans`)."""
    weeks = problem.weeks
    rows = np.asarray(positions, dtype=int)
    items = [problem.items[i] for i in positions]
    n = len(items)
    demand = problem.demand[rows]
    target = problem.safety_stock_matrix[rows]
    on_hand = np.array([x.on_hand for x in items])
    base = on_hand[:, None] + np.cumsum(problem.open_arrivals[rows] - demand, axis=1)
    hold = np.array([x.holding_cost_per_week for x in items])
    arrivals = {s: [a for a in problem.arrival_weeks(s) if 0 <= a < weeks]
                for s in {x.supplier_id for x in items}}
    first = np.array([_first_arrival(problem, i, arrivals[x.supplier_id])
                      for i, x in zip(positions, items, strict=True)])
    late = problem.shortage_penalty + np.array(
        [service_penalty(problem, i) for i in positions])[:, None] \
        * (np.arange(weeks)[None, :] >= first[:, None])  # per unit-week late
    below = np.array([safety_stock_penalty(problem, i) for i in positions])
    order_cost = np.array([problem.suppliers[x.supplier_id].order_cost for x in items]) \
        * share
    # Price levels: (least units of a line at the level, MOQ applied; price), padded.
    levels = max(len(x.breaks) for x in items) + 1
    level_min = np.full((n, levels), np.inf)
    level_price = np.full((n, levels), np.inf)
    for k, x in enumerate(items):
        moq = float(x.min_packs * x.pack_size)
        for b, (q, p) in enumerate(((0.0, x.unit_cost), *x.breaks)):
            level_min[k, b], level_price[k, b] = max(q, moq), p
    cheapest = np.min(level_price, axis=1)
    pack = np.array([float(x.pack_size) for x in items])
    # Cells of X (units bought, a multiple of the pack): width a whole number of packs, so
    # that the most units any week needs, the MOQ and the largest break fit below the
    # open-ended top cell.
    most = _most(problem, rows) + pack
    width = pack * np.maximum(1.0, np.ceil(most / pack / (states - 1)))
    lo = width[:, None] * np.arange(states)[None, :]
    hi = np.concatenate([lo[:, 1:] - pack[:, None], np.full((n, 1), np.inf)], axis=1)
    short = np.maximum(-base[:, -1], 0.0)  # units the end lacks before any purchase: used
    step = _order_costs(lo, hi, level_min, level_price, cheapest, order_cost, short)
    can_arrive = np.zeros((n, weeks), dtype=bool)
    for k, x in enumerate(items):
        allowed = [a for w, a in enumerate(problem.arrival_weeks(x.supplier_id))
                   if 0 <= a < weeks and (plan_weeks is None or w in plan_weeks)]
        can_arrive[k, allowed] = True
    value = np.full((n, states), np.inf)
    value[:, 0] = 0.0
    came = np.broadcast_to(np.arange(states), (weeks, n, states)).copy()
    for t in range(weeks):
        through = value[:, :, None] + step
        moved = np.min(through, axis=1)
        if plan_weeks is not None:
            came[t] = np.where(can_arrive[:, t][:, None], np.argmin(through, axis=1), came[t])
        value = np.where(can_arrive[:, t][:, None], moved, value)
        # The least cost of week t over each cell (the cost is convex in X).
        best = np.where(target[:, t] > 0, target[:, t], 0.0) - base[:, t]
        stock = base[:, t][:, None] + np.clip(best[:, None], lo, hi)
        cost = (hold[:, None] * np.maximum(stock, 0.0)
                + late[:, t][:, None] * np.maximum(-stock, 0.0)
                + np.where(target[:, t] > 0, below, 0.0)[:, None]
                * np.maximum(target[:, t][:, None] - stock, 0.0))
        value = value + cost
    # The end: the bought units not credited at the lowest price, a backlog left at unit
    # cost, the stock left credited up to its cap (first in first out: the latest bought
    # units first, then the start stock at unit cost). It is smallest at X = ``short`` within
    # a cell (see _end_term): the bound takes it there, a plan at the cell's lower end.
    unit = np.array([x.unit_cost for x in items])[:, None]
    at = np.clip(short[:, None], lo, hi) if plan_weeks is None else lo
    total = value + _end_term(at, base[:, -1][:, None], credit_caps(problem, rows)[:, None],
                              cheapest[:, None], unit)
    if plan_weeks is None:
        return np.min(total, axis=1), [], []
    bounds = np.min(total, axis=1)
    paths: list[list[tuple[int, int]]] = []
    for k, item in enumerate(items):
        if not np.isfinite(bounds[k]):
            paths.append([])
            continue
        order_week = {a: w for w, a in enumerate(problem.arrival_weeks(item.supplier_id))}
        state, lines = int(np.argmin(total[k])), []
        for t in range(weeks - 1, -1, -1):
            before = int(came[t, k, state])
            if before != state:
                units = float(item.order_quantity(lo[k, state] - lo[k, before]))
                if state == states - 1:  # into the top cell: the cheapest whole line
                    units = _top_line(item, lo[k, state] - hi[k, before])
                lines.append((order_week[t], int(np.rint(units))))
            state = before
        paths.append(lines[::-1])
    return bounds, paths, [bool(w <= p) for w, p in zip(width, pack, strict=True)]


def _end_term(bought: np.ndarray, base: np.ndarray, cap: np.ndarray, lowest: np.ndarray,
              unit: np.ndarray) -> np.ndarray:
    """What the end adds for ``bought`` units in total when the end stock before any purchase
    is ``base``: the bought units not credited at ``lowest``, a backlog at ``unit``, less the
    start stock credited at ``unit``; up to ``cap`` units left are credited, the latest bought
    first. In ``bought`` it falls to ``max(-base, 0)``, is flat, then rises: convex where
    ``base < 0``, non-decreasing where ``base >= 0``."""
    position = base + bought
    left = np.maximum(position, 0.0)
    credited = np.minimum(left, cap)
    credited_bought = np.minimum(credited, bought)
    return (lowest * (bought - credited_bought) - unit * (credited - credited_bought)
            + unit * np.maximum(-position, 0.0))


def _top_line(item: PurchaseItem, least: float) -> float:
    """The cheapest line of at least ``least`` units (packs, MOQ, price levels)."""
    options = [item.order_quantity(least)]
    options += [item.order_quantity(max(least, q)) for q, _ in item.breaks]
    return float(min(options, key=lambda q: (q * item.unit_price(q), q)))


def _order_costs(lo: np.ndarray, hi: np.ndarray, level_min: np.ndarray,
                 level_price: np.ndarray, cheapest: np.ndarray, order_cost: np.ndarray,
                 short: np.ndarray) -> np.ndarray:
    """``step[k, s, s2]``: the least an order moving SKU ``k``'s X from cell ``s`` to cell
    ``s2 > s`` is charged (0 to stay, inf backwards or when no line fits): its order share
    plus the least premium over the lowest price that a line the move allows pays on the
    units of it that are used, those below ``short`` (units bought beyond it are left at the
    end and credited at their price).

    A line from ``a`` to ``x`` has ``min(x, short) - min(a, short)`` units used: fewest with
    ``a`` at the top of cell ``s`` and ``x`` as low as the level's minimum and cell ``s2``
    allow. A level fits the move when its minimum is at most the largest increment."""
    n, states = lo.shape
    start = hi[:, :, None]  # X before the line: the top of the cell it leaves
    into = lo[:, None, :]
    with np.errstate(invalid="ignore"):
        largest = hi[:, None, :] - lo[:, :, None]
    cap = short[:, None, None]
    premium = np.full((n, states, states), np.inf)
    for b in range(level_min.shape[1]):
        mb = level_min[:, b][:, None, None]
        pb = level_price[:, b][:, None, None]
        if not np.isfinite(pb).any():
            continue
        with np.errstate(invalid="ignore"):
            reach = np.maximum(start + mb, into)
            used = np.maximum(np.minimum(reach, cap) - np.minimum(start, cap), 0.0)
            term = (pb - cheapest[:, None, None]) * used
            fits = np.isfinite(pb) & (mb <= largest)
        premium = np.where(fits, np.minimum(premium, term), premium)
    step = order_cost[:, None, None] + premium
    later = np.triu(np.ones((states, states), dtype=bool), k=1)
    step = np.where(later[None, :, :], step, np.inf)
    rows = np.arange(states)
    step[:, rows, rows] = 0.0
    return step

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
* ``X`` is kept in cells: one pack wide while the most units any week needs fit in
  :data:`MAX_STATES` cells (then the program is exact up to the late-service rule), wider
  beyond, and one open-ended top cell. A cell is charged the least of each week's cost over
  the cell and an order the least premium of any line that moves ``X`` between the two cells;
  a line into the top cell, which could hold any number of units, is charged whole. Every plan
  of the model maps onto a path of cells that costs no more: a lower bound.

On the generated medium dataset the sum is above the per-SKU LPs' (10,966,244 against
10,956,095) for 1.1 s of CPU instead of 12.7 s; ``tests/test_purchasing_sku_dp.py`` checks on
random problems that each SKU's bound lies between its LP bound and its exact optimum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from salesflow.optimizer.purchasing.model import (
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

    Valid for the planning model's terms (no value for stock left, service rule on). SKUs are
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
    """Per SKU, the most units any week needs bought (stock at zero or at its target)."""
    on_hand = np.array([problem.items[i].on_hand for i in rows])
    base = on_hand[:, None] + np.cumsum(problem.open_arrivals[rows] - problem.demand[rows],
                                        axis=1)
    target = problem.safety_stock_matrix[rows]
    return np.maximum(np.max(np.maximum(target - base, -base), axis=1), 0.0)


def cells_needed(problem: PurchaseProblem, positions: Sequence[int]) -> np.ndarray:
    """Cells of each SKU's program: one per pack up to the most units a week needs (then it
    is exact up to the late-service rule), a power of two from :data:`MIN_STATES` to
    :data:`MAX_STATES`."""
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
    # that the most units any week needs fit below the top cell (a line beyond it is charged
    # whole on its way in, see _order_costs).
    most = _most(problem, rows) + pack
    width = pack * np.maximum(1.0, np.ceil(most / pack / (states - 1)))
    lo = width[:, None] * np.arange(states)[None, :]
    hi = np.concatenate([lo[:, 1:] - pack[:, None], np.full((n, 1), np.inf)], axis=1)
    step = _order_costs(width, pack, states, level_min, level_price, cheapest, order_cost)
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
    total = value + cheapest[:, None] * lo
    bounds = np.min(total, axis=1)
    if plan_weeks is None:
        return bounds, [], []
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


def _top_line(item: PurchaseItem, least: float) -> float:
    """The cheapest line of at least ``least`` units (packs, MOQ, price levels)."""
    options = [item.order_quantity(least)]
    options += [item.order_quantity(max(least, q)) for q, _ in item.breaks]
    return float(min(options, key=lambda q: (q * item.unit_price(q), q)))


def _order_costs(width: np.ndarray, pack: np.ndarray, states: int, level_min: np.ndarray,
                 level_price: np.ndarray, cheapest: np.ndarray,
                 order_cost: np.ndarray) -> np.ndarray:
    """``step[k, s, s2]``: the least an order moving SKU ``k``'s X from cell ``s`` to cell
    ``s2 > s`` is charged (0 to stay, inf backwards or when no line fits): its order share
    plus the least premium over the lowest price of a line of any size the move allows.

    Cells ``j`` hold ``width * j`` to ``width * (j + 1) - pack`` units (the last one has no
    end), so a move's increments depend only on how many cells it moves: the premiums are
    computed per distance and spread over the table."""
    n = len(width)
    d = np.arange(states, dtype=float)[None, :]  # cells moved
    inc_lo = np.maximum(width[:, None] * (d - 1) + pack[:, None], 0.0)
    inc_hi = width[:, None] * (d + 1) - pack[:, None]  # (into the top cell: no end)
    premium = np.full((n, states), np.inf)
    premium_top = np.full((n, states), np.inf)
    whole = np.full((n, states), np.inf)  # into the top cell: the whole line's least cost
    for b in range(level_min.shape[1]):
        mb = level_min[:, b][:, None]
        pb = level_price[:, b][:, None]
        with np.errstate(invalid="ignore"):
            x = np.maximum(inc_lo, mb)
            finite = np.isfinite(pb) & np.isfinite(x)
            term = np.where(finite, (pb - cheapest[:, None]) * x, np.inf)
            premium = np.minimum(premium, np.where(finite & (x <= inc_hi), term, np.inf))
            premium_top = np.minimum(premium_top, term)
            whole = np.minimum(whole, np.where(finite, pb * x, np.inf))
    # Into the open-ended top cell a premium alone could come with any number of units:
    # there the whole line's least cost, less the units the final charge (lowest price x the
    # cell's lower end) counts, is charged when that is more. Valid: X never leaves the top
    # cell, so the units bought beyond the cells' lower ends are at least that move's excess.
    top = np.maximum(order_cost[:, None] + premium_top,
                     order_cost[:, None] + whole - cheapest[:, None] * width[:, None] * d)
    rows = np.arange(states)
    moved = np.clip(rows[None, :] - rows[:, None], 0, states - 1)  # [from, to]
    step = order_cost[:, None, None] + premium[:, moved]
    step[:, :, -1] = top[:, moved[:, -1]]
    later = np.triu(np.ones((states, states), dtype=bool), k=1)
    step = np.where(later[None, :, :], step, np.inf)
    step[:, rows, rows] = 0.0
    return step

"""A fast start for the MIP: choose each supplier's order weeks, then each SKU's lots.

For a set of order weeks of a supplier, every SKU picks which of them to use by a shortest
path over the weeks (an order covers the demand up to the next order it uses, rounded to packs
and the MOQ, or raised to a price break when that is cheaper), all SKUs of the supplier at once
with numpy. A local search adds and drops order weeks while the supplier's total (order costs +
its SKUs' costs) falls. The result is a plan close to the optimum's shape (few, large,
discounted orders where the numbers say so), which the MIP then polishes; on its own it is a
heuristic, not a bound.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from salesflow.optimizer.purchasing.baselines import top_up
from salesflow.optimizer.purchasing.model import service_penalty
from salesflow.optimizer.purchasing.plan import PurchaseLine
from salesflow.optimizer.purchasing.problem import PurchaseProblem

MAX_ROUNDS = 20


class _Supplier:
    """Cost tables of one supplier's SKUs for every (order slot, next order slot) pair."""

    def __init__(self, problem: PurchaseProblem, supplier: str, positions: list[int]) -> None:
        self.problem, self.supplier, self.positions = problem, supplier, positions
        weeks = problem.weeks
        self.slots = [(w, a) for w, a in enumerate(problem.arrival_weeks(supplier))
                      if a < weeks]
        items = [problem.items[i] for i in positions]
        rows = np.asarray(positions)
        n, s = len(positions), len(self.slots)
        need = (np.cumsum(problem.demand[rows], axis=1) + problem.safety_stock_matrix[rows]
                - np.array([x.on_hand for x in items])[:, None]
                - np.cumsum(problem.open_arrivals[rows], axis=1))
        cover = np.maximum.accumulate(np.maximum(need, 0.0), axis=1)
        self.before = np.concatenate([np.zeros((n, 1)), cover], axis=1)  # need before week x
        prefix = np.concatenate([np.zeros((n, 1)), np.cumsum(self.before[:, 1:], axis=1)],
                                axis=1)  # prefix[:, x] = sum of before[:, 1..x]
        hold = np.array([x.holding_cost_per_week for x in items])
        pack = np.array([x.pack_size for x in items], dtype=float)
        min_packs = np.array([x.min_packs for x in items], dtype=float)
        levels = max((len(x.breaks) for x in items), default=0)
        break_qty = np.full((n, levels), np.inf)
        break_price = np.zeros((n, levels))
        for k, x in enumerate(items):
            for b, (q, p) in enumerate(x.breaks):
                break_qty[k, b], break_price[k, b] = q, p
        unit_cost = np.array([x.unit_cost for x in items])
        short = problem.shortage_penalty
        extra = np.array([service_penalty(problem, i) for i in positions])
        first_arrival = self.slots[0][1] if self.slots else weeks

        def price(units: np.ndarray) -> np.ndarray:
            out = unit_cost.copy()
            for b in range(levels):
                out = np.where(units >= break_qty[:, b], break_price[:, b], out)
            return out

        ends = [a for _, a in self.slots] + [weeks]
        self.late = np.zeros((n, s + 1))  # nothing arrives before ends[k]
        for k, e in enumerate(ends):
            backlog = cover[:, :e].sum(axis=1)
            avoidable = cover[:, first_arrival:e].sum(axis=1) if e > first_arrival else 0.0
            self.late[:, k] = short * backlog + extra * avoidable
        # cost[first?, j, k]: order at slot j covering weeks ends[j]..ends[k]-1.
        self.cost = np.full((2, s, s + 1, n), np.inf)
        self.units = np.zeros((2, s, s + 1, n))
        for j, (_, a) in enumerate(self.slots):
            for k in range(j + 1, s + 1):
                e = ends[k]
                held = hold * ((e - a) * self.before[:, e] - (prefix[:, e] - prefix[:, a]))
                for first in (0, 1):
                    units = self.before[:, e] - (0.0 if first else self.before[:, a])
                    base = np.where(units > 1e-9,
                                    np.maximum(np.ceil(units / pack - 1e-9), min_packs), 0.0)
                    best_units = base * pack
                    best_cost = best_units * price(best_units) + held
                    for b in range(levels):
                        packs = np.maximum(base, np.ceil(break_qty[:, b] / pack - 1e-9))
                        ok = np.isfinite(packs) & (base > 0)
                        q = np.where(ok, packs, 0.0) * pack
                        c = q * price(q) + hold * (q - units) * (weeks - a) + held
                        better = ok & (c < best_cost - 1e-9)
                        best_cost = np.where(better, c, best_cost)
                        best_units = np.where(better, q, best_units)
                    self.cost[first, j, k] = best_cost
                    self.units[first, j, k] = best_units

    def evaluate(self, pattern: list[int]) -> tuple[float, list[list[tuple[int, float]]]]:
        """Total cost of order slots ``pattern`` (sorted) and per SKU its (slot, units)."""
        n = len(self.positions)
        m = len(pattern)
        v_first = [self.late[:, j] for j in pattern]
        v_mid = [np.full(n, np.inf) for _ in pattern]
        back_mid = [np.zeros(n, dtype=int) for _ in pattern]  # predecessor index, -1 - first
        s = len(self.slots)
        for kk in range(m):
            k = pattern[kk]
            for jj in range(kk):
                j = pattern[jj]
                via_first = v_first[jj] + self.cost[1, j, k]
                via_mid = v_mid[jj] + self.cost[0, j, k]
                better = via_first < v_mid[kk]
                v_mid[kk] = np.where(better, via_first, v_mid[kk])
                back_mid[kk] = np.where(better, -1 - jj, back_mid[kk])
                better = via_mid < v_mid[kk]
                v_mid[kk] = np.where(better, via_mid, v_mid[kk])
                back_mid[kk] = np.where(better, jj, back_mid[kk])
        best = self.late[:, s].copy()
        last = np.full(n, -1)
        last_first = np.zeros(n, dtype=bool)
        for kk in range(m):
            k = pattern[kk]
            c = v_first[kk] + self.cost[1, k, s]
            better = c < best
            best, last, last_first = (np.where(better, c, best), np.where(better, kk, last),
                                      np.where(better, True, last_first))
            c = v_mid[kk] + self.cost[0, k, s]
            better = c < best
            best, last, last_first = (np.where(better, c, best), np.where(better, kk, last),
                                      np.where(better, False, last_first))
        orders: list[list[tuple[int, float]]] = []
        used: set[int] = set()
        for r in range(n):
            chain, kk, first, nxt = [], int(last[r]), bool(last_first[r]), s
            while kk >= 0:
                j = pattern[kk]
                units = float(self.units[int(first), j, nxt][r])
                if units > 0:
                    chain.append((j, units))
                    used.add(j)
                if first:
                    break
                prev = int(back_mid[kk][r])
                nxt = j
                if prev < 0:
                    kk, first = -1 - prev, True
                else:
                    kk, first = prev, False
            orders.append(chain[::-1])
        terms = self.problem.suppliers[self.supplier]
        return float(best.sum()) + terms.order_cost * len(used), orders

    def search(self) -> list[list[tuple[int, float]]]:
        """Local search over the supplier's order weeks; per SKU its (slot, units)."""
        s = len(self.slots)
        if s == 0:
            return [[] for _ in self.positions]
        seeds = [list(range(0, s, step)) for step in range(1, min(s, 6) + 1)]
        scored = [(self.evaluate(p)[0], p) for p in seeds]
        cost, pattern = min(scored, key=lambda x: x[0])
        for _ in range(MAX_ROUNDS):
            moves = [sorted(set(pattern) ^ {j}) for j in range(s)]
            trial = [(self.evaluate(p)[0], p) for p in moves if p]
            if not trial:  # one order week only: nothing to move
                break
            best_cost, best_pattern = min(trial, key=lambda x: x[0])
            if best_cost >= cost - 1e-6:
                break
            cost, pattern = best_cost, best_pattern
        return self.evaluate(pattern)[1]


def _resize(table: _Supplier, r: int, chain: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Re-size one SKU's orders in time order, counting what earlier (rounded or discounted)
    lots leave over; an order the leftovers make unnecessary is dropped."""
    if not chain:
        return []
    problem = table.problem
    item = problem.items[table.positions[r]]
    ends = [table.slots[j][1] for j, _ in chain[1:]] + [problem.weeks]
    bought = 0.0
    out = []
    for (j, _), end in zip(chain, ends, strict=True):
        need = table.before[r, end] - bought
        if need <= 1e-9:
            continue
        arrival = table.slots[j][1]
        options = [item.order_quantity(need)]
        options += [item.order_quantity(q) for q, _ in item.breaks if q > options[0]]
        hold = item.holding_cost_per_week * (problem.weeks - arrival)
        quantity = min(options, key=lambda q: q * item.unit_price(q) + hold * (q - need))
        out.append((j, float(quantity)))
        bought += quantity
    return out


def pattern_plan(problem: PurchaseProblem) -> list[PurchaseLine]:
    """The heuristic's plan for every supplier of ``problem`` (see the module docstring)."""
    lines: list[PurchaseLine] = []
    for supplier, positions in problem.supplier_groups().items():
        table = _Supplier(problem, supplier, positions)
        chosen = [_resize(table, r, chain) for r, chain in enumerate(table.search())]
        terms = problem.suppliers[supplier]
        days = problem.order_days(supplier)
        by_slot: dict[int, list[list[float]]] = {}
        for r, chain in enumerate(chosen):
            for j, units in chain:
                by_slot.setdefault(j, []).append([positions[r], units])
        for j, slot_lines in sorted(by_slot.items()):
            top_up(problem, supplier, slot_lines)
            w = table.slots[j][0]
            for i, units in slot_lines:
                item = problem.items[int(i)]
                quantity = math.ceil(units / item.pack_size - 1e-9) * item.pack_size
                lines.append(PurchaseLine(item.sku, supplier, days[w],
                                          days[w] + dt.timedelta(days=terms.lead_time_days),
                                          quantity, item.unit_price(quantity), ""))
    return lines

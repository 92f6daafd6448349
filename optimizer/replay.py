"""Replay: the weekly purchasing cycle run week after week over past data, as if live.

Each week of the replay every policy sees only the sales before that week's Monday, forecasts,
plans its purchases over the horizon, and places the orders of that week (the rest of its plan
is outlook and re-planned next week). Then the week's *actual* demand is served from stock: the
realized purchase, ordering, holding and shortage costs, the fill rate and the inventory
turnover are what a policy would have achieved. All policies start from the same stock (the
dataset's ``inventory``) with nothing on order, and face the same demand. So that a policy
cannot look cheap by running its stock down at the end, nor dear by ending with stock it will
sell next, the cost is net of the change in stock value: the start stock at unit cost; the end
position (on hand plus on order) first-in-first-out, i.e. at the prices paid for the most
recent purchases, the rest at unit cost; a backlog at the end counts as negative stock at unit
cost. Valuing at the price paid (not the list price) keeps a policy from gaining by buying
price-break lots it does not sell.

The cost formula is the purchasing evaluator's (issue 4): purchase at the all-units price of
each line, the supplier's ``order_cost`` per supplier and order date, holding on end-of-week
stock, and the shortage penalty per unit backordered at the end of a week. The stock volume is
checked against the warehouse capacity every week: a policy whose stock did not fit is flagged
and is not the "best baseline" while another one fits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _
from salesflow.forecasting.series import weekly_demand
from salesflow.optimizer.context import planning_horizon
from salesflow.optimizer.purchasing.builder import build_purchase_problem, purchase_demand
from salesflow.optimizer.purchasing.plan import PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.valuation import fifo_value

Forecaster = Callable[[Dataset, pd.DataFrame, dt.date], pd.DataFrame]
"""``forecaster(dataset, history, week_start)`` -> long frame ``unique_id, ds, forecast, ...``."""

Purchaser = Callable[[PurchaseProblem], PurchasePlan]
"""``purchaser(problem)`` -> plan over the problem's horizon."""

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done_weeks, total_weeks, label)``."""


@dataclass(frozen=True)
class ReplayPolicy:
    """A way to run the purchasing cycle: how it forecasts and how it buys."""

    name: str
    forecaster: Forecaster
    purchaser: Purchaser
    is_baseline: bool = True


@dataclass
class _State:
    on_hand: np.ndarray
    pipeline: list[tuple[int, dt.date, float]] = field(default_factory=list)
    purchase: float = 0.0
    ordering: float = 0.0
    holding: float = 0.0
    shortage: float = 0.0
    demand: float = 0.0
    served: float = 0.0
    cogs: float = 0.0
    stock_value: list[float] = field(default_factory=list)
    orders: int = 0
    lines: int = 0
    start_value: float = 0.0
    end_value: float = 0.0
    lots: list[tuple[int, float, float]] = field(default_factory=list)  # (sku, qty, price)
    peak_m3: float = 0.0
    weeks_over_capacity: int = 0


@dataclass(frozen=True)
class PolicyOutcome:
    """Realized figures of one policy over the replay."""

    policy: str
    is_baseline: bool
    purchase: float
    ordering: float
    holding: float
    shortage: float
    fill_rate: float
    inventory_turnover_per_month: float | None
    supplier_orders: int
    purchase_lines: int
    stock_change: float
    peak_stock_m3: float = 0.0
    weeks_over_capacity: int = 0

    @property
    def procurement_cost(self) -> float:
        """Purchase + ordering + holding + shortage − stock value gained: what the manual's
        −5 % target is about."""
        return self.purchase + self.ordering + self.holding + self.shortage - self.stock_change

    def to_dict(self) -> dict[str, object]:
        return {"policy": self.policy, "baseline": self.is_baseline,
                "purchase": round(self.purchase, 2), "ordering": round(self.ordering, 2),
                "holding": round(self.holding, 2), "shortage": round(self.shortage, 2),
                "stock_change": round(self.stock_change, 2),
                "cost": round(self.procurement_cost, 2), "fill_rate": round(self.fill_rate, 4),
                "inventory_turnover_per_month": None if self.inventory_turnover_per_month is None
                else round(self.inventory_turnover_per_month, 3),
                "supplier_orders": self.supplier_orders, "purchase_lines": self.purchase_lines,
                "peak_stock_m3": round(self.peak_stock_m3, 2),
                "weeks_over_capacity": self.weeks_over_capacity}


@dataclass(frozen=True)
class ReplayResult:
    first_week: dt.date
    weeks: int
    outcomes: tuple[PolicyOutcome, ...]

    def best_baseline(self) -> PolicyOutcome | None:
        """The cheapest baseline among those whose stock always fit the warehouse (among all
        baselines if none did)."""
        baselines = [o for o in self.outcomes if o.is_baseline]
        fitting = [o for o in baselines if o.weeks_over_capacity == 0] or baselines
        return min(fitting, key=lambda o: o.procurement_cost) if fitting else None


def _mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]


def check_replay_weeks(dataset: Dataset, first: dt.date, last: dt.date) -> None:
    """Raise :class:`InvalidInputError` unless the weeks can be replayed: in order, with
    history before them and actual sales in every one of them."""
    problems = []
    if last < first:
        problems.append(Problem("--to", None, None, str(last),
                                _("must not be before --from")))
    if first <= dataset.history_start:
        problems.append(Problem("--from", None, None, str(first),
                                _("needs sales history before it (history starts {start})")
                                .format(start=dataset.history_start)))
    end = dataset.history_end
    if last + dt.timedelta(days=6) > end + dt.timedelta(days=6 - end.weekday()):
        problems.append(Problem("--to", None, None, str(last),
                                _("the replay needs actual sales for every week; the "
                                  "history ends {end}").format(end=end)))
    if problems:
        raise InvalidInputError(problems)


def actual_demand(dataset: Dataset, last_week: dt.date) -> pd.DataFrame:
    """Units sold per SKU (rows, in SKU order) and week (columns, Mondays) up to the week of
    ``last_week``, zero-filled: the demand a replay serves."""
    skus = dataset.skus["sku"].sort_values().tolist()
    return (weekly_demand(dataset.sales, skus, last_week + dt.timedelta(days=7))
            .pivot(index="unique_id", columns="ds", values="y").reindex(skus).fillna(0.0))


def _week_costs(problem: PurchaseProblem, lines: Sequence) -> tuple[float, float, int]:
    index = {item.sku: i for i, item in enumerate(problem.items)}
    purchase = sum(line.quantity * problem.items[index[line.sku]].unit_price(line.quantity)
                   for line in lines)
    orders = {(line.supplier_id, line.order_date) for line in lines}
    ordering = math.fsum(problem.suppliers[s].order_cost for s, _ in orders)
    return purchase, ordering, len(orders)


def run_replay(dataset: Dataset, first_week: dt.date, last_week: dt.date,
               policies: Sequence[ReplayPolicy],
               progress: ProgressCallback | None = None) -> ReplayResult:
    """Replay the purchasing cycle from ``first_week`` to ``last_week`` (Mondays, inclusive).

    Raises
    ------
    InvalidInputError
        If the weeks are out of order, lack history before them or actual sales in them.
    """
    check_replay_weeks(dataset, first_week, last_week)
    weeks = _mondays(first_week, last_week)
    horizon = planning_horizon(dataset)
    skus = dataset.skus["sku"].sort_values().tolist()
    actual = actual_demand(dataset, last_week)
    on_hand = (dataset["inventory"].groupby("sku")["on_hand"].sum()
               .reindex(skus, fill_value=0.0).to_numpy(dtype=float))
    unit_cost = dataset.skus.set_index("sku")["unit_cost"].reindex(skus).to_numpy(float)
    start_value = float((on_hand * unit_cost).sum())
    states = {p.name: _State(on_hand.copy(), start_value=start_value) for p in policies}
    no_open_orders = dataset["open_orders"].iloc[0:0]
    blank = replace(dataset, tables=dict(dataset.tables, open_orders=no_open_orders))
    penalty = dataset.config.purchasing.shortage_penalty

    for w, week in enumerate(weeks):
        history = dataset.history_before(week)
        forecasts: dict[int, pd.DataFrame] = {}
        for policy in policies:
            if progress is not None:
                progress(w, len(weeks), f"{week} {policy.name}")
            key = id(policy.forecaster)
            if key not in forecasts:
                forecasts[key] = policy.forecaster(dataset, history, week)
            demand = purchase_demand(forecasts[key])
            state = states[policy.name]
            base = build_purchase_problem(blank, demand, week, horizon, history=history)
            problem = _with_state(base, state)
            plan = policy.purchaser(problem)
            week_end = week + dt.timedelta(days=7)
            placed = [line for line in plan.lines if line.order_date < week_end]
            purchase, ordering, orders = _week_costs(problem, placed)
            state.purchase += purchase
            state.ordering += ordering
            state.orders += orders
            state.lines += len(placed)
            position = {item.sku: i for i, item in enumerate(problem.items)}
            state.pipeline += [(position[x.sku], x.arrival_date, float(x.quantity))
                               for x in placed]
            state.lots += [(position[x.sku], float(x.quantity),
                            problem.items[position[x.sku]].unit_price(x.quantity))
                           for x in placed]
            _serve_week(state, problem, week, actual[pd.Timestamp(week)].to_numpy(float),
                        penalty)
    if progress is not None:
        progress(len(weeks), len(weeks), "done")
    months = len(weeks) * 7 / 30.4375
    outcomes = []
    for policy in policies:
        s = states[policy.name]
        s.end_value = _end_value(s, unit_cost)
        stock = float(np.mean(s.stock_value)) if s.stock_value else 0.0
        outcomes.append(PolicyOutcome(
            policy.name, policy.is_baseline, s.purchase, s.ordering, s.holding, s.shortage,
            s.served / s.demand if s.demand > 0 else 1.0,
            s.cogs / stock / months if stock > 0 else None, s.orders, s.lines,
            s.end_value - s.start_value, s.peak_m3, s.weeks_over_capacity))
    return ReplayResult(first_week, len(weeks), tuple(outcomes))


def _with_state(problem: PurchaseProblem, state: _State) -> PurchaseProblem:
    """``problem`` with the policy's own stock and orders in transit."""
    items = tuple(replace(item, on_hand=float(state.on_hand[i]))
                  for i, item in enumerate(problem.items))
    arrivals = np.zeros_like(problem.open_arrivals)
    for i, day, quantity in state.pipeline:
        week = problem.week_of(day)
        if 0 <= week < problem.weeks:
            arrivals[i, week] += quantity
        elif week < 0:  # due before this week yet not received: expected now
            arrivals[i, 0] += quantity
    return replace(problem, items=items, open_arrivals=arrivals)


def _serve_week(state: _State, problem: PurchaseProblem, week: dt.date, demand: np.ndarray,
                penalty: float) -> None:
    """Receive the week's arrivals, serve its actual demand (backorders allowed), cost it."""
    week_end = week + dt.timedelta(days=7)
    arrivals = np.zeros(len(problem.items))
    pending = []
    for i, day, quantity in state.pipeline:
        if day < week_end:
            arrivals[i] += quantity
        else:
            pending.append((i, day, quantity))
    state.pipeline = pending
    unit_cost = np.array([item.unit_cost for item in problem.items])
    holding_rate = np.array([item.holding_cost_per_week for item in problem.items])
    available = np.maximum(state.on_hand + arrivals, 0.0)
    served = np.minimum(demand, available)
    state.on_hand = state.on_hand + arrivals - demand
    state.demand += float(demand.sum())
    state.served += float(served.sum())
    state.cogs += float((served * unit_cost).sum())
    state.holding += float((np.maximum(state.on_hand, 0.0) * holding_rate).sum())
    state.shortage += float(np.maximum(-state.on_hand, 0.0).sum() * penalty)
    state.stock_value.append(float((np.maximum(state.on_hand, 0.0) * unit_cost).sum()))
    volume = np.array([item.unit_volume_m3 for item in problem.items])
    stock_m3 = float((np.maximum(state.on_hand, 0.0) * volume).sum())
    state.peak_m3 = max(state.peak_m3, stock_m3)
    if problem.warehouse_m3 is not None and stock_m3 > problem.warehouse_m3 * (1 + 1e-9):
        state.weeks_over_capacity += 1


def _end_value(state: _State, unit_cost: np.ndarray) -> float:
    position = state.on_hand.copy()
    lots: dict[int, list[tuple[float, float]]] = {}
    for i, quantity, price in state.lots:
        lots.setdefault(i, []).append((quantity, price))
    for i, _arrival, quantity in state.pipeline:
        position[i] += quantity
    return float(sum(fifo_value(float(position[i]), lots.get(i, ()), float(unit_cost[i]))
                     for i in range(len(position))))

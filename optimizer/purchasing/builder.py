"""Dataset -> :class:`~salesflow.optimizer.purchasing.problem.PurchaseProblem`: the SKUs,
suppliers, price breaks, stock and open orders of a validated dataset, the demand to plan
against and the ABC classes that set each SKU's service level."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem, SupplierTerms
from salesflow.optimizer.purchasing.safety_stock import safety_stock_matrix


def _text(value: object) -> str:
    """A name cell as text (blank when missing)."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def purchase_demand(forecast: pd.DataFrame) -> pd.DataFrame:
    """The forecast's long frame (``unique_id, ds, forecast``, quantiles) as purchase demand
    (``sku, week_start, quantity``, quantiles)."""
    return forecast.rename(columns={"unique_id": "sku", "ds": "week_start",
                                    "forecast": "quantity"})


def _check_reaches(week_index: np.ndarray, start: pd.Timestamp, weeks: int) -> None:
    """Raise when the demand's last week falls short of the horizon's last week."""
    last = int(week_index.max()) if len(week_index) else -1
    if last >= weeks - 1:
        return
    missing = [(start + pd.Timedelta(weeks=t)).date().isoformat()
               for t in range(max(last + 1, 0), weeks)]
    raise InvalidInputError([Problem(
        "demand", None, "week_start", missing[0],
        _("the demand covers {covered} of the {weeks} weeks planned; no demand for the weeks "
          "starting {missing} (forecast as many weeks as are planned)").format(
            covered=max(last + 1, 0), weeks=weeks, missing=", ".join(missing)))])


def abc_classes(sales: pd.DataFrame, skus: pd.DataFrame, cutoffs: tuple[float, ...]) -> pd.Series:
    """ABC class per SKU by share of revenue (quantity × price, unit_cost where no price).

    Classes close at the cumulative revenue shares ``cutoffs`` (A up to the first, B up to the
    second, C beyond); a SKU with no sales is C.
    """
    cost = skus.set_index("sku")["unit_cost"]
    price = sales["unit_price"]
    missing = price.isna().to_numpy()
    if missing.any():  # looked up only where missing (a lookup per line: 13 s on 27M lines)
        price = price.copy()
        price[missing] = sales["sku"][missing].map(cost).to_numpy()
    revenue = (sales["quantity"] * price).groupby(sales["sku"]).sum()
    revenue = revenue.reindex(skus["sku"], fill_value=0.0)
    revenue = revenue.sort_values(ascending=False, kind="stable")
    total = revenue.sum()
    share_before = (revenue.cumsum() - revenue) / total if total > 0 else revenue * 0 + 1
    classes = np.where(share_before < cutoffs[0], "A",
                       np.where(share_before < cutoffs[1], "B", "C"))
    classes = np.where(revenue.to_numpy() > 0, classes, "C")
    return pd.Series(classes, index=revenue.index, name="abc").reindex(skus["sku"])


def price_breaks_by_sku(table: pd.DataFrame) -> dict[object, tuple[tuple[float, float], ...]]:
    """Each SKU's ``(min_qty, unit_price)`` levels, fewest units first: runs of one SKU in
    the sorted table (a group per SKU took 17 s on 100,000 SKUs)."""
    ordered = table.sort_values(["sku", "min_qty"])
    keys = ordered["sku"].to_numpy()
    if keys.size == 0:
        return {}
    levels = list(zip(ordered["min_qty"].astype(float).tolist(),
                      ordered["unit_price"].astype(float).tolist(), strict=True))
    starts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), keys.size]
    return {keys[a]: tuple(levels[a:b]) for a, b in itertools.pairwise(starts)}


def warehouse_capacity(depots: pd.DataFrame) -> float | None:
    """Total ``capacity_m3`` of the depots; ``None`` (unlimited) if any depot has none."""
    if depots.empty or "capacity_m3" not in depots or depots["capacity_m3"].isna().any():
        return None
    return float(depots["capacity_m3"].sum())


def build_purchase_problem(dataset: Dataset, demand: pd.DataFrame, week_start: dt.date,
                           weeks: int, history: pd.DataFrame | None = None, *,
                           safety_stock: np.ndarray | None = None,
                           receiving_capacity: np.ndarray | None = None,
                           budget: np.ndarray | None = None) -> PurchaseProblem:
    """Purchasing problem for the ``weeks`` weeks from ``week_start`` (a Monday).

    Parameters
    ----------
    demand:
        Columns ``sku, week_start, quantity``: expected units per SKU and week; missing
        (SKU, week) pairs are zero demand, but the frame must reach the horizon's last week
        (a forecast shorter than the horizon is an error, not zero demand).
    history:
        Sales lines used for the ABC classes (default: the whole sales table).
    safety_stock, receiving_capacity, budget:
        Optional limits (see :class:`PurchaseProblem`); the warehouse capacity is the depots'
        ``capacity_m3``. Without ``safety_stock``, quantile columns of ``demand`` (``p10``,
        ``p90``, ...) give it at each SKU's service level.

    Raises
    ------
    InvalidInputError
        If ``demand`` has rows but none in the horizon's last weeks (it names them).
    """
    config = dataset.config
    skus = dataset.skus.sort_values("sku", kind="stable").reset_index(drop=True)
    suppliers = {
        row.supplier_id: SupplierTerms(row.supplier_id, int(row.lead_time_days),
                                       float(row.order_cost), float(row.min_order_value),
                                       tuple(row.order_weekdays), name=_text(row.name))
        for row in dataset.suppliers.itertuples(index=False)
    }
    classes = abc_classes(dataset.sales if history is None else history, skus,
                          config.service_levels.abc_cutoffs)
    level_of = {"A": config.service_levels.A, "B": config.service_levels.B,
                "C": config.service_levels.C}
    on_hand = dataset["inventory"].groupby("sku")["on_hand"].sum()
    breaks = price_breaks_by_sku(dataset["price_breaks"])
    items = tuple(
        PurchaseItem(
            sku=row.sku, supplier_id=row.supplier_id, unit_cost=float(row.unit_cost),
            unit_volume_m3=float(row.unit_volume_m3), pack_size=int(row.pack_size),
            moq=int(row.moq),
            holding_rate=float(row.holding_rate) if pd.notna(row.holding_rate)
            else config.purchasing.holding_rate,
            service_level=float(row.service_level) if pd.notna(row.service_level)
            else level_of[classes[row.sku]],
            on_hand=float(on_hand.get(row.sku, 0.0)),
            breaks=breaks.get(row.sku, ()),
            receiving_per_line=1.0,
            name=_text(row.name),
        )
        for row in skus.itertuples(index=False)
    )
    position = {item.sku: i for i, item in enumerate(items)}
    start = pd.Timestamp(week_start)

    def week_index(dates: pd.Series) -> np.ndarray:
        return ((pd.to_datetime(dates) - start).dt.days // 7).to_numpy()

    demand_matrix = np.zeros((len(items), weeks))
    if not demand.empty:
        w = week_index(demand["week_start"])
        _check_reaches(w, start, weeks)
        rows = demand["sku"].map(position).to_numpy()
        keep = (w >= 0) & (w < weeks) & pd.notna(rows)
        np.add.at(demand_matrix, (rows[keep].astype(int), w[keep]),
                  demand["quantity"].to_numpy(dtype=float)[keep])
    arrivals = np.zeros((len(items), weeks))
    open_orders = dataset["open_orders"]
    if not open_orders.empty:
        w = np.maximum(week_index(open_orders["arrival_date"]), 0)  # overdue: expected now
        rows = open_orders["sku"].map(position).to_numpy()
        keep = w < weeks
        np.add.at(arrivals, (rows[keep].astype(int), w[keep]),
                  open_orders["quantity"].to_numpy(dtype=float)[keep])
    if safety_stock is None:
        safety_stock = safety_stock_matrix(demand, items, suppliers, start, weeks)
    return PurchaseProblem(week_start, weeks, items, suppliers, demand_matrix, arrivals,
                           config.purchasing.shortage_penalty, safety_stock=safety_stock,
                           warehouse_m3=warehouse_capacity(dataset["depots"]),
                           receiving_capacity=receiving_capacity, budget=budget)

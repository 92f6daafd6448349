"""The sales history: promotions, orders and their lines, and the ``sales`` table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.generator.calendar import HISTORY_WEEKS
from salesflow.data.generator.catalog import abc_class
from salesflow.data.generator.labels import ids, minutes_text

if TYPE_CHECKING:
    from salesflow.data.generator.calendar import Calendar
    from salesflow.data.generator.catalog import Catalog
    from salesflow.data.generator.sizes import SizeSpec


@dataclass(frozen=True)
class Promotions:
    """Per (week, SKU): selection uplift (1 = none) and price discount (0 = none)."""

    uplift: np.ndarray
    discount: np.ndarray


def build_promotions(catalog: Catalog, rng: np.random.Generator) -> Promotions:
    """A few 1-2 week windows per SKU and year, more for A items."""
    n = catalog.n
    uplift = np.ones((HISTORY_WEEKS, n))
    discount = np.zeros((HISTORY_WEEKS, n))
    low = np.array([3, 1, 0])[abc_class(catalog.rank)]
    for year in range(HISTORY_WEEKS // 52):
        count = rng.integers(low, low + 3)
        sku = np.repeat(np.arange(n), count)
        start = 52 * year + rng.integers(0, 52, len(sku))
        length = rng.integers(1, 3, len(sku))
        lift = rng.uniform(1.5, 3.0, len(sku))
        cut = np.round(rng.uniform(0.10, 0.30, len(sku)), 2)
        for extra in (0, 1):
            on = (length > extra) & (start + extra < HISTORY_WEEKS)
            uplift[start[on] + extra, sku[on]] = lift[on]
            discount[start[on] + extra, sku[on]] = cut[on]
    return Promotions(uplift, discount)


@dataclass(frozen=True)
class Orders:
    """Orders in chronological order."""

    day: np.ndarray
    minute: np.ndarray
    customer: np.ndarray


def _order_minutes(weekday: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Order time: a morning peak around 09:30 over a flat 07:00-18:00 (Saturday: -13:00)."""
    n = len(weekday)
    peak = rng.normal(9.5 * 60, 75, n)
    flat = rng.uniform(7 * 60, 18 * 60, n)
    minute = np.where(rng.random(n) < 0.65, peak, flat)
    last = np.where(weekday == 5, 13 * 60 - 1, 18 * 60 - 1)
    return np.clip(np.round(minute), 7 * 60, last).astype(np.int64)


def build_orders(rate: np.ndarray, cal: Calendar, weights: np.ndarray,
                 rng: np.random.Generator) -> Orders:
    """Poisson orders per day, each with a time and a customer, sorted by day and time."""
    per_day = rng.poisson(rate)
    day = np.repeat(np.arange(cal.n_days), per_day)
    minute = _order_minutes(cal.weekday[day], rng)
    customer = rng.choice(len(weights), len(day), p=weights)
    order = np.lexsort((minute, day))
    return Orders(day[order], minute[order], customer[order])


def _category_season(catalog: Catalog, cal: Calendar, rng: np.random.Generator) -> np.ndarray:
    """Seasonal factor per (day, category): each category its own amplitude and peak."""
    amp = np.array([c.season_amp for c in catalog.categories]) * rng.uniform(0.8, 1.2,
                                                                            len(catalog.categories))
    amp = np.minimum(amp, 0.85)
    peak = np.array([c.season_peak for c in catalog.categories]) + rng.integers(
        -15, 16, len(catalog.categories))
    phase = 2 * np.pi * (cal.day_of_year[:, None] - peak[None, :]) / 365.25
    return 1.0 + amp[None, :] * np.cos(phase)


def _cumulative_choice(catalog: Catalog, exponent: float, promos: Promotions,
                       cal: Calendar, rng: np.random.Generator) -> np.ndarray:
    """Flat array: row d holds d + the cumulative SKU distribution of day d (ends at d + 1)."""
    n = catalog.n
    log_pop = -exponent * np.log(catalog.rank.astype(float))
    log_pop -= log_pop.max()
    season = _category_season(catalog, cal, rng)[:, catalog.category]
    out = np.empty((cal.n_days, n))
    block = max(1, 2_000_000 // n)
    for first in range(0, cal.n_days, block):
        days = np.arange(first, min(first + block, cal.n_days))
        weight = np.exp(log_pop[None, :] + np.outer(cal.years[days], catalog.trend))
        weight *= season[days] * promos.uplift[cal.week[days]]
        weight *= days[:, None] >= catalog.launch[None, :]
        cum = np.cumsum(weight, axis=1)
        out[days] = cum / cum[:, -1:] + days[:, None]
        out[days, -1] = days + 1.0
    return out.ravel()


@dataclass(frozen=True)
class Lines:
    """Merged order lines, sorted by order then SKU."""

    order: np.ndarray
    sku: np.ndarray
    quantity: np.ndarray
    promo: np.ndarray
    price_cents: np.ndarray


def _line_quantities(catalog: Catalog, sku: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Units of each raw line: 1 + negative binomial, capped at a plausible line size."""
    shape = catalog.qty_shape[sku]
    extra = catalog.qty_mean[sku] - 1.0
    quantity = 1 + rng.negative_binomial(shape, shape / (shape + extra))
    cap = np.maximum(np.ceil(12 * catalog.qty_mean), 3)
    cap = np.maximum(np.minimum(cap, np.floor(1000 / catalog.weight)), 1)
    return np.minimum(quantity, cap[sku]).astype(np.int64)


def build_lines(orders: Orders, spec: SizeSpec, catalog: Catalog, exponent: float,
                promos: Promotions, cal: Calendar, rng: np.random.Generator) -> Lines:
    """Draw the lines of every order and merge repeated SKUs of an order."""
    n = catalog.n
    count = 1 + rng.poisson(spec.lines_per_order, len(orders.day))
    order = np.repeat(np.arange(len(orders.day)), count)
    day = orders.day[order]
    cum = _cumulative_choice(catalog, exponent, promos, cal, rng)
    target = day + rng.random(len(order)) * (1.0 - 1e-9)
    sku = np.searchsorted(cum, target, side="right") - day * n
    sku = np.clip(sku, 0, n - 1)
    quantity = _line_quantities(catalog, sku, rng)
    key, inverse = np.unique(order * n + sku, return_inverse=True)
    merged_qty = np.bincount(inverse, weights=quantity).astype(np.int64)
    order_u, sku_u = key // n, key % n
    week = cal.week[orders.day[order_u]]
    discount = promos.discount[week, sku_u]
    price = np.round(catalog.price_cents[sku_u] * (1.0 - discount)).astype(np.int64)
    return Lines(order_u, sku_u, merged_qty, (discount > 0).astype(np.int64), price)


def sales_table(orders: Orders, lines: Lines, catalog: Catalog, customer_ids: np.ndarray,
                cal: Calendar) -> pd.DataFrame:
    order_ids = ids("SO", len(orders.day))
    day = orders.day[lines.order]
    return pd.DataFrame({
        "order_id": order_ids[lines.order],
        "order_date": cal.dates[day].astype("datetime64[ns]"),
        "customer_id": customer_ids[orders.customer[lines.order]],
        "sku": catalog.sku[lines.sku],
        "quantity": lines.quantity,
        "unit_price": lines.price_cents / 100,
        "order_time": minutes_text(orders.minute[lines.order]),
        "promo": lines.promo,
    })

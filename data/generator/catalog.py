"""The SKU catalogue: attributes, popularity and its calibration, and the ``skus`` table."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.generator.labels import ids
from salesflow.data.generator.words import BRANDS, CATEGORIES

if TYPE_CHECKING:
    from salesflow.data.generator.calendar import Calendar
    from salesflow.data.generator.sizes import SizeSpec
    from salesflow.data.generator.words import Category


_LINE_KG = 20.0
"""Expected weight of an order line in kg, which sizes the fleet's loads."""


@dataclass(frozen=True)
class Catalog:
    """The SKUs as arrays (index = SKU number - 1)."""

    categories: tuple[Category, ...]
    sku: np.ndarray
    name: np.ndarray
    category: np.ndarray  # index into categories
    supplier: np.ndarray  # index into the suppliers
    cost_cents: np.ndarray
    price_cents: np.ndarray
    weight: np.ndarray
    volume: np.ndarray
    pack: np.ndarray
    moq: np.ndarray
    holding_rate: np.ndarray
    service_level: np.ndarray
    rank: np.ndarray  # popularity rank, 1 = most popular
    trend: np.ndarray  # yearly log growth of the SKU's share
    launch: np.ndarray  # first day index it can sell
    qty_mean: np.ndarray
    qty_shape: np.ndarray

    @property
    def n(self) -> int:
        return len(self.sku)


def _pick_categories(spec: SizeSpec, rng: np.random.Generator) -> tuple[Category, ...]:
    chosen = np.sort(rng.choice(len(CATEGORIES), spec.n_categories, replace=False))
    return tuple(CATEGORIES[i] for i in chosen)


def _sku_categories(n_skus: int, n_categories: int, rng: np.random.Generator) -> np.ndarray:
    """Category of each SKU: every category at least once, the rest by uneven shares."""
    shares = rng.dirichlet(np.full(n_categories, 4.0))
    rest = rng.choice(n_categories, n_skus - n_categories, p=shares)
    return rng.permutation(np.r_[np.arange(n_categories), rest])


def _sku_items(categories: tuple[Category, ...], category: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Name, item cost, item weight and size factor of each SKU; names unique."""
    n = len(category)
    names = np.empty(n, dtype=object)
    cost, weight, factor = np.empty(n), np.empty(n), np.empty(n)
    for c, cat in enumerate(categories):
        members = np.flatnonzero(category == c)
        pool = [(adj, item, label, f) for adj in cat.adjectives for item in cat.items
                for label, f in item.variants]
        order = rng.permutation(len(pool))
        for j, sku in enumerate(members):
            adj, item, label, f = pool[order[j % len(pool)]]
            names[sku] = _product_name(adj, item.noun, label, j // len(pool))
            cost[sku], weight[sku], factor[sku] = item.cost, item.weight_kg, f
    return names, cost, weight, factor


def _product_name(adjective: str, noun: str, variant: str, round_: int) -> str:
    """``Stainless Hex Bolt M8``; later rounds through the pool add a brand (and series)."""
    name = f"{adjective} {noun} {variant}"
    if round_ == 0:
        return name
    brand = BRANDS[(round_ - 1) % len(BRANDS)]
    series = (round_ - 1) // len(BRANDS)
    return f"{brand} {name}" + (f" Series {series + 1}" if series else "")


def _pack_sizes(cost: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Units per pack: cheap items in big packs, expensive ones single."""
    options = (
        (1.0, (50, 100)), (3.0, (10, 12, 24, 50)), (10.0, (5, 6, 10, 12)),
        (40.0, (1, 2, 5, 6)), (math.inf, (1, 2)),
    )
    pack = np.ones(len(cost), dtype=np.int64)
    lower = 0.0
    for upper, sizes in options:
        band = (cost >= lower) & (cost < upper)
        pack[band] = rng.choice(sizes, int(band.sum()))
        lower = upper
    return pack


def _optional_rates(n: int, share: float, low: float, high: float,
                    rng: np.random.Generator) -> np.ndarray:
    """A value in [low, high] (2 decimals) for about ``share`` of rows, NaN for the rest."""
    values = np.round(rng.uniform(low, high, n), 2)
    return np.where(rng.random(n) < share, values, np.nan)


def build_catalog(spec: SizeSpec, cal: Calendar, rng: np.random.Generator) -> Catalog:
    """Every SKU's attributes (suppliers are assigned later)."""
    n = spec.n_skus
    categories = _pick_categories(spec, rng)
    category = _sku_categories(n, len(categories), rng)
    names, item_cost, item_weight, factor = _sku_items(categories, category, rng)
    cost = np.clip(item_cost * factor**0.7 * rng.lognormal(0.0, 0.25, n), 0.30, 300.0)
    cost_cents = np.round(cost * 100).astype(np.int64)
    markup = rng.uniform(1.3, 2.0, n)
    price_cents = np.round(cost_cents * markup).astype(np.int64)
    weight = np.maximum(np.round(item_weight * factor * rng.lognormal(0.0, 0.1, n), 3), 0.001)
    density = np.array([categories[c].density for c in category])
    volume = np.maximum(np.round(weight / density * rng.lognormal(0.0, 0.2, n), 6), 1e-6)
    pack = _pack_sizes(cost_cents / 100, rng)
    moq = np.where(rng.random(n) < 0.4, pack * rng.choice((2, 3, 4, 5, 10), n), 0)
    rank = rng.permutation(n) + 1
    trend = np.clip(rng.normal(0.0, 0.2, n), -0.5, 0.5)
    launch = _launch_days(rank, cal, rng)
    qty_mean = np.clip(np.exp(2.9 - 0.5 * np.log(cost_cents / 100)), 1.0, 60.0)
    qty_mean = np.maximum(qty_mean * rng.lognormal(0.0, 0.3, n), 1.0)
    lumpy = rng.random(n) < 0.2
    qty_shape = np.where(lumpy, rng.uniform(0.25, 0.6, n), rng.uniform(1.5, 6.0, n))
    return Catalog(
        categories=categories, sku=ids("SKU", n), name=names, category=category,
        supplier=np.zeros(n, dtype=np.int64), cost_cents=cost_cents, price_cents=price_cents,
        weight=weight, volume=volume, pack=pack, moq=moq,
        holding_rate=_optional_rates(n, 0.2, 0.15, 0.35, rng),
        service_level=_optional_rates(n, 0.15, 0.90, 0.99, rng),
        rank=rank, trend=trend, launch=launch, qty_mean=qty_mean, qty_shape=qty_shape,
    )


def _launch_days(rank: np.ndarray, cal: Calendar, rng: np.random.Generator) -> np.ndarray:
    """First selling day: 0 for most, a day of the second half for ~5 % of non-A SKUs."""
    n = len(rank)
    new = (rank > 0.2 * n) & (rng.random(n) < 0.05)
    day = rng.integers(cal.n_days // 4, cal.n_days * 5 // 6, n)
    return np.where(new, day, 0)


def abc_class(rank: np.ndarray) -> np.ndarray:
    """0 = A (top 20 % by popularity), 1 = B (next 30 %), 2 = C."""
    share = (rank - 0.5) / len(rank)
    return np.where(share < 0.2, 0, np.where(share < 0.5, 1, 2))


def _top_share(values: np.ndarray, share: float = 0.2) -> float:
    """Share of the total held by the top ``share`` of the values."""
    ordered = np.sort(values)[::-1]
    top = max(1, round(share * len(values)))
    return float(ordered[:top].sum() / ordered.sum())


def _exposure(catalog: Catalog, cal: Calendar) -> np.ndarray:
    """Mean over the history of each SKU's trend factor, zero before its launch."""
    weeks = np.arange(0, cal.n_days, 7)
    factor = np.exp(np.outer(cal.years[weeks], catalog.trend))
    factor *= weeks[:, None] >= catalog.launch[None, :]
    return factor.mean(axis=0)


def _popularity_exponent(catalog: Catalog, exposure: np.ndarray,
                         target: float = 0.8) -> float:
    """Zipf exponent giving an expected top-20 % revenue share of ``target`` (bisection)."""
    value = exposure * catalog.qty_mean * catalog.price_cents
    low, high = 0.0, 4.0
    for _ in range(40):
        middle = 0.5 * (low + high)
        if _top_share(catalog.rank.astype(float) ** -middle * value) < target:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def calibrate_demand(catalog: Catalog, cal: Calendar) -> tuple[Catalog, float]:
    """Scale line quantities so that an average line weighs about :data:`_LINE_KG` (trade
    customers buy in trade quantities), then calibrate the popularity exponent."""
    exposure = _exposure(catalog, cal)
    exponent = _popularity_exponent(catalog, exposure)
    share = catalog.rank.astype(float) ** -exponent * exposure
    line_kg = float((share * catalog.qty_mean * catalog.weight).sum() / share.sum())
    scale = float(np.clip(_LINE_KG / line_kg, 0.5, 3.0))
    catalog = replace(catalog, qty_mean=np.maximum(catalog.qty_mean * scale, 1.0))
    return catalog, _popularity_exponent(catalog, exposure)


def skus_table(catalog: Catalog, supplier_ids: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "sku": catalog.sku, "name": catalog.name,
        "category": [catalog.categories[c].name for c in catalog.category],
        "supplier_id": supplier_ids[catalog.supplier],
        "unit_cost": catalog.cost_cents / 100, "unit_volume_m3": catalog.volume,
        "unit_weight_kg": catalog.weight, "pack_size": catalog.pack, "moq": catalog.moq,
        "holding_rate": catalog.holding_rate, "service_level": catalog.service_level,
    })

"""Where things are: customers around the city centre with their delivery windows, and depots."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.generator.labels import ids, minutes_text, unique_names
from salesflow.data.generator.words import DEPOT_PLACES, LEGAL_FORMS, PLACES, TRADES

if TYPE_CHECKING:
    from salesflow.data.generator.catalog import Catalog
    from salesflow.data.generator.sizes import SizeSpec


CITY_CENTRE = (53.5511, 9.9937)
"""Latitude and longitude the customers are scattered around (Hamburg)."""


_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320


_WINDOWS = ((("08:00", "17:00"), 0.45), (("07:00", "12:00"), 0.20), (("12:00", "17:00"), 0.15))
_NARROW_WINDOW_SHARE = 0.20


def customer_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    """Share of the orders of each customer: lognormal, so a few customers are big."""
    weight = rng.lognormal(0.0, 1.0, n)
    return weight / weight.sum()


def _customer_positions(spec: SizeSpec, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Latitude and longitude: clusters within ~15 km of the centre, a few scattered, ≤ 25 km."""
    n = spec.n_customers
    radius, angle = rng.uniform(2.0, 15.0, spec.n_clusters), rng.uniform(0, 2 * np.pi,
                                                                         spec.n_clusters)
    cluster = rng.choice(spec.n_clusters, n, p=rng.dirichlet(np.full(spec.n_clusters, 3.0)))
    x = radius[cluster] * np.cos(angle[cluster]) + rng.normal(0.0, 2.0, n)
    y = radius[cluster] * np.sin(angle[cluster]) + rng.normal(0.0, 2.0, n)
    scattered = rng.random(n) < 0.15
    r, a = 25.0 * np.sqrt(rng.random(n)), rng.uniform(0, 2 * np.pi, n)
    x, y = np.where(scattered, r * np.cos(a), x), np.where(scattered, r * np.sin(a), y)
    shrink = np.minimum(1.0, 24.5 / np.maximum(np.hypot(x, y), 1e-9))
    return _to_lat_lon(x * shrink, y * shrink)


def _to_lat_lon(east_km: np.ndarray, north_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat0, lon0 = CITY_CENTRE
    lat = np.round(lat0 + north_km / _KM_PER_DEG_LAT, 5)
    lon = np.round(lon0 + east_km / (_KM_PER_DEG_LON * math.cos(math.radians(lat0))), 5)
    return lat, lon


def _delivery_windows(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Full day, morning, afternoon or a narrow 2 h window."""
    shares = [share for _, share in _WINDOWS] + [_NARROW_WINDOW_SHARE]
    kind = rng.choice(len(shares), n, p=np.array(shares) / sum(shares))
    narrow_start = rng.integers(7, 16, n) * 60
    start = np.where(kind == len(_WINDOWS), narrow_start, 0)
    end = np.where(kind == len(_WINDOWS), narrow_start + 120, 0)
    for k, ((first, last), _) in enumerate(_WINDOWS):
        start = np.where(kind == k, _hhmm(first), start)
        end = np.where(kind == k, _hhmm(last), end)
    return minutes_text(start), minutes_text(end)


def _hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def customers_table(spec: SizeSpec, weights: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    n = spec.n_customers
    lat, lon = _customer_positions(spec, rng)
    start, end = _delivery_windows(n, rng)
    size = np.log(weights / np.median(weights))
    service = np.clip(np.round(10 + 4 * size + rng.normal(0, 3, n)), 5, 30).astype(np.int64)
    return pd.DataFrame({
        "customer_id": ids("C", n, max(3, len(str(n)))),
        "name": unique_names(n, (PLACES, TRADES, LEGAL_FORMS), rng),
        "lat": lat, "lon": lon, "window_start": start, "window_end": end,
        "service_minutes": service,
    })


def _depot_positions(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Depots at the city's edge, 11-16 km out, spread around it."""
    angle = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(n) / n + rng.normal(0, 0.3, n)
    radius = rng.uniform(11.0, 16.0, n)
    return _to_lat_lon(radius * np.cos(angle), radius * np.sin(angle))


def depots_table(spec: SizeSpec, catalog: Catalog, weekly: np.ndarray,
                 rng: np.random.Generator) -> pd.DataFrame:
    """Depots open 05:00-22:00 holding about 12 weeks of average demand's volume."""
    n = spec.n_depots
    lat, lon = _depot_positions(n, rng)
    stock_m3 = float((weekly[-52:].mean(axis=0) * catalog.volume).sum()) * 12.0
    capacity = max(50.0, math.ceil(stock_m3 / n / 10.0) * 10.0)
    places = rng.choice(len(DEPOT_PLACES), n, replace=False)
    return pd.DataFrame({
        "depot_id": ids("D", n), "name": [f"Depot {DEPOT_PLACES[p]}" for p in places],
        "lat": lat, "lon": lon, "open": ["05:00"] * n, "close": ["22:00"] * n,
        "capacity_m3": np.full(n, capacity),
    })

"""The fleet: vehicle types, a mix sized to the history's loads, and the ``vehicles`` table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.generator.calendar import HISTORY_WEEKS
from salesflow.data.generator.labels import ids

if TYPE_CHECKING:
    from salesflow.data.generator.calendar import Calendar
    from salesflow.data.generator.catalog import Catalog
    from salesflow.data.generator.sales import Lines, Orders
    from salesflow.data.generator.sizes import SizeSpec


@dataclass(frozen=True)
class _VehicleType:
    name: str
    capacity_kg: int
    capacity_m3: int
    fixed_cost: float
    cost_per_km: float
    cost_per_hour: float
    shift: tuple[str, str]


_VEHICLE_TYPES = (
    _VehicleType("van", 800, 6, 62.0, 0.34, 28.0, ("07:00", "17:00")),
    _VehicleType("light_truck", 3000, 18, 110.0, 0.55, 32.0, ("06:00", "16:00")),
    _VehicleType("truck", 8000, 40, 185.0, 0.88, 38.0, ("06:00", "16:00")),
)


def _daily_loads(lines: Lines, orders: Orders, catalog: Catalog,
                 n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Total weight (kg) and volume (m3) ordered per day."""
    day = orders.day[lines.order]
    weight = np.bincount(day, weights=lines.quantity * catalog.weight[lines.sku],
                         minlength=n_days)
    volume = np.bincount(day, weights=lines.quantity * catalog.volume[lines.sku],
                         minlength=n_days)
    return weight, volume


def _busy_day_load(load: np.ndarray, cal: Calendar) -> float:
    """Average load of the busiest weekday over the last 52 weeks (full opening days)."""
    recent = (cal.week >= HISTORY_WEEKS - 52) & (cal.open_factor == 1.0)
    means = [load[recent & (cal.weekday == d)].mean() for d in range(6)]
    return float(max(means))


def _customer_day_peak(lines: Lines, orders: Orders, catalog: Catalog,
                       values: np.ndarray) -> float:
    """Largest over customers of the 90th percentile of its daily ordered ``values``."""
    customer = orders.customer[lines.order]
    key = orders.day[lines.order] * (customer.max() + 1) + customer
    uniq, inverse = np.unique(key, return_inverse=True)
    per_day = np.bincount(inverse, weights=lines.quantity * values[lines.sku])
    frame = pd.DataFrame({"customer": uniq % (customer.max() + 1), "load": per_day})
    return float(frame.groupby("customer")["load"].quantile(0.9).max())


def _fleet_mix(n_vehicles: int, busy: tuple[float, float],
               peak: tuple[float, float]) -> tuple[int, int, int]:
    """Vans, light trucks and trucks: the busiest weekday's load near half the fleet's
    capacity, the largest vehicle able to take a customer's big day, and a mixed fleet (at
    least one van and one light truck from three vehicles on)."""
    least = 1 if n_vehicles >= 3 else 0
    mixes = [(n_vehicles - n_truck - n_light, n_light, n_truck)
             for n_truck in range(n_vehicles + 1)
             for n_light in range(n_vehicles - n_truck + 1)
             if min(n_vehicles - n_truck - n_light, n_light) >= least]
    fitting = [mix for mix in mixes if _largest_fits(mix, peak)] or mixes

    def distance(mix: tuple[int, int, int]) -> float:
        kg = sum(n * t.capacity_kg for n, t in zip(mix, _VEHICLE_TYPES, strict=True))
        m3 = sum(n * t.capacity_m3 for n, t in zip(mix, _VEHICLE_TYPES, strict=True))
        return abs(max(busy[0] / kg, busy[1] / m3) - 0.5)

    return min(fitting, key=distance)


def _largest_fits(mix: tuple[int, int, int], load: tuple[float, float]) -> bool:
    """Whether the largest vehicle type of ``mix`` holds ``load`` (kg, m3)."""
    largest = max(k for k, count in enumerate(mix) if count)
    kind = _VEHICLE_TYPES[largest]
    return kind.capacity_kg >= load[0] and kind.capacity_m3 >= load[1]


def size_fleet(spec: SizeSpec, lines: Lines, orders: Orders, catalog: Catalog,
               cal: Calendar) -> tuple[int, int, int]:
    """Fleet mix sized to the history's loads."""
    weight, volume = _daily_loads(lines, orders, catalog, cal.n_days)
    busy = (_busy_day_load(weight, cal), _busy_day_load(volume, cal))
    peak = (_customer_day_peak(lines, orders, catalog, catalog.weight),
            _customer_day_peak(lines, orders, catalog, catalog.volume))
    return _fleet_mix(spec.n_vehicles, busy, peak)


def vehicles_table(mix: tuple[int, int, int], depot_ids: np.ndarray,
                   rng: np.random.Generator) -> pd.DataFrame:
    """The fleet, largest vehicles first, spread over the depots in turn."""
    kinds = [t for t, count in zip(_VEHICLE_TYPES, mix, strict=True) for _ in range(count)][::-1]
    n = len(kinds)
    noise = rng.uniform(0.92, 1.08, (n, 3))
    late = rng.random(n) < 0.3
    return pd.DataFrame({
        "vehicle_id": ids("V", n, max(2, len(str(n)))),
        "depot_id": depot_ids[np.arange(n) % len(depot_ids)],
        "capacity_kg": [t.capacity_kg for t in kinds],
        "capacity_m3": [t.capacity_m3 for t in kinds],
        "fixed_cost": np.round([t.fixed_cost for t in kinds] * noise[:, 0], 2),
        "cost_per_km": np.round([t.cost_per_km for t in kinds] * noise[:, 1], 2),
        "cost_per_hour": np.round([t.cost_per_hour for t in kinds] * noise[:, 2], 2),
        "shift_start": np.where(late, "07:00", [t.shift[0] for t in kinds]),
        "shift_end": np.where(late, "17:00", [t.shift[1] for t in kinds]),
    })

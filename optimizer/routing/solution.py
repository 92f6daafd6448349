"""Route plans: what each vehicle does on a day, what is left unserved and why, and its cost.

Times are minutes after midnight of the plan's day (int or float). A :class:`Route` lists only
the customer visits; the depot departure is ``route.start`` and the return ``route.end``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from salesflow.optimizer.routing.problem import RoutingProblem, Stop

ON_TIME_TOLERANCE = 1e-6
"""Minutes of slack allowed when comparing a service start with its window."""


@dataclass(frozen=True)
class Visit:
    """One customer visit of a route.

    Attributes
    ----------
    customer_id:
        The stop visited.
    arrival:
        Arrival at the customer.
    start_service:
        Service start: ``max(arrival, window_start)`` when the vehicle waits for the window.
    departure:
        ``start_service + service_minutes``.
    load_kg_after, load_m3_after:
        Still on board when leaving (this stop's goods unloaded).
    leg_km:
        Road km from the previous location (depot or customer).
    cumulative_km:
        Road km since leaving the depot, this leg included.
    """

    customer_id: str
    arrival: float
    start_service: float
    departure: float
    load_kg_after: float
    load_m3_after: float
    leg_km: float
    cumulative_km: float


@dataclass(frozen=True)
class Route:
    """The trip of one vehicle: leaves ``depot_id`` at ``start``, visits, is back at ``end``.

    ``km`` includes the return leg; ``minutes`` is ``end - start``.
    """

    vehicle_id: str
    depot_id: str
    start: float
    end: float
    visits: tuple[Visit, ...]
    km: float
    minutes: float

    @property
    def return_km(self) -> float:
        """Road km of the leg back to the depot."""
        return self.km - (self.visits[-1].cumulative_km if self.visits else 0.0)


@dataclass(frozen=True)
class Unserved:
    """A stop no route visits, with the reason."""

    customer_id: str
    reason: str


@dataclass(frozen=True)
class RoutePlan:
    """The routes of one day.

    Attributes
    ----------
    day:
        The delivery day.
    routes:
        One per vehicle used (a vehicle listed here pays its fixed cost).
    unserved:
        Stops not visited, each with its reason.
    policy:
        What produced the plan (``"nearest_neighbour"``, ...).
    unplaced:
        The stops of the day left out of the problem because their customer has no
        coordinates (each is also in ``unserved``): kept so that the exports can name them.
    """

    day: dt.date
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    policy: str
    unplaced: tuple[Stop, ...] = ()

    @property
    def served_count(self) -> int:
        """Number of customer visits."""
        return sum(len(r.visits) for r in self.routes)

    def cost_breakdown(self, problem: RoutingProblem) -> dict[str, float]:
        """Cost of the plan with the vehicles' rates of ``problem``.

        Returns
        -------
        dict
            ``fixed`` (fixed cost of every vehicle with a route), ``distance`` (cost_per_km ×
            route km), ``time`` (cost_per_hour × hours from depot departure to return) and
            ``total``.

        Raises
        ------
        KeyError
            If a route's vehicle is not in the problem.
        """
        fixed = distance = time = 0.0
        for route in self.routes:
            vehicle = problem.vehicle(route.vehicle_id)
            fixed += vehicle.fixed_cost
            distance += vehicle.cost_per_km * route.km
            time += vehicle.cost_per_hour * (route.end - route.start) / 60.0
        return {"fixed": fixed, "distance": distance, "time": time,
                "total": fixed + distance + time}

    def served_orders(self, problem: RoutingProblem) -> int:
        """Customer orders delivered (the stops' ``orders`` of every visit).

        Raises
        ------
        KeyError
            If a visit's customer has no stop in the problem.
        """
        orders = {s.customer_id: s.orders for s in problem.stops}
        return sum(orders[v.customer_id] for r in self.routes for v in r.visits)

    def on_time_counts(self, problem: RoutingProblem) -> tuple[int, int]:
        """Orders delivered inside their window, and all orders of the day's stops.

        Orders of unserved stops count as not on time. Summing both numbers over days gives
        the week's rate.

        Raises
        ------
        KeyError
            If a visit's customer has no stop in the problem.
        """
        by_id = {s.customer_id: s for s in problem.stops}
        on_time = 0
        for route in self.routes:
            for visit in route.visits:
                stop = by_id[visit.customer_id]
                if (stop.window_start - ON_TIME_TOLERANCE <= visit.start_service
                        <= stop.window_end + ON_TIME_TOLERANCE):
                    on_time += stop.orders
        return on_time, sum(s.orders for s in problem.stops)

    def on_time_rate(self, problem: RoutingProblem) -> float:
        """Orders delivered inside their window ÷ orders to deliver (1.0 when there are none).

        Raises
        ------
        KeyError
            If a visit's customer has no stop in the problem.
        """
        on_time, total = self.on_time_counts(problem)
        return on_time / total if total else 1.0


# --- export frame ----------------------------------------------------------------------------

ROUTES_COLUMNS = ("day", "vehicle_id", "sequence", "stop_type", "customer_id", "name", "lat",
                  "lon", "window_start", "window_end", "arrival", "departure", "orders",
                  "unload_kg", "unload_m3", "load_kg", "load_m3", "leg_km", "cumulative_km",
                  "note")


def clock(minutes: float | None) -> str:
    """``HH:MM`` of minutes after midnight, rounded to the nearest minute (``""`` for None).

    Hours go past 23 for times after midnight of the next day (``24:30``).
    """
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return ""
    whole = math.floor(float(minutes) + 0.5)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def routes_frame(plans: list[tuple[RoutingProblem, RoutePlan]]) -> pd.DataFrame:
    """``routes.csv``: one row per depot departure, customer visit, depot return and unserved
    stop (the rows of :func:`salesflow.optimizer.routing.exports.route_export`).

    Columns: ``day`` (YYYY-MM-DD), ``vehicle_id``, ``sequence`` (0 at the depot departure),
    ``stop_type`` (``depot_start``, ``customer``, ``depot_end``, ``unserved``),
    ``customer_id``, ``name`` (the customer's, or the depot's on depot rows), ``lat`` and
    ``lon`` (degrees; blank for a customer without coordinates), ``window_start`` and
    ``window_end`` (the customer's delivery window, HH:MM), ``arrival`` and ``departure``
    (HH:MM), ``orders``, ``unload_kg`` and ``unload_m3`` (what is delivered at the stop, or
    due at an unserved one), ``load_kg`` and ``load_m3`` (on board when leaving the stop),
    ``leg_km``, ``cumulative_km`` and ``note`` (the depot on depot rows, a wait for the window,
    the reason on unserved rows). Unserved rows have an empty ``vehicle_id``, no sequence and
    no loads or km. km and loads are rounded to 0.001. The customers table has no address
    columns, so the location is given by ``lat``/``lon`` only.

    Parameters
    ----------
    plans:
        ``(problem, plan)`` pairs, in the order the rows should appear.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    KeyError
        If a plan visits a customer that is not a stop of its problem.
    """
    from salesflow.optimizer.routing.exports import route_export

    export = route_export(plans)
    rows: list[dict[str, object]] = []
    for day in export.days:
        for route in (r for r in export.routes if r.day == day):
            for stop in route.stops:
                customer = stop.kind == "customer"
                rows.append({
                    "day": day, "vehicle_id": route.vehicle_id, "sequence": stop.sequence,
                    "stop_type": stop.kind, "customer_id": stop.location_id if customer else "",
                    "name": stop.name, "lat": stop.lat, "lon": stop.lon,
                    "window_start": stop.window_start, "window_end": stop.window_end,
                    "arrival": stop.arrival, "departure": stop.departure,
                    "orders": stop.orders if customer else None,
                    "unload_kg": _r3(stop.unload_kg) if customer else math.nan,
                    "unload_m3": _r3(stop.unload_m3) if customer else math.nan,
                    "load_kg": _r3(stop.load_kg), "load_m3": _r3(stop.load_m3),
                    "leg_km": _r3(stop.leg_km), "cumulative_km": _r3(stop.cumulative_km),
                    "note": (f"depot {route.depot_id}" if not customer
                             else f"waits until {stop.service_start}" if stop.waits else ""),
                })
        for item in (u for u in export.unserved if u.day == day):
            rows.append({
                "day": day, "vehicle_id": "", "sequence": None, "stop_type": "unserved",
                "customer_id": item.customer_id, "name": item.name, "lat": item.lat,
                "lon": item.lon, "window_start": item.window_start,
                "window_end": item.window_end, "arrival": "", "departure": "",
                "orders": item.orders, "unload_kg": _r3(item.weight_kg),
                "unload_m3": _r3(item.volume_m3), "load_kg": math.nan, "load_m3": math.nan,
                "leg_km": math.nan, "cumulative_km": math.nan, "note": item.reason,
            })
    frame = pd.DataFrame(rows, columns=list(ROUTES_COLUMNS))
    for col in ("sequence", "orders"):
        frame[col] = frame[col].astype("Int64")
    for col in ("lat", "lon", "unload_kg", "unload_m3", "load_kg", "load_m3", "leg_km",
                "cumulative_km"):
        frame[col] = frame[col].astype("float64")
    return frame


def _r3(value: float) -> float:
    return round(float(value), 3)

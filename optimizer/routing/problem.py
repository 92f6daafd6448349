"""The routing problem of one delivery day (its builders from a dataset are in
:mod:`~salesflow.optimizer.routing.builder`).

A :class:`RoutingProblem` is frozen and trusted: stops, depots and vehicles as typed records
plus the road-km and driving-minute matrices between every pair of locations.

Matrix indexing
---------------
Rows and columns of ``km`` and ``minutes`` list the depots first, in the order of
``problem.depots``, then the stops, in the order of ``problem.stops``::

    index 0 .. D-1       depots[0] .. depots[D-1]     -> problem.depot_index(depot_id)
    index D .. D+S-1     stops[0] .. stops[S-1]        -> problem.stop_index(i)

All times are minutes after midnight of ``problem.day``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray



@dataclass(frozen=True)
class Stop:
    """One customer to deliver to on the day (all its orders of the day together).

    Attributes
    ----------
    customer_id, name:
        The customer.
    lat, lon:
        Location in degrees.
    weight_kg, volume_m3:
        Total demand of the stop.
    window_start, window_end:
        Service must start within ``[window_start, window_end]`` (minutes after midnight);
        a vehicle arriving early waits.
    service_minutes:
        Time spent at the customer.
    orders:
        Number of customer orders delivered at this stop.
    """

    customer_id: str
    name: str
    lat: float
    lon: float
    weight_kg: float
    volume_m3: float
    window_start: int
    window_end: int
    service_minutes: float
    orders: int


@dataclass(frozen=True)
class Depot:
    """A warehouse vehicles leave from and return to, open ``[open, close]``."""

    depot_id: str
    name: str
    lat: float
    lon: float
    open: int
    close: int


@dataclass(frozen=True)
class Vehicle:
    """A vehicle based at ``depot_id``, available ``[shift_start, shift_end]``.

    ``fixed_cost`` is paid per day the vehicle is used, ``cost_per_km`` per road km and
    ``cost_per_hour`` per hour from leaving the depot to returning to it.
    """

    vehicle_id: str
    depot_id: str
    capacity_kg: float
    capacity_m3: float
    fixed_cost: float
    cost_per_km: float
    cost_per_hour: float
    shift_start: int
    shift_end: int


def _frozen_matrix(values: NDArray[np.float64]) -> NDArray[np.float64]:
    matrix = np.array(values, dtype=np.float64, copy=True)
    matrix.setflags(write=False)
    return matrix


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """The vehicle routing problem with time windows of one delivery day.

    See the module docstring for the indexing of ``km`` and ``minutes`` (depots first, then
    stops). The matrices are copied and made read-only. Compared by identity.

    Attributes
    ----------
    day:
        The delivery day.
    depots, vehicles, stops:
        The locations and fleet.
    km, minutes:
        Road km and driving minutes, ``(D + S, D + S)``.
    max_route_minutes:
        Longest route from depot departure to return; 0 means only the vehicle's shift limits it.

    Raises
    ------
    ValueError
        If the matrices do not match the locations, ids repeat, a vehicle's depot is unknown
        or a limit is negative.
    """

    day: dt.date
    depots: tuple[Depot, ...]
    vehicles: tuple[Vehicle, ...]
    stops: tuple[Stop, ...]
    km: NDArray[np.float64] = field(repr=False)
    minutes: NDArray[np.float64] = field(repr=False)
    max_route_minutes: int = 0

    def __post_init__(self) -> None:
        for name in ("depots", "vehicles", "stops"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        size = len(self.depots) + len(self.stops)
        for name in ("km", "minutes"):
            matrix = _frozen_matrix(getattr(self, name))
            if matrix.shape != (size, size):
                raise ValueError(f"{name} must be ({size}, {size}) for {len(self.depots)} depots "
                                 f"and {len(self.stops)} stops; got {matrix.shape}")
            if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
                raise ValueError(f"{name} must hold finite values >= 0")
            object.__setattr__(self, name, matrix)
        for what, ids in (("depot_id", [d.depot_id for d in self.depots]),
                          ("vehicle_id", [v.vehicle_id for v in self.vehicles]),
                          ("customer_id", [s.customer_id for s in self.stops])):
            if len(set(ids)) != len(ids):
                raise ValueError(f"every {what} must appear once; got {sorted(ids)}")
        known = {d.depot_id for d in self.depots}
        for vehicle in self.vehicles:
            if vehicle.depot_id not in known:
                raise ValueError(f"vehicle {vehicle.vehicle_id} has unknown depot "
                                 f"{vehicle.depot_id!r}; known: {sorted(known)}")
        if self.max_route_minutes < 0:
            raise ValueError(f"max_route_minutes must be >= 0; got {self.max_route_minutes}")

    def depot_index(self, depot_id: str) -> int:
        """Matrix index of a depot (depots come first, in ``depots`` order).

        Raises
        ------
        KeyError
            If the depot is unknown.
        """
        for i, depot in enumerate(self.depots):
            if depot.depot_id == depot_id:
                return i
        raise KeyError(depot_id)

    def stop_index(self, i: int) -> int:
        """Matrix index of ``stops[i]``: ``len(depots) + i``.

        Raises
        ------
        IndexError
            If ``i`` is not a stop position.
        """
        if not 0 <= i < len(self.stops):
            raise IndexError(f"stop position must be in [0, {len(self.stops)}); got {i}")
        return len(self.depots) + i

    def depot(self, depot_id: str) -> Depot:
        """The depot with this id.

        Raises
        ------
        KeyError
            If the depot is unknown.
        """
        return self.depots[self.depot_index(depot_id)]

    def vehicle(self, vehicle_id: str) -> Vehicle:
        """The vehicle with this id.

        Raises
        ------
        KeyError
            If the vehicle is unknown.
        """
        for vehicle in self.vehicles:
            if vehicle.vehicle_id == vehicle_id:
                return vehicle
        raise KeyError(vehicle_id)

    def stop_position(self, customer_id: str) -> int:
        """Position in ``stops`` of the stop of ``customer_id``.

        Raises
        ------
        KeyError
            If the customer has no stop on this day.
        """
        for i, stop in enumerate(self.stops):
            if stop.customer_id == customer_id:
                return i
        raise KeyError(customer_id)

    def available(self, vehicle: Vehicle) -> tuple[int, int]:
        """Earliest departure and latest return of ``vehicle``.

        Departure is ``max(shift_start, depot open)``; return is ``min(shift_end, depot
        close)``, also at most ``max_route_minutes`` after that departure when it is > 0.
        """
        depot = self.depot(vehicle.depot_id)
        start = max(vehicle.shift_start, depot.open)
        end = min(vehicle.shift_end, depot.close)
        if self.max_route_minutes > 0:
            end = min(end, start + self.max_route_minutes)
        return start, end

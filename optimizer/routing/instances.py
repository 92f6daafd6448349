"""Public benchmark instances (Solomon VRPTW, VRPLIB CVRP) as models, and their solutions.

Conventions (those of the published best-known solutions, DIMACS 2021 and CVRPLIB; the BKS
are only comparable under them):

* **Solomon**: minimise total distance; every distance and travel time is the Euclidean
  distance truncated to one decimal; at most the file's number of vehicles. In integers:
  ``d_ij = floor(10 * sqrt(dx^2 + dy^2))``, times, windows and service times times 10.
* **VRPLIB CVRP** (the X set): TSPLIB EUC_2D, every edge rounded to the nearest integer
  (CEIL_2D rounds up, EXPLICIT uses the matrix as given); the fleet is unlimited.

>>> import numpy as np
>>> solomon_distances(np.array([[0.0, 0.0], [1.0, 1.0]]))
array([[ 0, 14],
       [14,  0]])
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from salesflow.data.instances.vrp_formats import SOLOMON, VrpInstance
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.portfolio import ProgressCallback, solve_model
from salesflow.optimizer.routing.vrp_model import ModelVehicle, VrpModel

if TYPE_CHECKING:
    from numpy.typing import NDArray

SOLOMON_SCALE = 10
"""Integer units per distance unit for Solomon instances (one decimal)."""

_EPS = 1e-9


def _euclid(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    diff = coords[:, None, :] - coords[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))


def solomon_distances(coords: NDArray[np.float64]) -> NDArray[np.int64]:
    """``floor(10 * euclid)``: tenths of a distance unit, truncated (DIMACS convention)."""
    return np.floor(SOLOMON_SCALE * _euclid(coords) + _EPS).astype(np.int64)


def vrplib_distances(instance: VrpInstance) -> NDArray[np.int64]:
    """Integer edge weights of a VRPLIB instance: EUC_2D rounded, CEIL_2D rounded up,
    EXPLICIT as given (rounded to integers).

    Raises
    ------
    ValueError
        If the instance has neither coordinates nor an explicit matrix.
    """
    if instance.edge_weight_type == "EXPLICIT":
        if instance.explicit_weights is None:
            raise ValueError(f"{instance.name} has no EDGE_WEIGHT_SECTION")
        return np.rint(instance.explicit_weights).astype(np.int64)
    if instance.coords is None:
        raise ValueError(f"{instance.name} has no coordinates")
    dist = _euclid(instance.coords)
    if instance.edge_weight_type == "CEIL_2D":
        return np.ceil(dist - _EPS).astype(np.int64)
    return np.floor(dist + 0.5).astype(np.int64)


def instance_distances(instance: VrpInstance) -> tuple[NDArray[np.int64], int]:
    """Integer distance matrix of ``instance`` and its scale (units per reported unit)."""
    if instance.kind == SOLOMON:
        assert instance.coords is not None
        return solomon_distances(instance.coords), SOLOMON_SCALE
    return vrplib_distances(instance), 1


def fleet_size(instance: VrpInstance) -> int:
    """Vehicles offered to the search: the file's count, or for an unlimited fleet the
    bin-packing bound plus a margin (``max(3, 15 %)``) that a good solution never fills."""
    if instance.vehicles is not None:
        return int(instance.vehicles)
    demand = float(instance.demands.sum())
    bound = max(1, math.ceil(demand / instance.capacity - _EPS))
    return min(instance.num_customers, bound + max(3, math.ceil(0.15 * bound)))


def instance_model(instance: VrpInstance) -> VrpModel:
    """The :class:`VrpModel` of ``instance`` under its convention (module docstring).

    Raises
    ------
    ValueError
        If a customer's demand exceeds the capacity (no solution exists).
    """
    dist, scale = instance_distances(instance)
    n = len(instance.demands)
    demands = np.rint(instance.demands).astype(np.int64)
    if demands.max() > instance.capacity:
        worst = int(np.argmax(demands))
        raise ValueError(f"customer {worst} of {instance.name} demands {demands[worst]}, more "
                         f"than the vehicle capacity {instance.capacity:g}")
    capacity = math.floor(instance.capacity + _EPS)
    if instance.kind == SOLOMON:
        assert instance.ready is not None and instance.due is not None
        assert instance.service is not None
        service = np.rint(instance.service * scale).astype(np.int64)
        transit = dist + service[:, None]
        np.fill_diagonal(transit, 0)
        opens = np.rint(instance.ready * scale).astype(np.int64)
        closes = np.rint(instance.due * scale).astype(np.int64)
        horizon = int(closes[0])
    else:
        transit = np.zeros_like(dist)
        opens = np.zeros(n, dtype=np.int64)
        closes = np.zeros(n, dtype=np.int64)
        horizon = 1
    vehicles = tuple(ModelVehicle(start_node=0, end_node=0, earliest_start=int(opens[0]),
                                  latest_end=horizon, capacities=(capacity,))
                     for _ in range(fleet_size(instance)))
    return VrpModel(arc_costs=dist[None, :, :], transit=transit, window_open=opens,
                    window_close=np.maximum(closes, opens), demands=demands[:, None],
                    vehicles=vehicles, drop_penalty=None, horizon=max(horizon, 1))


@dataclass(frozen=True)
class InstanceSolution:
    """A solution of a benchmark instance.

    Attributes
    ----------
    routes:
        Customer numbers (as in the instance) of every non-empty route.
    cost:
        Total distance under the instance's convention (e.g. 1637.7), ``None`` if nothing
        was found.
    complete:
        Every customer is served.
    runtime:
        Seconds.
    strategy:
        The portfolio member that found it.
    """

    routes: tuple[tuple[int, ...], ...]
    cost: float | None
    complete: bool
    runtime: float
    strategy: str

    @property
    def vehicles(self) -> int:
        """Routes used."""
        return len(self.routes)


def route_distance(dist: NDArray[np.int64], routes: tuple[tuple[int, ...], ...]) -> int:
    """Sum of integer arc lengths of ``routes`` (each from and back to node 0)."""
    total = 0
    for route in routes:
        path = [0, *route, 0]
        total += int(sum(dist[a, b] for a, b in itertools.pairwise(path)))
    return total


def solve_instance(instance: VrpInstance, limits: SolveLimits,
                   progress: ProgressCallback | None = None) -> InstanceSolution:
    """Solve a benchmark instance with the OR-Tools portfolio.

    Parameters
    ----------
    instance:
        A Solomon or VRPLIB CVRP instance.
    limits:
        Time limit, seed, workers.
    progress:
        Fraction of the time limit used, on improvements.

    Returns
    -------
    InstanceSolution
        ``complete`` is False when some customer could not be routed within the fleet.

    Raises
    ------
    ValueError
        If a customer's demand exceeds the vehicle capacity.
    """
    started = time.time()
    model = instance_model(instance)
    dist, scale = instance_distances(instance)
    solution = solve_model(model, limits, progress, started=started)
    routes = tuple(r for r in solution.routes if r)
    cost = route_distance(dist, routes) / scale if solution.found else None
    return InstanceSolution(routes=routes, cost=cost,
                            complete=solution.found and not solution.dropped,
                            runtime=solution.runtime, strategy=solution.strategy)

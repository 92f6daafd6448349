"""The integer vehicle routing model that the OR-Tools search solves.

Both the day's delivery problem (:mod:`~salesflow.optimizer.routing.solver`) and the public
benchmark instances (:mod:`~salesflow.optimizer.routing.instances`) are turned into a
:class:`VrpModel`: every quantity is an integer in the caller's units, exactly as OR-Tools
routing sees it, so that the conversion (rounding, truncation, scaling) happens once and in
one place per caller.

Nodes
-----
Nodes ``0 .. N-1``. A node that is the start or the end of some vehicle is a *depot node*;
every other node is a *visit* that must be served once, or dropped at its ``drop_penalty``
when that is not ``None``.

Times
-----
``transit[i, j]`` is the time from the start of the service at ``i`` to the arrival at
``j``: the service time at ``i`` plus the travel time. A vehicle arriving early waits; the
service must start within ``[window_open[i], window_close[i]]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

MAX_INT = 2**62
"""Bound on any value of the model, so that sums along routes stay inside int64."""


def _frozen_int(values: object, name: str, ndim: int) -> NDArray[np.int64]:
    array = np.array(values, dtype=np.int64, copy=True)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() > MAX_INT):
        raise ValueError(f"{name} must hold integers in [0, 2**62]")
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class ModelVehicle:
    """One vehicle of a :class:`VrpModel`.

    Attributes
    ----------
    start_node, end_node:
        Where it leaves from and returns to.
    earliest_start, latest_end:
        It leaves no earlier than ``earliest_start`` and is back by ``latest_end``.
    capacities:
        One capacity per demand dimension of the model.
    fixed_cost:
        Paid when the vehicle serves at least one visit.
    cost_class:
        Index into :attr:`VrpModel.arc_costs` of its per-arc cost matrix.
    cost_per_time:
        Cost per time unit from departure to return (0: time is free).
    max_duration:
        Longest route from departure to return (``None``: only the window limits it).
    """

    start_node: int
    end_node: int
    earliest_start: int
    latest_end: int
    capacities: tuple[int, ...]
    fixed_cost: int = 0
    cost_class: int = 0
    cost_per_time: int = 0
    max_duration: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "capacities", tuple(int(c) for c in self.capacities))
        if self.latest_end < self.earliest_start:
            raise ValueError(f"a vehicle must end ({self.latest_end}) no earlier than it "
                             f"starts ({self.earliest_start})")
        if min((self.fixed_cost, self.cost_per_time, *self.capacities), default=0) < 0:
            raise ValueError("capacities and costs of a vehicle must be >= 0")
        if self.max_duration is not None and self.max_duration < 0:
            raise ValueError(f"max_duration must be >= 0; got {self.max_duration}")


@dataclass(frozen=True, eq=False)
class VrpModel:
    """A capacitated VRP with time windows in integers (see the module docstring).

    Attributes
    ----------
    arc_costs:
        ``(C, N, N)``: the cost of each arc for each cost class.
    transit:
        ``(N, N)`` service at the origin plus travel time.
    window_open, window_close:
        ``(N,)`` service start window of every node (a depot node's is ignored; use the
        vehicle's ``earliest_start`` and ``latest_end``).
    demands:
        ``(N, K)`` demand of every node in each of ``K`` dimensions (0 at depot nodes).
    vehicles:
        The fleet.
    drop_penalty:
        ``(N,)`` cost of leaving a visit unserved, or ``None`` when every visit is mandatory.
    horizon:
        Upper bound on every time (slack and cumul bound of the time dimension).

    Raises
    ------
    ValueError
        If shapes disagree, a value is negative, a vehicle names an unknown node or a
        vehicle's capacity count does not match ``K``.
    """

    arc_costs: NDArray[np.int64] = field(repr=False)
    transit: NDArray[np.int64] = field(repr=False)
    window_open: NDArray[np.int64] = field(repr=False)
    window_close: NDArray[np.int64] = field(repr=False)
    demands: NDArray[np.int64] = field(repr=False)
    vehicles: tuple[ModelVehicle, ...]
    drop_penalty: NDArray[np.int64] | None = field(default=None, repr=False)
    horizon: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "arc_costs", _frozen_int(self.arc_costs, "arc_costs", 3))
        for name, ndim in (("transit", 2), ("window_open", 1), ("window_close", 1),
                           ("demands", 2)):
            object.__setattr__(self, name, _frozen_int(getattr(self, name), name, ndim))
        if self.drop_penalty is not None:
            object.__setattr__(self, "drop_penalty",
                               _frozen_int(self.drop_penalty, "drop_penalty", 1))
        object.__setattr__(self, "vehicles", tuple(self.vehicles))
        n = self.num_nodes
        if self.arc_costs.shape[1:] != (n, n) or self.transit.shape != (n, n):
            raise ValueError(f"arc_costs must be (C, {n}, {n}) and transit ({n}, {n}); got "
                             f"{self.arc_costs.shape} and {self.transit.shape}")
        for name in ("window_open", "window_close", "demands"):
            if getattr(self, name).shape[0] != n:
                raise ValueError(f"{name} must have {n} rows")
        if self.drop_penalty is not None and self.drop_penalty.shape != (n,):
            raise ValueError(f"drop_penalty must have shape ({n},)")
        if np.any(self.window_close < self.window_open):
            raise ValueError("every window must close no earlier than it opens")
        if not self.vehicles:
            raise ValueError("a model needs at least one vehicle")
        dims = self.demands.shape[1]
        for vehicle in self.vehicles:
            if not (0 <= vehicle.start_node < n and 0 <= vehicle.end_node < n):
                raise ValueError(f"vehicle nodes must be in [0, {n}); got "
                                 f"{vehicle.start_node}, {vehicle.end_node}")
            if len(vehicle.capacities) != dims:
                raise ValueError(f"every vehicle needs {dims} capacities")
            if not 0 <= vehicle.cost_class < self.arc_costs.shape[0]:
                raise ValueError(f"cost_class must be in [0, {self.arc_costs.shape[0]})")
        if self.horizon <= 0:
            latest = max(v.latest_end for v in self.vehicles)
            object.__setattr__(self, "horizon", int(max(latest, int(self.window_close.max()))))

    @property
    def num_nodes(self) -> int:
        """``N``."""
        return int(self.transit.shape[0])

    @property
    def is_timed(self) -> bool:
        """Whether times matter (any transit, window, duration limit or time cost)."""
        return bool(self.transit.any() or self.window_open.any()
                    or any(v.max_duration is not None or v.cost_per_time
                           for v in self.vehicles))

    @property
    def depot_nodes(self) -> frozenset[int]:
        """Nodes where some vehicle starts or ends."""
        return frozenset(n for v in self.vehicles for n in (v.start_node, v.end_node))

    @property
    def visits(self) -> tuple[int, ...]:
        """The nodes to serve, ascending."""
        depots = self.depot_nodes
        return tuple(i for i in range(self.num_nodes) if i not in depots)


@dataclass(frozen=True)
class ModelSolution:
    """What a search found for a :class:`VrpModel`.

    Attributes
    ----------
    routes:
        One visit sequence per vehicle of the model (empty when unused), model node numbers.
    objective:
        The model's objective of these routes (arc costs, fixed and time costs, penalties),
        ``None`` when nothing was found.
    dropped:
        Visits left out, ascending.
    status:
        ``"feasible"`` (a solution, the time or work limit ended the search),
        ``"infeasible"`` (no solution found).
    runtime:
        Seconds of wall-clock time, start to end.
    strategy:
        Name of the portfolio member whose solution this is.
    starts:
        Departure time of each vehicle that the search chose (model units), same length as
        ``routes``.
    """

    routes: tuple[tuple[int, ...], ...]
    objective: int | None
    dropped: tuple[int, ...]
    status: str
    runtime: float
    strategy: str = ""
    starts: tuple[int, ...] = ()

    @property
    def found(self) -> bool:
        """Whether any solution was found."""
        return self.objective is not None

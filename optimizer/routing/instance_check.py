"""An independent checker of benchmark solutions (Solomon VRPTW, VRPLIB CVRP).

It recomputes every arc from the instance's coordinates with :func:`math.hypot`, one arc at
a time, never from the solver's matrices, and applies the convention of the instance:

* Solomon: arc length and travel time = Euclidean distance truncated to one decimal;
  service starts at ``max(arrival, ready)`` and must not be after ``due``; every route is
  back at the depot by the depot's due date; at most the file's number of vehicles;
* VRPLIB: EUC_2D rounded to the nearest integer (CEIL_2D rounded up, EXPLICIT from the
  matrix), no time limits, any number of vehicles unless the file gives ``VEHICLES``.

Both: every customer exactly once, route loads within the capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from salesflow.data.instances.vrp_formats import SOLOMON

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from numpy.typing import NDArray

    from salesflow.data.instances.vrp_formats import VrpInstance

_TOL = 1e-6


@dataclass(frozen=True)
class InstanceCheck:
    """The verdict on a solution: ``problems`` (empty when feasible) and the recomputed
    ``cost`` and number of ``vehicles``."""

    problems: tuple[str, ...]
    cost: float
    vehicles: int

    @property
    def feasible(self) -> bool:
        """No rule broken."""
        return not self.problems


class _Windows(NamedTuple):
    ready: NDArray[np.float64]
    due: NDArray[np.float64]
    service: NDArray[np.float64]


def _windows(instance: VrpInstance) -> _Windows | None:
    """The time windows of a Solomon instance (which always has them); ``None`` for VRPLIB."""
    if instance.kind != SOLOMON:
        return None
    assert instance.ready is not None and instance.due is not None
    assert instance.service is not None
    return _Windows(instance.ready, instance.due, instance.service)


def _arc(instance: VrpInstance, a: int, b: int) -> float:
    if instance.edge_weight_type == "EXPLICIT":
        assert instance.explicit_weights is not None
        return float(round(instance.explicit_weights[a, b]))
    assert instance.coords is not None
    (xa, ya), (xb, yb) = instance.coords[a], instance.coords[b]
    dist = math.hypot(float(xa) - float(xb), float(ya) - float(yb))
    if instance.kind == SOLOMON:
        return math.floor(dist * 10 + 1e-9) / 10
    if instance.edge_weight_type == "CEIL_2D":
        return float(math.ceil(dist - 1e-9))
    return float(math.floor(dist + 0.5))


def check_instance_solution(instance: VrpInstance,
                            routes: Sequence[Sequence[int]]) -> InstanceCheck:
    """Every rule ``routes`` break for ``instance`` (module docstring), and their cost.

    Parameters
    ----------
    instance:
        The instance.
    routes:
        Customer numbers (1..n, as in the instance) of each route; empty routes are ignored.

    Returns
    -------
    InstanceCheck
    """
    n = instance.num_customers
    problems: list[str] = []
    seen: dict[int, int] = {}
    used = [list(r) for r in routes if len(r)]
    for k, route in enumerate(used, start=1):
        for customer in route:
            if not 1 <= customer <= n:
                problems.append(f"route {k} visits {customer}, not a customer (1..{n})")
            elif customer in seen:
                problems.append(f"customer {customer} is visited by routes {seen[customer]} "
                                f"and {k}")
            else:
                seen[customer] = k
    missing = [c for c in range(1, n + 1) if c not in seen]
    if missing:
        shown = ", ".join(map(str, missing[:10]))
        problems.append(f"{len(missing)} customer(s) not visited: {shown}"
                        f"{' ...' if len(missing) > 10 else ''}")
    if instance.vehicles is not None and len(used) > instance.vehicles:
        problems.append(f"{len(used)} routes, more than the {instance.vehicles} vehicles")
    if problems:
        return InstanceCheck(tuple(problems), math.nan, len(used))

    total = 0.0
    windows = _windows(instance)
    for k, route in enumerate(used, start=1):
        load = sum(float(instance.demands[c]) for c in route)
        if load > instance.capacity + _TOL:
            problems.append(f"route {k} carries {load:g}, more than the capacity "
                            f"{instance.capacity:g}")
        prev, now = 0, 0.0
        if windows is not None:
            now = float(windows.ready[0])
        for customer in route:
            arc = _arc(instance, prev, customer)
            total += arc
            if windows is not None:
                arrival = now + arc
                begin = max(arrival, float(windows.ready[customer]))
                if begin > float(windows.due[customer]) + _TOL:
                    problems.append(f"route {k} reaches customer {customer} at {arrival:.1f}, "
                                    f"after its due time {float(windows.due[customer]):g}")
                now = begin + float(windows.service[customer])
            prev = customer
        arc = _arc(instance, prev, 0)
        total += arc
        if windows is not None and now + arc > float(windows.due[0]) + _TOL:
            problems.append(f"route {k} is back at the depot at {now + arc:.1f}, after its "
                            f"closing {float(windows.due[0]):g}")
    scale = 10 if instance.kind == SOLOMON else 1
    return InstanceCheck(tuple(problems), round(total * scale) / scale, len(used))

"""The routing problem of one delivery day, and its builders from a dataset.

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
import pandas as pd

from salesflow.data.dataset.schema import WEEKDAYS
from salesflow.optimizer.routing.distances import DistanceModel

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesflow.data.dataset import Dataset
    from salesflow.optimizer.routing.distances import DistanceSource


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


# --- builders from a dataset ------------------------------------------------------------------


def delivery_weekday_numbers(names: tuple[str, ...]) -> tuple[int, ...]:
    """Weekday numbers (Monday = 0) of weekday names ``Mon`` .. ``Sun``, sorted.

    Raises
    ------
    ValueError
        If a name is not a weekday or none is given.
    """
    unknown = [n for n in names if n not in WEEKDAYS]
    if unknown or not names:
        raise ValueError(f"delivery weekdays must be a non-empty list of {', '.join(WEEKDAYS)}; "
                         f"got {list(names)}")
    return tuple(sorted({WEEKDAYS.index(n) for n in names}))


def next_delivery_offsets(weekdays: tuple[int, ...]) -> NDArray[np.int64]:
    """Days from an order's weekday to the first delivery weekday strictly after it.

    Returns
    -------
    numpy.ndarray
        ``offsets[w]`` for the order weekday ``w`` (Monday = 0), each in ``1 .. 7``.
    """
    allowed = set(weekdays)
    return np.array([next(k for k in range(1, 8) if (w + k) % 7 in allowed) for w in range(7)],
                    dtype=np.int64)


def _customer_stops(dataset: Dataset, demand: pd.DataFrame) -> tuple[Stop, ...]:
    """Stops (sorted by customer_id) from one day's ``customer_id, weight_kg, volume_m3,
    orders`` rows."""
    customers = dataset["customers"].set_index("customer_id")
    stops = []
    for row in demand.sort_values("customer_id").itertuples(index=False):
        cust = customers.loc[row.customer_id]
        stops.append(Stop(
            customer_id=str(row.customer_id), name=str(cust["name"]),
            lat=float(cust["lat"]), lon=float(cust["lon"]),
            weight_kg=float(row.weight_kg), volume_m3=float(row.volume_m3),
            window_start=int(cust["window_start"]), window_end=int(cust["window_end"]),
            service_minutes=float(cust["service_minutes"]), orders=int(row.orders),
        ))
    return tuple(stops)


def _grouped(frame: pd.DataFrame, order_col: str) -> pd.DataFrame:
    """``day, customer_id, weight_kg, volume_m3, orders`` per (day, customer)."""
    if frame.empty:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"),
                             "customer_id": pd.Series(dtype=object),
                             "weight_kg": pd.Series(dtype=float),
                             "volume_m3": pd.Series(dtype=float),
                             "orders": pd.Series(dtype=int)})
    return (frame.groupby(["day", "customer_id"], sort=True)
            .agg(weight_kg=("weight_kg", "sum"), volume_m3=("volume_m3", "sum"),
                 orders=(order_col, "nunique"))
            .reset_index())


def _sales_deliveries(dataset: Dataset, weekdays: tuple[int, ...]) -> pd.DataFrame:
    """Historical sales orders as deliveries on the first delivery weekday after ordering."""
    sales = dataset.sales
    skus = dataset.skus.set_index("sku")
    dates = pd.to_datetime(sales["order_date"])
    offsets = next_delivery_offsets(weekdays)[dates.dt.day_of_week.to_numpy()]
    quantity = sales["quantity"].to_numpy(dtype=float)
    unit_kg = skus["unit_weight_kg"].reindex(sales["sku"]).to_numpy(dtype=float)
    unit_m3 = skus["unit_volume_m3"].reindex(sales["sku"]).to_numpy(dtype=float)
    frame = pd.DataFrame({
        "day": (dates + pd.to_timedelta(offsets, unit="D")).to_numpy(),
        "customer_id": sales["customer_id"].astype(str).to_numpy(),
        "order_id": sales["order_id"].astype(str).to_numpy(),
        "weight_kg": quantity * unit_kg,
        "volume_m3": quantity * unit_m3,
    })
    return _grouped(frame, "order_id")


def delivery_stops(dataset: Dataset, week_start: dt.date) -> dict[dt.date, tuple[Stop, ...]]:
    """The stops of every delivery day of the week starting on Monday ``week_start``.

    The delivery days are the config's ``routing.delivery_weekdays`` of that week; each gets an
    entry, empty when nothing is to be delivered. Where the stops come from:

    * if the ``deliveries`` table has rows dated in the week, those rows, summed per customer
      and day (``orders`` counts the rows); a day with rows that is not a delivery weekday
      gets an entry too, so that no listed delivery is dropped;
    * otherwise a seasonal-naive forecast: the deliveries of the same weekday one week
      earlier, where each historical sales order is delivered on the first delivery weekday
      strictly after its ``order_date``, weighing Σ quantity × the SKU's ``unit_weight_kg``
      (and ``unit_volume_m3``); ``orders`` counts distinct ``order_id``.

    Parameters
    ----------
    dataset:
        A loaded dataset.
    week_start:
        Monday of the week.

    Returns
    -------
    dict
        Delivery day -> stops sorted by ``customer_id`` (one per customer), days ascending.

    Raises
    ------
    ValueError
        If ``week_start`` is not a Monday.
    """
    if isinstance(week_start, dt.datetime):
        week_start = week_start.date()
    if week_start.weekday() != 0:
        raise ValueError(f"week_start must be a Monday; got {week_start} "
                         f"({WEEKDAYS[week_start.weekday()]})")
    weekdays = delivery_weekday_numbers(dataset.config.routing.delivery_weekdays)
    days = [week_start + dt.timedelta(days=w) for w in weekdays]
    first, after = pd.Timestamp(week_start), pd.Timestamp(week_start + dt.timedelta(days=7))

    deliveries = dataset["deliveries"]
    in_week = deliveries[(deliveries["delivery_date"] >= first)
                         & (deliveries["delivery_date"] < after)]
    if len(in_week):
        frame = pd.DataFrame({
            "day": pd.to_datetime(in_week["delivery_date"]).to_numpy(),
            "customer_id": in_week["customer_id"].astype(str).to_numpy(),
            "order_id": in_week["order_id"].astype(str).to_numpy(),
            "weight_kg": in_week["weight_kg"].to_numpy(dtype=float),
            "volume_m3": in_week["volume_m3"].to_numpy(dtype=float),
        })
        grouped = _grouped(frame, "order_id")
        lag = dt.timedelta(0)
    else:
        grouped = _sales_deliveries(dataset, weekdays)
        lag = dt.timedelta(days=7)

    result: dict[dt.date, tuple[Stop, ...]] = {}
    found = {pd.Timestamp(d).date() for d in grouped["day"]} if lag == dt.timedelta(0) else set()
    for day in sorted(set(days) | found):
        source = pd.Timestamp(day - lag)
        result[day] = _customer_stops(dataset, grouped[grouped["day"] == source])
    return result


def build_day_problem(dataset: Dataset, day: dt.date, stops: tuple[Stop, ...],
                      distance_model: DistanceSource | None = None) -> RoutingProblem:
    """The routing problem of ``day``: every depot and vehicle of the dataset, these stops.

    Depots and vehicles are sorted by id; stops keep their order (as from
    :func:`delivery_stops`, sorted by ``customer_id``).

    Parameters
    ----------
    dataset:
        A loaded dataset.
    day:
        The delivery day.
    stops:
        The customers to visit.
    distance_model:
        Distances and times (any :class:`~salesflow.optimizer.routing.distances.
        DistanceSource`: the haversine model, a user matrix, an OSRM table); default the
        haversine model of the config's ``[routing]`` section.

    Returns
    -------
    RoutingProblem

    Raises
    ------
    ValueError
        If a customer appears in two stops.
    KeyError
        If ``distance_model`` is a table without some depot or customer of the day.
    """
    routing = dataset.config.routing
    model = distance_model or DistanceModel.from_config(routing)
    depots = tuple(
        Depot(depot_id=str(r.depot_id), name=str(r.name), lat=float(r.lat), lon=float(r.lon),
              open=int(r.open), close=int(r.close))
        for r in dataset["depots"].sort_values("depot_id").itertuples(index=False)
    )
    vehicles = tuple(
        Vehicle(vehicle_id=str(r.vehicle_id), depot_id=str(r.depot_id),
                capacity_kg=float(r.capacity_kg), capacity_m3=float(r.capacity_m3),
                fixed_cost=float(r.fixed_cost), cost_per_km=float(r.cost_per_km),
                cost_per_hour=float(r.cost_per_hour), shift_start=int(r.shift_start),
                shift_end=int(r.shift_end))
        for r in dataset["vehicles"].sort_values("vehicle_id").itertuples(index=False)
    )
    stops = tuple(stops)
    lats = np.array([d.lat for d in depots] + [s.lat for s in stops], dtype=np.float64)
    lons = np.array([d.lon for d in depots] + [s.lon for s in stops], dtype=np.float64)
    ids = [d.depot_id for d in depots] + [s.customer_id for s in stops]
    km, minutes = model.location_matrices(ids, lats, lons)
    return RoutingProblem(day=day, depots=depots, vehicles=vehicles, stops=stops, km=km,
                          minutes=minutes, max_route_minutes=int(routing.max_route_minutes))

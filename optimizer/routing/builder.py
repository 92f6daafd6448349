"""Dataset -> :class:`~salesflow.optimizer.routing.problem.RoutingProblem`: the delivery
stops of each day of a week (from the deliveries table, else from sales lines delivered on the
next delivery weekday) and a day's problem with its depots, fleet and distance matrices."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.dataset.schema import WEEKDAYS
from salesflow.optimizer.routing.distances import DistanceModel
from salesflow.optimizer.routing.problem import Depot, RoutingProblem, Stop, Vehicle

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesflow.data.dataset import Dataset
    from salesflow.optimizer.routing.distances import DistanceSource


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


def _sales_deliveries(dataset: Dataset, weekdays: tuple[int, ...], first: pd.Timestamp,
                      after: pd.Timestamp) -> pd.DataFrame:
    """Historical sales orders as deliveries on the first delivery weekday after ordering,
    for the delivery days from ``first`` to before ``after``. An order is delivered at most
    seven days after it was placed, so only the sales of the seven days before ``first`` up to
    ``after`` are read (not the whole history: 27 million lines on a large catalogue)."""
    sales = dataset.sales
    dates = pd.to_datetime(sales["order_date"])
    near = ((dates >= first - pd.Timedelta(days=7)) & (dates < after)).to_numpy()
    sales, dates = sales[near], dates[near]
    skus = dataset.skus.set_index("sku")
    offsets = next_delivery_offsets(weekdays)[dates.dt.day_of_week.to_numpy()]
    quantity = sales["quantity"].to_numpy(dtype=float)
    unit_kg = skus["unit_weight_kg"].reindex(sales["sku"]).to_numpy(dtype=float)
    unit_m3 = skus["unit_volume_m3"].reindex(sales["sku"]).to_numpy(dtype=float)
    days = (dates + pd.to_timedelta(offsets, unit="D")).to_numpy()
    inside = (days >= first.to_datetime64()) & (days < after.to_datetime64())
    frame = pd.DataFrame({
        "day": days[inside],
        "customer_id": sales["customer_id"].astype(str).to_numpy()[inside],
        "order_id": sales["order_id"].astype(str).to_numpy()[inside],
        "weight_kg": (quantity * unit_kg)[inside],
        "volume_m3": (quantity * unit_m3)[inside],
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
        lag = dt.timedelta(days=7)
        grouped = _sales_deliveries(dataset, weekdays, first - lag, after - lag)

    result: dict[dt.date, tuple[Stop, ...]] = {}
    found = {pd.Timestamp(d).date() for d in grouped["day"]} if lag == dt.timedelta(0) else set()
    for day in sorted(set(days) | found):
        source = pd.Timestamp(day - lag)
        result[day] = _customer_stops(dataset, grouped[grouped["day"] == source])
    return result


def split_unplaced(stops: tuple[Stop, ...]) -> tuple[tuple[Stop, ...], tuple[Stop, ...]]:
    """``(placed, unplaced)``: the stops with coordinates and those without (``lat``/``lon``
    blank in the customers table), each in the given order."""
    placed = tuple(s for s in stops if np.isfinite(s.lat) and np.isfinite(s.lon))
    return placed, tuple(s for s in stops if not (np.isfinite(s.lat) and np.isfinite(s.lon)))


def unplaced_customers(dataset: Dataset) -> list[str]:
    """Customer ids of the customers table whose ``lat``/``lon`` are blank, in table order."""
    customers = dataset["customers"]
    blank = customers["lat"].isna() | customers["lon"].isna()
    return [str(c) for c in customers.loc[blank, "customer_id"]]


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


def dataset_locations(dataset: Dataset) -> tuple[list[str], list[float], list[float]]:
    """Ids, latitudes and longitudes of every depot (by id) then every customer (by id): the
    locations a distance matrix file or an OSRM table must cover."""
    depots = dataset["depots"].sort_values("depot_id")
    customers = dataset["customers"].sort_values("customer_id")
    ids = [str(i) for i in depots["depot_id"]] + [str(i) for i in customers["customer_id"]]
    lats = [float(x) for x in depots["lat"]] + [float(x) for x in customers["lat"]]
    lons = [float(x) for x in depots["lon"]] + [float(x) for x in customers["lon"]]
    return ids, lats, lons

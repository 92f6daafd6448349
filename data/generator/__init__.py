"""Seeded generator of realistic planning datasets (DESIGN §3).

:func:`generate_dataset` builds every table of a planning dataset (all but the optional
``deliveries``) for a wholesaler of technical and facility supplies around one city, from one
seed: the same size, seed and history end always give the same tables and, through
:func:`write_dataset`, the same CSV bytes.

How the sales history comes about
---------------------------------
Orders come first: per day a Poisson number of orders whose mean is a base rate times the
company's growth trend, its yearly seasonality (a December peak, a summer dip), the weekday
profile (Monday busiest, Saturday small, Sunday and public holidays closed) and the opening
factor (half days on 24 and 31 December). Each order goes to a customer drawn with skewed
weights, gets a time between 07:00 and 18:00 with a morning peak, and ``1 + Poisson`` lines.
Each line picks a SKU from that day's distribution: Zipf-like popularity (its exponent calibrated
so that about 20 % of the SKUs make about 80 % of the revenue) × the SKU's own trend × its
category's seasonality × promotion uplift, zero before a new SKU's launch. Quantities follow a
per-SKU negative binomial (cheap items in larger quantities, some SKUs lumpy); duplicate SKUs of
an order are merged. The other tables (stock, open orders, price breaks, fleet, staff) are sized
from that history, so that they fit it the way a real company's would.

This module draws the parts in order from one seed; each part lives in its own module:
``sizes``, ``words`` (name lists, item catalogue), ``labels`` (ids, names, times as text),
``calendar`` (days, holidays, order rate), ``catalog`` (SKUs, popularity), ``suppliers``,
``places`` (customers, depots), ``sales`` (promotions, orders, lines), ``stock`` (inventory,
open orders, price breaks), ``fleet``, ``staff`` and ``writer``.

>>> ds = generate_dataset("tiny", seed=1)             # doctest: +SKIP
>>> write_dataset(ds, Path("my-data"), fmt="csv")     # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from salesflow.data.dataset.config import default_config_toml
from salesflow.data.dataset.schema import TABLES
from salesflow.data.generator.calendar import (
    DEFAULT_HISTORY_END,
    HISTORY_WEEKS,
    build_calendar,
    order_rate,
)
from salesflow.data.generator.catalog import build_catalog, calibrate_demand, skus_table
from salesflow.data.generator.fleet import size_fleet, vehicles_table
from salesflow.data.generator.places import (
    CITY_CENTRE,
    customer_weights,
    customers_table,
    depots_table,
)
from salesflow.data.generator.sales import (
    build_lines,
    build_orders,
    build_promotions,
    sales_table,
)
from salesflow.data.generator.sizes import SIZES, SizeSpec
from salesflow.data.generator.staff import employees_table, process_steps_table, shifts_table
from salesflow.data.generator.stock import (
    inventory_table,
    open_orders_table,
    price_breaks_table,
    weekly_units,
)
from salesflow.data.generator.suppliers import (
    assign_suppliers,
    supplier_categories,
    suppliers_table,
)
from salesflow.data.generator.writer import FORMATS, write_dataset

GENERATED_TABLES = tuple(name for name in TABLES if name != "deliveries")
"""Tables :func:`generate_dataset` builds, in schema order."""


@dataclass(frozen=True)
class GeneratedDataset:
    """A generated planning dataset, ready to write.

    Attributes
    ----------
    tables:
        One frame per table of :data:`GENERATED_TABLES`, columns in schema order. Floats are
        rounded to the decimals they are written with, whole quantities are integers, DATE
        columns are ``datetime64[ns]``, TIME and list columns are text (blank = ``""``).
    config_toml:
        Text of the dataset's ``config.toml``.
    size, seed, history_end:
        The arguments it was generated from.
    """

    tables: dict[str, pd.DataFrame]
    config_toml: str
    size: str
    seed: int
    history_end: dt.date


def _check_arguments(size: str, seed: int, history_end: dt.date) -> SizeSpec:
    """The size's spec, after checking every argument of :func:`generate_dataset`."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}; got {size!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    if not isinstance(history_end, dt.date) or isinstance(history_end, dt.datetime):
        raise ValueError(f"history_end must be a datetime.date; got {history_end!r}")
    if history_end.weekday() != 6:
        raise ValueError(f"history_end must be a Sunday (the history is whole Monday-Sunday "
                         f"weeks); got {history_end.isoformat()}, a "
                         f"{history_end.strftime('%A')}")
    return SIZES[size]


_STREAMS = ("catalog", "suppliers", "customers", "calendar", "promotions", "orders", "lines",
            "stock", "fleet", "staff")


def _streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per part of the dataset, all from ``seed``."""
    children = np.random.SeedSequence(int(seed)).spawn(len(_STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(_STREAMS, children,
                                                                        strict=True)}


def generate_dataset(size: str = "small", seed: int = 0, *,
                     history_end: dt.date = DEFAULT_HISTORY_END) -> GeneratedDataset:
    """Generate a realistic planning dataset.

    Parameters
    ----------
    size:
        One of :data:`SIZES` (``tiny``, ``small``, ``medium``, ``large``, ``xlarge``).
    seed:
        Non-negative integer; the same size, seed and history end give the same tables.
    history_end:
        The Sunday closing the 104 weeks of sales history.

    Returns
    -------
    GeneratedDataset
        Every table but ``deliveries``, and a default ``config.toml``.

    Raises
    ------
    ValueError
        If the size is unknown, the seed negative or not an integer, or ``history_end`` is
        not a Sunday.
    """
    spec = _check_arguments(size, seed, history_end)
    rng = _streams(seed)
    cal = build_calendar(history_end)
    catalog = build_catalog(spec, cal, rng["catalog"])
    primary = supplier_categories(spec.n_suppliers, len(catalog.categories), rng["suppliers"])
    suppliers = suppliers_table(spec, catalog.categories, primary, rng["suppliers"])
    catalog = replace(catalog, supplier=assign_suppliers(catalog.category, primary,
                                                         rng["suppliers"]))
    weights = customer_weights(spec.n_customers, rng["customers"])
    customers = customers_table(spec, weights, rng["customers"])
    promos = build_promotions(catalog, rng["promotions"])
    orders = build_orders(order_rate(cal, spec, rng["calendar"]), cal, weights, rng["orders"])
    catalog, exponent = calibrate_demand(catalog, cal)
    lines = build_lines(orders, spec, catalog, exponent, promos, cal, rng["lines"])
    weekly = weekly_units(lines, orders, cal, catalog.n)
    depots = depots_table(spec, catalog, weekly, rng["fleet"])
    tables = {
        "sales": sales_table(orders, lines, catalog, customers["customer_id"].to_numpy(object),
                             cal),
        "skus": skus_table(catalog, suppliers["supplier_id"].to_numpy(object)),
        "suppliers": suppliers,
        "price_breaks": price_breaks_table(catalog, weekly, rng["stock"]),
        "inventory": inventory_table(catalog, weekly, rng["stock"]),
        "open_orders": open_orders_table(catalog, weekly, history_end, rng["stock"]),
        "customers": customers,
        "depots": depots,
        "vehicles": vehicles_table(size_fleet(spec, lines, orders, catalog, cal),
                                   depots["depot_id"].to_numpy(object), rng["fleet"]),
        "employees": employees_table(spec, history_end, rng["staff"]),
        "shifts": shifts_table(),
        "process_steps": process_steps_table(),
        # planners write overrides; a generated dataset has the table's header only
        "forecast_overrides": pd.DataFrame(
            {c: pd.Series(dtype=str) for c in TABLES["forecast_overrides"].column_names}),
    }
    tables = {name: tables[name][list(TABLES[name].column_names)] for name in GENERATED_TABLES}
    return GeneratedDataset(tables, default_config_toml(), spec.name, int(seed), history_end)


__all__ = [
    "CITY_CENTRE", "DEFAULT_HISTORY_END", "FORMATS", "GENERATED_TABLES", "HISTORY_WEEKS", "SIZES",
    "GeneratedDataset", "SizeSpec", "generate_dataset", "write_dataset",
]

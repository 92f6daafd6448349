"""Staffing requirements: persons needed per date, hour and skill (DESIGN §5, Staffing).

The workload of a day is its expected orders times the manual's minutes per order-handling step
(NOTES.md, 2.1), spread over the hours of the day by the intraday order profile and divided by
productivity (the share of paid time spent on order handling)::

    required(day, hour, skill) = orders(day) * profile(hour)
                                 * sum(minutes of the skill's steps) / 60 / productivity

Further workloads (inbound receiving, service desks) come in as ``extra`` rows and are added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HOURS = tuple(range(24))
MIN_TIMED_SHARE = 0.5
"""Least share of distinct orders with an ``order_time`` for the profile to follow it."""

REQUIREMENT_COLUMNS = ("date", "hour", "skill", "required")


def _uniform_profile(order_hours: tuple[int, int]) -> pd.Series:
    first, end = int(order_hours[0]), int(order_hours[1])
    if not 0 <= first < end <= 24:
        raise ValueError(f"order_hours must be [first, end) with 0 <= first < end <= 24; "
                         f"got {tuple(order_hours)!r}")
    values = np.zeros(24)
    values[first:end] = 1.0 / (end - first)
    return pd.Series(values, index=pd.Index(HOURS, name="hour"), name="share")


def intraday_profile(sales: pd.DataFrame, order_hours: tuple[int, int]) -> pd.Series:
    """Share of orders received in each hour of the day.

    Each distinct ``order_id`` counts once, at the first ``order_time`` found on its lines
    (minutes after midnight; ``24:00`` counts in hour 23). When fewer than half of the distinct
    orders have a time (or the column is absent), the profile is uniform over the opening hours
    ``[order_hours[0], order_hours[1])``.

    Parameters
    ----------
    sales:
        Order lines with ``order_id`` and optionally ``order_time`` (may be missing).
    order_hours:
        ``(first hour, end hour)`` of the fallback, e.g. ``(8, 18)`` for 08:00-18:00.

    Returns
    -------
    pandas.Series
        Index ``hour`` 0..23, values summing to 1.

    Raises
    ------
    ValueError
        If the fallback is needed and ``order_hours`` is not ``0 <= first < end <= 24``.
    """
    if "order_time" not in sales.columns or sales.empty:
        return _uniform_profile(order_hours)
    times = pd.to_numeric(sales["order_time"], errors="coerce")
    per_order = times.groupby(sales["order_id"], sort=False).first()
    timed = per_order.dropna()
    if len(per_order) == 0 or len(timed) < MIN_TIMED_SHARE * len(per_order):
        return _uniform_profile(order_hours)
    hours = (timed.to_numpy(dtype=float) // 60).astype(int).clip(0, 23)
    counts = np.bincount(hours, minlength=24).astype(float)
    return pd.Series(counts / counts.sum(), index=pd.Index(HOURS, name="hour"), name="share")


def empty_requirements() -> pd.DataFrame:
    """A requirements frame with no rows and the right dtypes."""
    return pd.DataFrame({
        "date": pd.Series(dtype="datetime64[ns]"),
        "hour": pd.Series(dtype="int64"),
        "skill": pd.Series(dtype="str"),
        "required": pd.Series(dtype="float64"),
    })


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum duplicates, drop zero rows, fix dtypes and sort by date, hour, skill."""
    if frame.empty:
        return empty_requirements()
    out = frame.loc[:, list(REQUIREMENT_COLUMNS)].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.normalize().astype("datetime64[ns]")
    out["hour"] = out["hour"].astype("int64")
    out["skill"] = out["skill"].astype("str")
    out["required"] = out["required"].astype("float64")
    out = out.groupby(["date", "hour", "skill"], as_index=False, sort=True)["required"].sum()
    out = out[out["required"] > 0]
    if out.empty:
        return empty_requirements()
    return out.reset_index(drop=True)


def workload_requirements(
    orders_per_day: pd.Series,
    profile: pd.Series,
    process_steps: pd.DataFrame,
    productivity: float,
    extra: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Persons needed per date, hour and skill to handle the expected orders.

    Parameters
    ----------
    orders_per_day:
        Index dates, values expected orders that day.
    profile:
        Share of a day's orders per hour (index 0..23), e.g. from :func:`intraday_profile`.
    process_steps:
        Columns ``step, minutes_per_order, skill``; minutes of one skill's steps are summed.
    productivity:
        Share of paid time spent on order handling, in (0, 1].
    extra:
        Optional rows ``date, hour, skill, required`` added on top (receiving, service desk).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64), ``hour`` (int), ``skill`` (str), ``required`` (float
        persons), one row per (date, hour, skill) with a positive requirement, sorted.

    Raises
    ------
    ValueError
        If productivity is not in (0, 1], or orders, profile or minutes are negative.
    """
    if not 0 < productivity <= 1:
        raise ValueError(f"productivity must be in (0, 1]; got {productivity!r}")
    orders = orders_per_day.astype(float)
    if (orders < 0).any():
        raise ValueError("orders_per_day must not be negative")
    shares = profile.reindex(HOURS, fill_value=0.0).astype(float)
    if (shares < 0).any():
        raise ValueError("profile shares must not be negative")
    minutes = process_steps.groupby("skill", sort=True)["minutes_per_order"].sum().astype(float)
    if (minutes < 0).any():
        raise ValueError("minutes_per_order must not be negative")

    dates = pd.to_datetime(pd.Index(orders.index)).normalize()
    per_hour = np.multiply.outer(orders.to_numpy(), shares.to_numpy())  # (days, 24)
    persons = np.multiply.outer(per_hour, minutes.to_numpy() / 60.0 / productivity)
    n_days, n_skills = len(dates), len(minutes)
    frame = pd.DataFrame({
        "date": np.repeat(dates.to_numpy(), 24 * n_skills),
        "hour": np.tile(np.repeat(np.arange(24), n_skills), n_days),
        "skill": np.tile(minutes.index.to_numpy(dtype=object), 24 * n_days),
        "required": persons.reshape(-1),
    })
    if extra is not None and not extra.empty:
        more = extra.loc[:, list(REQUIREMENT_COLUMNS)]
        frame = pd.concat([frame, more], ignore_index=True) if not frame.empty else more
    return _tidy(frame)

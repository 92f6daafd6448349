"""The days of the sales history, their holidays and opening, and the daily order rate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from salesflow.data.generator.sizes import SizeSpec


HISTORY_WEEKS = 104
"""Whole weeks of sales history, Monday to Sunday."""

DEFAULT_HISTORY_END = dt.date(2026, 11, 22)
"""The Sunday that closes the default history (which then starts on Monday 2024-11-25)."""


_WEEKDAY_PROFILE = np.array([1.25, 1.10, 1.05, 1.00, 0.85, 0.20, 0.0])


@dataclass(frozen=True)
class Calendar:
    """The days of the history and what each contributes to demand."""

    dates: np.ndarray  # datetime64[D]
    weekday: np.ndarray  # Monday = 0
    day_of_year: np.ndarray  # 0-based
    week: np.ndarray  # 0-based week of the history
    years: np.ndarray  # years since the first day
    open_factor: np.ndarray  # 0 closed, 0.4 half day, 1 open

    @property
    def n_days(self) -> int:
        return len(self.dates)


def _easter(year: int) -> dt.date:
    """Easter Sunday of ``year`` (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    x = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * x) // 451
    month = (h + x - 7 * m + 114) // 31
    day = (h + x - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _public_holidays(years: range) -> list[dt.date]:
    """Public holidays of Hamburg in ``years``."""
    days = []
    for year in years:
        easter = _easter(year)
        days += [dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 10, 3),
                 dt.date(year, 10, 31), dt.date(year, 12, 25), dt.date(year, 12, 26)]
        days += [easter + dt.timedelta(days=n) for n in (-2, 1, 39, 50)]
    return days


def build_calendar(history_end: dt.date) -> Calendar:
    """The 104 weeks ending on ``history_end``."""
    start = history_end - dt.timedelta(days=7 * HISTORY_WEEKS - 1)
    dates = np.datetime64(start, "D") + np.arange(7 * HISTORY_WEEKS)
    offsets = np.arange(len(dates))
    year_start = dates.astype("datetime64[Y]").astype("datetime64[D]")
    day_of_year = (dates - year_start).astype(np.int64)
    years = range(start.year, history_end.year + 1)
    holidays = np.array(_public_holidays(years), dtype="datetime64[D]")
    weekday = (offsets + start.weekday()) % 7
    open_factor = np.where(np.isin(dates, holidays), 0.0, 1.0)
    month_day = dates - dates.astype("datetime64[M]").astype("datetime64[D]")
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    half_day = (month == 12) & np.isin(month_day.astype(np.int64), (23, 30))
    open_factor = np.where(half_day, 0.4 * open_factor, open_factor)
    open_factor = np.where(weekday == 6, 0.0, open_factor)
    return Calendar(dates, weekday, day_of_year, offsets // 7, offsets / 365.25, open_factor)


def _bump(day_of_year: np.ndarray, centre: float, width: float) -> np.ndarray:
    """Gaussian bump on the circular year, 1 at ``centre``."""
    distance = np.abs(day_of_year - centre)
    distance = np.minimum(distance, 365.25 - distance)
    return np.exp(-0.5 * (distance / width) ** 2)


def _company_season(day_of_year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Yearly seasonality of the order count: a December peak and a summer dip, mean 1."""
    peak, dip = rng.uniform(0.15, 0.25), rng.uniform(0.15, 0.25)
    every_day = np.arange(365)

    def shape(doy: np.ndarray) -> np.ndarray:
        return 1.0 + peak * _bump(doy, 342, 14) - dip * _bump(doy, 215, 20)

    return shape(day_of_year) / shape(every_day).mean()


def order_rate(cal: Calendar, spec: SizeSpec, rng: np.random.Generator) -> np.ndarray:
    """Expected orders per day: base × trend × season × weekday × opening."""
    growth = rng.uniform(0.05, 0.10)
    profile = _WEEKDAY_PROFILE * np.r_[rng.uniform(0.97, 1.03, 6), 0.0]
    base = spec.orders_per_week / profile.sum()
    trend = (1.0 + growth) ** cal.years
    season = _company_season(cal.day_of_year, rng)
    return base * trend * season * profile[cal.weekday] * cal.open_factor

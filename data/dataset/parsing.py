"""Turn columns of text cells into typed columns, vectorised, marking every bad cell.

Each parser takes a text ``Series`` (blank = ``""``) and returns the typed values and a boolean
mask of non-blank cells that could not be parsed. Blank cells are left missing; whether that is
allowed is the validator's business.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.data.dataset.schema import WEEKDAYS, ColumnType
from salesflow.data.i18n import _

_FIRST_DATE, _LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-12-31")
_MAX_INTEGER = 2.0**53  # larger whole numbers are not exact as numbers
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Parsed:
    values: pd.Series
    bad: np.ndarray
    rule: str


def _blank(text: pd.Series) -> np.ndarray:
    return (text == "").to_numpy(dtype=bool)


def _to_float(cell: object) -> float:
    try:
        return float(cell)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan


def parse_float(text: pd.Series) -> Parsed:
    blank = _blank(text)
    cells = text.to_numpy(dtype=object).copy()
    cells[blank] = "nan"
    try:  # exact decimal conversion (pandas' own parser may round the last digit)
        arr = cells.astype(np.float64)
    except (TypeError, ValueError):
        arr = np.array([_to_float(cell) for cell in cells], dtype=np.float64)
    bad = ~blank & ~np.isfinite(arr)
    arr[bad] = np.nan
    return Parsed(pd.Series(arr, index=text.index), bad, _("must be a number"))


def parse_integer(text: pd.Series) -> Parsed:
    number = parse_float(text)
    arr = number.values.to_numpy()
    with np.errstate(invalid="ignore"):
        fractional = np.isfinite(arr) & ((np.floor(arr) != arr) | (np.abs(arr) > _MAX_INTEGER))
    bad = number.bad | fractional
    values = number.values.where(~pd.Series(bad, index=text.index)).astype("Int64")
    return Parsed(values, bad, _("must be a whole number"))


def parse_date(text: pd.Series) -> Parsed:
    blank = _blank(text)
    values = pd.to_datetime(text.where(~blank, None), format="%Y-%m-%d", errors="coerce")
    in_range = (values >= _FIRST_DATE) & (values <= _LAST_DATE)
    values = values.where(in_range).astype("datetime64[ns]")
    bad = ~blank & values.isna().to_numpy()
    return Parsed(values, bad, _("must be a date written YYYY-MM-DD, years 1900 to 2200"))


# ASCII digits only; "$" also matches before a final newline, as the vectorised extract did.
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$")


def _clock_minutes(cell: str) -> float:
    """Minutes after midnight of ``HH:MM`` (or ``HH:MM:00``), 00:00 to 24:00; NaN otherwise."""
    match = _TIME.match(cell)
    if match is None:
        return np.nan
    hours, minutes = int(match[1]), int(match[2])
    if minutes >= 60 or (match[3] is not None and int(match[3]) != 0):
        return np.nan
    if hours > 24 or (hours == 24 and minutes > 0):
        return np.nan
    return float(hours * 60 + minutes)


def parse_time(text: pd.Series) -> Parsed:
    blank = _blank(text)
    # A day has few distinct times: parse each distinct text once (one regular expression per
    # text, in Python: a vectorised extract cost more than the whole table on small tables).
    codes, uniques = pd.factorize(text.astype(str))
    total = np.array([_clock_minutes(str(u)) for u in uniques], dtype=np.float64)
    ok = np.isfinite(total)[codes] if len(codes) else np.zeros(0, dtype=bool)
    values = pd.Series(np.where(ok, total[codes] if len(codes) else 0.0, np.nan),
                       index=text.index).astype("Int64")
    bad = ~blank & ~ok
    return Parsed(values, bad, _("must be a time written HH:MM (00:00 to 24:00)"))


def parse_bool(text: pd.Series) -> Parsed:
    lower = text.astype(str).str.lower()
    is_true = lower.isin(_TRUE).to_numpy(dtype=bool)
    is_false = lower.isin(_FALSE).to_numpy(dtype=bool)
    bad = ~_blank(text) & ~is_true & ~is_false
    values = pd.Series(pd.array(np.where(is_true, True, False), dtype="boolean"), index=text.index)
    values[~(is_true | is_false)] = pd.NA
    return Parsed(values, bad, _("must be 1/0, true/false or yes/no"))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in cell.split(";") if item.strip())


def parse_string_list(text: pd.Series) -> Parsed:
    values = text.astype(str).map(_split).astype(object)
    return Parsed(values, np.zeros(len(text), dtype=bool), "")


def _date_items(cell: str) -> tuple[dt.date, ...] | None:
    try:
        days = tuple(dt.date.fromisoformat(item) for item in _split(cell))
    except ValueError:
        return None
    ok = all(_FIRST_DATE.date() <= day <= _LAST_DATE.date() for day in days)
    return days if ok else None


def parse_date_list(text: pd.Series) -> Parsed:
    values = text.astype(str).map(_date_items).astype(object)
    bad = values.isna().to_numpy(dtype=bool)
    return Parsed(values, bad, _("must be dates written YYYY-MM-DD separated by ;"))


def _weekday_items(cell: str) -> tuple[int, ...] | None:
    days = []
    for item in _split(cell):
        low = item.lower()
        match = [i for i, name in enumerate(_WEEKDAY_NAMES)
                 if len(low) >= 3 and name.startswith(low)]
        if not match:
            return None
        days.append(match[0])
    return tuple(sorted(set(days)))


def parse_weekday_list(text: pd.Series) -> Parsed:
    values = text.astype(str).map(_weekday_items).astype(object)
    bad = values.isna().to_numpy(dtype=bool)
    return Parsed(values, bad, _("must be weekdays ({weekdays}) separated by ;").format(
        weekdays=";".join(WEEKDAYS)))


def parse_string(text: pd.Series) -> Parsed:
    return Parsed(text.astype(str), np.zeros(len(text), dtype=bool), "")


PARSERS: dict[ColumnType, Callable[[pd.Series], Parsed]] = {
    ColumnType.STRING: parse_string,
    ColumnType.INTEGER: parse_integer,
    ColumnType.FLOAT: parse_float,
    ColumnType.DATE: parse_date,
    ColumnType.TIME: parse_time,
    ColumnType.BOOL: parse_bool,
    ColumnType.STRING_LIST: parse_string_list,
    ColumnType.DATE_LIST: parse_date_list,
    ColumnType.WEEKDAY_LIST: parse_weekday_list,
}


def format_minutes(minutes: int) -> str:
    """``HH:MM`` for minutes after midnight (1440 -> ``24:00``)."""
    return f"{int(minutes) // 60:02d}:{int(minutes) % 60:02d}"

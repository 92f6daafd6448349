"""Dates as exports write them, to ``datetime64`` (and the time of day, when given).

Shapes recognised per cell: ISO ``2026-11-27`` (also ``/`` or ``.``), ``YYYYMMDD``,
``2026年11月27日``, day-month-year with a four-digit year (``27/11/2026``, ``11/27/2026``,
``27.11.2026``), ROC years (``115/11/27``, ``115.11.27``, ``1151127``, ``民國115年11月27日``),
English month names (``27-Nov-2026``, ``27 November 2026``, ``Nov 27, 2026``, ``2026-Nov-27``,
and Oracle's ``27-NOV-26``, whose two-digit year is 2000-2049 below 50, else 1950-1999), Excel
serial numbers, each optionally followed by a time (``14:30``, ``2:30 PM``, and ``下午 02:30:00``
as Windows writes it in Chinese) and with a weekday beside it left out (``113/11/05(二)``).
Whether ``a/b/YYYY`` is day-first or month-first is decided for the whole column: a first
number above 12 means day-first, a second above 12 month-first. When no row settles it, the
import stops and asks for ``--date-format``, naming a row; it never guesses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.data.i18n import N_, _

ORDERS = ("YMD", "DMY", "MDY", "ROC", "SERIAL", "MON")
#: English month names and their abbreviations (``Sept`` too), lower case.
MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1)
    for name in names}
_FORMAT_ALIASES = {
    "ymd": "YMD", "iso": "YMD", "yyyy-mm-dd": "YMD", "%y-%m-%d": "YMD", "yyyy/mm/dd": "YMD",
    "dmy": "DMY", "d/m/yyyy": "DMY", "dd/mm/yyyy": "DMY", "%d/%m/%y": "DMY", "d.m.yyyy": "DMY",
    "dd.mm.yyyy": "DMY", "%d.%m.%y": "DMY", "dd-mm-yyyy": "DMY", "%d-%m-%y": "DMY",
    "mdy": "MDY", "m/d/yyyy": "MDY", "mm/dd/yyyy": "MDY", "%m/%d/%y": "MDY",
    "mm-dd-yyyy": "MDY", "%m-%d-%y": "MDY",
    "roc": "ROC", "民國": "ROC", "yyy/mm/dd": "ROC", "serial": "SERIAL", "excel": "SERIAL",
    "dd-mon-yyyy": "MON", "%d-%b-%y": "MON", "%d %b %y": "MON", "%b %d, %y": "MON",
}
SHOWN = {"YMD": "YYYY-MM-DD", "DMY": "D/M/YYYY", "MDY": "M/D/YYYY", "ROC": N_("ROC yyy/MM/dd"),
         "SERIAL": N_("Excel serial number"), "AMBIGUOUS": N_("a/b/YYYY (day or month first)"),
         "MON": "D-Mon-YYYY"}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_YEAR = r"(?P<y>\d{4}|\d{2})"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_ZONE = r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
_TIME_TAIL = rf"[ T]+\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?{_ZONE}\s*$"
_TIME = re.compile(r"^[ T]*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2}(?:\.\d+)?)?\s*"
                   rf"(?P<ap>[AaPp][Mm])?{_ZONE}\s*$")
#: A weekday written beside the date, left out: ``113/11/05(二)``, ``2024年11月5日 星期二``,
#: ``（週三）``, ``05 Nov 2024 (Tue)``, ``Tue, 05 Nov 2024``.
_WEEKDAY = (r"(?i)\s*[(（]\s*(?:週|周|星期|禮拜|礼拜)?[一二三四五六日天]\s*[)）]"
            r"|\s*(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]"
            r"|\s*\((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)"
            r"|^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
#: Morning and afternoon as Chinese and Japanese Windows write them, before the time
#: (``2024/11/5 下午 02:30:00``, Excel's CSV on a zh-TW system): as AM/PM after it.
_HALF_DAY = (("上午|午前", "AM"), ("下午|午後|晚上", "PM"))
#: Any cell that may hold one of them.
_MARKED = (r"(?i)[(（]|[上下]午|午[前後]|晚上|星期|週|周|禮拜|礼拜"
           r"|^(?:mon|tue|wed|thu|fri|sat|sun)")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^{body}\s*$")) for kind, body in (
        ("YMD", r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
        ("YMD", r"(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)"),
        ("YMD", r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"),
        ("ROC", r"民國\s*(?P<y>\d{1,3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"),
        ("ROC", r"(?P<y>\d{2,3})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
        ("ROC", r"(?P<y>1\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)"),
        ("AB", r"(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})"),
        ("MON", rf"(?P<d>\d{{1,2}})[-/.\s]\s*{_MONTH}[-/.,\s]\s*{_YEAR}"),
        ("MON", rf"{_MONTH}\s*[-/\s]\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s*[-/\s]\s*{_YEAR}"),
        ("MON", rf"(?P<y>\d{{4}})[-/.\s]\s*{_MONTH}[-/.\s]\s*(?P<d>\d{{1,2}})"),
        ("SERIAL", r"(?P<n>\d{5}(?:\.\d+)?)"),
    ))


class AmbiguousDates(ValueError):
    """Every ``a/b/YYYY`` date of a column reads both ways; ``row`` shows one of them."""

    def __init__(self, position: int, text: str) -> None:
        super().__init__(text)
        self.position = position
        self.text = text


@dataclass(frozen=True)
class Dates:
    """A parsed date column.

    Attributes
    ----------
    values:
        ``datetime64[ns]`` at midnight, NaT where blank or bad.
    minutes:
        Minutes after midnight where a time was given, else -1.
    bad:
        Non-blank cells that are not a date of the column's format.
    order:
        The format used (one of ``ORDERS``).
    seen:
        Count of cells per shape seen (for messages).
    """

    values: np.ndarray
    minutes: np.ndarray
    bad: np.ndarray
    order: str
    seen: dict[str, int]

    @property
    def has_time(self) -> bool:
        return bool((self.minutes >= 0).any())


def normalise_format(text: str) -> str:
    """``--date-format`` as one of ``ORDERS`` (accepts ``DMY``, ``D/M/YYYY``, ``%d/%m/%Y``...).

    Raises
    ------
    ValueError
        If the format is not one salesflow reads.
    """
    key = text.strip().lower()
    if key.upper() in ORDERS:
        return key.upper()
    if key in _FORMAT_ALIASES:
        return _FORMAT_ALIASES[key]
    raise ValueError(_("unknown date format {value}; use YMD, DMY, MDY, ROC or SERIAL (or "
                       "D/M/YYYY, M/D/YYYY, %d.%m.%Y ...)").format(value=repr(text)))


def _shape(text: str) -> tuple[str, dict[str, str]] | None:
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            return kind, {k: v for k, v in match.groupdict().items() if v is not None}
    return None


def _minutes(text: str) -> int:
    """Minutes after midnight of a time text; -1 if blank, -2 if not a time of day."""
    if not text:
        return -1
    parts = _TIME.match(text)
    if parts is None:
        return -2
    hour, minute = int(parts["h"]), int(parts["mi"])
    ap = (parts["ap"] or "").lower()
    if ap == "pm" and hour < 12:
        hour += 12
    elif ap == "am" and hour == 12:
        hour = 0
    return hour * 60 + minute if hour < 24 and minute < 60 else -2


def split_time(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Date part and time part ("" if none) of each cell, vectorised (Arrow's RE2 when
    pyarrow is installed): a column of timestamps has few distinct days and times."""
    try:
        arrow = text.astype(str).str.strip().astype("string[pyarrow]")
    except (ImportError, TypeError, ValueError):
        arrow = text.astype(str).str.strip()
    if arrow.str.contains(_MARKED, regex=True).any():  # one pass when there is nothing to do
        arrow = arrow.str.replace(_WEEKDAY, "", regex=True)
        for marker, half in _HALF_DAY:
            arrow = arrow.str.replace(rf"(?:{marker})\s*(\d{{1,2}}:\d{{2}}(?::\d{{2}})?)",
                                      rf"\1 {half}", regex=True)
    times = arrow.str.extract(f"({_TIME_TAIL})", expand=False).fillna("")
    dates = arrow.str.replace(_TIME_TAIL, "", regex=True)
    return dates.astype(object), times.astype(object)


def _ymd(kind: str, parts: dict[str, str], order: str) -> pd.Timestamp | None:
    try:
        if kind == "SERIAL":
            return (_EXCEL_EPOCH + pd.Timedelta(days=int(float(parts["n"])))).normalize()
        year = int(parts["y"])
        if kind == "ROC":
            year += 1911
        if kind == "MON":
            if len(parts["y"]) == 2:  # Oracle's RR years
                year += 2000 if year < 50 else 1900
            month = MONTHS.get(parts["mon"].lower())
            if month is None:
                return None
            return pd.Timestamp(year=year, month=month, day=int(parts["d"]))
        if kind == "AB":
            a, b = int(parts["a"]), int(parts["b"])
            day, month = (a, b) if order == "DMY" else (b, a)
        else:
            day, month = int(parts["d"]), int(parts["m"])
        return pd.Timestamp(year=year, month=month, day=day)
    except (ValueError, OverflowError):
        return None


def _column_order(shapes: list[tuple[str, dict[str, str]] | None], given: str | None) -> str:
    kinds = Counter(s[0] for s in shapes if s is not None)
    if given:
        return given
    if not kinds:
        return "YMD"
    kind = kinds.most_common(1)[0][0]
    if kind != "AB":
        return kind
    day_first = any(int(s[1]["a"]) > 12 for s in shapes if s and s[0] == "AB")
    month_first = any(int(s[1]["b"]) > 12 for s in shapes if s and s[0] == "AB")
    if day_first and not month_first:
        return "DMY"
    if month_first and not day_first:
        return "MDY"
    if day_first and month_first:
        return "MIXED"
    for position, shape in enumerate(shapes):
        if shape and shape[0] == "AB" and int(shape[1]["a"]) != int(shape[1]["b"]):
            raise AmbiguousDates(position, "")
    return "DMY"  # every date has day == month: both orders read the same


def _fits(kind: str, order: str) -> bool:
    """Whether a cell of shape ``kind`` reads in a column of format ``order``: ISO dates and
    month names say which number is the day, so they read in any column of days."""
    if kind == "AB":
        return order in ("DMY", "MDY")
    return kind == order or (kind in ("YMD", "MON") and order in ("YMD", "DMY", "MDY", "ROC",
                                                                   "MON"))


def parse_dates(text: pd.Series, date_format: str | None = None) -> Dates:
    """Parse a column of text cells (blank = ``""``) as dates.

    Raises
    ------
    AmbiguousDates
        If the column is ``a/b/YYYY`` throughout and no value shows which is the day.
    """
    date_text, time_text = split_time(text)
    codes, uniques = pd.factorize(date_text, sort=False)
    distinct = [str(u).strip() for u in uniques]
    shapes = [_shape(u) if u else None for u in distinct]
    given = normalise_format(date_format) if date_format else None
    try:
        order = _column_order(shapes, given)
    except AmbiguousDates as exc:
        row = int(np.flatnonzero(codes == exc.position)[0])
        raise AmbiguousDates(row, str(text.iloc[row]).strip()) from None
    stamps: list[object] = []
    for u, shape in zip(distinct, shapes, strict=True):
        day = None
        if shape is not None and order != "MIXED" and _fits(shape[0], order):
            day = _ymd(shape[0], shape[1], order)
        stamps.append(pd.NaT if day is None or not u else day)
    time_codes, time_uniques = pd.factorize(time_text, sort=False)
    clock = np.array([_minutes(str(t)) for t in time_uniques] + [-1], dtype=np.int64)
    mins_arr = clock[time_codes]
    lookup = pd.DatetimeIndex([*stamps, pd.NaT]).as_unit("ns").to_numpy()
    values = lookup[codes]
    blank = np.array([u == "" for u in distinct] + [True], dtype=bool)[codes]
    values[mins_arr == -2] = np.datetime64("NaT")
    mins_arr[np.isnat(values)] = -1
    bad = ~blank & np.isnat(values)
    seen: Counter[str] = Counter()
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    for u, shape, count in zip(distinct, shapes, counts, strict=True):
        if not u:
            continue  # blank cells are no format
        kind = N_("other text") if shape is None else shape[0]
        if kind == "AB":
            kind = order if order in ("DMY", "MDY") else "AMBIGUOUS"
        seen[SHOWN.get(kind, kind)] += int(count)
    return Dates(values, mins_arr, bad, order, dict(seen))


def date_rule(dates: Dates) -> str:
    """The message for a bad date cell: the format expected and the formats seen."""
    seen = ", ".join(_("{format} ({count} cells)").format(format=_(name), count=n)
                     for name, n in sorted(dates.seen.items(), key=lambda kv: -kv[1]))
    if dates.order == "MIXED":
        return _("dates are written both day-first and month-first in this column; give the "
                 "order with --date-format DMY or MDY (formats seen: {seen})").format(seen=seen)
    return _("must be a date written {format} like the others (formats seen: {seen})").format(
        format=_(SHOWN[dates.order]), seen=seen)

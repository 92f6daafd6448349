"""The ``--demand`` file of ``salesflow purchase``: planned demand per SKU and week.

Columns ``sku``, ``week_start`` (a Monday, ``YYYY-MM-DD``) and ``quantity`` (units, >= 0), one
row per SKU and week; optional quantile columns ``p10``, ``p90``, ... (units) give the spread
from which safety stock is set. CSV, Parquet or XLSX. Its weeks are the planning horizon: the
first is the week being planned, the last closes the horizon; SKU-weeks not listed have no
demand. Every bad cell is reported with its file, row, column and value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from salesflow.data.dataset.parsing import parse_date, parse_float
from salesflow.data.dataset.readers import FORMATS, read_table
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

REQUIRED = ("sku", "week_start", "quantity")
QUANTILE = re.compile(r"^p\d{1,2}(\.\d+)?$")
MAX_WEEKS = 104


@dataclass(frozen=True)
class DemandInput:
    """A validated demand file.

    Attributes
    ----------
    frame:
        ``sku`` (str), ``week_start`` (datetime64), ``quantity`` (float) and the quantile
        columns, one row per SKU and week.
    week_start:
        Monday of the first week (the week being planned).
    weeks:
        Weeks from the first to the last week of the file.
    """

    file: str
    frame: pd.DataFrame
    week_start: dt.date
    weeks: int


def _problems_at(file: str, frame: pd.DataFrame, mask: np.ndarray, column: str,
                 rule: str) -> list[Problem]:
    rows = frame.index[mask]
    return [Problem(file, int(row), column, str(frame.at[row, column]), rule) for row in rows]


def read_demand(path: str | Path, skus: Collection[str]) -> DemandInput:
    """Read and check a demand file against the dataset's ``skus``.

    Raises
    ------
    InvalidInputError
        With every problem: unreadable or unknown format, missing columns, no rows, blank or
        unknown SKUs, dates that are not Mondays, negative or non-numeric quantities, a SKU
        and week given twice, or a horizon over two years.
    """
    path = Path(path)
    file = str(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("must be a {formats} file").format(
                                             formats=", ".join(FORMATS)))])
    if not path.is_file():
        raise InvalidInputError([Problem(file, None, None, None, _("no such file"))])
    raw, problems = read_table(path, "demand")
    if raw is None:
        raise InvalidInputError(problems)
    text = raw.frame
    missing = [c for c in REQUIRED if c not in text.columns]
    problems += [Problem(file, None, c, None, _(
                         "missing required column {column} (needs {needed}; found: {found})")
                         .format(column=c, needed=", ".join(REQUIRED),
                                 found=", ".join(map(str, text.columns)) or _("no columns")))
                 for c in missing]
    if problems:
        raise InvalidInputError(problems)
    if text.empty:
        raise InvalidInputError([Problem(file, None, None, None, _("has no rows"))])
    sku = text["sku"]
    blank = (sku == "").to_numpy()
    problems += _problems_at(file, text, blank, "sku", _("must not be blank"))
    known = set(skus)
    unknown = ~blank & ~sku.isin(known).to_numpy()
    problems += _problems_at(file, text, unknown, "sku", _("unknown SKU (not in the skus table)"))
    dates = parse_date(text["week_start"])
    bad_date = dates.bad | (text["week_start"] == "").to_numpy()
    problems += _problems_at(file, text, bad_date, "week_start", dates.rule)
    weekday = dates.values.dt.day_of_week.to_numpy()
    not_monday = ~bad_date & (weekday != 0)
    problems += _problems_at(file, text, not_monday, "week_start",
                             _("must be a Monday (the first day of the week)"))
    columns = {"quantity": "quantity", **{c: c for c in text.columns if QUANTILE.match(c)}}
    numbers = {}
    for column in columns:
        parsed = parse_float(text[column])
        bad = parsed.bad | (text[column] == "").to_numpy()
        problems += _problems_at(file, text, bad, column, _("must be a number"))
        negative = ~bad & (parsed.values.to_numpy() < 0)
        problems += _problems_at(file, text, negative, column, _("must be >= {low}").format(low=0))
        numbers[column] = parsed.values
    ok = ~(blank | bad_date)
    key = pd.DataFrame({"sku": sku, "week": dates.values})[ok]
    repeated = key.duplicated(keep="first")
    problems += [Problem(file, int(row), "week_start", str(text.at[row, "week_start"]),
                         _("SKU {sku} and this week are given more than once").format(
                             sku=text.at[row, "sku"]))
                 for row in key.index[repeated.to_numpy()]]
    if not problems:
        first, last = dates.values.min(), dates.values.max()
        weeks = int((last - first).days // 7) + 1
        if weeks > MAX_WEEKS:
            problems.append(Problem(file, None, "week_start", f"{first.date()}..{last.date()}",
                                    _("the weeks must span at most {weeks} weeks").format(
                                        weeks=MAX_WEEKS)))
    if problems:
        raise InvalidInputError(problems)
    frame = pd.DataFrame({"sku": sku.astype(str).to_numpy(),
                          "week_start": dates.values.to_numpy(),
                          **{c: v.to_numpy(dtype=float) for c, v in numbers.items()}})
    start = pd.Timestamp(frame["week_start"].min()).date()
    return DemandInput(file, frame, start, weeks)


def demand_from_history(sales: pd.DataFrame, first_week: dt.date, weeks: int,
                        lag_weeks: int = 52) -> pd.DataFrame:
    """A demand table (``sku, week_start, quantity``) for the ``weeks`` weeks from
    ``first_week``: each SKU's sales of the same weeks ``lag_weeks`` earlier (the seasonal
    naive plan of a buyer), shifted onto the planned weeks. Rows with no sales are left out.
    """
    start = pd.Timestamp(first_week) - pd.Timedelta(weeks=lag_weeks)
    end = start + pd.Timedelta(weeks=weeks)
    window = sales[(sales["order_date"] >= start) & (sales["order_date"] < end)]
    monday = window["order_date"] - pd.to_timedelta(window["order_date"].dt.day_of_week, unit="D")
    out = (window.assign(week_start=monday + pd.Timedelta(weeks=lag_weeks))
           .groupby(["sku", "week_start"], as_index=False)["quantity"].sum())
    out["week_start"] = out["week_start"].dt.strftime("%Y-%m-%d")
    return out.sort_values(["sku", "week_start"], ignore_index=True)

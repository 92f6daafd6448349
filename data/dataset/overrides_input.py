"""The planner's forecast overrides (table ``forecast_overrides``), checked for one plan week.

The loader checks the table's cells (types, ``quantity`` and ``factor`` not negative). The
rules that need the other tables or the week planned are checked here, when a forecast is
made: each row names a SKU of ``skus`` or a category some SKU has (one of the two), an ISO
week ``YYYY-Www`` not before the week planned, and a ``quantity`` or a ``factor`` (one of
the two); a SKU or category is overridden at most once per week. Every problem names the
file, the row as the user sees it, the column and the value.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from salesflow.data.dataset.config import iso_week, parse_iso_week
from salesflow.data.dataset.readers import read_table
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

if TYPE_CHECKING:
    from salesflow.data.dataset.loading import Dataset

TABLE = "forecast_overrides"
RULE_COLUMNS = ("row", "by", "target", "week_start", "quantity", "factor", "reason", "author")
"""Columns of :func:`planner_overrides`: ``by`` is ``sku`` or ``category``, ``target`` the SKU
or the category, ``week_start`` the Monday (a timestamp), ``row`` the user's row number."""


def empty_rules() -> pd.DataFrame:
    """A rules frame without rows, typed like :func:`planner_overrides`' answer."""
    return pd.DataFrame({
        "row": pd.Series(dtype="int64"), "by": pd.Series(dtype=object),
        "target": pd.Series(dtype=object), "week_start": pd.Series(dtype="datetime64[ns]"),
        "quantity": pd.Series(dtype="float64"), "factor": pd.Series(dtype="float64"),
        "reason": pd.Series(dtype=object), "author": pd.Series(dtype=object)})


def _row_numbers(file: str, count: int) -> list[int]:
    """The user's row numbers of the table's rows (the header is row 1); the loaded table
    keeps the file's rows in order, so they are read again from the file."""
    raw, _ = read_table(Path(file), TABLE)
    if raw is not None and len(raw.frame) == count:
        return [int(row) for row in raw.frame.index]
    return list(range(2, count + 2))


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) \
        else str(value).strip()


def planner_overrides(dataset: Dataset, week_start: dt.date) -> pd.DataFrame:
    """The dataset's forecast overrides checked for the plan week starting ``week_start``.

    Returns
    -------
    One row per override with the columns :data:`RULE_COLUMNS` (no rows when the table is
    absent or has a header only).

    Raises
    ------
    InvalidInputError
        With every broken rule: neither or both of sku and category, an unknown SKU or
        category, a week not written ``YYYY-Www`` or before the week planned, neither or both
        of quantity and factor, a SKU or category overridden twice for one week.
    """
    table = dataset[TABLE]
    if table.empty:
        return empty_rules()
    file = dataset.files[TABLE]
    skus_file = Path(dataset.files["skus"]).name
    known_skus = set(dataset.skus["sku"].astype(str))
    categories = set(dataset.skus["category"].astype(str))
    rows = _row_numbers(file, len(table))
    plan_week = iso_week(week_start)
    problems: list[Problem] = []
    out: list[dict[str, object]] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    for row, record in zip(rows, table.to_dict("records"), strict=True):
        sku, category, week = (_text(record[c]) for c in ("sku", "category", "week"))
        quantity, factor = record["quantity"], record["factor"]
        bad = len(problems)
        if sku and category:
            problems.append(Problem(file, row, "category", category,
                                    _("give sku or category, not both (sku is {sku})").format(
                                        sku=sku)))
        elif not sku and not category:
            problems.append(Problem(file, row, "sku", "",
                                    _("give the sku or the category the override is for")))
        elif sku and sku not in known_skus:
            problems.append(Problem(file, row, "sku", sku, _("unknown sku: not in {file}").format(
                file=skus_file)))
        elif category and category not in categories:
            problems.append(Problem(file, row, "category", category,
                                    _("unknown category: no SKU of {file} has it (categories: "
                                      "{categories})").format(
                                          file=skus_file,
                                          categories=", ".join(sorted(categories)))))
        start: dt.date | None = None
        try:
            start = parse_iso_week(week)
        except ValueError as exc:
            problems.append(Problem(file, row, "week", week, str(exc)))
        if start is not None and start < week_start:
            problems.append(Problem(file, row, "week", week,
                                    _("before the week planned ({week}, starting {start}): an "
                                      "override is for the week planned or a later one; remove "
                                      "past overrides").format(week=plan_week, start=week_start)))
        has_quantity, has_factor = pd.notna(quantity), pd.notna(factor)
        if has_quantity and has_factor:
            problems.append(Problem(file, row, "factor", f"{factor:g}",
                                    _("give quantity or factor, not both (quantity is "
                                      "{quantity})").format(quantity=f"{quantity:g}")))
        elif not has_quantity and not has_factor:
            problems.append(Problem(file, row, "quantity", "",
                                    _("give the quantity (units) or the factor")))
        if len(problems) > bad or start is None:
            continue
        by, target = ("sku", sku) if sku else ("category", category)
        first = seen.setdefault((by, target, start), row)
        if first != row:
            problems.append(Problem(file, row, "week", week,
                                    _("{by} {target} is overridden twice for {week}; first at "
                                      "row {row}").format(by=by, target=target, week=week,
                                                          row=first)))
            continue
        out.append({"row": row, "by": by, "target": target, "week_start": pd.Timestamp(start),
                    "quantity": float(quantity) if has_quantity else float("nan"),
                    "factor": float(factor) if has_factor else float("nan"),
                    "reason": _text(record["reason"]), "author": _text(record["author"])})
    if problems:
        raise InvalidInputError(problems, summary=_(
            "{count} problem(s) in the forecast overrides for the plan week {week}").format(
                count=len(problems), week=plan_week))
    if not out:
        return empty_rules()
    return pd.DataFrame(out, columns=list(RULE_COLUMNS)).astype(
        {"row": "int64", "week_start": "datetime64[ns]"})

"""``assumptions.csv``: the values a dataset holds by default, not from the company's data.

``salesflow import`` writes it (``table, key, column, value, why``; ``key`` is ``*`` when the
value holds for every row of the table). A plan made from the dataset stores it beside its
outputs and its report lists it, grouped, so that nobody mistakes a default for data.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

ASSUMPTIONS_FILE = "assumptions.csv"
ASSUMPTION_COLUMNS = ("table", "key", "column", "value", "why")
KEYS_SHOWN = 5
"""Keys listed per group in :func:`assumption_groups` (the rest are counted)."""


def read_assumptions(root: Path) -> pd.DataFrame | None:
    """The ``assumptions.csv`` of the dataset folder ``root`` as text columns
    :data:`ASSUMPTION_COLUMNS`, or ``None`` when the folder has none.

    Raises
    ------
    InvalidInputError
        If the file is not UTF-8 CSV or lacks a column (the columns found are listed).
    """
    path = root / ASSUMPTIONS_FILE
    if not path.is_file():
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise InvalidInputError([Problem(str(path), None, None, None,
                                         _("not UTF-8 text"))]) from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=list(ASSUMPTION_COLUMNS), dtype=str)
    except pd.errors.ParserError as exc:
        raise InvalidInputError([Problem(str(path), None, None, None,
                                         _("cannot be read as CSV: {error}").format(
                                             error=exc))]) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ASSUMPTION_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInputError([Problem(
            str(path), 1, column, None,
            _("missing column; assumptions.csv needs {needed}; found: {found}").format(
                needed=", ".join(ASSUMPTION_COLUMNS),
                found=", ".join(frame.columns) or _("no columns"))) for column in missing])
    return frame[list(ASSUMPTION_COLUMNS)].reset_index(drop=True)


def assumption_groups(assumptions: pd.DataFrame, keys_shown: int = KEYS_SHOWN) -> pd.DataFrame:
    """One row per (table, column) assumed: how many values, the values (or their range),
    the first ``keys_shown`` keys (``*`` = every row of the table) and the reasons.

    Columns ``table, column, values, value, keys, why``, in the file's order of first
    appearance.
    """
    columns = ["table", "column", "values", "value", "keys", "why"]
    if assumptions.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for (table, column), group in assumptions.groupby(["table", "column"], sort=False):
        values = list(dict.fromkeys(group["value"]))
        keys = list(dict.fromkeys(group["key"]))
        shown_keys = ", ".join(keys[:keys_shown])
        if len(keys) > keys_shown:
            shown_keys = _("{shown}, ... ({count} more)").format(
                shown=shown_keys, count=len(keys) - keys_shown)
        shown_values = ", ".join(values[:3])
        if len(values) > 3:
            shown_values = _("{shown}, ... ({count} more)").format(
                shown=shown_values, count=len(values) - 3)
        whys = list(dict.fromkeys(group["why"]))
        why = whys[0] if len(whys) == 1 else _("{why} (and {count} other reasons)").format(
            why=whys[0], count=len(whys) - 1)
        rows.append({"table": table, "column": column, "values": len(group),
                     "value": shown_values, "keys": shown_keys, "why": why})
    return pd.DataFrame(rows, columns=columns)


def assumption_counts(assumptions: pd.DataFrame) -> dict[str, object]:
    """``{"values": rows, "by_table": {table: rows}}`` for a plan's KPIs and summary."""
    by_table = assumptions.groupby("table", sort=False).size()
    return {"values": len(assumptions),
            "by_table": {str(k): int(v) for k, v in by_table.items()}}

"""Check raw tables against the schema and the dataset's rules, collecting every problem.

Three passes: each column of each table (presence, type, blanks, bounds), each table (keys and
table rules such as price breaks or time windows), then the references between tables. A check
only looks at cells that passed the earlier passes, so one bad cell is reported once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from salesflow.data.dataset.parsing import PARSERS, Parsed, format_minutes
from salesflow.data.dataset.readers import RawTable
from salesflow.data.dataset.schema import TABLES, Column, ColumnType, Table
from salesflow.data.errors import Problem
from salesflow.data.i18n import N_, _

COMMA_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})*,\d+$|^[-+]?\d+,\d+$")
"""A number written with a decimal comma (``12,5``, ``1.234,50``) or a thousands comma."""

OTHER_DATE_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (N_("D/M/YYYY or M/D/YYYY"), re.compile(r"^\d{1,2}/\d{1,2}/\d{4}(?:[ T].*)?$")),
    ("D.M.YYYY", re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}(?:[ T].*)?$")),
    (N_("D-M-YYYY or M-D-YYYY"), re.compile(r"^\d{1,2}-\d{1,2}-\d{4}(?:[ T].*)?$")),
    ("YYYY/MM/DD", re.compile(r"^\d{4}/\d{1,2}/\d{1,2}(?:[ T].*)?$")),
    (N_("ROC year (民國) yyy/MM/dd"),
     re.compile(r"^(?:民國)?\d{2,3}[/.年]\d{1,2}[/.月]\d{1,2}日?$")),
    (N_("an Excel serial number"), re.compile(r"^\d{5}(?:\.\d+)?$")),
)
"""Date styles of other tools, named in one message when a whole column uses them."""

MAX_ROWS_PER_RULE = 50
"""Rows listed for one rule of one column of one file; the rest are counted in one line."""


class ProblemCollector:
    """Collects problems, listing at most ``cap`` rows per (file, column, rule)."""

    def __init__(self, cap: int = MAX_ROWS_PER_RULE) -> None:
        self.cap = cap
        self._problems: list[Problem] = []
        self._counts: dict[tuple[str, str | None, str], int] = defaultdict(int)

    def add(self, problem: Problem) -> None:
        key = (problem.file, problem.column, problem.rule)
        self._counts[key] += 1
        if self._counts[key] <= self.cap:
            self._problems.append(problem)

    def add_rows(self, file: str, rows: Iterable[int], column: str | None,
                 values: Iterable[object], rule: str) -> None:
        for row, value in zip(rows, values, strict=True):
            self.add(Problem(file, int(row), column,
                             None if value is None else str(value), rule))

    @property
    def problems(self) -> list[Problem]:
        out = list(self._problems)
        for (file, column, rule), count in self._counts.items():
            if count > self.cap:
                out.append(Problem(file, None, column, None,
                                   _("... and {count} more rows: {rule}").format(
                                       count=count - self.cap, rule=rule)))
        return out

    def __bool__(self) -> bool:
        return bool(self._counts)


EMPTY_TABLE = {
    "sales": N_("the sales history is empty: at least one order line is needed"),
    "skus": N_("{table} has no rows: at least one SKU is needed"),
    "suppliers": N_("{table} has no rows: at least one supplier is needed"),
    "": N_("{table} has no rows: at least one {noun} is needed"),
}
"""What a required table without rows is told, by table."""


def bound_rule(col: Column) -> str:
    """``must be >= 0 and <= 90`` for the bounds of ``col``, in the reader's language."""
    low = None if col.min is None else f"{col.min:g}"
    high = None if col.max is None else f"{col.max:g}"
    if low is not None and high is not None:
        text = {(True, True): N_("must be >= {low} and <= {high}"),
                (True, False): N_("must be >= {low} and < {high}"),
                (False, True): N_("must be > {low} and <= {high}"),
                (False, False): N_("must be > {low} and < {high}")}[
                    (col.min_inclusive, col.max_inclusive)]
    elif low is not None:
        text = N_("must be >= {low}") if col.min_inclusive else N_("must be > {low}")
    else:
        text = N_("must be <= {high}") if col.max_inclusive else N_("must be < {high}")
    return _(text).format(low=low, high=high)


def _mask_rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.Index:
    return frame.index[mask]


def parse_table(raw: RawTable, spec: Table, out: ProblemCollector) -> pd.DataFrame:
    """Typed frame of ``raw``; bad cells become missing and are reported to ``out``.

    The returned frame keeps the user's row numbers as its index and has every column of the
    spec, each typed by its column type whatever the cells: an absent optional column is read
    as a column of blank cells (so it takes its default), and a table with a header only gives
    typed columns without rows.
    """
    text = raw.frame
    missing = [c.name for c in spec.columns if c.required and c.name not in text.columns]
    for name in missing:
        out.add(Problem(raw.file, None, name, None,
                        _("missing column {column} (required in {table}; found: {found})")
                        .format(column=name, table=spec.name,
                                found=", ".join(text.columns) or _("no columns"))))
    columns: dict[str, pd.Series] = {}  # one frame at the end: no block per column to merge
    blanks: dict[str, np.ndarray] = {}
    for col in spec.columns:
        if col.name in text.columns and isinstance(text[col.name].dtype, pd.CategoricalDtype):
            parsed, cells = _parse_categorical(text[col.name], col.type)
        else:
            if col.name in text.columns:
                cells = text[col.name].astype(str)
            else:
                cells = pd.Series([""] * len(text), index=text.index, dtype=str)
            parsed = PARSERS[col.type](cells)
        if parsed.bad.any():
            rows = _mask_rows(text, parsed.bad)
            if not (_comma_numbers(raw.file, rows, col.name, cells[parsed.bad], col.type, out)
                    or _other_dates(raw.file, rows, col.name, cells[parsed.bad], col.type,
                                    out)):
                out.add_rows(raw.file, rows, col.name, cells[parsed.bad], parsed.rule)
        values = parsed.values
        blank = (cells == "").to_numpy(dtype=bool)
        blanks[col.name] = blank
        if col.type in (ColumnType.STRING_LIST,):
            blank = values.map(len).eq(0).to_numpy(dtype=bool)
        if col.required and blank.any():
            out.add_rows(raw.file, _mask_rows(text, blank), col.name, [""] * int(blank.sum()),
                         _("missing value (the column is required)"))
        if col.min is not None or col.max is not None:
            numbers = values.astype("float64").to_numpy()
            with np.errstate(invalid="ignore"):
                low = np.zeros(len(numbers), dtype=bool)
                if col.min is not None:
                    low = numbers < col.min if col.min_inclusive else numbers <= col.min
                high = np.zeros(len(numbers), dtype=bool)
                if col.max is not None:
                    high = numbers > col.max if col.max_inclusive else numbers >= col.max
            outside = (low | high) & ~np.isnan(numbers)
            if outside.any():
                out.add_rows(raw.file, _mask_rows(text, outside), col.name, cells[outside],
                             bound_rule(col))
                values = values.where(~pd.Series(outside, index=text.index))
        if col.default is not None and not col.required:
            # Blank cells take the default; so do bad cells, which are reported already.
            values = values.where(values.notna(), col.default)
            if col.type is ColumnType.BOOL:
                values = values.astype(bool)
        columns[col.name] = values
    typed = pd.DataFrame(columns, index=text.index)
    _check_key(raw, spec, typed, out)
    _check_together(raw, spec, blanks, out)
    return typed


class _CategoryCells:
    """The text cells of a categorical column, looked up by a row mask only where a message
    needs them (``cells[mask]``) and compared with ``""`` per distinct text."""

    def __init__(self, column: pd.Series) -> None:
        self._codes = column.cat.codes.to_numpy()
        self._text = column.cat.categories.to_numpy(dtype=object)
        self._index = column.index

    def __getitem__(self, mask: np.ndarray) -> pd.Series:
        return pd.Series(self._text[self._codes[mask]], index=self._index[mask], dtype=object)

    def __eq__(self, other: object) -> pd.Series:  # type: ignore[override, unused-ignore]
        return pd.Series((self._text == other)[self._codes], index=self._index)

    __hash__ = None  # type: ignore[assignment]


def _parse_categorical(column: pd.Series, kind: ColumnType) -> tuple[Parsed, Any]:
    """Parse each distinct text of a categorical column once, then spread the values, the
    bad marks and the blanks over its rows."""
    codes = column.cat.codes.to_numpy()
    uniques = pd.Series(column.cat.categories.to_numpy(dtype=object), dtype=object).astype(str)
    parsed = PARSERS[kind](uniques)
    values = parsed.values.take(codes)
    values.index = column.index
    return Parsed(values, parsed.bad[codes], parsed.rule), _CategoryCells(column)


def _comma_numbers(file: str, rows: pd.Index, column: str, bad: pd.Series, kind: ColumnType,
                   out: ProblemCollector) -> bool:
    """One problem naming commas as the cause when every bad cell of a number column is a
    number written with a comma (a European export), instead of one per cell."""
    if kind not in (ColumnType.FLOAT, ColumnType.INTEGER):
        return False
    if not bad.str.match(COMMA_NUMBER).all():
        return False
    out.add(Problem(file, int(rows[0]), column, str(bad.iloc[0]),
                    _("{count} cells of {column} are numbers written with a comma (e.g. "
                      "{example}): tables take a decimal point and no thousands separator "
                      "(1234.5); convert the file, or read it with `salesflow import`, which "
                      "understands decimal commas").format(
                          count=len(bad), column=column, example=repr(bad.iloc[0]))))
    return True


def _other_dates(file: str, rows: pd.Index, column: str, bad: pd.Series, kind: ColumnType,
                 out: ProblemCollector) -> bool:
    """One problem naming the date style seen when every bad cell of a date column is a date
    in one other tool's style, instead of one per cell."""
    if kind is not ColumnType.DATE:
        return False
    for style, pattern in OTHER_DATE_STYLES:
        if bad.str.match(pattern).all():
            out.add(Problem(file, int(rows[0]), column, str(bad.iloc[0]),
                            _("{count} dates of {column} are written as {style} (e.g. "
                              "{example}); tables take YYYY-MM-DD: convert the file, or read "
                              "it with `salesflow import`, which reads that style (give "
                              "--date-format when day and month could be either)").format(
                                  count=len(bad), column=column, style=_(style),
                                  example=repr(bad.iloc[0]))))
            return True
    return False


def _check_together(raw: RawTable, spec: Table, blanks: dict[str, np.ndarray],
                    out: ProblemCollector) -> None:
    """Rows giving one column of a pair that only makes sense whole (lat and lon)."""
    for first, second in spec.together:
        for given, blank in ((first, second), (second, first)):
            if given not in raw.frame.columns:
                continue
            rows = _mask_rows(raw.frame, ~blanks[given] & blanks[blank])
            for row in rows:
                value = raw.frame.at[row, given]
                out.add(Problem(raw.file, int(row), blank, "",
                                _("{first} and {second} go together: {given} is {value}, "
                                  "{blank} is blank (give both or neither)").format(
                                      first=first, second=second, given=given, value=value,
                                      blank=blank)))


def _repeats_a_key(typed: pd.DataFrame, key: tuple[str, ...]) -> bool:
    """Whether two rows with every key cell filled share a key: the key columns factorized
    (missing cells are -1, equal values one code, as ``DataFrame.duplicated`` compares them)
    into one code per row. A quarter of the cost of the frame operations on small tables,
    where most tables have no repeated key."""
    combined = np.zeros(len(typed), dtype=np.int64)
    complete = np.ones(len(typed), dtype=bool)
    for name in key:
        codes, uniques = pd.factorize(typed[name])
        complete &= codes >= 0
        combined = pd.factorize(combined * (len(uniques) + 1) + codes)[0]
    kept = combined[complete]
    return bool(np.unique(kept).size < kept.size)


def _check_key(raw: RawTable, spec: Table, typed: pd.DataFrame, out: ProblemCollector) -> None:
    if not spec.key or any(k not in raw.frame.columns for k in spec.key):
        return
    if not _repeats_a_key(typed, spec.key):
        return
    keys = typed[list(spec.key)]
    complete = keys.notna().all(axis=1)
    keys = keys[complete]
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return
    grouped = keys[dup].reset_index().groupby(list(spec.key), sort=False)
    first_row = grouped["index"].transform("min")
    later = keys[dup].duplicated(keep="first")
    key_text = ", ".join(spec.key)
    for (row, values), first in zip(keys[dup][later].iterrows(), first_row[later.to_numpy()],
                                    strict=True):
        shown = ", ".join(str(v) for v in values.tolist())
        out.add(Problem(raw.file, int(row), key_text, shown,
                        _("duplicate key ({key}); first seen at row {row}").format(
                            key=key_text, row=int(first))))


# ---------------------------------------------------------------------------- table rules


def _rows_where(typed: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    return typed[mask.fillna(False).astype(bool)]


def _first_of_group(codes: np.ndarray) -> np.ndarray:
    """For each element, the position of the first element with the same code."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    uniques, first = np.unique(codes, return_index=True)  # stable: the first occurrence
    where = np.zeros(int(uniques[-1]) + 1, dtype=np.int64)
    where[uniques] = first
    return where[codes]


def _check_sales(file: str, sales: pd.DataFrame, out: ProblemCollector) -> None:
    """Every line of an order has the order's date and customer (those of its first line),
    on factorized codes: millions of lines take seconds."""
    orders = pd.factorize(sales["order_id"])[0]  # -1: no order id (reported already)
    for column in ("order_date", "customer_id"):
        keep = (orders >= 0) & sales[column].notna().to_numpy()
        values = sales[column][keep]
        codes = pd.factorize(values)[0]
        first_pos = _first_of_group(orders[keep])
        differ = codes != codes[first_pos]
        if differ.any():
            first = values.iloc[first_pos[differ]]
            first_row = values.index[first_pos[differ]]
            for row, value, other, other_row in zip(
                    values.index[differ], values[differ], first, first_row, strict=True):
                shown = value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else value
                other = other.strftime("%Y-%m-%d") if isinstance(other, pd.Timestamp) else other
                out.add(Problem(file, int(row), column, str(shown),
                                _("every line of an order must have the same {column}; "
                                  "row {row} of this order has {other}").format(
                                      column=column, row=int(other_row), other=other)))


def _check_price_breaks(file: str, breaks: pd.DataFrame, skus: pd.DataFrame | None,
                        out: ProblemCollector) -> None:
    frame = breaks.dropna(subset=["sku", "min_qty", "unit_price"])
    previous_row: dict[str, tuple[int, float, float]] = {}
    for row, sku, qty, price in zip(frame.index, frame["sku"], frame["min_qty"],
                                    frame["unit_price"], strict=True):
        if sku in previous_row:
            prow, pqty, pprice = previous_row[sku]
            if qty <= pqty:
                out.add(Problem(file, int(row), "min_qty", f"{qty:g}",
                                _("price breaks of SKU {sku} must increase in min_qty; "
                                  "row {row} already has min_qty {min_qty}").format(
                                      sku=sku, row=prow, min_qty=f"{pqty:g}")))
                continue
            if price > pprice:
                out.add(Problem(file, int(row), "unit_price", f"{price:g}",
                                _("price of SKU {sku} must not rise with quantity; "
                                  "row {row} (min_qty {min_qty}) has {price}").format(
                                      sku=sku, row=prow, min_qty=f"{pqty:g}",
                                      price=f"{pprice:g}")))
                continue
        previous_row[sku] = (int(row), float(qty), float(price))
    if skus is None:
        return
    cost = skus.dropna(subset=["sku", "unit_cost"]).set_index("sku")["unit_cost"]
    cost = cost[~cost.index.duplicated()]
    # typed even without rows (mapping an empty text column keeps the text dtype on pandas 3)
    base = frame["sku"].map(cost).astype("float64")
    above = (frame["unit_price"] > base).to_numpy()
    for row, sku, price, unit in zip(frame.index[above], frame["sku"][above],
                                     frame["unit_price"][above], base[above], strict=True):
        out.add(Problem(file, int(row), "unit_price", f"{price:g}",
                        _("price break of SKU {sku} above its unit_cost {unit_cost} in skus")
                        .format(sku=sku, unit_cost=f"{unit:g}")))


def _check_order(file: str, typed: pd.DataFrame, first: str, second: str, out: ProblemCollector,
                 rule: str, allow_equal: bool = False) -> None:
    """Rows where time ``second`` is not after ``first``."""
    a, b = typed[first], typed[second]
    both = a.notna() & b.notna()
    bad = both & ((b < a) if allow_equal else (b <= a))
    for row, start, end in zip(typed.index[bad], a[bad], b[bad], strict=True):
        out.add(Problem(file, int(row), second, format_minutes(end),
                        _("{rule} ({column} is {value})").format(
                            rule=_(rule), column=first, value=format_minutes(start))))


def _check_employees(file: str, employees: pd.DataFrame, out: ProblemCollector) -> None:
    lo, hi = employees["min_hours_week"], employees["max_hours_week"]
    bad = (lo.notna() & hi.notna() & (lo > hi)).to_numpy()
    for row, low, high in zip(employees.index[bad], lo[bad], hi[bad], strict=True):
        out.add(Problem(file, int(row), "min_hours_week", f"{low:g}",
                        _("min_hours_week is above max_hours_week ({value})").format(
                            value=f"{high:g}")))


def _check_shifts(file: str, shifts: pd.DataFrame, out: ProblemCollector) -> None:
    start, end = shifts["start"], shifts["end"]
    both = start.notna() & end.notna()
    same = both & (start % 1440 == end % 1440)
    for row, value in zip(shifts.index[same], end[same], strict=True):
        out.add(Problem(file, int(row), "end", format_minutes(value),
                        _("a shift must not end where it starts")))
    length = ((end - start) % 1440).where(both & ~same)
    brk = shifts["break_minutes"]
    long_break = (length.notna() & brk.notna() & (brk >= length)).to_numpy()
    for row, value, minutes in zip(shifts.index[long_break], brk[long_break],
                                   length[long_break], strict=True):
        out.add(Problem(file, int(row), "break_minutes", f"{value:g}",
                        _("break must be shorter than the shift ({minutes} minutes)").format(
                            minutes=int(minutes))))


def check_table_rules(name: str, file: str, typed: pd.DataFrame,
                      tables: dict[str, pd.DataFrame], out: ProblemCollector) -> None:
    """Rules within one table (beyond types and keys)."""
    spec = TABLES[name]
    if spec.non_empty and typed.empty:
        out.add(Problem(file, None, None, None, _(EMPTY_TABLE.get(name, EMPTY_TABLE[""])).format(
            table=name, noun=spec.row_noun)))
        return
    if name == "sales":
        _check_sales(file, typed, out)
    elif name == "price_breaks":
        _check_price_breaks(file, typed, tables.get("skus"), out)
    elif name == "customers":
        _check_order(file, typed, "window_start", "window_end", out,
                     N_("window_end must be after window_start"))
    elif name == "depots":
        _check_order(file, typed, "open", "close", out, N_("close must be after open"))
    elif name == "vehicles":
        _check_order(file, typed, "shift_start", "shift_end", out,
                     N_("shift_end must be after shift_start"))
    elif name == "employees":
        _check_employees(file, typed, out)
    elif name == "shifts":
        _check_shifts(file, typed, out)


def check_references(name: str, file: str, typed: pd.DataFrame,
                     tables: dict[str, pd.DataFrame], files: dict[str, str],
                     out: ProblemCollector) -> None:
    """Every value of a referencing column must exist in the referenced table.

    A reference into a table without rows is not checked: an optional table that is absent or
    has a header only means the company does not keep that data (validate says which stage it
    leaves out), and a required one without rows is reported by itself.
    """
    for col in TABLES[name].columns:
        if col.references is None:
            continue
        target_table, target_column = col.references
        target = tables.get(target_table)
        if target is None or target.empty:  # unread (reported already), absent or row-less
            continue
        known = pd.Index(target[target_column].dropna().unique())
        values = typed[col.name]
        unknown = (values.notna() & ~values.isin(known)).to_numpy()
        if unknown.any():
            where = files.get(target_table, target_table)
            out.add_rows(file, typed.index[unknown], col.name, values[unknown],
                         _("unknown {column}: not in {file}").format(
                             column=target_column, file=where))

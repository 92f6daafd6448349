"""Turn an export's text cells into typed fields, per its mapping.

A field's cells are parsed as numbers (:mod:`.numbers`) or dates (:mod:`.dates`) when the
field is one, else kept as text. Bad cells are reported once per column: the count, the first
row and value, and the cause (the decimal mark the column uses, the date format expected and
the formats seen), not once per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.data.errors import Problem
from salesflow.data.i18n import _
from salesflow.data.importing.cells import strip_cells
from salesflow.data.importing.dates import SHOWN, AmbiguousDates, date_rule, parse_dates
from salesflow.data.importing.delimited import Source
from salesflow.data.importing.mapping import FileMapping
from salesflow.data.importing.numbers import decide_decimal, parse_numbers
from salesflow.data.importing.recognise import KIND_BY_TABLE

DATE_FIELDS = ("order_date", "arrival_date")
NUMBER_FIELDS = ("quantity", "unit_price", "line_total", "unit_cost", "lead_time_days",
                 "order_cost", "pack_size", "moq", "unit_weight_kg", "unit_volume_m3",
                 "on_hand", "lat", "lon", "hourly_cost")
_ROWS_SHOWN = 5
#: A number followed by a unit word: ``12 pcs``, ``3 箱``, ``2.5kg``.
_UNIT_AFTER_NUMBER = re.compile(r"^[-+]?\d[\d.,\s]*\s*(?P<unit>[^\W\d_]{1,8}\.?)$")


@dataclass
class Converted:
    """Typed fields of one export: ``frame`` has one column per field, ``_row`` the row
    number the user sees; ``order_minutes`` the time of day of ``order_date`` (-1 none)."""

    file: str
    table: str
    frame: pd.DataFrame
    mapping: FileMapping


def _rows_text(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:_ROWS_SHOWN])
    if len(rows) > _ROWS_SHOWN:
        return _("rows {rows} and {count} more").format(rows=shown,
                                                        count=len(rows) - _ROWS_SHOWN)
    return _("rows {rows}").format(rows=shown) if len(rows) > 1 else _("row {row}").format(
        row=shown)


def file_decimal(src: Source, columns: list[str]) -> str:
    """The decimal mark of ``src``'s number ``columns``, decided once from all their values
    together (:func:`~salesflow.data.importing.numbers.decide_decimal`; a ``;``-delimited file
    hints at decimal commas). One file writes its numbers one way: a quantity column of whole
    numbers says nothing, and must not decide for the price column beside it (``2,55``)."""
    hint = "," if src.delimiter == ";" else "."
    distinct = {text.strip() for column in columns
                for text in src.frame[column].astype(str).unique()} - {""}
    return decide_decimal(sorted(distinct), hint)


def _number_column(src: Source, column: str, field: str, mapping: FileMapping,
                   problems: list[Problem]) -> np.ndarray:
    numbers = parse_numbers(src.frame[column], decimal=mapping.decimal)
    if numbers.bad.any():
        rows = src.frame.index.to_numpy()[numbers.bad]
        first = src.frame[column].to_numpy()[numbers.bad][0]
        unit = _UNIT_AFTER_NUMBER.match(str(first).strip())
        if unit:  # "12 pcs", "3 箱": a unit the import cannot convert, not a decimal mark
            problems.append(Problem(
                src.file, int(rows[0]), column, str(first),
                _("{count} cell(s) of {field} carry a unit ({unit}) after the number ({rows}); "
                  "the import reads plain numbers in one unit: export the column without "
                  "units (and pack sizes as their own column)").format(
                      count=len(rows), field=field, unit=repr(unit["unit"]),
                      rows=_rows_text(rows))))
            return numbers.values
        mark = (_("decimal commas (1.234,50)") if numbers.decimal == ","
                else _("decimal points (1,234.50)"))
        problems.append(Problem(
            src.file, int(rows[0]), column, str(first),
            _("{count} cell(s) of {field} are not numbers ({rows}); this column was read with "
              "{mark}; if that is wrong, set decimal in the mapping").format(
                  count=len(rows), field=field, rows=_rows_text(rows), mark=mark)))
    return numbers.values


def _date_column(src: Source, column: str, field: str, mapping: FileMapping,
                 date_format: str | None, problems: list[Problem]) \
        -> tuple[np.ndarray, np.ndarray]:
    text = src.frame[column]
    try:
        dates = parse_dates(text, mapping.date_format or date_format)
    except AmbiguousDates as exc:
        row = int(src.frame.index[exc.position])
        problems.append(Problem(
            src.file, row, column, exc.text,
            _("the day/month order cannot be told: every date of this column reads both as "
              "D/M/YYYY and as M/D/YYYY (here {value}); give it with --date-format DMY or "
              "--date-format MDY").format(value=repr(exc.text))))
        empty = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
        return empty, np.full(len(text), -1)
    except ValueError as exc:  # an unknown --date-format
        problems.append(Problem("--date-format", None, None, mapping.date_format or date_format,
                                str(exc)))
        return np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]"), \
            np.full(len(text), -1)
    mapping.date_format = mapping.date_format or dates.order
    if dates.bad.any():
        rows = src.frame.index.to_numpy()[dates.bad]
        first = text.to_numpy()[dates.bad][0]
        problems.append(Problem(src.file, int(rows[0]), column, str(first),
                                _("{count} cell(s) of {field} are not dates ({rows}): {rule}")
                                .format(count=len(rows), field=field, rows=_rows_text(rows),
                                        rule=date_rule(dates))))
    return dates.values, dates.minutes


def missing_fields_problem(src: Source, table: str, fields: set[str]) -> Problem | None:
    """A problem naming the fields a table needs that no column gives, and the columns found."""
    kind = KIND_BY_TABLE[table]
    missing = [f for f in kind.needs if f not in fields]
    if not missing:
        return None
    found = ", ".join(repr(c) for c in src.frame.columns)
    return Problem(src.file, 1, None, None,
                   _("as a {table} file it needs a column for {fields}; columns found: "
                     "{found}; name them in a --mapping file").format(
                         table=table, fields=", ".join(missing), found=found))


def convert(src: Source, mapping: FileMapping, date_format: str | None,
            problems: list[Problem]) -> Converted | None:
    """Typed fields of ``src`` under ``mapping`` (``None`` when a needed field is missing)."""
    assert mapping.table is not None
    absent = [c for c in mapping.columns if c not in src.frame.columns]
    for column in absent:
        problems.append(Problem(src.file, 1, column, None,
                                _("the mapping names this column but the file has none; "
                                  "columns found: {found}").format(
                                      found=", ".join(map(repr, src.frame.columns)))))
    present = {c: f for c, f in mapping.columns.items() if c in src.frame.columns}
    missing = missing_fields_problem(src, mapping.table, set(present.values()))
    if missing is not None:
        problems.append(missing)
        return None
    data: dict[str, object] = {"_row": src.frame.index.to_numpy()}
    if not mapping.decimal:  # given in a --mapping, it wins
        mapping.decimal = file_decimal(src, [c for c, f in present.items()
                                             if f in NUMBER_FIELDS])
    for column, field in present.items():
        if field in DATE_FIELDS:
            values, minutes = _date_column(src, column, field, mapping, date_format, problems)
            data[field] = values
            if field == "order_date":
                data["_minutes"] = minutes
        elif field in NUMBER_FIELDS:
            data[field] = _number_column(src, column, field, mapping, problems)
        else:
            data[field] = strip_cells(src.frame[column])
    frame = pd.DataFrame(data, index=src.frame.index)
    return Converted(src.file, mapping.table, frame, mapping)


def shown_format(order: str) -> str:
    """How a date format is written for people."""
    return _(SHOWN.get(order, order))

"""A dataset to fill in: every table of the schema with its header and one example row.

:func:`write_template` writes what :func:`~salesflow.data.dataset.load_dataset` reads: one file
per table (``<table>.csv`` or ``<table>.xlsx``), a copy of the sample's ``config.toml`` and a
``README.txt`` explaining every table and column. The example rows come from the schema
(:attr:`Column.example`) and validate together: the keys they use are referenced across tables.

Each XLSX workbook has the table on its first sheet (the one the loader reads): the header in
bold (required columns shaded), the example in row 2, cell formats for dates, times and text,
and data validation on the rows to fill (whole and decimal numbers within the column's bounds,
dates, times, yes/no lists, weekday lists) with each column's explanation as the input prompt.
Its second sheet, ``columns``, explains every column: type, required, unit, bounds,
references and description.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

from salesflow.data.dataset.schema import TABLES, WEEKDAYS, Column, ColumnType, Table

TEMPLATE_FORMATS = ("csv", "xlsx")
README = "README.txt"
CONFIG_FILE = "config.toml"
EXPLANATION_SHEET = "columns"
FILL_ROWS = 5000
"""Rows below the header that get the XLSX data validation and cell formats."""

EXPLANATION_HEADER = ("column", "type", "required", "unit", "bounds", "references",
                      "description")
_REQUIRED_FILL = "FFF2CC"
_NUMBER_FORMATS = {ColumnType.DATE: "yyyy-mm-dd", ColumnType.TIME: "hh:mm",
                   ColumnType.STRING: "@", ColumnType.STRING_LIST: "@",
                   ColumnType.DATE_LIST: "@", ColumnType.WEEKDAY_LIST: "@"}
_WEEKDAY_CHOICES = (*WEEKDAYS, "Mon;Thu", "Mon;Wed;Fri", ";".join(WEEKDAYS[:5]))


def example_row(spec: Table) -> dict[str, str]:
    """The example row of ``spec`` as CSV cells."""
    return {col.name: col.example for col in spec.columns}


def column_explanation(col: Column) -> dict[str, str]:
    """One line of the explanation of ``col`` (the fields of :data:`EXPLANATION_HEADER`)."""
    if col.required:
        required = "yes"
    elif isinstance(col.default, bool):
        required = f"no (blank = {'yes' if col.default else 'no'})"
    elif isinstance(col.default, float):
        required = f"no (blank = {col.default:g})"
    elif col.default is not None:
        required = f"no (blank = {col.default})"
    else:
        required = "no"
    references = f"{col.references[0]}.{col.references[1]}" if col.references else ""
    return {"column": col.name, "type": col.type.value, "required": required, "unit": col.unit,
            "bounds": col.bound_text(), "references": references, "description": col.doc}


def table_status(spec: Table) -> str:
    """``required`` or what leaving the table out means."""
    if spec.required:
        return "required"
    return f"optional; absent or without rows: {spec.when_absent}"


def readme_text() -> str:
    """The ``README.txt`` of a template: how to fill it in, every table and column."""
    lines = [
        "salesflow dataset template",
        "",
        "One file per table. Keep each header row, replace the example row (row 2) by your",
        "data and add rows below. Dates are written YYYY-MM-DD, times HH:MM, lists with ;",
        "(skills picker;packer, weekdays Mon;Thu). sales, skus and suppliers are required;",
        "delete the file of any other table you do not have (or keep its header only): the",
        "line after each table's name says what the plan then takes as given.",
        "Check the result with:  salesflow validate --data <this folder>",
        "",
    ]
    for spec in TABLES.values():
        lines.append(f"== {spec.name}: {spec.doc or spec.row_noun}")
        lines.append(f"   {table_status(spec)}")
        if spec.key:
            lines.append(f"   one row per {', '.join(spec.key)}")
        for col in spec.columns:
            info = column_explanation(col)
            details = [info["type"], "required" if col.required else "optional"]
            details += [info[k] for k in ("unit", "bounds") if info[k]]
            if info["references"]:
                details.append(f"refers to {info['references']}")
            text = f"   {col.name:<17} {', '.join(details)}"
            lines.append(text + (f". {col.doc}" if col.doc else ""))
        lines.append("")
    return "\n".join(lines)


def _csv_bytes(spec: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.column_names)
    writer.writerow(example_row(spec).values())
    return buffer.getvalue().encode("utf-8")


def _cell_value(col: Column) -> object:
    """The example as a typed spreadsheet cell (dates as dates, numbers as numbers)."""
    text = col.example
    if text == "":
        return None
    if col.type is ColumnType.INTEGER:
        return int(text)
    if col.type is ColumnType.FLOAT:
        return float(text)
    if col.type is ColumnType.DATE:
        return dt.date.fromisoformat(text)
    if col.type is ColumnType.TIME:
        return dt.time.fromisoformat(text)
    return text


def _number_validation(col: Column) -> tuple[str, str | None, str | None]:
    """Operator and formulas of a whole/decimal validation for the column's bounds.

    Excel's operators cannot mix a strict and a non-strict bound: ``between`` is inclusive,
    the loader checks the exact bound.
    """
    low, high = col.min, col.max
    if low is not None and high is not None:
        return "between", f"{low:g}", f"{high:g}"
    if low is not None:
        return ("greaterThanOrEqual" if col.min_inclusive else "greaterThan"), f"{low:g}", None
    if high is not None:
        return ("lessThanOrEqual" if col.max_inclusive else "lessThan"), f"{high:g}", None
    return "between", "-1E+307", "1E+307"


def _validation(col: Column) -> DataValidation:
    """The openpyxl data validation of ``col``'s cells (always with its input prompt)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    info = column_explanation(col)
    prompt = "; ".join(part for part in (
        info["type"], "required" if col.required else "optional", info["unit"],
        info["bounds"] and f"must be {info['bounds']}",
        info["references"] and f"refers to {info['references']}", col.doc) if part)
    options: dict[str, object] = {}
    error = f"{col.name} must be a {col.type.value}"
    if col.type in (ColumnType.INTEGER, ColumnType.FLOAT):
        operator, low, high = _number_validation(col)
        kind = "whole" if col.type is ColumnType.INTEGER else "decimal"
        options = {"type": kind, "operator": operator, "formula1": low, "formula2": high}
        if col.bound_text():
            error = f"{col.name} must be a {'whole ' if kind == 'whole' else ''}number " \
                    f"{col.bound_text()}"
    elif col.type is ColumnType.DATE:
        options = {"type": "date", "operator": "between", "formula1": "DATE(1900,1,1)",
                   "formula2": "DATE(2200,12,31)"}
    elif col.type is ColumnType.TIME:
        options = {"type": "time", "operator": "between", "formula1": "0", "formula2": "1"}
    elif col.type is ColumnType.BOOL:
        options = {"type": "list", "formula1": '"yes,no"'}
        error = f"{col.name} must be yes or no"
    elif col.type is ColumnType.WEEKDAY_LIST:
        # Other combinations are allowed after a notice ("information" style).
        options = {"type": "list", "formula1": '"' + ",".join(_WEEKDAY_CHOICES) + '"',
                   "errorStyle": "information"}
        error = f"{col.name}: weekdays written {';'.join(WEEKDAYS[:3])}... separated by ;"
    return DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=True,
                          promptTitle=col.name[:32], prompt=prompt[:255],
                          errorTitle=f"{col.name}"[:32], error=error[:255], **options)


def _xlsx_bytes(spec: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = spec.name
    required_fill = PatternFill("solid", fgColor=_REQUIRED_FILL)
    for index, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index, value=col.name)
        head.font = Font(bold=True)
        if col.required:
            head.fill = required_fill
        head.comment = Comment(col.doc or col.type.value, "salesflow")
        cell = sheet.cell(row=2, column=index, value=_cell_value(col))
        number_format = _NUMBER_FORMATS.get(col.type)
        if number_format:
            cell.number_format = number_format
            sheet.column_dimensions[letter].number_format = number_format
        sheet.column_dimensions[letter].width = max(12, len(col.name) + 2, len(col.example) + 2)
        validation = _validation(col)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{FILL_ROWS + 1}")
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(EXPLANATION_SHEET)
    notes.append([f"{spec.name}: {spec.doc or spec.row_noun}"])
    notes.append([table_status(spec)])
    notes.append([f"Fill the first sheet ({spec.name}); this sheet is not read. Shaded "
                  "headers are required columns."])
    notes.append([])
    notes.append(list(EXPLANATION_HEADER))
    for cell in notes[5]:
        cell.font = Font(bold=True)
    notes["A1"].font = Font(bold=True)
    for col in spec.columns:
        notes.append(list(column_explanation(col).values()))
    for index, width in enumerate((18, 28, 18, 18, 18, 22, 70), start=1):
        notes.column_dimensions[get_column_letter(index)].width = width

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_template(folder: Path, fmt: str, config_source: Path) -> list[Path]:
    """Write every table of the schema into ``folder`` as ``fmt`` (``csv`` or ``xlsx``), plus
    ``config.toml`` (a copy of ``config_source``) and ``README.txt``.

    Parameters
    ----------
    folder:
        The folder to write into (created if needed); files of the same names are replaced.
    fmt:
        ``csv`` or ``xlsx``.
    config_source:
        The ``config.toml`` to copy (the bundled sample's).

    Returns
    -------
    list of Path
        The files written, tables first in schema order.

    Raises
    ------
    ValueError
        If ``fmt`` is not a template format.
    """
    if fmt not in TEMPLATE_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(TEMPLATE_FORMATS)}; got {fmt!r}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in TABLES.items():
        path = folder / f"{name}.{fmt}"
        path.write_bytes(_csv_bytes(spec) if fmt == "csv" else _xlsx_bytes(spec))
        written.append(path)
    shutil.copyfile(config_source, folder / CONFIG_FILE)
    (folder / README).write_text(readme_text(), encoding="utf-8")
    return [*written, folder / CONFIG_FILE, folder / README]

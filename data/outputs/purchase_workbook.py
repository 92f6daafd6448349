"""The purchasing workbook (XLSX): one sheet per table, ready for a buyer, in the reader's
language.

A sheet is a table (a data frame with the CSV files' English column names, shown under
headers in the current language) or a list of :class:`Block` (the purchase orders: one block
per supplier order, its header fields, its lines and its totals). Each table has a bold
header row; a table sheet also a frozen header, an autofilter and widths that fit the
content. Numbers stay numbers with an Excel number format (money ``#,##0.00``, units
``#,##0``, shares ``0.0%``), dates are dates; a table without rows says "none" under its
header. Text cells are formula-neutralized first, so a SKU or supplier name such as
``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pandas as pd

from salesflow.data.i18n import N_, _
from salesflow.data.outputs.writers import neutralize_cell, neutralize_frame

MONEY_COLUMNS = {"unit_price", "line_cost", "value", "value_this_week", "order_cost",
                 "min_order_value", "purchase", "ordering", "holding", "shortage", "total",
                 "penalties", "cost", "stock_change", "net_cost", "average_stock_value",
                 "surcharge"}
COUNT_COLUMNS = {"packs", "quantity", "lines", "orders", "skus", "units", "lines_this_week",
                 "orders_below_min_value", "supplier_orders", "rules_broken", "violations"}
PERCENT_COLUMNS = {"plan_change", "target", "fill_rate"}
DECIMAL_COLUMNS = {"inventory_turnover_per_month", "amount", "limit"}
DATE_COLUMNS = {"order_date", "arrival_date", "delivery_date", "first_order_date", "week"}
FORMATS = {**dict.fromkeys(MONEY_COLUMNS, "#,##0.00"), **dict.fromkeys(COUNT_COLUMNS, "#,##0"),
           **dict.fromkeys(PERCENT_COLUMNS, "0.0%"), **dict.fromkeys(DECIMAL_COLUMNS, "#,##0.00"),
           **dict.fromkeys(DATE_COLUMNS, "yyyy-mm-dd")}
"""Excel number format by column name."""

COLUMN_LABELS: dict[str, str] = {
    "supplier_id": N_("Supplier ID"), "supplier_name": N_("Supplier"), "sku": N_("SKU"),
    "sku_name": N_("Product"), "order_date": N_("Order date"),
    "arrival_date": N_("Arrival date"), "delivery_date": N_("Delivery date"),
    "packs": N_("Packs"), "quantity": N_("Quantity"), "unit_price": N_("Unit price"),
    "line_cost": N_("Line value"), "primary_reason": N_("Main reason"),
    "reason": N_("Reasons"), "orders": N_("Orders"), "lines": N_("Lines"),
    "skus": N_("SKUs"), "units": N_("Units"), "value": N_("Value"),
    "first_order_date": N_("First order date"), "lines_this_week": N_("Lines this week"),
    "value_this_week": N_("Value this week"), "order_cost": N_("Cost per order"),
    "min_order_value": N_("Minimum order value"),
    "orders_below_min_value": N_("Orders below the minimum value"),
    "policy": N_("Policy"), "role": N_("Role"), "purchase": N_("Purchase"),
    "ordering": N_("Ordering"), "holding": N_("Holding"), "shortage": N_("Shortage"),
    "cost": N_("Cost"), "stock_change": N_("Stock value change"), "net_cost": N_("Net cost"),
    "plan_change": N_("Plan's change"), "target": N_("Target"),
    "target_met": N_("Target met"), "fill_rate": N_("Fill rate"),
    "inventory_turnover_per_month": N_("Turnover per month"),
    "average_stock_value": N_("Average stock value"), "supplier_orders": N_("Supplier orders"),
    "rules_broken": N_("Rules broken"), "kind": N_("Kind"), "constraint": N_("Rule"),
    "week": N_("Week"), "amount": N_("Amount"), "limit": N_("Limit"), "detail": N_("Detail"),
    "surcharge": N_("Minimum order value surcharge"), "total": N_("Total"),
    "item": N_("Item"), "text": N_("Text"),
}
"""Headers in words (translated where shown) by the CSV column names."""

MAX_WIDTH = 60


def column_label(column: str) -> str:
    """A column's header in the current language (the name itself when unknown)."""
    return _(COLUMN_LABELS[column]) if column in COLUMN_LABELS else column


@dataclass(frozen=True)
class Block:
    """One block of a block sheet: a bold title, label–value lines, a table, total lines.

    ``fields`` and ``totals`` are ``(label, value, column)``: the label already in words,
    the value a number, date or text, ``column`` the column name whose number format the
    value takes (``""``: none)."""

    title: str
    table: pd.DataFrame
    fields: tuple[tuple[str, Any, str], ...] = ()
    totals: tuple[tuple[str, Any, str], ...] = field(default=())


Sheet: TypeAlias = pd.DataFrame | Sequence[Block]


def workbook_bytes(sheets: Mapping[str, Sheet]) -> bytes:
    """An XLSX file with one sheet per ``sheets`` entry (name in words -> table or blocks),
    in that order.

    Raises
    ------
    ValueError
        If there are no sheets or a sheet name is longer than Excel's 31 characters.
    """
    from openpyxl import Workbook

    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    book = Workbook()
    book.remove(book.active)
    for name, content in sheets.items():
        if len(name) > 31:
            raise ValueError(f"sheet name must be at most 31 characters; got {name!r}")
        sheet = book.create_sheet(name)
        if isinstance(content, pd.DataFrame):
            _table_sheet(sheet, content)
        else:
            _block_sheet(sheet, list(content))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_sheet(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.utils import get_column_letter

    last = _write_table(sheet, frame, 1)
    sheet.freeze_panes = "A2"
    if len(frame.columns) and len(frame):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{last}"
    _fit_widths(sheet, frame)


def _write_table(sheet: Any, frame: pd.DataFrame, row: int) -> int:
    """``frame`` from ``row`` on (bold headers, formatted values; "none" when it has no
    rows); returns the last row written."""
    from openpyxl.styles import Font

    safe = neutralize_frame(frame)
    for k, column in enumerate(safe.columns, start=1):
        cell = sheet.cell(row=row, column=k, value=column_label(str(column)))
        cell.font = Font(bold=True)
    if safe.empty:
        cell = sheet.cell(row=row + 1, column=1, value=_("none"))
        cell.font = Font(italic=True)
        return row + 1
    for n, values in enumerate(safe.itertuples(index=False), start=row + 1):
        for k, (column, value) in enumerate(zip(safe.columns, values, strict=True), start=1):
            _put(sheet.cell(row=n, column=k), value, str(column))
    return row + len(safe)


def _put(cell: Any, value: object, column: str) -> None:
    """Write ``value`` as a number, date or text with the column's number format."""
    if _missing(value):
        return
    value = _plain(value)
    if column in DATE_COLUMNS and isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    cell.value = value
    if column in FORMATS and not isinstance(value, str | bool):
        cell.number_format = FORMATS[column]


def _block_sheet(sheet: Any, blocks: list[Block]) -> None:
    from openpyxl.styles import Font

    if not blocks:
        cell = sheet.cell(row=1, column=1, value=_("none"))
        cell.font = Font(italic=True)
        return
    row = 1
    widths: dict[int, int] = {}
    for block in blocks:
        title = sheet.cell(row=row, column=1, value=neutralize_cell(block.title))
        title.font = Font(bold=True, size=12)
        row += 1
        for label, value, column in block.fields:
            sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
            _put(sheet.cell(row=row, column=2), neutralize_cell(value), column)
            row += 1
        row = _write_table(sheet, block.table, row) + 1
        for label, value, column in block.totals:
            sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
            _put(sheet.cell(row=row, column=2), value, column)
            row += 1
        row += 1
        for k, column in enumerate(block.table.columns, start=1):
            values = [column_label(str(column)), *(str(v) for v in block.table[column])]
            widths[k] = max(widths.get(k, 0), *map(len, values))
    from openpyxl.utils import get_column_letter

    for k, width in widths.items():
        sheet.column_dimensions[get_column_letter(k)].width = min(MAX_WIDTH, width + 2)


def _fit_widths(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.utils import get_column_letter

    for k, column in enumerate(frame.columns, start=1):
        values = [column_label(str(column)), *(str(v) for v in frame[column].head(500))]
        sheet.column_dimensions[get_column_letter(k)].width = min(
            MAX_WIDTH, max(map(len, values)) + 2)


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: object) -> object:
    """A value openpyxl can write (numpy scalars to Python ones)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value

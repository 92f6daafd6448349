"""The purchasing workbook (XLSX): one sheet per table, ready for a buyer.

Each sheet has a bold, frozen header row, an autofilter and widths that fit the content; money
columns get a two-decimal number format. Text cells are formula-neutralized first, so a SKU
or supplier name such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from salesflow.data.outputs.writers import neutralize_frame

MONEY_COLUMNS = {"unit_price", "line_cost", "value", "value_this_week", "order_cost",
                 "min_order_value", "purchase", "ordering", "holding", "shortage", "total",
                 "penalties", "cost", "amount", "limit", "stock_change", "net_cost",
                 "average_stock_value"}
MAX_WIDTH = 60


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An XLSX file with one sheet per ``sheets`` entry (name -> table), in that order.

    Raises
    ------
    ValueError
        If there are no sheets or a sheet name is longer than Excel's 31 characters.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        if len(name) > 31:
            raise ValueError(f"sheet name must be at most 31 characters; got {name!r}")
        sheet = book.create_sheet(name)
        safe = neutralize_frame(frame)
        sheet.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False):
            sheet.append([None if _missing(v) else _plain(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        if len(safe.columns):
            sheet.auto_filter.ref = sheet.dimensions
        for k, column in enumerate(safe.columns, start=1):
            letter = get_column_letter(k)
            values = [str(column), *(str(v) for v in safe[column].head(500))]
            sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(map(len, values)) + 2)
            if column in MONEY_COLUMNS:
                for cell in sheet[letter][1:]:
                    cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: object) -> object:
    """A value openpyxl can write (numpy scalars to Python ones)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value

"""Plan outputs as bytes: CSV and JSON, safe to open in a spreadsheet.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return, and not a number) get a leading apostrophe.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

# Files are written through the one atomic-write helper; these names stay importable from here.
from salesflow.data.atomic import write_atomic as write_atomic
from salesflow.data.atomic import write_files_atomically as write_files_atomically

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralize_cell(value: object) -> object:
    """``value`` with a leading ``'`` if a spreadsheet would treat it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with every formula-like text cell neutralized."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralize_cell)
    return out


QUANTITY_DECIMALS = 2
"""Decimals of the units in forecast files (point forecast and quantiles): a hundredth of a
unit, below any pack size, and a slow mover's 0.37 units a week stays 0.37."""
SCORE_DECIMALS = 4
"""Decimals of backtest errors (MASE, WAPE) in forecast files."""
SIGNIFICANT_DIGITS = 6
"""Significant digits of ``salesflow forecast --series`` output, whose scale is unknown."""

_QUANTILE = re.compile(r"^p\d+(\.\d+)?$")
_UNITS = ("forecast", "statistical_forecast", "override_quantity", "quantity")
_SCORES = ("backtest_mase", "backtest_wape")


def round_significant(values: pd.Series, digits: int = SIGNIFICANT_DIGITS) -> pd.Series:
    """``values`` rounded to ``digits`` significant digits (0 and NaN stay as they are)."""
    numbers = values.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(numbers)))
    scale = np.where(np.isfinite(magnitude), 10.0 ** (digits - 1 - magnitude), 1.0)
    return pd.Series(np.round(numbers * scale) / scale, index=values.index, name=values.name)


def rounded_forecast(frame: pd.DataFrame, significant: bool = False) -> pd.DataFrame:
    """A forecast table as written to a file: units (``forecast``, ``statistical_forecast``,
    the quantile columns ``p10``, ...) to :data:`QUANTITY_DECIMALS` decimals and backtest errors
    to :data:`SCORE_DECIMALS`; with ``significant`` (series of any scale) every number column
    to :data:`SIGNIFICANT_DIGITS` significant digits instead. Other columns are kept."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_float_dtype(out[column]):
            continue
        name = str(column)
        if significant and (name in _UNITS or _QUANTILE.match(name)):
            out[column] = round_significant(out[column])
        elif name in _UNITS or _QUANTILE.match(name):
            out[column] = out[column].round(QUANTITY_DECIMALS)
        elif name in _SCORES:
            out[column] = out[column].round(SCORE_DECIMALS)
    return out


def newline_line_breaks(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the line breaks inside text cells written ``\\n``: a CSV with ``\\n``
    line ends quotes a cell that holds one, but not a cell that holds a bare carriage return
    (Python's csv module), whose row would then break in two when read back."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        has_cr = values.astype(str).str.contains("\r", regex=False).to_numpy(dtype=bool)
        if has_cr.any():
            out = out.copy() if out is frame else out
            fixed = values[has_cr].astype(str).str.replace("\r\n", "\n", regex=False) \
                .str.replace("\r", "\n", regex=False)
            out[column] = values.astype(object).where(~has_cr, fixed)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of ``frame`` (no index, ``\\n`` line ends), formula cells neutralized, line
    breaks inside cells as ``\\n`` (:func:`newline_line_breaks`)."""
    return newline_line_breaks(neutralize_frame(frame)).to_csv(
        index=False, lineterminator="\n").encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def json_bytes(value: Any) -> bytes:
    """Indented UTF-8 JSON; NaN and infinities become ``null``, dates ISO strings."""
    return (json.dumps(_plain(value), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook with one sheet per frame (formula cells neutralized, header bold,
    columns sized to their content, the header row frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=str(title)[:31])
        safe = neutralize_frame(frame)
        sheet.append([str(c) for c in safe.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in safe.itertuples(index=False):
            sheet.append([None if (isinstance(v, float) and math.isnan(v)) else
                          (v.item() if isinstance(v, np.generic) else v) for v in row])
        for i, column in enumerate(safe.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(500)])
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

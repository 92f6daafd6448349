"""Plan outputs as bytes: CSV and JSON, safe to open in a spreadsheet.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return, and not a number) get a leading apostrophe.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

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


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of ``frame`` (no index, ``\\n`` line ends), formula cells neutralized."""
    return neutralize_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


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

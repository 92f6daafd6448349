"""Per-cell work done once per distinct value: exports repeat their values (a million lines
name a few thousand products, a few hundred days, a handful of statuses)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def map_distinct(values: pd.Series | np.ndarray, func: Callable[[str], object],
                 dtype: Any = object, missing: object = "") -> np.ndarray:
    """``func`` of each cell's text, computed once per distinct text (``missing`` for NaN)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values).astype(str)
    codes, uniques = pd.factorize(series, sort=False)
    mapped = [func(str(u)) for u in uniques]
    return np.array([*mapped, missing], dtype=dtype)[codes]


def strip_cells(values: pd.Series) -> np.ndarray:
    """Text cells without surrounding whitespace."""
    return map_distinct(values, str.strip)

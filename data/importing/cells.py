"""Per-cell work done once per distinct value: exports repeat their values (a million lines
name a few thousand products, a few hundred days, a handful of statuses)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def map_distinct(values: pd.Series | np.ndarray, func: Callable[[str], object],
                 dtype: object = object, missing: object = "") -> np.ndarray:
    """``func`` of each cell's text, computed once per distinct text (``missing`` for NaN)."""
    codes, uniques = pd.factorize(pd.Series(values).astype(str) if not isinstance(values, pd.Series)
                                  else values, sort=False)
    mapped = [func(str(u)) for u in uniques]
    return np.array([*mapped, missing], dtype=dtype)[codes]


def strip_cells(values: pd.Series) -> np.ndarray:
    """Text cells without surrounding whitespace."""
    return map_distinct(values, str.strip)

"""Safety stock from forecast quantiles at each SKU's service level.

The forecast gives quantiles of each week's demand (``p10``, ``p50``, ``p90``, ...). Taking the
demand as normal, the spread of the outermost two quantiles gives its standard deviation
``sigma = (q_hi - q_lo) / (z_hi - z_lo)``; the stock that covers the lead time plus the one-week
review at service level ``s`` is ``z(s) * sigma * sqrt(lead_weeks + 1)``.
"""

from __future__ import annotations

import math
import re
from statistics import NormalDist

import numpy as np
import pandas as pd

from salesflow.optimizer.purchasing.problem import PurchaseItem, SupplierTerms

QUANTILE_COLUMN = re.compile(r"^p(\d{1,2}(?:\.\d+)?)$")


def quantile_columns(frame: pd.DataFrame) -> dict[float, str]:
    """Quantile level -> column name for the ``pNN`` columns of ``frame``."""
    out = {}
    for column in frame.columns:
        match = QUANTILE_COLUMN.match(str(column))
        if match and 0 < float(match.group(1)) < 100:
            out[float(match.group(1)) / 100] = str(column)
    return dict(sorted(out.items()))


def safety_stock_matrix(frame: pd.DataFrame, items: tuple[PurchaseItem, ...],
                        suppliers: dict[str, SupplierTerms], week_start: pd.Timestamp,
                        weeks: int) -> np.ndarray | None:
    """items × weeks safety stock, or ``None`` if ``frame`` has fewer than two quantiles.

    Parameters
    ----------
    frame:
        Columns ``sku``, ``week_start`` and the quantile columns.
    """
    levels = quantile_columns(frame)
    if len(levels) < 2 or frame.empty:
        return None
    lo, hi = min(levels), max(levels)
    normal = NormalDist()
    spread = normal.inv_cdf(hi) - normal.inv_cdf(lo)
    sigma = ((frame[levels[hi]].astype(float) - frame[levels[lo]].astype(float)) / spread)
    position = {item.sku: i for i, item in enumerate(items)}
    w = ((pd.to_datetime(frame["week_start"]) - week_start).dt.days // 7).to_numpy()
    rows = frame["sku"].map(position).to_numpy()
    keep = (w >= 0) & (w < weeks) & pd.notna(rows)
    matrix = np.zeros((len(items), weeks))
    values = np.nan_to_num(np.maximum(sigma.to_numpy(dtype=float), 0.0))
    np.add.at(matrix, (rows[keep].astype(int), w[keep]), values[keep])
    factor = np.array([
        normal.inv_cdf(min(max(item.service_level, 0.5), 0.9999))
        * math.sqrt(math.ceil(suppliers[item.supplier_id].lead_time_days / 7) + 1)
        for item in items])
    return matrix * factor[:, None]

"""Planner overrides applied on top of the statistical forecast (pure functions, no I/O).

The rules (checked rows of the ``forecast_overrides`` table, see
:func:`salesflow.data.dataset.overrides_input.planner_overrides`) apply to one SKU, or to
every SKU of a category, in one week:

* A rule for a SKU wins over a rule for its category in the same week.
* ``factor`` multiplies the statistical forecast and every quantile of the SKU-week.
* ``quantity`` replaces the point forecast ``f`` by ``q``. The quantiles keep their shape:
  when ``f > 0`` they are scaled by ``q / f`` (the spread stays the same share of the
  forecast), when ``f = 0`` they are shifted up by ``q``. Both keep them ordered and at or
  above zero.
* A category's ``quantity`` is the category's total for the week: it is shared among the
  category's SKUs without a rule of their own in proportion to their statistical forecasts
  (in equal parts when these are all zero).

Rules for weeks outside the forecast's horizon change nothing. The point forecast after the
rules is the one purchasing plans on; the statistical one is kept beside it
(:data:`APPLIED_COLUMNS`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

APPLIED_COLUMNS = ("sku", "week_start", "statistical_forecast", "forecast", "override_by",
                   "override_target", "override_quantity", "override_factor", "reason",
                   "author", "source_row")
"""One row per overridden SKU and week: the statistical forecast, the final one and the rule
that made it (``override_by`` ``sku`` or ``category``; ``source_row`` of the table)."""

_QUANTILE = re.compile(r"^p\d+(\.\d+)?$")


def quantile_names(frame: pd.DataFrame) -> list[str]:
    """The quantile columns (``p10``, ``p50``, ``p2.5``, ...) of a forecast frame."""
    return [c for c in frame.columns if _QUANTILE.match(str(c))]


def empty_applied() -> pd.DataFrame:
    """An applied-overrides table without rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in APPLIED_COLUMNS})
    for column in ("statistical_forecast", "forecast", "override_quantity", "override_factor"):
        frame[column] = frame[column].astype("float64")
    frame["week_start"] = frame["week_start"].astype("datetime64[ns]")
    frame["source_row"] = frame["source_row"].astype("int64")
    return frame


def _expand(rules: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """One row per (sku, week) a rule reaches; a SKU's own rule wins over its category's."""
    own = rules[rules["by"] == "sku"].assign(sku=lambda f: f["target"])
    by_category = rules[rules["by"] == "category"]
    members = pd.DataFrame({"sku": categories.index.astype(str),
                            "target": categories.to_numpy().astype(str)})
    reached = by_category.merge(members, on="target", how="inner")
    taken = pd.MultiIndex.from_frame(own[["sku", "week_start"]])
    reached = reached[~pd.MultiIndex.from_frame(reached[["sku", "week_start"]]).isin(taken)]
    return pd.concat([own, reached], ignore_index=True)


def apply_overrides(demand: pd.DataFrame, rules: pd.DataFrame,
                    categories: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The forecast after the planner's rules, and what each rule changed.

    Parameters
    ----------
    demand:
        Long forecast frame ``unique_id, ds, forecast, model`` and quantile columns.
    rules:
        Columns ``row, by, target, week_start, quantity, factor, reason, author`` (one of
        ``quantity`` and ``factor`` given per row).
    categories:
        Category per SKU (index: the SKU).

    Returns
    -------
    ``demand`` with the rules applied (same columns and rows), and one row per changed SKU
    and week with the columns :data:`APPLIED_COLUMNS`, sorted by week and SKU.
    """
    if rules.empty or demand.empty:
        return demand, empty_applied()
    reached = _expand(rules, categories)
    keys = demand[["unique_id", "ds"]].astype({"unique_id": str}).reset_index()
    hits = reached.merge(keys, left_on=["sku", "week_start"], right_on=["unique_id", "ds"],
                         how="inner")
    if hits.empty:
        return demand, empty_applied()
    statistical = demand["forecast"].to_numpy(dtype=float)
    before = statistical[hits["index"].to_numpy()]
    target = np.where(hits["factor"].notna(), before * hits["factor"].fillna(1.0), np.nan)
    # a category's quantity: its total, shared by statistical forecast (equal if all zero)
    quantity = hits["quantity"].notna().to_numpy()
    group = hits["by"].astype(str) + "\0" + hits["target"].astype(str) + "\0" + \
        hits["week_start"].astype(str)
    weight = pd.Series(before, index=hits.index)
    total = weight.groupby(group).transform("sum").to_numpy()
    count = weight.groupby(group).transform("size").to_numpy()
    share = np.where(total > 0, before / np.where(total > 0, total, 1.0), 1.0 / count)
    share = np.where(hits["by"].to_numpy() == "sku", 1.0, share)
    target = np.where(quantity, hits["quantity"].fillna(0.0).to_numpy() * share, target)

    final = demand.copy()
    rows = hits["index"].to_numpy()
    scale = np.where(before > 0, target / np.where(before > 0, before, 1.0), 1.0)
    shift = np.where(before > 0, 0.0, target - before)
    for column in quantile_names(demand):
        values = final[column].to_numpy(dtype=float).copy()
        values[rows] = values[rows] * scale + shift
        final[column] = values
    values = statistical.copy()
    values[rows] = target
    final["forecast"] = values

    applied = pd.DataFrame({
        "sku": hits["sku"].to_numpy(), "week_start": hits["week_start"].to_numpy(),
        "statistical_forecast": before, "forecast": target,
        "override_by": hits["by"].to_numpy(), "override_target": hits["target"].to_numpy(),
        "override_quantity": hits["quantity"].to_numpy(dtype=float),
        "override_factor": hits["factor"].to_numpy(dtype=float),
        "reason": hits["reason"].to_numpy(), "author": hits["author"].to_numpy(),
        "source_row": hits["row"].to_numpy(dtype="int64")})
    applied = applied.sort_values(["week_start", "sku"], kind="stable").reset_index(drop=True)
    return final, applied

"""Demand series from the sales history, in the long frame ``unique_id, ds, y``.

Weeks start on Monday (ISO weeks); every SKU of the catalogue gets every week, zero-filled, so
that an SKU with no sale in a week shows a 0 rather than a gap.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def week_monday(dates: pd.Series) -> pd.Series:
    """Monday of the ISO week of each date (datetime64, midnight)."""
    days = pd.to_datetime(dates).dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def weekly_demand(sales: pd.DataFrame, skus: pd.Series | list[str], end: dt.date) -> pd.DataFrame:
    """Units sold per SKU and week before ``end`` (a Monday), zero-filled.

    Parameters
    ----------
    sales:
        The typed ``sales`` table.
    skus:
        Every SKU to produce a series for (the catalogue), in output order.
    end:
        Monday of the first week *not* included (the planning week).

    Returns
    -------
    DataFrame with columns ``unique_id`` (the SKU), ``ds`` (Monday, datetime64) and ``y``,
    sorted by SKU and week; weeks run from the first week with a sale to the week before
    ``end``.
    """
    end_ts = pd.Timestamp(end)
    before = (sales["order_date"] < end_ts).to_numpy()
    sku_index = pd.Index(list(skus), name="unique_id")
    if not before.any():
        return pd.DataFrame({"unique_id": pd.Series(dtype=object),
                             "ds": pd.Series(dtype="datetime64[ns]"),
                             "y": pd.Series(dtype="float64")})
    dates = sales["order_date"][before]
    first = week_monday(pd.Series([dates.min()])).iloc[0]
    all_weeks = pd.date_range(first, end_ts - pd.Timedelta(days=7), freq="7D", name="ds")
    if not sku_index.is_unique:  # a catalogue listing an SKU twice gets its series twice
        return _weekly_demand_grouped(sales.loc[before], sku_index, all_weeks)
    # Integer day numbers: Monday of each line's week, as a week index from the first one.
    days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    start = np.datetime64(first.date(), "D").astype(np.int64)
    week = (days - (days + 3) % 7 - start) // 7  # 1970-01-01 was a Thursday
    sku = _positions(sales["sku"][before], sku_index)
    kept = (sku >= 0) & (week < len(all_weeks))
    cells = sku[kept].astype(np.int64) * len(all_weeks) + week[kept]
    units = sales["quantity"][before].to_numpy(dtype=np.float64)[kept]
    y = np.bincount(cells, weights=units, minlength=len(sku_index) * len(all_weeks))
    return pd.DataFrame({"unique_id": sku_index.repeat(len(all_weeks)),
                         "ds": np.tile(all_weeks.values, len(sku_index)),
                         "y": y.astype(np.float64)})


def _positions(column: pd.Series, index: pd.Index) -> np.ndarray:
    """Position in ``index`` (unique) of each value of ``column``, -1 when absent; through
    the categories when the column is categorical (as the Parquet loader reads it)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(column.cat.categories)
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    return index.get_indexer(column)


def _weekly_demand_grouped(lines: pd.DataFrame, sku_index: pd.Index,
                           all_weeks: pd.DatetimeIndex) -> pd.DataFrame:
    """:func:`weekly_demand` by a pandas group-by, for a catalogue whose SKUs repeat."""
    weeks = week_monday(lines["order_date"])
    totals = lines.groupby([lines["sku"], weeks])["quantity"].sum()
    grid = pd.MultiIndex.from_product([sku_index, all_weeks])
    totals.index = totals.index.set_names(["unique_id", "ds"])
    frame = totals.reindex(grid, fill_value=0.0).rename("y").reset_index()
    frame["y"] = frame["y"].astype("float64")
    return frame


def daily_orders(sales: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Distinct orders per calendar day before ``end``, zero-filled, as one long series
    (``unique_id`` = ``"orders"``)."""
    end_ts = pd.Timestamp(end)
    orders = sales.loc[sales["order_date"] < end_ts, ["order_id", "order_date"]]
    counts = orders.drop_duplicates("order_id").groupby("order_date").size()
    if counts.empty:
        return pd.DataFrame({"unique_id": [], "ds": pd.Series(dtype="datetime64[ns]"), "y": []})
    days = pd.date_range(counts.index.min(), end_ts - pd.Timedelta(days=1), freq="D", name="ds")
    series = counts.reindex(days, fill_value=0).astype("float64")
    return pd.DataFrame({"unique_id": "orders", "ds": days, "y": series.to_numpy(np.float64)})


def weekly_features(sales: pd.DataFrame, skus: pd.Series | list[str], end: dt.date,
                    weeks: pd.DatetimeIndex) -> pd.DataFrame:
    """Price and promotion per SKU and week, on the grid of :func:`weekly_demand`.

    ``price`` is the quantity-weighted mean ``unit_price`` of the week's lines, carried
    forward (and back, before the first sale) over weeks without a sale; ``promo`` is the
    share of the week's units sold under a promotion (0 without sales). Columns missing from
    the sales table give a constant 0.

    Returns
    -------
    DataFrame ``unique_id, ds, price, promo`` in the order of ``weekly_demand``.
    """
    end_ts = pd.Timestamp(end)
    columns = [c for c in ("unit_price", "promo") if c in sales.columns]
    lines = sales.loc[sales["order_date"] < end_ts, ["order_date", "sku", "quantity", *columns]]
    grid = pd.MultiIndex.from_product([pd.Index(list(skus), name="unique_id"),
                                       pd.DatetimeIndex(weeks, name="ds")])
    out = pd.DataFrame(index=grid)
    keys = [lines["sku"].rename("unique_id"), week_monday(lines["order_date"]).rename("ds")]
    units = lines["quantity"].astype("float64")
    if "unit_price" in columns and lines["unit_price"].notna().any():
        priced = lines["unit_price"].notna()
        value = (lines["unit_price"].fillna(0.0) * units).groupby(keys).sum()
        weight = units.where(priced, 0.0).groupby(keys).sum()
        price = (value / weight.where(weight > 0)).reindex(grid)
        out["price"] = price.groupby(level=0).ffill().groupby(level=0).bfill().fillna(0.0)
    else:
        out["price"] = 0.0
    if "promo" in columns:
        promo_units = units.where(lines["promo"].fillna(False).astype(bool), 0.0)
        share = promo_units.groupby(keys).sum() / units.groupby(keys).sum().where(
            lambda s: s > 0)
        out["promo"] = share.reindex(grid).fillna(0.0)
    else:
        out["promo"] = 0.0
    return out.reset_index()

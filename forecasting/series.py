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
    """Position in ``index`` (unique) of each value of ``column``, -1 when absent (or
    missing). Each distinct value is looked up once: through the categories when the column
    is categorical (as the Parquet loader reads it), else through its factorisation (0.45 s
    against 2.36 s for a lookup per line on 8.9M lines of text)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(column.cat.categories)
        codes = column.cat.codes.to_numpy()
    else:
        codes, uniques = pd.factorize(column)
        lookup = index.get_indexer(uniques)
    return np.where(codes >= 0, lookup[codes] if lookup.size else -1, -1)


def _week_positions(dates: pd.Series, weeks: pd.DatetimeIndex) -> np.ndarray:
    """Position in ``weeks`` (Mondays) of the week of each date, -1 when absent."""
    days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    mondays = days - (days + 3) % 7  # 1970-01-01 was a Thursday
    return pd.Index(weeks.to_numpy().astype("datetime64[D]").astype(np.int64)) \
        .get_indexer(mondays)


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
    sku_index = pd.Index(list(skus), name="unique_id")
    weeks = pd.DatetimeIndex(weeks, name="ds")
    if not sku_index.is_unique or not weeks.is_unique:
        return _weekly_features_grouped(lines, sku_index, weeks, columns)
    # The sums per SKU and week by one group-by on the cell's number: the same sums, in the
    # same order, as grouping by SKU text and week (large's 5.4M lines: 2.4 s against 4.6 s
    # for the whole function).
    n_weeks = len(weeks)
    sku = _positions(lines["sku"], sku_index)
    week = _week_positions(lines["order_date"], weeks)
    kept = (sku >= 0) & (week >= 0)
    cells = sku[kept].astype(np.int64) * n_weeks + week[kept]
    units = lines["quantity"].to_numpy(dtype=np.float64)[kept]
    sums: dict[str, np.ndarray] = {"units": units}
    priced = "unit_price" in columns and bool(lines["unit_price"].notna().any())
    if priced:
        price = lines["unit_price"].to_numpy(dtype=np.float64, na_value=np.nan)[kept]
        sums["value"] = np.where(np.isnan(price), 0.0, price) * units
        sums["weight"] = np.where(np.isnan(price), 0.0, units)
    if "promo" in columns:
        promo = lines["promo"].fillna(False).astype(bool).to_numpy()[kept]
        sums["promo"] = np.where(promo, units, 0.0)
    totals = pd.DataFrame(sums).groupby(cells, sort=False).sum()
    present = totals.index.to_numpy()

    def grid(column: str) -> np.ndarray:
        """A sum on the ``SKU x week`` grid, NaN in cells without a line."""
        out = np.full(len(sku_index) * n_weeks, np.nan)
        out[present] = totals[column].to_numpy()
        return out.reshape(len(sku_index), n_weeks)

    out = pd.DataFrame({"unique_id": sku_index.repeat(n_weeks),
                        "ds": np.tile(weeks.values, len(sku_index))})
    if priced:
        weight = grid("weight")
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(weight > 0, grid("value") / weight, np.nan)
        filled = _fill_along_weeks(mean)
        out["price"] = np.where(np.isnan(filled), 0.0, filled).ravel()
    else:
        out["price"] = 0.0
    if "promo" in columns:
        units_sold = grid("units")
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(units_sold > 0, grid("promo") / units_sold, 0.0)
        out["promo"] = share.ravel()
    else:
        out["promo"] = 0.0
    return out


def _fill_along_weeks(values: np.ndarray) -> np.ndarray:
    """Each row's missing values (NaN) filled from its last earlier value, those before the
    row's first value from that first value (a forward then backward fill per SKU)."""
    n = values.shape[1]
    if n == 0:
        return values
    valid = ~np.isnan(values)
    steps = np.arange(n)
    last = np.maximum.accumulate(np.where(valid, steps, -1), axis=1)
    first = np.where(valid.any(axis=1), valid.argmax(axis=1), -1)
    source = np.where(last >= 0, last, first[:, None])
    rows = np.arange(values.shape[0])[:, None]
    return np.where(source >= 0, values[rows, np.maximum(source, 0)], np.nan)


def _weekly_features_grouped(lines: pd.DataFrame, sku_index: pd.Index,
                             weeks: pd.DatetimeIndex, columns: list[str]) -> pd.DataFrame:
    """:func:`weekly_features` by a pandas group-by on SKU text and week, for a catalogue
    whose SKUs repeat."""
    grid = pd.MultiIndex.from_product([sku_index, weeks])
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

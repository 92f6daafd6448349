"""Real public demand data for the forecast benchmark (``benchmarks/forecast_real.py``).

The data is not part of salesflow: every loader reads it from a folder given by option
(``--data-dir``; how to fill it: ``benchmarks/DATA.md``). Each set is split the way the
M3 data is: the last ``horizon`` periods of every series are held out.

* ``carparts``: monthly sales of 2,674 car parts of a US carmaker, January 1998 to March 2002
  (51 months), from Hyndman's R package ``expsmooth`` (``data/carparts.rda``). The 2,509
  series without missing months are used, less those whose training part never changes.
  ``carparts_1046`` is the subset of Hyndman et al. (2008, ch. 16): at least ten months with
  demand, and demand in the first 15 and the last 15 months (1,046 series, 59 % zeros).
* ``retail_item``: weekly units sold per stock code by a UK online retailer (UCI Online
  Retail, December 2010 to December 2011, Chen et al. 2012), invoices as the ``by-day`` CSVs
  of the book *Spark: The Definitive Guide*. Cancellations (invoice ``C...``), returns and
  free lines (price 0) are left out; the last, partial week is dropped; each series starts at
  its first week with a sale.
* ``retail_country``: the same, per stock code and country outside the United Kingdom:
  a much sparser weekly set (about 80 % zeros).
* ``retail_daily``: the same lines as daily units per stock code (season 7: the shop sends
  no invoice on Saturdays), the last 14 days held out; a series starts at its first day with a
  sale and needs :data:`MIN_TRAIN_DAYS` training days with :data:`MIN_SALE_DAYS` days of sales.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

CARPARTS_FILE = "carparts.rda"
RETAIL_FOLDER = "retail-by-day"
SETS = ("carparts", "carparts_1046", "retail_item", "retail_country", "retail_daily")
#: Training weeks a retail series needs after its first sale (two conformal windows of the
#: horizon and a few more for statsforecast's intermittent models).
MIN_TRAIN_WEEKS = 24
#: Weeks with a sale in the training part of a retail series.
MIN_SALE_WEEKS = 4
#: Training days a daily retail series needs after its first sale, and days with a sale.
MIN_TRAIN_DAYS = 120
MIN_SALE_DAYS = 20


@dataclass(frozen=True)
class RealSet:
    """One set of the real development suite, split into training and test parts.

    Attributes
    ----------
    name:
        One of :data:`SETS`.
    freq:
        pandas offset of ``ds`` (``MS``, ``W-MON`` or ``D``).
    season_length:
        Season length given to every method.
    horizon:
        Periods held out and forecast.
    train, test:
        Long frames ``unique_id, ds, y``.
    """

    name: str
    freq: str
    season_length: int
    horizon: int
    train: pd.DataFrame
    test: pd.DataFrame

    @property
    def n_series(self) -> int:
        """Series in the set."""
        return int(self.train["unique_id"].nunique())

    @property
    def zero_share(self) -> float:
        """Share of zero values in the training parts."""
        return float((self.train["y"] == 0).mean())

    def head(self, n: int) -> RealSet:
        """The first ``n`` series (by id), for a quick run."""
        keep = sorted(self.train["unique_id"].unique())[:n]
        return RealSet(self.name, self.freq, self.season_length, self.horizon,
                       self.train[self.train["unique_id"].isin(keep)].reset_index(drop=True),
                       self.test[self.test["unique_id"].isin(keep)].reset_index(drop=True))


def _split(name: str, wide: pd.DataFrame, freq: str, season_length: int,
           horizon: int) -> RealSet:
    """Split a frame of series (rows: dates, columns: ids, NaN before a series starts)."""
    long = wide.rename_axis(index="ds", columns="unique_id").stack().rename("y").reset_index()
    long = long.dropna(subset=["y"]).sort_values(["unique_id", "ds"], kind="stable")
    position = long.groupby("unique_id").cumcount(ascending=False)
    train, test = long[position >= horizon], long[position < horizon]
    # MASE needs a non-zero scale: drop series whose training part never changes
    moving = train.groupby("unique_id")["y"].agg(lambda v: v.nunique() > 1)
    keep = moving[moving].index
    return RealSet(name, freq, season_length, horizon,
                   train[train["unique_id"].isin(keep)].reset_index(drop=True),
                   test[test["unique_id"].isin(keep)].reset_index(drop=True))


def load_carparts(data_dir: Path, subset: str = "all") -> RealSet:
    """The car parts set (``subset``: ``"all"`` or ``"1046"``, see the module docstring).

    Raises
    ------
    FileNotFoundError
        If ``carparts.rda`` is not in ``data_dir``.
    """
    import pyreadr

    path = data_dir / CARPARTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found (see benchmarks/DATA.md)")
    wide = pyreadr.read_r(str(path))["carparts"]
    wide = wide.loc[:, ~wide.isna().any()].astype(np.float64)
    if subset == "1046":
        demand = wide > 0
        wide = wide.loc[:, (demand.sum() >= 10) & demand.iloc[:15].any()
                        & demand.iloc[-15:].any()]
    wide.index = pd.date_range("1998-01-01", periods=len(wide), freq="MS")
    wide.columns = [f"part_{c}" for c in wide.columns]
    return _split("carparts" if subset == "all" else f"carparts_{subset}", wide, "MS", 12, 6)


def retail_lines(data_dir: Path) -> pd.DataFrame:
    """The invoice lines of the online retailer, sales only (see the module docstring).

    Raises
    ------
    FileNotFoundError
        If the ``retail-by-day`` folder has no CSV.
    """
    files = sorted((data_dir / RETAIL_FOLDER).glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no CSV in {data_dir / RETAIL_FOLDER} (see benchmarks/DATA.md)")
    columns = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "Country"]
    lines = pd.concat([pd.read_csv(f, usecols=columns, dtype={"InvoiceNo": str,
                                                               "StockCode": str})
                       for f in files], ignore_index=True)
    sales = ~lines["InvoiceNo"].str.startswith("C") & (lines["Quantity"] > 0) \
        & (lines["UnitPrice"] > 0)
    lines = lines[sales].copy()
    lines["week"] = pd.to_datetime(lines["InvoiceDate"]).dt.to_period("W-SUN").dt.start_time
    return lines[lines["week"] < lines["week"].max()]   # the last week is partial


def _units_from_first_sale(period: pd.Series, key: pd.Series, quantity: pd.Series,
                           freq: str, horizon: int, min_periods: int,
                           min_sales: int) -> pd.DataFrame:
    """Units per ``key`` and ``period`` (every period of ``freq`` between the first and the
    last, 0 without a sale), each series from its first sale (NaN before), keeping those with
    ``min_periods`` training periods since it and ``min_sales`` training periods with a sale
    (the last ``horizon`` periods are the test)."""
    periods = pd.date_range(period.min(), period.max(), freq=freq)
    wide = pd.DataFrame({"period": period, "key": key, "units": quantity}).pivot_table(
        index="period", columns="key", values="units", aggfunc="sum", fill_value=0)
    wide = wide.reindex(periods, fill_value=0).astype(np.float64)
    started = (wide > 0).cummax()
    enough = (started.iloc[:-horizon].sum() >= min_periods) \
        & ((wide.iloc[:-horizon] > 0).sum() >= min_sales)
    return wide.loc[:, enough].where(started.loc[:, enough])


def load_retail(data_dir: Path, level: str = "item", horizon: int = 8,
                lines: pd.DataFrame | None = None) -> RealSet:
    """Weekly units per stock code (``level="item"``) or per stock code and country outside
    the United Kingdom (``"country"``); series start at their first week with a sale and
    need :data:`MIN_TRAIN_WEEKS` training weeks with :data:`MIN_SALE_WEEKS` sales."""
    lines = retail_lines(data_dir) if lines is None else lines
    if level == "country":
        lines = lines[lines["Country"] != "United Kingdom"]
        keys = lines["StockCode"] + "@" + lines["Country"]
    else:
        keys = lines["StockCode"]
    wide = _units_from_first_sale(lines["week"], keys, lines["Quantity"], "W-MON", horizon,
                                  MIN_TRAIN_WEEKS, MIN_SALE_WEEKS)
    return _split(f"retail_{level}", wide, "W-MON", 1, horizon)


def load_retail_daily(data_dir: Path, horizon: int = 14,
                      lines: pd.DataFrame | None = None) -> RealSet:
    """Daily units per stock code (every calendar day, season 7); series start at their
    first day with a sale and need :data:`MIN_TRAIN_DAYS` training days with
    :data:`MIN_SALE_DAYS` days of sales."""
    lines = retail_lines(data_dir) if lines is None else lines
    day = pd.to_datetime(lines["InvoiceDate"]).dt.normalize()
    wide = _units_from_first_sale(day, lines["StockCode"], lines["Quantity"], "D", horizon,
                                  MIN_TRAIN_DAYS, MIN_SALE_DAYS)
    return _split("retail_daily", wide, "D", 7, horizon)


def load_sets(data_dir: Path, names: Sequence[str]) -> list[RealSet]:
    """The named sets (:data:`SETS`), in the order given.

    Raises
    ------
    ValueError
        If a name is unknown.
    FileNotFoundError
        If a set's files are missing.
    """
    out = []
    lines = None
    for name in names:
        if name == "carparts":
            out.append(load_carparts(data_dir))
        elif name == "carparts_1046":
            out.append(load_carparts(data_dir, "1046"))
        elif name in ("retail_item", "retail_country"):
            lines = retail_lines(data_dir) if lines is None else lines
            out.append(load_retail(data_dir, name.split("_")[1], lines=lines))
        elif name == "retail_daily":
            lines = retail_lines(data_dir) if lines is None else lines
            out.append(load_retail_daily(data_dir, lines=lines))
        else:
            raise ValueError(f"set must be one of {', '.join(SETS)}; got {name!r}")
    return out

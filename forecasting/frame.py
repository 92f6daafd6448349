"""Check the long frame ``unique_id, ds, y`` the engine works on and split it into series.

Problems are reported as :class:`~salesflow.data.errors.InvalidInputError` naming the series
(and the frame row, 1-based, where one row is at fault), never as a traceback from deeper down.
``ds`` is either whole numbers (a period index) or dates; every series must be regular: whole
numbers one ``step`` apart, dates one ``freq`` apart (inferred when not given), without gaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from salesflow.data.dataset.long_table import infer_date_freq
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

REQUIRED = ("unique_id", "ds", "y")
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class SeriesSet:
    """The series of a checked long frame, in ``unique_id`` order.

    Attributes
    ----------
    ids:
        Series ids.
    values:
        One float array per series, in time order.
    first:
        First ``ds`` of each series: a whole number, or a timestamp for dates.
    freq:
        pandas offset alias between dates, or ``None`` for whole-number ``ds``.
    step:
        Distance between whole-number ``ds`` values (1 for dates).
    """

    ids: tuple[object, ...]
    values: tuple[np.ndarray, ...]
    first: tuple[int | np.integer | pd.Timestamp, ...]
    freq: str | None
    step: int
    exog: dict[str, tuple[np.ndarray, ...]] = field(default_factory=dict)

    def truncated(self, offset: int) -> SeriesSet:
        """The same series without their last ``offset`` values."""
        if offset == 0:
            return self
        return SeriesSet(self.ids, tuple(v[:-offset] for v in self.values), self.first,
                         self.freq, self.step,
                         {k: tuple(a[:-offset] for a in arrays) for k, arrays in
                          self.exog.items()})

    def ds_at(self, index: int, positions: np.ndarray) -> pd.Index:
        """``ds`` of series ``index`` at 0-based ``positions`` (past the end: the future)."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.freq is None:
            return pd.Index(int(self.first[index]) + self.step * positions, dtype="int64")
        return _date_range(self.first[index], int(positions.max()) + 1, self.freq)[positions]

    def future(self, index: int, horizon: int) -> pd.Index:
        """``ds`` of the ``horizon`` periods after the end of series ``index``."""
        n = self.values[index].size
        return self.ds_at(index, np.arange(n, n + horizon))


@lru_cache(maxsize=256)
def _date_range(first: pd.Timestamp, periods: int, freq: str) -> pd.DatetimeIndex:
    """``pd.date_range`` for :meth:`SeriesSet.ds_at`, kept for the next series with the same
    start and length (most series of a dataset share both; a range costs about 0.1 ms, 10 s
    for every series of 100,000)."""
    return pd.date_range(first, periods=periods, freq=freq)


def _problem(source: str, row: int | None, column: str | None, value: object,
             rule: str) -> Problem:
    return Problem(source, row, column, None if value is None else str(value), rule)


def _ds_kind(ds: pd.Series) -> tuple[str | None, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(ds):
        return "date", ds
    if pd.api.types.is_integer_dtype(ds):
        return "int", ds.astype("int64")
    if pd.api.types.is_float_dtype(ds) and ds.notna().all() and np.all(ds == np.round(ds)):
        return "int", ds.astype("int64")
    return None, ds


def split_series(frame: pd.DataFrame, source: str = "series", freq: str | None = None,
                 exog: Sequence[str] = ()) -> SeriesSet:
    """Check ``frame`` and return its series.

    Parameters
    ----------
    source:
        What to call the input in messages (a file name, or ``series``).
    freq:
        pandas offset between dates; inferred from the data when ``None``.
    exog:
        Extra numeric columns to carry along per series (those present; missing or
        non-numeric values are filled forward, then with 0).

    Raises
    ------
    InvalidInputError
        Missing columns, an empty frame, ``y`` missing or not a number, ``ds`` neither whole
        numbers nor dates, duplicated ``(unique_id, ds)``, or a series with gaps or uneven
        steps; every problem names its series.
    """
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInputError([_problem(source, None, c, None, _("required column is missing"))
                                 for c in missing])
    if frame.empty:
        raise InvalidInputError([_problem(source, None, None, None, _("the frame has no rows"))])
    extra = [c for c in exog if c in frame.columns]
    data = frame[[*REQUIRED, *extra]].reset_index(drop=True)
    problems: list[Problem] = []
    if data["unique_id"].isna().any():
        for row in np.flatnonzero(data["unique_id"].isna().to_numpy())[:MAX_PROBLEMS]:
            problems.append(_problem(source, int(row) + 1, "unique_id", None,
                                     _("unique_id must not be missing")))
    y = pd.to_numeric(data["y"], errors="coerce") if not pd.api.types.is_bool_dtype(
        data["y"]) else pd.Series(np.nan, index=data.index)
    bad_y = ~np.isfinite(y.to_numpy(dtype=np.float64, na_value=np.nan))
    for row in np.flatnonzero(bad_y)[:MAX_PROBLEMS]:
        value = data["y"].iloc[row]
        rule = _("y is missing") if pd.isna(value) else _("y must be a finite number")
        problems.append(_problem(source, int(row) + 1, "y", None if pd.isna(value) else value,
                                 _("{rule} (series {series})").format(
                                     rule=rule, series=repr(data["unique_id"].iloc[row]))))
    kind, ds = _ds_kind(data["ds"])
    if kind is None:
        problems.append(_problem(source, None, "ds", data["ds"].iloc[0],
                                 _("ds must be whole numbers (a period index) or dates")))
    if problems:
        raise InvalidInputError(problems)
    data = data.assign(ds=ds, y=y.astype(np.float64))
    duplicated = data.duplicated(["unique_id", "ds"], keep="first")
    for row in np.flatnonzero(duplicated.to_numpy())[:MAX_PROBLEMS]:
        problems.append(_problem(
            source, int(row) + 1, "ds", data["ds"].iloc[row],
            _("series {series} has this ds twice; each (unique_id, ds) must appear once").format(
                series=repr(data["unique_id"].iloc[row]))))
    if problems:
        raise InvalidInputError(problems)
    data = data.sort_values(["unique_id", "ds"], kind="stable")
    step = 1
    if kind == "date" and freq is None:
        freq = infer_date_freq(data)
        if freq is None:
            raise InvalidInputError([_problem(
                source, None, "ds", None,
                _("cannot infer the frequency of the dates (no series has three evenly spaced "
                  "dates); give the frequency explicitly"))])
    if kind == "int":
        diffs = data.groupby("unique_id", sort=False)["ds"].diff().dropna()
        step = int(diffs.mode().iloc[0]) if not diffs.empty else 1
    regular = _split_regular(data, kind, freq, step, extra)
    if regular is not None:
        return regular
    ids, values, first = [], [], []
    carried: dict[str, list[np.ndarray]] = {c: [] for c in extra}
    for uid, group in data.groupby("unique_id", sort=False):
        ds_values = group["ds"]
        if kind == "int":
            gaps = np.flatnonzero(np.diff(ds_values.to_numpy()) != step)
            if gaps.size:
                i = int(gaps[0])
                problems.append(_problem(
                    source, None, "ds", ds_values.iloc[i + 1],
                    _("series {series} is irregular: ds goes from {before} to {after}, "
                      "expected steps of {step}; fill the gap").format(
                          series=repr(uid), before=ds_values.iloc[i],
                          after=ds_values.iloc[i + 1], step=step)))
        else:
            expected = pd.date_range(ds_values.iloc[0], periods=len(ds_values), freq=freq)
            actual = pd.DatetimeIndex(ds_values)
            if len(expected) and expected[0] != actual[0]:
                expected = None
            mismatch = np.flatnonzero(expected != actual) if expected is not None \
                else np.array([0])
            if mismatch.size:
                i = max(int(mismatch[0]), 1)
                problems.append(_problem(
                    source, None, "ds", actual[i].date() if i < len(actual) else None,
                    _("series {series} is irregular: {before} is followed by {after}, "
                      "expected one {freq} step; fill the gap (with 0 for no demand)").format(
                          series=repr(uid), before=actual[i - 1].date(),
                          after=actual[i].date(), freq=freq)))
        ids.append(uid)
        values.append(group["y"].to_numpy(dtype=np.float64))
        first.append(ds_values.iloc[0])
        for column in extra:
            numbers = pd.to_numeric(group[column], errors="coerce").ffill().fillna(0.0)
            carried[column].append(numbers.to_numpy(dtype=np.float64))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InvalidInputError(problems, _("{count} irregular series in {source}").format(
            count=len(problems), source=source))
    return SeriesSet(tuple(ids), tuple(values), tuple(first), freq if kind == "date" else None,
                     step, {c: tuple(a) for c, a in carried.items()})


def _split_regular(data: pd.DataFrame, kind: str | None, freq: str | None, step: int,
                   extra: Sequence[str]) -> SeriesSet | None:
    """The series of ``data`` (sorted by ``unique_id`` and ``ds``) split at once with numpy
    when every series is regular and the step between dates is a fixed length (``7D``,
    ``D``, ``h``...); ``None`` otherwise (irregular series, or calendar steps such as month
    starts), for the series-by-series check that names each problem. The same
    :class:`SeriesSet` as that check builds: ids in order, each series' values and carried
    columns in arrays of their own, first ``ds`` as ``Series.iloc`` gives it."""
    uid = data["unique_id"].to_numpy()
    if kind == "int":
        stamps, expected = data["ds"].to_numpy(dtype=np.int64), step
    else:
        offset = pd.tseries.frequencies.to_offset(freq)
        dates = pd.DatetimeIndex(data["ds"])
        if isinstance(offset, pd.offsets.Tick):  # pandas 2: also days
            expected = offset.nanos
        elif isinstance(offset, pd.offsets.Day) and dates.tz is None:  # pandas 3: calendar
            expected = offset.n * 86_400_000_000_000  # days, 24 h without time zone
        else:
            return None
        stamps = dates.as_unit("ns").asi8
    changes = uid[1:] != uid[:-1]  # row k + 1 starts another series
    starts = np.r_[0, np.flatnonzero(changes) + 1]
    inside = ~np.r_[True, changes]  # rows after the first of their series
    if np.any(np.diff(stamps, prepend=stamps[:1])[inside] != expected):
        return None
    cuts = starts[1:]
    values = tuple(a.copy() for a in np.split(data["y"].to_numpy(dtype=np.float64), cuts))
    series = np.cumsum(~inside)
    carried = {}
    for column in extra:
        numbers = pd.to_numeric(data[column], errors="coerce").groupby(series).ffill()
        carried[column] = tuple(a.copy() for a in np.split(
            numbers.fillna(0.0).to_numpy(dtype=np.float64), cuts))
    return SeriesSet(tuple(uid[starts]), values, tuple(data["ds"].iloc[starts].array),
                     freq if kind == "date" else None, step, carried)

"""Read and check a long table ``unique_id, ds, y`` (the input of ``salesflow forecast
--series``).

Formats: CSV (also gzip-compressed ``.csv.gz``), Parquet and XLSX; column names are
case-insensitive and extra columns are ignored. ``ds`` is either whole numbers (a period
index, e.g. the M3 files) or dates ``YYYY-MM-DD`` in every row. Every problem names the file,
the row as the user sees it (CSV line / sheet row with the header as row 1, Parquet record),
the column and the series: a missing or non-numeric ``y``, a ``ds`` that is neither, a
duplicated ``(unique_id, ds)``, and series with gaps or uneven steps.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from salesflow.data.dataset.parsing import parse_date, parse_float, parse_integer
from salesflow.data.dataset.readers import RawTable, _read_csv, read_table
from salesflow.data.errors import InvalidInputError, Problem, UserError
from salesflow.data.i18n import _

COLUMNS = ("unique_id", "ds", "y")
MAX_PROBLEMS = 500


@dataclass(frozen=True)
class LongTable:
    """A checked long table.

    Attributes
    ----------
    frame:
        ``unique_id`` (text), ``ds`` (int64 or datetime64) and ``y`` (float64), sorted by
        series and ``ds``.
    freq:
        pandas offset alias between dates (``None`` for whole-number ``ds``).
    step:
        Distance between whole-number ``ds`` values (1 for dates).
    file:
        The file as the user named it.
    """

    frame: pd.DataFrame
    freq: str | None
    step: int
    file: str

    @property
    def n_series(self) -> int:
        return int(self.frame["unique_id"].nunique())


def _raw(path: Path) -> RawTable:
    file = str(path)
    name = path.name.lower()
    if not path.is_file():
        raise UserError(_("{file}: file not found").format(file=file))
    if name.endswith(".csv.gz"):
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:
            raise InvalidInputError([Problem(file, None, None, None,
                                             _("cannot be read as gzip: {error}").format(
                                                 error=exc))]) from None
        frame, problems = _read_csv(data, file)
        raw = None if frame is None else RawTable("series", file, "csv", frame,
                                                  hashlib.sha256(data).hexdigest())
    elif path.suffix.lower() in (".csv", ".parquet", ".xlsx"):
        raw, problems = read_table(path, "series")
    else:
        raise UserError(_("{file}: the series file must be .csv, .csv.gz, .parquet or .xlsx")
                        .format(file=file))
    if raw is None or problems:
        raise InvalidInputError(problems)
    return raw


def _ds_problems(text: pd.Series, ids: pd.Series, file: str) \
        -> tuple[pd.Series | None, str, list[Problem]]:
    as_int = parse_integer(text)
    if not as_int.bad.any() and not (text == "").any():
        return as_int.values.astype("int64"), "int", []
    as_date = parse_date(text)
    if not as_date.bad.any() and not (text == "").any():
        return as_date.values, "date", []
    looks_int = int((~as_int.bad).sum()) >= int((~as_date.bad).sum())
    bad = (as_int.bad if looks_int else as_date.bad) | (text == "").to_numpy()
    rule = _("must be a whole number like the other rows") if looks_int else \
        _("must be a date written YYYY-MM-DD like the other rows")
    problems = [Problem(file, int(row), "ds", text.loc[row] or None,
                        _("{rule} (series {series})").format(
                            rule=_("ds is missing") if text.loc[row] == "" else rule,
                            series=repr(ids.loc[row])))
                for row in text.index[bad][:MAX_PROBLEMS]]
    return None, "", problems


_WEEKDAY_CODES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def _from_step(days: int, dates: pd.Series) -> str | None:
    if days == 1:
        return "D"
    if days == 7:
        return f"W-{_WEEKDAY_CODES[int(dates.iloc[0].day_of_week)]}"
    starts = bool(dates.dt.is_month_start.all())
    ends = bool(dates.dt.is_month_end.all())
    if 28 <= days <= 31 and (starts or ends):
        return "MS" if starts else "ME"
    if 89 <= days <= 92 and (starts or ends):
        return "QS" if starts else "QE"
    if days in (365, 366) and (starts or ends):
        return "YS" if starts else "YE"
    return None


_OFFSET_OPTION = "future.infer_freq_returns_offset"


def _infer_freq(index: pd.DatetimeIndex) -> str | None:
    """``pd.infer_freq`` as an offset alias string on pandas 2 and 3 alike (pandas 3 warns
    that it will return an offset object unless asked for it)."""
    try:
        pd.get_option(_OFFSET_OPTION)
    except (KeyError, pd.errors.OptionError):
        return pd.infer_freq(index)
    with pd.option_context(_OFFSET_OPTION, True):
        freq = pd.infer_freq(index)
    return None if freq is None else freq.freqstr


def infer_date_freq(frame: pd.DataFrame) -> str | None:
    """The pandas offset between the dates of a long frame (``unique_id``, ``ds``).

    First ``pd.infer_freq`` on the longest series; if none of them is regular, the most
    common step in days (daily, weekly, monthly, quarterly or yearly dates), so that a
    series with a gap is reported as irregular rather than of unknown frequency.
    """
    lengths = frame.groupby("unique_id", sort=False).size().sort_values(ascending=False)
    for uid in lengths.index[:20]:
        ds = frame.loc[frame["unique_id"] == uid, "ds"]
        if ds.size >= 3:
            freq = _infer_freq(pd.DatetimeIndex(ds))
            if freq is not None:
                return freq
    steps = frame.sort_values(["unique_id", "ds"]).groupby("unique_id", sort=False)["ds"] \
        .diff().dropna().dt.days
    if steps.empty:
        return None
    return _from_step(int(steps.mode().iloc[0]), frame["ds"])


def _regularity(frame: pd.DataFrame, kind: str, file: str) \
        -> tuple[str | None, int, list[Problem]]:
    problems: list[Problem] = []
    if kind == "int":
        diffs = frame.groupby("unique_id", sort=False)["ds"].diff().dropna()
        step = int(diffs.mode().iloc[0]) if not diffs.empty else 1
        if step <= 0:
            step = 1
        bad = diffs[diffs != step]
        for row in bad.index[:MAX_PROBLEMS]:
            problems.append(Problem(
                file, int(row), "ds", str(frame.loc[row, "ds"]),
                _("series {series} is irregular: expected a step of {step} from the previous "
                  "ds; fill the gap").format(series=repr(frame.loc[row, "unique_id"]),
                                             step=step)))
        return None, step, problems
    freq = infer_date_freq(frame)
    if freq is None:
        return None, 1, [Problem(file, None, "ds", None,
                                 _("cannot infer the frequency of the dates: no series has "
                                   "three or more evenly spaced dates"))]
    for uid, group in frame.groupby("unique_id", sort=False):
        expected = pd.date_range(group["ds"].iloc[0], periods=len(group), freq=freq)
        actual = pd.DatetimeIndex(group["ds"])
        mismatch = np.flatnonzero(expected != actual)
        if mismatch.size:
            i = max(int(mismatch[0]), 1)
            row = group.index[i]
            problems.append(Problem(
                file, int(row), "ds", actual[i].strftime("%Y-%m-%d"),
                _("series {series} is irregular: expected {expected} after {previous} "
                  "(frequency {freq}); fill the gap").format(
                      series=repr(uid), expected=f"{expected[i]:%Y-%m-%d}",
                      previous=f"{actual[i - 1]:%Y-%m-%d}", freq=freq)))
            if len(problems) >= MAX_PROBLEMS:
                break
    return freq, 1, problems


def read_long_table(path: str | Path) -> LongTable:
    """Read and check a long table file (see the module docstring).

    Raises
    ------
    UserError
        If the file does not exist or has an unsupported suffix.
    InvalidInputError
        With every problem found (file, row, column, value and the series named).
    """
    source = Path(path)
    raw = _raw(source)
    file, text = raw.file, raw.frame
    missing = [c for c in COLUMNS if c not in text.columns]
    if missing:
        found = ", ".join(repr(c) for c in text.columns) or "none"
        raise InvalidInputError([Problem(file, 1, c, None,
                                         _("required column is missing (columns found: "
                                           "{found}; the file needs unique_id, ds and y)").format(
                                               found=found))
                                 for c in missing])
    if text.empty:
        raise InvalidInputError([Problem(file, None, None, None, _("the table has no rows"))])
    ids = text["unique_id"]
    problems = [Problem(file, int(row), "unique_id", None, _("unique_id is missing"))
                for row in ids.index[(ids == "").to_numpy()][:MAX_PROBLEMS]]
    y = parse_float(text["y"])
    blank_y = (text["y"] == "").to_numpy()
    for row in text.index[y.bad | blank_y][:MAX_PROBLEMS]:
        cell = text.loc[row, "y"]
        rule = _("y is missing") if cell == "" else _("y must be a number")
        problems.append(Problem(file, int(row), "y", cell or None,
                                _("{rule} (series {series})").format(
                                    rule=rule, series=repr(ids.loc[row]))))
    ds, kind, ds_problems = _ds_problems(text["ds"], ids, file)
    problems += ds_problems
    if problems:
        raise InvalidInputError(problems[:MAX_PROBLEMS])
    frame = pd.DataFrame({"unique_id": ids.astype(str), "ds": ds,
                          "y": y.values.astype("float64")}, index=text.index)
    duplicated = frame.duplicated(["unique_id", "ds"], keep="first")
    if duplicated.any():
        first_row = frame[frame.duplicated(["unique_id", "ds"], keep=False)] \
            .groupby(["unique_id", "ds"]).apply(lambda g: g.index[0], include_groups=False)
        for row in frame.index[duplicated.to_numpy()][:MAX_PROBLEMS]:
            uid, when = frame.loc[row, "unique_id"], frame.loc[row, "ds"]
            shown = when.strftime("%Y-%m-%d") if kind == "date" else str(when)
            problems.append(Problem(
                file, int(row), "ds", shown,
                _("series {series} has this ds twice (first on row {row}); each (unique_id, "
                  "ds) must appear once").format(series=repr(uid),
                                                 row=first_row[(uid, when)])))
        raise InvalidInputError(problems)
    frame = frame.sort_values(["unique_id", "ds"], kind="stable")
    freq, step, problems = _regularity(frame, kind, file)
    if problems:
        raise InvalidInputError(problems)
    return LongTable(frame.reset_index(drop=True), freq, step, file)

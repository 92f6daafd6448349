"""A user-supplied road distance matrix file (``salesflow routes --matrix F``).

The file is a long table (CSV, Parquet or XLSX, like the dataset's tables) with one row per
ordered pair of locations::

    from_id,to_id,km,minutes
    D1,C001,12.4,21
    C001,D1,12.9,22

Locations are depot ids and customer ids of the dataset. ``minutes`` is optional: without it
the driving time is ``km / average_speed_kmh``. A pair from a location to itself is 0 unless
given. Every ordered pair of the locations asked for must be present; all problems of the
file are reported together, each with its row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from salesflow.data.dataset.parsing import parse_float
from salesflow.data.dataset.readers import FORMATS, read_table
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

REQUIRED = ("from_id", "to_id", "km")
MAX_MISSING_LISTED = 10


@dataclass(frozen=True, eq=False)
class MatrixTable:
    """Road km and minutes between ``ids`` (rows and columns in that order)."""

    ids: tuple[str, ...]
    km: NDArray[np.float64] = field(repr=False)
    minutes: NDArray[np.float64] = field(repr=False)


def read_distance_matrix(path: str | Path, ids: Sequence[str],
                         average_speed_kmh: float) -> MatrixTable:
    """Read and validate a matrix file for the locations ``ids``.

    Parameters
    ----------
    path:
        The file (``.csv``, ``.parquet`` or ``.xlsx``).
    ids:
        Every location that must be covered (depot ids, then customer ids).
    average_speed_kmh:
        Used for rows without ``minutes``.

    Returns
    -------
    MatrixTable
        Rows for locations not in ``ids`` are ignored.

    Raises
    ------
    InvalidInputError
        If the file cannot be read, misses a column, has a bad or negative number, repeats a
        pair, or lacks a pair of ``ids``; every problem names the file and row.
    """
    file = Path(path)
    fmt = file.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInputError([Problem(str(file), None, None, None,
                                         _("a matrix file must be .csv, .parquet or .xlsx; "
                                           "got {suffix}").format(
                                               suffix=file.suffix or _("no suffix")))])
    if not file.is_file():
        raise InvalidInputError([Problem(str(file), None, None, None, _("file not found"))])
    raw, problems = read_table(file, "distance_matrix")
    if raw is None:
        raise InvalidInputError(problems)
    frame = raw.frame
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInputError([Problem(raw.file, 1, c, None,
                                         _("required column is missing"))
                                 for c in missing])
    km = parse_float(frame["km"])
    values = {"km": km.values.to_numpy()}
    bad = {"km": km.bad | (frame["km"] == "").to_numpy()}
    if "minutes" in frame.columns:
        minutes = parse_float(frame["minutes"])
        values["minutes"] = minutes.values.to_numpy()
        bad["minutes"] = minutes.bad
    for column, mask in bad.items():
        for row in frame.index[mask]:
            problems.append(Problem(raw.file, int(row), column, frame.at[row, column],
                                    _("must be a number")))
    for column, array in values.items():
        for row in frame.index[np.nan_to_num(array, nan=0.0) < 0]:
            problems.append(Problem(raw.file, int(row), column, frame.at[row, column],
                                    _("must be >= {low}").format(low=0)))

    where = {loc: k for k, loc in enumerate(ids)}
    n = len(ids)
    km_matrix = np.full((n, n), np.nan)
    min_matrix = np.full((n, n), np.nan)
    seen: dict[tuple[str, str], int] = {}
    for position, row in enumerate(frame.index):
        a, b = frame.at[row, "from_id"], frame.at[row, "to_id"]
        for column, value in (("from_id", a), ("to_id", b)):
            if value == "":
                problems.append(Problem(raw.file, int(row), column, None,
                                        _("must not be blank")))
        if (a, b) in seen:
            problems.append(Problem(raw.file, int(row), "to_id", b,
                                    _("pair {first} -> {second} already given in row {row}")
                                    .format(first=a, second=b, row=seen[(a, b)])))
            continue
        seen[(a, b)] = int(row)
        if a in where and b in where:
            i, j = where[a], where[b]
            km_matrix[i, j] = values["km"][position]
            if "minutes" in values and not np.isnan(values["minutes"][position]):
                min_matrix[i, j] = values["minutes"][position]
            else:
                min_matrix[i, j] = values["km"][position] / average_speed_kmh * 60.0
    for i in range(n):
        if np.isnan(km_matrix[i, i]):
            km_matrix[i, i] = min_matrix[i, i] = 0.0
    if problems:
        raise InvalidInputError(problems, _("{file}: {count} problem(s) in the distance "
                                            "matrix").format(file=raw.file,
                                                             count=len(problems)))
    absent = [(ids[i], ids[j]) for i, j in zip(*np.nonzero(np.isnan(km_matrix)), strict=True)]
    if absent:
        listed = ", ".join(f"{a} -> {b}" for a, b in absent[:MAX_MISSING_LISTED])
        more = _(" and {count} more").format(count=len(absent) - MAX_MISSING_LISTED) \
            if len(absent) > MAX_MISSING_LISTED else ""
        raise InvalidInputError([Problem(raw.file, None, "from_id", None,
                                         _("no row for {count} pair(s) of depots and "
                                           "customers: {pairs}{more}").format(
                                               count=len(absent), pairs=listed, more=more))])
    return MatrixTable(tuple(ids), km_matrix, min_matrix)

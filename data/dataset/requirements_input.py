"""The ``--requirements`` table of ``salesflow staff``: persons needed per date, hour and skill.

Columns ``date`` (YYYY-MM-DD), ``hour`` (0-23), ``skill`` and ``required`` (persons on that
skill for that whole hour, >= 0, may be fractional); one row per (date, hour, skill). CSV,
Parquet or XLSX, read and checked like the dataset's tables: every bad cell is reported with its
file, row, column and value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesflow.data.dataset.readers import FORMATS, read_table
from salesflow.data.dataset.schema import Column, ColumnType, Table
from salesflow.data.dataset.validation import ProblemCollector, parse_table
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

REQUIREMENTS = Table(
    "requirements",
    (
        Column("date", ColumnType.DATE),
        Column("hour", ColumnType.INTEGER, min=0, max=23, doc="clock hour, 0-23"),
        Column("skill", ColumnType.STRING),
        Column("required", ColumnType.FLOAT, min=0, doc="persons for the whole hour"),
    ),
    key=("date", "hour", "skill"),
    non_empty=True,
    row_noun="requirement",
    doc="persons needed per date, hour and skill",
)


def read_requirements(path: str | Path) -> pd.DataFrame:
    """Read and validate a requirements file.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64), ``hour`` (int64), ``skill`` (str), ``required``
        (float64), in file order.

    Raises
    ------
    InvalidInputError
        If the file is missing, of an unknown format, empty, lacks a column, or has a bad cell
        or a repeated (date, hour, skill); every problem is listed.
    """
    path = Path(path)
    file = str(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("must be a {formats} file; got {suffix}").format(
                                             formats=", ".join(FORMATS),
                                             suffix=path.suffix or _("no suffix")))])
    if not path.is_file():
        raise InvalidInputError([Problem(file, None, None, None, _("file not found"))])
    raw, problems = read_table(path, REQUIREMENTS.name)
    if raw is None:
        raise InvalidInputError(problems)
    out = ProblemCollector()
    for problem in problems:
        out.add(problem)
    typed = parse_table(raw, REQUIREMENTS, out)
    if typed.empty and not out:
        out.add(Problem(file, None, None, None, _("has no rows; list at least one requirement")))
    if out:
        raise InvalidInputError(out.problems)
    frame = typed.reset_index(drop=True).loc[:, list(REQUIREMENTS.column_names)]
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["hour"] = frame["hour"].astype("int64")
    frame["skill"] = frame["skill"].astype("str")
    frame["required"] = frame["required"].astype("float64")
    return frame

"""Read one table file (CSV, Parquet or XLSX) into a frame of text cells.

Every cell becomes a ``str`` with surrounding whitespace removed (blank = ``""``); typing is
left to :mod:`salesflow.data.dataset.parsing` so that the three formats are checked by the
same rules and every bad cell can be reported with the text the user sees. Header names are
stripped and lower-cased. Each frame keeps the row number the user sees in its index: the
line (CSV) or sheet row (XLSX), where the header is row 1, or the 1-based record number
(Parquet).

Read *columnar* (what :func:`~salesflow.data.dataset.loading.load_dataset` asks for), a
Parquet file's columns become categoricals of that same text: each distinct value is turned
into text once and the rows keep only a code, so that a table of millions of rows is never
held as millions of strings; the parsers then type each distinct text once (see
:func:`~salesflow.data.dataset.validation.parse_table`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from salesflow.data.errors import Problem
from salesflow.data.i18n import _

FORMATS = ("csv", "parquet", "xlsx")
_EXACT_INT = 2.0**53  # whole floats below this are written as integers ("12", not "12.0")


@dataclass(frozen=True)
class RawTable:
    """A table file read as text: the frame, where it came from and a digest of its bytes."""

    name: str
    file: str
    format: str
    frame: pd.DataFrame
    sha256: str


def _cell_text(value: object) -> str:
    """Text of one Parquet/XLSX cell as a user would type it in a CSV."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if math.isfinite(value) and float(value).is_integer() and abs(float(value)) < _EXACT_INT:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, pd.Timestamp | dt.datetime):
        if pd.isna(value):
            return ""
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if value.second == 0 else value.strftime("%H:%M:%S")
    if value is pd.NaT or value is pd.NA:
        return ""
    return str(value).strip()


def _header_problems(header: list[str], file: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for position, name in enumerate(header, start=1):
        if name == "":
            continue
        if name in seen:
            problems.append(Problem(
                file, 1, name, None,
                _("column appears twice (positions {first} and {second})").format(
                    first=seen[name], second=position)))
        else:
            seen[name] = position
    return problems


def _from_grid(grid: pd.DataFrame, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Split a header-less grid of text cells into header and rows (row numbers from 2)."""
    if grid.shape[0] == 0:
        return None, [Problem(file, None, None, None,
                              _("file is empty: a header row is required"))]
    header = [str(h).strip().lower() for h in grid.iloc[0].tolist()]
    problems = _header_problems(header, file)
    if problems:
        return None, problems
    body = grid.iloc[1:]
    body.columns = header
    body = body.loc[:, [h != "" for h in header]]
    body.index = pd.RangeIndex(2, 2 + len(body))
    if len(body.columns):
        body = body[(body != "").any(axis=1)]  # blank lines carry no data
    return body, []


def _read_csv(data: bytes, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].decode("utf-8", errors="replace").count("\n") + 1
        return None, [Problem(
            file, line, None, f"0x{data[exc.start:exc.start + 1].hex()}",
            _("line {line} (byte {byte}) is not UTF-8 text, the encoding tried; save the file "
              "as UTF-8 CSV, or convert it with `salesflow import FILE --out DIR --encoding E` "
              "(cp950 for Big5, gb18030, cp1252, utf-16)").format(line=line, byte=exc.start))]
    try:
        dialect_sep = ","
        first_line = text.split("\n", 1)[0]
        if first_line.count(";") > first_line.count(",") and first_line.count(",") == 0:
            dialect_sep = ";"
        grid = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                           na_filter=False, skip_blank_lines=False, sep=dialect_sep,
                           engine="c")
    except pd.errors.EmptyDataError:
        return None, [Problem(file, None, None, None,
                              _("file is empty: a header row is required"))]
    except (pd.errors.ParserError, csv.Error) as exc:
        return None, [Problem(file, None, None, None, _("cannot be read as CSV: {error}").format(
            error=exc))]
    grid = pd.DataFrame({c: grid[c].str.strip() for c in grid.columns}, index=grid.index)
    grid.index = pd.RangeIndex(1, 1 + len(grid))
    return _from_grid(grid, file)


def _column_text(column: pd.Series) -> np.ndarray:
    """Text of a typed Parquet column, vectorised where the type allows (as ``_cell_text``)."""
    if pd.api.types.is_bool_dtype(column) and not column.hasnans:
        return np.where(column.to_numpy(dtype=bool), "true", "false").astype(object)
    if pd.api.types.is_integer_dtype(column) and not column.hasnans:
        return column.to_numpy().astype(str).astype(object)
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(values) & (np.floor(values) == values) & (abs(values) < _EXACT_INT)
        text = np.where(whole, np.where(whole, values, 0).astype(np.int64).astype(str),
                        values.astype(str))
        return np.where(np.isnan(values), "", text).astype(object)
    if pd.api.types.is_datetime64_any_dtype(column):
        stamps = pd.to_datetime(column)
        at_midnight = (stamps.isna() | (stamps == stamps.dt.normalize())).all()
        text = stamps.dt.strftime("%Y-%m-%d" if at_midnight else "%Y-%m-%d %H:%M:%S")
        return text.fillna("").to_numpy(dtype=object)
    if pd.api.types.is_string_dtype(column) and not pd.api.types.is_object_dtype(column):
        return column.fillna("").str.strip().to_numpy(dtype=object)
    return column.map(_cell_text).to_numpy(dtype=object)


def _pandas_index_columns(table: object) -> set[str]:
    """Columns a Parquet file written by pandas holds its index in (not data)."""
    import json

    meta = (table.schema.metadata or {}).get(b"pandas")  # type: ignore[attr-defined]
    if not meta:
        return set()
    try:
        index = json.loads(meta).get("index_columns", [])
    except ValueError:
        return set()
    return {c for c in index if isinstance(c, str)}


def _categorical_text(column: object) -> pd.Categorical:
    """A Parquet column (a pyarrow ChunkedArray) as a categorical of the text
    :func:`_column_text` gives each cell, each distinct value turned into text once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks()  # type: ignore[attr-defined]
    try:
        encoded = pc.dictionary_encode(array)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        text = _column_text(array.to_pandas())
        codes, uniques = pd.factorize(text)
        return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))
    values = encoded.dictionary.to_pandas()
    text = _column_text(pd.Series(values)) if len(values) else np.array([], dtype=object)
    text = np.append(text, "").astype(object)  # the last one: null cells
    indices = encoded.indices.fill_null(len(text) - 1).to_numpy(zero_copy_only=False)
    distinct, uniques = pd.factorize(text)
    return pd.Categorical.from_codes(distinct[indices],
                                     categories=pd.Index(uniques, dtype=object))


def _read_parquet_columnar(data: bytes, file: str) -> tuple[pd.DataFrame | None,
                                                            list[Problem]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types for a damaged file
        return None, [Problem(file, None, None, None,
                              _("cannot be read as Parquet: {error}").format(error=exc))]
    index_columns = _pandas_index_columns(table)
    names = [n for n in table.column_names if n not in index_columns]
    header = [str(c).strip().lower() for c in names]
    problems = _header_problems(header, file)
    if problems:
        return None, problems
    index = pd.RangeIndex(1, 1 + table.num_rows)
    text = pd.DataFrame({h: pd.Series(_categorical_text(table.column(name)), index=index)
                         for name, h in zip(names, header, strict=True) if h}, index=index)
    return text, []


def _read_parquet(data: bytes, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types for a damaged file
        return None, [Problem(file, None, None, None,
                              _("cannot be read as Parquet: {error}").format(error=exc))]
    header = [str(c).strip().lower() for c in frame.columns]
    problems = _header_problems(header, file)
    if problems:
        return None, problems
    text = pd.DataFrame({h: _column_text(frame.iloc[:, i]) for i, h in enumerate(header) if h},
                        index=pd.RangeIndex(1, 1 + len(frame)))
    return text, []


def _read_xlsx(data: bytes, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        grid = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object,
                             engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        return None, [Problem(file, None, None, None,
                              _("cannot be read as an XLSX workbook: {error}").format(error=exc))]
    grid = grid.map(_cell_text)
    grid.index = pd.RangeIndex(1, 1 + len(grid))
    return _from_grid(grid, file)


_READERS = {"csv": _read_csv, "parquet": _read_parquet, "xlsx": _read_xlsx}


def find_table_file(folder: Path, name: str) -> tuple[Path | None, list[Problem]]:
    """The one file holding table ``name`` in ``folder``, if any."""
    found = [folder / f"{name}.{fmt}" for fmt in FORMATS if (folder / f"{name}.{fmt}").is_file()]
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        return None, [Problem(str(found[0]), None, None, None,
                              _("table {table} is given in more than one file ({files}); keep "
                                "one").format(table=name, files=names))]
    return (found[0] if found else None), []


def read_table(path: Path, name: str,
               columnar: bool = False) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` (its suffix gives the format) as table ``name``; ``columnar``: a Parquet
    file's columns as categoricals of their text (see the module's docstring)."""
    file = str(path)
    fmt = path.suffix.lower().lstrip(".")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, None, None, None, _("cannot be read: {error}").format(
            error=exc.strerror))]
    reader = _read_parquet_columnar if columnar and fmt == "parquet" else _READERS[fmt]
    frame, problems = reader(data, file)
    if frame is None:
        return None, problems
    return RawTable(name, file, fmt, frame, hashlib.sha256(data).hexdigest()), problems

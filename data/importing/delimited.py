"""Read one export (CSV/TSV/TXT, XLSX or Parquet) into a frame of text cells.

Text files are decoded by :mod:`.text`, their delimiter (``,`` ``;`` tab ``|``) sniffed with
``csv.Sniffer`` on the first lines (or given), and read by pandas' C parser, which keeps
quoted fields with line breaks whole. Cells are kept as text (blank = ``""``), headers as the
user wrote them; the index is the row number as a spreadsheet shows it (header = 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from salesflow.data.dataset.readers import _column_text
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _
from salesflow.data.importing.text import read_text

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".tab", ".dat")


@dataclass(frozen=True)
class Source:
    """One export read as text cells.

    Attributes
    ----------
    file:
        The file as the user named it.
    frame:
        Text cells, columns as in the file, index = row number (header row 1).
    format:
        ``csv``, ``xlsx`` or ``parquet``.
    encoding, delimiter:
        How a text file was read (empty for XLSX and Parquet).
    """

    file: str
    frame: pd.DataFrame
    format: str
    encoding: str = ""
    delimiter: str = ""


def sniff_delimiter(text: str) -> str:
    """The delimiter of a delimited text: ``csv.Sniffer`` on the first lines, then the most
    frequent candidate of the header line."""
    head = "\n".join(text.splitlines()[:30])
    try:
        return csv.Sniffer().sniff(head, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        first = text.split("\n", 1)[0]
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _unique_header(header: list[str], file: str) -> list[str]:
    seen: dict[str, int] = {}
    problems = []
    for position, name in enumerate(header, start=1):
        if name in seen and name:
            problems.append(Problem(file, 1, name, None,
                                    _("column appears twice (positions {first} and {second}); "
                                      "rename one").format(first=seen[name], second=position)))
        seen.setdefault(name, position)
    if problems:
        raise InvalidInputError(problems)
    return header


def _frame_from_grid(grid: pd.DataFrame, file: str) -> pd.DataFrame:
    if grid.shape[0] == 0:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("file is empty: a header row is required"))])
    header = _unique_header([str(h).strip() for h in grid.iloc[0].tolist()], file)
    # cells keep their spaces here; each field strips its distinct values (cheaper)
    body = grid.iloc[1:].copy()
    body.columns = header
    body = body.loc[:, [h != "" for h in header]]
    body.index = pd.RangeIndex(2, 2 + len(body))
    if len(body.columns):
        body = body[(body != "").any(axis=1)]
    return body


def read_delimited(data: bytes, file: str, encoding: str | None = None,
                   delimiter: str | None = None) -> Source:
    """Read a delimited text export.

    Raises
    ------
    InvalidInputError
        If the bytes do not decode (line named) or the text is not delimited rows.
    """
    decoded = read_text(data, file, encoding)
    sep = delimiter or sniff_delimiter(decoded.text)
    try:
        grid = pd.read_csv(io.StringIO(decoded.text), header=None, dtype=str, sep=sep,
                           keep_default_na=False, na_filter=False, skip_blank_lines=True,
                           engine="c", quotechar='"')
    except pd.errors.EmptyDataError:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("file is empty: a header row is required"))]) \
            from None
    except pd.errors.ParserError as exc:
        raise InvalidInputError([Problem(
            file, None, None, None,
            _("cannot be read as {delimiter}-separated text: {error}").format(
                delimiter=DELIMITER_NAMES.get(sep, repr(sep)), error=exc))]
        ) from None
    return Source(file, _frame_from_grid(grid, file), "csv", decoded.encoding, sep)


def read_xlsx(data: bytes, file: str) -> Source:
    """Read the first sheet of a workbook (cells as a user would type them).

    Raises
    ------
    InvalidInputError
        If the file is not a readable workbook.
    """
    try:
        grid = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object,
                             engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot be read as an XLSX workbook: {error}")
                                         .format(error=exc))]) from None
    text = pd.DataFrame({i: _column_text(grid.iloc[:, i]) for i in range(grid.shape[1])})
    return Source(file, _frame_from_grid(text, file), "xlsx")


def read_parquet(data: bytes, file: str) -> Source:
    """Read a Parquet export (typed columns written back as text).

    Raises
    ------
    InvalidInputError
        If the file is not Parquet.
    """
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot be read as Parquet: {error}").format(
                                             error=exc))]) from None
    header = _unique_header([str(c).strip() for c in frame.columns], file)
    text = pd.DataFrame({h: _column_text(frame.iloc[:, i]) for i, h in enumerate(header)},
                        index=pd.RangeIndex(1, 1 + len(frame)))
    return Source(file, text, "parquet")


def read_source(path: Path, encoding: str | None = None, delimiter: str | None = None) -> Source:
    """Read an export by its suffix (text files of any suffix but .xlsx/.parquet).

    Raises
    ------
    InvalidInputError
        If the file is missing or cannot be read.
    """
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot be read: {error}").format(
                                             error=exc.strerror))]) from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(data, file)
    if suffix in (".parquet", ".pq"):
        return read_parquet(data, file)
    return read_delimited(data, file, encoding, delimiter)

"""Read one export (CSV/TSV/TXT, XLSX, XLS, ODS or Parquet) into frames of text cells: one
table, or one per sheet of a workbook that holds one.

Text files are decoded by :mod:`.text`, their delimiter (``,`` ``;`` tab ``|``) taken from
Excel's ``sep=`` first line, or sniffed with ``csv.Sniffer`` on the first lines (or given), and
read by pandas' C parser, which keeps quoted fields with line breaks whole. Cells are kept as
text (blank = ``""``), headers as the user wrote them; the index is the row number as a
spreadsheet shows it.

Exports printed as reports are read as their table: rows above the header (a title, a print
date: rows with fewer than half the cells of the widest of the first rows) are skipped, and so
are total lines (a first cell that says ``合計``, ``小計``, ``Total``, ...), each said in
:attr:`Source.notes`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from salesflow.data.dataset.readers import _column_text
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _
from salesflow.data.importing.text import read_text

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".tab", ".dat")
#: Rows at the top of a file searched for the header (a report's title lines are above it).
HEADER_SEARCH_ROWS = 30
#: Excel's first line naming the delimiter (``sep=;``), which Excel itself does not show.
_SEP_LINE = re.compile(r"(?i)^sep=(.)\s*$")
#: A cell that is data, not a column name: a number or a date as exports write them.
_DATA_CELL = re.compile(r"^[-+(]?[\d.,'\s/:\-]*\d[\d.,'\s/:\-)%]*$")
#: The first bytes of a workbook or Parquet file, whatever its name ends with.
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # Excel 97-2003 (.xls)
_ZIP = b"PK\x03\x04"  # XLSX
_PARQUET = b"PAR1"
#: An OpenDocument spreadsheet is a ZIP whose first entry, stored, names its type.
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_ZIP_HEAD = 120
#: A report's total line: its first non-blank cell says so, and only that.
_TOTAL_LABEL = re.compile(
    r"(?i)^(合計|總計|小計|合计|总计|小计|總合計|总合计|total|totals|grand total|sub-?total|"
    r"sum|summe|gesamt|totaal|totale)\s*[:：]?$")


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
        ``csv``, ``xlsx``, ``xls``, ``ods`` or ``parquet``.
    encoding, delimiter:
        How a text file was read (empty for XLSX and Parquet).
    notes:
        Rows of a report layout that were skipped (title rows, total lines), said to the user.
    sheet:
        The sheet of a workbook of several sheets (``file`` then names it too), else empty.
    sheets:
        All the sheets of that workbook, in its order.
    """

    file: str
    frame: pd.DataFrame
    format: str
    encoding: str = ""
    delimiter: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    sheet: str = ""
    sheets: tuple[str, ...] = ()


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


def header_position(grid: pd.DataFrame) -> int:
    """Position of the header among ``grid``'s rows: the first of the first
    :data:`HEADER_SEARCH_ROWS` with at least half the filled cells of the fullest of them (and
    two at least), the rows above being a report's title lines; 0 when no row has two, or when
    that row looks like data (a quarter of its cells or more are numbers or dates: then the
    first row is a header that names few of its columns)."""
    head = grid.iloc[:HEADER_SEARCH_ROWS].astype(str).apply(lambda c: c.str.strip())
    filled = (head != "").sum(axis=1).to_numpy()
    if not filled.any():
        return 0
    first = int(np.argmax(filled > 0))  # blank lines above the header are no title
    widest = int(filled.max())
    if widest < 2:
        return first
    need = max(2, -(-widest // 2))
    top = int(next(i for i, count in enumerate(filled) if count >= need))
    if top > first:
        cells = [c for c in head.iloc[top].tolist() if c]
        numeric = sum(bool(_DATA_CELL.match(c)) for c in cells)
        if 4 * numeric >= len(cells):
            return first
    return top


def _total_rows(body: pd.DataFrame) -> pd.Index:
    """Rows of ``body`` whose first non-blank cell is a total label (:data:`_TOTAL_LABEL`)."""
    if body.empty or not len(body.columns):
        return body.index[:0]
    codes, uniques = pd.factorize(body.iloc[:, 0].to_numpy())  # each distinct text once
    texts = [str(u).strip() for u in uniques]
    total = np.array([bool(_TOTAL_LABEL.match(t)) for t in texts] + [False])[codes]
    blank = np.array([not t for t in texts] + [True])[codes]
    if blank.any():  # few rows: their first filled cell, looked for across the row
        cells = body.loc[blank].apply(lambda c: c.astype(str).str.strip()).to_numpy(dtype=str)
        filled = cells != ""
        first = cells[np.arange(len(cells)), filled.argmax(axis=1)]
        total[blank] = [bool(_TOTAL_LABEL.match(t)) for t in first]
    return body.index[total]


def _row_span(rows: list[int]) -> str:
    return (_("row {row}").format(row=rows[0]) if len(rows) == 1 else
            _("rows {first}-{last}").format(first=rows[0], last=rows[-1])
            if rows == list(range(rows[0], rows[-1] + 1)) else
            _("rows {rows}").format(rows=", ".join(map(str, rows))))


def _frame_from_grid(grid: pd.DataFrame, file: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The table of ``grid`` (header found by :func:`header_position`, total lines left out)
    and the notes saying what was skipped."""
    if grid.shape[0] == 0:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("file is empty: a header row is required"))])
    top = header_position(grid)
    notes = []
    title = next((str(v).strip() for v in grid.iloc[:top].to_numpy().ravel()
                  if str(v).strip()), "")
    if title:
        notes.append(_("{file}: {rows} above the header skipped (a report title: {title})")
                     .format(file=file, rows=_row_span(list(range(1, top + 1))),
                             title=repr(title)))
    header = _unique_header([str(h).strip() for h in grid.iloc[top].tolist()], file)
    # cells keep their spaces here; each field strips its distinct values (cheaper)
    body = grid.iloc[top + 1:].copy()
    body.columns = header
    body = body.loc[:, [h != "" for h in header]]
    body.index = pd.RangeIndex(top + 2, top + 2 + len(body))
    if len(body.columns):
        body = body[(body != "").any(axis=1)]
    totals = _total_rows(body)
    if len(totals):
        notes.append(_("{file}: total lines skipped ({rows}: {label})").format(
            file=file, rows=_row_span([int(r) for r in totals]),
            label=repr(next(str(v).strip() for v in body.loc[totals[0]].tolist()
                            if str(v).strip()))))
        body = body.drop(index=totals)
    return body, tuple(notes)


def _widest_row(text: str, sep: str) -> int:
    """The most fields of a row among the first :data:`HEADER_SEARCH_ROWS` + 1 rows (a report
    title above the header has fewer than the header: pandas would size the table by it)."""
    rows = itertools.islice(csv.reader(io.StringIO(text), delimiter=sep, quotechar='"'),
                            HEADER_SEARCH_ROWS + 1)
    try:
        return max((len(row) for row in rows), default=0)
    except csv.Error:
        return 0


def _unwrap_text_formulas(text: str, sep: str) -> tuple[str, int]:
    """Cells exported as Excel text formulas, ``="00123"`` (so that Excel keeps the leading
    zeros), as the quoted text they stand for; and how many there were. Their quotes do not
    start the field, so a CSV parser would split ``="1,250.00"`` at its comma."""
    if '="' not in text:
        return text, 0
    return re.subn(rf'(^|{re.escape(sep)})="', r'\1"', text, flags=re.MULTILINE)


def _sep_line(text: str) -> tuple[str | None, str]:
    """Excel's ``sep=X`` first line: the delimiter it names and the text after it."""
    end = text.find("\n")
    found = _SEP_LINE.match(text[:end if end >= 0 else len(text)][:16].strip())
    if found is None:  # no copy of a large text for nothing
        return None, text
    return found.group(1), (text[end + 1:] if end >= 0 else "")


def read_delimited(data: bytes, file: str, encoding: str | None = None,
                   delimiter: str | None = None) -> Source:
    """Read a delimited text export.

    Raises
    ------
    InvalidInputError
        If the bytes do not decode (line named) or the text is not delimited rows.
    """
    decoded = read_text(data, file, encoding)
    named, text = _sep_line(decoded.text)
    sep = delimiter or named or sniff_delimiter(text)
    text, formulas = _unwrap_text_formulas(text, sep)
    width = _widest_row(text, sep)
    try:
        grid = pd.read_csv(io.StringIO(text), header=None, dtype=str, sep=sep,
                           keep_default_na=False, na_filter=False, skip_blank_lines=False,
                           engine="c", quotechar='"',
                           names=range(width) if width > 1 else None)
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
    frame, notes = _frame_from_grid(grid, file)
    if formulas:
        notes = (_("{file}: {count} cell(s) written as Excel text formulas (=\"00123\") read as "
                   "their text").format(file=file, count=formulas), *notes)
    return Source(file, frame, "csv", decoded.encoding, sep, notes)


def sheet_file(file: str, sheet: str) -> str:
    """How a workbook's sheet is named to the user (in problems, notes and the printout)."""
    return _("{file}, sheet {sheet}").format(file=file, sheet=repr(sheet))


def read_workbook(data: bytes, file: str, engine: str = "openpyxl",
                  kind: str = "", form: str = "xlsx") -> list[Source]:
    """Read a workbook (cells as a user would type them): every sheet that holds a table, in
    the workbook's order. A workbook of several sheets names each (:attr:`Source.sheet`, and
    ``file`` says the sheet); empty sheets beside others are left out. ``engine``: openpyxl
    for XLSX, calamine for Excel 97-2003 (.xls) and OpenDocument (.ods); ``kind`` names the
    format in a problem (default: by the engine), ``form`` in :attr:`Source.format`.

    Raises
    ------
    InvalidInputError
        If the file is not a readable workbook, or none of its sheets is a table (the first
        sheet's problem).
    """
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=object,
                               engine=engine)
    except Exception as exc:  # openpyxl and calamine raise many types for a damaged file
        kind = kind or ("XLSX" if engine == "openpyxl" else "XLS (Excel 97-2003)")
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot be read as an {kind} workbook: {error}")
                                         .format(kind=kind, error=exc))]) from None
    read: list[Source] = []
    unreadable: list[InvalidInputError] = []
    several = len(sheets) > 1
    for name, grid in sheets.items():
        text = pd.DataFrame({i: _column_text(grid.iloc[:, i]) for i in range(grid.shape[1])})
        if several and text.shape[0] == 0:
            continue  # an empty sheet beside others
        where = sheet_file(file, str(name)) if several else file
        try:
            frame, notes = _frame_from_grid(text, where)
        except InvalidInputError as exc:  # e.g. a cover sheet repeating a heading
            unreadable.append(exc)
            continue
        read.append(Source(where, frame, form, notes=notes,
                           sheet=str(name) if several else "", sheets=tuple(map(str, sheets))))
    if not read:  # no sheet is a table: the first one's problem
        if unreadable:
            raise unreadable[0]
        _frame_from_grid(pd.DataFrame(), file)
    return read


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


def read_sources(path: Path, encoding: str | None = None,
                 delimiter: str | None = None) -> list[Source]:
    """Read an export by its first bytes (an Excel 97-2003 or OpenDocument workbook, an XLSX,
    Parquet), else by its suffix, else as delimited text: one table, or for a workbook each
    sheet that holds one.

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
    # the bytes first: an .xls that is an XLSX inside (or the other way round) is common
    if data.startswith(_OLE2) or (suffix == ".xls" and not data.startswith(_ZIP)):
        return read_workbook(data, file, engine="calamine", form="xls")
    if (data.startswith(_ZIP) and _ODS in data[:_ZIP_HEAD]) or \
            (suffix == ".ods" and not data.startswith(_ZIP)):
        return read_workbook(data, file, engine="calamine", kind="ODS (OpenDocument)",
                             form="ods")
    if data.startswith(_ZIP) or suffix in (".xlsx", ".xlsm"):
        return read_workbook(data, file)
    if data.startswith(_PARQUET) or suffix in (".parquet", ".pq"):
        return [read_parquet(data, file)]
    return [read_delimited(data, file, encoding, delimiter)]

"""The mapping an import used, per file, as an editable TOML (``mapping.toml``).

::

    [[file]]
    name = "orders.csv"          # matched by file name when given back with --mapping
    table = "sales"
    encoding = "cp950"
    delimiter = ","
    date_format = "ROC"
    decimal = "."
    [file.columns]
    "訂單編號" = "order_id"
    "備註" = ""                  # "" = not imported (listed as unplaced)

    [[file]]
    name = "export.xlsx"
    sheet = "商品"               # a workbook of several sheets: one entry per sheet read
    table = "skus"

A mapping given back with ``--mapping`` wins over detection for the files (and sheets) it
names; an entry without a sheet is taken for each sheet of the workbook whose header holds
every column it names (for every sheet, if it names none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _
from salesflow.data.importing.columns import SYNONYMS
from salesflow.data.importing.defaults import read_toml
from salesflow.data.importing.delimited import sheet_file
from salesflow.data.importing.recognise import KIND_BY_TABLE

FIELDS = tuple(SYNONYMS)


@dataclass
class FileMapping:
    """How one file was (or is to be) imported."""

    name: str
    table: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    date_format: str = ""
    decimal: str = ""
    sheet: str = ""

    @property
    def label(self) -> str:
        """The file (and sheet) as the printout names it."""
        return sheet_file(self.name, self.sheet) if self.sheet else self.name


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n",
            "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and control characters escaped
    (a header with a line break, ``"數量\\n(個)"``, is a column name like any other)."""
    escaped = "".join(_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 or c == "\x7f"
                                          else c) for c in text)
    return f'"{escaped}"'


def mapping_toml(mappings: list[FileMapping]) -> str:
    """The TOML text of ``mappings`` (with a comment naming the fields)."""
    lines = ["# salesflow import mapping: edit and pass back with --mapping.",
             "# columns: source column = field ('' = not imported). Fields: " + ", ".join(FIELDS),
             "# tables: " + ", ".join(KIND_BY_TABLE), ""]
    for m in mappings:
        lines += ["[[file]]", f"name = {toml_string(m.name)}"]
        if m.sheet:
            lines.append(f"sheet = {toml_string(m.sheet)}")
        lines.append(f"table = {toml_string(m.table or '')}")
        for key in ("encoding", "delimiter", "date_format", "decimal"):
            lines.append(f"{key} = {toml_string(getattr(m, key))}")
        lines.append("[file.columns]")
        for source, target in m.columns.items():
            lines.append(f"{toml_string(source)} = {toml_string(target)}")
        for source in m.unplaced:
            lines.append(f"{toml_string(source)} = \"\"  # not placed")
        lines.append("")
    return "\n".join(lines)


def read_mapping(path: Path) -> dict[tuple[str, str], FileMapping]:
    """Read a mapping file; (file name, sheet or "") -> mapping.

    Raises
    ------
    InvalidInputError
        If the TOML does not parse or names an unknown table or field.
    """
    file = str(path)
    raw = read_toml(path)
    problems: list[Problem] = []
    out: dict[tuple[str, str], FileMapping] = {}
    for entry in raw.get("file", []):
        name = str(entry.get("name", ""))
        sheet = str(entry.get("sheet", ""))
        table = str(entry.get("table", "")) or None
        if not name:
            problems.append(Problem(file, None, "file.name", None,
                                    _("every [[file]] needs a name")))
            continue
        if table is not None and table not in KIND_BY_TABLE:
            problems.append(Problem(file, None, "file.table", table,
                                    _("unknown table; known: {known}").format(
                                        known=", ".join(KIND_BY_TABLE))))
        columns: dict[str, str] = {}
        unplaced: list[str] = []
        for source, target in dict(entry.get("columns", {})).items():
            if target == "":
                unplaced.append(source)
            elif target not in FIELDS:
                problems.append(Problem(file, None, f"columns.{source}", str(target),
                                        _("unknown field; known: {known}").format(
                                            known=", ".join(FIELDS))))
            else:
                columns[source] = str(target)
        out[name, sheet] = FileMapping(
            name, table, columns, unplaced, encoding=str(entry.get("encoding", "")),
            delimiter=str(entry.get("delimiter", "")),
            date_format=str(entry.get("date_format", "")),
            decimal=str(entry.get("decimal", "")), sheet=sheet)
    if problems:
        raise InvalidInputError(problems)
    return out

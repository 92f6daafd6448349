"""``import_files``: company exports -> a salesflow dataset folder, written atomically.

Steps: read each file (:mod:`.delimited`; of a workbook every sheet whose columns are
recognised, each as if it were a file of its own), place its columns and recognise its kind
(:mod:`.recognise`, or the ``--mapping`` given), type its cells (:mod:`.convert`), build the
tables (:mod:`.sales`, :mod:`.master`), then write everything into a temporary folder beside
``out`` and rename it into place: on any error nothing is left half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from salesflow.data.dataset.config import PlanningConfig, default_config_toml
from salesflow.data.errors import InvalidInputError, Problem, UserError
from salesflow.data.i18n import _
from salesflow.data.importing.columns import period_columns
from salesflow.data.importing.convert import Converted, convert
from salesflow.data.importing.defaults import ImportDefaults
from salesflow.data.importing.delimited import Source, read_sources
from salesflow.data.importing.mapping import FileMapping, mapping_toml
from salesflow.data.importing.master import (
    build_customers,
    build_inventory,
    build_open_orders,
    build_skus,
    build_suppliers,
    process_steps,
)
from salesflow.data.importing.recognise import recognise
from salesflow.data.importing.sales import Assumption, SalesLines, build_sales
from salesflow.data.outputs.writers import newline_line_breaks

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: steps done of ``total``, what is being done now."""

MAPPING_FILE = "mapping.toml"
RETURNS_FILE = "returns.csv"
ASSUMPTIONS_FILE = "assumptions.csv"


@dataclass
class ImportResult:
    """What an import did: the mapping per file, the rows per table written, the returns
    kept apart, the stated defaults, and notes on tables not written (with the reason)."""

    out: Path
    mappings: list[FileMapping]
    rows: dict[str, int]
    returns: int
    return_reasons: dict[str, int]
    assumptions: list[Assumption]
    scores: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"out": str(self.out), "files": [asdict(m) for m in self.mappings],
                "scores": self.scores, "rows": self.rows, "returns": self.returns,
                "return_reasons": self.return_reasons,
                "assumptions": [asdict(a) for a in self.assumptions], "notes": self.notes}


#: Period columns (weeks, months) that make an export a report with one column per period.
WIDE_PERIODS = 3

#: What a folder given to the import is read for (its other files are left alone).
EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".dat", ".xlsx", ".xlsm", ".xls", ".ods",
                   ".parquet", ".pq")


def _listed(found: list[Path]) -> list[Path]:
    """Exports among ``found``, by name: no hidden files, no Office lock files (``~$book.xlsx``,
    there while a workbook is open)."""
    return sorted((f for f in found if f.is_file() and not f.name.startswith((".", "~$"))
                   and f.suffix.lower() in EXPORT_SUFFIXES), key=lambda f: str(f))


def expand_paths(paths: list[Path], problems: list[Problem]) -> list[Path]:
    """The files to import: a file as given; a folder as its exports (:data:`EXPORT_SUFFIXES`,
    not its subfolders); a name with ``*`` or ``?`` that is no file as the exports it matches
    (shells on Windows do not expand them). A folder or pattern with none is a problem."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = _listed(list(path.iterdir()))
            if not found:
                problems.append(Problem(str(path), None, None, None, _(
                    "the folder holds no exports ({suffixes})").format(
                        suffixes=", ".join(EXPORT_SUFFIXES))))
            files += found
        elif not path.exists() and any(c in str(path) for c in "*?["):
            root = Path(path.anchor) if path.is_absolute() else Path()
            found = _listed(list(root.glob(str(path.relative_to(root)))))
            if not found:
                problems.append(Problem(str(path), None, None, None,
                                        _("no export matches this pattern")))
            files += found
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def _mapping_for(path: Path, src: Source, given: FileMapping | None) \
        -> tuple[FileMapping, dict[str, int]]:
    names = list(src.frame.columns)
    found = recognise(names, given.table if given else None)
    if given is not None and given.columns:
        columns = {c: f for c, f in given.columns.items()}
        unplaced = [n for n in names if n not in columns]
    else:
        columns, unplaced = found.columns, found.unplaced
    mapping = FileMapping(path.name, given.table if given and given.table else found.table,
                          columns, unplaced, src.encoding, src.delimiter,
                          given.date_format if given else "", given.decimal if given else "",
                          sheet=src.sheet)
    return mapping, found.scores


def _given(mappings: dict[tuple[str, str], FileMapping], name: str,
           src: Source) -> FileMapping | None:
    """The mapping given for ``src``: its own entry (file and sheet), else, for a sheet, the
    file's entry without a sheet if this sheet's header holds every column that entry names
    (an entry naming no columns is taken for every sheet)."""
    own = mappings.get((name, src.sheet))
    if own is not None or not src.sheet:
        return own
    whole = mappings.get((name, ""))
    if whole is not None and set(whole.columns) <= set(src.frame.columns):
        return whole
    return None


def _period_report(src: Source) -> list[str]:
    """The period columns of ``src`` if it is a report with one column per period (at least
    :data:`WIDE_PERIODS` of them), else none."""
    periods = period_columns([str(c) for c in src.frame.columns])
    return periods if len(periods) >= WIDE_PERIODS else []


def _sheets_to_read(path: Path, sources: list[Source],
                    mappings: dict[tuple[str, str], FileMapping], notes: list[str]) \
        -> list[Source]:
    """Of a workbook's sheets, those whose columns are recognised as a table (a report with one
    column per period is not one) or that the mapping names (of none, the first, whose problem
    is then reported); the others are named in a note. A text file or a workbook of one sheet
    is read as it is."""
    if len(sources) == 1 and not sources[0].sheet:
        return sources
    chosen = [src for src in sources if _given(mappings, path.name, src) is not None
              or (recognise([str(c) for c in src.frame.columns]).table is not None
                  and not _period_report(src))]
    chosen = chosen or sources[:1]
    read = {src.sheet for src in chosen}
    others = [s for s in sources[0].sheets if s not in read]
    if others:
        shown = ", ".join(repr(s) for s in others)
        notes.append(_("{file}: sheet {sheet} read; not read: {others}").format(
            file=path, sheet=repr(chosen[0].sheet), others=shown) if len(chosen) == 1 else
            _("{file}: sheets {sheets} read; not read: {others}").format(
                file=path, sheets=", ".join(repr(src.sheet) for src in chosen), others=shown))
    return chosen


def _read_all(paths: list[Path], mappings: dict[tuple[str, str], FileMapping],
              encoding: str | None, date_format: str | None, problems: list[Problem],
              notes: list[str], progress: Progress) \
        -> tuple[list[Converted], list[FileMapping], dict[str, dict[str, int]]]:
    parts: list[Converted] = []
    used: list[FileMapping] = []
    scores: dict[str, dict[str, int]] = {}
    for done, path in enumerate(paths):
        progress(done, len(paths) + 2, path.name)
        whole = mappings.get((path.name, ""))
        forced = encoding or (whole.encoding if whole and whole.encoding else None)
        delimiter = whole.delimiter if whole and whole.delimiter else None
        try:
            sources = read_sources(path, forced, delimiter)
        except InvalidInputError as exc:
            problems += exc.problems
            continue
        for src in _sheets_to_read(path, sources, mappings, notes):
            notes += src.notes
            given = _given(mappings, path.name, src)
            mapping, found = _mapping_for(path, src, given)
            scores[mapping.label] = found
            used.append(mapping)
            periods = _period_report(src) if given is None else []
            if periods:
                problems.append(Problem(
                    src.file, 1, None, None,
                    _("{count} columns are periods ({first} ... {last}): this is a report with "
                      "one column per period, not sales lines; export the sales lines instead "
                      "(one row per sale or per product and day: date, product, quantity)")
                    .format(count=len(periods), first=repr(periods[0]),
                            last=repr(periods[-1]))))
                continue
            if mapping.table is None:
                problems.append(Problem(
                    src.file, 1, None, None,
                    _("cannot tell what this file holds: no columns for sales lines (date, "
                      "product, quantity), products, stock, customers or suppliers; columns "
                      "found: {found}; name them in a --mapping file").format(
                          found=", ".join(map(repr, src.frame.columns)))))
                continue
            converted = convert(src, mapping, date_format, problems)
            if converted is not None:
                parts.append(converted)
    return parts, used, scores


def _tables(parts: list[Converted], defaults: ImportDefaults, problems: list[Problem],
            assumed: list[Assumption], notes: list[str]) \
        -> tuple[dict[str, pd.DataFrame], SalesLines | None]:
    sales_parts = [c for c in parts if c.table == "sales"]
    sales = build_sales(sales_parts, defaults, problems, assumed) if sales_parts else None
    if sales is None:
        problems.append(Problem("(import)", None, None, None,
                                _("no sales lines among the files: a dataset needs the sales "
                                  "history (order date, product, quantity)")))
    if sales is not None and sales.lines.empty and not problems:
        problems.append(Problem(", ".join(c.file for c in sales_parts), None, None, None,
                                _("no sales lines to plan from ({count} returns and nothing "
                                  "else): a dataset needs the sales history").format(
                                      count=len(sales.returns))))
    if problems or sales is None:
        return {}, sales
    tables: dict[str, pd.DataFrame] = {}
    columns = ["order_id", "order_date", "customer_id", "sku", "quantity"]
    columns += [c for c in ("unit_price", "order_time") if c in sales.lines]
    tables["sales"] = sales.lines.loc[:, columns]
    tables["skus"] = build_skus(parts, sales, defaults, assumed)
    tables["suppliers"] = build_suppliers(parts, tables["skus"], defaults, assumed)
    tables["inventory"] = build_inventory(parts, tables["skus"], problems, assumed)
    orders = build_open_orders(parts)
    if orders is not None:
        tables["open_orders"] = orders
    customers = build_customers(parts, sales, assumed, notes)
    if customers is not None:
        tables["customers"] = customers
    if any(c.table == "employees" for c in parts):
        notes.append(_("employees: not written (shift types and skills are needed for a "
                       "roster; fill them with salesflow template)"))
    tables["process_steps"] = process_steps(assumed)
    return tables, sales


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as CSV with ``\\n`` line ends, line breaks in cells kept inside their row."""
    newline_line_breaks(frame).to_csv(path, index=False, lineterminator="\n")


def _write(folder: Path, tables: dict[str, pd.DataFrame], sales: SalesLines,
           result: ImportResult, defaults: ImportDefaults) -> None:
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype.kind == "M":
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        _write_csv(frame, folder / f"{name}.csv")
    returns = sales.returns.copy()
    returns["order_date"] = returns["order_date"].dt.strftime("%Y-%m-%d")
    _write_csv(returns, folder / RETURNS_FILE)
    _write_csv(pd.DataFrame([asdict(a) for a in result.assumptions],
                            columns=["table", "key", "column", "value", "why"]),
               folder / ASSUMPTIONS_FILE)
    (folder / MAPPING_FILE).write_text(mapping_toml(result.mappings), encoding="utf-8")
    (folder / "config.toml").write_text(default_config_toml(
        PlanningConfig(import_=defaults), with_import=True),
        encoding="utf-8")


def _place(tmp: Path, out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(_("{folder} exists and is not a folder").format(folder=out))
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise UserError(_("{folder} is not empty; choose another folder or pass --force")
                            .format(folder=out))
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.replace(old)
        tmp.replace(out)
        shutil.rmtree(old, ignore_errors=True)
        return
    if out.is_dir():
        out.rmdir()
    tmp.replace(out)


def _merge_repeats(assumed: list[Assumption]) -> list[Assumption]:
    """One row per (table, key, column, value): the same default taken for many files is
    stated once, with the number of files."""
    merged: dict[tuple[str, str, str, str], list[Assumption]] = {}
    for a in assumed:
        merged.setdefault((a.table, a.key, a.column, a.value), []).append(a)
    return [group[0] if len(group) == 1 else
            Assumption(*key, _("{why} (and {count} more files)").format(
                why=group[0].why, count=len(group) - 1))
            for key, group in merged.items()]


def import_files(paths: list[Path], out: Path, *,
                 mappings: dict[tuple[str, str], FileMapping] | None = None,
                 encoding: str | None = None, date_format: str | None = None,
                 defaults: ImportDefaults | None = None, force: bool = False,
                 progress: Progress = lambda done, total, label: None) -> ImportResult:
    """Import ``paths`` (files, folders of exports, patterns: :func:`expand_paths`) into the
    dataset folder ``out`` (see the module docstring). ``progress(done, total, label)`` is
    told of each file read, then of building the tables and of writing ``out``.

    Raises
    ------
    InvalidInputError
        With every problem found in the files (nothing is written then).
    UserError
        If ``out`` is not empty and ``force`` is not set.
    """
    defaults = defaults or ImportDefaults()
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UserError(_("{folder} is not empty; choose another folder or pass --force").format(
            folder=out))
    problems: list[Problem] = []
    notes: list[str] = []
    paths = expand_paths(paths, problems)
    parts, used, scores = _read_all(paths, mappings or {}, encoding, date_format, problems,
                                    notes, progress)
    progress(len(paths), len(paths) + 2, _("the tables"))
    assumed: list[Assumption] = []
    tables, sales = _tables(parts, defaults, problems, assumed, notes) if not problems \
        else ({}, None)
    if problems or sales is None:
        raise InvalidInputError(problems or [Problem("(import)", None, None, None,
                                                     _("nothing to import"))],
                                summary=_("the files cannot be imported"))
    assumed = _merge_repeats(assumed)
    reasons = sales.returns["reason"].str.replace(r"^(status|document type) .*", r"\1",
                                                  regex=True).value_counts()
    result = ImportResult(out, used, {n: len(f) for n, f in tables.items()},
                          len(sales.returns), {str(k): int(v) for k, v in reasons.items()},
                          assumed, scores, notes)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.tmp-") as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        progress(len(paths) + 1, len(paths) + 2, str(out))
        _write(folder, tables, sales, result, defaults)
        _place(folder, out, force)
    return result

"""Hypothesis strategies for whole planning datasets, table by table and column by column.

:func:`datasets` draws a valid dataset of every table of the data contract (each optional table
absent, header-only or with rows; each optional column given, blank in every row or absent),
then applies a few mutations: cells set to odd values (Excel-style numbers, nulls, whitespace,
wrong types, extreme and negative numbers, non-ASCII and very long text, dates out of range),
blank or dropped columns, duplicated rows, dangling references, header changes, header-only or
missing tables, empty files, ragged rows, and files written as XLSX or Parquet, with a BOM, a
``;`` delimiter, CRLF line ends or another encoding. An unmutated dataset is valid.

:func:`write_dataset` writes one to a folder and returns the problems the loader must report
(file, row, column) for the cells known to be bad, so that a test can check that every answer
names them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from salesflow.data.dataset.schema import TABLES, Column, ColumnType, Table

FIRST_DAY, LAST_DAY = dt.date(2024, 1, 1), dt.date(2026, 11, 27)
SKILLS = ("picker", "packer", "sales_admin", "shipper", "倉管")
ID_PREFIXES = ("", "品號-", "Å")
DANGLING = "NO-SUCH-ID"

BAD_NUMBERS = ("abc", "12%", "1,234.50", "TRUE", "#N/A", "N/A", "=A1*2", "NULL", "nan", "inf",
               "-inf", "1e309", "0x1A", "#DIV/0!", "1.2.3", "\u200b5", "12 kg", "$5")
"""Cells no number column may accept (each must be reported with its row and column)."""

ODD_VALUES = (*BAD_NUMBERS,
    "", " ", "\t", "  7  ", "-1", "-0", "-0.0", "0", "1e-320", "5e-324", "1e308", "-1e308",
    "1.7976931348623157e308", "99999999999999999999", "9223372036854775808", "1.5E+03",
    "１２", "١٢", "½", "None", "NaN", "Infinity", "FALSE", "true", "Y", "是", "1_000",
    "2026-02-29", "2026-02-30", "2026-13-01", "0001-01-01", "1899-12-31", "1900-01-01",
    "2200-12-31", "2201-01-01", "9999-12-31", "31/12/2026", "2026/12/31", "12.11.2026", "45000",
    "115/11/20", "2026-11-16T10:00", "2026-11-16 00:00:00", "00:00", "24:00", "24:01", "23:60",
    "7:05", "07:05:30", "-01:00", "25:00", "Mon", "mon;THU", "Mon;Funday", ";;", " ; ",
    "2026-01-01;x", "2026-01-05;2026-01-06", "picker;;packer", "Größe", "品號", "🙂", "שלום",
    "\x00", "\x1b[31m", '"', "'", "a,b", "a;b", "=cmd|' /C calc'!A0", "x" * 5000, "é" * 300,
    "a\nb", "\r",
)
"""Odd cell values: Excel-style values, nulls, whitespace, wrong types, extremes, bad dates."""


@dataclass
class TableText:
    """One table as text cells, and how its file is written."""

    header: list[str]
    rows: list[list[str]]
    present: bool = True
    fmt: str = "csv"  # csv, xlsx or parquet
    encoding: str = "utf-8"
    sep: str = ","
    newline: str = "\n"
    empty_file: bool = False
    ragged: bool = False


@dataclass
class DatasetText:
    tables: dict[str, TableText]
    mutations: list[tuple[object, ...]] = field(default_factory=list)
    generic: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{len(self.mutations)} mutations: {self.mutations!r}"[:2000]


@dataclass(frozen=True)
class Expected:
    """A problem the loader must report: a bad cell of a cleanly written table."""

    file: str
    row: int
    column: str
    value: str


# ---------------------------------------------------------------- valid values, per column


def _number(col: Column, integer: bool, cap: float = 1e9) -> st.SearchStrategy[str]:
    lo = col.min if col.min is not None else -cap
    hi = col.max if col.max is not None else cap
    if integer:
        low = math.ceil(lo) + (0 if col.min_inclusive or lo != math.ceil(lo) else 1)
        return st.integers(low, int(min(hi, 10**6))).map(str)
    floats = st.floats(lo, hi, exclude_min=not col.min_inclusive,
                       exclude_max=not col.max_inclusive, allow_nan=False)
    return st.one_of(floats.map(repr), st.integers(math.ceil(lo) + 1, int(min(hi, 10**4)) - 1)
                     .map(str)) if hi - lo > 2 else floats.map(repr)


def _minutes_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
            min_size=1, max_size=12).filter(lambda s: s.strip() != ""),
    st.sampled_from(["Masking tape 50 mm", "Größe XL", "膠帶 50 mm", "café ☕", "y" * 400]),
)


def _cell(col: Column) -> st.SearchStrategy[str]:
    kind = col.type
    if kind is ColumnType.STRING:
        return TEXT
    if kind is ColumnType.INTEGER:
        return _number(col, True)
    if kind is ColumnType.FLOAT:
        return _number(col, False)
    if kind is ColumnType.DATE:
        return st.dates(FIRST_DAY, LAST_DAY).map(dt.date.isoformat)
    if kind is ColumnType.TIME:
        return st.integers(0, 1440).map(_minutes_text)
    if kind is ColumnType.BOOL:
        return st.sampled_from(["1", "0", "true", "False", "yes", "NO", "y", "n"])
    if kind is ColumnType.STRING_LIST:
        return st.lists(st.sampled_from(SKILLS), min_size=1, max_size=3).map(";".join)
    if kind is ColumnType.DATE_LIST:
        return st.lists(st.dates(FIRST_DAY, LAST_DAY).map(dt.date.isoformat),
                        max_size=3).map(";".join)
    return st.lists(st.sampled_from(["Mon", "tue", "Wednesday", "Thu", "Fri", "Sat", "Sun"]),
                    max_size=3).map(";".join)


def _ids(draw: st.DrawFn, prefix: str, low: int, high: int) -> list[str]:
    n = draw(st.integers(low, high))
    lead = draw(st.sampled_from(ID_PREFIXES))
    return [f"{lead}{prefix}{i + 1}" for i in range(n)]


def _window(draw: st.DrawFn, cross_midnight: bool = False) -> tuple[str, str, int]:
    """Two times, the second after the first (or anywhere else when crossing midnight)."""
    start = draw(st.integers(0, 1439))
    if cross_midnight:
        length = draw(st.integers(1, 1439))
        return _minutes_text(start), _minutes_text((start + length) % 1440), length
    end = draw(st.integers(start + 1, 1440))
    return _minutes_text(start), _minutes_text(end), end - start


# ---------------------------------------------------------------- valid tables


@dataclass(frozen=True)
class _Pools:
    skus: list[str]
    suppliers: list[str]
    customers: list[str]
    depots: list[str]


def _row(draw: st.DrawFn, table: str, **fixed: str) -> dict[str, str]:
    spec = TABLES[table]
    out = {c.name: draw(_cell(c)) for c in spec.columns if c.name not in fixed}
    return {**out, **fixed}


def _suppliers(draw: st.DrawFn, p: _Pools) -> list[dict[str, str]]:
    return [_row(draw, "suppliers", supplier_id=s) for s in p.suppliers]


def _skus(draw: st.DrawFn, p: _Pools) -> list[dict[str, str]]:
    return [_row(draw, "skus", sku=s, supplier_id=draw(st.sampled_from(p.suppliers)))
            for s in p.skus]


def _price_breaks(draw: st.DrawFn, skus: list[dict[str, str]]) -> list[dict[str, str]]:
    breaks = []
    for sku_row in skus:
        price = float(sku_row["unit_cost"])
        qty = 0.0
        for _ in range(draw(st.integers(0, 3))):
            qty += draw(st.floats(1, 1000))
            price = draw(st.floats(0, price))
            breaks.append({"sku": sku_row["sku"], "min_qty": repr(qty), "unit_price": repr(price)})
    return breaks


def _sales(draw: st.DrawFn, p: _Pools) -> list[dict[str, str]]:
    sales = []
    for number in range(draw(st.integers(1, 6))):
        day = draw(st.dates(FIRST_DAY, LAST_DAY)).isoformat()
        customer = draw(st.sampled_from(p.customers))
        for _ in range(draw(st.integers(1, 3))):
            sales.append(_row(draw, "sales", order_id=f"SO{number + 1}", order_date=day,
                              customer_id=customer, sku=draw(st.sampled_from(p.skus))))
    return sales


def _open_orders(draw: st.DrawFn, p: _Pools) -> list[dict[str, str]]:
    rows = []
    for number in range(draw(st.integers(1, 3))):
        for sku in draw(st.lists(st.sampled_from(p.skus), min_size=1, max_size=2, unique=True)):
            rows.append(_row(draw, "open_orders", po_id=f"PO{number + 1}", sku=sku))
    return rows


def _timed(draw: st.DrawFn, table: str, ids: list[str], id_column: str, first: str,
           second: str, **fixed: object) -> list[dict[str, str]]:
    rows = []
    for value in ids:
        start, end, _ = _window(draw)
        extra = {k: draw(v) if isinstance(v, st.SearchStrategy) else str(v)
                 for k, v in fixed.items()}
        rows.append(_row(draw, table, **{id_column: value, first: start, second: end}, **extra))
    return rows


def _employees(draw: st.DrawFn) -> list[dict[str, str]]:
    rows = []
    for number in range(draw(st.integers(1, 4))):
        low = draw(st.integers(0, 40))
        high = draw(st.integers(low, 60))
        rows.append(_row(draw, "employees", employee_id=f"E{number + 1}",
                         min_hours_week=str(low), max_hours_week=str(high)))
    return rows


def _shifts(draw: st.DrawFn) -> list[dict[str, str]]:
    rows = []
    for number in range(draw(st.integers(1, 3))):
        start, end, length = _window(draw, cross_midnight=True)
        rows.append(_row(draw, "shifts", shift_id=f"S{number + 1}", start=start, end=end,
                         break_minutes=str(draw(st.integers(0, length - 1)))))
    return rows


def _valid_table(draw: st.DrawFn, name: str, p: _Pools,
                 done: dict[str, list[dict[str, str]]]) -> list[dict[str, str]] | None:
    """Valid rows of table ``name`` (``None`` for a table the generator has no rules for)."""
    n = draw(st.integers(1, 4))
    if name == "suppliers":
        return _suppliers(draw, p)
    if name == "skus":
        return _skus(draw, p)
    if name == "sales":
        return _sales(draw, p)
    if name == "price_breaks":
        return _price_breaks(draw, done["skus"])
    if name == "inventory":
        return [_row(draw, "inventory", sku=s) for s in p.skus[:n]]
    if name == "open_orders":
        return _open_orders(draw, p)
    if name == "customers":
        return _timed(draw, "customers", p.customers, "customer_id", "window_start",
                      "window_end")
    if name == "deliveries":
        return [_row(draw, "deliveries", order_id=f"SO{i + 1}",
                     customer_id=draw(st.sampled_from(p.customers))) for i in range(n)]
    if name == "depots":
        return _timed(draw, "depots", p.depots, "depot_id", "open", "close")
    if name == "vehicles":
        return _timed(draw, "vehicles", [f"V{i + 1}" for i in range(n)], "vehicle_id",
                      "shift_start", "shift_end", depot_id=st.sampled_from(p.depots))
    if name == "employees":
        return _employees(draw)
    if name == "shifts":
        return _shifts(draw)
    if name == "process_steps":
        return [_row(draw, "process_steps", step=f"step{i + 1}",
                     skill=draw(st.sampled_from(SKILLS))) for i in range(n)]
    return None


def _generic_rows(draw: st.DrawFn, name: str) -> list[dict[str, str]]:
    """Rows of any table, each cell a valid value of its column alone (ids from no pool, so
    keys and references may clash): the rows of a table the generator has no rules for."""
    return [{c.name: draw(_cell(c)) for c in TABLES[name].columns}
            for _ in range(draw(st.integers(1, 3)))]


OPTIONAL_TABLES = tuple(name for name, spec in TABLES.items() if not spec.required)


@st.composite
def valid_datasets(draw: st.DrawFn, max_optional: int = len(OPTIONAL_TABLES)) -> DatasetText:
    """A valid dataset: sales, skus, suppliers and up to ``max_optional`` optional tables with
    rows, the others absent or header-only; optional columns given, blank everywhere or
    absent."""
    pools = _Pools(_ids(draw, "SKU", 1, 4), _ids(draw, "SUP", 1, 2), _ids(draw, "C", 1, 4),
                   _ids(draw, "D", 1, 2))
    with_rows = set(draw(st.lists(st.sampled_from(OPTIONAL_TABLES), max_size=max_optional,
                                  unique=True)))
    rows: dict[str, list[dict[str, str]]] = {}
    tables: dict[str, TableText] = {}
    for name, spec in TABLES.items():
        state = "absent"
        if spec.required or name in with_rows:
            body_rows = _valid_table(draw, name, pools, rows)
            if body_rows is not None:
                rows[name] = body_rows
                state = "rows"
        if state == "absent" and draw(st.integers(0, 5)) == 0:
            state = "header"
        columns = []
        blank: set[str] = set()
        coordinates = draw(st.sampled_from(["given", "blank", "absent"]))  # lat, lon together
        for col in spec.columns:
            use = "given" if col.required else draw(
                st.sampled_from(["given", "given", "blank", "absent"]))
            if name == "customers" and col.name in ("lat", "lon"):
                use = coordinates
            if use == "absent":
                continue
            if use == "blank":
                blank.add(col.name)
            columns.append(col.name)
        body = [] if state != "rows" else [
            ["" if c in blank else r[c] for c in columns] for r in rows.get(name, [])]
        tables[name] = TableText(columns, body, present=state != "absent")
    return DatasetText(tables)


# ---------------------------------------------------------------- mutations

CELL_VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=20),
    st.floats().map(repr),
    st.integers(-10**20, 10**20).map(str),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
)

MUTATION_KINDS = ("cell", "cell", "cell", "cell", "blank_column", "drop_column", "dup_row",
                  "dangling", "header_only", "absent", "empty_file", "header_case", "dup_header",
                  "extra_column", "ragged", "format", "reverse", "blank_row", "generic_rows")

FILE_STYLES = st.tuples(
    st.sampled_from(["csv", "csv", "csv", "xlsx", "parquet"]),
    st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "big5", "latin-1"]),
    st.sampled_from([",", ",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)

ROW_KINDS = frozenset({"cell", "dup_row", "dangling", "ragged", "reverse", "blank_row",
                       "blank_column", "extra_column"})
"""Mutations that only change something in a table with rows."""


@st.composite
def mutations(draw: st.DrawFn, ds: DatasetText) -> tuple[object, ...]:
    """One mutation; those needing rows mostly pick a table that has some."""
    kind = draw(st.sampled_from(MUTATION_KINDS))
    with_rows = sorted(name for name, t in ds.tables.items() if t.present and t.rows)
    if kind in ROW_KINDS and with_rows and draw(st.integers(0, 9)):
        name = draw(st.sampled_from(with_rows))
    else:
        name = draw(st.sampled_from(sorted(TABLES)))
    value = draw(st.one_of(st.sampled_from(ODD_VALUES), CELL_VALUES))
    return (kind, name, draw(st.integers(0, 50)), draw(st.integers(0, 20)), value,
            draw(FILE_STYLES))


def _apply(ds: DatasetText, mutation: tuple[object, ...]) -> None:
    kind, name, r, c, value, style = mutation
    assert isinstance(name, str) and isinstance(r, int) and isinstance(c, int)
    assert isinstance(value, str) and isinstance(style, tuple)
    table = ds.tables[name]
    width = len(table.header)
    if kind == "absent":
        table.present = False
    elif kind == "generic_rows":
        table.present = True
        table.rows = [[cells.get(h, value) for h in table.header] for cells in ds.generic[name]]
    elif kind == "empty_file":
        table.present, table.empty_file = True, True
    elif kind == "header_only":
        table.rows = []
    elif kind == "format":
        table.fmt, table.encoding, table.sep, table.newline = style
    elif kind == "reverse":
        table.rows.reverse()
    elif kind == "extra_column":
        table.header.append(value.strip().lower() or "note")
        for cells in table.rows:
            cells.append(value)
    elif kind == "blank_row" and table.rows:
        table.rows.insert(r % (len(table.rows) + 1), [""] * width)
    elif width == 0:
        return
    elif kind == "ragged" and table.rows:
        cells = table.rows[r % len(table.rows)]
        if c % 2:
            cells.append(value)
        elif cells:
            cells.pop()
        table.ragged = True
    elif kind == "cell" and table.rows:
        table.rows[r % len(table.rows)][c % width] = value
    elif kind == "blank_column":
        for cells in table.rows:
            cells[c % width] = ""
    elif kind == "drop_column":
        j = c % width
        table.header.pop(j)
        for cells in table.rows:
            cells.pop(j)
    elif kind == "dup_row" and table.rows:
        table.rows.append(list(table.rows[r % len(table.rows)]))
    elif kind == "dangling" and table.rows:
        refs = [j for j, h in enumerate(table.header)
                if h in TABLES[name].column_names and TABLES[name].column(h).references]
        if refs:
            table.rows[r % len(table.rows)][refs[c % len(refs)]] = DANGLING
    elif kind == "header_case":
        j = c % width
        table.header[j] = f"  {table.header[j].upper()} "
    elif kind == "dup_header" and width > 1:
        table.header[c % width] = table.header[(c + 1) % width]


@st.composite
def datasets(draw: st.DrawFn, max_mutations: int = 4,
             max_optional: int = len(OPTIONAL_TABLES)) -> DatasetText:
    """A valid dataset with up to ``max_mutations`` mutations (none in a third of them)."""
    ds = draw(valid_datasets(max_optional))
    count = draw(st.integers(1, max_mutations)) if draw(st.integers(0, 2)) and max_mutations \
        else 0
    for _ in range(count):
        mutation = draw(mutations(ds))
        if mutation[0] == "generic_rows":
            name = str(mutation[1])
            ds.generic[name] = _generic_rows(draw, name)
        _apply(ds, mutation)
        ds.mutations.append(mutation)
    return ds


# ---------------------------------------------------------------- writing


def _xlsx_value(cell: str) -> object:
    """Numbers and dates typed, as a spreadsheet holds them."""
    try:
        number = float(cell)
    except ValueError:
        pass
    else:
        if math.isfinite(number) and cell.strip() == cell and "_" not in cell:
            return number
    try:
        return dt.datetime.strptime(cell, "%Y-%m-%d")
    except ValueError:
        return cell


def _write_xlsx(path: Path, table: TableText) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", h) for h in table.header])
    for cells in table.rows:
        sheet.append([_xlsx_value(ILLEGAL_CHARACTERS_RE.sub("", v)) for v in cells])
    book.save(path)


def _write_parquet(path: Path, table: TableText) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    width = len(table.header)
    rows = [(cells + [""] * width)[:width] for cells in table.rows]
    arrays = [pa.array([cells[j] for cells in rows], type=pa.string()) for j in range(width)]
    pq.write_table(pa.Table.from_arrays(arrays, names=list(table.header)), path)


def _csv_bytes(table: TableText) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=table.sep, lineterminator=table.newline)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return buffer.getvalue().encode(table.encoding, errors="replace")


def _clean(table: TableText, data: bytes | None) -> bool:
    """Whether the loader must read this file cell by cell (so bad cells are reported)."""
    header = [h.strip().lower() for h in table.header]
    if table.empty_file or table.ragged or len(set(header)) != len(header) or "" in header:
        return False
    cells = [v for cells in table.rows for v in cells] + table.header
    if any(ch in v for v in cells for ch in "\n\r\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        return False
    if table.fmt == "xlsx":
        return False  # spreadsheet cells are retyped (numbers, dates): no exact oracle
    if table.fmt == "csv":
        assert data is not None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        first = text.split("\n", 1)[0]  # as the loader picks its delimiter
        loader_sep = ";" if first.count(";") > first.count(",") and first.count(",") == 0 \
            else ","
        return table.sep == loader_sep and "\ufffd" not in text and (
            table.encoding.startswith("utf-8") or text.isascii())
    return True


def write_dataset(ds: DatasetText, folder: Path) -> list[Expected]:
    """Write ``ds`` into ``folder``; return the bad cells the loader must report."""
    expected: list[Expected] = []
    for name, table in ds.tables.items():
        if not table.present:
            continue
        path = folder / f"{name}.{table.fmt}"
        data: bytes | None = None
        if table.empty_file:
            path.write_bytes(b"")
        elif table.fmt == "xlsx":
            _write_xlsx(path, table)
        elif table.fmt == "parquet":
            _write_parquet(path, table)
        else:
            data = _csv_bytes(table)
            path.write_bytes(data)
        if _clean(table, data):
            expected += _expected_cells(str(path), TABLES[name], table)
    return expected


def _expected_cells(file: str, spec: Table, table: TableText) -> list[Expected]:
    header = [h.strip().lower() for h in table.header]
    first_row = 1 if table.fmt == "parquet" else 2
    out = []
    for i, cells in enumerate(table.rows):
        if all(not v.strip() for v in cells):
            continue
        for name, value in zip(header, cells, strict=False):
            if name not in spec.column_names:
                continue
            col = spec.column(name)
            text = value.strip()
            if _bad_cell(col, text):
                out.append(Expected(file, first_row + i, name, text))
    return out


def _bad_cell(col: Column, text: str) -> bool:
    if text == "":
        return col.required
    if col.type not in (ColumnType.FLOAT, ColumnType.INTEGER):
        return False
    try:
        number = float(text)
    except ValueError:
        return True
    if not math.isfinite(number):
        return True
    low = col.min is not None and (number < col.min or (number == col.min
                                                        and not col.min_inclusive))
    high = col.max is not None and (number > col.max or (number == col.max
                                                         and not col.max_inclusive))
    return low or high

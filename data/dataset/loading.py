"""The planning dataset: load a folder of tables plus ``config.toml``, validated once.

>>> from salesflow.data.dataset import load_dataset, sample_data_dir
>>> ds = load_dataset(sample_data_dir())          # doctest: +SKIP
>>> ds.sales.head()                               # doctest: +SKIP

After :func:`load_dataset` returns, the tables are typed and trusted (DESIGN §3, STYLE
"validate once, at the boundary"); treat them as read-only.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import pandas as pd

from salesflow.data.dataset.config import PlanningConfig, parse_iso_week, read_config
from salesflow.data.dataset.readers import RawTable, find_table_file, read_table
from salesflow.data.dataset.schema import (
    MANUAL_PROCESS_STEPS,
    STAGE_TABLES,
    TABLES,
    ColumnType,
    Table,
    when_absent,
)
from salesflow.data.dataset.validation import (
    ProblemCollector,
    check_references,
    check_table_rules,
    parse_table,
)
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

CONFIG_FILE = "config.toml"


def sample_data_dir() -> Path:
    """The bundled sample dataset (``small`` size), the default ``--data``."""
    return Path(str(resources.files("salesflow.data") / "sample"))


_PARSED_DTYPES = {  # what the parsers return for each column type
    ColumnType.STRING: "str",
    ColumnType.INTEGER: "Int64",
    ColumnType.FLOAT: "float64",
    ColumnType.DATE: "datetime64[ns]",
    ColumnType.TIME: "Int64",
    ColumnType.BOOL: "bool",
    ColumnType.STRING_LIST: "object",
    ColumnType.DATE_LIST: "object",
    ColumnType.WEEKDAY_LIST: "object",
}


def empty_table(spec: Table) -> pd.DataFrame:
    """A typed table of ``spec`` with no rows: the dtypes of a loaded table of that spec."""
    return _empty_template(spec).copy()


@functools.lru_cache(maxsize=64)
def _empty_template(spec: Table) -> pd.DataFrame:
    # built once per spec (a dataset without its optional tables needs one each per load)
    return _finalize(spec, pd.DataFrame(
        {c.name: pd.Series(dtype=_PARSED_DTYPES[c.type]) for c in spec.columns}))


def _finalize(spec: Table, typed: pd.DataFrame) -> pd.DataFrame:
    """Trusted form of a validated table: concrete dtypes, 0..n-1 index."""
    frame = typed.copy(deep=False)  # a new index, the columns' data not copied
    frame.index = pd.RangeIndex(len(frame))
    for col in spec.columns:
        if col.type in (ColumnType.INTEGER, ColumnType.TIME) and (
            col.required or frame[col.name].notna().all()
        ):
            frame[col.name] = frame[col.name].astype("int64")
        elif col.type is ColumnType.FLOAT:
            frame[col.name] = frame[col.name].astype("float64")
        elif col.type in (ColumnType.STRING_LIST, ColumnType.DATE_LIST,
                          ColumnType.WEEKDAY_LIST):
            frame[col.name] = frame[col.name].map(lambda v: v if isinstance(v, tuple) else ())
    return frame


@dataclass(frozen=True)
class Dataset:
    """A validated planning dataset.

    Attributes
    ----------
    root:
        The folder it was read from.
    config:
        Settings from ``config.toml`` (defaults where absent).
    tables:
        Typed table per name (every table of the schema; optional ones may be empty).
    files:
        The file each table came from (``""`` for an absent optional table).
    fingerprint:
        SHA-256 over every input file's bytes: equal fingerprints, equal inputs.
    defaulted:
        The tables whose rows are defaults, not data (``process_steps`` when not given).

    An optional table that is absent or has a header only is an empty typed table (the
    manual's steps for ``process_steps``); :meth:`has`, :meth:`why_empty` and
    :attr:`skipped_stages` say so, and :meth:`notes` says what it means for the plan.
    """

    root: Path
    config: PlanningConfig
    tables: Mapping[str, pd.DataFrame]
    files: Mapping[str, str]
    fingerprint: str
    defaulted: frozenset[str] = frozenset()

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def sales(self) -> pd.DataFrame:
        return self.tables["sales"]

    @property
    def skus(self) -> pd.DataFrame:
        return self.tables["skus"]

    @property
    def suppliers(self) -> pd.DataFrame:
        return self.tables["suppliers"]

    @property
    def absent_tables(self) -> tuple[str, ...]:
        """The tables given by no file (all optional), in schema order."""
        return tuple(name for name in TABLES if not self.files[name])

    def has(self, name: str) -> bool:
        """Whether table ``name`` has at least one row of data (defaults do not count)."""
        return len(self.tables[name]) > 0 and name not in self.defaulted

    def why_empty(self, name: str) -> str | None:
        """Why table ``name`` has no rows of the company's, as a user reads it
        (``"no inventory.csv"``, ``"inventory.xlsx has no rows"``); ``None`` if it has rows."""
        if self.has(name):
            return None
        if self.files[name]:
            return _("{file} has no rows").format(file=Path(self.files[name]).name)
        fmt = Path(self.files["sales"]).suffix or ".csv"
        return _("no {file}").format(file=f"{name}{fmt}")

    def stage_skip_reason(self, stage: str) -> str | None:
        """Why the weekly stage ``stage`` (``routing``, ``staffing``) cannot run on this
        dataset, for example ``"no depots.csv; vehicles.csv has no rows"``; ``None`` if it
        can (or if the stage needs no optional table)."""
        gaps = [self.why_empty(name) for name in STAGE_TABLES.get(stage, ())]
        return _("; ").join(gap for gap in gaps if gap) or None

    @property
    def skipped_stages(self) -> dict[str, str]:
        """Stage -> why it cannot run, for every stage lacking a table it needs."""
        reasons = {stage: self.stage_skip_reason(stage) for stage in STAGE_TABLES}
        return {stage: reason for stage, reason in reasons.items() if reason}

    def notes(self) -> list[str]:
        """What the plan takes as given because the data does not say, one line each: every
        optional table without rows and what that means, customers without coordinates."""
        lines = [_("{why}: {meaning}").format(why=self.why_empty(name),
                                              meaning=when_absent(spec))
                 for name, spec in TABLES.items() if not spec.required and not self.has(name)]
        customers = self.tables["customers"]
        unplaced = int(customers["lat"].isna().sum())
        if unplaced:
            lines.append(_("{file}: {count} of {total} customers without coordinates (lat/lon "
                           "blank): routing needs coordinates or a distance matrix for them")
                         .format(file=Path(self.files["customers"]).name, count=unplaced,
                                 total=len(customers)))
        return lines

    @property
    def history_start(self) -> dt.date:
        return pd.Timestamp(self.sales["order_date"].min()).date()

    @property
    def history_end(self) -> dt.date:
        """Date of the last order line."""
        return pd.Timestamp(self.sales["order_date"].max()).date()

    def history_before(self, week_start: dt.date, hint: str = "") -> pd.DataFrame:
        """The sales lines before ``week_start``: all a plan for that week may see.

        Raises
        ------
        InvalidInputError
            If there are none (``hint`` is added to the message).
        """
        before = (self.sales["order_date"] < pd.Timestamp(week_start)).to_numpy()
        # the usual week (after the last sale) sees every line: no copy of millions of rows
        history = self.sales if before.all() else self.sales[before]
        if history.empty:
            raise InvalidInputError([Problem(
                self.files["sales"], None, "order_date", None,
                _("no sales before the planning week starting {start}; the history starts "
                  "{history_start}{hint}").format(start=week_start,
                                                  history_start=self.history_start, hint=hint))])
        return history

    def plan_week_start(self, week: str | None = None) -> dt.date:
        """Monday of the week to plan: ``week`` if given, else the config's, else the week
        after the last sale.

        Raises
        ------
        InvalidInputError
            If ``week`` is not an ISO week (``YYYY-Www``).
        """
        chosen = week or self.config.planning.week
        if chosen:
            try:
                return parse_iso_week(chosen)
            except ValueError as exc:
                raise InvalidInputError([Problem("--week", None, None, chosen, str(exc))]) from None
        last = self.history_end
        return last + dt.timedelta(days=7 - last.weekday())


def load_dataset(folder: str | Path) -> Dataset:
    """Read and validate every table of a dataset folder and its ``config.toml``.

    Each table is read from ``<name>.csv``, ``<name>.parquet`` or ``<name>.xlsx``.

    Raises
    ------
    InvalidInputError
        With every problem found: missing folder, file or column, unparsable cells, values
        out of bounds, duplicated keys, unknown references and broken table rules.
    """
    root = Path(folder)
    if not root.is_dir():
        rule = _("is a file, not a dataset folder") if root.exists() else _(
            "no such dataset folder")
        raise InvalidInputError([Problem(str(root), None, None, None, rule)])
    out = ProblemCollector()
    digest = hashlib.sha256()

    config = PlanningConfig()
    config_path = root / CONFIG_FILE
    if config_path.is_file():
        data = config_path.read_bytes()
        digest.update(b"config.toml\0" + hashlib.sha256(data).digest())
        try:
            config = read_config(data.decode("utf-8-sig"), str(config_path))
        except UnicodeDecodeError:
            out.add(Problem(str(config_path), None, None, None, _("not UTF-8 text")))
        except InvalidInputError as exc:
            for problem in exc.problems:
                out.add(problem)

    raws: dict[str, RawTable] = {}
    for name, spec in TABLES.items():
        path, problems = find_table_file(root, name)
        for problem in problems:
            out.add(problem)
        if path is None:
            if spec.required and not problems:
                out.add(Problem(str(root / f"{name}.csv"), None, None, None,
                                _("missing file: the {table} table is required ({table}.csv, "
                                  "{table}.parquet or {table}.xlsx)").format(table=name)))
            continue
        raw, problems = read_table(path, name, columnar=True)
        for problem in problems:
            out.add(problem)
        if raw is not None:
            raws[name] = raw
            digest.update(f"{path.name}\0".encode() + bytes.fromhex(raw.sha256))

    typed: dict[str, pd.DataFrame] = {}
    for name, raw in raws.items():
        typed[name] = parse_table(raw, TABLES[name], out)
    files = {name: raw.file for name, raw in raws.items()}
    for name, frame in typed.items():
        check_table_rules(name, files[name], frame, typed, out)
        check_references(name, files[name], frame, typed, files, out)

    if out:
        raise InvalidInputError(out.problems,
                                summary=_("the dataset in {folder} has problems").format(
                                    folder=root))

    tables: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        tables[name] = _finalize(spec, typed[name]) if name in typed else empty_table(spec)
    defaulted: frozenset[str] = frozenset()
    if tables["process_steps"].empty:  # absent or a header only
        tables["process_steps"] = pd.DataFrame(MANUAL_PROCESS_STEPS,
                                               columns=["step", "minutes_per_order", "skill"])
        defaulted = frozenset({"process_steps"})
    files = {name: files.get(name, "") for name in TABLES}
    return Dataset(root, config, tables, files, digest.hexdigest(), defaulted)


def with_applied_orders(dataset: Dataset, orders: list[dict[str, object]],
                        week_start: dt.date) -> Dataset:
    """``dataset`` with the store's open purchase orders added to its open orders.

    ``orders`` are the open orders a plan for the week from ``week_start`` nets (the store
    hands only those placed before it, with their open quantity). The dataset's
    ``open_orders`` (the ERP's list) wins for the lines it lists: a store order whose
    ``po_id`` and ``sku`` it holds is left out, whatever the quantities. Orders placed on or
    after ``week_start`` are left out here too, and so are SKUs the dataset does not have.
    An open order due before ``week_start`` still counts (the purchase plan expects it at
    once) until it is marked received or cancelled. The fingerprint stays the one of the
    dataset's files.
    """
    if not orders:
        return dataset
    current = dataset["open_orders"]
    have = set(zip(current["po_id"].astype(str), current["sku"].astype(str), strict=True))
    skus = set(dataset.skus["sku"])
    start = week_start.isoformat()
    rows = [o for o in orders
            if str(o.get("order_date", ""))[:10] < start and str(o["sku"]) in skus
            and (str(o["po_id"]), str(o["sku"])) not in have
            and float(o["quantity"]) > 0]  # type: ignore[arg-type]
    if not rows:
        return dataset
    extra = pd.DataFrame({
        "po_id": [str(o["po_id"]) for o in rows],
        "sku": [str(o["sku"]) for o in rows],
        "quantity": [float(o["quantity"]) for o in rows],  # type: ignore[arg-type]
        "arrival_date": pd.to_datetime([str(o["arrival_date"]) for o in rows]),
    })
    merged = pd.concat([current, extra], ignore_index=True) if len(current) else extra
    return replace(dataset, tables=dict(dataset.tables, open_orders=merged))

"""The plan store: every planning run saved as a versioned plan (DESIGN §6).

A plan is a row of metadata plus named output files. The database (SQLite by default, any
SQLAlchemy URL for a shared one) is the source of truth and holds the file contents too; the
files are also materialized under ``plans/<id>/`` for people and tools that read folders.

:meth:`PlanStore.save_plan` is atomic: a crash, an exception or Ctrl-C at any point leaves the
database and the ``plans/`` folder as they were, or the plan completely written. Files are
first written to ``plans/.tmp-<hex>/``, then the rows are inserted in one transaction, the
folder is renamed to ``plans/<id>`` and only then is the transaction committed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from salesflow.data.errors import PlanNotFoundError, StoreError, UserError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""Version of the database schema this code writes and reads (2: applied purchase orders)."""

STATUSES = ("draft", "applied", "superseded")
DB_FILE_NAME = "salesflow.db"
TMP_PREFIX = ".tmp-"
STALE_AFTER_S = 3600.0  # leftovers older than this are from a dead process, not a running one
BUSY_TIMEOUT_S = 30.0

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".html": "text/html",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".geojson": "application/geo+json",
    ".gpx": "application/gpx+xml",
    ".png": "image/png",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".parquet": "application/vnd.apache.parquet",
}

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")

metadata = sa.MetaData()
meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
plans_table = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("week", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("data_dir", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("applied_at", sa.Text, nullable=True),
    sa.CheckConstraint(
        "status IN ('draft', 'applied', 'superseded')", name="plans_status_check"
    ),
    sqlite_autoincrement=True,  # ids are never reused, so plans/<id> can never be ambiguous
)
files_table = sa.Table(
    "plan_files",
    metadata,
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.PrimaryKeyConstraint("plan_id", "name"),
)


applied_orders_table = sa.Table(
    "applied_orders",
    metadata,
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("week", sa.Text, nullable=False),
    sa.Column("po_id", sa.Text, nullable=False),
    sa.Column("supplier_id", sa.Text, nullable=False),
    sa.Column("sku", sa.Text, nullable=False),
    sa.Column("quantity", sa.Float, nullable=False),
    sa.Column("order_date", sa.Text, nullable=False),
    sa.Column("arrival_date", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("po_id", "sku"),
)
"""Purchase order lines of applied plans: the open orders that later runs see."""


def _migrate_to_2(conn: Connection) -> None:
    applied_orders_table.create(conn)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _migrate_to_2}
"""``MIGRATIONS[n]`` upgrades a store at schema ``n - 1`` to schema ``n`` (inside a transaction)."""

ORDER_FIELDS = ("po_id", "supplier_id", "sku", "quantity", "order_date", "arrival_date")


@dataclass(frozen=True)
class ApplyOutcome:
    """What :meth:`PlanStore.apply_plan` did.

    ``changed`` is False when the plan was already applied (nothing was touched then).
    """

    plan: PlanRecord
    changed: bool
    superseded: tuple[int, ...]
    export_dir: Path


@dataclass(frozen=True)
class PlanFileInfo:
    """One stored file of a plan (without its content)."""

    name: str
    media_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PlanRecord:
    """A committed plan as stored.

    ``created_at`` and ``applied_at`` are UTC ISO-8601 texts (``2026-11-27T07:45:00Z``);
    ``status`` is one of ``draft``, ``applied``, ``superseded``.
    """

    id: int
    week: str
    created_at: str
    fingerprint: str
    config: dict[str, Any]
    summary: dict[str, Any]
    data_dir: str
    status: str
    applied_at: str | None
    files: tuple[PlanFileInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-ready data (files as a list of dicts)."""
        return asdict(self) | {"files": [asdict(f) for f in self.files]}


def media_type_for(name: str) -> str:
    """Guess a file's media type from its extension (``application/octet-stream`` if unknown)."""
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def _noop(path: Path) -> None:
    """Default test hook: does nothing."""


class PlanStore:
    """Plans in a database plus a folder of materialized files.

    Parameters
    ----------
    location:
        A folder (database ``<folder>/salesflow.db``, files ``<folder>/plans/<id>/``) or a
        SQLAlchemy database URL (anything containing ``://``). For a SQLite file URL the files go
        to ``plans/`` beside the database file, for other URLs to ``./.salesflow/plans``.
    plans_dir:
        Overrides the folder where plan files are materialized.

    Notes
    -----
    Nothing is created on disk until the first :meth:`save_plan`; reading a store that does
    not exist yet behaves like reading an empty one.
    """

    def __init__(
        self,
        location: str | os.PathLike[str],
        *,
        plans_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        text = os.fspath(location)
        self._db_path: Path | None  # the SQLite file, None for in-memory or server databases
        if "://" in text:
            try:
                url = sa.make_url(text)
            except ArgumentError as exc:
                raise StoreError(f"cannot parse plan store URL {text!r}: {exc}") from exc
            self._display = url.render_as_string(hide_password=True)
            database = url.database
            if url.get_backend_name() == "sqlite" and database and database != ":memory:" \
                    and not database.startswith("file:"):
                self._db_path = Path(database).absolute()
                url = url.set(database=str(self._db_path))
                default_plans = self._db_path.parent / "plans"
            else:
                self._db_path = None
                default_plans = Path.cwd() / ".salesflow" / "plans"
        else:
            folder = Path(text).absolute()
            if folder.exists() and not folder.is_dir():
                raise StoreError(
                    f"plan store location {text} is a file, not a folder; give a folder "
                    f"or a database URL such as sqlite:///{text}"
                )
            self._display = text
            self._db_path = folder / DB_FILE_NAME
            url = sa.URL.create("sqlite", database=str(self._db_path))
            default_plans = folder / "plans"
        self._url = url
        self._plans_dir = Path(plans_dir).absolute() if plans_dir is not None else default_plans
        self._engine_obj: Engine | None = None
        # Test hooks, called with the plan folder around the rename (inside the transaction).
        self._before_rename: Callable[[Path], None] = _noop
        self._after_rename: Callable[[Path], None] = _noop

    # ------------------------------------------------------------------ properties
    @property
    def url(self) -> str:
        """The database URL (password hidden)."""
        return self._url.render_as_string(hide_password=True)

    @property
    def plans_dir(self) -> Path:
        """The folder holding one ``<id>/`` folder per plan."""
        return self._plans_dir

    @property
    def exists(self) -> bool:
        """Whether the database already holds a plan store (never creates it)."""
        with self._reading() as conn:
            return conn is not None

    def __repr__(self) -> str:
        return f"PlanStore({self._display!r})"

    def close(self) -> None:
        """Release pooled database connections."""
        if self._engine_obj is not None:
            self._engine_obj.dispose()

    def plan_path(self, plan_id: int) -> Path:
        """Return the folder where the files of plan ``plan_id`` are materialized."""
        return self._plans_dir / str(plan_id)

    # ------------------------------------------------------------------ reading
    def list_plans(self) -> list[PlanRecord]:
        """Return every committed plan, ordered by id."""
        with self._reading() as conn:
            return [] if conn is None else self._records(conn)

    def get_plan(self, plan_id: int) -> PlanRecord:
        """Return plan ``plan_id``; raise :class:`PlanNotFoundError` if there is none."""
        _check_id(plan_id)
        with self._reading() as conn:
            records = [] if conn is None else self._records(conn, plan_id)
        if not records:
            raise self._not_found(plan_id)
        return records[0]

    def read_file(self, plan_id: int, name: str) -> bytes:
        """Return the content of file ``name`` of plan ``plan_id``, read from the database."""
        rows = self._file_rows(plan_id, name)
        if not rows:
            names = ", ".join(f.name for f in self.get_plan(plan_id).files) or "none"
            raise UserError(f"plan {plan_id} has no file {name!r} (its files: {names})")
        return bytes(rows[0].content)

    # ------------------------------------------------------------------ writing
    def save_plan(
        self,
        *,
        week: str,
        fingerprint: str,
        config: dict[str, Any],
        summary: dict[str, Any],
        data_dir: str | os.PathLike[str],
        files: Mapping[str, bytes],
        now: datetime | None = None,
    ) -> PlanRecord:
        """Store a new plan atomically and return it (status ``draft``).

        Parameters
        ----------
        week:
            ISO week of the plan, ``YYYY-Www``.
        fingerprint:
            Fingerprint of the inputs the plan was computed from.
        config, summary:
            JSON-serializable dicts (the effective configuration and the KPI summary).
        data_dir:
            The dataset folder the plan was computed from.
        files:
            Output files, plain file name -> content.
        now:
            Creation time (default: the current time); naive datetimes are taken as UTC.

        Raises
        ------
        UserError
            A bad week, fingerprint, file name or non-JSON config/summary.
        StoreError
            The store cannot be opened or written. Nothing is left behind in that case.
        """
        _check_week(week)
        if not isinstance(fingerprint, str) or not fingerprint:
            raise UserError(f"plan fingerprint must be a non-empty text, got {fingerprint!r}")
        config_json = _to_json(config, "config")
        summary_json = _to_json(summary, "summary")
        names = [_check_file_name(name) for name in files]
        created_at = _utc_text(now)
        data_dir_text = os.fspath(data_dir)

        tmp = self._plans_dir / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        final: Path | None = None
        renamed = committed = False
        try:
            rows = self._write_files(tmp, ((name, files[name]) for name in names))
            with self._connect(write=True) as conn:
                with conn.begin():  # commits at the end of the block, rolls back on any error
                    self._prepare(conn)
                    plan_id = conn.execute(
                        sa.insert(plans_table).values(
                            week=week, created_at=created_at, fingerprint=fingerprint,
                            config=config_json, summary=summary_json, data_dir=data_dir_text,
                            status="draft", applied_at=None,
                        )
                    ).inserted_primary_key[0]
                    if rows:
                        conn.execute(
                            sa.insert(files_table), [{"plan_id": plan_id, **r} for r in rows]
                        )
                    final = self.plan_path(plan_id)
                    self._before_rename(final)
                    if final.exists() or final.is_symlink():
                        # No row owns it (ids are never reused): left by a crash before a commit.
                        logger.warning("removing orphan plan folder %s", final)
                        _remove(final)
                    tmp.replace(final)
                    renamed = True
                    _fsync_dir(self._plans_dir)
                    self._after_rename(final)
                committed = True
        except BaseException as exc:
            if not committed:
                _remove(final if renamed and final is not None else tmp)
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write plan files under {self._plans_dir}: {exc}") from exc
            raise
        logger.info("saved plan %d (week %s) in store %s", plan_id, week, self._display)
        self._clean_leftovers()
        infos = (PlanFileInfo(r["name"], r["media_type"], r["sha256"], r["size"]) for r in rows)
        return PlanRecord(
            id=plan_id, week=week, created_at=created_at, fingerprint=fingerprint,
            config=json.loads(config_json), summary=json.loads(summary_json),
            data_dir=data_dir_text, status="draft", applied_at=None,
            files=tuple(sorted(infos, key=lambda f: f.name)),
        )

    def set_status(self, plan_id: int, status: str, *, applied_at: str | None = None) -> PlanRecord:
        """Set the status of a plan and return the updated record.

        ``applied_at`` is stored when given. Setting ``applied`` without it stores the current
        UTC time, unless the plan is already applied. Otherwise ``applied_at`` is kept.
        Raises :class:`UserError` for an unknown status, :class:`PlanNotFoundError`.
        """
        _check_id(plan_id)
        if status not in STATUSES:
            raise UserError(f"plan status must be one of {', '.join(STATUSES)}, got {status!r}")
        values: dict[str, Any] = {"status": status}
        if applied_at is not None:
            values["applied_at"] = applied_at
        elif status == "applied":  # re-applying an applied plan keeps its time (idempotent)
            col = plans_table.c
            values["applied_at"] = sa.case((col.status == "applied", col.applied_at),
                                           else_=_utc_text(None))
        if not self._db_may_exist():
            raise self._not_found(plan_id)
        with self._connect(write=True) as conn, conn.begin():
            if self._schema_version(conn) is None:
                raise self._not_found(plan_id)
            self._prepare(conn)
            result = conn.execute(
                sa.update(plans_table).where(plans_table.c.id == plan_id).values(**values)
            )
            if result.rowcount == 0:
                raise self._not_found(plan_id)
            return self._records(conn, plan_id)[0]

    def export_path(self, plan_id: int) -> Path:
        """Folder where :meth:`apply_plan` writes the exports of plan ``plan_id``."""
        return self._plans_dir.parent / "exports" / str(plan_id)

    def apply_plan(self, plan_id: int, *, orders: list[Mapping[str, Any]],
                   exports: Mapping[str, bytes], force: bool = False,
                   now: datetime | None = None) -> ApplyOutcome:
        """Make plan ``plan_id`` the one in force, atomically and idempotently.

        Its purchase order lines (``orders``: dicts with :data:`ORDER_FIELDS`) become the
        applied orders of its week, replacing those of any other plan for the same week; the
        plan applied before becomes ``superseded``; ``exports`` are written to
        :meth:`export_path`. Applying an applied plan changes nothing. Applying a plan older
        (earlier week, or same week and created earlier) than the applied one needs ``force``.

        Raises
        ------
        PlanNotFoundError
            No such plan.
        UserError
            A newer plan is applied and ``force`` is not set, or an order line is malformed.
        StoreError
            The store cannot be written; nothing changed then.
        """
        plan = self.get_plan(plan_id)
        if plan.status == "applied":
            return ApplyOutcome(plan, False, (), self.export_path(plan_id))
        rows = [_order_row(plan, order) for order in orders]
        applied_at = _utc_text(now)
        final = self.export_path(plan_id)
        tmp = final.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        backup = final.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        renamed = backed_up = committed = False
        new_parent = not final.parent.exists()
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            self._write_files(tmp, ((_check_file_name(n), exports[n]) for n in exports),
                              parent=final.parent)
            with self._connect(write=True) as conn, conn.begin():
                self._prepare(conn)
                current = conn.execute(
                    sa.select(plans_table.c.id, plans_table.c.week)
                    .where(plans_table.c.status == "applied")).all()
                newer = [r for r in current if (r.week, r.id) > (plan.week, plan.id)]
                if newer and not force:
                    raise UserError(
                        f"plan {newer[0].id} (week {newer[0].week}) is applied and newer than "
                        f"plan {plan.id} (week {plan.week}); use --force to apply the older "
                        "plan over it")
                superseded = tuple(r.id for r in current)
                if superseded:
                    conn.execute(sa.update(plans_table)
                                 .where(plans_table.c.id.in_(superseded))
                                 .values(status="superseded"))
                conn.execute(sa.update(plans_table).where(plans_table.c.id == plan.id)
                             .values(status="applied", applied_at=applied_at))
                conn.execute(sa.delete(applied_orders_table)
                             .where(applied_orders_table.c.week == plan.week))
                if rows:
                    conn.execute(sa.insert(applied_orders_table), rows)
                if final.exists() or final.is_symlink():  # exports of an earlier apply
                    final.replace(backup)
                    backed_up = True
                tmp.replace(final)
                renamed = True
                self._after_rename(final)
                record = self._records(conn, plan.id)[0]
            committed = True
        except BaseException as exc:
            if not committed:
                _remove(final if renamed else tmp)
                if backed_up:
                    backup.replace(final)
                if new_parent:
                    with contextlib.suppress(OSError):
                        final.parent.rmdir()
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write plan exports under {final}: {exc}") from exc
            raise
        if backed_up:
            _remove(backup)
        logger.info("applied plan %d (superseded %s)", plan.id, superseded)
        return ApplyOutcome(record, True, superseded, final)

    def applied_orders(self) -> list[dict[str, Any]]:
        """Every purchase order line of applied plans, by arrival date, po_id and SKU."""
        with self._reading() as conn:
            if conn is None:
                return []
            query = (sa.select(applied_orders_table)
                     .order_by(applied_orders_table.c.arrival_date,
                               applied_orders_table.c.po_id, applied_orders_table.c.sku))
            return [dict(row._mapping) for row in conn.execute(query)]

    def restore_files(self, plan_id: int) -> Path:
        """Re-materialize ``plans/<id>/`` from the database, atomically; return the folder."""
        stored = self._file_rows(plan_id)
        for name, sha256, content in stored:
            if hashlib.sha256(content).hexdigest() != sha256:
                raise StoreError(f"file {name!r} of plan {plan_id} is corrupt in {self._display}")
        final = self.plan_path(plan_id)
        tmp = self._plans_dir / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        old = self._plans_dir / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        moved_old = False
        try:
            self._write_files(tmp, ((name, content) for name, _, content in stored))
            if final.exists() or final.is_symlink():
                final.replace(old)
                moved_old = True
            tmp.replace(final)
            _fsync_dir(self._plans_dir)
        except BaseException as exc:
            _remove(tmp)
            if moved_old and not final.exists():
                old.replace(final)
            if isinstance(exc, OSError):
                raise StoreError(f"cannot restore plan files under {final}: {exc}") from exc
            raise
        if moved_old:
            _remove(old)
        logger.info("restored the files of plan %d into %s", plan_id, final)
        return final

    # ------------------------------------------------------------------ internals
    def _not_found(self, plan_id: int) -> PlanNotFoundError:
        return PlanNotFoundError(f"no plan with id {plan_id} in store {self._display}")

    def _db_may_exist(self) -> bool:
        return self._db_path is None or self._db_path.is_file()

    def _file_rows(self, plan_id: int, name: str | None = None) -> list[sa.Row[Any]]:
        """Return ``(name, sha256, content)`` of a plan's files (or of one); check the plan."""
        _check_id(plan_id)
        with self._reading() as conn:
            plan_q = sa.select(plans_table.c.id).where(plans_table.c.id == plan_id)
            if conn is None or conn.scalar(plan_q) is None:
                raise self._not_found(plan_id)
            query = sa.select(
                files_table.c.name, files_table.c.sha256, files_table.c.content
            ).where(files_table.c.plan_id == plan_id)
            if name is not None:
                query = query.where(files_table.c.name == name)
            return list(conn.execute(query))

    def _engine(self) -> Engine:
        if self._engine_obj is None:
            is_sqlite = self._url.get_backend_name() == "sqlite"
            kwargs: dict[str, Any] = {}
            if is_sqlite:
                kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
            try:
                engine = sa.create_engine(self._url, **kwargs)
            except (ArgumentError, ImportError) as exc:
                raise StoreError(f"cannot open plan store {self._display}: {exc}") from exc
            if is_sqlite:
                sa.event.listen(engine, "connect", _sqlite_on_connect)
                sa.event.listen(engine, "begin", _sqlite_on_begin)
            self._engine_obj = engine
        return self._engine_obj

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[Connection]:
        """Yield a connection; database errors become :class:`StoreError` naming the store."""
        try:
            with self._engine().connect() as conn:
                if write:
                    conn.execution_options(salesflow_write=True)
                yield conn
        except (SQLAlchemyError, sqlite3.Error) as exc:
            detail = getattr(exc, "orig", None) or exc
            where = self._db_path if self._db_path is not None else self._display
            raise StoreError(f"cannot use plan store database {where}: {detail}") from exc

    @contextmanager
    def _reading(self) -> Iterator[Connection | None]:
        """Yield a connection in a read transaction, or ``None`` if there is no store yet."""
        if not self._db_may_exist():
            yield None
            return
        with self._connect(write=False) as conn:
            with conn.begin():
                version = self._schema_version(conn)
            if version is not None and version < SCHEMA_VERSION:
                with self._connect(write=True) as wconn, wconn.begin():
                    self._prepare(wconn)
            if version is None:
                yield None
                return
            with conn.begin():
                yield conn

    def _schema_version(self, conn: Connection) -> int | None:
        """Return the store's schema version, ``None`` if empty; refuse foreign or newer ones."""
        tables = set(sa.inspect(conn).get_table_names())
        if "meta" not in tables and "plans" not in tables:
            return None
        value = None
        if "meta" in tables:
            value = conn.scalar(
                sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            )
        where = self._db_path if self._db_path is not None else self._display
        try:
            version = int(value) if value is not None else None
        except ValueError:
            version = None
        if version is None:
            raise StoreError(
                f"{where} is not a salesflow plan store (it has a 'plans' or 'meta' table "
                "but no schema_version)"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{where} was written by a newer salesflow (schema {version}, this version "
                f"reads up to {SCHEMA_VERSION}); upgrade salesflow"
            )
        return version

    def _prepare(self, conn: Connection) -> None:
        """Inside a write transaction: create the schema or migrate it to SCHEMA_VERSION."""
        version = self._schema_version(conn)
        if version is None:
            metadata.create_all(conn)
            conn.execute(
                sa.insert(meta_table),
                [
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "created_at", "value": _utc_text(None)},
                ],
            )
            logger.info("created plan store %s (schema %d)", self._display, SCHEMA_VERSION)
            return
        if version == SCHEMA_VERSION:
            return
        for target in range(version + 1, SCHEMA_VERSION + 1):
            step = MIGRATIONS.get(target)
            if step is None:
                raise StoreError(f"no migration from schema {target - 1} to {target}")
            logger.info("migrating plan store %s to schema %d", self._display, target)
            step(conn)
        conn.execute(
            sa.update(meta_table)
            .where(meta_table.c.key == "schema_version")
            .values(value=str(SCHEMA_VERSION))
        )

    def _records(self, conn: Connection, plan_id: int | None = None) -> list[PlanRecord]:
        plans_q = sa.select(plans_table).order_by(plans_table.c.id)
        files_q = sa.select(
            files_table.c.plan_id, files_table.c.name, files_table.c.media_type,
            files_table.c.sha256, files_table.c.size,
        ).order_by(files_table.c.plan_id, files_table.c.name)
        if plan_id is not None:
            plans_q = plans_q.where(plans_table.c.id == plan_id)
            files_q = files_q.where(files_table.c.plan_id == plan_id)
        by_plan: dict[int, list[PlanFileInfo]] = defaultdict(list)
        for row in conn.execute(files_q):
            info = PlanFileInfo(row.name, row.media_type, row.sha256, row.size)
            by_plan[row.plan_id].append(info)
        return [
            PlanRecord(
                id=row.id, week=row.week, created_at=row.created_at, fingerprint=row.fingerprint,
                config=json.loads(row.config), summary=json.loads(row.summary),
                data_dir=row.data_dir, status=row.status, applied_at=row.applied_at,
                files=tuple(by_plan.get(row.id, ())),
            )
            for row in conn.execute(plans_q)
        ]

    def _write_files(
        self, folder: Path, items: Iterator[tuple[str, bytes]], parent: Path | None = None
    ) -> list[dict[str, Any]]:
        """Write files durably into a new ``folder``; return their ``plan_files`` rows."""
        (parent or self._plans_dir).mkdir(parents=True, exist_ok=True)
        folder.mkdir()
        rows = []
        for name, value in items:
            if not isinstance(value, bytes | bytearray | memoryview):
                raise TypeError(f"plan file {name!r} must be bytes, got {type(value).__name__}")
            content = bytes(value)
            with (folder / name).open("xb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            rows.append({
                "name": name, "media_type": media_type_for(name),
                "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                "content": content,
            })
        _fsync_dir(folder)
        return rows

    def _clean_leftovers(self) -> None:
        """Remove old ``.tmp-*`` folders and old numeric folders that no plan row owns."""
        cutoff = time.time() - STALE_AFTER_S
        try:
            entries = list(self._plans_dir.iterdir())
            with self._reading() as conn:
                ids = set(conn.scalars(sa.select(plans_table.c.id))) if conn is not None else set()
        except (OSError, StoreError) as exc:
            logger.warning("could not look for leftovers in %s: %s", self._plans_dir, exc)
            return
        for path in entries:
            name = path.name
            orphan = name.isdigit() and str(int(name)) == name and int(name) not in ids
            if (orphan or name.startswith(TMP_PREFIX)) and _mtime(path) < cutoff:
                logger.info("removing leftover %s", path)
                _remove(path)

# ---------------------------------------------------------------------- helpers
def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN, so that DDL is transactional too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # Writers take the write lock up front: upgrading a read lock later can fail at once.
    write = conn.get_execution_options().get("salesflow_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not possible on some platforms (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # gone meanwhile
        return float("inf")


def _remove(path: Path) -> None:
    """Remove a file or folder tree if present; log (never raise) when that fails."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    except OSError as exc:
        logger.warning("could not remove %s: %s", path, exc)


def _order_row(plan: PlanRecord, order: Mapping[str, Any]) -> dict[str, Any]:
    """A row of ``applied_orders`` from a purchase line of ``plan``."""
    missing = [f for f in ORDER_FIELDS if f not in order]
    if missing:
        raise UserError(f"purchase line of plan {plan.id} lacks {', '.join(missing)}")
    row = {f: order[f] for f in ORDER_FIELDS}
    row["quantity"] = float(row["quantity"])
    for key in ("order_date", "arrival_date"):
        value = row[key]
        row[key] = value.isoformat() if isinstance(value, date) else str(value)
    return {"plan_id": plan.id, "week": plan.week, **row}


def _check_id(plan_id: int) -> None:
    if not isinstance(plan_id, int) or isinstance(plan_id, bool):
        raise UserError(f"plan id must be an integer, got {plan_id!r}")


def _check_week(week: str) -> None:
    match = _WEEK_RE.match(week) if isinstance(week, str) else None
    try:
        if match is None:
            raise ValueError
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise UserError(f"plan week must be an ISO week like 2026-W48, got {week!r}") from None


def _check_file_name(name: str) -> str:
    bad = (
        not isinstance(name, str) or not name or name.startswith(".")
        or any(c in name for c in "/\\\0") or name != name.strip()
    )
    if bad:
        raise UserError(
            f"plan file name {name!r} is not a plain file name (no folders, not hidden)"
        )
    return name


def _to_json(value: dict[str, Any], what: str) -> str:
    if not isinstance(value, dict):
        raise UserError(f"plan {what} must be a dict, got {type(value).__name__}")
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise UserError(f"plan {what} is not JSON-serializable: {exc}") from exc


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy / pandas scalars
        return value.item()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serializable")


def _utc_text(now: datetime | None) -> str:
    moment = now if now is not None else datetime.now(UTC)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

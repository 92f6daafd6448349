"""Where a plan store's database is and how the store talks to it.

A store location is a folder (database ``<folder>/salesflow.db``) or any SQLAlchemy URL.
Every use of the database goes through :class:`StoreDatabase`: connections whose errors become
:class:`~salesflow.data.errors.StoreError` naming the store, read transactions that see no
store (``None``) where none exists yet and migrate an older one first, and, for SQLite,
locking that lets several processes share one store file: a busy timeout, and writers that
take the write lock when their transaction begins (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from salesflow.data.errors import StoreError
from salesflow.data.store import migrations

DB_FILE_NAME = "salesflow.db"
"""The database file of a store given as a folder."""

BUSY_TIMEOUT_S = 30.0
"""How long a SQLite connection waits for another process's lock before failing."""


class StoreDatabase:
    """The database of a plan store, opened lazily.

    Parameters
    ----------
    location:
        A folder (database ``<folder>/salesflow.db``) or a SQLAlchemy database URL (anything
        containing ``://``).

    Attributes
    ----------
    url:
        The SQLAlchemy URL (a SQLite file path made absolute).
    db_path:
        The SQLite file, ``None`` for in-memory or server databases.
    display:
        The location as the user gave it (password hidden), for messages.
    default_plans_dir:
        Where plan files go unless told otherwise: ``plans/`` in the store folder or beside
        the SQLite file, ``./.salesflow/plans`` for other databases.

    Raises
    ------
    StoreError
        The URL cannot be parsed, or the location is a file rather than a folder.
    """

    def __init__(self, location: str | os.PathLike[str]) -> None:
        text = os.fspath(location)
        self.db_path: Path | None
        if "://" in text:
            try:
                url = sa.make_url(text)
            except ArgumentError as exc:
                raise StoreError(f"cannot parse plan store URL {text!r}: {exc}") from exc
            self.display = url.render_as_string(hide_password=True)
            database = url.database
            if url.get_backend_name() == "sqlite" and database and database != ":memory:" \
                    and not database.startswith("file:"):
                self.db_path = Path(database).absolute()
                url = url.set(database=str(self.db_path))
                self.default_plans_dir = self.db_path.parent / "plans"
            else:
                self.db_path = None
                self.default_plans_dir = Path.cwd() / ".salesflow" / "plans"
        else:
            folder = Path(text).absolute()
            if folder.exists() and not folder.is_dir():
                raise StoreError(
                    f"plan store location {text} is a file, not a folder; give a folder "
                    f"or a database URL such as sqlite:///{text}"
                )
            self.display = text
            self.db_path = folder / DB_FILE_NAME
            url = sa.URL.create("sqlite", database=str(self.db_path))
            self.default_plans_dir = folder / "plans"
        self.url = url
        self._engine: Engine | None = None

    @property
    def where(self) -> str:
        """The database as error messages name it: the SQLite file, else the location."""
        return str(self.db_path) if self.db_path is not None else self.display

    def may_exist(self) -> bool:
        """False when the store is surely absent (its SQLite file does not exist)."""
        return self.db_path is None or self.db_path.is_file()

    def engine(self) -> Engine:
        """The SQLAlchemy engine, created on first use.

        Raises
        ------
        StoreError
            The URL names a backend that cannot be loaded.
        """
        if self._engine is None:
            is_sqlite = self.url.get_backend_name() == "sqlite"
            kwargs: dict[str, Any] = {}
            if is_sqlite:
                kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
            try:
                engine = sa.create_engine(self.url, **kwargs)
            except (ArgumentError, ImportError) as exc:
                raise StoreError(f"cannot open plan store {self.display}: {exc}") from exc
            if is_sqlite:
                sa.event.listen(engine, "connect", _sqlite_on_connect)
                sa.event.listen(engine, "begin", _sqlite_on_begin)
            self._engine = engine
        return self._engine

    def close(self) -> None:
        """Release pooled connections."""
        if self._engine is not None:
            self._engine.dispose()

    @contextmanager
    def connect(self, *, write: bool) -> Iterator[Connection]:
        """Yield a connection; database errors become :class:`StoreError` naming the store.

        A ``write`` connection's transactions take the write lock when they begin.
        """
        try:
            with self.engine().connect() as conn:
                if write:
                    conn.execution_options(salesflow_write=True)
                yield conn
        except (SQLAlchemyError, sqlite3.Error) as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StoreError(f"cannot use plan store database {self.where}: {detail}") from exc

    @contextmanager
    def reading(self) -> Iterator[Connection | None]:
        """Yield a connection in a read transaction, or ``None`` if there is no store yet.

        A store at an older schema is migrated first (in its own write transaction).
        """
        if not self.may_exist():
            yield None
            return
        with self.connect(write=False) as conn:
            with conn.begin():
                version = self.version(conn)
            if migrations.is_outdated(version):
                with self.connect(write=True) as wconn, wconn.begin():
                    self.prepare(wconn)
            if version is None:
                yield None
                return
            with conn.begin():
                yield conn

    def version(self, conn: Connection) -> int | None:
        """The store's schema version, ``None`` if the database is empty (see migrations)."""
        return migrations.read_version(conn, self.where)

    def prepare(self, conn: Connection) -> None:
        """Inside a write transaction: create the store or bring it to the current schema."""
        migrations.prepare(conn, self.where, self.display)


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

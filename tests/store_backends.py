"""The plan store's two backends for the tests: SQLite in a folder, and a real PostgreSQL.

The ``backend`` fixture runs a test once per backend. The PostgreSQL server is the one named
by ``SALESFLOW_TEST_POSTGRES_URL`` (a SQLAlchemy URL of a database on a server where that
user may create databases; ``.ci/run`` starts one and sets it), else a throwaway cluster that
:mod:`pg_cluster` starts from the installed binaries for the session. Each test gets a
database of its own, dropped afterwards. Without a server (or without psycopg) the PostgreSQL
cases are skipped with the reason (pytest prints it: ``-rs`` is in addopts), unless
``SALESFLOW_REQUIRE_POSTGRES=1``, which turns that into a failure.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from salesflow.data.store.plan_store import PlanStore

BACKENDS = ("sqlite", "postgresql")


def _unavailable(reason: str) -> None:
    if os.environ.get("SALESFLOW_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"SALESFLOW_REQUIRE_POSTGRES=1 but PostgreSQL is unavailable: {reason}",
                    pytrace=False)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A SQLAlchemy URL on a PostgreSQL server where databases may be created."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'salesflow[postgres]')")
    given = os.environ.get("SALESFLOW_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    import pg_cluster

    folder = Path(tempfile.mkdtemp(prefix="salesflow-pg-"))
    try:
        url = pg_cluster.start(folder)
    except pg_cluster.NoServer as exc:
        _unavailable(f"{exc} (or set SALESFLOW_TEST_POSTGRES_URL)")
    try:
        yield url
    finally:
        pg_cluster.stop(folder)


def _admin_engine(admin_url: str) -> sa.Engine:
    return sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"salesflow_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(postgres_admin_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(postgres_admin_url).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@dataclass
class Backend:
    """One backend under test: where its store is and how to look inside its database.

    ``root`` is the test's store folder: the SQLite store itself, or, for PostgreSQL, the
    folder given as ``plans_dir``'s parent, so that plan files are under ``root/plans`` on
    both.
    """

    name: str
    location: str
    root: Path

    def open(self, **kwargs: Any) -> PlanStore:
        """A :class:`PlanStore` on this backend (``plans_dir`` is ``root/plans``)."""
        if self.name == "sqlite":
            return PlanStore(self.location, **kwargs)
        return PlanStore(self.location, plans_dir=self.root / "plans", **kwargs)

    @property
    def url(self) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{Path(self.location) / 'salesflow.db'}"
        return self.location

    @property
    def display(self) -> str:
        """The store as messages name it."""
        if self.name == "sqlite":
            return self.location
        return sa.make_url(self.location).render_as_string(hide_password=True)

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=sa.NullPool)

    def tables(self) -> list[str]:
        """The database's tables (none for a SQLite store whose file does not exist)."""
        if self.name == "sqlite" and not (Path(self.location) / "salesflow.db").exists():
            return []
        engine = self.engine()
        try:
            with engine.connect() as conn:
                return sorted(sa.inspect(conn).get_table_names())
        finally:
            engine.dispose()

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted."""
        names = self.tables()
        if not names:
            return {}
        engine = self.engine()
        out: dict[str, list[tuple[Any, ...]]] = {}
        try:
            with engine.connect() as conn:
                for name in names:
                    rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"').all()
                    out[name] = sorted((tuple(bytes(v) if isinstance(v, memoryview) else v
                                              for v in r) for r in rows), key=repr)
        finally:
            engine.dispose()
        return out

    def execute(self, sql: str) -> None:
        """Run one statement in its own committed transaction."""
        engine = self.engine()
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(sql)
        finally:
            engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each backend in turn, with an empty store."""
    root = tmp_path / "store"
    if request.param == "sqlite":
        return Backend("sqlite", str(root), root)
    url = request.getfixturevalue("postgres_url")
    return Backend("postgresql", url, root)

"""Looking after a store: upgrading its schema, writing a backup copy of its database.

The database holds everything of a plan (its files' contents included; ``plans/<id>/`` is a
copy that :meth:`~salesflow.data.store.PlanStore.restore_files` rebuilds), so a backup of the
database is a backup of the store.

* SQLite: the sqlite3 online backup API, which copies a consistent snapshot while other
  processes keep reading and writing the store.
* PostgreSQL: ``pg_dump --format=custom`` (restore with ``pg_restore -d URL FILE``), which
  must be on PATH.

The copy is written to a temporary file beside the target and renamed into place, so a
failed backup leaves nothing; an existing target is only replaced when asked to.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from salesflow.data.errors import StoreError, UserError
from salesflow.data.i18n import _
from salesflow.data.store.database import StoreDatabase
from salesflow.data.store.schema import plans_table

PG_DUMP_TIMEOUT_S = 3600.0
"""How long ``pg_dump`` may run."""


@dataclass(frozen=True)
class UpgradeOutcome:
    """What :func:`upgrade_store` did: the schema versions before and after."""

    store: str
    before: int
    after: int

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class BackupOutcome:
    """What :func:`backup_store` wrote: the file, its size, how, and what it holds."""

    store: str
    path: Path
    size: int
    method: str
    schema_version: int
    plans: int
    replaced: bool


def _existing_version(database: StoreDatabase, conn: sa.Connection) -> int:
    version = database.version(conn)
    if version is None:
        raise UserError(_("there is no plan store at {store} (nothing to do; `salesflow "
                          "weekly` creates one)").format(store=database.display))
    return version


def upgrade_store(location: str | os.PathLike[str]) -> UpgradeOutcome:
    """Bring the store at ``location`` to the current schema, in one write transaction.

    Raises
    ------
    UserError
        There is no store there.
    StoreError
        The database is not a plan store, is newer than this salesflow, or cannot be written.
    """
    database = StoreDatabase(location)
    try:
        if not database.may_exist():
            raise UserError(_("there is no plan store at {store} (nothing to do; `salesflow "
                              "weekly` creates one)").format(store=database.display))
        with database.connect(write=True) as conn, conn.begin():
            before = _existing_version(database, conn)
            database.prepare(conn)
            after = _existing_version(database, conn)
    finally:
        database.close()
    return UpgradeOutcome(database.display, before, after)


def default_backup_path(location: str | os.PathLike[str], now: datetime | None = None) -> Path:
    """Where a backup goes unless told: ``backups/`` in the store folder (beside a SQLite
    file), else ``./salesflow-<database>-<UTC time>.dump``."""
    database = StoreDatabase(location)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    if database.db_path is not None:
        return database.db_path.parent / "backups" / f"{database.db_path.stem}-{stamp}.db"
    name = database.url.database or "store"
    return Path.cwd() / f"salesflow-{name}-{stamp}.dump"


def backup_store(location: str | os.PathLike[str], target: Path | None = None, *,
                 force: bool = False) -> BackupOutcome:
    """Write a consistent copy of the store's database to ``target`` (see the module doc).

    Raises
    ------
    UserError
        There is no store, ``target`` exists and ``force`` is not set, or the backend has no
        backup method here (PostgreSQL without ``pg_dump`` on PATH).
    StoreError
        The copy failed; nothing was written then.
    """
    database = StoreDatabase(location)
    target = Path(target if target is not None else default_backup_path(location)).absolute()
    try:
        if not database.may_exist():
            raise UserError(_("there is no plan store at {store} to back up").format(
                store=database.display))
        with database.reading() as conn:  # migrates an older store first, like any reader
            if conn is None:
                raise UserError(_("there is no plan store at {store} to back up").format(
                    store=database.display))
            version = _existing_version(database, conn)
            plans = conn.scalar(sa.select(sa.func.count()).select_from(plans_table)) or 0
        backend = database.url.get_backend_name()
        if backend not in ("sqlite", "postgresql") or (
                backend == "sqlite" and database.db_path is None):
            raise UserError(_("salesflow store backup knows SQLite files and PostgreSQL, not "
                              "{store}; use that database's own backup tool").format(
                                  store=database.display))
        if target.is_dir():
            raise UserError(_("backup target {target} is a folder; give a file name").format(
                target=target))
        replaced = target.exists()
        if replaced and not force:
            raise UserError(_("{target} exists; use --force to overwrite it, or --to another "
                              "file").format(target=target))
        if database.db_path is not None and target == database.db_path:
            raise UserError(_("{target} is the store's own database; choose another file")
                            .format(target=target))
        if backend == "postgresql":
            pg_dump = shutil.which("pg_dump")
            if pg_dump is None:
                raise UserError(
                    _("salesflow store backup of a PostgreSQL store runs pg_dump, which is not "
                      "on PATH; install the PostgreSQL client tools of the server's major "
                      "version (Debian/Ubuntu: apt-get install postgresql-client) and try "
                      "again"))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(_("cannot create the backup folder {folder}: {error}").format(
                folder=target.parent, error=exc)) from exc
        temp = target.with_name(f".{target.name}.partial-{os.getpid()}")
        try:
            if backend == "postgresql":
                method = "pg_dump --format=custom"
                _pg_dump(pg_dump, database, temp)
            else:
                method = "sqlite3 online backup"
                assert database.db_path is not None
                _sqlite_backup(database.db_path, temp)
            temp.replace(target)
        except OSError as exc:
            raise StoreError(_("cannot write the backup {target}: {error}").format(
                target=target, error=exc)) from exc
        finally:
            with suppress(OSError):
                temp.unlink()
    finally:
        database.close()
    return BackupOutcome(database.display, target, target.stat().st_size, method, version,
                         int(plans), replaced)


def _sqlite_backup(source: Path, temp: Path) -> None:
    try:
        with closing(sqlite3.connect(source, timeout=30.0)) as src, \
                closing(sqlite3.connect(temp)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise StoreError(_("cannot back up {source}: {error}").format(
            source=source, error=exc)) from exc


def _pg_dump(pg_dump: str | None, database: StoreDatabase, temp: Path) -> None:
    assert pg_dump is not None
    url = database.url
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # libpq takes the URL (its query holds host=/socket/dir and the like) without a driver.
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    try:
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--file", str(temp),
                               "--dbname", conninfo], capture_output=True, text=True,
                              env=env, timeout=PG_DUMP_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StoreError(_("pg_dump of {store} failed: {error}").format(
            store=database.display, error=exc)) from exc
    if done.returncode != 0:
        raise StoreError(_("pg_dump of {store} failed (exit {code}): {error}").format(
            store=database.display, code=done.returncode, error=done.stderr.strip()))

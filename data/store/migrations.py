"""The plan store's schema version: reading it, creating a store, migrating an older one.

Migrations are Alembic revisions shipped in the package (:mod:`salesflow.data.store.alembic`,
``versions/0001_*.py`` ...), run programmatically on the store's own connection inside the
caller's write transaction: users need no ``alembic.ini``, and a failed step leaves the store
as it was. The revision id is the schema version it makes (``0003`` is schema 3). New tables
or columns come as new Alembic revisions (and the matching change in
:mod:`salesflow.data.store.schema`); ``tests/test_store_migrations.py`` checks that the chain
builds exactly the tables of ``schema.py``.

A store records its schema version twice: ``meta.schema_version``, the version of record
(what salesflow before Alembic read, so that an older salesflow still refuses a newer store
with its "upgrade salesflow" message), and Alembic's ``alembic_version`` table, which follows
it. Stores written before Alembic (schema 1, 2 or 3 in ``meta`` and no ``alembic_version``),
or whose Alembic revision disagrees with ``meta``, are stamped with the revision of their
``meta`` version and upgraded from there. :func:`prepare` creates a store by running
the whole chain on an empty database. A database with foreign ``plans``/``meta`` tables, or
one written by a newer salesflow, is refused.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesflow.data.errors import StoreError
from salesflow.data.i18n import _
from salesflow.data.store.checks import utc_text
from salesflow.data.store.schema import meta_table

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 3
"""Version of the database schema this code writes and reads, the number of the newest
Alembic revision (2: applied purchase orders; 3: purchase orders with their own ids, status
and history)."""

SCRIPT_LOCATION = Path(__file__).with_name("alembic")
"""The Alembic environment and revisions (a folder of the package)."""


@lru_cache(maxsize=4)
def _script(location: str) -> object:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(location)


def _head(location: Path) -> str:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        script = _script(str(location))
        assert isinstance(script, ScriptDirectory)
        head = script.get_current_head()
    except CommandError as exc:
        raise StoreError(_("the plan store's migrations in {location} are broken: {error}")
                         .format(location=location, error=exc)) from exc
    if head is None or not head.isdigit():
        raise StoreError(_("the plan store's migrations in {location} have no numbered head "
                           "revision (found {head})").format(location=location,
                                                             head=repr(head)))
    return head


def revision_for(version: int) -> str:
    """The Alembic revision id of schema ``version`` (``3`` -> ``"0003"``)."""
    return f"{version:04d}"


def _alembic_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def read_version(conn: Connection, where: str) -> int | None:
    """Return the store's schema version, ``None`` if the database is empty.

    ``where`` names the database in messages.

    Raises
    ------
    StoreError
        The database is not a plan store, or a newer salesflow wrote it.
    """
    tables = set(sa.inspect(conn).get_table_names())
    if "meta" not in tables and "plans" not in tables:
        return None
    value = None
    if "meta" in tables:
        value = conn.scalar(
            sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
        )
    try:
        version = int(value) if value is not None else None
    except ValueError:
        version = None
    if version is None:
        raise StoreError(
            _("{where} is not a salesflow plan store (it has a 'plans' or 'meta' table but "
              "no schema_version)").format(where=where))
    latest = int(_head(SCRIPT_LOCATION))
    revision = _alembic_revision(conn) if "alembic_version" in tables else None
    if version > latest or (revision is not None and not revision.isdigit()) \
            or (revision is not None and int(revision) > latest):
        raise StoreError(
            _("{where} was written by a newer salesflow (schema {version}, this version reads "
              "up to {latest}); upgrade salesflow").format(where=where, version=version,
                                                           latest=latest))
    return version


def is_outdated(conn: Connection, version: int | None) -> bool:
    """Whether a store at ``version`` (``None``: no store) needs :func:`prepare` to migrate:
    an older schema, or an Alembic revision that is not its version's (none recorded: a
    store written before Alembic)."""
    if version is None:
        return False
    head = _head(SCRIPT_LOCATION)
    return revision_for(version) != head or _alembic_revision(conn) != head


def _alembic(conn: Connection, command_name: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = conn
    if command_name == "stamp":
        command.stamp(config, revision, purge=True)
    else:
        command.upgrade(config, revision)


def prepare(conn: Connection, where: str, display: str) -> None:
    """Inside a write transaction: create the store or migrate it to the newest revision.

    ``where`` names the database in errors, ``display`` the store in log messages.

    Raises
    ------
    StoreError
        See :func:`read_version`; or the revisions cannot be run.
    """
    version = read_version(conn, where)
    head = _head(SCRIPT_LOCATION)
    if version is None:
        _alembic(conn, "upgrade", head)
        conn.execute(
            sa.insert(meta_table),
            [
                {"key": "schema_version", "value": str(int(head))},
                {"key": "created_at", "value": utc_text(None)},
            ],
        )
        logger.info("created plan store %s (schema %d)", display, int(head))
        return
    current = _alembic_revision(conn)
    if current == head == revision_for(version):
        return
    if current != revision_for(version):  # written before Alembic (None), or disagreeing
        logger.info("plan store %s: recording schema %d as Alembic revision %s (was %s)",
                    display, version, revision_for(version), current)
        _alembic(conn, "stamp", revision_for(version))
    logger.info("migrating plan store %s from schema %d to %d", display, version, int(head))
    try:
        _alembic(conn, "upgrade", head)
    except (sa.exc.SQLAlchemyError, StoreError):
        raise
    except Exception as exc:  # Alembic's own errors (a broken chain, a missing revision)
        raise StoreError(_("cannot migrate plan store {store} to schema {version}: {error}")
                         .format(store=display, version=int(head), error=exc)) from exc
    conn.execute(
        sa.update(meta_table)
        .where(meta_table.c.key == "schema_version")
        .values(value=str(int(head)))
    )

"""The plan store: every planning run saved as a versioned plan (DESIGN §6).

A plan is a row of metadata plus named output files. The database (SQLite by default, any
SQLAlchemy URL for a shared one) is the source of truth and holds the file contents too; the
files are also materialized under ``plans/<id>/`` for people and tools that read folders.

:meth:`PlanStore.save_plan` is atomic: a crash, an exception or Ctrl-C at any point leaves the
database and the ``plans/`` folder as they were, or the plan completely written. Files are
first written to ``plans/.tmp-<hex>/``, then the rows are inserted in one transaction, the
folder is renamed to ``plans/<id>`` and only then is the transaction committed (the folder
steps are :func:`salesflow.data.atomic.staged_folder`).

The store's parts live beside this module: the tables (:mod:`.schema`), schema versions and
migrations (:mod:`.migrations`), the database connection and its locking (:mod:`.database`),
records and input checks (:mod:`.records`, :mod:`.checks`), applying plans and the open orders
(:mod:`.apply`) and the removal of crash leftovers (:mod:`.leftovers`). The names other code
used from here before that split are still importable from here; to monkeypatch
``SCHEMA_VERSION`` or the Alembic revisions (``SCRIPT_LOCATION``), patch
:mod:`salesflow.data.store.migrations`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from salesflow.data.atomic import remove_path, staged_folder
from salesflow.data.errors import PlanNotFoundError, StoreError, UserError
from salesflow.data.i18n import _
from salesflow.data.store import apply, orders
from salesflow.data.store.apply import ORDER_FIELDS
from salesflow.data.store.checks import (
    check_file_name,
    check_id,
    check_week,
    to_json,
    utc_text,
)
from salesflow.data.store.database import StoreDatabase
from salesflow.data.store.leftovers import STALE_AFTER_S, clean_leftovers
from salesflow.data.store.migrations import SCHEMA_VERSION
from salesflow.data.store.records import (
    STATUSES,
    ApplyOutcome,
    PlanFileInfo,
    PlanRecord,
    file_info,
    file_row,
    media_type_for,
    read_records,
)
from salesflow.data.store.schema import files_table, plans_table

# Names other code imported from here before the split, kept importable (read them here;
# patch them where they live).
__all__ = [
    "ORDER_FIELDS",
    "SCHEMA_VERSION",
    "STALE_AFTER_S",
    "STATUSES",
    "ApplyOutcome",
    "PlanFileInfo",
    "PlanRecord",
    "PlanStore",
    "media_type_for",
]

logger = logging.getLogger(__name__)


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
        self._database = StoreDatabase(location)
        self._plans_dir = (
            Path(plans_dir).absolute() if plans_dir is not None
            else self._database.default_plans_dir
        )
        # Test hooks, called with the plan folder around the rename (inside the transaction).
        self._before_rename: Callable[[Path], None] = _noop
        self._after_rename: Callable[[Path], None] = _noop

    # ------------------------------------------------------------------ properties
    @property
    def url(self) -> str:
        """The database URL (password hidden)."""
        return self._database.url.render_as_string(hide_password=True)

    @property
    def plans_dir(self) -> Path:
        """The folder holding one ``<id>/`` folder per plan."""
        return self._plans_dir

    @property
    def exists(self) -> bool:
        """Whether the database already holds a plan store (never creates it)."""
        with self._database.reading() as conn:
            return conn is not None

    def __repr__(self) -> str:
        return f"PlanStore({self._database.display!r})"

    def close(self) -> None:
        """Release pooled database connections."""
        self._database.close()

    def plan_path(self, plan_id: int) -> Path:
        """Return the folder where the files of plan ``plan_id`` are materialized."""
        return self._plans_dir / str(plan_id)

    def export_path(self, plan_id: int) -> Path:
        """Folder where :meth:`apply_plan` writes the exports of plan ``plan_id``."""
        return self._plans_dir.parent / "exports" / str(plan_id)

    # ------------------------------------------------------------------ reading
    def list_plans(self) -> list[PlanRecord]:
        """Return every committed plan, ordered by id."""
        with self._database.reading() as conn:
            return [] if conn is None else read_records(conn)

    def get_plan(self, plan_id: int) -> PlanRecord:
        """Return plan ``plan_id``; raise :class:`PlanNotFoundError` if there is none."""
        check_id(plan_id)
        with self._database.reading() as conn:
            records = [] if conn is None else read_records(conn, plan_id)
        if not records:
            raise self._not_found(plan_id)
        return records[0]

    def read_file(self, plan_id: int, name: str) -> bytes:
        """Return the content of file ``name`` of plan ``plan_id``, read from the database."""
        rows = self._file_rows(plan_id, name)
        if not rows:
            names = ", ".join(f.name for f in self.get_plan(plan_id).files) or _("none")
            raise UserError(_("plan {plan_id} has no file {name} (its files: {names})").format(
                plan_id=plan_id, name=repr(name), names=names))
        return bytes(rows[0].content)

    def orders_for_planning(self, week_start: date) -> list[dict[str, Any]]:
        """The open purchase orders a plan for the week from ``week_start`` nets (placed
        before it; see :mod:`salesflow.data.store.orders`)."""
        return orders.orders_for_planning(self._database, week_start)

    def list_orders(self, status: str | None = None) -> list[orders.PurchaseOrder]:
        """The issued purchase orders (``status``: only those)."""
        return orders.list_orders(self._database, status)

    def cancel_order(self, order_id: int) -> orders.PurchaseOrder:
        """Cancel what is open of purchase order ``order_id`` (see :func:`orders.cancel_order`)."""
        return orders.cancel_order(self._database, order_id)

    def receive_order(self, order_id: int, quantity: float | None = None
                      ) -> orders.PurchaseOrder:
        """Record purchase order ``order_id`` as received (see :func:`orders.receive_order`)."""
        return orders.receive_order(self._database, order_id, quantity)

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
        check_week(week)
        if not isinstance(fingerprint, str) or not fingerprint:
            raise UserError(_("plan fingerprint must be a non-empty text, got {value}").format(
                value=repr(fingerprint)))
        config_json = to_json(config, "config")
        summary_json = to_json(summary, "summary")
        names = [check_file_name(name) for name in files]
        created_at = utc_text(now)
        data_dir_text = os.fspath(data_dir)
        rows = [file_row(name, files[name]) for name in names]
        database = self._database
        try:
            with staged_folder(self._plans_dir, ((r["name"], r["content"]) for r in rows)) \
                    as swap, database.connect(write=True) as conn, conn.begin():
                # the transaction commits at the end of the block, rolls back on any error
                database.prepare(conn)
                key = conn.execute(
                    sa.insert(plans_table).values(
                        week=week, created_at=created_at, fingerprint=fingerprint,
                        config=config_json, summary=summary_json, data_dir=data_dir_text,
                        status="draft", applied_at=None,
                    )
                ).inserted_primary_key
                if key is None:  # every SQLAlchemy dialect reports it for a one-row insert
                    raise StoreError(_("{where} did not report the new plan's id").format(
                        where=database.where))
                plan_id: int = key[0]
                if rows:
                    conn.execute(sa.insert(files_table), [{"plan_id": plan_id, **r} for r in rows])
                final = self.plan_path(plan_id)
                self._before_rename(final)
                if final.exists() or final.is_symlink():
                    # No row owns it (ids are never reused): left by a crash before a commit.
                    logger.warning("removing orphan plan folder %s", final)
                    remove_path(final)
                self._after_rename(swap.install(final))
        except OSError as exc:
            raise StoreError(_("cannot write plan files under {folder}: {error}").format(
                folder=self._plans_dir, error=exc)) from exc
        logger.info("saved plan %d (week %s) in store %s", plan_id, week, database.display)
        clean_leftovers(self._plans_dir, self._plan_ids)
        return PlanRecord(
            id=plan_id, week=week, created_at=created_at, fingerprint=fingerprint,
            config=json.loads(config_json), summary=json.loads(summary_json),
            data_dir=data_dir_text, status="draft", applied_at=None,
            files=tuple(sorted((file_info(r) for r in rows), key=lambda f: f.name)),
        )

    def set_status(self, plan_id: int, status: str, *, applied_at: str | None = None) -> PlanRecord:
        """Set the status of a plan and return the updated record.

        ``applied_at`` is stored when given. Setting ``applied`` without it stores the current
        UTC time, unless the plan is already applied. Otherwise ``applied_at`` is kept.
        Raises :class:`UserError` for an unknown status, :class:`PlanNotFoundError`.
        """
        check_id(plan_id)
        if status not in STATUSES:
            raise UserError(_("plan status must be one of {choices}, got {value}").format(
                choices=", ".join(STATUSES), value=repr(status)))
        values: dict[str, Any] = {"status": status}
        if applied_at is not None:
            values["applied_at"] = applied_at
        elif status == "applied":  # re-applying an applied plan keeps its time (idempotent)
            col = plans_table.c
            values["applied_at"] = sa.case((col.status == "applied", col.applied_at),
                                           else_=utc_text(None))
        if not self._database.may_exist():
            raise self._not_found(plan_id)
        with self._database.connect(write=True) as conn, conn.begin():
            if self._database.version(conn) is None:
                raise self._not_found(plan_id)
            self._database.prepare(conn)
            result = conn.execute(
                sa.update(plans_table).where(plans_table.c.id == plan_id).values(**values)
            )
            if result.rowcount == 0:
                raise self._not_found(plan_id)
            return read_records(conn, plan_id)[0]

    def apply_plan(self, plan_id: int, *, orders: list[Mapping[str, Any]],
                   exports: Mapping[str, bytes], force: bool = False,
                   now: datetime | None = None) -> apply.AppliedPlan:
        """Make plan ``plan_id`` the one in force, atomically and idempotently.

        Its purchase order lines of its week (``orders``: dicts with :data:`ORDER_FIELDS`)
        are issued as purchase orders: only the difference against the orders already issued
        for the week (:mod:`salesflow.data.store.orders`); the plan applied before becomes
        ``superseded``; ``exports`` plus the lines to send (``purchase_orders_erp.csv``) are
        written to :meth:`export_path`. Applying an applied plan changes nothing. Applying a
        plan older (earlier week, or same week and created earlier) than the applied one
        needs ``force``. A concurrent apply or order change makes this one fail with
        :class:`~salesflow.data.store.apply.ApplyConflictError`.

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
            return apply.AppliedPlan(plan, False, (), self.export_path(plan_id))
        return apply.apply_plan(
            self._database, plan, export_dir=self.export_path(plan_id), orders=orders,
            exports=exports, force=force, now=now, after_rename=self._after_rename,
            seen=apply.store_state(self._database, plan),
        )

    def restore_files(self, plan_id: int) -> Path:
        """Re-materialize ``plans/<id>/`` from the database, atomically; return the folder."""
        stored = self._file_rows(plan_id)
        for name, sha256, content in stored:
            if hashlib.sha256(content).hexdigest() != sha256:
                raise StoreError(
                    _("file {name} of plan {plan_id} is corrupt in {store}").format(
                        name=repr(name), plan_id=plan_id, store=self._database.display))
        final = self.plan_path(plan_id)
        try:
            with staged_folder(self._plans_dir, ((n, c) for n, _, c in stored)) as swap:
                swap.install(final)
        except OSError as exc:
            raise StoreError(_("cannot restore plan files under {folder}: {error}").format(
                folder=final, error=exc)) from exc
        logger.info("restored the files of plan %d into %s", plan_id, final)
        return final

    # ------------------------------------------------------------------ internals
    def _not_found(self, plan_id: int) -> PlanNotFoundError:
        return PlanNotFoundError(_("no plan with id {plan_id} in store {store}").format(
            plan_id=plan_id, store=self._database.display))

    def _plan_ids(self) -> set[int]:
        with self._database.reading() as conn:
            return set(conn.scalars(sa.select(plans_table.c.id))) if conn is not None else set()

    def _file_rows(
        self, plan_id: int, name: str | None = None
    ) -> list[sa.Row[str, str, bytes]]:
        """Return ``(name, sha256, content)`` of a plan's files (or of one); check the plan."""
        check_id(plan_id)
        with self._database.reading() as conn:
            plan_q = sa.select(plans_table.c.id).where(plans_table.c.id == plan_id)
            if conn is None or conn.scalar(plan_q) is None:
                raise self._not_found(plan_id)
            query = sa.select(
                files_table.c.name, files_table.c.sha256, files_table.c.content
            ).where(files_table.c.plan_id == plan_id)
            if name is not None:
                query = query.where(files_table.c.name == name)
            return list(conn.execute(query))

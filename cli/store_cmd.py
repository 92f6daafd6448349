"""``salesflow store upgrade`` and ``salesflow store backup``: looking after a plan store."""

from __future__ import annotations

from pathlib import Path

import click

from salesflow.cli.common import emit, json_option, store_option
from salesflow.data.i18n import _, format_number, ngettext


@click.group("store", epilog="""\b
Examples:
  salesflow store upgrade                       bring ./.salesflow to this version's schema
  salesflow store backup --to plans-copy.db     a consistent copy of the store's database
  salesflow store backup --store postgresql://planner@db/plans --to plans.dump
""")
def store_group() -> None:
    """Look after a plan store: schema upgrades and backups."""


@store_group.command("upgrade", epilog="""\b
Examples:
  salesflow store upgrade
  salesflow store upgrade --store sqlite:////srv/plans.db --json
""")
@store_option
@json_option
def upgrade_command(store: str, as_json: bool) -> None:
    """Bring a store written by an earlier salesflow to this version's schema.

    Any command that reads the store does this on the way; this command does it alone
    and says which schema versions it went from and to. A store already current is left
    as it is. Back the store up first (`salesflow store backup`).
    """
    from salesflow.data.store.maintenance import upgrade_store

    outcome = upgrade_store(store)
    if outcome.changed:
        text = _("Upgraded plan store {store} from schema {before} to {after}.").format(
            store=outcome.store, before=outcome.before, after=outcome.after)
    else:
        text = _("Plan store {store} is at schema {after} already; nothing to do.").format(
            store=outcome.store, after=outcome.after)
    emit({"ok": True, "store": outcome.store, "changed": outcome.changed,
          "schema_before": outcome.before, "schema_after": outcome.after}, text)


@store_group.command("backup", epilog="""\b
Examples:
  salesflow store backup                        into backups/ of the store folder
  salesflow store backup --to /mnt/safe/plans-2026-W48.db
  salesflow store backup --store postgresql://planner@db/plans --to plans.dump
  salesflow store backup --to plans.db --force  replace an earlier copy
""")
@click.option("--to", "target", type=click.Path(path_type=Path), default=None,
              help="File to write (default: backups/<name>-<UTC time>.db in the store folder; "
                   "for PostgreSQL ./salesflow-<database>-<UTC time>.dump).")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@store_option
@json_option
def backup_command(target: Path | None, force: bool, store: str, as_json: bool) -> None:
    """Write a consistent copy of a plan store's database to a file.

    The database holds every plan with its files, so the copy is the whole store. SQLite:
    the online backup API (other processes may keep using the store meanwhile); restore
    by copying the file to the store folder as salesflow.db. PostgreSQL: pg_dump's custom
    format (pg_dump must be on PATH); restore with `pg_restore -d URL FILE`. An existing
    file is only replaced with --force.
    """
    from salesflow.data.store.maintenance import backup_store

    outcome = backup_store(store, target, force=force)
    text = ngettext(
        "Backed up plan store {store} (schema {schema}, {plans} plan) to {file}: {size} bytes "
        "by {method}{replaced}.",
        "Backed up plan store {store} (schema {schema}, {plans} plans) to {file}: {size} "
        "bytes by {method}{replaced}.", outcome.plans).format(
            store=outcome.store, schema=outcome.schema_version,
            plans=format_number(outcome.plans), file=outcome.path,
            size=format_number(outcome.size), method=outcome.method,
            replaced=_(" (replaced the earlier file)") if outcome.replaced else "")
    emit({"ok": True, "store": outcome.store, "file": str(outcome.path), "bytes": outcome.size,
          "method": outcome.method, "schema_version": outcome.schema_version,
          "plans": outcome.plans, "replaced": outcome.replaced}, text)

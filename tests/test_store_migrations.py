"""Stores that outlive a version: the Alembic chain, stores written before it, a store made by
the release at commit 77ea0b2 (``tests/data/stores/release-77ea0b2``, see its README)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from store_backends import Backend

from salesflow.cli.main import cli
from salesflow.data.errors import StoreError
from salesflow.data.store import migrations, schema
from salesflow.data.store.plan_store import PlanStore

RELEASE_STORE = Path(__file__).parent / "data" / "stores" / "release-77ea0b2"


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def save(store: PlanStore, week: str = "2026-W48") -> int:
    return store.save_plan(week=week, fingerprint="f", config={}, summary={}, data_dir="d",
                           files={"kpis.json": b"{}"}).id


@pytest.fixture
def release_store(tmp_path: Path) -> Path:
    """A private copy of the store made by the release (the database only)."""
    folder = tmp_path / "release-store"
    folder.mkdir()
    shutil.copy(RELEASE_STORE / "salesflow.db", folder / "salesflow.db")
    return folder


def _sqlite_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as con:
        return con.execute(sql).fetchall()


def test_release_fixture_is_what_its_readme_says() -> None:
    db = RELEASE_STORE / "salesflow.db"
    assert dict(_sqlite_rows(db, "SELECT key, value FROM meta"))["schema_version"] == "2"
    tables = {r[0] for r in _sqlite_rows(db, "SELECT name FROM sqlite_master WHERE "
                                              "type='table'")}
    assert "alembic_version" not in tables and "applied_orders" in tables
    assert _sqlite_rows(db, "SELECT id, week, status FROM plans ORDER BY id") == [
        (1, "2026-W48", "applied"), (2, "2026-W49", "draft"), (3, "2026-W48", "draft")]
    assert _sqlite_rows(db, "SELECT count(*) FROM applied_orders") == [(192,)]


def test_release_store_lists_diffs_exports_and_applies(release_store: Path,
                                                       tmp_path: Path) -> None:
    db = release_store / "salesflow.db"
    applied_lines = _sqlite_rows(db, "SELECT po_id, sku, quantity FROM applied_orders")

    code, out, err = run("plans", "list", "--store", release_store, "--json")
    assert code == 0, err
    listed = json.loads(out)["plans"]
    assert [(p["id"], p["week"], p["status"]) for p in listed] == [
        (1, "2026-W48", "applied"), (2, "2026-W49", "draft"), (3, "2026-W48", "draft")]
    # Opening it migrated it: schema 3 and its Alembic revision, the applied lines of
    # schema 2 are open purchase orders now, each with its "migrated" event.
    assert dict(_sqlite_rows(db, "SELECT key, value FROM meta"))["schema_version"] == \
        str(migrations.SCHEMA_VERSION)
    assert _sqlite_rows(db, "SELECT version_num FROM alembic_version") == [
        (migrations.revision_for(migrations.SCHEMA_VERSION),)]
    store = PlanStore(release_store)
    orders = store.list_orders()
    assert sorted((o.po_id, o.sku, o.quantity) for o in orders) == sorted(applied_lines)
    assert {(o.status, o.plan_id, o.week) for o in orders} == {("open", 1, "2026-W48")}
    assert _sqlite_rows(db, "SELECT kind, count(*) FROM purchase_order_events "
                            "GROUP BY kind") == [("migrated", 192)]

    code, out, err = run("plans", "diff", "1", "2", "--store", release_store, "--json")
    assert code == 0, err
    diff = json.loads(out)
    assert diff["from"] == 1 and diff["to"] == 2 and diff["purchase"]  # other weeks' buys
    code, out, err = run("plans", "diff", "1", "3", "--store", release_store, "--json")
    assert code == 0, err
    assert json.loads(out)["purchase"] == []  # the re-plan bought the same

    target = tmp_path / "po2.csv"
    code, out, err = run("export", "2", "--what", "purchase", "--format", "csv", "--out",
                         target, "--store", release_store)
    assert code == 0, err
    assert target.read_bytes() == store.read_file(2, "purchase_orders.csv")

    # The files written by the release are intact: restored from the database by digest.
    folder = store.restore_files(2)
    for info in store.get_plan(2).files:
        assert hashlib.sha256((folder / info.name).read_bytes()).hexdigest() == info.sha256

    # Re-applying the week with plan 3 (the same purchases): nothing new to issue.
    code, out, err = run("apply", "3", "--store", release_store, "--json")
    assert code == 0, err
    applied = json.loads(out)
    assert applied["changed"] and applied["superseded"] == [1]
    assert sorted((o.po_id, o.sku, o.quantity) for o in store.list_orders()) == \
        sorted(applied_lines)
    code, out, err = run("apply", "2", "--store", release_store, "--json")
    assert code == 0, err
    assert json.loads(out)["superseded"] == [3]
    statuses = {p.id: p.status for p in store.list_plans()}
    assert statuses == {1: "superseded", 2: "applied", 3: "superseded"}
    weeks = {o.week for o in store.list_orders()}
    assert weeks == {"2026-W48", "2026-W49"}
    store.close()


def test_store_upgrade_of_the_release_store(release_store: Path) -> None:
    code, out, err = run("store", "upgrade", "--store", release_store)
    assert code == 0, err
    assert out.strip() == (f"Upgraded plan store {release_store} from schema 2 to "
                           f"{migrations.SCHEMA_VERSION}.")
    code, out, _ = run("store", "upgrade", "--store", release_store, "--json")
    assert json.loads(out)["changed"] is False
    code, out, err = run("store", "backup", "--store", release_store, "--json")
    assert code == 0, err
    assert json.loads(out)["plans"] == 3


def _diffs(backend: Backend) -> list[Any]:
    engine = backend.engine()
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return [d for d in compare_metadata(context, schema.metadata)
                    if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
    finally:
        engine.dispose()


def test_the_chain_builds_the_tables_of_schema_py(backend: Backend) -> None:
    store = backend.open()
    save(store)
    store.close()
    assert _diffs(backend) == []
    assert backend.rows()["alembic_version"] == [
        (migrations.revision_for(migrations.SCHEMA_VERSION),)]
    assert int(migrations._head(migrations.SCRIPT_LOCATION)) == migrations.SCHEMA_VERSION


def test_a_schema_2_store_before_alembic_is_migrated(backend: Backend) -> None:
    """What the release wrote, on either backend: applied lines become open orders."""
    store = backend.open()
    plan = save(store)
    store.close()
    for table in ("purchase_order_events", "purchase_orders", "alembic_version"):
        backend.execute(f"DROP TABLE {table}")
    backend.execute("CREATE TABLE applied_orders (plan_id INTEGER NOT NULL REFERENCES plans "
                    "(id), week TEXT NOT NULL, po_id TEXT NOT NULL, supplier_id TEXT NOT NULL, "
                    "sku TEXT NOT NULL, quantity FLOAT NOT NULL, order_date TEXT NOT NULL, "
                    "arrival_date TEXT NOT NULL, PRIMARY KEY (po_id, sku))")
    backend.execute(f"INSERT INTO applied_orders VALUES ({plan}, '2026-W48', 'SF1-S1', 'S1', "
                    "'A', 5.5, '2026-11-23', '2026-11-30')")
    backend.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    upgraded = backend.open()
    orders = upgraded.list_orders()
    assert [(o.po_id, o.sku, o.quantity, o.status, o.plan_id) for o in orders] == [
        ("SF1-S1", "A", 5.5, "open", plan)]
    assert "applied_orders" not in backend.tables()
    assert _diffs(backend) == []
    upgraded.close()


NOTE_REVISION = '''"""Schema 4 (a test's): a note on every plan."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plans", sa.Column("note", sa.Text, nullable=True))
    op.execute("UPDATE plans SET note = 'migrated'")
    {fail}
'''


def _with_revision(tmp_path: Path, fail: str = "") -> Path:
    location = tmp_path / "alembic"
    shutil.copytree(migrations.SCRIPT_LOCATION, location,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / "0004_note.py").write_text(NOTE_REVISION.format(fail=fail))
    return location


def test_a_new_revision_upgrades_an_existing_store(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.open()
    save(store)
    store.close()
    monkeypatch.setattr(migrations, "SCRIPT_LOCATION", _with_revision(tmp_path))
    code, out, err = run("store", "upgrade", "--store", backend.location, "--json")
    assert code == 0, err
    assert json.loads(out) | {"store": None} == {
        "ok": True, "store": None, "changed": True, "schema_before": 3, "schema_after": 4}
    rows = backend.rows()
    assert dict(rows["meta"])["schema_version"] == "4"
    assert rows["alembic_version"] == [("0004",)]
    assert [r[-1] for r in rows["plans"]] == ["migrated"]
    upgraded = backend.open()
    assert save(upgraded, "2026-W49") > 1  # and it is written to as before
    upgraded.close()


def test_a_failing_revision_leaves_the_store_as_it_was(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.open()
    save(store)
    store.close()
    before = backend.rows()
    monkeypatch.setattr(migrations, "SCRIPT_LOCATION",
                        _with_revision(tmp_path, fail="raise RuntimeError('disk on fire')"))
    with pytest.raises(StoreError, match=r"cannot migrate plan store .* to schema 4: disk on "
                                         r"fire"):
        backend.open().list_plans()
    assert backend.rows() == before
    code, _, err = run("store", "upgrade", "--store", backend.location)
    assert code == 2 and "disk on fire" in err
    assert backend.rows() == before


def test_a_store_of_a_newer_salesflow_is_refused(backend: Backend) -> None:
    store = backend.open()
    save(store)
    store.close()
    backend.execute("UPDATE alembic_version SET version_num = '0009'")
    with pytest.raises(StoreError, match=r"newer salesflow \(schema 3, this version reads up "
                                         r"to 3\)"):
        backend.open().list_plans()
    code, _, err = run("store", "upgrade", "--store", backend.location)
    assert code == 2 and "upgrade salesflow" in err


def test_a_revision_id_is_its_schema_version() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrations.SCRIPT_LOCATION))
    revisions = sorted(r.revision for r in script.walk_revisions())
    assert revisions == [migrations.revision_for(n)
                         for n in range(1, migrations.SCHEMA_VERSION + 1)]
    for rev in script.walk_revisions():
        expected = migrations.revision_for(int(rev.revision) - 1) \
            if rev.revision != "0001" else None
        assert rev.down_revision == expected

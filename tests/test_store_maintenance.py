"""``salesflow store upgrade`` and ``salesflow store backup`` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from store_backends import Backend

from salesflow.cli.main import cli
from salesflow.data.store import migrations
from salesflow.data.store.plan_store import PlanStore

FILES = {"forecast.csv": b"sku,week,qty\nA,2026-W48,12\n", "kpis.json": b'{"fill_rate": 0.97}'}


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def save_two(store: PlanStore) -> None:
    for week in ("2026-W48", "2026-W49"):
        store.save_plan(week=week, fingerprint="f", config={}, summary={"cost": 1},
                        data_dir="d", files=FILES)


def test_upgrade_without_a_store(backend: Backend) -> None:
    code, out, err = run("store", "upgrade", "--store", backend.location)
    assert code == 2 and out == ""
    assert f"there is no plan store at {backend.display}" in err
    assert "Traceback" not in err


def test_upgrade_current_and_old(backend: Backend) -> None:
    store = backend.open()
    save_two(store)
    store.close()
    current = migrations.SCHEMA_VERSION
    code, out, _ = run("store", "upgrade", "--store", backend.location, "--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "store": backend.display, "changed": False,
                               "schema_before": current, "schema_after": current}
    # A store as salesflow wrote it at schema 1, before Alembic: plans, files, meta only.
    for table in ("purchase_order_events", "purchase_orders", "alembic_version"):
        backend.execute(f"DROP TABLE {table}")
    backend.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    code, out, _ = run("store", "upgrade", "--store", backend.location)
    assert code == 0
    assert out.strip() == (f"Upgraded plan store {backend.display} from schema 1 to "
                           f"{current}.")
    assert {"purchase_orders", "purchase_order_events", "alembic_version"} <= set(
        backend.tables())
    assert "applied_orders" not in backend.tables()  # made by revision 0002, gone in 0003
    assert backend.rows()["alembic_version"] == [(f"{current:04d}",)]
    assert dict(backend.rows()["meta"])["schema_version"] == str(current)
    assert [p.week for p in backend.open().list_plans()] == ["2026-W48", "2026-W49"]


def test_sqlite_backup(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = PlanStore(root)
    save_two(store)
    store.close()
    target = tmp_path / "copies" / "plans.db"
    code, out, _ = run("store", "backup", "--store", root, "--to", target, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["file"] == str(target) and report["bytes"] == target.stat().st_size > 0
    assert report["method"] == "sqlite3 online backup"
    assert report["plans"] == 2 and report["schema_version"] == migrations.SCHEMA_VERSION
    assert report["replaced"] is False
    with closing(sqlite3.connect(target)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM plans").fetchone() == (2,)
        stored = dict(con.execute("SELECT name, content FROM plan_files WHERE plan_id = 1"))
    assert stored == FILES
    # The copy is a working store once it is a folder's salesflow.db.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(target, restored / "salesflow.db")
    copy = PlanStore(restored)
    assert [p.week for p in copy.list_plans()] == ["2026-W48", "2026-W49"]
    assert copy.read_file(2, "kpis.json") == FILES["kpis.json"]
    copy.close()

    before = target.read_bytes()
    store = PlanStore(root)
    store.save_plan(week="2026-W50", fingerprint="f", config={}, summary={}, data_dir="d",
                    files=FILES)
    store.close()
    code, _, err = run("store", "backup", "--store", root, "--to", target)
    assert code == 2
    assert f"{target} exists; use --force" in err
    assert target.read_bytes() == before
    code, out, _ = run("store", "backup", "--store", root, "--to", target, "--force")
    assert code == 0
    assert out.startswith(f"Backed up plan store {root} (schema {migrations.SCHEMA_VERSION}, "
                          f"3 plans) to {target}: ")
    assert "(replaced the earlier file)" in out
    with closing(sqlite3.connect(target)) as con:
        assert con.execute("SELECT count(*) FROM plans").fetchone() == (3,)
    assert not [p for p in target.parent.iterdir() if p.name != "plans.db"]


def test_sqlite_backup_default_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = PlanStore(tmp_path / ".salesflow")
    save_two(store)
    store.close()
    code, out, _ = run("store", "backup", "--json")
    assert code == 0
    written = Path(json.loads(out)["file"])
    assert written.parent == tmp_path / ".salesflow" / "backups"
    assert written.name.startswith("salesflow-") and written.suffix == ".db"
    code, _, err = run("store", "backup", "--store", tmp_path / "none")
    assert code == 2 and "there is no plan store at" in err


@pytest.fixture
def pg_backend(postgres_url: str, tmp_path: Path) -> Backend:
    return Backend("postgresql", postgres_url, tmp_path / "store")


def test_postgres_backup_and_restore(pg_backend: Backend, postgres_admin_url: str,
                                     tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore not on PATH")
    store = pg_backend.open()
    save_two(store)
    store.close()
    target = tmp_path / "plans.dump"
    code, out, err = run("store", "backup", "--store", pg_backend.location, "--to", target,
                         "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["method"] == "pg_dump --format=custom" and report["plans"] == 2
    assert report["bytes"] == target.stat().st_size > 0
    # Restore it into another database: the same plans, files and all.
    name = f"salesflow_restore_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT",
                             poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(postgres_admin_url).set(database=name)
    try:
        libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
        done = subprocess.run(["pg_restore", "--no-owner", "--dbname", libpq, str(target)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        copy = PlanStore(url.render_as_string(hide_password=False), plans_dir=tmp_path / "p")
        assert [p.week for p in copy.list_plans()] == ["2026-W48", "2026-W49"]
        assert copy.read_file(1, "forecast.csv") == FILES["forecast.csv"]
        copy.close()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    code, _, err = run("store", "backup", "--store", pg_backend.location, "--to", target)
    assert code == 2 and "use --force" in err


def test_postgres_backup_without_pg_dump(pg_backend: Backend, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = pg_backend.open()
    save_two(store)
    store.close()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, _, err = run("store", "backup", "--store", pg_backend.location, "--to",
                       tmp_path / "x.dump")
    assert code == 2
    assert "runs pg_dump, which is not on PATH" in err and "postgresql-client" in err
    assert not (tmp_path / "x.dump").exists()


def test_a_postgresql_url_without_driver_uses_psycopg(postgres_url: str, tmp_path: Path) -> None:
    url = sa.make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    assert plain.startswith("postgresql://")
    store = PlanStore(plain, plans_dir=tmp_path / "plans")
    save_two(store)
    assert [p.week for p in PlanStore(postgres_url, plans_dir=tmp_path / "plans").list_plans()] \
        == ["2026-W48", "2026-W49"]
    store.close()

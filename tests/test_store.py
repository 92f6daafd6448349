"""Tests for the plan store (salesflow.data.store: plan_store and the modules beside it).

Tests taking the ``store`` or ``backend`` fixture run on SQLite and on a real PostgreSQL
(see ``store_backends.py``); the others are about SQLite files.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_backends import Backend

from salesflow.data import atomic
from salesflow.data.errors import PlanNotFoundError, StoreError, UserError
from salesflow.data.store import leftovers, migrations, schema
from salesflow.data.store import plan_store as store_module
from salesflow.data.store.plan_store import PlanRecord, PlanStore

FILES = {
    "forecast.csv": b"sku,week,qty\nA,2026-W48,12\n",
    "routes.geojson": b'{"type": "FeatureCollection", "features": []}',
    "kpis.json": b'{"fill_rate": 0.97}',
    "map.html": b"<html></html>",
    "blob.bin": bytes(range(256)),
}


def save(
    store: PlanStore, files: Mapping[str, bytes] | None = None, **overrides: Any
) -> PlanRecord:
    kwargs: dict[str, Any] = {
        "week": "2026-W48",
        "fingerprint": "sha256:abc",
        "config": {"horizon": 4, "targets": {"on_time": 0.95}},
        "summary": {"kpis": {"fill_rate": 0.97}, "cost": 1234.5},
        "data_dir": "data/sample",
        "files": FILES if files is None else files,
    }
    return store.save_plan(**(kwargs | overrides))


def snapshot(
    root: Path, backend: Backend | None = None
) -> tuple[dict[str, bytes | None], dict[str, list[tuple[Any, ...]]]]:
    """Every path under ``root`` with its bytes, and every row of every table of the DB
    (the backend's database; else none: a folder with a SQLite file is taken as bytes)."""
    tree = {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
        if backend is None or p.name not in ("salesflow.db", "salesflow.db-journal")
    }
    return tree, ({} if backend is None else backend.rows())


@pytest.fixture
def store(backend: Backend) -> Iterator[PlanStore]:
    plan_store = backend.open()
    yield plan_store
    plan_store.close()


def test_round_trip(store: PlanStore, backend: Backend) -> None:
    paris = timezone(timedelta(hours=1))
    record = save(store, now=datetime(2026, 11, 27, 8, 45, 0, 123, tzinfo=paris))
    assert record.id == 1
    assert record.created_at == "2026-11-27T07:45:00Z"
    assert record.status == "draft" and record.applied_at is None
    assert store.list_plans() == [record]
    assert store.get_plan(1) == record
    assert record.config == {"horizon": 4, "targets": {"on_time": 0.95}}
    assert record.summary["kpis"] == {"fill_rate": 0.97}
    assert [f.name for f in record.files] == sorted(FILES)
    types = {f.name: f.media_type for f in record.files}
    assert types["forecast.csv"] == "text/csv"
    assert types["routes.geojson"] == "application/geo+json"
    assert types["blob.bin"] == "application/octet-stream"
    for info in record.files:
        assert info.sha256 == hashlib.sha256(FILES[info.name]).hexdigest()
        assert info.size == len(FILES[info.name])
        assert store.read_file(1, info.name) == FILES[info.name]
        assert (store.plan_path(1) / info.name).read_bytes() == FILES[info.name]
    assert store.plan_path(1) == backend.root / "plans" / "1"
    assert sorted(p.name for p in store.plans_dir.iterdir()) == ["1"]
    assert json.loads(json.dumps(record.to_dict()))["files"][0]["name"] == "blob.bin"
    assert store.exists
    with pytest.raises(UserError, match=r"no file 'nope\.csv'"):
        store.read_file(1, "nope.csv")


def test_absent_store_creates_nothing(tmp_path: Path) -> None:
    missing = PlanStore(tmp_path / "nowhere")
    assert not missing.exists
    assert missing.list_plans() == []
    for call in (
        lambda: missing.get_plan(1),
        lambda: missing.read_file(1, "a.csv"),
        lambda: missing.set_status(1, "applied"),
        lambda: missing.restore_files(1),
    ):
        with pytest.raises(PlanNotFoundError):
            call()
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "empty").mkdir()
    empty = PlanStore(tmp_path / "empty")
    assert empty.list_plans() == [] and not empty.exists
    assert list((tmp_path / "empty").iterdir()) == []
    assert list(tmp_path.iterdir()) == [tmp_path / "empty"]


def test_get_unknown_plan(store: PlanStore, backend: Backend) -> None:
    save(store)
    with pytest.raises(PlanNotFoundError) as info:
        store.get_plan(7)
    assert str(info.value) == f"no plan with id 7 in store {backend.display}"
    with pytest.raises(UserError):
        store.get_plan("1")  # type: ignore[arg-type]


def test_ids_increase_and_failed_save_leaves_no_trace(store: PlanStore) -> None:
    first = save(store)

    def boom(path: Path) -> None:
        raise RuntimeError("crash")

    store._after_rename = boom
    with pytest.raises(RuntimeError):
        save(store)
    store._after_rename = store_module._noop
    second = save(store)
    third = save(store)
    assert [p.id for p in store.list_plans()] == [first.id, second.id, third.id]
    assert first.id < second.id < third.id


class RaisingFiles(Mapping[str, bytes]):
    """A files mapping whose second value raises ``exc``."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __getitem__(self, key: str) -> bytes:
        if key == "b.csv":
            raise self.exc
        return b"a,b\n1,2\n"

    def __iter__(self) -> Iterator[str]:
        return iter(["a.csv", "b.csv", "c.csv"])

    def __len__(self) -> int:
        return 3


def _raise(exc: BaseException, calls: list[object] | None = None) -> Any:
    def hook(*args: Any, **kwargs: Any) -> None:
        if calls is not None:
            calls.append(args)
        raise exc

    return hook


@pytest.mark.parametrize(
    ("where", "exc", "expected"),
    [
        ("files", RuntimeError("bad value"), RuntimeError),
        ("files", KeyboardInterrupt(), KeyboardInterrupt),
        ("fsync", OSError(28, "No space left on device"), StoreError),
        ("before_rename", RuntimeError("after insert"), RuntimeError),
        ("rename", OSError(13, "Permission denied"), StoreError),
        ("after_rename", RuntimeError("before commit"), RuntimeError),
        ("after_rename", KeyboardInterrupt(), KeyboardInterrupt),
        ("commit", RuntimeError("commit failed"), RuntimeError),
    ],
)
def test_failed_save_leaves_store_unchanged(
    store: PlanStore,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    exc: BaseException,
    expected: type[BaseException],
) -> None:
    root = backend.root
    save(store)
    store.set_status(1, "applied", applied_at="2026-11-20T08:00:00Z")
    before = snapshot(root, backend)
    files: Mapping[str, bytes] = FILES
    calls: list[object] = []  # the patched os functions must really be reached
    if where == "files":
        files = RaisingFiles(exc)
    elif where == "fsync":  # the atomic-write helper is what fsyncs and renames plan folders
        monkeypatch.setattr(atomic.os, "fsync", _raise(exc, calls))
    elif where == "before_rename":
        store._before_rename = _raise(exc)
    elif where == "rename":
        monkeypatch.setattr(atomic.os, "replace", _raise(exc, calls))
    elif where == "after_rename":
        store._after_rename = _raise(exc)
    elif where == "commit":
        def hook(conn: sa.Connection) -> None:  # fail the write transaction's commit only
            if conn.get_execution_options().get("salesflow_write"):
                raise exc

        sa.event.listen(store._database.engine(), "commit", hook)
    with pytest.raises(expected):
        save(store, files)
    monkeypatch.undo()
    if where in ("fsync", "rename"):
        assert len(calls) == 1
    if where == "commit":
        sa.event.remove(store._database.engine(), "commit", hook)
    assert snapshot(root, backend) == before
    assert [p.id for p in store.list_plans()] == [1]
    store._before_rename = store._after_rename = store_module._noop
    # and the store is still usable; PostgreSQL's sequences skip the rolled-back id
    new_id = save(store).id
    assert new_id == 2 if backend.name == "sqlite" else new_id >= 2


def test_failed_first_save_leaves_an_empty_store(store: PlanStore, backend: Backend) -> None:
    store._after_rename = _raise(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        save(store)
    assert store.list_plans() == []
    assert list(store.plans_dir.iterdir()) == []
    assert backend.tables() == []


def test_uncommitted_plan_is_never_listed(store: PlanStore, backend: Backend) -> None:
    save(store)
    other = backend.open()
    seen: list[list[int]] = []

    def peek(path: Path) -> None:
        assert path.is_dir()
        seen.append([p.id for p in other.list_plans()])

    store._after_rename = peek
    save(store)
    assert seen == [[1]]
    assert [p.id for p in other.list_plans()] == [1, 2]
    other.close()


def test_orphans_and_leftovers(store: PlanStore) -> None:
    save(store)
    plans = store.plans_dir
    orphan = plans / "2"  # left by a crash between rename and commit
    orphan.mkdir()
    (orphan / "junk.csv").write_bytes(b"junk")
    old = time.time() - 2 * leftovers.STALE_AFTER_S
    for name in ("99", ".tmp-dead", "98", ".tmp-busy"):
        (plans / name).mkdir()
        (plans / name / "x.csv").write_bytes(b"x")
    for name in ("99", ".tmp-dead"):
        os.utime(plans / name, (old, old))
    assert [p.id for p in store.list_plans()] == [1]
    record = save(store, {"a.csv": b"new"})
    assert record.id == 2
    assert sorted(p.name for p in orphan.iterdir()) == ["a.csv"]
    assert sorted(p.name for p in plans.iterdir()) == [".tmp-busy", "1", "2", "98"]
    assert [p.id for p in store.list_plans()] == [1, 2]


def test_restore_files(store: PlanStore) -> None:
    save(store)
    folder = store.plan_path(1)
    (folder / "kpis.json").unlink()
    (folder / "forecast.csv").write_bytes(b"tampered")
    (folder / "extra.txt").write_bytes(b"extra")
    assert store.restore_files(1) == folder
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == FILES
    for path in list(folder.iterdir()):
        path.unlink()
    folder.rmdir()
    store.restore_files(1)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == FILES
    assert sorted(p.name for p in store.plans_dir.iterdir()) == ["1"]


def test_failed_restore_puts_the_old_folder_back(
    store: PlanStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(store)
    folder = store.plan_path(1)
    (folder / "forecast.csv").write_bytes(b"tampered")
    before = snapshot(folder)
    real_replace = os.replace
    calls: list[tuple[Any, Any]] = []

    def replace(src: Any, dst: Any) -> None:
        calls.append((src, dst))
        if len(calls) == 2:  # the old folder is aside, the new one not yet in place
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(StoreError, match="cannot restore plan files"):
        store.restore_files(1)
    monkeypatch.undo()
    assert len(calls) == 3  # aside, (failed) into place, back
    assert snapshot(folder) == before
    assert sorted(p.name for p in store.plans_dir.iterdir()) == ["1"]


def test_set_status(store: PlanStore) -> None:
    save(store)
    applied = store.set_status(1, "applied")
    assert applied.status == "applied" and applied.applied_at is not None
    assert applied.applied_at.endswith("Z")
    again = store.set_status(1, "applied")  # idempotent: the first applied_at is kept
    assert again == applied
    explicit = store.set_status(1, "applied", applied_at="2026-11-28T06:00:00Z")
    assert explicit.applied_at == "2026-11-28T06:00:00Z"
    applied = store.set_status(1, "applied", applied_at=applied.applied_at)
    superseded = store.set_status(1, "superseded")
    assert superseded.status == "superseded"
    assert superseded.applied_at == applied.applied_at
    assert store.get_plan(1) == superseded
    with pytest.raises(UserError, match="must be one of"):
        store.set_status(1, "done")
    with pytest.raises(PlanNotFoundError):
        store.set_status(5, "applied")


@pytest.mark.parametrize("name", ["", "a/b.csv", "../x.csv", ".hidden", "a\\b.csv", "x\0y", " a"])
def test_bad_file_name_rejected(store: PlanStore, backend: Backend, name: str) -> None:
    with pytest.raises(UserError, match="plain file name"):
        save(store, {name: b"x"})
    assert not backend.root.exists() and backend.tables() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("week", "2026-48"), ("week", "2026-W54"), ("fingerprint", ""), ("config", [1]),
     ("summary", {"x": object()})],
)
def test_bad_metadata_rejected(
    store: PlanStore, backend: Backend, field: str, value: Any
) -> None:
    with pytest.raises(UserError):
        save(store, **{field: value})
    assert not backend.root.exists() and backend.tables() == []


def test_location_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "store.txt"
    path.write_text("hello")
    with pytest.raises(StoreError, match=r"store\.txt is a file"):
        PlanStore(path)


def test_bad_url() -> None:
    with pytest.raises(StoreError, match="cannot parse"):
        PlanStore("not a url://")


def test_garbage_database(tmp_path: Path) -> None:
    (tmp_path / "salesflow.db").write_bytes(b"this is not sqlite at all" * 100)
    store = PlanStore(tmp_path)
    with pytest.raises(StoreError, match=r"salesflow\.db"):
        store.list_plans()
    with pytest.raises(StoreError, match=r"salesflow\.db"):
        save(store)
    assert not (tmp_path / "plans" / "1").exists()


def test_foreign_database(backend: Backend) -> None:
    backend.root.mkdir()
    backend.execute("CREATE TABLE plans (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(StoreError, match="not a salesflow plan store"):
        backend.open().list_plans()


def test_newer_schema_refused(store: PlanStore, backend: Backend) -> None:
    save(store)
    backend.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    version = migrations.SCHEMA_VERSION
    expected = rf"newer salesflow \(schema 7, this version reads up to {version}\)"
    with pytest.raises(StoreError, match=expected):
        store.list_plans()


def test_schema(store: PlanStore, backend: Backend) -> None:
    save(store)
    meta = dict(backend.rows()["meta"])
    assert meta["schema_version"] == str(migrations.SCHEMA_VERSION)
    assert meta["created_at"].endswith("Z")
    with pytest.raises(sa.exc.IntegrityError, match=r"plans_status_check|CHECK"):
        backend.execute("UPDATE plans SET status='bogus'")
    if backend.name == "sqlite":
        with closing(sqlite3.connect(backend.root / "salesflow.db")) as con:
            sql = con.execute("SELECT sql FROM sqlite_master WHERE name='plans'").fetchone()[0]
            assert "AUTOINCREMENT" in sql
        with store._database.engine().connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with store._database.engine().connect() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(
            sa.insert(schema.files_table).values(
                plan_id=42, name="x", media_type="x", sha256="x", size=0, content=b""
            )
        )


def test_sqlite_url(tmp_path: Path) -> None:
    db = tmp_path / "db" / "plans.sqlite"
    store = PlanStore(f"sqlite:///{db}")
    assert store.list_plans() == [] and not (tmp_path / "db").exists()
    record = save(store)
    assert db.is_file()
    assert store.plans_dir == tmp_path / "db" / "plans"
    assert (tmp_path / "db" / "plans" / "1" / "kpis.json").read_bytes() == FILES["kpis.json"]
    assert PlanStore(f"sqlite:///{db}").get_plan(record.id) == record
    custom = PlanStore(f"sqlite:///{db}", plans_dir=tmp_path / "elsewhere")
    assert custom.plans_dir == tmp_path / "elsewhere"
    store.close()


names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-.éü",  # lower case: no clashes on macOS/Windows
    min_size=1,
    max_size=20,
).filter(lambda n: not n.startswith(".") and n == n.strip())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=st.dictionaries(names, st.binary(max_size=300), max_size=5))
def test_property_round_trip(tmp_path: Path, files: dict[str, bytes]) -> None:
    store = PlanStore(tmp_path / "prop")
    record = save(store, files)
    assert {f.name for f in record.files} == set(files)
    for name, content in files.items():
        assert store.read_file(record.id, name) == content
        assert (store.plan_path(record.id) / name).read_bytes() == content
    assert store.get_plan(record.id) == record
    store.close()


def test_names_kept_importable_from_plan_store() -> None:
    from salesflow.data import store as package

    assert store_module.SCHEMA_VERSION == migrations.SCHEMA_VERSION
    assert store_module.STALE_AFTER_S == leftovers.STALE_AFTER_S
    for module in (package, store_module):
        assert all(hasattr(module, name) for name in module.__all__)
    assert package.PlanStore is PlanStore

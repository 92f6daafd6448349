"""Applying plans: idempotent, one plan in force, older-over-newer needs force, atomic."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from helpers import tree_snapshot

from salesflow.data.errors import PlanNotFoundError, UserError
from salesflow.data.store.plan_store import PlanStore


def _save(store: PlanStore, week: str) -> int:
    return store.save_plan(week=week, fingerprint="f", config={}, summary={}, data_dir="d",
                           files={"kpis.json": b"{}"}).id


def _order(po: str, sku: str = "A", qty: float = 5) -> dict[str, Any]:
    return {"po_id": po, "supplier_id": "S1", "sku": sku, "quantity": qty,
            "order_date": "2026-11-23", "arrival_date": "2026-11-30"}


def test_apply_is_idempotent(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    plan = _save(store, "2026-W48")
    first = store.apply_plan(plan, orders=[_order("P1")], exports={"po.csv": b"x"})
    assert first.changed and first.plan.status == "applied" and first.plan.applied_at
    assert (first.export_dir / "po.csv").read_bytes() == b"x"
    before = tree_snapshot(tmp_path)
    again = store.apply_plan(plan, orders=[_order("P1"), _order("P2")], exports={})
    assert not again.changed
    assert tree_snapshot(tmp_path) == before
    assert [o["po_id"] for o in store.applied_orders()] == ["P1"]


def test_newer_plan_supersedes_and_older_needs_force(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    old, new = _save(store, "2026-W47"), _save(store, "2026-W48")
    store.apply_plan(old, orders=[_order("OLD")], exports={})
    outcome = store.apply_plan(new, orders=[_order("NEW")], exports={})
    assert outcome.superseded == (old,)
    assert store.get_plan(old).status == "superseded"
    # orders already placed by the older week's plan stay open
    assert sorted(o["po_id"] for o in store.applied_orders()) == ["NEW", "OLD"]
    with pytest.raises(UserError, match="--force"):
        store.apply_plan(old, orders=[_order("OLD")], exports={})
    forced = store.apply_plan(old, orders=[_order("OLD")], exports={}, force=True)
    assert forced.changed and forced.superseded == (new,)
    assert store.get_plan(new).status == "superseded"


def test_replanning_a_week_replaces_its_orders(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    first, second = _save(store, "2026-W48"), _save(store, "2026-W48")
    store.apply_plan(first, orders=[_order("A1"), _order("A2")], exports={})
    store.apply_plan(second, orders=[_order("B1")], exports={})
    assert [o["po_id"] for o in store.applied_orders()] == ["B1"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_an_interrupted_apply_leaves_the_store_as_it_was(tmp_path: Path,
                                                         error: BaseException) -> None:
    store = PlanStore(tmp_path)
    old, new = _save(store, "2026-W47"), _save(store, "2026-W48")
    store.apply_plan(old, orders=[_order("OLD")], exports={"a.csv": b"old"})
    before = tree_snapshot(tmp_path)

    def crash(path: Path) -> None:
        assert (path / "a.csv").read_bytes() == b"new"
        raise error

    store._after_rename = crash
    with pytest.raises(type(error)):
        store.apply_plan(new, orders=[_order("NEW")], exports={"a.csv": b"new"})
    assert tree_snapshot(tmp_path) == before
    fresh = PlanStore(tmp_path)
    assert fresh.get_plan(old).status == "applied" and fresh.get_plan(new).status == "draft"
    assert [o["po_id"] for o in fresh.applied_orders()] == ["OLD"]


def test_apply_errors(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    with pytest.raises(PlanNotFoundError):
        store.apply_plan(3, orders=[], exports={})
    plan = _save(store, "2026-W48")
    with pytest.raises(UserError, match="lacks"):
        store.apply_plan(plan, orders=[{"po_id": "x"}], exports={})
    assert store.get_plan(plan).status == "draft"


def test_a_version_1_store_is_migrated(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    plan = _save(store, "2026-W48")
    store.close()
    with closing(sqlite3.connect(tmp_path / "salesflow.db")) as con, con:
        con.execute("DROP TABLE applied_orders")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    upgraded = PlanStore(tmp_path)
    assert upgraded.applied_orders() == []
    assert upgraded.apply_plan(plan, orders=[_order("P")], exports={}).changed
    with closing(sqlite3.connect(tmp_path / "salesflow.db")) as con:
        assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == \
            ("2",)


def test_an_interrupted_reapply_puts_the_earlier_exports_back(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    old, new = _save(store, "2026-W47"), _save(store, "2026-W48")
    store.apply_plan(old, orders=[_order("OLD")], exports={"a.csv": b"first"})
    store.apply_plan(new, orders=[_order("NEW")], exports={})
    before = tree_snapshot(tmp_path)

    def crash(path: Path) -> None:
        assert (path / "a.csv").read_bytes() == b"second"  # the earlier exports are aside
        raise RuntimeError("disk gone")

    store._after_rename = crash
    with pytest.raises(RuntimeError):
        store.apply_plan(old, orders=[_order("OLD")], exports={"a.csv": b"second"}, force=True)
    assert tree_snapshot(tmp_path) == before
    assert store.get_plan(new).status == "applied"
    store._after_rename = lambda path: None
    assert store.apply_plan(old, orders=[], exports={"a.csv": b"second"}, force=True).changed
    assert (store.export_path(old) / "a.csv").read_bytes() == b"second"
    assert sorted(p.name for p in store.export_path(old).parent.iterdir()) == ["1", "2"]

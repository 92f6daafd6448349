"""Applying plans: idempotent, one plan in force, older-over-newer needs force, atomic; the
purchase lines issued as orders (only the difference on a re-apply), a schema 2 store's
applied lines migrated to open orders."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from helpers import tree_snapshot

from salesflow.data.errors import PlanNotFoundError, UserError
from salesflow.data.store.plan_store import PlanStore


def _po_ids(store: PlanStore, status: str | None = "open") -> list[str]:
    return sorted(o.po_id for o in store.list_orders(status))


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
    assert _po_ids(store) == ["P1"]


def test_newer_plan_supersedes_and_older_needs_force(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    old, new = _save(store, "2026-W47"), _save(store, "2026-W48")
    store.apply_plan(old, orders=[_order("OLD")], exports={})
    outcome = store.apply_plan(new, orders=[_order("NEW")], exports={})
    assert outcome.superseded == (old,)
    assert store.get_plan(old).status == "superseded"
    # orders already placed by the older week's plan stay open
    assert _po_ids(store) == ["NEW", "OLD"]
    with pytest.raises(UserError, match="--force"):
        store.apply_plan(old, orders=[_order("OLD")], exports={})
    forced = store.apply_plan(old, orders=[_order("OLD")], exports={}, force=True)
    assert forced.changed and forced.superseded == (new,)
    assert store.get_plan(new).status == "superseded"


def test_reapplying_a_week_issues_only_the_difference(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    first, second = _save(store, "2026-W48"), _save(store, "2026-W48")
    one = store.apply_plan(first, orders=[_order("A", "X", 5), _order("A", "Y", 7),
                                          _order("A", "Z", 1)], exports={})
    assert one.issued is not None and one.issued.counts() == {
        "new": 3, "amended": 0, "unchanged": 0, "not_in_plan": 0}
    # the re-plan: X unchanged, Y to 9, Z no longer wanted, W new
    two = store.apply_plan(second, orders=[_order("B", "X", 5), _order("B", "Y", 9),
                                           _order("B", "W", 4)], exports={})
    issued = two.issued
    assert issued is not None
    assert issued.counts() == {"new": 1, "amended": 1, "unchanged": 1, "not_in_plan": 1}
    assert issued.sentence().startswith("issued 1 new line, amended 1, 1 unchanged; 1 issued")
    assert [(o.po_id, o.sku, o.quantity) for o in issued.new] == [("B", "W", 4.0)]
    ((amended, previous),) = issued.amended
    assert (amended.po_id, amended.sku, amended.quantity, previous) == ("A", "Y", 9.0, 7.0)
    # nothing issued is cancelled by superseding: Z stays open
    orders = {(o.po_id, o.sku): o for o in store.list_orders()}
    assert sorted(orders) == [("A", "X"), ("A", "Y"), ("A", "Z"), ("B", "W")]
    assert {o.status for o in orders.values()} == {"open"}
    events = [(e["order_id"], e["kind"], e["quantity"], e["previous_quantity"])
              for e in store_events(store)]
    assert (orders["A", "Y"].id, "amended", 9.0, 7.0) in events
    # the export holds only what has to be sent
    erp = (two.export_dir / "purchase_orders_erp.csv").read_text().splitlines()
    assert erp[0].startswith("order_id,action,po_id,supplier_id,sku,quantity,previous_quantity")
    assert [line.split(",")[1:3] for line in erp[1:]] == [["new", "B"], ["amend", "A"]]


def store_events(store: PlanStore) -> list[dict[str, Any]]:
    from salesflow.data.store.orders import order_events

    return order_events(store._database)


def test_cancel_and_receive(tmp_path: Path) -> None:
    from salesflow.data.store.orders import OrderNotFoundError

    store = PlanStore(tmp_path)
    plan = _save(store, "2026-W48")
    store.apply_plan(plan, orders=[_order("A", "X", 10), _order("A", "Y", 4)], exports={})
    x, y = sorted(store.list_orders(), key=lambda o: o.sku)
    part = store.receive_order(x.id, 3)
    assert (part.status, part.received_quantity, part.open_quantity) == ("open", 3.0, 7.0)
    with pytest.raises(UserError, match="at most its open quantity 7"):
        store.receive_order(x.id, 8)
    done = store.receive_order(x.id)
    assert (done.status, done.received_quantity, done.open_quantity) == ("received", 10.0, 0)
    gone = store.cancel_order(y.id)
    assert (gone.status, gone.cancelled_quantity, gone.open_quantity) == ("cancelled", 4.0, 0)
    with pytest.raises(UserError, match="is cancelled; only open orders can be cancelled"):
        store.cancel_order(y.id)
    with pytest.raises(OrderNotFoundError, match="no purchase order with id 99"):
        store.cancel_order(99)
    assert store.orders_for_planning(dt.date(2026, 11, 30)) == []
    # a cancelled line planned again is a new order with its own line id
    again = store.apply_plan(_save(store, "2026-W48"),
                             orders=[_order("A", "X", 10), _order("A", "Y", 4)], exports={})
    assert again.issued is not None and again.issued.counts()["new"] == 1
    assert [o.po_id for o in again.issued.new] == ["A-2"]


def test_a_plan_nets_only_orders_placed_before_its_week(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    plan = _save(store, "2026-W48")
    store.apply_plan(plan, orders=[_order("A", "X", 10)], exports={})  # placed 2026-11-23
    assert store.orders_for_planning(dt.date(2026, 11, 23)) == []  # W48 itself, W47...
    (line,) = store.orders_for_planning(dt.date(2026, 11, 30))
    assert (line["po_id"], line["sku"], line["quantity"]) == ("A", "X", 10.0)


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
    assert _po_ids(fresh) == ["OLD"]


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
        con.execute("DROP TABLE purchase_order_events")
        con.execute("DROP TABLE purchase_orders")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    upgraded = PlanStore(tmp_path)
    assert upgraded.list_orders() == []
    assert upgraded.apply_plan(plan, orders=[_order("P")], exports={}).changed
    with closing(sqlite3.connect(tmp_path / "salesflow.db")) as con:
        assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == \
            ("3",)


def test_a_version_2_stores_applied_lines_become_open_orders(tmp_path: Path) -> None:
    store = PlanStore(tmp_path)
    plan = _save(store, "2026-W48")
    store.close()
    with closing(sqlite3.connect(tmp_path / "salesflow.db")) as con, con:
        con.execute("DROP TABLE purchase_order_events")
        con.execute("DROP TABLE purchase_orders")
        con.execute("CREATE TABLE applied_orders (plan_id INTEGER NOT NULL REFERENCES "
                    "plans (id), week TEXT NOT NULL, po_id TEXT NOT NULL, supplier_id TEXT NOT "
                    "NULL, sku TEXT NOT NULL, quantity FLOAT NOT NULL, order_date TEXT NOT "
                    "NULL, arrival_date TEXT NOT NULL, PRIMARY KEY (po_id, sku))")
        con.executemany("INSERT INTO applied_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(plan, "2026-W48", "SF1-S1-20261123", "S1", sku, qty, "2026-11-23",
                          "2026-11-30") for sku, qty in (("A", 5.0), ("B", 2.5))])
        con.execute("UPDATE plans SET status = 'applied'")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    upgraded = PlanStore(tmp_path)
    orders = upgraded.list_orders()
    assert [(o.id, o.sku, o.quantity, o.status, o.plan_id, o.week) for o in orders] == [
        (1, "A", 5.0, "open", plan, "2026-W48"), (2, "B", 2.5, "open", plan, "2026-W48")]
    assert [e["kind"] for e in store_events(upgraded)] == ["migrated", "migrated"]
    with closing(sqlite3.connect(tmp_path / "salesflow.db")) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "applied_orders" not in tables
    # a re-plan of the week applied after the migration issues only the difference
    again = upgraded.apply_plan(_save(upgraded, "2026-W48"),
                                orders=[_order("SF2-S1-20261123", "A", 5)], exports={})
    assert again.issued is not None and again.issued.counts() == {
        "new": 0, "amended": 0, "unchanged": 1, "not_in_plan": 1}


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

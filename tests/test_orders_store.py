"""Issued purchase orders in the store: invariants over random apply / re-plan / cancel /
receive sequences (hypothesis), racing applies, and the ERP's open-order list winning."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_backends import Backend

from salesflow.data.dataset import load_dataset, with_applied_orders
from salesflow.data.errors import UserError
from salesflow.data.store import apply
from salesflow.data.store.orders import ORDER_STATUSES, order_events
from salesflow.data.store.plan_store import PlanStore

WEEKS = {"2026-W48": "2026-11-23", "2026-W49": "2026-11-30"}
SKUS = ("A", "B", "C")


def _save(store: PlanStore, week: str) -> int:
    return store.save_plan(week=week, fingerprint="f", config={}, summary={}, data_dir="d",
                           files={"kpis.json": b"{}"}).id


def _line(plan: int, week: str, sku: str, qty: float) -> dict[str, Any]:
    day = WEEKS[week]
    return {"po_id": f"SF{plan}-S1-{day.replace('-', '')}", "supplier_id": "S1", "sku": sku,
            "quantity": qty, "order_date": day, "arrival_date": "2026-12-10"}


quantities = st.sampled_from([1.0, 2.0, 5.0, 7.5, 10.0])
plan_lines = st.dictionaries(st.sampled_from(SKUS), quantities, min_size=1, max_size=3)
operations = st.lists(st.one_of(
    st.tuples(st.just("apply"), st.sampled_from(sorted(WEEKS)), plan_lines),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("receive"), st.integers(0, 20), st.sampled_from([0.5, 1.0])),
), min_size=1, max_size=8)


def _check_invariants(store: PlanStore, ids_before: set[int]) -> set[int]:
    orders = store.list_orders()
    ids = {o.id for o in orders}
    assert len(ids) == len(orders) and ids_before <= ids  # ids unique, never removed
    events = defaultdict(list)
    for event in order_events(store._database):
        events[event["order_id"]].append(event)
    issued: dict[str, float] = defaultdict(float)
    done: dict[str, float] = defaultdict(float)
    open_by_sku: dict[str, float] = defaultdict(float)
    for order in orders:
        assert order.status in ORDER_STATUSES  # exactly one status
        history = events[order.id]
        assert history[0]["kind"] == "issued"
        sizes = [e["quantity"] for e in history if e["kind"] in ("issued", "amended")]
        received = sum(e["quantity"] for e in history if e["kind"] == "received")
        cancelled = sum(e["quantity"] for e in history if e["kind"] == "cancelled")
        assert order.quantity == pytest.approx(sizes[-1])
        assert order.received_quantity == pytest.approx(received)
        assert order.cancelled_quantity == pytest.approx(cancelled)
        left = order.quantity - received - cancelled
        assert left >= -1e-9
        assert (order.status == "open") == (left > 1e-6)
        assert order.open_quantity == pytest.approx(left if order.status == "open" else 0.0)
        issued[order.sku] += order.quantity
        done[order.sku] += received + cancelled
        open_by_sku[order.sku] += order.open_quantity
    for sku in issued:  # open per SKU = issued - cancelled - received
        assert open_by_sku[sku] == pytest.approx(issued[sku] - done[sku])
    # nothing issued twice: one live (not cancelled) order per week, supplier, SKU, date
    live = [(o.week, o.supplier_id, o.sku, o.order_date) for o in orders
            if o.status != "cancelled"]
    assert len(live) == len(set(live))
    # a plan for a week nets exactly the open orders placed before it
    for week_start in (dt.date(2026, 11, 23), dt.date(2026, 11, 30), dt.date(2026, 12, 7)):
        netted = store.orders_for_planning(week_start)
        expected = {(o.po_id, o.sku): o.open_quantity for o in orders
                    if o.status == "open" and o.order_date < week_start.isoformat()}
        assert {(n["po_id"], n["sku"]): n["quantity"] for n in netted} == expected
    return ids


def _run(root: Path, steps: list[tuple[Any, ...]]) -> None:
    store = PlanStore(root)
    ids: set[int] = set()
    for step in steps:
        if step[0] == "apply":
            _, week, lines = step
            plan = _save(store, week)
            outcome = store.apply_plan(
                plan, orders=[_line(plan, week, sku, q) for sku, q in sorted(lines.items())],
                exports={}, force=True)
            assert outcome.issued is not None
            counts = outcome.issued.counts()
            assert counts["new"] + counts["amended"] + counts["unchanged"] == len(lines)
            # after the apply the week holds each planned line once, at the plan's quantity
            # where the order is still open
            live = {o.sku: o for o in store.list_orders()
                    if o.week == week and o.status != "cancelled"}
            for sku, qty in lines.items():
                order = live[sku]
                if order.status == "open":
                    assert order.quantity == pytest.approx(qty)
        else:
            orders = store.list_orders()
            if not orders:
                continue
            order = orders[step[1] % len(orders)]
            if order.status != "open":
                with pytest.raises(UserError, match="only open orders"):
                    store.cancel_order(order.id)
            elif step[0] == "cancel":
                assert store.cancel_order(order.id).status == "cancelled"
            else:
                amount = order.open_quantity * step[2]
                after = store.receive_order(order.id, amount)
                assert after.received_quantity == pytest.approx(
                    order.received_quantity + amount)
        ids = _check_invariants(store, ids)
    store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_random_apply_replan_cancel_receive_sequences_keep_the_invariants(
        steps: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as root:
        _run(Path(root), steps)


def test_a_known_sequence(tmp_path: Path) -> None:
    """The invariants hold on a sequence with every kind of step (and so can fail)."""
    _run(tmp_path, [("apply", "2026-W48", {"A": 5.0, "B": 2.0}),
                    ("receive", 0, 0.5), ("apply", "2026-W48", {"A": 7.5, "B": 2.0}),
                    ("cancel", 1), ("apply", "2026-W48", {"A": 1.0, "B": 2.0, "C": 1.0}),
                    ("apply", "2026-W49", {"A": 1.0}), ("receive", 0, 1.0)])
    orders = {(o.week, o.sku, o.status): o for o in PlanStore(tmp_path).list_orders()}
    # A was received 2.5 of 5, amended to 7.5, then "amended" to 1: not below what arrived
    assert orders["2026-W48", "A", "received"].quantity == pytest.approx(2.5)
    assert orders["2026-W48", "B", "cancelled"].cancelled_quantity == pytest.approx(2.0)
    assert orders["2026-W48", "B", "open"].quantity == pytest.approx(2.0)  # issued again


def _apply_with(store: PlanStore, plan: int, seen: apply.StoreState,
                lines: list[dict[str, Any]]) -> apply.AppliedPlan:
    record = store.get_plan(plan)
    return apply.apply_plan(store._database, record, export_dir=store.export_path(plan),
                            orders=lines, exports={}, force=False, now=None,
                            after_rename=lambda path: None, seen=seen)


@pytest.mark.parametrize("second_plan", [False, True])
def test_racing_applies_one_wins_the_other_changes_nothing(backend: Backend,
                                                           second_plan: bool) -> None:
    """On SQLite and PostgreSQL (``backend``, see store_backends.py)."""
    store = backend.open()
    first = _save(store, "2026-W48")
    other = _save(store, "2026-W48") if second_plan else first
    a, b = backend.open(), backend.open()
    # both processes read the store before either holds the write lock
    seen_a = apply.store_state(a._database, a.get_plan(first))
    seen_b = apply.store_state(b._database, b.get_plan(other))
    won = _apply_with(a, first, seen_a, [_line(first, "2026-W48", "A", 5.0)])
    assert won.changed and won.issued is not None and won.issued.counts()["new"] == 1
    before = [o.to_dict() for o in store.list_orders()]
    with pytest.raises(apply.ApplyConflictError) as lost:
        _apply_with(b, other, seen_b, [_line(other, "2026-W48", "A", 9.0)])
    message = str(lost.value)
    assert "another salesflow process" in message and "nothing was changed" in message
    if not second_plan:
        assert f"applied plan {first}" in message
    else:
        assert store.get_plan(other).status == "draft"
        assert not store.export_path(other).exists()
    assert [o.to_dict() for o in store.list_orders()] == before


def test_the_erp_open_order_list_wins_for_the_lines_it_lists(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    erp = dataset["open_orders"]
    assert len(erp), "the tiny dataset has open orders"
    po, sku = str(erp["po_id"].iloc[0]), str(erp["sku"].iloc[0])
    other_sku = next(s for s in dataset.skus["sku"] if (po, s) not in set(
        zip(erp["po_id"].astype(str), erp["sku"].astype(str), strict=True)))
    week = dt.date(2026, 11, 30)
    store_orders: list[dict[str, object]] = [
        {"po_id": po, "sku": sku, "quantity": 999.0, "order_date": "2026-11-23",
         "arrival_date": "2026-12-01"},                    # listed by the ERP: its line wins
        {"po_id": po, "sku": other_sku, "quantity": 4.0, "order_date": "2026-11-23",
         "arrival_date": "2026-12-01"},                    # not listed: the store's counts
        {"po_id": "SF9-X", "sku": sku, "quantity": 3.0, "order_date": "2026-11-30",
         "arrival_date": "2026-12-03"},                    # placed in the week: not netted
    ]
    merged = with_applied_orders(dataset, store_orders, week)["open_orders"]
    assert len(merged) == len(erp) + 1
    keyed = merged.set_index(["po_id", "sku"])["quantity"]
    assert keyed[(po, sku)] == erp["quantity"].iloc[0]
    assert keyed[(po, other_sku)] == 4.0
    assert ("SF9-X", sku) not in keyed.index

"""apply, export and plans diff through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from helpers import tree_snapshot

from salesflow.data.store.plan_store import PlanStore
from salesflow.optimizer import weekly


def _plan(run_cli: Callable[..., object], data: Path, store: Path, *extra: str) -> int:
    result = run_cli("weekly", "--data", data, "--store", store, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["plan"]["id"]


def test_apply_issues_the_week_orders_and_a_reapply_only_the_difference(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    store = tmp_path / "store"
    first = _plan(run_cli, tiny_dir, store)
    applied = json.loads(run_cli("apply", str(first), "--store", store, "--json").stdout)
    assert applied["changed"] is True and applied["orders"] > 0
    assert applied["issued"] == {"new": applied["orders"], "amended": 0, "unchanged": 0,
                                 "not_in_plan": 0}
    export_dir = Path(applied["export_dir"])
    erp = pd.read_csv(export_dir / "purchase_orders_erp.csv")
    assert len(erp) == applied["orders"] and set(erp["action"]) == {"new"}
    assert erp["po_id"].str.startswith(f"SF{first}-").all()
    assert {"roster.csv", "routes.csv"} <= {p.name for p in export_dir.iterdir()}
    issued = PlanStore(store).list_orders()
    assert sorted(o.id for o in issued) == sorted(erp["order_id"])
    assert {o.status for o in issued} == {"open"}

    again = run_cli("apply", str(first), "--store", store)
    assert again.exit_code == 0 and "already applied; nothing changed" in again.stdout

    # The same week planned again does not net its own week's orders (placed in the week):
    # it recommends the same lines, and applying it issues nothing new.
    second = _plan(run_cli, tiny_dir, store)
    lines = pd.read_csv(PlanStore(store).plan_path(second) / "purchase_orders.csv")
    week_lines = lines[pd.to_datetime(lines["order_date"]) < pd.Timestamp("2026-11-30")]
    assert week_lines["quantity"].sum() == pytest.approx(erp["quantity"].sum())
    result = run_cli("apply", str(second), "--store", store)
    assert result.exit_code == 0, result.output
    assert f"issued 0 new lines, amended 0, {len(erp)} unchanged" in result.stdout
    second_erp = pd.read_csv(PlanStore(store).export_path(second) / "purchase_orders_erp.csv")
    assert second_erp.empty and list(second_erp.columns) == list(erp.columns)
    assert len(PlanStore(store).list_orders()) == len(issued)


def test_apply_older_over_newer_needs_force(tiny_dir: Path, tmp_path: Path,
                                            run_cli: Callable[..., object]) -> None:
    store = tmp_path / "store"
    # Which plan is older is what counts here, not the plans: the past weeks' purchase MIPs
    # (a minute to a gap of 3 % on W46) get a few seconds.
    old = _plan(run_cli, tiny_dir, store, "--week", "2026-W46", "--time-limit", "5")
    new = _plan(run_cli, tiny_dir, store, "--week", "2026-W47", "--time-limit", "5")
    assert run_cli("apply", str(new), "--store", store).exit_code == 0
    refused = run_cli("apply", str(old), "--store", store)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    forced = json.loads(run_cli("apply", str(old), "--store", store, "--force",
                                "--json").stdout)
    assert forced["superseded"] == [new]
    assert PlanStore(store).get_plan(new).status == "superseded"


def test_an_interrupted_apply_leaves_the_store_as_it_was(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    plan = _plan(run_cli, tiny_dir, store)
    before = tree_snapshot(store)
    original_init = PlanStore.__init__

    def init_with_crash(self: PlanStore, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]

        def crash(path: Path) -> None:
            raise RuntimeError("disk gone")
        self._after_rename = crash

    monkeypatch.setattr(PlanStore, "__init__", init_with_crash)
    with pytest.raises(RuntimeError):
        run_cli("apply", str(plan), "--store", store)
    assert tree_snapshot(store) == before


def test_diff_of_a_plan_with_itself_is_empty_and_with_another_is_not(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    store = tmp_path / "store"
    a = _plan(run_cli, tiny_dir, store)
    b = _plan(run_cli, tiny_dir, store, "--week", "2026-W47", "--time-limit", "5")
    same = json.loads(run_cli("plans", "diff", str(a), str(a), "--store", store,
                              "--json").stdout)
    assert not any(same[part] for part in ("purchase", "routes", "roster", "kpis"))
    human = run_cli("plans", "diff", str(a), str(a), "--store", store)
    assert "are the same" in human.stdout
    other = json.loads(run_cli("plans", "diff", str(a), str(b), "--store", store,
                               "--json").stdout)
    assert other["purchase"] and other["roster"] and other["kpis"]
    assert {row["change"] for row in other["roster"]} <= {"added", "removed", "changed"}


def test_export_formats(tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    store = tmp_path / "store"
    plan = _plan(run_cli, tiny_dir, store)
    out = tmp_path / "po.xlsx"
    result = run_cli("export", str(plan), "--what", "purchase", "--format", "xlsx", "--out", out,
                     "--store", store)
    assert result.exit_code == 0, result.output
    sheet = pd.read_excel(out)
    csv = pd.read_csv(PlanStore(store).plan_path(plan) / "purchase_orders.csv")
    assert list(sheet.columns) == list(csv.columns) and len(sheet) == len(csv)
    as_json = tmp_path / "roster.json"
    run_cli("export", str(plan), "--what", "roster", "--format", "json", "--out", as_json,
            "--store", store)
    assert len(json.loads(as_json.read_text())) == len(
        pd.read_csv(PlanStore(store).plan_path(plan) / "roster.csv"))
    missing = run_cli("export", str(plan), "--what", "roster", "--format", "gpx", "--store", store)
    assert missing.exit_code == 2 and "no roster as gpx" in missing.stderr


def test_weekly_failure_after_apply_keeps_the_issued_orders(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    plan = _plan(run_cli, tiny_dir, store)
    run_cli("apply", str(plan), "--store", store)
    before = tree_snapshot(store)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(weekly, "routing_stage", fail)
    with pytest.raises(RuntimeError):
        run_cli("weekly", "--data", tiny_dir, "--store", store)
    assert tree_snapshot(store) == before

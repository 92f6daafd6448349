"""The weekly run end to end: files, store, determinism, and failures that leave no trace."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import tree_snapshot

from salesflow.cli.main import cli
from salesflow.data.dataset import load_dataset
from salesflow.data.store.plan_store import PlanStore
from salesflow.optimizer import weekly
from salesflow.optimizer.purchasing.plan import evaluate_plan
from salesflow.optimizer.routing.check import check_route_plan
from salesflow.optimizer.routing.solver import RoutingOptions
from salesflow.optimizer.staffing.check import check_roster

FILES = ("forecast.csv", "purchase_orders.csv", "routes.csv", "roster.csv", "kpis.json")


def _weekly(run_cli: Callable[..., object], data: Path, store: Path, *extra: str) -> dict:
    result = run_cli("weekly", "--data", data, "--store", store, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@dataclass(frozen=True)
class Planned:
    data: Path
    store: Path
    out: dict


@pytest.fixture(scope="module")
def planned(tiny_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Planned:
    """One ``weekly --json`` run on the tiny dataset, made once for this module: the tests
    that only read a plan share it, those that change a store change a copy of it."""
    root = tmp_path_factory.mktemp("planned")
    data, store = root / "data", root / "store"
    shutil.copytree(tiny_master, data)
    result = CliRunner(env={"SALESFLOW_TRACEBACK": "1"}).invoke(
        cli, ["weekly", "--data", str(data), "--store", str(store), "--json"],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Planned(data, store, json.loads(result.stdout))


def _copy_of(planned: Planned, tmp_path: Path) -> Path:
    """A private copy of the shared store (its plan folders are inside it)."""
    store = tmp_path / "store"
    shutil.copytree(planned.store, store)
    return store


def test_weekly_stores_one_plan_with_five_parsable_files(
        planned: Planned, run_cli: Callable[..., object]) -> None:
    store, out = planned.store, planned.out

    listing = run_cli("plans", "list", "--store", store, "--json")
    assert listing.exit_code == 0
    plans = json.loads(listing.stdout)["plans"]
    assert [p["id"] for p in plans] == [out["plan"]["id"]]
    folder = Path(plans[0]["folder"])
    assert set(FILES) <= {p.name for p in folder.iterdir()}
    for name in FILES:
        content = (folder / name).read_bytes()
        assert content == PlanStore(store).read_file(plans[0]["id"], name)
        if name.endswith(".csv"):
            assert len(pd.read_csv(io.BytesIO(content))) > 0, name
        else:
            assert json.loads(content)["week"] == plans[0]["week"]

    shown = run_cli("plans", "show", str(plans[0]["id"]), "--store", store, "--json")
    assert json.loads(shown.stdout)["kpis"] == json.loads((folder / "kpis.json").read_text())


def test_weekly_outputs_follow_the_contract(planned: Planned) -> None:
    tiny_dir, out = planned.data, planned.out
    folder = Path(out["folder"])
    forecast = pd.read_csv(folder / "forecast.csv")
    assert list(forecast.columns) == ["sku", "week_start", "forecast", "model", "p10", "p50",
                                      "p90"]
    assert (forecast["p10"] <= forecast["p90"]).all()
    orders = pd.read_csv(folder / "purchase_orders.csv")
    assert list(orders.columns) == ["supplier_id", "sku", "supplier_name", "sku_name",
                                    "order_date", "arrival_date", "packs", "quantity",
                                    "unit_price", "line_cost", "primary_reason", "reason"]
    skus = pd.read_csv(tiny_dir / "skus.csv").set_index("sku")
    assert (orders["quantity"] % orders["sku"].map(skus["pack_size"]) == 0).all()
    assert (orders["quantity"] >= orders["sku"].map(skus["moq"])).all()
    assert (pd.to_datetime(orders["order_date"]) >= pd.Timestamp(out["kpis"]["week_start"])).all()
    roster = pd.read_csv(folder / "roster.csv")
    assert list(roster.columns) == ["employee_id", "date", "shift_id", "start", "end", "role"]
    routes = pd.read_csv(folder / "routes.csv")
    assert {"day", "vehicle_id", "sequence", "customer_id", "arrival", "departure", "load_kg",
            "load_m3", "leg_km", "cumulative_km"} <= set(routes.columns)


def test_the_plan_is_feasible_under_the_independent_checkers(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    plan = weekly.run_weekly(dataset)
    for problem, day_plan in plan.routing.days:
        assert check_route_plan(problem, day_plan) == []
    days = sorted({a.day for a in plan.staffing.roster.assignments})
    week_days = [plan.week_start + pd.Timedelta(days=i) for i in range(7)]
    assert set(days) <= set(week_days)
    assert check_roster(plan.staffing.roster, dataset["employees"], dataset["shifts"],
                        week_days) == []
    again = evaluate_plan(plan.purchasing.problem, plan.purchasing.plan)
    assert plan.kpis["purchasing"]["cost"]["total"] == pytest.approx(again.total, abs=0.01)


def test_same_inputs_same_plan(planned: Planned, tiny_dir: Path, tmp_path: Path,
                               run_cli: Callable[..., object]) -> None:
    first = planned.out
    second = _weekly(run_cli, tiny_dir, tmp_path / "b")
    for name in FILES:
        a = (Path(first["folder"]) / name).read_bytes()
        b = (Path(second["folder"]) / name).read_bytes()
        assert a == b, name


def test_week_option_uses_only_earlier_history(tiny_dir: Path, tmp_path: Path,
                                               run_cli: Callable[..., object]) -> None:
    # The history cut is what is checked, not the plan: the week's purchase MIP (a gap of 4 %
    # after a minute) gets a few seconds.
    out = _weekly(run_cli, tiny_dir, tmp_path / "s", "--week", "2026-W30", "--time-limit", "5")
    assert out["plan"]["week"] == "2026-W30"
    forecast = pd.read_csv(Path(out["folder"]) / "forecast.csv")
    assert forecast["week_start"].min() == "2026-07-20"
    bad = run_cli("weekly", "--data", tiny_dir, "--store", tmp_path / "s", "--week", "2026-30")
    assert bad.exit_code == 2 and "ISO week" in bad.stderr
    early = run_cli("weekly", "--data", tiny_dir, "--store", tmp_path / "s", "--week", "2020-W01")
    assert early.exit_code == 2 and "no sales before" in early.stderr


@pytest.mark.parametrize("stage", ["purchasing_stage", "staffing_stage", "routing_stage"])
@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_run_failing_after_its_first_stage_leaves_the_store_as_it_was(
        stage: str, error: BaseException, planned: Planned, tiny_dir: Path, tmp_path: Path,
        run_cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch) -> None:
    store = _copy_of(planned, tmp_path)
    before = tree_snapshot(store)

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(weekly, stage, fail)
    if isinstance(error, KeyboardInterrupt):  # click turns Ctrl-C into "Aborted!", exit 1
        result = run_cli("weekly", "--data", tiny_dir, "--store", store)
        assert result.exit_code == 1 and "Aborted" in result.output
    else:
        with pytest.raises(RuntimeError):
            run_cli("weekly", "--data", tiny_dir, "--store", store)

    assert tree_snapshot(store) == before
    assert len(PlanStore(store).list_plans()) == 1


def test_a_failure_while_storing_leaves_the_store_as_it_was(
        planned: Planned, tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = _copy_of(planned, tmp_path)
    before = tree_snapshot(store)

    def crash(path: Path) -> None:
        assert path.is_dir()  # the plan folder is in place, the transaction not committed
        raise KeyboardInterrupt

    original_init = PlanStore.__init__

    def init_with_crash(self: PlanStore, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]
        self._after_rename = crash

    monkeypatch.setattr(PlanStore, "__init__", init_with_crash)
    result = run_cli("weekly", "--data", tiny_dir, "--store", store)
    assert result.exit_code == 1 and "Aborted" in result.output
    assert tree_snapshot(store) == before


def test_plans_list_on_an_empty_store_creates_nothing(tmp_path: Path,
                                                      run_cli: Callable[..., object]) -> None:
    result = run_cli("plans", "list", "--store", tmp_path / "none")
    assert result.exit_code == 0 and "No plans" in result.stdout
    assert not (tmp_path / "none").exists()


def test_plans_show_unknown_id(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("plans", "show", "42", "--store", tmp_path / "none")
    assert result.exit_code == 2
    assert "no plan with id 42" in result.stderr


def test_plans_know_their_inputs(planned: Planned, tiny_dir: Path, tmp_path: Path,
                                 run_cli: Callable[..., object]) -> None:
    """A plan is found from its inputs' content: ``tiny_dir`` is a copy of the data it was
    planned on, in another folder."""
    store, out = _copy_of(planned, tmp_path), planned.out
    plan_id = str(out["plan"]["id"])
    validated = json.loads(run_cli("validate", "--data", tiny_dir, "--store", store,
                                   "--json").stdout)
    assert validated["plans_from_these_inputs"] == [out["plan"]["id"]]
    shown = json.loads(run_cli("plans", "show", plan_id, "--store", store, "--data", tiny_dir,
                               "--json").stdout)
    assert shown["inputs_unchanged"] is True
    listed = json.loads(run_cli("plans", "list", "--store", store, "--data", tmp_path / "other",
                                "--json").stdout)
    assert listed["plans"] == []

    (tiny_dir / "inventory.csv").write_text((tiny_dir / "inventory.csv").read_text() + "\n")
    shown = json.loads(run_cli("plans", "show", plan_id, "--store", store, "--data", tiny_dir,
                               "--json").stdout)
    assert shown["inputs_unchanged"] is False


def test_kpis_agree_with_the_files(planned: Planned) -> None:
    tiny_dir, out = planned.data, planned.out
    folder, kpis = Path(out["folder"]), out["kpis"]
    orders = pd.read_csv(folder / "purchase_orders.csv")
    this_week = orders[pd.to_datetime(orders["order_date"])
                       < pd.Timestamp(kpis["week_start"]) + pd.Timedelta(days=7)]
    assert kpis["purchasing"]["lines_this_week"] == len(this_week)
    assert kpis["purchasing"]["value_this_week"] == pytest.approx(this_week["line_cost"].sum(),
                                                                  abs=0.05)
    routes = pd.read_csv(folder / "routes.csv")
    ends = routes[routes["stop_type"] == "depot_end"]
    assert kpis["routing"]["km"] == pytest.approx(ends["cumulative_km"].sum(), abs=0.1)
    assert kpis["routing"]["served"] == (routes["stop_type"] == "customer").sum()
    assert kpis["routing"]["unserved"] == (routes["stop_type"] == "unserved").sum()
    # each day's solve: its objective is the day's route cost plus the unserved penalty, no
    # bound from the local search, and what ended it
    assert [s["day"] for s in kpis["routing"]["solver"]] == [
        d["day"] for d in kpis["routing"]["days"]]
    penalty = RoutingOptions().unserved_penalty
    for solve, day in zip(kpis["routing"]["solver"], kpis["routing"]["days"], strict=True):
        assert solve["objective"] == pytest.approx(day["cost"] + penalty * day["unserved"],
                                                   abs=0.02)
        assert solve["bound"] is None and solve["gap"] is None
        assert solve["stop_reason"].endswith("(no bound)") and solve["strategy"]
    staff = kpis["staffing"]["solver"]
    assert staff["gap"] == pytest.approx(
        (staff["objective"] - staff["bound"]) / staff["objective"], abs=1e-4)
    assert staff["stop_reason"] in ("proof", "deterministic limit", "time limit")
    roster = pd.read_csv(folder / "roster.csv")
    assert kpis["staffing"]["shifts"] == len(roster)
    employees = pd.read_csv(tiny_dir / "employees.csv").set_index("employee_id")
    shifts = pd.read_csv(tiny_dir / "shifts.csv").set_index("shift_id")

    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    length = (roster["shift_id"].map(shifts["end"]).map(minutes)
              - roster["shift_id"].map(shifts["start"]).map(minutes)) % 1440
    paid = (length - roster["shift_id"].map(shifts["break_minutes"])) / 60
    cost = (paid * roster["employee_id"].map(employees["hourly_cost"])).sum()
    assert kpis["staffing"]["labour_cost"] == pytest.approx(cost, abs=0.05)


DESIGN_KPIS = ("procurement_cost_change", "inventory_turnover_per_month", "order_cycle_days",
               "on_time_delivery_rate", "logistics_cost_per_order", "unit_order_operating_cost",
               "fill_rate")


def test_every_kpi_has_baseline_plan_target_and_verdict(planned: Planned) -> None:
    kpis = planned.out["kpis"]
    rows = {row["kpi"]: row for row in kpis["targets"]}
    assert tuple(rows) == DESIGN_KPIS
    for row in rows.values():
        assert {"baseline", "value", "target", "met", "note"} <= set(row)
        if row["value"] is not None and row["target"] is not None:
            higher = row["kpi"] in ("inventory_turnover_per_month", "on_time_delivery_rate",
                                    "fill_rate")
            assert row["met"] == (row["value"] >= row["target"] if higher
                                  else row["value"] <= row["target"])
    base = kpis["baselines"]
    change = rows["procurement_cost_change"]["value"]
    assert change == pytest.approx(kpis["purchasing"]["net_cost"]
                                   / base["purchasing"]["net_cost"] - 1, abs=1e-4)
    assert rows["on_time_delivery_rate"]["baseline"] == base["routing"]["on_time_rate"]
    assert rows["logistics_cost_per_order"]["target"] == base["routing"]["cost_per_order"]


def test_horizon_purchase_and_ordering_cost_agree_with_the_files(
        planned: Planned) -> None:
    tiny_dir, out = planned.data, planned.out
    cost = out["kpis"]["purchasing"]["cost"]
    orders = pd.read_csv(Path(out["folder"]) / "purchase_orders.csv")
    suppliers = pd.read_csv(tiny_dir / "suppliers.csv").set_index("supplier_id")
    assert cost["purchase"] == pytest.approx(orders["line_cost"].sum(), abs=0.05)
    placed = orders.drop_duplicates(["supplier_id", "order_date"])
    assert cost["ordering"] == pytest.approx(
        placed["supplier_id"].map(suppliers["order_cost"]).sum(), abs=0.05)
    routes = pd.read_csv(Path(out["folder"]) / "routes.csv")
    customers = pd.read_csv(tiny_dir / "customers.csv").set_index("customer_id")
    visits = routes[routes["stop_type"] == "customer"]

    def clock(text: pd.Series) -> pd.Series:
        parts = text.str.split(":", expand=True).astype(int)
        return parts[0] * 60 + parts[1]

    # service starts when the vehicle has arrived and the window has opened (a vehicle that
    # is early waits); it must start inside the window, as the on-time rate says
    start = clock(visits["departure"]) - visits["customer_id"].map(customers["service_minutes"])
    opens = clock(visits["customer_id"].map(customers["window_start"]))
    closes = clock(visits["customer_id"].map(customers["window_end"]))
    assert (start >= clock(visits["arrival"])).all()
    on_time = ((start >= opens) & (start <= closes)).mean()
    assert out["kpis"]["routing"]["on_time_rate"] == pytest.approx(on_time, abs=1e-4)

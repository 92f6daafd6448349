"""Tests for ``salesflow routes`` and ``salesflow bench routing`` (CliRunner, tmp_path)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from salesflow.data.instances.vrp_formats import read_instance
from salesflow.data.instances.vrp_solutions import read_vrplib_solution
from salesflow.data.outputs.route_map import day_label
from salesflow.optimizer.routing.instance_check import check_instance_solution

from .test_routing_formats import SOLOMON_TEXT, VRPLIB_TEXT

FAST = ("--time-limit", "20", "--workers", "1")


def _json(result: object) -> dict:
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_routes_writes_every_format(run_cli: Callable[..., object], tiny_dir: Path,
                                    tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("routes", "--data", tiny_dir, "--out", out, *FAST, "--json")
    assert result.exit_code == 0, result.output
    payload = _json(result)
    assert sorted(Path(f).name for f in payload["files"]) == [
        "routes.csv", "routes.geojson", "routes.gpx", "routes.html", "run_sheets.html"]
    assert payload["days"] and payload["cost"] <= payload["baseline_cost"] + 1e-6
    for day in payload["days"]:
        assert day["served"] + len(day["unserved"]) == day["stops"]
        assert all(u["reason"] for u in day["unserved"])
    rows = list(csv.DictReader((out / "routes.csv").open()))
    assert {r["day"] for r in rows} == {d["day"] for d in payload["days"] if d["stops"]}
    assert {"customer", "depot_start", "depot_end"} <= {r["stop_type"] for r in rows}
    assert json.loads((out / "routes.geojson").read_text())["type"] == "FeatureCollection"


def test_routes_one_day_and_some_formats(run_cli: Callable[..., object], tiny_dir: Path,
                                         tmp_path: Path) -> None:
    first = _json(run_cli("routes", "--data", tiny_dir, "--out", tmp_path / "a", *FAST,
                          "--json"))
    day = next(d["day"] for d in first["days"] if d["stops"])
    out = tmp_path / "b"
    result = run_cli("routes", "--data", tiny_dir, "--day", day, "--format", "gpx,csv",
                     "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["routes.csv", "routes.gpx"]
    assert day_label(day) in result.stdout and "baseline" in result.stdout
    # The same summary and files in Traditional Chinese; the CSV keeps its English columns.
    zh = tmp_path / "zh"
    result = run_cli("--lang", "zh-TW", "routes", "--data", tiny_dir, "--day", day, "--format",
                     "csv,html,run_sheets", "--out", zh, *FAST)
    assert result.exit_code == 0, result.output
    assert "基準" in result.stdout and "baseline" not in result.stdout
    assert "配送路線" in (zh / "routes.html").read_text(encoding="utf-8")
    assert "派車單" in (zh / "run_sheets.html").read_text(encoding="utf-8")
    assert next(csv.reader((zh / "routes.csv").open()))[:4] == [
        "day", "vehicle_id", "sequence", "stop_type"]


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "csv,pdf"), "--format"),
    (("--day", "2020-13-01"), "--day"),
    (("--day", "2001-01-06"), "not a delivery day"),
    (("--matrix", "m.csv", "--osrm", "http://localhost:1"), "either --matrix or --osrm"),
    (("--osrm", "localhost:5000"), "http"),
])
def test_routes_bad_options_exit_2(run_cli: Callable[..., object], tiny_dir: Path,
                                   tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("routes", "--data", tiny_dir, "--out", tmp_path / "o", *FAST, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "o").exists()


def test_routes_with_a_matrix_file(run_cli: Callable[..., object], tiny_dir: Path,
                                   tmp_path: Path) -> None:
    ids = [r["depot_id"] for r in csv.DictReader((tiny_dir / "depots.csv").open())]
    ids += [r["customer_id"] for r in csv.DictReader((tiny_dir / "customers.csv").open())]
    lines = ["from_id,to_id,km,minutes"]
    lines += [f"{a},{b},5,10" for a in ids for b in ids if a != b]
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n")
    result = run_cli("routes", "--data", tiny_dir, "--matrix", tmp_path / "m.csv", "--format",
                     "csv", "--out", tmp_path / "o", *FAST, "--json")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "o" / "routes.csv").open()))
    assert {float(r["leg_km"]) for r in rows if r["stop_type"] == "customer"} == {5.0}
    (tmp_path / "bad.csv").write_text("from_id,to_id,km\nX,Y,1\n")
    bad = run_cli("routes", "--data", tiny_dir, "--matrix", tmp_path / "bad.csv",
                  "--out", tmp_path / "o2", *FAST)
    assert bad.exit_code == 2 and "no row for" in bad.output


def test_routes_instance_writes_a_vrplib_solution(run_cli: Callable[..., object],
                                                  tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(SOLOMON_TEXT)
    sol = tmp_path / "tiny.sol"
    result = run_cli("routes", "--instance", path, "--time-limit", "3", "--workers", "1",
                     "--out", sol, "--json")
    assert result.exit_code == 0, result.output
    payload = _json(result)
    routes, cost = read_vrplib_solution(sol)
    check = check_instance_solution(read_instance(path), routes)
    assert check.feasible and cost == pytest.approx(check.cost) == pytest.approx(payload["cost"])
    bad = tmp_path / "bad.txt"
    bad.write_text("nothing here\n")
    failed = run_cli("routes", "--instance", bad, "--time-limit", "1")
    assert failed.exit_code == 2 and "not a Solomon instance" in failed.output


def test_bench_routing_reports_gap_and_feasibility(run_cli: Callable[..., object],
                                                   tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "TINY1.txt").write_text(SOLOMON_TEXT)
    (folder / "tiny-cvrp.vrp").write_text(VRPLIB_TEXT)
    (tmp_path / "bks.csv").write_text(
        "instance,bks_distance,objective,distance_convention\n"
        "TINY1,42.3,distance_only,euclid_trunc_1dec\n"
        "tiny-cvrp,40,distance_only_unlimited_fleet,euclid_round_int\n")
    out = tmp_path / "rows.csv"
    result = run_cli("bench", "routing", "--instances", folder, "--time-limit", "3",
                     "--workers", "1", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    payload = _json(result)
    assert payload["summary"]["instances"] == payload["summary"]["feasible"] == 2
    tiny = next(r for r in payload["rows"] if r["instance"] == "TINY1")
    assert tiny["bks"] == 42.3 and tiny["gap_pct"] == pytest.approx(
        100 * (tiny["distance"] / 42.3 - 1))
    assert len(list(csv.DictReader(out.open()))) == 2
    missing = run_cli("bench", "routing", "--instances", tmp_path / "nope")
    assert missing.exit_code == 2

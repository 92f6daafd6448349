"""``salesflow staff`` and ``salesflow bench staffing`` end to end, and the output files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import read_csv_text

from salesflow.data.outputs.staffing_outputs import coverage_chart_png, coverage_csv

BENCH = Path(__file__).resolve().parents[2] / "shared/benchmarks/staffing"


def write_requirements(path: Path, rows: list[str]) -> Path:
    path.write_text("date,hour,skill,required\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def requirements_file(tmp_path: Path) -> Path:
    rows = [f"2026-01-05,{h},picker,1" for h in range(8, 16)]
    rows += [f"2026-01-06,{h},packer,1.5" for h in range(9, 13)]
    rows += ["2026-01-06,10,welder,1"]
    return write_requirements(tmp_path / "need.csv", rows)


def test_staff_with_a_requirements_file_writes_every_output(run_cli, tiny_dir, tmp_path,
                                                            requirements_file) -> None:
    out = tmp_path / "out"
    result = run_cli("staff", "--data", tiny_dir, "--requirements", requirements_file,
                     "--out", out, "--time-limit", "60", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["solver"]["status"] == "optimal"
    assert payload["solver"]["stopped_by"] == "proof"
    assert payload["solver"]["bound"] <= payload["solver"]["objective"] + 1e-6
    assert payload["first_day"] == "2026-01-05" and payload["last_day"] == "2026-01-06"
    welder = [f for f in payload["impossible_requirements"] if f["skill"] == "welder"]
    assert welder == [{"date": "2026-01-06", "hour": 10, "skill": "welder", "required": 1.0,
                       "staffed": 0.0, "reason": "no employee has skill 'welder'",
                       "priced": False, "missing": 1.0}]
    assert payload["cost"]["under_penalty"] > 0  # the shortfall is priced
    assert sorted(p.name for p in out.iterdir()) == sorted(payload["files"])
    roster = read_csv_text(out / "roster.csv")
    assert list(roster.columns) == ["employee_id", "date", "shift_id", "start", "end", "role"]
    assert len(roster) == payload["roster"]["shifts"]
    cov = read_csv_text(out / "coverage.csv")
    assert list(cov.columns) == ["day", "hour", "skill", "required", "staffed"]
    assert (out / "coverage.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    summary = json.loads((out / "staffing.json").read_text())
    assert summary["cost"] == payload["cost"]


def test_staff_human_summary(run_cli, tiny_dir, requirements_file) -> None:
    result = run_cli("staff", "--data", tiny_dir, "--requirements", requirements_file,
                     "--time-limit", "60")
    assert result.exit_code == 0, result.output
    assert "CP-SAT (optimal, stopped by proof" in result.stdout and "fixed pattern" in result.stdout
    assert "Jan 6, 2026 10:00 welder: no employee has skill 'welder'" in result.stdout
    assert result.stdout.startswith("Roster for Jan 5, 2026 to Jan 6, 2026: ")


def test_staff_reports_a_bad_requirements_file(run_cli, tiny_dir, tmp_path) -> None:
    bad = write_requirements(tmp_path / "bad.csv", ["2026-01-05,25,picker,1",
                                                    "2026-01-05,9,picker,-1"])
    result = run_cli("staff", "--data", tiny_dir, "--requirements", bad)
    assert result.exit_code == 2
    assert f"{bad}, row 2, column hour: value '25': must be >= 0 and <= 23" in result.stderr
    assert f"{bad}, row 3, column required: value '-1': must be >= 0" in result.stderr
    result = run_cli("staff", "--data", tiny_dir, "--requirements", tmp_path / "need.txt")
    assert result.exit_code == 2 and "must be a csv, parquet, xlsx file" in result.stderr


def test_staff_rejects_week_with_requirements(run_cli, tiny_dir, requirements_file) -> None:
    result = run_cli("staff", "--data", tiny_dir, "--requirements", requirements_file,
                     "--week", "2026-W02")
    assert result.exit_code == 2 and "not both" in result.stderr


@pytest.mark.slow
def test_staff_from_the_forecast_reports_desk_and_cycle(run_cli, tiny_dir, tmp_path) -> None:
    out = tmp_path / "out"
    result = run_cli("staff", "--data", tiny_dir, "--time-limit", "60", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["service_desk"]["skill"] == "customer_service"
    cycle = payload["cycle"]
    assert cycle["met"] or cycle["bottleneck_step"]
    assert (out / "service_desk.csv").is_file()
    # What the cycle target needs: its sentence, and the added shifts as a file whose costs
    # add up to the stated weekly cost.
    advice = payload["cycle_target"]
    assert advice["sentence"]
    if cycle["met"]:
        assert advice["stopped_by"] == "target already met" and not advice["shifts"]
    added = pd.read_csv(out / "cycle_target_shifts.csv")
    assert len(added) == len(advice["shifts"])
    assert added["cost"].sum() == pytest.approx(advice["added_cost"], abs=0.01 * (len(added) + 1))
    assert ((added["cost"] - added["paid_hours"] * added["hourly_cost"]).abs() < 0.01).all()
    staffing_json = json.loads((out / "staffing.json").read_text())
    assert staffing_json["cycle_target"]["sentence"] == advice["sentence"]


def test_outputs_neutralize_formulas_and_draw_a_png() -> None:
    cov = pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-01-05"]), "hour": [9, 10],
                        "skill": ["=cmd|' /C calc'!A0", "$x^2$"], "required": [1.0, 2.0],
                        "staffed": [0.5, 2.0]})
    text = coverage_csv(cov).decode()
    assert "'=cmd|' /C calc'!A0" in text
    assert text.splitlines()[0] == "day,hour,skill,required,staffed"
    png = coverage_chart_png(cov, cov, "title with $math$")
    assert png.startswith(b"\x89PNG")


@pytest.mark.skipif(not (BENCH / "curtois/Instance1.txt").is_file(),
                    reason="shared benchmark data not present")
def test_bench_staffing_on_instance1(run_cli) -> None:
    result = run_cli("bench", "staffing", "--data-dir", BENCH, "--instances", "1",
                     "--time-limit", "120", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    row = payload["curtois"][0]
    assert row["instance"] == "Instance1" and row["feasible"]
    assert row["objective"] == row["bks"] == 607
    assert all(r["match"] for r in payload["erlang_c"])
    assert len(payload["erlang_c"]) >= 6

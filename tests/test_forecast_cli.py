"""``salesflow forecast`` (dataset and --series forms) and ``salesflow bench forecast``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from helpers import read_csv_text


def _series_file(folder: Path, n: int = 36) -> Path:
    t = np.arange(n)
    rows = []
    for uid, level in (("north", 100.0), ("south", 40.0)):
        y = level + 0.5 * t + 5 * np.sin(2 * np.pi * t / 12)
        rows.append(pd.DataFrame({"unique_id": uid,
                                  "ds": pd.date_range("2022-01-01", periods=n, freq="MS")
                                  .strftime("%Y-%m-%d"), "y": np.round(y, 2)}))
    path = folder / "series.csv"
    pd.concat(rows).to_csv(path, index=False)
    return path


def test_forecast_series_file(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "fc.csv"
    result = run_cli("forecast", "--series", _series_file(tmp_path), "--horizon", 6,
                     "--season-length", 12, "--quantiles", "0.05,0.5,0.95", "--out", out,
                     "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["series"] == 2 and payload["horizon"] == 6
    frame = read_csv_text(out)
    assert list(frame.columns) == ["unique_id", "ds", "forecast", "model", "p5", "p50", "p95"]
    assert frame[frame["unique_id"] == "north"]["ds"].tolist()[:2] == ["2025-01-01",
                                                                       "2025-02-01"]
    values = frame[["p5", "p50", "p95"]].astype(float)
    assert (values["p5"] <= values["p50"]).all() and (values["p50"] <= values["p95"]).all()


def test_forecast_series_bad_file_exits_2_naming_row_and_series(run_cli,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("unique_id,ds,y\nA,1,5\nA,2,oops\nA,3,4\n", encoding="utf-8")
    out = tmp_path / "never.csv"
    result = run_cli("forecast", "--series", path, "--horizon", 2, "--out", out)
    assert result.exit_code == 2
    assert "row 3, column y: value 'oops'" in result.stderr
    assert "series 'A'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_forecast_series_too_short_for_the_horizon(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("unique_id,ds,y\nA,1,5\nA,2,6\nA,3,4\nB,1,1\n", encoding="utf-8")
    result = run_cli("forecast", "--series", path, "--horizon", 3, "--out", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert "series 'B' has 1 observations, fewer than the horizon 3" in result.stderr


def test_forecast_series_needs_a_horizon_and_valid_quantiles(run_cli, tmp_path: Path) -> None:
    path = _series_file(tmp_path)
    assert run_cli("forecast", "--series", path).exit_code == 2
    result = run_cli("forecast", "--series", path, "--horizon", 2, "--quantiles", "0.5,1.2")
    assert result.exit_code == 2 and "(0, 1)" in result.output + result.stderr


def test_forecast_dataset_writes_class_model_and_backtest(run_cli, tiny_dir: Path,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "forecast.csv"
    result = run_cli("forecast", "--data", tiny_dir, "--horizon", 4, "--workers", 1,
                     "--out", out, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    frame = read_csv_text(out)
    assert list(frame.columns) == ["sku", "week_start", "forecast", "model", "p10", "p50",
                                   "p90", "demand_class", "backtest_mase", "backtest_wape"]
    skus = read_csv_text(tiny_dir / "skus.csv")["sku"]
    assert sorted(frame["sku"].unique()) == sorted(skus)
    assert frame["week_start"].nunique() == 4
    assert payload["week_start"] == frame["week_start"].min()
    assert (frame["forecast"].astype(float) >= 0).all()
    assert set(frame["demand_class"]) <= {"smooth", "erratic", "intermittent", "lumpy",
                                          "no_demand"}


def test_bench_forecast_on_a_small_m3_folder(run_cli, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    train, test = [], []
    for i in range(3):
        y = 50 + np.cumsum(rng.normal(1, 2, 30))
        train.append(pd.DataFrame({"unique_id": f"N{i}", "ds": range(1, 25), "y": y[:24]}))
        test.append(pd.DataFrame({"unique_id": f"N{i}", "ds": range(25, 31), "y": y[24:]}))
    pd.concat(train).to_csv(tmp_path / "m3_yearly_train.csv.gz", index=False)
    pd.concat(test).to_csv(tmp_path / "m3_yearly_test.csv.gz", index=False)
    result = run_cli("bench", "forecast", "--data-dir", tmp_path, "--group", "yearly",
                     "--workers", 1, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["series"] == 3 and payload["horizon"] == 6
    assert 0 <= payload["smape"] < 200 and 0 <= payload["coverage_p10_p90"] <= 1
    missing = run_cli("bench", "forecast", "--data-dir", tmp_path, "--group", "monthly")
    assert missing.exit_code == 2 and "file not found" in missing.stderr

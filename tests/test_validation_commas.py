"""A table written with decimal commas gets one message naming the cause, not one per cell."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from salesflow.data.dataset import sample_data_dir


def test_decimal_commas_are_named_once(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    folder = tmp_path / "shop"
    shutil.copytree(sample_data_dir(), folder)
    skus = pd.read_csv(folder / "skus.csv", dtype=str, keep_default_na=False)
    skus["unit_cost"] = skus["unit_cost"].str.replace(".", ",", regex=False)
    skus.to_csv(folder / "skus.csv", index=False)
    result = run_cli("validate", "--data", folder, "--json")
    assert result.exit_code == 2
    problems = [p for p in json.loads(result.stdout)["problems"]
                if p["column"] == "unit_cost"]
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem["file"].endswith("skus.csv") and problem["row"] == 2
    assert problem["value"] == skus["unit_cost"].iloc[0]
    assert f"{len(skus)} cells of unit_cost are numbers written with a comma" in problem["rule"]
    assert "salesflow import" in problem["rule"]


def test_other_bad_numbers_are_still_listed_per_cell(tmp_path: Path,
                                                     run_cli: Callable[..., object]) -> None:
    folder = tmp_path / "shop"
    shutil.copytree(sample_data_dir(), folder)
    skus = pd.read_csv(folder / "skus.csv", dtype=str, keep_default_na=False)
    skus.loc[0, "unit_cost"] = "4,11"
    skus.loc[1, "unit_cost"] = "about five"
    skus.to_csv(folder / "skus.csv", index=False)
    result = run_cli("validate", "--data", folder, "--json")
    assert result.exit_code == 2
    rows = sorted((p["row"], p["value"]) for p in json.loads(result.stdout)["problems"]
                  if p["column"] == "unit_cost")
    assert rows == [(2, "4,11"), (3, "about five")]


def test_dates_in_another_style_are_named_once(tmp_path: Path,
                                               run_cli: Callable[..., object]) -> None:
    folder = tmp_path / "shop"
    shutil.copytree(sample_data_dir(), folder)
    sales = pd.read_csv(folder / "sales.csv", dtype=str, keep_default_na=False)
    day = pd.to_datetime(sales["order_date"])
    sales["order_date"] = (day.dt.month.astype(str) + "/" + day.dt.day.astype(str) + "/"
                           + day.dt.year.astype(str))
    sales.to_csv(folder / "sales.csv", index=False)
    result = run_cli("validate", "--data", folder, "--json")
    assert result.exit_code == 2
    problems = [p for p in json.loads(result.stdout)["problems"]
                if p["column"] == "order_date"]
    assert len(problems) == 1, problems[:3]
    assert problems[0]["row"] == 2 and problems[0]["value"] == sales["order_date"].iloc[0]
    assert "written as D/M/YYYY or M/D/YYYY" in problems[0]["rule"]
    assert "YYYY-MM-DD" in problems[0]["rule"]

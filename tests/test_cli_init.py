"""salesflow init: writes a complete dataset, refuses to clobber, --force replaces formats."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from salesflow.data.dataset import load_dataset


def test_init_writes_a_valid_dataset(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("init", tmp_path / "a" / "shop", "--size", "tiny", "--seed", "3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["rows"]["skus"] == 20
    assert sorted(p.name for p in (tmp_path / "a" / "shop").iterdir()) == payload["files"]
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]
    assert len(load_dataset(tmp_path / "a" / "shop")["customers"]) == 15


def test_init_refuses_a_non_empty_folder(tmp_path: Path,
                                         run_cli: Callable[..., object]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = run_cli("init", tmp_path, "--size", "tiny")
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_force_replaces_tables_in_other_formats(tmp_path: Path,
                                                     run_cli: Callable[..., object]) -> None:
    assert run_cli("init", tmp_path, "--size", "tiny", "--format", "parquet").exit_code == 0
    result = run_cli("init", "--data", tmp_path, "--size", "tiny", "--force")
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("*.parquet"))
    assert load_dataset(tmp_path).files["sales"].endswith("sales.csv")


def test_init_needs_exactly_one_folder(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    assert run_cli("init").exit_code == 2
    assert run_cli("init", tmp_path / "a", "--data", tmp_path / "b").exit_code == 2

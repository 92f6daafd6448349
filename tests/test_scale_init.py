"""``salesflow init --size xlarge`` writes Parquet unless told otherwise (generating the real
xlarge takes minutes: these tests hand the command a tiny dataset under the xlarge name)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import salesflow.data.generator as generator
from salesflow.data.generator import SIZES, generate_dataset


@pytest.fixture
def xlarge_is_tiny(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    tiny = generate_dataset("tiny", 0)

    def fake(size: str, seed: int = 0, **kwargs: object) -> generator.GeneratedDataset:
        asked.append(size)
        return replace(tiny, size=size)

    monkeypatch.setattr(generator, "generate_dataset", fake)
    return asked


def test_xlarge_is_a_size_of_the_issue() -> None:
    spec = SIZES["xlarge"]
    assert (spec.n_skus, spec.n_customers) == (100_000, 5_000)
    assert spec.n_depots > 1
    # about 25M+ lines: orders over 104 weeks times 1 + lines per order
    assert spec.orders_per_week * 104 * (1 + spec.lines_per_order) >= 25_000_000


def test_xlarge_defaults_to_parquet_and_says_so(
        xlarge_is_tiny: list[str], tmp_path: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("init", tmp_path / "xl", "--size", "xlarge", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert xlarge_is_tiny == ["xlarge"]
    assert "Parquet" in result.output
    assert (tmp_path / "xl" / "sales.parquet").is_file()
    assert not list((tmp_path / "xl").glob("*.csv"))


@pytest.mark.parametrize(("size", "given", "written"), [
    ("xlarge", "csv", "csv"), ("small", None, "csv"), ("small", "parquet", "parquet")])
def test_format_option_wins_and_other_sizes_stay_csv(
        xlarge_is_tiny: list[str], tmp_path: Path, run_cli: Callable[..., object],
        size: str, given: str | None, written: str) -> None:
    extra = ("--format", given) if given else ()
    result = run_cli("init", tmp_path / "d", "--size", size, "--json", *extra)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == written
    assert (tmp_path / "d" / f"sales.{written}").is_file()

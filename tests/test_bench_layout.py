"""The benchmark harness lives in ``salesflow.benchmarks``: ``salesflow bench`` calls it, never
the reverse; the package names no path into ``../shared`` and a bench command without its data
folder says which option to give (exit code 2)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import salesflow

PACKAGE = Path(salesflow.__file__).resolve().parent
PRODUCT = ("cli", "data", "optimizer", "forecasting", "benchmarks")
SHARED_PATH = re.compile(r"\.\./shared|shared/benchmarks|[\"']shared[\"']")


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (PACKAGE / folder).rglob("*.py"))


def test_no_module_of_the_package_names_a_path_into_shared() -> None:
    found = [f"{p.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for p in _modules(*PRODUCT)
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if SHARED_PATH.search(line)]
    assert not found, "\n".join(found)


def test_benchmarks_never_import_the_cli() -> None:
    offenders = []
    for path in _modules("benchmarks"):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n == "salesflow.cli" or n.startswith("salesflow.cli.")]
        if "salesflow.cli" in text:  # not even through a subprocess
            offenders.append(f"{path.name}: names salesflow.cli")
    assert not offenders, offenders


def test_cli_keeps_one_thin_bench_module() -> None:
    assert [p.name for p in sorted((PACKAGE / "cli").glob("bench*.py"))] == ["bench.py"]
    assert (PACKAGE / "benchmarks" / "__init__.py").is_file()


@pytest.mark.parametrize(("args", "option"), [
    (("forecast", "--group", "yearly"), "--data-dir"),
    (("purchase", "--part", "trigeiro"), "--lotsizing-dir"),
    (("purchase",), "--lotsizing-dir"),
    (("staffing", "--instances", "1"), "--data-dir"),
])
def test_a_bench_command_without_its_data_folder_exits_2_naming_the_option(
        run_cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], option: str) -> None:
    monkeypatch.delenv("SALESFLOW_BENCHMARK_DATA", raising=False)
    result = run_cli("bench", *args)
    assert result.exit_code == 2, result.output
    assert option in result.stderr and "SALESFLOW_BENCHMARK_DATA" in result.stderr


def test_bench_help_documents_the_environment_variable(run_cli) -> None:
    for command in ("forecast", "purchase", "staffing"):
        result = run_cli("bench", command, "--help")
        assert result.exit_code == 0 and "SALESFLOW_BENCHMARK_DATA" in result.output


def test_bench_staffing_rejects_bad_instances_as_a_bad_option(run_cli) -> None:
    result = run_cli("bench", "staffing", "--instances", "one")
    assert result.exit_code == 2 and "--instances" in result.stderr
    assert "numbers and ranges" in result.stderr


def test_bench_forecast_finds_its_folder_through_the_environment(
        run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "m3"
    folder.mkdir()
    rng = np.random.default_rng(1)
    train, test = [], []
    for i in range(2):
        y = 40 + np.cumsum(rng.normal(1, 2, 30))
        train.append(pd.DataFrame({"unique_id": f"N{i}", "ds": range(1, 25), "y": y[:24]}))
        test.append(pd.DataFrame({"unique_id": f"N{i}", "ds": range(25, 31), "y": y[24:]}))
    pd.concat(train).to_csv(folder / "m3_yearly_train.csv.gz", index=False)
    pd.concat(test).to_csv(folder / "m3_yearly_test.csv.gz", index=False)
    monkeypatch.setenv("SALESFLOW_BENCHMARK_DATA", str(tmp_path))
    result = run_cli("bench", "forecast", "--group", "yearly", "--workers", 1, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["series"] == 2


def test_write_section_replaces_one_section_and_needs_the_file(tmp_path: Path) -> None:
    from salesflow.benchmarks.report import write_section

    target = tmp_path / "BENCHMARKS.md"
    target.write_text("# B\n<!-- BEGIN a -->\nold\n<!-- END a -->\nkeep\n", encoding="utf-8")
    write_section("a", "new", target)
    assert target.read_text(encoding="utf-8") == ("# B\n<!-- BEGIN a -->\nnew\n"
                                                  "<!-- END a -->\nkeep\n")
    with pytest.raises(ValueError, match="BEGIN b"):
        write_section("b", "x", target)
    with pytest.raises(FileNotFoundError, match="source checkout"):
        write_section("a", "x", tmp_path / "missing" / "BENCHMARKS.md")

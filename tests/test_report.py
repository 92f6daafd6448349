"""The plan report: self-contained, names escaped, renders in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import chromium_dom, edit_table, set_cell

EVIL_SKU_NAME = '<script>alert("sku")</script> & Co'
EVIL_CUSTOMER = '<img src=x onerror=alert(1)>"Bakery"'


def _report(run_cli: Callable[..., object], data: Path, store: Path) -> str:
    result = run_cli("weekly", "--data", data, "--store", store, "--json")
    assert result.exit_code == 0, result.output
    return (Path(json.loads(result.stdout)["folder"]) / "report.html").read_text()


def _with_evil_names(folder: Path) -> None:
    for row in range(15):  # every customer and SKU, so that the report surely shows some
        edit_table(folder, "customers", set_cell("name", f"{EVIL_CUSTOMER} {row}", row))
    for row in range(20):
        edit_table(folder, "skus", set_cell("name", f"{EVIL_SKU_NAME} {row}", row))


def test_report_is_self_contained_and_escapes_names(tiny_dir: Path, tmp_path: Path,
                                                    run_cli: Callable[..., object]) -> None:
    _with_evil_names(tiny_dir)
    html = _report(run_cli, tiny_dir, tmp_path / "store")
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;Bakery&quot;" in html  # route tooltips
    assert "&lt;script&gt;alert(" in html  # forecast chart titles
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    for section in ("Targets", "Cost breakdown", "Where the money goes: purchases by supplier",
                    "Forecast of the top SKUs", "Projected stock value", "Routes",
                    "Staffing coverage"):
        assert f"<h2>{section}</h2>" in html
    from salesflow.data.i18n.terms import kpi_label

    for kpi in json.loads((tmp_path / "store" / "plans" / "1" / "kpis.json").read_text())[
            "targets"]:
        assert f"<td>{kpi_label(kpi['kpi'])}</td>" in html and f">{kpi['kpi']}<" not in html


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_report_renders_in_headless_chromium_without_console_errors(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    _with_evil_names(tiny_dir)
    _report(run_cli, tiny_dir, tmp_path / "store")
    page = tmp_path / "store" / "plans" / "1" / "report.html"
    done = subprocess.run(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert "<h2>Routes</h2>" in done.stdout and "<svg" in done.stdout
    assert "<figcaption>" in done.stdout  # labelled route thumbnails


def test_targets_of_skipped_stages_and_assumed_values_are_drawn_escaped() -> None:
    import pandas as pd

    from salesflow.data.dataset.assumptions import assumption_groups
    from salesflow.data.outputs.report import assumed_section, targets_table
    from salesflow.optimizer.kpis import _target

    rows = targets_table([
        _target("on_time_delivery_rate", None, None, 0.95, True, "",
                not_planned="no depots.csv: no routes"),
        {"kpi": "fill_rate", "baseline": 0.9, "plan": 0.95, "target": 0.97, "met": False,
         "note": ""}])  # a row stored before status codes: its English status words
    assert ("<td>On-time delivery rate</td><td>—</td><td>—</td><td>≥ 95.0 %</td>"
            "<td>not planned because no depots.csv: no routes</td>") in rows
    assert "<tr class='open'>" in rows and "<td>missed</td>" in rows
    assert "<td>90.0 %</td><td>95.0 %</td><td>≥ 97.0 %</td>" in rows
    assumed = pd.DataFrame({"table": ["skus"] * 7 + ["sales"],
                            "key": [f"<b>{i}</b>" for i in range(7)] + ["*"],
                            "column": ["unit_cost"] * 7 + ["customer_id"],
                            "value": [str(i) for i in range(7)] + ["UNKNOWN"],
                            "why": ["price x (1 - margin)"] * 7 + ["no customer"]})
    groups = assumption_groups(assumed, keys_shown=3)
    assert list(groups["values"]) == [7, 1]
    assert groups["keys"].iloc[0] == "<b>0</b>, <b>1</b>, <b>2</b>, ... (4 more)"
    html = assumed_section(groups, len(assumed))
    assert "8 values in this plan's data are assumed, not data" in html
    assert "&lt;b&gt;0&lt;/b&gt;" in html and "<b>0</b>" not in html


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_tradeoff_chart_and_procurement_account_render_in_headless_chromium(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    config = tiny_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "inventory_turnover_per_month = 4.0", "inventory_turnover_per_month = 2.0"),
        encoding="utf-8")
    result = run_cli("tradeoff", "--data", tiny_dir, "--store", tmp_path / "store",
                     "--time-limit", "3", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = json.loads(result.stdout)  # type: ignore[attr-defined]
    done = chromium_dom(Path(out["folder"]) / "tradeoff.html", tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    assert "<h2>Turnover trade-off</h2>" in done.stdout and "<svg" in done.stdout
    assert "chosen plan" in done.stdout and "target 2.0" in done.stdout  # the chart's legend
    assert "Turnover 2.0 costs" in done.stdout
    weekly = run_cli("weekly", "--data", tiny_dir, "--store", tmp_path / "weekly",
                     "--tradeoff", "--time-limit", "3", "--json")
    assert weekly.exit_code == 0, weekly.output  # type: ignore[attr-defined]
    page = Path(json.loads(weekly.stdout)["folder"]) / "report.html"  # type: ignore[attr-defined]
    done = chromium_dom(page, tmp_path / "profile2")
    assert done.returncode == 0 and "Over the 12 weeks from" in done.stdout
    assert "min/max (the company's current rule, config.toml [baseline])" in done.stdout
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    section = done.stdout.split("<h2>Turnover trade-off</h2>")[1].split("</section>")[0]
    assert "<svg" in section and "chosen plan" in section and "target 2.0" in section
    assert "Turnover 2.0 costs" in section

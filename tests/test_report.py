"""The plan report: self-contained, names escaped, renders in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import edit_table, set_cell

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
    for section in ("Targets", "Cost breakdown", "Pareto of cost drivers",
                    "Forecast of the top SKUs", "Projected inventory", "Routes",
                    "Staffing coverage"):
        assert f"<h2>{section}</h2>" in html
    for kpi in json.loads((tmp_path / "store" / "plans" / "1" / "kpis.json").read_text())[
            "targets"]:
        assert kpi["kpi"] in html


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

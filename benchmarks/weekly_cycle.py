"""`salesflow weekly` end to end on a medium dataset (BENCHMARKS.md, section weekly-medium).

The command on a generated `medium` dataset: its wall time, the plan stored, every KPI shown
with its target in the report. (The replay of past weeks against the baselines and the
perfect-foresight bound is ``benchmarks/replay_bench.py``, section ``replay``.)

Usage (from the repository root)::

    python benchmarks/weekly_cycle.py [--medium DIR]

``--medium`` defaults to generating ``medium`` seed 7 into a temporary folder.
"""

from __future__ import annotations

import argparse
import html
import json
import subprocess
import tempfile
import time
from pathlib import Path

from salesflow.benchmarks.locate import salesflow_command
from salesflow.benchmarks.report import machine_line, write_section


def weekly_timing(medium: Path | None) -> str:
    """Time ``salesflow weekly`` (the real command, storing the plan) on a medium dataset and
    check that the stored plan's report shows every KPI with its target."""
    with tempfile.TemporaryDirectory() as tmp:
        if medium is None:
            from salesflow.data.generator import generate_dataset, write_dataset

            medium = Path(tmp) / "medium"
            write_dataset(generate_dataset("medium", 7), medium, "csv")
        store = Path(tmp) / "store"
        started = time.perf_counter()
        done = subprocess.run([*salesflow_command(), "weekly", "--data",
                               str(medium), "--store", str(store), "--json"],
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"salesflow weekly failed ({done.returncode}):\n{done.stderr}")
        out = json.loads(done.stdout)
        report = (Path(out["folder"]) / "report.html").read_text(encoding="utf-8")
        targets = out["kpis"]["targets"]
        shown = [t["kpi"] for t in targets
                 if html.escape(t["kpi"]) in report or t["kpi"].replace("_", " ") in report]
    kpis = out["kpis"]
    rows = ["| KPI | baseline | plan | target | met |", "| --- | ---: | ---: | ---: | --- |"]

    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3g}"

    for t in targets:
        verdict = {True: "met", False: "missed", None: "n/a"}[t["met"]]
        rows.append(f"| {t['kpi']} | {show(t['baseline'])} | {show(t['value'])} | "
                    f"{show(t['target'])} | {verdict} |")
    solver = (f"purchasing {kpis['purchasing'].get('solver', {}).get('status')} "
              f"(gap {kpis['purchasing'].get('solver', {}).get('gap') or 0:.2%}), staffing "
              f"{kpis['staffing'].get('solver', {}).get('status')}")
    return "\n".join([
        f"`salesflow weekly` on a generated medium dataset (2,000 SKUs, 300 customers, "
        f"80 employees; seed 7), all stages, plan stored: **{seconds:.0f} s** wall time "
        f"(target: under 15 minutes); {len(shown)} of {len(targets)} KPIs shown with their "
        f"targets in the plan's report.html; {solver}.", "", *rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medium", type=Path, default=None)
    args = parser.parse_args()
    command = "python benchmarks/weekly_cycle.py" + (
        f" --medium {args.medium}" if args.medium else "")
    body = "\n".join([machine_line(), f"Command: `{command}`", "", weekly_timing(args.medium)])
    write_section("weekly-medium", body)
    print(body)


if __name__ == "__main__":
    main()

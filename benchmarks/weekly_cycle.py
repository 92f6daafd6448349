"""The weekly cycle's figures for BENCHMARKS.md (section ``weekly``).

1. Replay of the last 12 weeks of a dataset (default: the bundled sample): realized
   purchase + ordering + holding + shortage cost (net of the change in stock value), fill rate
   and inventory turnover for salesflow and every baseline, in one run; beside them the
   perfect-foresight bound (the weeks solved knowing the actual demand, no warehouse limit),
   below which no purchasing policy can go.
2. `salesflow weekly` end to end on a generated `medium` dataset: the command's wall time, the
   plan stored, every KPI shown with its target in the report.

Usage (from the repository root)::

    python benchmarks/weekly_cycle.py [--part replay|medium|all] [--data DIR] [--medium DIR]
                                      [--weeks 12] [--time-limit S] [--bound-seconds 600]

``--medium`` defaults to generating ``medium`` seed 7 into a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from salesflow.benchmarks.locate import salesflow_command
from salesflow.benchmarks.report import machine_line, write_section
from salesflow.data.dataset import load_dataset, sample_data_dir
from salesflow.data.dataset.config import iso_week
from salesflow.optimizer.replay import run_replay
from salesflow.optimizer.replay_bound import foresight_bound
from salesflow.optimizer.replay_policies import replay_policies


def replay_table(data: Path, weeks: int, time_limit: float | None,
                 bound_seconds: float) -> tuple[str, list[str]]:
    dataset = load_dataset(data)
    last = dataset.plan_week_start() - dt.timedelta(days=7)
    first = last - dt.timedelta(days=7 * (weeks - 1))
    started = time.perf_counter()
    result = run_replay(dataset, first, last, replay_policies(dataset, time_limit),
                        lambda done, total, label: print(f"  replay {label}", file=sys.stderr))
    seconds = time.perf_counter() - started
    bound = foresight_bound(dataset, first, last, time_limit_seconds=bound_seconds,
                            workers=dataset.config.solver.workers,
                            seed=dataset.config.planning.seed)
    best = result.best_baseline()
    lines = [
        f"Replay of {weeks} weeks, {iso_week(first)} to {iso_week(last)}, on `{data}` "
        f"({len(dataset.skus)} SKUs); every policy starts from the dataset's stock, sees only "
        f"the past each week and serves the actual demand; {seconds:.0f} s for all policies.",
        "",
        "| policy | purchase | ordering | holding | shortage | stock change | cost | vs best "
        "baseline | fill rate | turnover / month | peak stock m³ | weeks over capacity |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    checks = []
    for outcome in result.outcomes:
        row = outcome.to_dict()
        versus = (outcome.procurement_cost / best.procurement_cost - 1) if best else 0.0
        turnover = row["inventory_turnover_per_month"]
        lines.append(
            f"| {row['policy']} | {row['purchase']:,.0f} | {row['ordering']:,.0f} | "
            f"{row['holding']:,.0f} | {row['shortage']:,.0f} | {row['stock_change']:+,.0f} | "
            f"{row['cost']:,.0f} | {versus:+.1%} | {outcome.fill_rate:.1%} | "
            f"{'n/a' if turnover is None else f'{turnover:.2f}'} | "
            f"{row['peak_stock_m3']:,.1f} | {row['weeks_over_capacity']} |")
        if not outcome.is_baseline and best is not None:
            checks.append(
                f"{outcome.policy}: cost {versus:+.1%} vs the best baseline ({best.policy}; "
                f"target <= -5 %), fill rate {outcome.fill_rate:.1%} vs {best.fill_rate:.1%}")
    if best is not None:
        floor = bound.bound / best.procurement_cost - 1
        lines.append(f"| perfect-foresight bound | | | | | | {bound.bound:,.0f} | {floor:+.1%} "
                     "| | | | |")
        checks.append(
            f"perfect-foresight bound: {bound.bound:,.0f} = {floor:+.1%} vs the best baseline "
            f"({bound.optimal_parts} of {bound.parts} suppliers solved to proof, "
            f"{bound.runtime:.0f} s). It is a lower bound on the replay cost of *any* policy "
            "that orders on the suppliers' days with their lead times, in whole packs and "
            "MOQs, even one that knows the demand and ignores the warehouse: "
            + ("a -5 % target is out of reach on these weeks." if floor > -0.05 else
               "a -5 % target is not ruled out by it."))
    return "\n".join(lines), checks


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
    parser.add_argument("--data", type=Path, default=sample_data_dir())
    parser.add_argument("--medium", type=Path, default=None)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="salesflow's purchase solve per replayed week, seconds "
                             "(default: config.toml's solver.time_limit_seconds)")
    parser.add_argument("--bound-seconds", type=float, default=600.0,
                        help="time for the perfect-foresight bound of the replay")
    parser.add_argument("--part", choices=("replay", "medium", "all"), default="all",
                        help="which figures to measure (each writes its own section)")
    args = parser.parse_args()
    if args.part in ("replay", "all"):
        table, checks = replay_table(args.data, args.weeks, args.time_limit, args.bound_seconds)
        command = "python benchmarks/weekly_cycle.py --part replay" + (
            f" --data {args.data}" if args.data != sample_data_dir() else "") + (
            f" --time-limit {args.time_limit:g}" if args.time_limit else "") + (
            f" --bound-seconds {args.bound_seconds:g}" if args.bound_seconds != 600 else "")
        body = "\n".join([machine_line(), f"Command: `{command}`", "", table, "",
                          *[f"- {line}" for line in checks]])
        write_section("weekly-replay", body)
        print(body)
    if args.part in ("medium", "all"):
        command = "python benchmarks/weekly_cycle.py --part medium" + (
            f" --medium {args.medium}" if args.medium else "")
        body = "\n".join([machine_line(), f"Command: `{command}`", "",
                          weekly_timing(args.medium)])
        write_section("weekly-medium", body)
        print(body)


if __name__ == "__main__":
    main()

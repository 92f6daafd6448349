"""Staffing benchmark: the roster model on the Curtois & Qu instances against their best-known
values, Erlang C against its reference table, and the CP-SAT roster against the fixed-pattern
roster on a ``medium`` dataset (same penalties).

    flock /tmp/salesflow-bench.lock python benchmarks/staffing_bench.py --data-dir DIR/staffing

Options: ``--data-dir DIR`` (``curtois/``, ``README.md`` with the best-known values and
``erlang_c_reference.csv``; default ``$SALESFLOW_BENCHMARK_DATA/staffing``, one of the two is
required), ``--instances 1-8``, ``--time-limit 60`` (seconds per instance), ``--seed 0``,
``--medium DIR`` (a dataset folder; default: ``salesflow init --size medium --seed 7`` into a
temporary folder), ``--medium-time 60``, ``--forecast engine|baseline`` (orders per day of the
medium week), ``--no-medium``, ``--no-write`` and ``--rows FILE`` (a JSON copy of every row).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from salesflow.benchmarks.locate import data_folder, missing_data_message, reproducible
from salesflow.benchmarks.report import machine_line, write_section
from salesflow.benchmarks.staffing_harness import (
    curtois_summary,
    parse_instances,
    run_curtois,
    run_erlang,
)
from salesflow.optimizer.limits import SolveLimits


def medium_run(folder: Path | None, seconds: float, seed: int, forecast: str) -> dict[str, Any]:
    """The weekly staffing stage on a medium dataset: CP-SAT vs the fixed pattern."""

    from salesflow.data.dataset import load_dataset
    from salesflow.data.generator import generate_dataset, write_dataset
    from salesflow.forecasting.stage import forecast_stage
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.purchasing.builder import purchase_demand
    from salesflow.optimizer.purchasing.stage import purchasing_stage
    from salesflow.optimizer.staffing.report import cycle_figures, plan_figures
    from salesflow.optimizer.staffing.stage import receiving_arrivals, staffing_stage

    with tempfile.TemporaryDirectory(prefix="salesflow-medium-") as tmp:
        if folder is None:
            folder = Path(tmp) / "medium"
            write_dataset(generate_dataset("medium", 7), folder, "csv")
        dataset = load_dataset(folder)
        context = PlanningContext.build(dataset, limits=SolveLimits(seconds, 2, seed))
        week, history = context.week_start, context.history
        started = time.perf_counter()
        fc = forecast_stage(dataset, history, week, policy=forecast,
                            horizon=context.horizon_weeks)
        purchasing = purchasing_stage(dataset, context, purchase_demand(fc.demand))
        upstream = time.perf_counter() - started
        arrivals = receiving_arrivals(dataset, purchasing.arrival_dates())
        result = staffing_stage(dataset, context, fc.orders_per_day, arrivals)
    plan = result.plan
    assert plan is not None  # staffing_stage always builds the roster plan
    return {"dataset": str(folder), "employees": len(dataset["employees"]),
            "shift_types": len(dataset["shifts"]), "days": 7, "week": week.isoformat(),
            "forecast": forecast, "upstream_seconds": round(upstream, 1),
            "stopped_by": plan.solution.stopped_by, **plan_figures(plan),
            "cycle": cycle_figures(result.cycle),
            "baseline_cycle": cycle_figures(result.baseline_cycle)}


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def markdown(rows: list[dict[str, Any]], erlang: list[dict[str, Any]],
             medium: dict[str, Any] | None, command: str, seconds: float) -> str:
    summary = curtois_summary(rows)
    lines = [
        "## Staffing",
        "",
        f"Command: `{command}`",
        "",
        machine_line(),
        "",
        f"### Curtois & Qu instances ({seconds:g} s each, CP-SAT, 2 workers)",
        "",
        "Objective recomputed by the independent checker (every hard rule, the README's "
        "boundary rule); gap to the best-known value of the benchmark README.",
        "",
        "| instance | days x staff x shifts | objective | best known | gap | feasible | "
        "status | bound | s |",
        "| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: |",
    ]
    for r in rows:
        gap = "n/a" if r["gap_pct"] is None else f"{r['gap_pct']:.2f} %"
        lines.append(f"| {r['instance']} | {r['days']} x {r['staff']} x {r['shifts']} | "
                     f"{_fmt(r['objective'])} | {_fmt(r['bks'])} | {gap} | "
                     f"{'yes' if r['feasible'] else 'NO'} | {r['status']} | "
                     f"{_fmt(r['bound'], 0)} | {r['seconds']:.1f} |")
    mean = summary["mean_gap_pct"]
    lines += ["", f"Mean gap {'n/a' if mean is None else f'{mean:.2f} %'}; "
                  f"{summary['at_bks']} of {summary['instances']} at the best known; all "
                  f"feasible: {'yes' if summary['all_feasible'] else 'NO'}.", ""]
    lines += ["### Erlang C against `erlang_c_reference.csv`", "",
              "| case | agents | traffic (Erl) | P(wait) | ref | service level | ref | "
              "agents for 80 % | max abs diff |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in erlang:
        lines.append(f"| {r['case']} | {r['agents']} | {r['traffic']:g} | {r['p_wait']:.7f} | "
                     f"{r['p_wait_ref']:.7f} | {r['service_level']:.7f} | "
                     f"{r['service_level_ref']:.7f} | {r['agents_needed_80']} | "
                     f"{r['max_abs_diff']:.1e} |")
    lines += ["", f"{sum(r['match'] for r in erlang)} of {len(erlang)} rows reproduced.", ""]
    if medium:
        m, base, s = medium, medium["baseline"], medium["solver"]
        lines += [
            f"### Medium dataset ({m['employees']} employees, {m['days']} days, "
            f"{m['shift_types']} shift types; week of {m['week']})", "",
            f"CP-SAT {s['status']} in {s['runtime_seconds']} s (stopped by "
            f"{m['stopped_by']}), bound {_fmt(s['bound'])}, gap {s['gap']:.2%}. Same "
            f"penalties for both rosters (per person-hour under / over).", "",
            "| roster | labour | penalties | total | coverage | mean cycle (h) | target met |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, cost, cov, cyc in (("CP-SAT", m["cost"], m["coverage"], m["cycle"]),
                                     ("fixed pattern", base["cost"], base["coverage"],
                                      m["baseline_cycle"])):
            lines.append(f"| {name} | {_fmt(cost['labour'])} | {_fmt(cost['penalty'])} | "
                         f"{_fmt(cost['total'])} | {cov['coverage_rate']:.1%} | "
                         f"{_fmt(cyc['mean_hours'], 1)} | {'yes' if cyc['met'] else 'no'} |")
        cyc = m["cycle"]
        lines += ["", f"Ratio CP-SAT / fixed pattern: {m['cost_ratio_to_baseline']:.3f}. "
                      f"Cycle under the CP-SAT roster: mean {cyc['mean_hours']} h against "
                      f"{cyc['target_hours']:g} h"
                      + (f"; bottleneck step {cyc['bottleneck_step']} ({cyc['bottleneck_skill']})"
                         f" at {', '.join(cyc['bottleneck_hours'][:4])}"
                         if cyc["bottleneck_step"] else "") + "."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="curtois/, README.md and erlang_c_reference.csv "
                             "(default: $SALESFLOW_BENCHMARK_DATA/staffing)")
    parser.add_argument("--instances", default="1-8")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--medium", type=Path, default=None)
    parser.add_argument("--medium-time", type=float, default=60.0)
    parser.add_argument("--forecast", choices=("engine", "baseline"), default="engine")
    parser.add_argument("--no-medium", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--rows", type=Path, default=None)
    args = parser.parse_args(argv)
    data_dir = data_folder(args.data_dir, "staffing")
    if data_dir is None:
        parser.error(missing_data_message("--data-dir", "staffing",
                                          "curtois/, README.md and erlang_c_reference.csv"))
    try:
        numbers = parse_instances(args.instances)
    except ValueError as exc:
        parser.error(f"--instances {exc}")

    limits = SolveLimits(args.time_limit, 2, args.seed, work_limit=math.inf)
    rows = run_curtois(data_dir.resolve(), numbers, limits,
                       lambda r: print(json.dumps(r), flush=True))
    erlang = run_erlang(data_dir.resolve() / "erlang_c_reference.csv")
    medium = None if args.no_medium else medium_run(args.medium, args.medium_time, args.seed,
                                                   args.forecast)
    if medium:
        print(json.dumps({k: medium[k] for k in ("solver", "cost", "baseline",
                                                 "cost_ratio_to_baseline", "cycle")},
                         default=str), flush=True)
    command = "flock /tmp/salesflow-bench.lock python benchmarks/staffing_bench.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    text = markdown(rows, erlang, medium, reproducible(command.strip(), args.data_dir is None),
                    args.time_limit)
    if args.rows:
        args.rows.write_text(json.dumps({"curtois": rows, "erlang": erlang, "medium": medium,
                                         "at": dt.datetime.now(dt.UTC).isoformat()},
                                        indent=2, default=str), encoding="utf-8")
    if not args.no_write:
        write_section("staffing", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

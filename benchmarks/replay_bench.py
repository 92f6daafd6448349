"""Replay judged against what is possible: the share of the baseline -> perfect-foresight gap
that salesflow captures, on the bundled sample and on a generated medium dataset.

For each dataset, ``salesflow replay --from A --to B --bound S --json`` is run in a fresh
process over the last ``--weeks`` weeks before its plan week. The table keeps each policy's
net cost, its change against the baseline (the company's rule of ``config.toml``
``[baseline]``), its fill rate and the share of the gap between the baseline and the
perfect-foresight bound it captures (1 = at the bound). Target: salesflow captures >= 60 % at
a fill rate no lower than the baseline's.

Usage (from the repository root; heavy, run it under ``flock /tmp/salesflow-bench.lock``)::

    python benchmarks/replay_bench.py [--datasets sample,medium] [--medium-dir DIR]
                                      [--weeks 12] [--time-limit S] [--bound-seconds 600]
                                      [--write]
"""

from __future__ import annotations

import argparse
import datetime as dt
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

TARGET_SHARE = 0.60


def replay(folder: Path, weeks: int, time_limit: float | None,
           bound_seconds: float) -> tuple[dict, float, str]:
    """The replay command's JSON summary on ``folder``, its wall time and its arguments."""
    dataset = load_dataset(folder)
    last = dataset.plan_week_start() - dt.timedelta(days=7)
    first = last - dt.timedelta(days=7 * (weeks - 1))
    args = ["replay", "--from", iso_week(first), "--to", iso_week(last),
            "--bound", f"{bound_seconds:g}"]
    if time_limit is not None:
        args += ["--time-limit", f"{time_limit:g}"]
    started = time.perf_counter()
    done = subprocess.run([*salesflow_command(), *args, "--data", str(folder), "--json"],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout), time.perf_counter() - started, " ".join(args)


def table(name: str, summary: dict, wall: float, skus: int) -> tuple[list[str], list[str]]:
    """Markdown rows of one replay and its check lines."""
    bound = summary["foresight_bound"]
    rule = summary["baseline"]
    lines = [f"**{name}** ({skus} SKUs), {summary['from']} to {summary['to']}, baseline "
             f"{rule}; {wall:.0f} s for the command (replay and bound).", "",
             "| policy | cost | vs baseline | fill rate | turnover / month | captured share |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    base = next(row for row in summary["policies"] if row["policy"] == rule)
    checks = []
    for row in summary["policies"]:
        share = row.get("captured_share")
        versus = row.get("vs_baseline")
        turnover = row["inventory_turnover_per_month"]
        lines.append(f"| {row['policy']} | {row['cost']:,.0f} | "
                     f"{'' if versus is None else f'{versus:+.2%}'} | {row['fill_rate']:.1%} | "
                     f"{'-' if turnover is None else f'{turnover:.2f}'} | "
                     f"{'-' if share is None else f'{share:.0%}'} |")
        if not row["baseline"]:
            met = share is not None and share >= TARGET_SHARE \
                and row["fill_rate"] >= base["fill_rate"]
            checks.append(f"{name}: {row['policy']} captures "
                          f"{'n/a' if share is None else f'{share:.0%}'} of the gap (target "
                          f">= {TARGET_SHARE:.0%}) at fill rate {row['fill_rate']:.1%} vs the "
                          f"baseline's {base['fill_rate']:.1%}: {'met' if met else 'missed'}")
    lines.append(f"| perfect-foresight bound | {bound['bound']:,.0f} | "
                 f"{bound['bound'] / base['cost'] - 1:+.2%} | | | 100% |")
    checks.append(f"{name}: bound {bound['optimal_parts']} of {bound['parts']} suppliers "
                  f"solved to proof in {bound['runtime_s']:.0f} s")
    return lines, checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="sample,medium")
    parser.add_argument("--medium-dir", type=Path, default=None,
                        help="a generated medium dataset (default: salesflow init --size "
                             "medium --seed 7 into a temporary folder)")
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="salesflow's purchase solve per replayed week, seconds "
                             "(default: config.toml's solver.time_limit_seconds)")
    parser.add_argument("--bound-seconds", type=float, default=600.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    command = "python benchmarks/replay_bench.py " + " ".join(argv or sys.argv[1:])
    body = [machine_line(), f"Command: `{command.strip()}` (under `flock "
            "/tmp/salesflow-bench.lock`; the machine's 2 cores are shared with other "
            "sessions' tests, so times are long and vary)", ""]
    checks: list[str] = []
    with tempfile.TemporaryDirectory(prefix="salesflow-replay-") as tmp:
        for name in args.datasets.split(","):
            if name == "sample":
                folder = sample_data_dir()
            else:
                from salesflow.benchmarks.purchase_datasets import generate

                folder = args.medium_dir or generate(Path(tmp) / "medium", "medium", 7)
            print(f"replay on {name} ...", file=sys.stderr)
            summary, wall, _ = replay(folder, args.weeks, args.time_limit, args.bound_seconds)
            rows, found = table(name, summary, wall, len(load_dataset(folder).skus))
            body += [*rows, ""]
            checks += found
    body += [f"- {line}" for line in checks]
    text = "\n".join(body)
    print(text)
    if args.write:
        write_section("replay", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

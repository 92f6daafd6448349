"""Forecast throughput with 2 local Dask workers over 1 (issue 19), section ``forecast-workers``.

On one dataset (e.g. ``salesflow init DIR --size xlarge --seed 7``) the weekly demand
forecast of the planning week (:func:`~salesflow.forecasting.stage.demand_forecast`, what
``weekly``'s forecast stage spends its time in: every SKU's backtest, model choice and
forecast with the global model) runs once per worker count, each in a fresh process that loads
the dataset first; the clock covers the forecast alone, not the loading. Throughput is SKUs
(series) per second; the ratio compares worker counts of the same run, as the machine is
shared. The process's peak RSS is the kernel's for that child (``wait4``: the largest of it
and its reaped worker processes).

Usage (from the repository root; heavy: under the shared benchmark lock)::

    flock /tmp/salesflow-bench.lock python benchmarks/forecast_workers.py --data DIR \\
        [--workers 1,2] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from salesflow.benchmarks.report import machine_line, write_section
from salesflow.benchmarks.scale import MiB, load_now, parse_workers, run_measured

SECTION = "forecast-workers"


@dataclass(frozen=True)
class Measured:
    """One forecast of the dataset with ``workers`` workers."""

    workers: int
    series: int
    seconds: float
    peak_rss_bytes: int

    @property
    def throughput(self) -> float:
        """Series per second."""
        return self.series / self.seconds if self.seconds > 0 else float("nan")


def forecast_once(data: Path, workers: int) -> dict[str, float | int]:
    """Load ``data`` and time its demand forecast with ``workers`` workers (this process)."""
    from salesflow.data.dataset import load_dataset
    from salesflow.forecasting.cluster import close_session
    from salesflow.forecasting.stage import demand_forecast

    dataset = load_dataset(data)
    week_start = dataset.plan_week_start(None)
    history = dataset.history_before(week_start)
    started = time.perf_counter()
    try:
        _, series = demand_forecast(dataset, history, week_start, n_jobs=workers)
    finally:
        seconds = time.perf_counter() - started
        close_session()
    return {"series": len(series), "seconds": seconds}


def measure_one(data: Path, workers: int) -> Measured:
    """:func:`forecast_once` in a fresh process; its figures and peak RSS."""
    code, out, err, _, peak = run_measured(
        [sys.executable, __file__, "--one", str(workers), "--data", str(data)])
    if code != 0:
        raise SystemExit(f"the forecast with {workers} worker(s) failed ({code}):\n{err}")
    figures = json.loads(out.strip().splitlines()[-1])
    return Measured(workers, int(figures["series"]), float(figures["seconds"]), peak)


def section(runs: Sequence[Measured], data: Path, command: str, load: str) -> str:
    """The BENCHMARKS.md text of the runs."""
    lines = ["## Forecast throughput, 2 workers over 1 (issue 19)", "", machine_line(),
             f"Command: `{command}`", "",
             f"Dataset `{data}`; each worker count in a fresh process, the clock on the "
             f"demand forecast alone (not loading). Load: {load}.", "",
             "| workers | SKUs | forecast seconds | series/s | peak RSS MiB |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r.workers} | {r.series:,} | {r.seconds:,.1f} | {r.throughput:,.1f} | "
              f"{r.peak_rss_bytes / MiB:,.0f} |" for r in runs]
    base = min(runs, key=lambda r: r.workers) if runs else None
    lines.append("")
    for run in runs:
        if base is not None and run is not base:
            lines.append(f"- {run.workers} workers over {base.workers}: "
                         f"**{run.throughput / base.throughput:.2f}×** the throughput "
                         "(same run).")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="the dataset folder (salesflow init DIR --size xlarge --seed 7)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true",
                        help=f"write the section {SECTION} of BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(forecast_once(args.data, args.one)))
        return
    try:
        workers = parse_workers(args.workers)
    except ValueError as exc:
        parser.error(str(exc))
    if not args.data.is_dir():
        parser.error(f"--data {args.data}: no such folder")
    load = load_now()
    runs = []
    for count in workers:
        print(f"forecast with {count} worker(s) ...", file=sys.stderr, flush=True)
        runs.append(measure_one(args.data, count))
        print(f"  {runs[-1].seconds:,.1f} s, {runs[-1].throughput:,.1f} series/s",
              file=sys.stderr, flush=True)
    command = ("flock /tmp/salesflow-bench.lock python benchmarks/forecast_workers.py "
               f"--data {args.data} --workers {args.workers}" + (" --write" if args.write else ""))
    text = section(runs, args.data, command, f"{load} at the start, {load_now()} at the end")
    if args.write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()

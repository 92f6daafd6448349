"""Forecast throughput with 2 local Dask workers over 1 (issue 19), section ``forecast-workers``.

On one dataset (e.g. ``salesflow init DIR --size xlarge --seed 7``) the weekly demand
forecast of the planning week (:func:`~salesflow.forecasting.stage.demand_forecast`, what
``weekly``'s forecast stage spends its time in: every SKU's backtest, model choice and
forecast with the global model) runs once per worker count, each in a fresh process that loads
the dataset first; the clock covers the forecast alone, not the loading. Throughput is SKUs
(series) per second; the ratio compares worker counts of the same run, as the machine is
shared. The process's peak RSS is the kernel's for that child (``wait4``: the largest of it
and its reaped worker processes). Its CPU seconds during the forecast, its workers' included,
over the forecast's seconds give the cores it kept busy: near 2 with two workers unless they
waited (for the serial parts, or for each other at the end).

The machine's speed drifts over an hour (by 15 % between two halves of one run here), so with
``--rounds R`` the worker counts run R times, in ascending order in the first round and
descending in the next, alternating (1, 2, 2, 1 for two rounds): a steady drift then falls on
every count alike. The ratio is that of the counts' total throughput over all rounds; each
round's own ratio is listed beside it. ``--descending`` starts with the descending order.

Usage (from the repository root; heavy: under the shared benchmark lock)::

    flock /tmp/salesflow-bench.lock python benchmarks/forecast_workers.py --data DIR \\
        [--workers 1,2] [--rounds 1] [--descending] [--write]
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
from salesflow.benchmarks.scale import MiB, cpu_seconds, load_now, parse_workers, run_measured

SECTION = "forecast-workers"


@dataclass(frozen=True)
class Measured:
    """One forecast of the dataset with ``workers`` workers."""

    workers: int
    series: int
    seconds: float
    peak_rss_bytes: int
    round: int = 0
    cpu_seconds: float = float("nan")

    @property
    def busy_cores(self) -> float:
        """CPU seconds per second of the forecast: how many cores it kept busy on average."""
        return self.cpu_seconds / self.seconds if self.seconds > 0 else float("nan")

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
    cpu = cpu_seconds()
    started = time.perf_counter()
    try:
        series = demand_forecast(dataset, history, week_start, n_jobs=workers).series
    finally:
        seconds = time.perf_counter() - started
        close_session()  # its worker processes are ended and reaped: their CPU is counted
    return {"series": len(series), "seconds": seconds, "cpu_seconds": cpu_seconds() - cpu}


def measure_one(data: Path, workers: int, round_: int = 0) -> Measured:
    """:func:`forecast_once` in a fresh process; its figures and peak RSS."""
    code, out, err, _, peak = run_measured(
        [sys.executable, __file__, "--one", str(workers), "--data", str(data)])
    if code != 0:
        raise SystemExit(f"the forecast with {workers} worker(s) failed ({code}):\n{err}")
    figures = json.loads(out.strip().splitlines()[-1])
    return Measured(workers, int(figures["series"]), float(figures["seconds"]), peak, round_,
                    float(figures["cpu_seconds"]))


def schedule(workers: Sequence[int], rounds: int, descending: bool = False) \
        -> list[tuple[int, int]]:
    """(round, worker count) in the order they run: the counts ascending and descending in
    turn, starting descending if ``descending``."""
    order = []
    for r in range(rounds):
        counts = sorted(workers, reverse=(r % 2 == 0) == descending)
        order += [(r, count) for count in counts]
    return order


def throughput_of(runs: Sequence[Measured], workers: int) -> float:
    """Series per second of the runs with ``workers`` workers, over all their rounds."""
    mine = [r for r in runs if r.workers == workers]
    seconds = sum(r.seconds for r in mine)
    return sum(r.series for r in mine) / seconds if seconds > 0 else float("nan")


def section(runs: Sequence[Measured], data: Path, command: str, load: str) -> str:
    """The BENCHMARKS.md text of the runs (in the order they ran)."""
    round_ids = sorted({r.round for r in runs})
    rounds = len(round_ids)
    lines = ["## Forecast throughput, 2 workers over 1 (issue 19)", "", machine_line(),
             f"Command: `{command}`", "",
             f"Dataset `{data}`; each worker count in a fresh process, the clock on the "
             "demand forecast alone (not loading); CPU seconds are those of the forecast and "
             "its worker processes, busy cores their ratio to its seconds. "
             f"Load: {load}.", ""]
    if rounds > 1:
        lines += [f"{rounds} rounds, the order of the worker counts alternating, in the order "
                  "they ran:", ""]
    lines += ["| round | workers | SKUs | forecast seconds | series/s | CPU seconds | "
              "busy cores | peak RSS MiB |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r.round + 1} | {r.workers} | {r.series:,} | {r.seconds:,.1f} | "
              f"{r.throughput:,.1f} | {r.cpu_seconds:,.1f} | {r.busy_cores:.2f} | "
              f"{r.peak_rss_bytes / MiB:,.0f} |" for r in runs]
    counts = sorted({r.workers for r in runs})
    lines.append("")
    if len(counts) > 1:
        base = counts[0]
        for count in counts[1:]:
            ratio = throughput_of(runs, count) / throughput_of(runs, base)
            per_round = [throughput_of([r for r in runs if r.round == k], count)
                         / throughput_of([r for r in runs if r.round == k], base)
                         for k in round_ids]
            rounds_text = "" if rounds == 1 else \
                f" over all {rounds} rounds (by round: " + \
                ", ".join(f"{x:.2f}×" for x in per_round) + ")"
            lines.append(f"- {count} workers over {base}: **{ratio:.2f}×** the throughput"
                         f"{rounds_text} (same run).")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="the dataset folder (salesflow init DIR --size xlarge --seed 7)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the worker counts this many times, alternating their order")
    parser.add_argument("--descending", action="store_true",
                        help="start with the most workers (the next round starts with the fewest)")
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
    if args.rounds < 1:
        parser.error(f"--rounds must be a positive whole number; got {args.rounds}")
    if not args.data.is_dir():
        parser.error(f"--data {args.data}: no such folder")
    load = load_now()
    runs = []
    for round_, count in schedule(workers, args.rounds, args.descending):
        print(f"round {round_ + 1}: forecast with {count} worker(s) ...", file=sys.stderr,
              flush=True)
        runs.append(measure_one(args.data, count, round_))
        print(f"  {runs[-1].seconds:,.1f} s, {runs[-1].throughput:,.1f} series/s",
              file=sys.stderr, flush=True)
    command = ("flock /tmp/salesflow-bench.lock python benchmarks/forecast_workers.py "
               f"--data {args.data} --workers {args.workers}"
               + (f" --rounds {args.rounds}" if args.rounds != 1 else "")
               + (" --descending" if args.descending else "")
               + (" --write" if args.write else ""))
    text = section(runs, args.data, command, f"{load} at the start, {load_now()} at the end")
    if args.write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
